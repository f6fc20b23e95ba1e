//! Frequency caps: at most N messages per channel per rolling window, per contact.

use crate::error::TimeCode;
use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::error::{err, out_of_range};
use super::policy::{Decision, Policy};
use super::{Duration, TimeUnit};
use crate::flow::OutsideWindow;
use crate::model::Channel;

/// A message already sent to the contact: when, on which channel, and whether it was
/// transactional (transactional messages do not count against caps).
pub type SentMessage = (DateTime<Utc>, Channel, bool);

/// Reads a send history from JSON: an array whose entries are `[instant, channel]`,
/// `[instant, channel, transactional]` or `{"at": instant, "channel": channel,
/// "transactional": bool}` (`transactional` defaults to `false`). Instants are RFC 3339 text.
/// Errors are format errors with the JSON pointer of the entry (`/1/0`) and its line and column.
///
/// ```
/// use sequenza::model::Channel;
/// let h = sequenza::time::history_from_json(r#"[
///   ["2025-06-01T09:00:00Z", "email"],
///   ["2025-06-01T10:00:00+02:00", "sms", true],
///   {"at": "2025-06-01T11:00:00Z", "channel": "whatsapp"}
/// ]"#)?;
/// assert_eq!(h.len(), 3);
/// assert_eq!(h[1].0.to_rfc3339(), "2025-06-01T08:00:00+00:00");
/// assert_eq!((h[1].1, h[1].2), (Channel::Sms, true));
/// assert_eq!((h[2].1, h[2].2), (Channel::WhatsApp, false));
/// let e = sequenza::time::history_from_json(r#"[["2025-06-01T09:00:00Z", "fax"]]"#).unwrap_err();
/// assert_eq!((e.code(), e.path()), ("format.invalid", Some("/0/1")));
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn history_from_json(json: &str) -> crate::Result<Vec<SentMessage>> {
    let entries: Vec<SentEntry> = crate::error::from_json_any(json)?;
    Ok(entries.into_iter().map(|e| e.0).collect())
}

/// One entry of a send history's JSON form (see [`history_from_json`]).
struct SentEntry(SentMessage);

/// The object form of a history entry.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SentObject {
    at: DateTime<Utc>,
    channel: Channel,
    #[serde(default)]
    transactional: bool,
}

impl<'de> Deserialize<'de> for SentEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = SentEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("[instant, channel, transactional?] or {at, channel, transactional?}")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<SentEntry, A::Error> {
                use serde::de::Error;
                let at: DateTime<Utc> = seq
                    .next_element()?
                    .ok_or_else(|| A::Error::invalid_length(0, &self))?;
                let channel: Channel = seq
                    .next_element()?
                    .ok_or_else(|| A::Error::invalid_length(1, &self))?;
                let transactional: bool = seq.next_element()?.unwrap_or(false);
                if seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    return Err(A::Error::invalid_length(4, &self));
                }
                Ok(SentEntry((at, channel, transactional)))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<SentEntry, A::Error> {
                let o = SentObject::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(SentEntry((o.at, o.channel, o.transactional)))
            }
        }
        d.deserialize_any(Visit)
    }
}

/// One cap: at most `max` messages on `channel` (all channels together when absent) within any
/// rolling window of length `per`. JSON: `{"channel": "email", "max": 2, "per": {"amount": 1,
/// "unit": "days"}}`.
///
/// The window is elapsed time: a day is 24 hours, a week 7 × 24 hours, a month 30 days.
///
/// ```
/// use sequenza::time::FrequencyCap;
/// let cap: FrequencyCap = serde_json::from_str(r#"{"channel": "sms", "max": 1, "per": {"amount": 3, "unit": "days"}}"#).unwrap();
/// assert_eq!(cap.max, 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrequencyCap {
    /// The channel counted; every channel together when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<Channel>,
    /// The most messages allowed in the window (at least 1).
    pub max: u32,
    /// The window's length (positive).
    pub per: Duration,
}

