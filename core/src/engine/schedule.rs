//! Triggers that fire with time: automatic sends on a recurrence, and date-field anniversaries.

use chrono::{DateTime, TimeDelta, Utc};

use super::compiled::CompiledFlow;
use super::nodes::field_date;
use super::tx::{Tx, Work};
use super::Engine;
use crate::flow::{FlowStatus, Trigger};
use crate::model::{Contact, FlowId};
use crate::store::Store;
use crate::time::{until_date, LocalTime};

/// A trigger firing: (instant, flow, trigger index).
pub(crate) type Fire = (DateTime<Utc>, FlowId, u32);

impl<S: Store> Engine<S> {
    /// Starts the schedule and anniversary triggers of `flow` at `now`: every one when
    /// `restart` (the flow becomes active: published active over a paused or draft head, or
    /// resumed), else only those never started. A flow that becomes active checks from `now` on;
    /// the checks and anniversaries its pause covered are skipped, not run late one after the
    /// other.
    pub(super) fn start_triggers(
        &mut self,
        tx: &mut Tx,
        flow: &crate::flow::Flow,
        restart: bool,
    ) -> crate::Result<()> {
        for (i, t) in flow.triggers.iter().enumerate() {
            let timed = matches!(t, Trigger::Schedule { .. } | Trigger::Anniversary { .. });
            let i = i as u32;
            if timed && (restart || self.store.cursor(&flow.id, i)?.is_none()) {
                tx.cursors.insert((flow.id.clone(), i), tx.now);
                self.anniversaries.remove(&(flow.id.clone(), i));
            }
        }
        Ok(())
    }

    /// The cursor of a recurring trigger: the instant up to which it was checked.
    fn trigger_cursor(
        &self,
        tx: Option<&Tx>,
        flow: &FlowId,
        trigger: u32,
    ) -> crate::Result<Option<DateTime<Utc>>> {
        if let Some(at) = tx.and_then(|tx| tx.cursors.get(&(flow.clone(), trigger))) {
            return Ok(Some(*at));
        }
        Ok(self.store.cursor(flow, trigger)?)
    }

    /// The next anniversary instant of a contact after `after`.
    fn anniversary_of(
        &self,
        cf: &CompiledFlow,
        c: &Contact,
        field: &str,
        offset_days: i64,
        time: LocalTime,
        after: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let date = field_date(c, field)?;
        let zone = self.contact_zone(c, cf);
        let t = until_date(after, date, offset_days, time, true, zone).ok()?;
        if t > after {
            return Some(t);
        }
        until_date(
            after + TimeDelta::minutes(1),
            date,
            offset_days,
            time,
            true,
            zone,
        )
        .ok()
        .filter(|t| *t > after)
    }

    /// Scans the contacts once for each anniversary trigger whose next firing is not known.
    pub(super) fn refresh_anniversaries(&mut self, tx: &Tx) -> crate::Result<()> {
        for h in self.heads()? {
            if h.status != FlowStatus::Active {
                continue;
            }
            let cf = self.compiled(&h.flow, h.version)?;
            for (i, t) in cf.flow.triggers.iter().enumerate() {
                let i = i as u32;
                let Trigger::Anniversary {
                    field,
                    offset_days,
                    time,
                } = t
                else {
                    continue;
                };
                if self.anniversaries.contains_key(&(h.flow.clone(), i)) {
                    continue;
                }
                let Some(cursor) = self.trigger_cursor(Some(tx), &h.flow, i)? else {
                    continue;
                };
                let Ok(time) = LocalTime::parse(time) else {
                    continue;
                };
                let next = self
                    .store
                    .audience()
                    .index()
                    .contacts()
                    .filter_map(|c| self.anniversary_of(&cf, c, field, *offset_days, time, cursor))
                    .min();
                self.anniversaries.insert((h.flow.clone(), i), next);
            }
        }
        Ok(())
    }

    /// A contact changed: the known next anniversary firings may come earlier.
    pub(super) fn note_anniversaries(&mut self, tx: &Tx, id: &crate::model::ContactId) {
        let keys: Vec<(FlowId, u32)> = self.anniversaries.keys().cloned().collect();
        for (flow, i) in keys {
            let cf = match self.head(&flow) {
                Ok(h) => self.compiled.get(&(flow.clone(), h.version)).cloned(),
                Err(_) => None,
            };
            let (Some(cf), Ok(Some(cursor))) = (cf, self.trigger_cursor(Some(tx), &flow, i)) else {
                self.anniversaries.remove(&(flow, i));
                continue;
            };
            let Some(Trigger::Anniversary {
                field,
                offset_days,
                time,
            }) = cf.flow.triggers.get(i as usize)
            else {
                continue;
            };
            let (Ok(time), Some(c)) = (LocalTime::parse(time), self.store.audience().contact(id))
            else {
                continue;
            };
            if let Some(t) = self.anniversary_of(&cf, c, field, *offset_days, time, cursor) {
                let e = self.anniversaries.entry((flow, i)).or_insert(Some(t));
                *e = Some(e.map_or(t, |x| x.min(t)));
            }
        }
    }

