//! Send-policy options in the shape the bindings' constructors take them.

use serde_json::Value;

use crate::flow::SendPolicy;

/// A send policy from the keyword arguments of a binding's `SendPolicy(...)` constructor:
/// `quiet_hours` and `hours` are lists of `[start, end]` pairs (or `{"start", "end"}` objects),
/// `weekdays` a list of `"mon"` … `"sun"`, `timezone` and `fallback_timezone` IANA names,
/// `outside_window` `"defer"` or `"skip"`; a `null` option is an absent one. The result is the
/// flow model's [`SendPolicy`]; errors are the flow format's (`format.invalid` at
/// `/quiet_hours/0/end`, `/weekdays/0` …). Compile it with
/// [`Policy::from_send_policy`](super::Policy::from_send_policy).
///
/// ```
/// use sequenza::time::{send_policy_from_options, Policy};
/// let options = serde_json::json!({
///     "quiet_hours": [["22:00", "08:00"]], "weekdays": null, "timezone": "Europe/Rome"});
/// let source = send_policy_from_options(options)?;
/// assert_eq!(source.time_zone.as_deref(), Some("Europe/Rome"));
/// assert_eq!(source.quiet_hours[0].end, "08:00");
/// let bad = send_policy_from_options(serde_json::json!({"weekdays": ["funday"]})).unwrap_err();
/// assert_eq!(bad.path(), Some("/weekdays/0"));
/// Policy::from_send_policy(&source)?;
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn send_policy_from_options(options: Value) -> crate::Result<SendPolicy> {
    let options = match options {
        Value::Object(mut map) => {
            map.retain(|_, v| !v.is_null());
            for key in ["quiet_hours", "hours"] {
                if let Some(Value::Array(items)) = map.get_mut(key) {
                    for item in items.iter_mut() {
                        let window = match item {
                            Value::Array(pair) if pair.len() == 2 => Some(
                                serde_json::json!({"start": pair[0].take(), "end": pair[1].take()}),
                            ),
                            _ => None,
                        };
                        if let Some(window) = window {
                            *item = window;
                        }
                    }
                }
            }
            for (from, to) in [
                ("timezone", "time_zone"),
                ("fallback_timezone", "fallback_time_zone"),
            ] {
                if let Some(v) = map.remove(from) {
                    map.insert(to.to_owned(), v);
                }
            }
            Value::Object(map)
        }
        other => other,
    };
    crate::error::from_json_str(&options.to_string())
}
