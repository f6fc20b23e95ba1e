//! Time (`sequenza::time`): `SendPolicy` and `Recurrence` (with batch forms over lists, NumPy
//! arrays or Arrow timestamps: `time_arrays`), `FrequencyCaps`, `wait_end`, `plan_send`,
//! `resolve_time_zone` and `local_to_utc`.
//!
//! The keyword arguments of `SendPolicy(...)` are turned into the flow model's send policy JSON
//! (a `("22:00", "08:00")` pair becomes `{"start": "22:00", "end": "08:00"}`) and compiled by
//! the core, so errors carry the core's codes and JSON pointers (`/quiet_hours/0/end`). Instants
//! come in as aware `datetime`s (or RFC 3339 text) and go out as aware UTC `datetime`s. The zone
//! of a call is the one given to the call, else the policy's zone as the core's zone chain
//! resolves it (`time_zone`, then `fallback_time_zone`, then UTC).

use chrono::{NaiveDate, NaiveDateTime};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use sequenza::flow::{SendPolicy, WaitNode};
use sequenza::model::{Channel, Contact};
use sequenza::time::{
    call_zone, history_from_json, send_policy_from_kwargs, CapPolicy, Decision, RecurrenceRule,
    Recurring, SentMessage, ZonedPolicy,
};

use super::convert::{date_kind, document_text, instant, py_datetime, to_py, to_value};
use super::errors::OrRaise;
use super::time_arrays::{arrow_out, instants, instants_out, numpy_array, Form};
use super::{internal, json_text, type_error};

/// A decision as a ``dict`` (its JSON form): ``{"decision": "allow"}``, ``{"decision": "defer",
/// "until": <aware UTC datetime>}`` or ``{"decision": "skip"}``.
fn decision_dict(py: Python<'_>, decision: Decision) -> PyResult<Bound<'_, PyDict>> {
    let out = to_py(py, &decision)?.cast_into::<PyDict>()?;
    if let Decision::Defer { until } = decision {
        out.set_item("until", py_datetime(py, &until)?)?;
    }
    Ok(out)
}

/// A channel name (``"email"``, ``"sms"``, ``"web_push"``, ``"whatsapp"``).
fn channel_arg(name: &str) -> PyResult<Channel> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).map_err(|_| {
        PyValueError::new_err(format!(
            "channel must be one of \"email\", \"sms\", \"web_push\", \"whatsapp\", not {name:?}"
        ))
    })
}

/// A send history: ``None`` (nothing sent) or a list of ``(at, channel)`` /
/// ``(at, channel, transactional)`` tuples or ``{"at", "channel", "transactional"}`` dicts, read
/// by the core (``FlowFormatError`` with the entry's JSON pointer, ``/1/1``).
fn history_arg(py: Python<'_>, obj: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<SentMessage>> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Vec::new());
    };
    let text = if obj.is_instance_of::<pyo3::types::PyString>() {
        obj.extract::<String>()?
    } else {
        to_value(obj, "history")?.to_string()
    };
    history_from_json(&text).or_raise(py)
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

impl PySendPolicy {
    fn of(obj: &Bound<'_, PyAny>) -> PyResult<ZonedPolicy> {
        if let Ok(p) = obj.cast::<PySendPolicy>() {
            return Ok(p.get().inner.clone());
        }
        let text = json_text(obj, "policy", "SendPolicy, str, bytes, dict or None")?;
        ZonedPolicy::from_json(&text).or_raise(obj.py())
    }

    /// An optional policy argument (``None``: no policy).
    fn opt(policy: Option<&Bound<'_, PyAny>>) -> PyResult<Option<ZonedPolicy>> {
        policy.filter(|p| !p.is_none()).map(Self::of).transpose()
    }