impl FrequencyCap {
    fn window(&self) -> Option<TimeDelta> {
        let minutes = match self.per.unit {
            TimeUnit::Months => self.per.amount.checked_mul(30 * 1_440)?,
            _ => self.per.approx_minutes(),
        };
        TimeDelta::try_minutes(minutes)
    }

    fn counts(&self, channel: Channel) -> bool {
        self.channel.is_none_or(|c| c == channel)
    }
}

/// The caps that apply to every contact, and what happens to a capped send (defer to when the
/// cap frees — the default — or skip). JSON: `{"caps": [...], "when_capped": "defer"}`.
///
/// ```
/// use sequenza::model::Channel;
/// use sequenza::time::{CapPolicy, Decision};
/// let caps = CapPolicy::from_json(r#"{"caps": [
///   {"channel": "email", "max": 2, "per": {"amount": 1, "unit": "days"}},
///   {"channel": "email", "max": 5, "per": {"amount": 1, "unit": "weeks"}}
/// ]}"#)?;
/// let t = |s: &str| s.parse().unwrap();
/// let history = [
///     (t("2025-06-01T09:00:00Z"), Channel::Email, false),
///     (t("2025-06-01T12:00:00Z"), Channel::Email, false),
///     (t("2025-06-01T13:00:00Z"), Channel::Email, true), // transactional: not counted
/// ];
/// let d = caps.decide(&history, Channel::Email, false, t("2025-06-01T18:00:00Z"))?;
/// assert_eq!(d, Decision::Defer { until: t("2025-06-02T09:00:00Z") });
/// assert_eq!(caps.decide(&history, Channel::Sms, false, t("2025-06-01T18:00:00Z"))?, Decision::Allow);
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapPolicy {
    /// The caps; all must hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caps: Vec<FrequencyCap>,
    /// Defer a capped send to when the caps free, or skip it.
    #[serde(default)]
    pub when_capped: OutsideWindow,
}

impl CapPolicy {
    /// Parses and validates the JSON form.
    ///
    /// ```
    /// let e = sequenza::time::CapPolicy::from_json(r#"{"caps": [{"max": 0, "per": {"amount": 1, "unit": "days"}}]}"#).unwrap_err();
    /// assert_eq!((e.code(), e.path()), ("time.cap.invalid", Some("/caps/0/max")));
    /// ```
    pub fn from_json(json: &str) -> crate::Result<CapPolicy> {
        let p: CapPolicy = crate::error::from_json_str(json)?;
        p.validate()?;
        Ok(p)
    }

