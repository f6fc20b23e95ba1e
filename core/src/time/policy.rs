//! The send policy engine: quiet hours, allowed weekdays and hours, "the stricter wins".

use crate::error::TimeCode;
use chrono::{DateTime, Datelike, Timelike, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::error::{err, exhausted, out_of_range, prefixed};
use super::local::{resolve, wall, LocalTime, DAY_MINUTES};
use super::zone::parse_zone_at;
use super::{DaySet, Weekday};
use crate::flow::{OutsideWindow, SendPolicy, TimeWindow};

/// How many local days [`Policy::next_allowed`] looks ahead before giving up. A policy allows
/// some minute of every week, and a daylight-saving change removes at most one day, so the
/// bound is never reached by a valid policy.
const MAX_DAYS: usize = 60;

/// Minute intervals `[start, end)` within a day, `0..=1440`, sorted, disjoint, not touching.
type Minutes = Vec<(u16, u16)>;

/// What to do with a send now: allow it, defer it to an instant, or skip it.
///
/// JSON: `{"decision": "allow"}`, `{"decision": "defer", "until": "2025-01-01T08:00:00Z"}`,
/// `{"decision": "skip"}`.
///
/// ```
/// use sequenza::time::Decision;
/// let d: Decision = serde_json::from_str(r#"{"decision": "defer", "until": "2025-01-01T08:00:00Z"}"#).unwrap();
/// assert!(matches!(d, Decision::Defer { .. }));
/// assert_eq!(serde_json::to_string(&Decision::Allow).unwrap(), r#"{"decision":"allow"}"#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "decision", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Decision {
    /// Send now.
    Allow,
    /// Send at `until` (the first instant the rules allow).
    Defer {
        /// When the send may go out.
        until: DateTime<Utc>,
    },
    /// Do not send.
    Skip,
}

/// A compiled send policy: the allowed weekdays and the allowed minutes of each day (the send
/// windows minus the quiet hours), in local wall time, and what happens outside them.
///
/// Built from the flow model's [`SendPolicy`] (its JSON form); the zone is given per call, so
/// one policy serves every recipient. Several policies (account default, flow, node) combine
/// with "the stricter wins": a send must satisfy every one of them ([`Policy::combine`]).
///
/// Semantics:
/// - `weekdays` (empty: every day) restrict the local date of the instant;
/// - `hours` (empty: all day) are the send windows; `quiet_hours` are removed from them;
/// - a window `start`–`end` is `[start, end)`; `end` before `start` crosses midnight
///   (`22:00`–`08:00`); `end` `00:00` means midnight; `start == end` is ambiguous and rejected;
/// - the DST rule of [`local_to_utc`](super::local_to_utc) maps each boundary to an instant.
///
/// ```
/// use chrono::{DateTime, Utc};
/// use sequenza::time::{parse_zone, Decision, Policy};
/// let policy = Policy::from_json(r#"{
///   "quiet_hours": [{"start": "22:00", "end": "08:00"}, {"start": "13:00", "end": "14:00"}],
///   "weekdays": ["mon", "tue", "wed", "thu", "fri"]
/// }"#)?;
/// let rome = parse_zone("Europe/Rome")?;
/// let fri_night: DateTime<Utc> = "2025-06-06T21:00:00Z".parse().unwrap(); // Fri 23:00 CEST
/// assert!(!policy.is_allowed(fri_night, rome));
/// let monday = policy.next_allowed(fri_night, rome)?; // Mon 08:00 CEST
/// assert_eq!(monday.to_rfc3339(), "2025-06-09T06:00:00+00:00");
/// assert_eq!(policy.decide(fri_night, rome)?, Decision::Defer { until: monday });
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    days: DaySet,
    allowed: Minutes,
    outside_window: OutsideWindow,
}

impl Default for Policy {
    /// [`Policy::always`].
    fn default() -> Self {
        Policy::always()
    }
}

impl Policy {
    /// The policy that allows every instant (and defers, should it ever have to).
    ///
    /// ```
    /// use sequenza::time::Policy;
    /// let at = "2025-01-01T03:00:00Z".parse().unwrap();
    /// assert!(Policy::always().is_allowed(at, chrono_tz::Tz::UTC));
    /// ```
    pub fn always() -> Policy {
        Policy {
            days: DaySet::ALL,
            allowed: vec![(0, DAY_MINUTES)],
            outside_window: OutsideWindow::Defer,
        }
    }

