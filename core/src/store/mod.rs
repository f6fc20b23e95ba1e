//! Where everything lives: the [`Store`] trait the flow engine keeps its state in (the audience,
//! flows and their versions, enrollments, timers by due time, the outbox, statistics, history),
//! the narrower [`ContactStore`] seam the CSV importer and the list engine merge into, an
//! in-memory [`MemoryStore`] implementing both, the one e-mail / phone key index
//! ([`ContactKeys`]) that every store shares, and a [`conformance`] suite any store must pass.
//!
//! Time is passed in: the mutating methods take `now` (a store that keeps an audience up to
//! date, such as [`Audience`](crate::list::Audience), re-evaluates its lists at that instant).
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use sequenza::store::{ContactStore, MemoryStore};
//! use sequenza::Contact;
//!
//! let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
//! let mut store = MemoryStore::new();
//! store.upsert(Contact::from_json(r#"{"id": "anna", "email": "Anna@Example.com", "phone": "+39 333 123 4567"}"#)?, now)?;
//! assert_eq!(store.find_by_email("anna@example.COM"), Some(&"anna".into()));
//! assert_eq!(store.find_by_phone("+393331234567"), Some(&"anna".into()));
//! assert!(store.remove(&"anna".into(), now)?.is_some());
//! assert!(store.get(&"anna".into()).is_none());
//! # Ok::<(), sequenza::Error>(())
//! ```

pub mod conformance;
mod keys;
mod memory;
mod state;

use chrono::{DateTime, Utc};

pub use keys::{normalize_email, ContactKeys};
pub use memory::MemoryStore;
pub use state::{Batch, Enrollment, FlowHead, StatDelta, StatKind, Store, WaitKind, NO_NODE};

pub use crate::engine::error::{StoreCode, StoreError};

use crate::model::{Contact, ContactId};

/// A place contacts are kept, looked up by id, e-mail or phone: the one contact-store seam.
///
/// Implemented by [`Audience`](crate::list::Audience) (which also keeps its lists current on
/// every change), by every engine [`Store`] (through its audience) and by
/// [`MemoryTarget`](crate::import::MemoryTarget); an import writes into any
/// [`ImportTarget`](crate::import::ImportTarget), a contact store that also hands out ids.
pub trait ContactStore {
    /// The contact with this id.
    fn get(&self, id: &ContactId) -> Option<&Contact>;
    /// Inserts a new contact or replaces the one with the same id, at `now`.
    fn upsert(&mut self, contact: Contact, now: DateTime<Utc>) -> crate::Result<()>;
    /// The id of the contact with this e-mail (compared case-insensitively, trimmed).
    fn find_by_email(&self, email: &str) -> Option<&ContactId>;
    /// The id of the contact with this phone (compared without spaces, dashes, dots, brackets).
    fn find_by_phone(&self, phone: &str) -> Option<&ContactId>;
    /// Removes a contact at `now`; returns it when it existed.
    fn remove(&mut self, id: &ContactId, now: DateTime<Utc>) -> crate::Result<Option<Contact>>;
}

/// Every engine store keeps its contacts in its audience.
impl<S: Store> ContactStore for S {
    fn get(&self, id: &ContactId) -> Option<&Contact> {
        self.audience().contact(id)
    }

    fn upsert(&mut self, contact: Contact, now: DateTime<Utc>) -> crate::Result<()> {
        ContactStore::upsert(self.audience_mut(), contact, now)
    }

    fn find_by_email(&self, email: &str) -> Option<&ContactId> {
        ContactStore::find_by_email(self.audience(), email)
    }

    fn find_by_phone(&self, phone: &str) -> Option<&ContactId> {
        ContactStore::find_by_phone(self.audience(), phone)
    }

    fn remove(&mut self, id: &ContactId, now: DateTime<Utc>) -> crate::Result<Option<Contact>> {
        ContactStore::remove(self.audience_mut(), id, now)
    }
}
