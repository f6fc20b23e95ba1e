//! Time (`sequenza::time`): `SendPolicy` and `Recurrence` (with batch forms over lists, NumPy
//! arrays or Arrow timestamps: `time_arrays`), `FrequencyCaps`, `wait_end`, `plan_send`,
//! `resolve_time_zone` and `local_to_utc`.
//!
//! The keyword arguments of `SendPolicy(...)` are read by the core as the flow model's send
//! policy JSON (`send_policy_from_kwargs`: a `("22:00", "08:00")` pair is a window), so errors
//! carry the core's codes and JSON pointers (`/quiet_hours/0/end`). Instants come in as aware
//! `datetime`s (or RFC 3339 text) and go out as aware UTC `datetime`s. The zone of a call is the
//! one given to the call, else the policy's zone as the core's zone chain resolves it
//! (`time_zone`, then `fallback_time_zone`, then UTC).

use chrono::{NaiveDate, NaiveDateTime};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};
use sequenza::flow::{SendPolicy, WaitNode};
use sequenza::model::{Channel, Contact};
use sequenza::time::{
    call_zone, history_from_json, send_policy_from_kwargs, CapPolicy, Decision, RecurrenceRule,
    Recurring, SentMessage, Tz, ZonedPolicy,
};

use super::convert::{
    date_kind, instant, py_datetime, read, to_py, to_value, At, Data, Datetime, Doc, Dt, Holds,
    Json, Obj, A, B,
};
use super::errors::Result;
use super::time_arrays::{arrow_out, instants, instants_out, numpy_array, Form};
use super::{internal, type_error};

/// A decision as a ``dict`` (its JSON form): ``{"decision": "allow"}``, ``{"decision": "defer",
/// "until": <aware UTC datetime>}`` or ``{"decision": "skip"}``.
pub(crate) struct DecisionDict(Decision);

impl<'py> IntoPyObject<'py> for DecisionDict {
    type Target = PyDict;
    type Output = Bound<'py, PyDict>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        let out = to_py(py, &self.0)?.cast_into::<PyDict>()?;
        if let Decision::Defer { until } = self.0 {
            out.set_item("until", py_datetime(py, &until)?)?;
        }
        Ok(out)
    }
}

/// A channel name (``"email"``, ``"sms"``, ``"web_push"``, ``"whatsapp"``).
pub(crate) struct ChannelName(Channel);

impl<'py> FromPyObject<'_, 'py> for ChannelName {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        let name: String = obj.extract()?;
        let channel = serde_json::from_value(serde_json::Value::String(name.clone()));
        channel.map(ChannelName).map_err(|_| {
            PyValueError::new_err(format!(
                "channel must be one of \"email\", \"sms\", \"web_push\", \"whatsapp\", not {name:?}"
            ))
        })
    }
}

/// A send history: a list of ``(at, channel)`` / ``(at, channel, transactional)`` tuples or
/// ``{"at", "channel", "transactional"}`` dicts (or its JSON text), read by the core
/// (``FlowFormatError`` with the entry's JSON pointer, ``/1/1``).
pub(crate) struct History(Vec<SentMessage>);

impl<'py> FromPyObject<'_, 'py> for History {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        let text = match obj.cast::<PyString>() {
            Ok(s) => s.to_cow()?.into_owned(),
            Err(_) => to_value(&obj)?.to_string(),
        };
        let history = history_from_json(&text);
        history
            .map(History)
            .map_err(|e| super::to_py_err(obj.py(), &e))
    }
}

/// A history argument (None: nothing sent).
fn sent(history: Option<History>) -> Vec<SentMessage> {
    history.map(|h| h.0).unwrap_or_default()
}

