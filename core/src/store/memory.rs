//! An in-memory contact store.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{ContactKeys, ContactStore};
use crate::model::{Contact, ContactId};

/// Contacts in memory, with the e-mail / phone key index.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use sequenza::store::{ContactStore, MemoryStore};
/// use sequenza::Contact;
/// let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
/// let mut store = MemoryStore::new();
/// store.upsert(Contact::new("anna"), now)?;
/// assert_eq!(store.len(), 1);
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    contacts: BTreeMap<ContactId, Contact>,
    keys: ContactKeys,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryStore::default()
    }

    /// How many contacts it holds.
    pub fn len(&self) -> usize {
        self.contacts.len()
    }

    /// True when it holds no contact.
    pub fn is_empty(&self) -> bool {
        self.contacts.is_empty()
    }

    /// Every contact, by id.
    pub fn contacts(&self) -> std::collections::btree_map::Values<'_, ContactId, Contact> {
        self.contacts.values()
    }
}

impl ContactStore for MemoryStore {
    fn get(&self, id: &ContactId) -> Option<&Contact> {
        self.contacts.get(id)
    }

    fn upsert(&mut self, contact: Contact, _now: DateTime<Utc>) -> crate::Result<()> {
        self.keys.update(self.contacts.get(&contact.id), &contact);
        self.contacts.insert(contact.id.clone(), contact);
        Ok(())
    }

    fn find_by_email(&self, email: &str) -> Option<&ContactId> {
        self.keys.by_email(email)
    }

    fn find_by_phone(&self, phone: &str) -> Option<&ContactId> {
        self.keys.by_phone(phone)
    }

    fn remove(&mut self, id: &ContactId, _now: DateTime<Utc>) -> crate::Result<Option<Contact>> {
        let old = self.contacts.remove(id);
        if let Some(c) = &old {
            self.keys.remove(c);
        }
        Ok(old)
    }
}
