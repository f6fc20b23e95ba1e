//! A send policy with its time zone: what a binding's `SendPolicy` object holds.

use chrono_tz::Tz;

use super::policy::Policy;
use super::zone::parse_zone_at;
use crate::flow::SendPolicy;

/// A send policy compiled together with its zone: `time_zone`, else `fallback_time_zone`, else
/// UTC. The form every binding's `SendPolicy` object holds, so that the zone rule, the options
/// form and "the stricter wins" are decided here once.
///
/// ```
/// use sequenza::time::ZonedPolicy;
/// let options = r#"{"quiet_hours": [["22:00", "08:00"]], "fallback_time_zone": "Europe/Rome"}"#;
/// let p = ZonedPolicy::new(sequenza::time::send_policy_from_options(options)?)?;
/// assert_eq!(p.zone.name(), "Europe/Rome");
/// assert_eq!(p.doc.quiet_hours[0].end, "08:00");
/// assert_eq!(ZonedPolicy::from_json(r#"{"time_zone": "Mars/Base"}"#).unwrap_err().code(), "time.zone.unknown");
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ZonedPolicy {
    /// The policy in the flow model's form (what `to_json` gives back).
    pub doc: SendPolicy,
    /// The compiled rule.
    pub policy: Policy,
    /// The zone of the policy's local times.
    pub zone: Tz,
}

impl ZonedPolicy {
    /// Compiles the flow model's form. An unknown zone is `time.zone.unknown` at `/time_zone`
    /// (or `/fallback_time_zone`); the rest as [`Policy::from_send_policy`].
    ///
    /// ```
    /// let p = sequenza::time::ZonedPolicy::new(Default::default())?;
    /// assert_eq!(p.zone.name(), "UTC");
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn new(doc: SendPolicy) -> crate::Result<Self> {
        let policy = Policy::from_send_policy(&doc)?;
        let zone = match (&doc.time_zone, &doc.fallback_time_zone) {
            (Some(name), _) => parse_zone_at(name, "/time_zone")?,
            (None, Some(name)) => parse_zone_at(name, "/fallback_time_zone")?,
            (None, None) => Tz::UTC,
        };
        Ok(ZonedPolicy { doc, policy, zone })
    }

    /// Reads and compiles the flow model's JSON form (errors located by JSON pointer).
    ///
    /// ```
    /// let p = sequenza::time::ZonedPolicy::from_json(r#"{"time_zone": "Asia/Tokyo"}"#)?;
    /// assert_eq!(p.zone.name(), "Asia/Tokyo");
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn from_json(json: &str) -> crate::Result<Self> {
        Self::new(crate::error::from_json_str(json)?)
    }

    /// Several policies together (account default, flow, node …): the stricter wins; the result
    /// works in `zone` (UTC when absent). Error paths start with the policy's index.
    ///
    /// ```
    /// use sequenza::time::ZonedPolicy;
    /// let a = serde_json::from_str(r#"{"hours": [{"start": "08:00", "end": "21:00"}]}"#).unwrap();
    /// let b = serde_json::from_str(r#"{"hours": [{"start": "18:00", "end": "23:00"}]}"#).unwrap();
    /// let p = ZonedPolicy::combine(&[a, b], Some("Europe/Rome"))?;
    /// assert_eq!(p.policy.allowed_minutes(), &[(18 * 60, 21 * 60)]);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn combine(docs: &[SendPolicy], zone: Option<&str>) -> crate::Result<Self> {
        let zone = zone.map(|z| parse_zone_at(z, "")).transpose()?;
        let refs: Vec<&SendPolicy> = docs.iter().collect();
        let policy = Policy::combine(&refs)?;
        // The combined rule itself, so that its JSON form is the same policy.
        let mut doc = policy.to_send_policy();
        doc.time_zone = zone.filter(|z| *z != Tz::UTC).map(|z| z.name().to_owned());
        Ok(ZonedPolicy {
            doc,
            policy,
            zone: zone.unwrap_or(Tz::UTC),
        })
    }

    /// This policy and `other` together (the stricter wins), in this policy's zone.
    /// `time.policy.never_allowed` when nothing is left.
    ///
    /// ```
    /// use sequenza::time::ZonedPolicy;
    /// let weekend = ZonedPolicy::from_json(r#"{"weekdays": ["sat", "sun"], "time_zone": "Europe/Rome"}"#)?;
    /// let evenings = ZonedPolicy::from_json(r#"{"hours": [{"start": "18:00", "end": "22:00"}]}"#)?;
    /// assert_eq!(weekend.stricter(&evenings)?.zone.name(), "Europe/Rome");
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn stricter(&self, other: &ZonedPolicy) -> crate::Result<Self> {
        let policy = self.policy.stricter(&other.policy)?;
        let mut doc = policy.to_send_policy();
        doc.time_zone.clone_from(&self.doc.time_zone);
        doc.fallback_time_zone
            .clone_from(&self.doc.fallback_time_zone);
        Ok(ZonedPolicy {
            doc,
            policy,
            zone: self.zone,
        })
    }
}

// ---- the bindings' policy reader (issue 9 §1, WASM binding) --------------------------------

impl ZonedPolicy {
    /// Reads and compiles a policy in its options form (windows also as `[start, end]` pairs, as
    /// [`send_policy_from_options`](super::send_policy_from_options) reads them); `time_zone`,
    /// when given, replaces the document's. What a binding's `new SendPolicy(options)`,
    /// `SendPolicy.fromJson(data, timeZone)` and `policy` options call.
    ///
    /// ```
    /// use sequenza::time::ZonedPolicy;
    /// let p = ZonedPolicy::from_options_in(r#"{"quiet_hours": [["22:00", "08:00"]]}"#, Some("Asia/Tokyo"))?;
    /// assert_eq!(p.zone.name(), "Asia/Tokyo");
    /// assert_eq!(ZonedPolicy::from_options_in("{}", None)?.zone.name(), "UTC");
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn from_options_in(json: &str, time_zone: Option<&str>) -> crate::Result<Self> {
        let mut doc = super::send_policy_from_options(json)?;
        if let Some(zone) = time_zone {
            doc.time_zone = Some(zone.to_owned());
        }
        Self::new(doc)
    }
}