/// A send policy: quiet hours, allowed weekdays and allowed hours (send windows) in a
/// recipient's local time, exact across daylight-saving changes.
///
/// Every argument is optional: ``quiet_hours`` and ``hours`` are lists of ``(start, end)``
/// pairs of ``"HH:MM"`` local times (``end`` before ``start`` crosses midnight, ``"22:00"`` –
/// ``"08:00"``; a window is ``[start, end)``), ``weekdays`` a list of ``"mon"`` … ``"sun"``
/// (empty or None: every day), ``timezone`` the IANA zone used when a call gives none (default
/// UTC), ``fallback_timezone`` the zone used when ``timezone`` is not given, and
/// ``outside_window`` what ``decide`` does outside the allowed time (``"defer"``, the default,
/// or ``"skip"``). ``SendPolicy.from_json`` reads the flow model's JSON form instead.
///
/// Raises ``TimeError`` (``time.time.malformed``, ``time.window.ambiguous``,
/// ``time.zone.unknown``, ``time.policy.never_allowed``) or ``FlowFormatError`` (an unknown
/// weekday, a malformed window), with ``path`` the JSON pointer in the policy's JSON form
/// (``/quiet_hours/0/end``).
#[pyclass(frozen, module = "sequenza", name = "SendPolicy")]
#[derive(Debug)]
pub(crate) struct PySendPolicy {
    inner: ZonedPolicy,
}

impl Holds for PySendPolicy {
    type Value = ZonedPolicy;
    const EXPECTED: &'static str = "SendPolicy, str, bytes, dict or None";

    fn value(&self) -> PyResult<ZonedPolicy> {
        Ok(self.inner.clone())
    }
}

impl PySendPolicy {
    /// The zone of a call on this policy: ``timezone`` when given, else the policy's.
    fn zone(&self, timezone: Option<&str>) -> Result<Tz> {
        Ok(call_zone(timezone, Some(&self.inner))?)
    }
}

/// A policy argument: a `SendPolicy` or its JSON form.
type PolicyArg = Obj<PySendPolicy>;