    /// The zone of a call on this policy: ``timezone`` when given, else the policy's.
    fn zone(&self, py: Python<'_>, timezone: Option<&str>) -> PyResult<sequenza::time::Tz> {
        call_zone(timezone, Some(&self.inner)).or_raise(py)
    }
}

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
    ) -> PyResult<Self> {
        let kwargs = PyDict::new(py);
        kwargs.set_item("quiet_hours", quiet_hours)?;
        kwargs.set_item("weekdays", weekdays)?;
        kwargs.set_item("hours", hours)?;
        kwargs.set_item("timezone", timezone)?;
        kwargs.set_item("fallback_timezone", fallback_timezone)?;
        kwargs.set_item("outside_window", outside_window)?;
        let source =
            send_policy_from_kwargs(to_value(&kwargs, "the send policy options")?).or_raise(py)?;
        let inner = ZonedPolicy::new(source).or_raise(py)?;
        Ok(PySendPolicy { inner })
    }

    /// Reads a send policy in the flow model's JSON form (text, UTF-8 bytes or a dict:
    /// ``{"quiet_hours": [{"start": "22:00", "end": "08:00"}], "weekdays": [...], "hours":
    /// [...], "time_zone": "Europe/Rome", "outside_window": "defer"}``).
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = json_text(data, "data", "str, bytes or dict")?;
        let inner = ZonedPolicy::from_json(&text).or_raise(data.py())?;
        Ok(PySendPolicy { inner })
    }

    /// The first instant at or after ``dt`` when a send may go out, as an aware ``datetime`` in
    /// UTC. ``dt`` is a timezone-aware ``datetime`` (naive: ``ValueError``) or RFC 3339 text;
    /// ``timezone`` (an IANA name) overrides the policy's zone for this call.
    #[pyo3(signature = (dt, timezone = None))]
    fn next_allowed<'py>(
        &self,
        py: Python<'py>,
        dt: &Bound<'py, PyAny>,
        timezone: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let at = instant(dt, "dt")?;
        let zone = self.zone(py, timezone)?;
        let next = self.inner.policy.next_allowed(at, zone).or_raise(py)?;
        super::convert::same_or_new(dt, at, &next)
    }

    /// Whether a send may go out at ``dt`` (arguments as for ``next_allowed``).
    #[pyo3(signature = (dt, timezone = None))]
    fn is_allowed(
        &self,
        py: Python<'_>,
        dt: &Bound<'_, PyAny>,
        timezone: Option<&str>,
    ) -> PyResult<bool> {
        let at = instant(dt, "dt")?;
        let zone = self.zone(py, timezone)?;
        Ok(self.inner.policy.is_allowed(at, zone))
    }

    /// What to do with a send at ``dt``: ``{"decision": "allow"}``, ``{"decision": "defer",
    /// "until": <aware UTC datetime>}`` or ``{"decision": "skip"}`` (arguments as for
    /// ``next_allowed``).
    #[pyo3(signature = (dt, timezone = None))]
    fn decide<'py>(
        &self,
        py: Python<'py>,
        dt: &Bound<'py, PyAny>,
        timezone: Option<&str>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let at = instant(dt, "dt")?;
        let zone = self.zone(py, timezone)?;
        let decision = self.inner.policy.decide(at, zone).or_raise(py)?;
        decision_dict(py, decision)
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
    ) -> PyResult<Bound<'py, PyAny>> {
        let (ats, numpy) = instants(dts, "dts")?;
        let zone = self.zone(py, timezone)?;
        let policy = &self.inner.policy;
        let out = py
            .detach(|| policy.next_allowed_many(&ats, zone))
            .or_raise(py)?;
        instants_out(py, &out, numpy)
    }

    /// ``is_allowed`` for many instants at once (``dts`` as for ``next_allowed_many``): a list
    /// of ``bool``, or a NumPy ``bool`` array for a NumPy input (``False`` for ``NaT``).
    #[pyo3(signature = (dts, timezone = None))]
    fn is_allowed_many<'py>(
        &self,
        py: Python<'py>,
        dts: &Bound<'py, PyAny>,
        timezone: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (ats, numpy) = instants(dts, "dts")?;
        let zone = self.zone(py, timezone)?;
        let policy = &self.inner.policy;
        let out: Vec<bool> = py.detach(|| {
            ats.iter()
                .map(|t| t.is_some_and(|t| policy.is_allowed(t, zone)))
                .collect()
        });
        if numpy != Form::List {
            let bytes: Vec<u8> = out.iter().map(|&b| u8::from(b)).collect();
            let array = numpy_array(py, &bytes, "bool")?;
            return if numpy == Form::Arrow {
                arrow_out(py, array)
            } else {
                Ok(array)
            };
        }
        Ok(PyList::new(py, out)?.into_any())
    }

    /// Several policies together (account default, flow, node …): a send must satisfy all of
    /// them — the stricter wins. Each is a ``SendPolicy`` or its JSON form; the result works in
    /// ``timezone`` (default UTC). Raises ``TimeError`` with a ``path`` starting with the
    /// policy's index (``/1/hours/0/end``), or ``time.policy.never_allowed`` when nothing is
    /// left. ``to_dict()`` of the result gives the combined rule, which reads back the same.
    #[staticmethod]
    #[pyo3(signature = (policies, timezone = None))]
    fn combine(
        py: Python<'_>,
        policies: &Bound<'_, PyAny>,
        timezone: Option<&str>,
    ) -> PyResult<Self> {
        let mut docs = Vec::new();
        for (i, item) in policies.try_iter()?.enumerate() {
            let item = item?;
            docs.push(match item.cast::<PySendPolicy>() {
                Ok(p) => p.get().inner.doc.clone(),
                Err(_) => {
                    let text = json_text(&item, "policies[i]", "SendPolicy, str, bytes or dict")?;
                    SendPolicy::from_json(&text)
                        .map_err(|e| e.in_element(i))
                        .or_raise(py)?
                }
            });
        }
        let inner = ZonedPolicy::combine(&docs, timezone).or_raise(py)?;
        Ok(PySendPolicy { inner })
    }

    /// This policy and ``other`` (a ``SendPolicy`` or its JSON form) together: the stricter
    /// wins (the intersection; ``skip`` when either skips). Keeps this policy's zone. Raises
    /// ``TimeError`` ``time.policy.never_allowed`` when nothing is left.
    fn stricter(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<Self> {
        let other = PySendPolicy::of(other)?;
        let inner = self.inner.stricter(&other).or_raise(py)?;
        Ok(PySendPolicy { inner })
    }

    /// The zone used when a call gives none (IANA name).
    #[getter]
    fn timezone(&self) -> &str {
        self.inner.zone.name()
    }

    /// The policy in the flow model's JSON form, as a ``dict``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.doc)
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
        py: Python<'_>,
        rule: &RecurrenceRule,
        timezone: Option<&str>,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let policy = PySendPolicy::opt(policy)?;
        let inner = rule.compile_for(timezone, policy.as_ref()).or_raise(py)?;
        Ok(PyRecurrence { inner })
    }
}

