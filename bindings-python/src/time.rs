//! Send policies and recurrences (`sequenza::time`): `SendPolicy` and `Recurrence`.
//!
//! The keyword arguments of `SendPolicy(...)` are turned into the flow model's send policy JSON
//! (a `("22:00", "08:00")` pair becomes `{"start": "22:00", "end": "08:00"}`) and compiled by
//! the core, so errors carry the core's codes and JSON pointers (`/quiet_hours/0/end`). Instants
//! come in as aware `datetime`s (or RFC 3339 text) and go out as aware UTC `datetime`s. The zone
//! of a call is the one given to the call, else the policy's zone as the core's zone chain
//! resolves it (`time_zone`, then `fallback_time_zone`, then UTC).

use chrono_tz::Tz;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use sequenza::flow::SendPolicy;
use sequenza::time::{parse_zone, Decision, Policy, RecurrenceRule, Recurring, ZoneChain};

use super::convert::{from_value, instant, py_datetime, to_value};
use super::{internal, json_loads, json_text, to_py_err};

/// The zone named by a call's `timezone` argument (`TimeError` `time.zone.unknown` when unknown).
fn zone_arg(py: Python<'_>, name: &str) -> PyResult<Tz> {
    parse_zone(name).map_err(|e| to_py_err(py, &e))
}

/// The zone of a send policy: its `time_zone`, else its `fallback_time_zone`, else UTC (the
/// core's zone chain).
fn policy_zone(py: Python<'_>, source: &SendPolicy) -> PyResult<Tz> {
    let none = SendPolicy::default();
    ZoneChain::default()
        .policies(source, &none)
        .resolve()
        .map(|z| z.zone)
        .map_err(|e| to_py_err(py, &e))
}

/// A window argument as JSON: a `(start, end)` pair becomes `{"start": …, "end": …}`; anything
/// else is passed on for the core to judge (and locate).
fn window_value(item: serde_json::Value) -> serde_json::Value {
    match item {
        serde_json::Value::Array(pair) if pair.len() == 2 => {
            let mut it = pair.into_iter();
            let mut map = serde_json::Map::new();
            if let (Some(start), Some(end)) = (it.next(), it.next()) {
                map.insert("start".to_owned(), start);
                map.insert("end".to_owned(), end);
            }
            serde_json::Value::Object(map)
        }
        other => other,
    }
}