#[pymethods]
impl PySendPolicy {
    #[new]
    #[pyo3(signature = (
        quiet_hours = None,
        weekdays = None,
        hours = None,
        timezone = None,
        *,
        fallback_timezone = None,
        outside_window = None
    ))]
    fn new(
        py: Python<'_>,
        quiet_hours: Option<&Bound<'_, PyAny>>,
        weekdays: Option<&Bound<'_, PyAny>>,
        hours: Option<&Bound<'_, PyAny>>,
        timezone: Option<&str>,
        fallback_timezone: Option<&str>,
        outside_window: Option<&str>,
    ) -> Result<Self> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("quiet_hours", quiet_hours)?;
        kwargs.set_item("weekdays", weekdays)?;
        kwargs.set_item("hours", hours)?;
        kwargs.set_item("timezone", timezone)?;
        kwargs.set_item("fallback_timezone", fallback_timezone)?;
        kwargs.set_item("outside_window", outside_window)?;
        let source = send_policy_from_kwargs(to_value(&kwargs)?)?;
        Ok(PySendPolicy {
            inner: ZonedPolicy::new(source)?,
        })
    }

    /// Reads a send policy in the flow model's JSON form (text, UTF-8 bytes or a dict:
    /// ``{"quiet_hours": [{"start": "22:00", "end": "08:00"}], "weekdays": [...], "hours":
    /// [...], "time_zone": "Europe/Rome", "outside_window": "defer"}``).
    #[staticmethod]
    fn from_json(data: Data<ZonedPolicy>) -> Self {
        PySendPolicy { inner: data.0 }
    }

    /// The first instant at or after ``dt`` when a send may go out, as an aware ``datetime`` in
    /// UTC. ``dt`` is a timezone-aware ``datetime`` (naive: ``ValueError``) or RFC 3339 text;
    /// ``timezone`` (an IANA name) overrides the policy's zone for this call.
    #[pyo3(signature = (dt, timezone = None))]
    fn next_allowed<'py>(
        &self,
        dt: &Bound<'py, PyAny>,
        timezone: Option<&str>,
    ) -> Result<Bound<'py, PyAny>> {
        let at = instant(dt, "dt")?;
        let next = self.inner.policy.next_allowed(at, self.zone(timezone)?)?;
        Ok(super::convert::same_or_new(dt, at, &next)?)
    }

    /// Whether a send may go out at ``dt`` (arguments as for ``next_allowed``).
    #[pyo3(signature = (dt, timezone = None))]
    fn is_allowed(&self, dt: Dt, timezone: Option<&str>) -> Result<bool> {
        Ok(self.inner.policy.is_allowed(dt.0, self.zone(timezone)?))
    }

    /// What to do with a send at ``dt``: ``{"decision": "allow"}``, ``{"decision": "defer",
    /// "until": <aware UTC datetime>}`` or ``{"decision": "skip"}`` (arguments as for
    /// ``next_allowed``).
    #[pyo3(signature = (dt, timezone = None))]
    fn decide(&self, dt: Dt, timezone: Option<&str>) -> Result<DecisionDict> {
        Ok(DecisionDict(
            self.inner.policy.decide(dt.0, self.zone(timezone)?)?,
        ))
    }

    /// ``next_allowed`` for many instants at once: ``dts`` is a list of aware ``datetime``s /
    /// RFC 3339 strings (gives a list of aware UTC ``datetime``s) or a NumPy ``datetime64``
    /// array, read as UTC (gives a ``datetime64[us]`` array; ``NaT`` stays ``NaT``). The work
    /// runs without the GIL.
    #[pyo3(signature = (dts, timezone = None))]
    fn next_allowed_many<'py>(
        &self,
        py: Python<'py>,
        dts: &Bound<'py, PyAny>,
        timezone: Option<&str>,
    ) -> Result<Bound<'py, PyAny>> {
        let (ats, form) = instants(dts, "dts")?;
        let (zone, policy) = (self.zone(timezone)?, &self.inner.policy);
        let out = py.detach(|| policy.next_allowed_many(&ats, zone))?;
        Ok(instants_out(py, &out, form)?)
    }

    /// ``is_allowed`` for many instants at once (``dts`` as for ``next_allowed_many``): a list
    /// of ``bool``, or a NumPy ``bool`` array for a NumPy input (``False`` for ``NaT``).
    #[pyo3(signature = (dts, timezone = None))]
    fn is_allowed_many<'py>(
        &self,
        py: Python<'py>,
        dts: &Bound<'py, PyAny>,
        timezone: Option<&str>,
    ) -> Result<Bound<'py, PyAny>> {
        let (ats, form) = instants(dts, "dts")?;
        let (zone, policy) = (self.zone(timezone)?, &self.inner.policy);
        let allowed = |t: &Option<_>| t.is_some_and(|t| policy.is_allowed(t, zone));
        let out: Vec<bool> = py.detach(|| ats.iter().map(allowed).collect());
        if form == Form::List {
            return Ok(PyList::new(py, out)?.into_any());
        }
        let bytes: Vec<u8> = out.iter().map(|&b| u8::from(b)).collect();
        let array = numpy_array(py, &bytes, "bool")?;
        match form {
            Form::Arrow => Ok(arrow_out(py, array)?),
            _ => Ok(array),
        }
    }

    /// Several policies together (account default, flow, node …): a send must satisfy all of
    /// them — the stricter wins. Each is a ``SendPolicy`` or its JSON form; the result works in
    /// ``timezone`` (default UTC). Raises ``TimeError`` with a ``path`` starting with the
    /// policy's index (``/1/hours/0/end``), or ``time.policy.never_allowed`` when nothing is
    /// left. ``to_dict()`` of the result gives the combined rule, which reads back the same.
    #[staticmethod]
    #[pyo3(signature = (policies, timezone = None))]
    fn combine(policies: &Bound<'_, PyAny>, timezone: Option<&str>) -> Result<Self> {
        let mut docs = Vec::new();
        for (i, item) in policies.try_iter()?.enumerate() {
            let item = item?;
            docs.push(match item.cast::<PySendPolicy>() {
                Ok(p) => p.get().inner.doc.clone(),
                Err(_) => {
                    let text = super::convert::document_text(
                        &item,
                        "policies[i]",
                        "SendPolicy, str, bytes or dict",
                        false,
                    )?;
                    SendPolicy::from_json(&text).map_err(|e| e.in_element(i))?
                }
            });
        }
        Ok(PySendPolicy {
            inner: ZonedPolicy::combine(&docs, timezone)?,
        })
    }

    /// This policy and ``other`` (a ``SendPolicy`` or its JSON form) together: the stricter
    /// wins (the intersection; ``skip`` when either skips). Keeps this policy's zone. Raises
    /// ``TimeError`` ``time.policy.never_allowed`` when nothing is left.
    fn stricter(&self, other: PolicyArg) -> Result<Self> {
        Ok(PySendPolicy {
            inner: self.inner.stricter(&other.0)?,
        })
    }

    /// The zone used when a call gives none (IANA name).
    #[getter]
    fn timezone(&self) -> &str {
        self.inner.zone.name()
    }

    /// The policy in the flow model's JSON form, as a ``dict``.
    fn to_dict(&self) -> Json<&SendPolicy> {
        Json(&self.inner.doc)
    }

    fn __repr__(&self) -> PyResult<String> {
        let text =
            serde_json::to_string(&self.inner.doc).map_err(|e| internal("a send policy", e))?;
        Ok(format!("SendPolicy.from_json({text:?})"))
    }
}