#[pymethods]
impl PyRecurrence {
    #[new]
    #[pyo3(signature = (rule, timezone = None, policy = None))]
    fn new(
        py: Python<'_>,
        rule: &Bound<'_, PyAny>,
        timezone: Option<&str>,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let text = json_text(rule, "rule", "str, bytes or dict")?;
        let rule = RecurrenceRule::from_json(&text).or_raise(py)?;
        PyRecurrence::build(py, &rule, timezone, policy)
    }

    /// Reads an RFC 5545 RRULE (the subset sequenza prints: ``"FREQ=MINUTELY;INTERVAL=15"``,
    /// ``"FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=9;BYMINUTE=30"``, ``"FREQ=MONTHLY;BYDAY=-1MO;..."`` …;
    /// an optional ``RRULE:`` prefix). Other arguments as for ``Recurrence(...)``. Raises
    /// ``TimeError`` ``time.rrule.malformed`` / ``time.rrule.unsupported`` outside the subset.
    #[staticmethod]
    #[pyo3(signature = (text, timezone = None, policy = None))]
    fn from_rrule(
        py: Python<'_>,
        text: &str,
        timezone: Option<&str>,
        policy: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let rule = RecurrenceRule::from_rrule(text).or_raise(py)?;
        PyRecurrence::build(py, &rule, timezone, policy)
    }

    /// The first occurrence strictly after ``dt`` (an aware ``datetime`` or RFC 3339 text), as
    /// an aware ``datetime`` in UTC.
    fn next_after<'py>(
        &self,
        py: Python<'py>,
        dt: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let t = instant(dt, "dt")?;
        let next = self.inner.next_after(t).or_raise(py)?;
        py_datetime(py, &next)
    }

    /// ``next_after`` for many instants at once: a list of aware ``datetime``s / RFC 3339
    /// strings gives a list, a NumPy ``datetime64`` array (read as UTC) a ``datetime64[us]``
    /// array (``NaT`` stays ``NaT``). The work runs without the GIL.
    fn next_after_many<'py>(
        &self,
        py: Python<'py>,
        dts: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (ats, numpy) = instants(dts, "dts")?;
        let recurring = &self.inner;
        let out = py
            .detach(|| {
                ats.iter()
                    .map(|t| t.map(|t| recurring.next_after(t)).transpose())
                    .collect::<sequenza::Result<Vec<_>>>()
            })
            .or_raise(py)?;
        instants_out(py, &out, numpy)
    }

    /// Every occurrence in ``[a, b)``, in order, as aware UTC ``datetime``s (``TimeError``
    /// ``time.recurrence.too_many`` for more than the core's maximum).
    fn between<'py>(
        &self,
        py: Python<'py>,
        a: &Bound<'py, PyAny>,
        b: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyList>> {
        let a = instant(a, "a")?;
        let b = instant(b, "b")?;
        let all = self.inner.occurrences_between(a, b).or_raise(py)?;
        let out = PyList::empty(py);
        for t in &all {
            out.append(py_datetime(py, t)?)?;
        }
        Ok(out)
    }

    /// The rule as an RFC 5545 RRULE (``TimeError`` when it has no RRULE form).
    fn to_rrule(&self, py: Python<'_>) -> PyResult<String> {
        self.inner.rule().to_rrule().or_raise(py)
    }

    /// The rule in its JSON form, as a ``dict``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.inner.rule())
    }

    /// The zone of the local times (IANA name).
    #[getter]
    fn timezone(&self) -> &str {
        self.inner.zone().name()
    }

    fn __repr__(&self) -> PyResult<String> {
        let text =
            serde_json::to_string(self.inner.rule()).map_err(|e| internal("a recurrence", e))?;
        Ok(format!(
            "Recurrence({text:?}, timezone={:?})",
            self.inner.zone().name()
        ))
    }
}

