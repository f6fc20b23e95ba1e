//! The e-mail and phone key index shared by every contact store.

use crate::hash::FastMap as HashMap;

use crate::model::{Contact, ContactId};
use crate::phone::PhoneNormalizer;

/// The key an e-mail address is matched by: trimmed and lower-cased.
///
/// ```
/// use sequenza::store::normalize_email;
/// assert_eq!(normalize_email("  Anna.Rossi@Example.COM "), "anna.rossi@example.com");
/// ```
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Contact ids by normalised e-mail and by normalised phone. The last contact indexed under a
/// key owns it; removing a contact frees only the keys it still owns.
///
/// ```
/// use sequenza::store::ContactKeys;
/// use sequenza::Contact;
/// let mut keys = ContactKeys::default();
/// let anna = Contact::from_json(r#"{"id": "anna", "email": "ANNA@example.com"}"#)?;
/// keys.insert(&anna);
/// assert_eq!(keys.by_email("anna@example.com"), Some(&"anna".into()));
/// keys.remove(&anna);
/// assert_eq!(keys.by_email("anna@example.com"), None);
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ContactKeys {
    email: HashMap<String, ContactId>,
    phone: HashMap<String, ContactId>,
}

impl ContactKeys {
    /// Indexes a contact's e-mail and phone.
    pub fn insert(&mut self, contact: &Contact) {
        if let Some(e) = contact.email.as_deref().map(normalize_email) {
            if !e.is_empty() {
                self.email.insert(e, contact.id.clone());
            }
        }
        if let Some(p) = contact.phone.as_deref().map(PhoneNormalizer::key) {
            if !p.is_empty() {
                self.phone.insert(p, contact.id.clone());
            }
        }
    }

    /// Forgets a contact's e-mail and phone (the keys it owns).
    pub fn remove(&mut self, contact: &Contact) {
        if let Some(e) = contact.email.as_deref().map(normalize_email) {
            if self.email.get(&e) == Some(&contact.id) {
                self.email.remove(&e);
            }
        }
        if let Some(p) = contact.phone.as_deref().map(PhoneNormalizer::key) {
            if self.phone.get(&p) == Some(&contact.id) {
                self.phone.remove(&p);
            }
        }
    }

    /// Re-indexes a contact that changed from `old` to `new`.
    pub fn update(&mut self, old: Option<&Contact>, new: &Contact) {
        if let Some(old) = old {
            self.remove(old);
        }
        self.insert(new);
    }

    /// The contact with this e-mail.
    pub fn by_email(&self, email: &str) -> Option<&ContactId> {
        self.email.get(&normalize_email(email))
    }

    /// The contact with this phone.
    pub fn by_phone(&self, phone: &str) -> Option<&ContactId> {
        self.phone.get(&PhoneNormalizer::key(phone))
    }
}
