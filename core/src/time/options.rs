//! Send policies in the form the bindings take them: windows as `["22:00", "08:00"]` pairs as
//! well as `{"start", "end"}` objects, and lists of policies with errors located by index.

use serde::Deserialize;

use super::Weekday;
use crate::flow::{OutsideWindow, SendPolicy, TimeWindow};

/// A window written as a `[start, end]` pair or as `{start, end}`.
#[derive(Deserialize)]
#[serde(untagged)]
enum WindowForm {
    Pair(String, String),
    Object(TimeWindow),
}

impl From<WindowForm> for TimeWindow {
    fn from(w: WindowForm) -> TimeWindow {
        match w {
            WindowForm::Pair(start, end) => TimeWindow { start, end },
            WindowForm::Object(w) => w,
        }
    }
}

/// [`SendPolicy`]'s JSON form with windows in either form.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyOptions {
    #[serde(default)]
    quiet_hours: Vec<WindowForm>,
    #[serde(default)]
    weekdays: Vec<Weekday>,
    #[serde(default)]
    hours: Vec<WindowForm>,
    #[serde(default)]
    time_zone: Option<String>,
    #[serde(default)]
    fallback_time_zone: Option<String>,
    #[serde(default)]
    outside_window: OutsideWindow,
}

/// Reads a send policy whose windows may also be `[start, end]` pairs (the options form of
/// `new SendPolicy({quietHours: [["22:00", "08:00"]]})`); errors as [`SendPolicy`]'s `from_json`.
///
/// ```
/// let p = sequenza::time::send_policy_from_options(r#"{"quiet_hours": [["22:00", "08:00"]]}"#)?;
/// assert_eq!((p.quiet_hours[0].start.as_str(), p.quiet_hours[0].end.as_str()), ("22:00", "08:00"));
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn send_policy_from_options(json: &str) -> crate::Result<SendPolicy> {
    let o: PolicyOptions = crate::error::from_json_str(json)?;
    Ok(SendPolicy {
        quiet_hours: o.quiet_hours.into_iter().map(TimeWindow::from).collect(),
        weekdays: o.weekdays,
        hours: o.hours.into_iter().map(TimeWindow::from).collect(),
        time_zone: o.time_zone,
        fallback_time_zone: o.fallback_time_zone,
        outside_window: o.outside_window,
    })
}

/// Reads a JSON array of send policies (for [`Policy::combine`](super::Policy::combine)); error
/// paths start with the policy's index (`/1/hours`).
///
/// ```
/// let err = sequenza::time::send_policies_from_json(r#"[{}, {"hours": 3}]"#).unwrap_err();
/// assert_eq!(err.path(), Some("/1/hours"));
/// ```
pub fn send_policies_from_json(json: &str) -> crate::Result<Vec<SendPolicy>> {
    crate::error::from_json_any(json)
}

/// A send policy from the keyword arguments of Python's `SendPolicy(...)` constructor: the
/// options of [`send_policy_from_options`] with `timezone` / `fallback_timezone` for
/// `time_zone` / `fallback_time_zone`, and a `null` option meaning an absent one.
///
/// ```
/// use sequenza::time::{send_policy_from_kwargs, Policy};
/// let options = serde_json::json!({
///     "quiet_hours": [["22:00", "08:00"]], "weekdays": null, "timezone": "Europe/Rome"});
/// let source = send_policy_from_kwargs(options)?;
/// assert_eq!(source.time_zone.as_deref(), Some("Europe/Rome"));
/// assert_eq!(source.quiet_hours[0].end, "08:00");
/// let bad = send_policy_from_kwargs(serde_json::json!({"weekdays": ["funday"]})).unwrap_err();
/// assert_eq!(bad.path(), Some("/weekdays/0"));
/// Policy::from_send_policy(&source)?;
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn send_policy_from_kwargs(options: serde_json::Value) -> crate::Result<SendPolicy> {
    let options = match options {
        serde_json::Value::Object(mut map) => {
            map.retain(|_, v| !v.is_null());
            for (from, to) in [
                ("timezone", "time_zone"),
                ("fallback_timezone", "fallback_time_zone"),
            ] {
                if let Some(v) = map.remove(from) {
                    map.insert(to.to_owned(), v);
                }
            }
            serde_json::Value::Object(map)
        }
        other => other,
    };
    send_policy_from_options(&options.to_string())
}

// ---- frequency caps from keyword arguments (issue 9 §1: the Python binding's `FrequencyCaps`) ----

impl super::CapPolicy {
    /// Frequency caps from the keyword arguments of Python's `FrequencyCaps(caps, when_capped=)`:
    /// the JSON form `{"caps": [...], "when_capped": "defer" | "skip"}` where a `null` option
    /// means an absent one (no caps, the default `defer`). Errors as [`CapPolicy::from_json`]
    /// (`time.cap.invalid` at `/caps/0/max`, `format.*` for a wrong shape).
    ///
    /// [`CapPolicy::from_json`]: super::CapPolicy::from_json
    ///
    /// ```
    /// use sequenza::time::CapPolicy;
    /// let caps = CapPolicy::from_kwargs(serde_json::json!({"caps": null, "when_capped": null}))?;
    /// assert_eq!(caps, CapPolicy::default());
    /// let bad = serde_json::json!({"caps": [{"max": 0, "per": {"amount": 1, "unit": "days"}}]});
    /// let err = CapPolicy::from_kwargs(bad).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("time.cap.invalid", Some("/caps/0/max")));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn from_kwargs(options: serde_json::Value) -> crate::Result<super::CapPolicy> {
        let options = match options {
            serde_json::Value::Object(mut map) => {
                map.retain(|_, v| !v.is_null());
                serde_json::Value::Object(map)
            }
            other => other,
        };
        super::CapPolicy::from_json(&options.to_string())
    }
}

#[cfg(test)]
mod cap_kwargs_tests {
    use crate::time::CapPolicy;

    #[test]
    fn null_options_are_absent_and_errors_keep_their_codes() {
        let none = CapPolicy::from_kwargs(serde_json::json!({})).unwrap();
        assert_eq!(none, CapPolicy::default());
        let skip = serde_json::json!({"caps": null, "when_capped": "skip"});
        let skip = CapPolicy::from_kwargs(skip).unwrap();
        assert_eq!(serde_json::to_value(&skip).unwrap()["when_capped"], "skip");
        let err = CapPolicy::from_kwargs(serde_json::json!({"when_capped": "later"})).unwrap_err();
        assert_eq!(
            (err.code(), err.path()),
            ("format.invalid", Some("/when_capped"))
        );
        let err = CapPolicy::from_kwargs(serde_json::json!([1])).unwrap_err();
        assert_eq!(err.code(), "format.invalid");
    }
}