    /// Compiles a flow model send policy. Errors (JSON pointers into the policy):
    /// `time.time.malformed`, `time.window.ambiguous`, `time.zone.unknown` (the policy's zones
    /// are checked too, though the zone of a call is given to each call),
    /// `time.policy.never_allowed`.
    ///
    /// ```
    /// use sequenza::flow::SendPolicy;
    /// use sequenza::time::Policy;
    /// let p: SendPolicy = serde_json::from_str(r#"{"quiet_hours": [{"start": "00:00", "end": "12:00"},
    ///                                                 {"start": "12:00", "end": "00:00"}]}"#).unwrap();
    /// assert_eq!(Policy::from_send_policy(&p).unwrap_err().code(), "time.policy.never_allowed");
    /// ```
    pub fn from_send_policy(p: &SendPolicy) -> crate::Result<Policy> {
        for (key, zone) in [
            ("time_zone", &p.time_zone),
            ("fallback_time_zone", &p.fallback_time_zone),
        ] {
            if let Some(zone) = zone {
                parse_zone_at(zone, &format!("/{key}"))?;
            }
        }
        let hours = windows(&p.hours, "/hours")?;
        let quiet = windows(&p.quiet_hours, "/quiet_hours")?;
        let allowed = if p.hours.is_empty() {
            vec![(0, DAY_MINUTES)]
        } else {
            hours
        };
        let allowed = subtract(&allowed, &quiet);
        if allowed.is_empty() {
            let what = if p.hours.is_empty() {
                "The quiet hours cover the whole day"
            } else {
                "The quiet hours cover every send window"
            };
            return Err(err(
                TimeCode::PolicyNeverAllowed,
                "",
                format!("{what}: this policy would never allow a send."),
            ));
        }
        Ok(Policy {
            days: DaySet::from_days(&p.weekdays),
            allowed,
            outside_window: p.outside_window,
        })
    }