/// A date argument: a ``datetime.date`` (a ``datetime``'s date part) or ``"YYYY-MM-DD"``.
fn date_arg(obj: &Bound<'_, PyAny>) -> PyResult<NaiveDate> {
    let text: String = match date_kind(obj)? {
        _ if obj.is_instance_of::<pyo3::types::PyString>() => obj.extract()?,
        Some(true) => obj
            .call_method0("date")?
            .call_method0("isoformat")?
            .extract()?,
        Some(false) => obj.call_method0("isoformat")?.extract()?,
        None => {
            let expected = "a datetime.date or a \"YYYY-MM-DD\" string";
            return Err(type_error(obj, "date", expected));
        }
    };
    text.trim().parse().map_err(|e| {
        PyValueError::new_err(format!(
            "date must be a date such as \"1990-06-12\", not {text:?} ({e})"
        ))
    })
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
pub(crate) fn wait_end<'py>(
    py: Python<'py>,
    wait: &Bound<'py, PyAny>,
    at: &Bound<'py, PyAny>,
    timezone: Option<&str>,
    date: Option<&Bound<'py, PyAny>>,
    policy: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let text = json_text(wait, "wait", "str, bytes or dict")?;
    let node = WaitNode::from_json(&text).or_raise(py)?;
    let at = instant(at, "at")?;
    let date = date.filter(|d| !d.is_none()).map(date_arg).transpose()?;
    let policy = PySendPolicy::opt(policy)?;
    let end =
        sequenza::time::wait_end_for(at, &node, timezone, date, policy.as_ref()).or_raise(py)?;
    py_datetime(py, &end)
}