/// A recurrence: every N minutes (5 to 1440), weekly at local times, monthly on a day or on
/// "the last Monday", yearly (birthdays) — in a time zone, optionally only inside a send policy.
///
/// ``rule`` is the recurrence's JSON form (text, UTF-8 bytes or a dict), e.g.
/// ``{"kind": "every", "minutes": 15}``, ``{"kind": "weekly", "weekdays": ["mon"], "times":
/// ["09:00"]}``, ``{"kind": "monthly", "day": -1, "time": "09:00"}``, ``{"kind":
/// "monthly_weekday", "nth": -1, "weekday": "mon", "time": "09:00"}``, ``{"kind": "yearly",
/// "month": 5, "day": 1, "time": "09:00"}``; ``Recurrence.from_rrule`` reads an RFC 5545 RRULE
/// subset. ``timezone`` is the zone of the local times (default: the policy's zone, else UTC);
/// ``policy`` (a ``SendPolicy`` or its JSON form) keeps only the occurrences it allows.
///
/// Raises ``TimeError`` (``time.recurrence.frequency_out_of_range``, ``time.recurrence.no_times``,
/// ``time.recurrence.bad_day``, ``time.time.malformed``, ``time.recurrence.never_allowed``,
/// ``time.zone.unknown`` …) or ``FlowFormatError`` (a rule of the wrong shape), with ``path``.
#[pyclass(frozen, module = "sequenza", name = "Recurrence")]
#[derive(Debug)]
pub(crate) struct PyRecurrence {
    inner: Recurring,
}

impl PyRecurrence {
    fn build(
        rule: &RecurrenceRule,
        timezone: Option<&str>,
        policy: Option<PolicyArg>,
    ) -> Result<Self> {
        let policy = policy.map(|p| p.0);
        Ok(PyRecurrence {
            inner: rule.compile_for(timezone, policy.as_ref())?,
        })
    }
}

#[pymethods]
impl PyRecurrence {
    #[new]
    #[pyo3(signature = (rule, timezone = None, policy = None))]
    fn new(
        rule: &Bound<'_, PyAny>,
        timezone: Option<&str>,
        policy: Option<PolicyArg>,
    ) -> Result<Self> {
        let rule: RecurrenceRule = read(rule, "rule", "str, bytes or dict")?;
        PyRecurrence::build(&rule, timezone, policy)
    }

    /// Reads an RFC 5545 RRULE (the subset sequenza prints: ``"FREQ=MINUTELY;INTERVAL=15"``,
    /// ``"FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=9;BYMINUTE=30"``, ``"FREQ=MONTHLY;BYDAY=-1MO;..."`` …;
    /// an optional ``RRULE:`` prefix). Other arguments as for ``Recurrence(...)``. Raises
    /// ``TimeError`` ``time.rrule.malformed`` / ``time.rrule.unsupported`` outside the subset.
    #[staticmethod]
    #[pyo3(signature = (text, timezone = None, policy = None))]
    fn from_rrule(text: &str, timezone: Option<&str>, policy: Option<PolicyArg>) -> Result<Self> {
        PyRecurrence::build(&RecurrenceRule::from_rrule(text)?, timezone, policy)
    }

    /// The first occurrence strictly after ``dt`` (an aware ``datetime`` or RFC 3339 text), as
    /// an aware ``datetime`` in UTC.
    fn next_after(&self, dt: Dt) -> Result<Datetime> {
        Ok(Datetime(self.inner.next_after(dt.0)?))
    }