    /// Parses a send policy's JSON (the flow model's form) and compiles it. Format errors are
    /// [`Error::Format`](crate::Error::Format) with a path; the rest as
    /// [`Policy::from_send_policy`].
    ///
    /// ```
    /// let p = sequenza::time::Policy::from_json(r#"{"hours": [{"start": "09:00", "end": "18:00"}]}"#)?;
    /// assert_eq!(p.allowed_minutes(), &[(540, 1080)]);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn from_json(json: &str) -> crate::Result<Policy> {
        let p: SendPolicy = crate::error::from_json_str(json)?;
        Policy::from_send_policy(&p)
    }

    /// Combines several policies (account default, flow, node …): a send must satisfy all of
    /// them — the stricter wins. Error paths start with the policy's index (`/1/hours/0/end`).
    /// No policies at all is [`Policy::always`].
    ///
    /// ```
    /// use sequenza::flow::SendPolicy;
    /// use sequenza::time::Policy;
    /// let account: SendPolicy = serde_json::from_str(r#"{"hours": [{"start": "08:00", "end": "21:00"}]}"#).unwrap();
    /// let node: SendPolicy = serde_json::from_str(r#"{"hours": [{"start": "18:00", "end": "23:00"}]}"#).unwrap();
    /// let p = Policy::combine(&[&account, &node])?;
    /// assert_eq!(p.allowed_minutes(), &[(18 * 60, 21 * 60)]);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn combine(policies: &[&SendPolicy]) -> crate::Result<Policy> {
        let mut out = Policy::always();
        for (i, p) in policies.iter().enumerate() {
            let one = Policy::from_send_policy(p).map_err(|e| prefixed(e, &format!("/{i}")))?;
            out = out.stricter(&one)?;
        }
        Ok(out)
    }

    /// The intersection of two policies (`skip` outside the windows when either says so).
    /// `time.policy.never_allowed` when nothing is left.
    ///
    /// ```
    /// use sequenza::time::Policy;
    /// let weekend = Policy::from_json(r#"{"weekdays": ["sat", "sun"]}"#)?;
    /// let weekdays = Policy::from_json(r#"{"weekdays": ["mon", "fri"]}"#)?;
    /// assert_eq!(weekend.stricter(&weekdays).unwrap_err().code(), "time.policy.never_allowed");
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn stricter(&self, other: &Policy) -> crate::Result<Policy> {
        let days = DaySet(self.days.0 & other.days.0);
        if days.is_empty() {
            return Err(err(
                TimeCode::PolicyNeverAllowed,
                "",
                "The policies share no allowed weekday: together they would never allow a send.",
            ));
        }
        let allowed = intersect(&self.allowed, &other.allowed);
        if allowed.is_empty() {
            return Err(err(
                TimeCode::PolicyNeverAllowed,
                "",
                "The policies' send windows do not overlap: together they would never allow a send.",
            ));
        }
        let outside_window = match (self.outside_window, other.outside_window) {
            (OutsideWindow::Skip, _) | (_, OutsideWindow::Skip) => OutsideWindow::Skip,
            _ => OutsideWindow::Defer,
        };
        Ok(Policy {
            days,
            allowed,
            outside_window,
        })
    }

    /// The policy in the flow model's form: a [`SendPolicy`] that compiles back to an equal
    /// policy. Allowed hours become `hours` windows (none when the whole day is allowed, one
    /// ending at `00:00` when allowed until midnight), the allowed weekdays `weekdays` (none
    /// when every day), and `outside_window` is kept. The time zones are not part of a compiled
    /// policy and are left unset. This is how a combined policy ([`Policy::combine`],
    /// [`Policy::stricter`]) is handed on in JSON.
    ///
    /// ```
    /// use sequenza::time::Policy;
    /// let a = Policy::from_json(r#"{"hours": [{"start": "08:00", "end": "21:00"}], "weekdays": ["mon", "tue"]}"#)?;
    /// let b = Policy::from_json(r#"{"quiet_hours": [{"start": "12:00", "end": "14:00"}], "outside_window": "skip"}"#)?;
    /// let both = a.stricter(&b)?;
    /// let doc = both.to_send_policy();
    /// assert_eq!(serde_json::to_string(&doc).unwrap(), concat!(
    ///     r#"{"weekdays":["mon","tue"],"hours":[{"start":"08:00","end":"12:00"},"#,
    ///     r#"{"start":"14:00","end":"21:00"}],"outside_window":"skip"}"#));
    /// assert_eq!(Policy::from_send_policy(&doc)?, both);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn to_send_policy(&self) -> SendPolicy {
        let weekdays = if self.days == DaySet::ALL {
            Vec::new()
        } else {
            self.days.days()
        };
        let hhmm = |m: u16| {
            LocalTime::from_minutes(u32::from(m % DAY_MINUTES))
                .unwrap_or(LocalTime::MIDNIGHT)
                .to_string()
        };
        let hours = if self.allowed == [(0, DAY_MINUTES)] {
            Vec::new()
        } else {
            self.allowed
                .iter()
                .map(|&(s, e)| TimeWindow {
                    start: hhmm(s),
                    end: hhmm(e),
                })
                .collect()
        };
        SendPolicy {
            weekdays,
            hours,
            outside_window: self.outside_window,
            ..SendPolicy::default()
        }
    }

    /// What happens to a send outside the allowed time: defer (default) or skip.
    ///
    /// ```
    /// let p = sequenza::time::Policy::from_json(r#"{"outside_window": "skip"}"#)?;
    /// assert_eq!(p.outside_window(), sequenza::flow::OutsideWindow::Skip);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn outside_window(&self) -> OutsideWindow {
        self.outside_window
    }

    /// The allowed weekdays, Monday first.
    ///
    /// ```
    /// let p = sequenza::time::Policy::from_json(r#"{"weekdays": ["sun", "mon"]}"#)?;
    /// assert_eq!(p.weekdays(), vec![sequenza::time::Weekday::Mon, sequenza::time::Weekday::Sun]);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn weekdays(&self) -> Vec<Weekday> {
        self.days.days()
    }

    /// The allowed minutes of an allowed day: sorted `[start, end)` pairs of minutes since local
    /// midnight (`end` up to 1440).
    ///
    /// ```
    /// let p = sequenza::time::Policy::from_json(r#"{"quiet_hours": [{"start": "22:00", "end": "08:00"}]}"#)?;
    /// assert_eq!(p.allowed_minutes(), &[(480, 1320)]);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn allowed_minutes(&self) -> &[(u16, u16)] {
        &self.allowed
    }

    /// Whether a send may go out at `at` for a recipient in `zone`.
    ///
    /// ```
    /// use sequenza::time::{parse_zone, Policy};
    /// let p = Policy::from_json(r#"{"hours": [{"start": "09:00", "end": "18:00"}]}"#)?;
    /// let kathmandu = parse_zone("Asia/Kathmandu")?; // UTC+05:45
    /// assert!(p.is_allowed("2025-01-01T03:15:00Z".parse().unwrap(), kathmandu)); // 09:00
    /// assert!(!p.is_allowed("2025-01-01T03:14:59Z".parse().unwrap(), kathmandu));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn is_allowed(&self, at: DateTime<Utc>, zone: Tz) -> bool {
        self.next_allowed(at, zone).is_ok_and(|n| n == at)
    }

    /// Whether the local `weekday` and minute of the day are allowed (no zone, no DST).
    pub(crate) fn allows_wall(&self, weekday: chrono::Weekday, minute: u16) -> bool {
        self.days.contains(weekday) && self.allowed.iter().any(|&(s, e)| s <= minute && minute < e)
    }

    /// The first instant at or after `at` when a send may go out for a recipient in `zone`.
    ///
    /// Never loops: the search covers at most 60 local days (a compiled policy allows some
    /// minute of every week); `time.out_of_range` at the end of the calendar.
    ///
    /// ```
    /// use sequenza::time::{parse_zone, Policy};
    /// let p = Policy::from_json(r#"{"hours": [{"start": "02:30", "end": "04:00"}]}"#)?;
    /// let rome = parse_zone("Europe/Rome")?;
    /// // 30 March 2025, 00:00 UTC = 01:00 CET. 02:30 does not exist that night: the window
    /// // opens at the first instant after the gap, 03:00 CEST = 01:00 UTC.
    /// let at = "2025-03-30T00:00:00Z".parse().unwrap();
    /// assert_eq!(p.next_allowed(at, rome)?.to_rfc3339(), "2025-03-30T01:00:00+00:00");
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn next_allowed(&self, at: DateTime<Utc>, zone: Tz) -> crate::Result<DateTime<Utc>> {
        self.next_window(at, zone).map(|(start, _)| start)
    }

    /// [`next_allowed`](Self::next_allowed) for many instants (`None` stays `None`), faster
    /// than one call each when neighbouring instants are close (a sorted column): every instant
    /// from one input up to the end of the allowed window found for it is answered without
    /// another search (the instants between the input and the window's start are not allowed,
    /// so they move to that start; those inside the window are allowed).
    ///
    /// ```
    /// use sequenza::time::{parse_zone, Policy};
    /// let p = Policy::from_json(r#"{"quiet_hours": [{"start": "21:00", "end": "08:00"}]}"#)?;
    /// let rome = parse_zone("Europe/Rome")?;
    /// let ats = ["2025-01-01T22:00:00Z", "2025-01-02T06:00:00Z", "2025-01-02T09:00:00Z"]
    ///     .map(|t| Some(t.parse().unwrap()));
    /// let next = p.next_allowed_many(&ats, rome)?;
    /// assert_eq!(next[0], Some("2025-01-02T07:00:00Z".parse().unwrap()));
    /// assert_eq!(next[1], next[0]);
    /// assert_eq!(next[2], ats[2]);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn next_allowed_many(
        &self,
        ats: &[Option<DateTime<Utc>>],
        zone: Tz,
    ) -> crate::Result<Vec<Option<DateTime<Utc>>>> {
        // The last search: its input, its answer, the end of the answer's window.
        let mut last: Option<(DateTime<Utc>, DateTime<Utc>, DateTime<Utc>)> = None;
        let mut out = Vec::with_capacity(ats.len());
        for at in ats {
            let Some(at) = *at else {
                out.push(None);
                continue;
            };
            let next = match last {
                Some((from, start, end)) if from <= at && at < end => start.max(at),
                _ => {
                    let (start, end) = self.next_window(at, zone)?;
                    last = Some((at, start, end));
                    start
                }
            };
            out.push(Some(next));
        }
        Ok(out)
    }

    /// The first allowed instant at or after `at`, and the end of the allowed window it is in.
    fn next_window(
        &self,
        at: DateTime<Utc>,
        zone: Tz,
    ) -> crate::Result<(DateTime<Utc>, DateTime<Utc>)> {
        let local = wall(at, zone)?;
        let mut day = local.date();
        let secs = local.time().num_seconds_from_midnight();
        for i in 0..MAX_DAYS {
            if self.days.contains(day.weekday()) {
                for &(s, e) in &self.allowed {
                    // A wall time at or before `at`'s own resolves at or before `at`.
                    if i == 0 && u32::from(e) * 60 <= secs {
                        continue;
                    }
                    let end = resolve(zone, day, e)?;
                    if end <= at {
                        continue; // the second pass of an autumn overlap
                    }
                    let start = if i == 0 && u32::from(s) * 60 <= secs {
                        at
                    } else {
                        resolve(zone, day, s)?
                    };
                    if start < end {
                        return Ok((start.max(at), end));
                    }
                    // Otherwise the window lies wholly in a spring-forward gap today.
                }
            }
            day = day.succ_opt().ok_or_else(out_of_range)?;
        }
        Err(exhausted("allowed instant"))
    }

    /// The decision for a send at `at`: allow, defer to [`Policy::next_allowed`], or skip
    /// (when the policy says `"outside_window": "skip"`).
    ///
    /// ```
    /// use sequenza::time::{Decision, Policy};
    /// let p = Policy::from_json(r#"{"hours": [{"start": "09:00", "end": "18:00"}], "outside_window": "skip"}"#)?;
    /// let night = "2025-01-01T23:00:00Z".parse().unwrap();
    /// assert_eq!(p.decide(night, chrono_tz::Tz::UTC)?, Decision::Skip);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn decide(&self, at: DateTime<Utc>, zone: Tz) -> crate::Result<Decision> {
        let next = self.next_allowed(at, zone)?;
        Ok(if next == at {
            Decision::Allow
        } else {
            match self.outside_window {
                OutsideWindow::Skip => Decision::Skip,
                OutsideWindow::Defer => Decision::Defer { until: next },
            }
        })
    }
}

