//! The time operations as the bindings call them: a zone argument by name, a send policy with its
//! zone ([`ZonedPolicy`]), so that "the call's zone, else the policy's, else UTC" is decided once.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use super::zone::parse_zone_at;
use super::{CapPolicy, Decision, Policy, RecurrenceRule, Recurring, SentMessage, ZonedPolicy};
use crate::flow::WaitNode;
use crate::model::Channel;

/// The zone of a call: `time_zone` when given (`time.zone.unknown` at `/time_zone`), else the
/// policy's zone, else UTC.
///
/// ```
/// use sequenza::time::{call_zone, ZonedPolicy};
/// let p = ZonedPolicy::from_json(r#"{"time_zone": "Asia/Tokyo"}"#)?;
/// assert_eq!(call_zone(None, Some(&p))?.name(), "Asia/Tokyo");
/// assert_eq!(call_zone(Some("Europe/Rome"), Some(&p))?.name(), "Europe/Rome");
/// assert_eq!(call_zone(Some("Mars/Base"), None).unwrap_err().path(), Some("/time_zone"));
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn call_zone(time_zone: Option<&str>, policy: Option<&ZonedPolicy>) -> crate::Result<Tz> {
    match (time_zone, policy) {
        (Some(name), _) => parse_zone_at(name, "/time_zone"),
        (None, Some(p)) => Ok(p.zone),
        (None, None) => Ok(Tz::UTC),
    }
}

impl RecurrenceRule {
    /// Compiles the rule in the call's zone ([`call_zone`]) and keeps only the occurrences
    /// `policy` allows ([`Recurring::within`]).
    ///
    /// ```
    /// use sequenza::time::{RecurrenceRule, ZonedPolicy};
    /// let p = ZonedPolicy::from_json(r#"{"hours": [{"start": "09:00", "end": "18:00"}], "time_zone": "Europe/Rome"}"#)?;
    /// let r = RecurrenceRule::Every { minutes: 30 }.compile_for(None, Some(&p))?;
    /// assert_eq!(r.zone().name(), "Europe/Rome");
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn compile_for(
        &self,
        time_zone: Option<&str>,
        policy: Option<&ZonedPolicy>,
    ) -> crate::Result<Recurring> {
        let recurring = self.compile(call_zone(time_zone, policy)?)?;
        match policy {
            Some(p) => recurring.within(p.policy.clone()),
            None => Ok(recurring),
        }
    }
}

/// [`wait_end`](super::wait_end) in the call's zone ([`call_zone`]), moved into what `policy`
/// allows.
///
/// ```
/// let node = sequenza::flow::WaitNode::from_json(r#"{"duration": {"amount": 1, "unit": "days"}}"#)?;
/// let at = "2025-06-05T10:00:00Z".parse().unwrap();
/// let end = sequenza::time::wait_end_for(at, &node, None, None, None)?;
/// assert_eq!(end.to_rfc3339(), "2025-06-06T10:00:00+00:00");
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn wait_end_for(
    at: DateTime<Utc>,
    node: &WaitNode,
    time_zone: Option<&str>,
    date: Option<NaiveDate>,
    policy: Option<&ZonedPolicy>,
) -> crate::Result<DateTime<Utc>> {
    let zone = call_zone(time_zone, policy)?;
    super::wait_end(at, node, zone, date, policy.map(|p| &p.policy))
}

/// [`plan_send`](super::plan_send) in the call's zone ([`call_zone`]); no policy: any time.
///
/// ```
/// use sequenza::time::{plan_send_for, CapPolicy, Decision};
/// let at = "2025-06-05T10:00:00Z".parse().unwrap();
/// let d = plan_send_for(at, sequenza::model::Channel::Email, None, None, &CapPolicy::default(), &[], false)?;
/// assert_eq!(d, Decision::Allow);
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn plan_send_for(
    at: DateTime<Utc>,
    channel: Channel,
    time_zone: Option<&str>,
    policy: Option<&ZonedPolicy>,
    caps: &CapPolicy,
    history: &[SentMessage],
    transactional: bool,
) -> crate::Result<Decision> {
    let zone = call_zone(time_zone, policy)?;
    let always = Policy::always();
    let rule = policy.map_or(&always, |p| &p.policy);
    super::plan_send(at, zone, rule, caps, history, channel, transactional)
}