/// A list of windows as JSON (see [`window_value`]).
fn windows_value(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<serde_json::Value> {
    Ok(match to_value(obj, what)? {
        serde_json::Value::Array(items) => {
            serde_json::Value::Array(items.into_iter().map(window_value).collect())
        }
        other => other,
    })
}

/// A compiled send policy with its source form.
#[derive(Debug, Clone)]
struct Compiled {
    policy: Policy,
    source: SendPolicy,
    zone: Tz,
}

impl Compiled {
    fn from_text(py: Python<'_>, text: &str) -> PyResult<Self> {
        let policy = Policy::from_json(text).map_err(|e| to_py_err(py, &e))?;
        // The core accepted this text as a send policy: reading it again cannot fail.
        let source: SendPolicy =
            serde_json::from_str(text).map_err(|e| internal("a send policy", e))?;
        let zone = policy_zone(py, &source)?;
        Ok(Compiled {
            policy,
            source,
            zone,
        })
    }

    fn zone(&self, py: Python<'_>, timezone: Option<&str>) -> PyResult<Tz> {
        match timezone {
            Some(name) => zone_arg(py, name),
            None => Ok(self.zone),
        }
    }
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
    inner: Compiled,
}

impl PySendPolicy {
    fn of(obj: &Bound<'_, PyAny>) -> PyResult<Compiled> {
        if let Ok(p) = obj.cast::<PySendPolicy>() {
            return Ok(p.get().inner.clone());
        }
        let text = json_text(obj, "policy", "SendPolicy, str, bytes, dict or None")?;
        Compiled::from_text(obj.py(), &text)
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
        timezone: Option<String>,
        fallback_timezone: Option<String>,
        outside_window: Option<String>,
    ) -> PyResult<Self> {
        let mut map = serde_json::Map::new();
        if let Some(q) = quiet_hours.filter(|q| !q.is_none()) {
            map.insert("quiet_hours".to_owned(), windows_value(q, "quiet_hours")?);
        }
        if let Some(w) = weekdays.filter(|w| !w.is_none()) {
            map.insert("weekdays".to_owned(), to_value(w, "weekdays")?);
        }
        if let Some(h) = hours.filter(|h| !h.is_none()) {
            map.insert("hours".to_owned(), windows_value(h, "hours")?);
        }
        for (key, value) in [
            ("time_zone", timezone),
            ("fallback_time_zone", fallback_timezone),
            ("outside_window", outside_window),
        ] {
            if let Some(v) = value {
                map.insert(key.to_owned(), serde_json::Value::String(v));
            }
        }
        let text = serde_json::Value::Object(map).to_string();
        Ok(PySendPolicy {
            inner: Compiled::from_text(py, &text)?,
        })
    }

    /// Reads a send policy in the flow model's JSON form (text, UTF-8 bytes or a dict:
    /// ``{"quiet_hours": [{"start": "22:00", "end": "08:00"}], "weekdays": [...], "hours":
    /// [...], "time_zone": "Europe/Rome", "outside_window": "defer"}``).
    #[staticmethod]
    fn from_json(data: &Bound<'_, PyAny>) -> PyResult<Self> {
        let text = json_text(data, "data", "str, bytes or dict")?;
        Ok(PySendPolicy {
            inner: Compiled::from_text(data.py(), &text)?,
        })
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
        let zone = self.inner.zone(py, timezone)?;
        let next = self
            .inner
            .policy
            .next_allowed(at, zone)
            .map_err(|e| to_py_err(py, &e))?;
        py_datetime(py, &next)
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
        let zone = self.inner.zone(py, timezone)?;
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
        let zone = self.inner.zone(py, timezone)?;
        let decision = self
            .inner
            .policy
            .decide(at, zone)
            .map_err(|e| to_py_err(py, &e))?;
        let out = PyDict::new(py);
        match decision {
            Decision::Allow => out.set_item("decision", "allow")?,
            Decision::Defer { until } => {
                out.set_item("decision", "defer")?;
                out.set_item("until", py_datetime(py, &until)?)?;
            }
            Decision::Skip => out.set_item("decision", "skip")?,
            // `Decision` is non-exhaustive: a later kind comes through its JSON form.
            other => {
                let value = serde_json::to_value(other).map_err(|e| internal("a decision", e))?;
                return from_value(py, &value)?
                    .cast_into::<PyDict>()
                    .map_err(|e| internal("a decision", e.to_string()));
            }
        }
        Ok(out)
    }

    /// The zone used when a call gives none (IANA name).
    #[getter]
    fn timezone(&self) -> &str {
        self.inner.zone.name()
    }

    /// The policy in the flow model's JSON form, as a ``dict``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text =
            serde_json::to_string(&self.inner.source).map_err(|e| internal("a send policy", e))?;
        json_loads(py, &text)
    }

    fn __repr__(&self) -> PyResult<String> {
        let text =
            serde_json::to_string(&self.inner.source).map_err(|e| internal("a send policy", e))?;
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
        let policy = policy
            .filter(|p| !p.is_none())
            .map(PySendPolicy::of)
            .transpose()?;
        let zone = match (timezone, &policy) {
            (Some(name), _) => zone_arg(py, name)?,
            (None, Some(p)) => p.zone,
            (None, None) => ZoneChain::default()
                .resolve()
                .map(|z| z.zone)
                .map_err(|e| to_py_err(py, &e))?,
        };
        let mut recurring = rule.compile(zone).map_err(|e| to_py_err(py, &e))?;
        if let Some(p) = policy {
            recurring = recurring.within(p.policy).map_err(|e| to_py_err(py, &e))?;
        }
        Ok(PyRecurrence { inner: recurring })
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
        let rule = RecurrenceRule::from_json(&text).map_err(|e| to_py_err(py, &e))?;
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
        let rule = RecurrenceRule::from_rrule(text).map_err(|e| to_py_err(py, &e))?;
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
        let next = self.inner.next_after(t).map_err(|e| to_py_err(py, &e))?;
        py_datetime(py, &next)
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
        let all = self
            .inner
            .occurrences_between(a, b)
            .map_err(|e| to_py_err(py, &e))?;
        let out = PyList::empty(py);
        for t in &all {
            out.append(py_datetime(py, t)?)?;
        }
        Ok(out)
    }

    /// The rule as an RFC 5545 RRULE (``TimeError`` when it has no RRULE form).
    fn to_rrule(&self, py: Python<'_>) -> PyResult<String> {
        self.inner.rule().to_rrule().map_err(|e| to_py_err(py, &e))
    }

    /// The rule in its JSON form, as a ``dict``.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let text =
            serde_json::to_string(self.inner.rule()).map_err(|e| internal("a recurrence", e))?;
        json_loads(py, &text)
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
