//! The send decision: consent, address, frequency caps (every message of every flow counts) and
//! the node's send policy in the contact's zone. The engine's send step and the schedule preview
//! both call [`Engine::plan_for`], so a preview and what the engine then does cannot disagree.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::compiled::CompiledFlow;
use super::nodes::address;
use super::preview::DeferReason;
use super::Engine;
use crate::flow::{NodeKind, SendPolicy};
use crate::model::{Channel, ConsentStatus, Contact};
use crate::store::Store;
use crate::time::{plan_send, Decision, Policy, SentMessage};

/// A send decided: what [`Engine::plan_for`] answers to the engine and to the preview.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Planned {
    /// Skipped, with the statistic's reason and the history's words.
    Skip { reason: &'static str, why: String },
    /// Deferred to `until`.
    Defer {
        until: DateTime<Utc>,
        by: DeferReason,
        why: String,
    },
    /// Goes out now, to this address.
    Now { to: String },
}

impl<S: Store> Engine<S> {
    /// The engine's decision for a message to `c` from node `node` at `at`, given the
    /// contact's sent messages (every flow's, the outbox's included): consent, address, then
    /// [`plan_send`] (frequency caps, then the node's send policy in the contact's zone). The
    /// engine's send step and the preview both call it.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn plan_for(
        &self,
        c: &Contact,
        cf: &CompiledFlow,
        node: u32,
        channel: Channel,
        transactional: bool,
        at: DateTime<Utc>,
        history: &[SentMessage],
    ) -> Planned {
        if c.consent_status(channel) == ConsentStatus::OptedOut {
            let bounced =
                c.consent.get(&channel).and_then(|x| x.source.as_deref()) == Some("bounced");
            let reason = if bounced { "bounced" } else { "no_consent" };
            return Planned::Skip {
                reason,
                why: format!("skipped: {reason} on {channel}"),
            };
        }
        let Some(to) = address(c, channel) else {
            return Planned::Skip {
                reason: "no_address",
                why: format!("skipped: no address for {channel}"),
            };
        };
        let zone = self.contact_zone(c, cf);
        let policy = cf
            .nodes
            .get(node as usize)
            .and_then(|p| p.policy.clone())
            .unwrap_or_default();
        let decision = plan_send(
            at,
            zone,
            &policy,
            &self.caps,
            history,
            channel,
            transactional,
        )
        .unwrap_or(Decision::Skip);
        let capped = !transactional
            && self
                .caps
                .frees_at(history, channel, at)
                .is_ok_and(|free| free > at);
        let what = if capped {
            "frequency cap".to_owned()
        } else {
            window_text(&cf.flow.settings.send_policy)
        };
        match decision {
            Decision::Defer { until } => {
                let local = until.with_timezone(&zone).format("%H:%M");
                Planned::Defer {
                    until,
                    by: if capped {
                        DeferReason::FrequencyCap
                    } else {
                        held_by(cf, node, at, zone)
                    },
                    why: format!("deferred: {what} ({zone}) until {local}"),
                }
            }
            Decision::Skip => Planned::Skip {
                reason: if capped {
                    "frequency_cap"
                } else {
                    "outside_window"
                },
                why: format!("skipped: {what} ({zone})"),
            },
            _ => Planned::Now { to },
        }
    }
}

/// Which rule of the send policies that apply to a node holds a send at `at` back: each rule
/// (quiet hours; allowed hours and weekdays) is checked on its own with the engine's policy
/// functions in the contact's zone, and the one that allows the send latest is the cause
/// (quiet hours on a tie).
fn held_by(cf: &CompiledFlow, node: u32, at: DateTime<Utc>, zone: Tz) -> DeferReason {
    let mut parts: Vec<&SendPolicy> = vec![&cf.flow.settings.send_policy];
    if let Some(NodeKind::Send(s)) = cf.flow.nodes.get(node as usize).map(|n| &n.kind) {
        if let Some(p) = &s.policy {
            parts.push(p);
        }
    }
    let mut rules: Vec<(DeferReason, SendPolicy)> = Vec::new();
    for p in &parts {
        if !p.quiet_hours.is_empty() {
            rules.push((
                DeferReason::QuietHours,
                SendPolicy {
                    quiet_hours: p.quiet_hours.clone(),
                    ..SendPolicy::default()
                },
            ));
        }
        if !p.hours.is_empty() || !p.weekdays.is_empty() {
            rules.push((
                DeferReason::SendWindow,
                SendPolicy {
                    hours: p.hours.clone(),
                    weekdays: p.weekdays.clone(),
                    ..SendPolicy::default()
                },
            ));
        }
    }
    let mut best: Option<(DateTime<Utc>, DeferReason)> = None;
    for (reason, rule) in rules {
        let Ok(next) = Policy::from_send_policy(&rule).and_then(|p| p.next_allowed(at, zone))
        else {
            continue;
        };
        if next > at && best.is_none_or(|(b, _)| next > b) {
            best = Some((next, reason));
        }
    }
    best.map_or(DeferReason::SendWindow, |b| b.1)
}

/// The rules of a send policy, in words (the history's reason of a deferred send).
fn window_text(p: &SendPolicy) -> String {
    let mut parts = Vec::new();
    for q in &p.quiet_hours {
        parts.push(format!("quiet hours {}–{}", q.start, q.end));
    }
    for h in &p.hours {
        parts.push(format!("send window {}–{}", h.start, h.end));
    }
    if !p.weekdays.is_empty() {
        parts.push("allowed weekdays".to_owned());
    }
    if parts.is_empty() {
        "the send policy".to_owned()
    } else {
        parts.join(", ")
    }
}
