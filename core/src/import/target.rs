//! Where an import writes: any contact store that can find contacts by id, e-mail and phone.

use chrono::{DateTime, Utc};

use crate::model::{Contact, ContactId};
use crate::store::{ContactStore, MemoryStore};

/// What an import merges into: find a contact by id, e-mail or phone, and insert or replace one.
///
/// Implement it over your own store; [`MemoryTarget`] is a simple in-memory one.
///
/// ```
/// use sequenza::import::{ImportTarget, MemoryTarget};
/// use sequenza::model::Contact;
/// let mut t = MemoryTarget::default();
/// let mut c = Contact::new("c1");
/// c.email = Some("anna@example.com".into());
/// t.upsert(c, "2026-11-25T18:51:00Z".parse().unwrap());
/// assert_eq!(t.find_by_email("anna@example.com").unwrap().id.as_str(), "c1");
/// ```
pub trait ImportTarget {
    /// The contact with this id.
    fn find_by_id(&self, id: &ContactId) -> Option<Contact>;
    /// The contact with this (lowercased) e-mail address.
    fn find_by_email(&self, email: &str) -> Option<Contact>;
    /// The contact with this E.164 phone number.
    fn find_by_phone(&self, phone: &str) -> Option<Contact>;
    /// Inserts the contact, or replaces the one with the same id. `now` is the import's time.
    /// An error (the store refuses the contact, e.g. a value its field schema does not accept)
    /// rejects the row with `import.field.invalid` and the error's message.
    fn upsert(&mut self, contact: Contact, now: DateTime<Utc>) -> crate::Result<()>;
    /// A fresh id for a new contact whose row has no id column.
    fn new_id(&mut self) -> ContactId;
}

/// An in-memory [`ImportTarget`]: a [`MemoryStore`] that also hands out ids for new contacts.
///
/// ```
/// use sequenza::import::{import_csv, ImportOptions, MemoryTarget};
/// let mut target = MemoryTarget::default();
/// let report = import_csv(b"email\nanna@example.com\n".as_slice(), &ImportOptions::default(),
///     &Default::default(), &mut target, "2026-11-25T18:51:00Z".parse().unwrap(), &mut |_| {}).unwrap();
/// assert_eq!(report.imported, 1);
/// assert_eq!(target.len(), 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct MemoryTarget {
    store: MemoryStore,
    next: u64,
}

impl MemoryTarget {
    /// A target holding these contacts.
    pub fn with_contacts(contacts: impl IntoIterator<Item = Contact>) -> Self {
        let mut t = MemoryTarget::default();
        for c in contacts {
            t.insert(c);
        }
        t
    }

    /// How many contacts it holds.
    pub fn len(&self) -> usize {
        self.store.len()
    }

    /// True when it holds no contact.
    pub fn is_empty(&self) -> bool {
        self.store.is_empty()
    }

    /// The contacts, by id.
    pub fn contacts(&self) -> std::collections::btree_map::Values<'_, ContactId, Contact> {
        self.store.contacts()
    }

    /// The contact with this id.
    pub fn get(&self, id: &str) -> Option<&Contact> {
        self.store.get(&ContactId::new(id))
    }

    /// The store underneath (the same e-mail / phone key index as every [`ContactStore`]).
    pub fn store(&self) -> &MemoryStore {
        &self.store
    }

    fn insert(&mut self, c: Contact) {
        // A memory store's upsert cannot fail; the time is not used.
        let _ = self.store.upsert(c, DateTime::<Utc>::UNIX_EPOCH);
    }
}

impl ImportTarget for MemoryTarget {
    fn find_by_id(&self, id: &ContactId) -> Option<Contact> {
        self.store.get(id).cloned()
    }
    fn find_by_email(&self, email: &str) -> Option<Contact> {
        let id = self.store.find_by_email(email)?;
        self.store.get(id).cloned()
    }
    fn find_by_phone(&self, phone: &str) -> Option<Contact> {
        let id = self.store.find_by_phone(phone)?;
        self.store.get(id).cloned()
    }
    fn upsert(&mut self, contact: Contact, now: DateTime<Utc>) -> crate::Result<()> {
        self.store.upsert(contact, now)
    }
    fn new_id(&mut self) -> ContactId {
        loop {
            self.next += 1;
            let id = ContactId::new(format!("imp-{}", self.next));
            if self.store.get(&id).is_none() {
                return id;
            }
        }
    }
}