/// The first instant at or after `at` when `policy` allows a send in `zone`
/// (same as [`Policy::next_allowed`]).
///
/// ```
/// use sequenza::time::{next_allowed, parse_zone, Policy};
/// let p = Policy::from_json(r#"{"quiet_hours": [{"start": "21:00", "end": "09:00"}]}"#)?;
/// let ny = parse_zone("America/New_York")?;
/// let at = "2025-11-02T05:30:00Z".parse().unwrap(); // 01:30 EDT, the first of two
/// assert_eq!(next_allowed(at, &p, ny)?.to_rfc3339(), "2025-11-02T14:00:00+00:00"); // 09:00 EST
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn next_allowed(at: DateTime<Utc>, policy: &Policy, zone: Tz) -> crate::Result<DateTime<Utc>> {
    policy.next_allowed(at, zone)
}

/// Whether `policy` allows a send at `at` in `zone` (same as [`Policy::is_allowed`]).
///
/// ```
/// use sequenza::time::{is_allowed, Policy};
/// let at = "2025-01-01T12:00:00Z".parse().unwrap();
/// assert!(is_allowed(at, &Policy::always(), chrono_tz::Tz::UTC));
/// ```
pub fn is_allowed(at: DateTime<Utc>, policy: &Policy, zone: Tz) -> bool {
    policy.is_allowed(at, zone)
}