    /// Checks every cap: `max` at least 1 and a positive window (`time.cap.invalid`).
    ///
    /// ```
    /// use sequenza::time::{CapPolicy, Duration, FrequencyCap, TimeUnit};
    /// let p = CapPolicy { caps: vec![FrequencyCap { channel: None, max: 3, per: Duration::new(0, TimeUnit::Days) }], ..Default::default() };
    /// assert_eq!(p.validate().unwrap_err().path(), Some("/caps/0/per"));
    /// ```
    pub fn validate(&self) -> crate::Result<()> {
        for (i, cap) in self.caps.iter().enumerate() {
            if cap.max == 0 {
                return Err(err(
                    TimeCode::CapInvalid,
                    format!("/caps/{i}/max"),
                    "A cap of 0 messages would never allow a send; remove the channel's consent instead.",
                ));
            }
            if cap.per.amount <= 0 || cap.window().is_none() {
                return Err(err(
                    TimeCode::CapInvalid,
                    format!("/caps/{i}/per"),
                    format!(
                        "A cap's window must be positive and reasonable, not {}.",
                        cap.per
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The first instant at or after `at` when one more non-transactional message on `channel`
    /// fits every cap, given `history` (entries after `at` are ignored: they have not happened).
    ///
    /// ```
    /// use sequenza::model::Channel;
    /// let caps = sequenza::time::CapPolicy::from_json(r#"{"caps": [{"channel": "sms", "max": 1, "per": {"amount": 3, "unit": "days"}}]}"#)?;
    /// let sent = "2025-06-01T10:00:00Z".parse().unwrap();
    /// let at = "2025-06-02T10:00:00Z".parse().unwrap();
    /// let free = caps.frees_at(&[(sent, Channel::Sms, false)], Channel::Sms, at)?;
    /// assert_eq!(free.to_rfc3339(), "2025-06-04T10:00:00+00:00");
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn frees_at(
        &self,
        history: &[SentMessage],
        channel: Channel,
        at: DateTime<Utc>,
    ) -> crate::Result<DateTime<Utc>> {
        self.validate()?;
        let mut free = at;
        let mut times = Vec::new();
        for cap in self.caps.iter().filter(|c| c.counts(channel)) {
            let window = cap.window().ok_or_else(out_of_range)?;
            let from = at.checked_sub_signed(window);
            times.clear();
            times.extend(history.iter().filter_map(|&(t, c, transactional)| {
                let inside =
                    !transactional && cap.counts(c) && t <= at && from.is_none_or(|from| t > from);
                inside.then_some(t)
            }));
            let max = cap.max as usize;
            if times.len() < max {
                continue;
            }
            // The cap frees when the max-th most recent message leaves the window.
            times.sort_unstable_by(|a, b| b.cmp(a));
            let leaves = times[max - 1]
                .checked_add_signed(window)
                .ok_or_else(out_of_range)?;
            free = free.max(leaves);
        }
        Ok(free)
    }

    /// The decision for a message on `channel` at `at`: transactional messages are always
    /// allowed; others are allowed when every cap has room, else deferred to
    /// [`CapPolicy::frees_at`] or skipped (`when_capped`).
    ///
    /// ```
    /// use sequenza::model::Channel;
    /// use sequenza::time::Decision;
    /// let caps = sequenza::time::CapPolicy::from_json(r#"{"caps": [{"max": 1, "per": {"amount": 1, "unit": "days"}}], "when_capped": "skip"}"#)?;
    /// let t = |s: &str| s.parse().unwrap();
    /// let history = [(t("2025-06-01T10:00:00Z"), Channel::WhatsApp, false)];
    /// assert_eq!(caps.decide(&history, Channel::Email, false, t("2025-06-01T11:00:00Z"))?, Decision::Skip);
    /// assert_eq!(caps.decide(&history, Channel::Email, true, t("2025-06-01T11:00:00Z"))?, Decision::Allow);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn decide(
        &self,
        history: &[SentMessage],
        channel: Channel,
        transactional: bool,
        at: DateTime<Utc>,
    ) -> crate::Result<Decision> {
        if transactional {
            return Ok(Decision::Allow);
        }
        let free = self.frees_at(history, channel, at)?;
        Ok(if free == at {
            Decision::Allow
        } else {
            match self.when_capped {
                OutsideWindow::Skip => Decision::Skip,
                OutsideWindow::Defer => Decision::Defer { until: free },
            }
        })
    }
}

/// Everything checked before a send, in order: transactional messages go out at once;
/// otherwise the frequency caps, then the send policy in the recipient's `zone`. The answer is
/// the first instant both allow (a cap, once free, stays free while nothing else is sent), or
/// a skip when the rule that holds the send back says `skip`.
///
/// ```
/// use sequenza::model::Channel;
/// use sequenza::time::{parse_zone, plan_send, CapPolicy, Decision, Policy};
/// let policy = Policy::from_json(r#"{"quiet_hours": [{"start": "21:00", "end": "09:00"}]}"#)?;
/// let caps = CapPolicy::from_json(r#"{"caps": [{"channel": "sms", "max": 1, "per": {"amount": 1, "unit": "days"}}]}"#)?;
/// let rome = parse_zone("Europe/Rome")?;
/// let t = |s: &str| s.parse().unwrap();
/// let history = [(t("2025-06-01T20:00:00Z"), Channel::Sms, false)]; // 22:00 CEST
/// // The cap frees at 20:00 UTC on 2 June = 22:00 CEST, in quiet hours: 09:00 CEST on 3 June.
/// let d = plan_send(t("2025-06-02T08:00:00Z"), rome, &policy, &caps, &history, Channel::Sms, false)?;
/// assert_eq!(d, Decision::Defer { until: t("2025-06-03T07:00:00Z") });
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn plan_send(
    at: DateTime<Utc>,
    zone: Tz,
    policy: &Policy,
    caps: &CapPolicy,
    history: &[SentMessage],
    channel: Channel,
    transactional: bool,
) -> crate::Result<Decision> {
    if transactional {
        return Ok(Decision::Allow);
    }
    let free = caps.frees_at(history, channel, at)?;
    if free > at && caps.when_capped == OutsideWindow::Skip {
        return Ok(Decision::Skip);
    }
    let next = policy.next_allowed(free, zone)?;
    if next == at {
        return Ok(Decision::Allow);
    }
    if next > free && policy.outside_window() == OutsideWindow::Skip {
        return Ok(Decision::Skip);
    }
    Ok(Decision::Defer { until: next })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn rolling_window_edges() {
        let caps = CapPolicy::from_json(
            r#"{"caps": [{"channel": "email", "max": 2, "per": {"amount": 1, "unit": "days"}}]}"#,
        )
        .unwrap();
        let h = [
            (t("2025-06-01T09:00:00Z"), Channel::Email, false),
            (t("2025-06-01T10:00:00Z"), Channel::Email, false),
            (t("2025-06-01T11:00:00Z"), Channel::Email, false),
            // In the future of `at`: ignored.
            (t("2025-06-03T11:00:00Z"), Channel::Email, false),
        ];
        // At 11:30 three are in the window; it frees when the 2nd most recent (10:00) leaves.
        assert_eq!(
            caps.frees_at(&h, Channel::Email, t("2025-06-01T11:30:00Z"))
                .unwrap(),
            t("2025-06-02T10:00:00Z")
        );
        // Exactly 24 h after 10:00, the 10:00 message has left the window (start exclusive).
        assert_eq!(
            caps.frees_at(&h, Channel::Email, t("2025-06-02T10:00:00Z"))
                .unwrap(),
            t("2025-06-02T10:00:00Z")
        );
        // A month window is 30 days.
        let month = CapPolicy::from_json(
            r#"{"caps": [{"max": 1, "per": {"amount": 1, "unit": "months"}}]}"#,
        )
        .unwrap();
        assert_eq!(
            month
                .frees_at(&h[..1], Channel::Sms, t("2025-06-02T00:00:00Z"))
                .unwrap(),
            t("2025-07-01T09:00:00Z")
        );
        let bad = CapPolicy::from_json(
            r#"{"caps": [{"max": 1, "per": {"amount": 9223372036854775807, "unit": "months"}}]}"#,
        );
        assert_eq!(bad.unwrap_err().code(), "time.cap.invalid");
    }

    #[test]
    fn plan_send_orders_checks() {
        let policy = Policy::from_json(
            r#"{"hours": [{"start": "09:00", "end": "17:00"}], "outside_window": "skip"}"#,
        )
        .unwrap();
        let caps = CapPolicy::default();
        let z = Tz::UTC;
        let d =
            |at: &str, tr| plan_send(t(at), z, &policy, &caps, &[], Channel::Email, tr).unwrap();
        assert_eq!(d("2025-06-02T10:00:00Z", false), Decision::Allow);
        assert_eq!(d("2025-06-02T20:00:00Z", false), Decision::Skip);
        assert_eq!(d("2025-06-02T20:00:00Z", true), Decision::Allow);
    }
}