    /// The earliest firing of a schedule or anniversary trigger of an active flow.
    pub(super) fn trigger_fire(&self, tx: Option<&Tx>) -> crate::Result<Option<Fire>> {
        let mut best: Option<Fire> = None;
        for h in self.heads()? {
            if h.status != FlowStatus::Active {
                continue;
            }
            let owned;
            let cf = match self.compiled.get(&(h.flow.clone(), h.version)) {
                Some(cf) => cf.as_ref(),
                None => {
                    let Some(f) = self.store.flow(&h.flow, h.version)? else {
                        continue;
                    };
                    if !f.triggers.iter().any(|t| {
                        matches!(t, Trigger::Schedule { .. } | Trigger::Anniversary { .. })
                    }) {
                        continue;
                    }
                    owned = CompiledFlow::new(f, self.fields.as_ref(), self.zone)?;
                    &owned
                }
            };
            for (i, t) in cf.flow.triggers.iter().enumerate() {
                let i = i as u32;
                let next = match t {
                    Trigger::Schedule { .. } => {
                        let Some(cursor) = self.trigger_cursor(tx, &h.flow, i)? else {
                            continue;
                        };
                        cf.triggers
                            .get(i as usize)
                            .and_then(|p| p.recurring.as_ref())
                            .and_then(|r| r.next_after(cursor).ok())
                    }
                    Trigger::Anniversary {
                        field,
                        offset_days,
                        time,
                    } => {
                        if let Some(known) = self.anniversaries.get(&(h.flow.clone(), i)) {
                            *known
                        } else {
                            let Some(cursor) = self.trigger_cursor(tx, &h.flow, i)? else {
                                continue;
                            };
                            let Ok(time) = LocalTime::parse(time) else {
                                continue;
                            };
                            self.store
                                .audience()
                                .index()
                                .contacts()
                                .filter_map(|c| {
                                    self.anniversary_of(cf, c, field, *offset_days, time, cursor)
                                })
                                .min()
                        }
                    }
                    _ => None,
                };
                if let Some(at) = next {
                    let cand = (at, h.flow.clone(), i);
                    if best.as_ref().is_none_or(|b| cand < *b) {
                        best = Some(cand);
                    }
                }
            }
        }
        Ok(best)
    }

    /// Runs a firing: every contact the automatic send selects, or whose anniversary it is,
    /// enters at `at`.
    pub(super) fn fire_trigger(
        &mut self,
        tx: &mut Tx,
        flow: &FlowId,
        trigger: u32,
        at: DateTime<Utc>,
    ) -> crate::Result<()> {
        let head = self.head(flow)?;
        let cf = self.compiled(flow, head.version)?;
        let cursor = self.trigger_cursor(Some(tx), flow, trigger)?;
        tx.cursors.insert((flow.clone(), trigger), at);
        self.anniversaries.remove(&(flow.clone(), trigger));
        let Some(t) = cf.flow.triggers.get(trigger as usize) else {
            return Ok(());
        };
        let (ids, cause) = match t {
            Trigger::Schedule { .. } => {
                let cond = cf
                    .triggers
                    .get(trigger as usize)
                    .and_then(|p| p.condition.as_ref());
                (
                    self.candidates(&cf, cond, at),
                    format!("automatic send at {}", at.to_rfc3339()),
                )
            }
            Trigger::Anniversary {
                field,
                offset_days,
                time,
            } => {
                let (Some(cursor), Ok(time)) = (cursor, LocalTime::parse(time)) else {
                    return Ok(());
                };
                let ids = self
                    .store
                    .audience()
                    .index()
                    .contacts()
                    .filter(|c| {
                        self.anniversary_of(&cf, c, field, *offset_days, time, cursor)
                            .is_some_and(|t| t <= at)
                    })
                    .map(|c| c.id.clone())
                    .collect();
                (ids, format!("anniversary of `{field}`"))
            }
            _ => return Ok(()),
        };
        for contact in ids {
            tx.queue.push_back(Work::Enter {
                flow: flow.clone(),
                contact,
                at,
                event: None,
                cause: cause.clone(),
            });
        }
        Ok(())
    }
}