    /// ``next_after`` for many instants at once: a list of aware ``datetime``s / RFC 3339
    /// strings gives a list, a NumPy ``datetime64`` array (read as UTC) a ``datetime64[us]``
    /// array (``NaT`` stays ``NaT``). The work runs without the GIL.
    fn next_after_many<'py>(
        &self,
        py: Python<'py>,
        dts: &Bound<'py, PyAny>,
    ) -> Result<Bound<'py, PyAny>> {
        let (ats, form) = instants(dts, "dts")?;
        let next = |t: &Option<_>| t.map(|t| self.inner.next_after(t)).transpose();
        let out = py.detach(|| ats.iter().map(next).collect::<sequenza::Result<Vec<_>>>())?;
        Ok(instants_out(py, &out, form)?)
    }

    /// Every occurrence in ``[a, b)``, in order, as aware UTC ``datetime``s (``TimeError``
    /// ``time.recurrence.too_many`` for more than the core's maximum).
    fn between(&self, a: A, b: B) -> Result<Vec<Datetime>> {
        let all = self.inner.occurrences_between(a.0, b.0)?;
        Ok(all.into_iter().map(Datetime).collect())
    }

    /// The rule as an RFC 5545 RRULE (``TimeError`` when it has no RRULE form).
    fn to_rrule(&self) -> Result<String> {
        Ok(self.inner.rule().to_rrule()?)
    }

    /// The rule in its JSON form, as a ``dict``.
    fn to_dict(&self) -> Json<&RecurrenceRule> {
        Json(self.inner.rule())
    }

    /// The zone of the local times (IANA name).
    #[getter]
    fn timezone(&self) -> &str {
        self.inner.zone().name()
    }

    fn __repr__(&self) -> PyResult<String> {
        let text =
            serde_json::to_string(self.inner.rule()).map_err(|e| internal("a recurrence", e))?;
        let zone = self.inner.zone().name();
        Ok(format!("Recurrence({text:?}, timezone={zone:?})"))
    }
}

/// A date argument: a ``datetime.date`` (a ``datetime``'s date part) or ``"YYYY-MM-DD"``.
pub(crate) struct DateArg(NaiveDate);

impl<'py> FromPyObject<'_, 'py> for DateArg {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        let text: String = match date_kind(&obj)? {
            _ if obj.is_instance_of::<PyString>() => obj.extract()?,
            Some(true) => obj
                .call_method0("date")?
                .call_method0("isoformat")?
                .extract()?,
            Some(false) => obj.call_method0("isoformat")?.extract()?,
            None => {
                let expected = "a datetime.date or a \"YYYY-MM-DD\" string";
                return Err(type_error(&obj, "date", expected));
            }
        };
        text.trim().parse().map(DateArg).map_err(|e| {
            PyValueError::new_err(format!(
                "date must be a date such as \"1990-06-12\", not {text:?} ({e})"
            ))
        })
    }
}

/// When a flow's wait node ends for a contact, then moved into what ``policy`` allows.
///
/// ``wait`` is the wait node's JSON form (text, UTF-8 bytes or a dict):
/// ``{"duration": {"amount": 3, "unit": "days"}}`` (``minutes``, ``hours`` — elapsed time —,
/// ``days``, ``weeks`` — keeping the local wall time across daylight-saving changes —,
/// ``months`` — 31 January + 1 month is the last day of February), ``{"until": {"kind":
/// "local_time", "time": "09:00", "weekdays": ["mon"]}}`` or ``{"until": {"kind":
/// "date_field", "field": "birth_date", "offset_days": -3, "time": "09:00", "yearly": true}}``.
/// ``at`` is when the wait starts (an aware ``datetime`` or RFC 3339 text), ``timezone`` the
/// recipient's zone (default: the policy's zone, else UTC), ``date`` the contact's value of the
/// date field (a ``datetime.date`` or ``"YYYY-MM-DD"``), ``policy`` a ``SendPolicy`` (or its
/// JSON form) the end is moved into. Returns an aware UTC ``datetime``, never before ``at``.
///
/// Raises ``TimeError`` (``time.wait.spec``, ``time.wait.date_missing`` at ``/until/field``,
/// ``time.time.malformed`` at ``/until/time``, ``time.zone.unknown``) or ``FlowFormatError``.
#[pyfunction]
#[pyo3(signature = (wait, at, timezone = None, *, date = None, policy = None))]
pub(crate) fn wait_end(
    wait: &Bound<'_, PyAny>,
    at: At,
    timezone: Option<&str>,
    date: Option<DateArg>,
    policy: Option<PolicyArg>,
) -> Result<Datetime> {
    let node: WaitNode = read(wait, "wait", "str, bytes or dict")?;
    let (date, policy) = (date.map(|d| d.0), policy.map(|p| p.0));
    let end = sequenza::time::wait_end_for(at.0, &node, timezone, date, policy.as_ref())?;
    Ok(Datetime(end))
}

