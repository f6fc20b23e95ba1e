//! Where an import writes: any contact store that can find contacts by id, e-mail and phone.

use chrono::{DateTime, Utc};

use std::collections::BTreeMap;

use crate::model::{Contact, ContactId};
use crate::store::{ContactKeys, ContactStore};

/// What an import merges into: a [`ContactStore`] (find a contact by id, e-mail or phone;
/// insert or replace one) that also hands out ids for new contacts. Every
/// [`Store`](crate::store::Store) is one (through its audience), and so is [`MemoryTarget`].
///
/// `upsert` errors (the store refuses the contact, e.g. a value its field schema does not
/// accept) reject the row with `import.field.invalid` and the error's message.
///
/// ```
/// use sequenza::import::{ImportTarget, MemoryTarget};
/// use sequenza::model::Contact;
/// use sequenza::store::ContactStore;
/// let mut t = MemoryTarget::default();
/// let mut c = Contact::new("c1");
/// c.email = Some("anna@example.com".into());
/// t.upsert(c, "2026-11-25T18:51:00Z".parse().unwrap())?;
/// assert_eq!(t.find_by_email("anna@example.com").unwrap().as_str(), "c1");
/// assert_ne!(t.new_id().as_str(), "c1");
/// # Ok::<(), sequenza::Error>(())
/// ```
pub trait ImportTarget: ContactStore {
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

impl ContactStore for MemoryTarget {
    fn get(&self, id: &ContactId) -> Option<&Contact> {
        self.contacts.get(id)
    }
    fn upsert(&mut self, contact: Contact, _now: DateTime<Utc>) -> crate::Result<()> {
        self.insert(contact);
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

impl ImportTarget for MemoryTarget {
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

impl<S: crate::store::Store> ImportTarget for S {
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
