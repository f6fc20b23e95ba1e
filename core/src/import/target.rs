//! Where an import writes: any contact store that can find contacts by id, e-mail and phone.

use chrono::{DateTime, Utc};

use std::collections::BTreeMap;

use crate::model::{Contact, ContactId};
use crate::store::ContactKeys;

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
    fn upsert(&mut self, contact: Contact, now: DateTime<Utc>);
    /// A fresh id for a new contact whose row has no id column.
    fn new_id(&mut self) -> ContactId;
}

/// An in-memory [`ImportTarget`]: contacts by id with the e-mail / phone key index every store
/// shares ([`ContactKeys`]), handing out ids for new contacts.
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
    contacts: BTreeMap<ContactId, Contact>,
    keys: ContactKeys,
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
        self.contacts.len()
    }

    /// True when it holds no contact.
    pub fn is_empty(&self) -> bool {
        self.contacts.is_empty()
    }

    /// The contacts, by id.
    pub fn contacts(&self) -> std::collections::btree_map::Values<'_, ContactId, Contact> {
        self.contacts.values()
    }

    /// The contact with this id.
    pub fn get(&self, id: &str) -> Option<&Contact> {
        self.contacts.get(&ContactId::new(id))
    }

    fn insert(&mut self, c: Contact) {
        self.keys.update(self.contacts.get(&c.id), &c);
        self.contacts.insert(c.id.clone(), c);
    }
}

impl ImportTarget for MemoryTarget {
    fn find_by_id(&self, id: &ContactId) -> Option<Contact> {
        self.contacts.get(id).cloned()
    }
    fn find_by_email(&self, email: &str) -> Option<Contact> {
        let id = self.keys.by_email(email)?;
        self.contacts.get(id).cloned()
    }
    fn find_by_phone(&self, phone: &str) -> Option<Contact> {
        let id = self.keys.by_phone(phone)?;
        self.contacts.get(id).cloned()
    }
    fn upsert(&mut self, contact: Contact, _now: DateTime<Utc>) {
        self.insert(contact);
    }
    fn new_id(&mut self) -> ContactId {
        loop {
            self.next += 1;
            let id = ContactId::new(format!("imp-{}", self.next));
            if !self.contacts.contains_key(&id) {
                return id;
            }
        }
    }
}

/// Every [`Store`](crate::store::Store) is an import target: the contacts go into its audience
/// (the list changes they cause wait in [`Audience::take_changes`](crate::list::Audience::take_changes);
/// [`Engine::import_csv`](crate::engine::Engine::import_csv) imports into an engine's audience
/// and fires the flows they start).
///
/// ```
/// use sequenza::import::{import_csv, ImportOptions};
/// use sequenza::store::MemoryStore;
/// let mut store = MemoryStore::new();
/// let report = import_csv(b"email\nanna@example.com\n".as_slice(), &ImportOptions::default(),
///     &Default::default(), &mut store, "2026-11-25T18:51:00Z".parse().unwrap(), &mut |_| {}).unwrap();
/// assert_eq!((report.imported, store.len()), (1, 1));
/// ```
impl<S: crate::store::Store> ImportTarget for S {
    fn find_by_id(&self, id: &ContactId) -> Option<Contact> {
        self.audience().contact(id).cloned()
    }
    fn find_by_email(&self, email: &str) -> Option<Contact> {
        let id = crate::store::ContactStore::find_by_email(self.audience(), email)?;
        self.audience().contact(id).cloned()
    }
    fn find_by_phone(&self, phone: &str) -> Option<Contact> {
        let id = crate::store::ContactStore::find_by_phone(self.audience(), phone)?;
        self.audience().contact(id).cloned()
    }
    fn upsert(&mut self, contact: Contact, now: DateTime<Utc>) {
        // An audience's upsert cannot fail.
        let _ = crate::store::ContactStore::upsert(self.audience_mut(), contact, now);
    }
    fn new_id(&mut self) -> ContactId {
        let mut n = self.audience().contact_count() as u64;
        loop {
            n += 1;
            let id = ContactId::new(format!("imp-{n}"));
            if self.audience().contact(&id).is_none() {
                return id;
            }
        }
    }
}