/// A local wall time in ``timezone`` as an aware UTC ``datetime``, by sequenza's one
/// daylight-saving rule: a time in the spring-forward gap is the first valid instant after it,
/// a time that exists twice is its first occurrence. ``local`` is a *naive* ``datetime`` or
/// ISO text without an offset (``"2025-03-30T02:30:00"``).
#[pyfunction]
pub(crate) fn local_to_utc(local: &Bound<'_, PyAny>, timezone: &str) -> Result<Datetime> {
    let text: String = if local.is_instance_of::<PyString>() {
        local.extract()?
    } else {
        if date_kind(local)? != Some(true) {
            return Err(type_error(local, "local", "a naive datetime or ISO text").into());
        }
        if !local.call_method0("utcoffset")?.is_none() {
            return Err(PyValueError::new_err(
                "local must be a naive datetime (a wall time); this one has a time zone",
            )
            .into());
        }
        local.call_method0("isoformat")?.extract()?
    };
    let naive: NaiveDateTime = text.trim().parse().map_err(|e| {
        PyValueError::new_err(format!(
            "local must be a local date-time without an offset such as \"2025-03-30T02:30:00\", \
             not {text:?} ({e})"
        ))
    })?;
    let zone = sequenza::time::parse_zone(timezone)?;
    Ok(Datetime(sequenza::time::local_to_utc(zone, naive)?))
}

/// A recipient's time zone, as ``resolve_time_zone`` found it.
#[pyclass(frozen, module = "sequenza", name = "ResolvedZone")]
#[derive(Debug)]
pub(crate) struct PyResolvedZone {
    /// The zone (IANA name).
    #[pyo3(get)]
    zone: String,
    /// Which link of the chain gave it: ``"contact"``, ``"country"``, ``"phone"``, ``"flow"``,
    /// ``"account"`` or ``"default"`` (UTC).
    #[pyo3(get)]
    source: String,
    /// Earlier links that were present but unusable (an unknown contact zone, a country or
    /// phone number in several zones).
    #[pyo3(get)]
    skipped: Vec<String>,
}

#[pymethods]
impl PyResolvedZone {
    fn __repr__(&self) -> String {
        format!(
            "ResolvedZone(zone={:?}, source={:?}, skipped={:?})",
            self.zone, self.source, self.skipped
        )
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<PyResolvedZone>().is_ok_and(|o| {
            let o = o.get();
            (o.zone.as_str(), o.source.as_str(), &o.skipped)
                == (self.zone.as_str(), self.source.as_str(), &self.skipped)
        })
    }
}

/// A contact's time zone through the fallback chain: the contact's ``time_zone`` → a zone
/// inferred from its ``country`` field, then its ``phone``, where unambiguous → ``flow_zone`` →
/// ``account_zone`` → UTC. ``contact`` is a contact's JSON form (a dict, text or bytes; None for
/// no contact). A contact zone that is not a known zone is skipped (and listed in
/// ``skipped``); an unknown ``flow_zone`` or ``account_zone`` raises ``TimeError``
/// ``time.zone.unknown`` (path ``/flow``, ``/account``).
#[pyfunction]
#[pyo3(signature = (contact, flow_zone = None, account_zone = None))]
pub(crate) fn resolve_time_zone(
    contact: Option<Doc<Contact>>,
    flow_zone: Option<&str>,
    account_zone: Option<&str>,
) -> Result<PyResolvedZone> {
    let contact = contact.map(|c| c.0);
    let resolved = sequenza::time::resolve_zone(contact.as_ref(), flow_zone, account_zone)?;
    let skipped = resolved.skipped.iter().map(|s| s.as_str().to_owned());
    Ok(PyResolvedZone {
        zone: resolved.zone.name().to_owned(),
        source: resolved.source.as_str().to_owned(),
        skipped: skipped.collect(),
    })
}

/// Frequency caps: at most N messages per channel (or over every channel) within a rolling
/// window, per contact; transactional messages never count and are never held back.
///
/// ``caps`` is a list of ``{"channel": "email", "max": 2, "per": {"amount": 1, "unit":
/// "days"}}`` dicts (``channel`` absent: every channel together; a day is 24 hours, a week 7
/// days, a month 30 days); ``when_capped`` is ``"defer"`` (default: to when the cap frees) or
/// ``"skip"``. ``FrequencyCaps.from_json`` reads ``{"caps": [...], "when_capped": ...}``.
/// Raises ``TimeError`` ``time.cap.invalid`` (``/caps/0/max``) or ``FlowFormatError``.
///
/// A ``history`` argument lists the messages already sent to the contact, as ``(at, channel)``
/// or ``(at, channel, transactional)`` tuples or ``{"at", "channel", "transactional"}`` dicts.
#[pyclass(frozen, module = "sequenza", name = "FrequencyCaps")]
#[derive(Debug)]
pub(crate) struct PyFrequencyCaps {
    inner: CapPolicy,
}

