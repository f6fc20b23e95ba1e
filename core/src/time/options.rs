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
