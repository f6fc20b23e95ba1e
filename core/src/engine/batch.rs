//! Batch inputs (issue 12 §3): many contact upserts or many events as ONE input — one clock
//! check, one atomic unit, one store batch — with the same effect as one call each at the same
//! `now`, in the order given.
//!
//! A bad item refuses the whole batch before anything is written: every contact is checked
//! against the field schema first, and the error of the first bad one keeps its code with the
//! item's index in front of its path (`/3/fields/points`) and says that nothing was written.
//! Events have no per-item check in the core (an event of an unknown contact creates it, as
//! [`record_event`](Engine::record_event) does); a malformed one is refused by the reader that
//! built it (the bindings read the whole array with one reader, so its error path is `/i/…`).

use chrono::{DateTime, Utc};

use super::Engine;
use crate::model::{Contact, Event};
use crate::store::Store;

/// Puts `/index` in front of the path of an item's error and says the batch was not applied.
fn item_error(e: crate::Error, index: usize) -> crate::Error {
    let note = format!(" (item {index} of the batch; no item was written)");
    match e {
        crate::Error::List(mut l) => {
            l.path.insert_str(0, &format!("/{index}"));
            l.message.push_str(&note);
            crate::Error::List(l)
        }
        crate::Error::Engine(mut x) => {
            x.path.insert_str(0, &format!("/{index}"));
            x.message.push_str(&note);
            crate::Error::Engine(x)
        }
        other => other,
    }
}

// --- perf: batch inputs (issue 12 §3) -------------------------------------------------------
impl<S: Store> Engine<S> {
    /// Inserts or replaces many contacts as one input: the same as one
    /// [`upsert_contact`](Self::upsert_contact) each, in order, at `now`, committed as one store
    /// batch. Returns how many contacts were written.
    ///
    /// All or nothing: every contact is checked against the audience's field schema
    /// ([`Audience::with_fields`](crate::list::Audience::with_fields)) before any is written;
    /// the first that does not fit refuses the batch with its own code (`list.field.invalid`,
    /// `list.field.required`) at `/<index>/fields/<key>`. Errors: those, and
    /// `engine.clock.backwards`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::engine::{Engine, EngineConfig};
    /// use sequenza::list::Audience;
    /// use sequenza::store::MemoryStore;
    /// use sequenza::{Contact, FieldSchema};
    /// let t0 = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
    /// let fields = FieldSchema::from_json(r#"{"fields": [{"key": "points", "type": "number"}]}"#)?;
    /// // An audience with a field schema checks every contact written.
    /// let store = MemoryStore::with_audience(Audience::new().with_fields(fields));
    /// let mut eng = Engine::with_store(EngineConfig::default(), store)?;
    /// let ok = |id: &str| Contact::from_json(&format!(r#"{{"id": "{id}", "fields": {{"points": 3}}}}"#));
    /// assert_eq!(eng.upsert_contacts([ok("anna")?, ok("bea")?], t0)?, 2);
    /// let bad = Contact::from_json(r#"{"id": "carla", "fields": {"points": "tanti"}}"#)?;
    /// let err = eng.upsert_contacts([ok("dora")?, bad], t0).unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("list.field.invalid", Some("/1/fields/points")));
    /// assert!(eng.contact(&"dora".into()).is_none()); // nothing of that batch was written
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn upsert_contacts(
        &mut self,
        contacts: impl IntoIterator<Item = Contact>,
        now: DateTime<Utc>,
    ) -> crate::Result<usize> {
        let mut all: Vec<Contact> = contacts.into_iter().collect();
        let audience = self.store.audience();
        for (i, c) in all.iter_mut().enumerate() {
            audience.check_contact(c).map_err(|e| item_error(e, i))?;
        }
        let n = all.len();
        self.input(now, |eng, tx| {
            for c in all {
                eng.do_upsert(tx, c)?;
            }
            Ok(n)
        })
    }

    /// Records many events as one input: the same as one [`record_event`](Self::record_event)
    /// each, in order, at `now`, committed as one store batch. Returns how many were recorded.
    ///
    /// Errors: `engine.clock.backwards` (then nothing is recorded).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::engine::{Engine, EngineConfig};
    /// use sequenza::Event;
    /// let t0 = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
    /// let mut eng = Engine::new(EngineConfig::default())?;
    /// let ev = |c: &str| Event::from_json(&format!(
    ///     r#"{{"contact": "{c}", "name": "order.placed", "at": "2026-12-07T08:00:00Z"}}"#));
    /// assert_eq!(eng.record_events([ev("anna")?, ev("bea")?, ev("anna")?], t0)?, 3);
    /// assert_eq!(eng.audience().events(&"anna".into()).len(), 2);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn record_events(
        &mut self,
        events: impl IntoIterator<Item = Event>,
        now: DateTime<Utc>,
    ) -> crate::Result<usize> {
        self.input(now, |eng, tx| {
            let mut n = 0;
            for e in events {
                eng.do_event(tx, e)?;
                n += 1;
            }
            Ok(n)
        })
    }
}
// --- end perf: batch inputs -----------------------------------------------------------------