impl Holds for PyFrequencyCaps {
    type Value = CapPolicy;
    const EXPECTED: &'static str = "FrequencyCaps, str, bytes or dict";

    fn value(&self) -> PyResult<CapPolicy> {
        Ok(self.inner.clone())
    }
}

#[pymethods]
impl PyFrequencyCaps {
    #[new]
    #[pyo3(signature = (caps = None, *, when_capped = None))]
    fn new(caps: Option<&Bound<'_, PyAny>>, when_capped: Option<String>) -> Result<Self> {
        let caps = caps.map(to_value).transpose()?;
        let options = serde_json::json!({"caps": caps, "when_capped": when_capped});
        Ok(PyFrequencyCaps {
            inner: CapPolicy::from_kwargs(options)?,
        })
    }

    /// Reads the JSON form ``{"caps": [...], "when_capped": "defer"}`` (text, bytes or dict).
    #[staticmethod]
    fn from_json(data: Data<CapPolicy>) -> Self {
        PyFrequencyCaps { inner: data.0 }
    }

    /// What to do with a message on ``channel`` at ``at`` given ``history``:
    /// ``{"decision": "allow"}``, ``{"decision": "defer", "until": <aware UTC datetime>}`` or
    /// ``{"decision": "skip"}``.
    #[pyo3(signature = (history, channel, at, *, transactional = false))]
    fn decide(
        &self,
        history: Option<History>,
        channel: ChannelName,
        at: At,
        transactional: bool,
    ) -> Result<DecisionDict> {
        let decision = self
            .inner
            .decide(&sent(history), channel.0, transactional, at.0)?;
        Ok(DecisionDict(decision))
    }

    /// The first instant at or after ``at`` when one more (non-transactional) message on
    /// ``channel`` fits every cap, as an aware UTC ``datetime``.
    fn frees_at(&self, history: Option<History>, channel: ChannelName, at: At) -> Result<Datetime> {
        Ok(Datetime(self.inner.frees_at(
            &sent(history),
            channel.0,
            at.0,
        )?))
    }

    /// The caps in their JSON form, as a ``dict``.
    fn to_dict(&self) -> Json<&CapPolicy> {
        Json(&self.inner)
    }

    fn __repr__(&self) -> PyResult<String> {
        let text = serde_json::to_string(&self.inner).map_err(|e| internal("caps", e))?;
        Ok(format!("FrequencyCaps.from_json({text:?})"))
    }
}

/// Everything checked before a send, in order: a transactional message goes out at once;
/// otherwise the frequency ``caps`` (a ``FrequencyCaps`` or its JSON form; none: no cap) given
/// ``history``, then the send ``policy`` (a ``SendPolicy`` or its JSON form; none: any time) in
/// the recipient's ``timezone`` (default: the policy's zone, else UTC). Returns
/// ``{"decision": "allow"}``, ``{"decision": "defer", "until": <the first instant both
/// allow>}`` or ``{"decision": "skip"}`` (when the rule holding the send back says so).
#[pyfunction]
#[pyo3(signature = (at, channel, *, timezone = None, policy = None, caps = None, history = None, transactional = false))]
pub(crate) fn plan_send(
    at: At,
    channel: ChannelName,
    timezone: Option<&str>,
    policy: Option<PolicyArg>,
    caps: Option<Obj<PyFrequencyCaps>>,
    history: Option<History>,
    transactional: bool,
) -> Result<DecisionDict> {
    let (policy, caps) = (policy.map(|p| p.0), caps.map(|c| c.0).unwrap_or_default());
    let (at, channel, history) = (at.0, channel.0, sent(history));
    let plan = sequenza::time::plan_send_for;
    let d = plan(
        at,
        channel,
        timezone,
        policy.as_ref(),
        &caps,
        &history,
        transactional,
    )?;
    Ok(DecisionDict(d))
}