/// A local wall time in ``timezone`` as an aware UTC ``datetime``, by sequenza's one
/// daylight-saving rule: a time in the spring-forward gap is the first valid instant after it,
/// a time that exists twice is its first occurrence. ``local`` is a *naive* ``datetime`` or
/// ISO text without an offset (``"2025-03-30T02:30:00"``).
#[pyfunction]
pub(crate) fn local_to_utc<'py>(
    py: Python<'py>,
    local: &Bound<'py, PyAny>,
    timezone: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let text: String = if local.is_instance_of::<pyo3::types::PyString>() {
        local.extract()?
    } else {
        if date_kind(local)? != Some(true) {
            return Err(type_error(local, "local", "a naive datetime or ISO text"));
        }
        if !local.call_method0("utcoffset")?.is_none() {
            return Err(PyValueError::new_err(
                "local must be a naive datetime (a wall time); this one has a time zone",
            ));
        }
        local.call_method0("isoformat")?.extract()?
    };
    let naive: NaiveDateTime = text.trim().parse().map_err(|e| {
        PyValueError::new_err(format!(
            "local must be a local date-time without an offset such as \"2025-03-30T02:30:00\", \
             not {text:?} ({e})"
        ))
    })?;
    let zone = sequenza::time::parse_zone(timezone).or_raise(py)?;
    let t = sequenza::time::local_to_utc(zone, naive).or_raise(py)?;
    py_datetime(py, &t)
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
    py: Python<'_>,
    contact: Option<&Bound<'_, PyAny>>,
    flow_zone: Option<&str>,
    account_zone: Option<&str>,
) -> PyResult<PyResolvedZone> {
    let contact = match contact.filter(|c| !c.is_none()) {
        Some(obj) => {
            let text = document_text(obj, "contact", "dict, str, bytes or None")?;
            Some(Contact::from_json(&text).or_raise(py)?)
        }
        None => None,
    };
    let resolved =
        sequenza::time::resolve_zone(contact.as_ref(), flow_zone, account_zone).or_raise(py)?;
    Ok(PyResolvedZone {
        zone: resolved.zone.name().to_owned(),
        source: resolved.source.as_str().to_owned(),
        skipped: resolved
            .skipped
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect(),
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

impl PyFrequencyCaps {
    pub(crate) fn of(obj: &Bound<'_, PyAny>) -> PyResult<CapPolicy> {
        if let Ok(c) = obj.cast::<PyFrequencyCaps>() {
            return Ok(c.get().inner.clone());
        }
        let text = json_text(obj, "caps", "FrequencyCaps, str, bytes or dict")?;
        CapPolicy::from_json(&text).or_raise(obj.py())
    }
}

#[pymethods]
impl PyFrequencyCaps {
    #[new]
    #[pyo3(signature = (caps = None, *, when_capped = None))]
    fn new(
        py: Python<'_>,
        caps: Option<&Bound<'_, PyAny>>,
        when_capped: Option<String>,
    ) -> PyResult<Self> {
        let mut map = serde_json::Map::new();
        if let Some(c) = caps.filter(|c| !c.is_none()) {
            map.insert("caps".to_owned(), to_value(c, "caps")?);
        }
        if let Some(w) = when_capped {
            map.insert("when_capped".to_owned(), serde_json::Value::String(w));
        }
        let text = serde_json::Value::Object(map).to_string();
        let inner = CapPolicy::from_json(&text).or_raise(py)?;
        Ok(PyFrequencyCaps { inner })
    }

    /// Reads the JSON form ``{"caps": [...], "when_capped": "defer"}`` (text, bytes or dict).
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = json_text(data, "data", "str, bytes or dict")?;
        let inner = CapPolicy::from_json(&text).or_raise(data.py())?;
        Ok(PyFrequencyCaps { inner })
    }

    /// What to do with a message on ``channel`` at ``at`` given ``history``:
    /// ``{"decision": "allow"}``, ``{"decision": "defer", "until": <aware UTC datetime>}`` or
    /// ``{"decision": "skip"}``.
    #[pyo3(signature = (history, channel, at, *, transactional = false))]
    fn decide<'py>(
        &self,
        py: Python<'py>,
        history: Option<&Bound<'py, PyAny>>,
        channel: &str,
        at: &Bound<'py, PyAny>,
        transactional: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let history = history_arg(py, history)?;
        let channel = channel_arg(channel)?;
        let at = instant(at, "at")?;
        let d = self
            .inner
            .decide(&history, channel, transactional, at)
            .or_raise(py)?;
        decision_dict(py, d)
    }

    /// The first instant at or after ``at`` when one more (non-transactional) message on
    /// ``channel`` fits every cap, as an aware UTC ``datetime``.
    fn frees_at<'py>(
        &self,
        py: Python<'py>,
        history: Option<&Bound<'py, PyAny>>,
        channel: &str,
        at: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let history = history_arg(py, history)?;
        let channel = channel_arg(channel)?;
        let at = instant(at, "at")?;
        let t = self.inner.frees_at(&history, channel, at).or_raise(py)?;
        py_datetime(py, &t)
    }

    /// The caps in their JSON form, as a ``dict``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner)
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
#[allow(clippy::too_many_arguments)]
pub(crate) fn plan_send<'py>(
    py: Python<'py>,
    at: &Bound<'py, PyAny>,
    channel: &str,
    timezone: Option<&str>,
    policy: Option<&Bound<'py, PyAny>>,
    caps: Option<&Bound<'py, PyAny>>,
    history: Option<&Bound<'py, PyAny>>,
    transactional: bool,
) -> PyResult<Bound<'py, PyDict>> {
    let at = instant(at, "at")?;
    let channel = channel_arg(channel)?;
    let policy = PySendPolicy::opt(policy)?;
    let caps = caps
        .filter(|c| !c.is_none())
        .map(PyFrequencyCaps::of)
        .transpose()?
        .unwrap_or_default();
    let history = history_arg(py, history)?;
    let d = sequenza::time::plan_send_for(
        at,
        channel,
        timezone,
        policy.as_ref(),
        &caps,
        &history,
        transactional,
    )
    .or_raise(py)?;
    decision_dict(py, d)
}