/// The minutes covered by `ws` (their union), validating each window.
fn windows(ws: &[TimeWindow], key: &str) -> crate::Result<Minutes> {
    let mut out = Vec::with_capacity(ws.len() + 1);
    for (i, w) in ws.iter().enumerate() {
        let start = LocalTime::parse_at(&w.start, &format!("{key}/{i}/start"))?.minutes();
        let end = LocalTime::parse_at(&w.end, &format!("{key}/{i}/end"))?.minutes();
        if start == end {
            return Err(err(
                TimeCode::WindowAmbiguous,
                format!("{key}/{i}"),
                format!(
                    "The window {}–{} starts and ends at the same time: it would cover nothing or the whole day.",
                    w.start, w.end
                ),
            ));
        }
        if start < end {
            out.push((start, end));
        } else {
            out.push((start, DAY_MINUTES));
            if end > 0 {
                out.push((0, end));
            }
        }
    }
    Ok(normalize(out))
}

/// Sorts and merges overlapping or touching intervals.
fn normalize(mut v: Minutes) -> Minutes {
    v.sort_unstable();
    let mut out: Minutes = Vec::with_capacity(v.len());
    for (s, e) in v {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

fn intersect(a: &[(u16, u16)], b: &[(u16, u16)]) -> Minutes {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        let s = a[i].0.max(b[j].0);
        let e = a[i].1.min(b[j].1);
        if s < e {
            out.push((s, e));
        }
        if a[i].1 < b[j].1 {
            i += 1;
        } else {
            j += 1;
        }
    }
    out
}

fn subtract(a: &[(u16, u16)], b: &[(u16, u16)]) -> Minutes {
    let mut complement = Vec::with_capacity(b.len() + 1);
    let mut from = 0;
    for &(s, e) in b {
        if s > from {
            complement.push((from, s));
        }
        from = e;
    }
    if from < DAY_MINUTES {
        complement.push((from, DAY_MINUTES));
    }
    intersect(a, &complement)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn send_policy_form_round_trips() {
        for json in [
            r#"{}"#,
            r#"{"quiet_hours": [{"start": "22:00", "end": "08:00"}]}"#,
            r#"{"hours": [{"start": "20:00", "end": "02:00"}], "weekdays": ["sat", "sun"]}"#,
            r#"{"hours": [{"start": "09:00", "end": "00:00"}], "outside_window": "skip"}"#,
            r#"{"quiet_hours": [{"start": "00:00", "end": "00:01"}, {"start": "12:00", "end": "13:00"}]}"#,
        ] {
            let p = Policy::from_json(json).unwrap();
            let doc = p.to_send_policy();
            assert_eq!(Policy::from_send_policy(&doc).unwrap(), p, "{json}");
        }
        let a = Policy::from_json(r#"{"hours": [{"start": "18:00", "end": "02:00"}]}"#).unwrap();
        let b = Policy::from_json(r#"{"weekdays": ["fri"], "outside_window": "skip"}"#).unwrap();
        let both = a.stricter(&b).unwrap();
        let text = serde_json::to_string(&both.to_send_policy()).unwrap();
        assert_eq!(Policy::from_json(&text).unwrap(), both);
        assert!(text.contains(r#""weekdays":["fri"]"#), "{text}");
    }

    #[test]
    fn set_operations() {
        assert_eq!(
            normalize(vec![(5, 10), (0, 5), (20, 30), (25, 26)]),
            vec![(0, 10), (20, 30)]
        );
        assert_eq!(
            intersect(&[(0, 10), (20, 30)], &[(5, 25)]),
            vec![(5, 10), (20, 25)]
        );
        assert_eq!(
            subtract(&[(0, 1440)], &[(0, 480), (1320, 1440)]),
            vec![(480, 1320)]
        );
        assert_eq!(subtract(&[(0, 100)], &[(0, 1440)]), vec![]);
    }

    #[test]
    fn window_errors_have_paths() {
        let e = Policy::from_json(r#"{"quiet_hours": [{"start": "08:00", "end": "08:00"}]}"#)
            .unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            ("time.window.ambiguous", Some("/quiet_hours/0"))
        );
        let e = Policy::from_json(r#"{"time_zone": "Europe/Atlantis"}"#).unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            ("time.zone.unknown", Some("/time_zone"))
        );
        let e = Policy::from_json(r#"{"hours": [{"start": "9:00", "end": "10:00"}]}"#).unwrap_err();
        assert_eq!(
            (e.code(), e.path()),
            ("time.time.malformed", Some("/hours/0/start"))
        );
    }
}
