//! Entering a flow: the entry checks (status, entry restriction, consent, re-entry) and the
//! first steps of a contact that qualifies.

use chrono::{DateTime, Utc};

use super::compiled::CompiledFlow;
use super::io::{Action, EnrollmentState, RefusalReason};
use super::run::Next;
use super::tx::Tx;
use super::{Engine, STEP_LIMIT};
use crate::condition::eval::EvalContext;
use crate::flow::{FlowStatus, NodeKind, Reentry};
use crate::model::{Channel, ConsentStatus, ContactId, FlowId};
use crate::store::{Enrollment, StatKind, Store};

impl<S: Store> Engine<S> {
    /// A contact qualifies for a flow at `at`: the entry checks, then the first steps.
    pub(super) fn enter(
        &mut self,
        tx: &mut Tx,
        flow: &FlowId,
        contact: &ContactId,
        at: DateTime<Utc>,
        event: Option<u32>,
        cause: &str,
    ) -> crate::Result<Result<(), RefusalReason>> {
        let head = self.head(flow)?;
        let cf = self.compiled(flow, head.version)?;
        let existing = self.load(tx, flow, contact)?;
        let refusal = self.entry_refusal(&cf, head.status, contact, existing.as_ref(), at);
        if let Some(reason) = refusal {
            tx.stat(flow, None, StatKind::Refused, Some(reason.as_str()), at);
            let mut stub = Enrollment::new(flow.clone(), contact.clone(), head.version, 0, at);
            if let Some(e) = &existing {
                stub.version = e.version;
            }
            tx.log(
                at,
                &stub,
                None,
                Action::Refused,
                Some(reason.as_str().to_owned()),
                None,
            );
            return Ok(Err(reason));
        }
        let key = (flow.clone(), contact.clone());
        let n = tx.entries.entry(key).or_insert(0);
        *n += 1;
        if *n > STEP_LIMIT {
            return Ok(Err(RefusalReason::AlreadyEnrolled));
        }
        let entry = match &existing {
            Some(old) => {
                if old.is_waiting() {
                    let mut old = old.clone();
                    let ocf = self.compiled(flow, old.version)?;
                    self.end(tx, &mut old, &ocf, at, EnrollmentState::Exited, "restarted")?;
                }
                old.entry + 1
            }
            None => 1,
        };
        let mut e = Enrollment::new(flow.clone(), contact.clone(), head.version, entry, at);
        e.event = event;
        tx.stat(flow, None, StatKind::Entered, None, at);
        tx.log(at, &e, None, Action::Entered, Some(cause.to_owned()), None);
        if let Some(w) = &cf.flow.settings.webhooks.on_enter {
            self.webhook(tx, &e, w, "enter", at);
        }
        let start = cf.start;
        self.advance(tx, e, &cf, at, Next::Enter(start))?;
        Ok(Ok(()))
    }

    /// Why a contact may not enter a flow now, if it may not.
    pub(super) fn entry_refusal(
        &self,
        cf: &CompiledFlow,
        status: FlowStatus,
        contact: &ContactId,
        existing: Option<&Enrollment>,
        at: DateTime<Utc>,
    ) -> Option<RefusalReason> {
        if status != FlowStatus::Active {
            return Some(RefusalReason::FlowNotActive);
        }
        let audience = self.store.audience();
        let Some(c) = audience.contact(contact) else {
            return Some(RefusalReason::UnknownContact);
        };
        if let Some(e) = existing {
            let reentry = &cf.flow.settings.reentry;
            if e.is_waiting() {
                if !matches!(reentry, Reentry::Restart {}) {
                    return Some(RefusalReason::AlreadyEnrolled);
                }
            } else {
                match reentry {
                    Reentry::Never {} => return Some(RefusalReason::ReentryNever),
                    Reentry::AfterCooldown { cooldown } => {
                        let zone = self.zone;
                        let free = crate::time::add_duration(e.entered_at, *cooldown, zone)
                            .unwrap_or(e.entered_at);
                        if at < free {
                            return Some(RefusalReason::Cooldown);
                        }
                    }
                    _ => {}
                }
            }
        }
        let entry = &cf.flow.settings.entry;
        if !entry.lists.is_empty() && !entry.lists.iter().any(|l| audience.is_member(l, contact)) {
            return Some(RefusalReason::EntryLists);
        }
        if let Some(cond) = &cf.entry {
            let segs = super::trigger::segment_set(audience, contact);
            let ctx = EvalContext::new(at)
                .with_default_time_zone(self.zone)
                .with_segments(&segs);
            if !cond.matches(c, audience.events(contact), &ctx) {
                return Some(RefusalReason::EntryCondition);
            }
        }
        if let Some(ch) = first_channel(cf) {
            if c.consent_status(ch) == ConsentStatus::OptedOut {
                return Some(RefusalReason::NoConsent);
            }
        }
        None
    }
}

/// The channel of the first message node reachable from the start (for the consent check at
/// entry).
fn first_channel(cf: &CompiledFlow) -> Option<Channel> {
    let mut seen = vec![false; cf.flow.nodes.len()];
    let mut queue = std::collections::VecDeque::from([cf.start]);
    while let Some(i) = queue.pop_front() {
        if std::mem::replace(seen.get_mut(i as usize)?, true) {
            continue;
        }
        match &cf.flow.nodes.get(i as usize)?.kind {
            NodeKind::Send(s) if !s.transactional => return Some(s.channel),
            NodeKind::Question(q) => return Some(q.channel),
            NodeKind::Menu(m) => return Some(m.channel),
            _ => {}
        }
        if let Some(p) = cf.nodes.get(i as usize) {
            queue.extend(p.edges.iter().map(|(_, t)| *t));
        }
    }
    None
}
