//! The audience: contacts, their events, the segment index and the lists in one handle.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{Activity, List, ListChange, MemberPage};
use crate::error::{ListCode, ListError};
use crate::model::{Contact, ContactId, Event, FieldSchema, ListId, SegmentId};
use crate::segment::{ContactChange, MembershipChange, MembershipDelta, Segment, SegmentIndex};
use crate::store::{ContactKeys, ContactStore};

/// A list and its members.
struct ListState {
    list: List,
    members: BTreeSet<ContactId>,
}

/// Contacts, events, the incremental segment index and the lists, kept consistent: every
/// contact's `lists` says which lists it is in, and auto-updating lists follow every change.
///
/// Auto-updating lists are segments of the index named `list:<list id>`. Nothing here reads the
/// clock: `now` is passed in.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use sequenza::list::{Audience, List, Source};
/// use sequenza::Contact;
/// let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
/// let mut audience = Audience::new().with_default_time_zone(chrono_tz::Europe::Rome);
/// audience.upsert_contact(Contact::from_json(r#"{"id": "anna", "tags": ["vip"]}"#)?, now)?;
/// let count = audience.create_list(List::new("vip", "VIP", Source::Tag { tag: "vip".into() }), now)?;
/// assert_eq!(count, 1);
/// let page = audience.members(&"vip".into(), 0, 50)?;
/// assert_eq!(page.contacts[0].id.as_str(), "anna");
/// # Ok::<(), sequenza::Error>(())
/// ```
pub struct Audience {
    index: SegmentIndex,
    keys: ContactKeys,
    lists: BTreeMap<ListId, ListState>,
    /// Auto-updating lists by the id of their segment.
    by_segment: HashMap<SegmentId, ListId>,
    /// Changes caused through the [`ContactStore`] methods, not yet taken.
    pending: Vec<ListChange>,
    /// The declared profile fields every contact written must fit.
    fields: FieldSchema,
    /// Membership changes of registered segments (not lists), not yet taken.
    segment_changes: Vec<MembershipDelta>,
}

impl fmt::Debug for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Audience")
            .field("contacts", &self.index.contact_count())
            .field("lists", &self.lists.len())
            .finish_non_exhaustive()
    }
}

impl Default for Audience {
    fn default() -> Self {
        Audience::new()
    }
}

fn segment_id(list: &ListId) -> SegmentId {
    SegmentId::new(format!("list:{list}"))
}

fn unknown(id: &ListId) -> crate::Error {
    ListError::error(ListCode::Unknown, "/id", format!("there is no list `{id}`"))
}

impl Audience {
    /// An empty audience; contacts without a time zone are in UTC.
    pub fn new() -> Self {
        Audience {
            index: SegmentIndex::new(),
            keys: ContactKeys::default(),
            lists: BTreeMap::new(),
            by_segment: HashMap::new(),
            pending: Vec::new(),
            fields: FieldSchema::default(),
            segment_changes: Vec::new(),
        }
    }

    /// The same audience with a field schema: [`upsert_contact`](Self::upsert_contact) fills
    /// absent fields with their defaults and refuses a contact whose value does not fit its
    /// declared type (`list.field.invalid`) or that leaves a required field empty
    /// (`list.field.required`); the error's path is `/fields/<key>`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::list::Audience;
    /// use sequenza::{Contact, FieldSchema};
    /// let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// let fields = FieldSchema::from_json(r#"{"fields": [
    ///   {"key": "points", "type": "number", "default": 0}]}"#)?;
    /// let mut audience = Audience::new().with_fields(fields);
    /// audience.upsert_contact(Contact::from_json(r#"{"id": "anna"}"#)?, now)?;
    /// assert_eq!(audience.contact(&"anna".into()).unwrap().fields["points"], 0.0.into());
    /// let err = audience
    ///     .upsert_contact(Contact::from_json(r#"{"id": "bea", "fields": {"points": "tanti"}}"#)?, now)
    ///     .unwrap_err();
    /// assert_eq!((err.code(), err.path()), ("list.field.invalid", Some("/fields/points")));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn with_fields(mut self, fields: FieldSchema) -> Self {
        self.fields = fields;
        self
    }

    /// The declared profile fields (empty unless given with [`with_fields`](Self::with_fields)).
    pub fn fields(&self) -> &FieldSchema {
        &self.fields
    }

    /// The same audience with another time zone for contacts without one (dates of filters and
    /// ages are read in the contact's zone).
    pub fn with_default_time_zone(mut self, tz: Tz) -> Self {
        self.index = self.index.with_default_time_zone(tz);
        self
    }

    /// The segment index (read only): its segments `list:<id>` are the auto-updating lists.
    pub fn index(&self) -> &SegmentIndex {
        &self.index
    }

    /// A contact.
    pub fn contact(&self, id: &ContactId) -> Option<&Contact> {
        self.index.contact(id)
    }

    /// The contacts of a list, or every contact when `list` is `None`, in id order (what an
    /// export writes). Errors: `list.unknown`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::list::Audience;
    /// use sequenza::Contact;
    /// let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// let mut audience = Audience::new();
    /// audience.upsert_contact(Contact::new("anna"), now)?;
    /// assert_eq!(audience.contacts_in(None)?.len(), 1);
    /// assert_eq!(audience.contacts_in(Some(&"nope".into())).unwrap_err().code(), "list.unknown");
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn contacts_in(&self, list: Option<&ListId>) -> crate::Result<Vec<&Contact>> {
        match list {
            None => Ok(self.index.contacts().collect()),
            Some(id) => {
                let state = self.lists.get(id).ok_or_else(|| unknown(id))?;
                Ok(state
                    .members
                    .iter()
                    .filter_map(|c| self.index.contact(c))
                    .collect())
            }
        }
    }

    /// How many contacts there are.
    pub fn contact_count(&self) -> usize {
        self.index.contact_count()
    }

    /// The events of a contact, in arrival order.
    pub fn events(&self, id: &ContactId) -> &[Event] {
        self.index.events(id)
    }

    /// The earliest instant at which [`tick`](Self::tick) can change a list.
    pub fn next_wakeup(&self) -> Option<DateTime<Utc>> {
        self.index.next_wakeup()
    }

    /// A list.
    pub fn list(&self, id: &ListId) -> Option<&List> {
        self.lists.get(id).map(|s| &s.list)
    }

    /// Every list, in id order.
    pub fn lists(&self) -> impl Iterator<Item = &List> + '_ {
        self.lists.values().map(|s| &s.list)
    }

    /// How many members a list has (`None` for an unknown list).
    pub fn member_count(&self, id: &ListId) -> Option<usize> {
        self.lists.get(id).map(|s| s.members.len())
    }

    /// True when the contact is in the list.
    pub fn is_member(&self, list: &ListId, contact: &ContactId) -> bool {
        self.lists
            .get(list)
            .is_some_and(|s| s.members.contains(contact))
    }

    /// The ids of a list's members, in id order (none for an unknown list).
    pub fn member_ids(&self, list: &ListId) -> impl Iterator<Item = &ContactId> + '_ {
        self.lists
            .get(list)
            .into_iter()
            .flat_map(|s| s.members.iter())
    }

    /// Inserts or replaces a contact; its `lists` are kept as the audience knows them (the
    /// value given is ignored: use [`add_to_list`](Self::add_to_list) and
    /// [`remove_from_list`](Self::remove_from_list)). Returns the list changes it caused.
    ///
    /// With a field schema ([`with_fields`](Self::with_fields)) absent fields get their defaults
    /// first, and a contact that does not fit is refused whole: `list.field.invalid` or
    /// `list.field.required` at `/fields/<key>`.
    pub fn upsert_contact(
        &mut self,
        mut contact: Contact,
        now: DateTime<Utc>,
    ) -> crate::Result<Vec<ListChange>> {
        self.check_contact(&mut contact)?;
        Ok(self.write_contact(contact, now))
    }

    /// Fills a contact's absent fields with the schema's defaults and checks it fits the field
    /// schema (`list.field.invalid` / `list.field.required` at `/fields/<key>`), writing nothing.
    pub(crate) fn check_contact(&self, contact: &mut Contact) -> crate::Result<()> {
        self.fields.apply(&mut contact.fields).map_err(|p| {
            let code = if p.required {
                ListCode::FieldRequired
            } else {
                ListCode::FieldInvalid
            };
            ListError::error(
                code,
                format!("/fields/{}", crate::error::escape_pointer(&p.field)),
                p.message,
            )
        })
    }

    /// Writes a contact already checked against the field schema.
    pub(crate) fn write_contact(
        &mut self,
        mut contact: Contact,
        now: DateTime<Utc>,
    ) -> Vec<ListChange> {
        let old = self.index.contact(&contact.id);
        contact.lists = old.map(|c| c.lists.clone()).unwrap_or_default();
        self.keys.update(old, &contact);
        let deltas = self.index.apply(ContactChange::Upsert { contact }, now);
        self.absorb(deltas, now)
    }

    /// Records an event (a contact not seen before is created with only its id).
    pub fn record_event(&mut self, event: Event, now: DateTime<Utc>) -> Vec<ListChange> {
        let deltas = self.index.apply(ContactChange::Event { event }, now);
        self.absorb(deltas, now)
    }

    /// Records an activity of a contact at `at`, evaluated at `now`: first the contact state it
    /// implies (fidelity fields, tag, consent), then its event. A contact not seen before is
    /// created with only its id.
    pub fn record(
        &mut self,
        contact: &ContactId,
        activity: Activity,
        at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Vec<ListChange> {
        let mut c = self
            .index
            .contact(contact)
            .cloned()
            .unwrap_or_else(|| Contact::new(contact.clone()));
        let known = self.index.contact(contact).is_some();
        let mut changes = Vec::new();
        if activity.apply_to(&mut c, at) || !known {
            // Activity changes no profile field: no schema check.
            changes.extend(self.write_contact(c, now));
        }
        changes.extend(self.record_event(activity.to_event(contact, at), now));
        changes
    }

    /// Re-evaluates the time-relative lists due at `now`.
    pub fn tick(&mut self, now: DateTime<Utc>) -> Vec<ListChange> {
        let deltas = self.index.tick(now);
        self.absorb(deltas, now)
    }

    /// Forgets a contact and its events; it leaves every list it was in.
    pub fn remove_contact(&mut self, id: &ContactId, now: DateTime<Utc>) -> Vec<ListChange> {
        let Some(old) = self.index.contact(id) else {
            return Vec::new();
        };
        self.keys.remove(old);
        let mut changes = Vec::new();
        for l in old.lists.clone() {
            if let Some(s) = self.lists.get_mut(&l) {
                if s.members.remove(id) {
                    changes.push(ListChange {
                        list: l,
                        contact: id.clone(),
                        change: MembershipChange::Left,
                        at: now,
                    });
                }
            }
        }
        self.index.remove_contact(id, now);
        changes
    }

    /// Creates a list and fills it from its source; returns how many contacts went in. An
    /// auto-updating list then follows every change.
    ///
    /// Errors: `list.duplicate` (`/id`), `list.name.empty` (`/name`), `list.filter.invalid`
    /// (`/source/…`), `list.static_only` (`/auto_update`: an `empty` or `csv_import` list cannot
    /// update itself).
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::list::{Audience, List};
    /// let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// let mut audience = Audience::new();
    /// let err = audience.create_list(List::from_json(r#"{"id": "l", "name": "L",
    ///   "source": {"type": "empty"}, "auto_update": true}"#)?, now).unwrap_err();
    /// assert_eq!(err.code(), "list.static_only");
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn create_list(&mut self, list: List, now: DateTime<Utc>) -> crate::Result<usize> {
        if self.lists.contains_key(&list.id) {
            return Err(ListError::error(
                ListCode::Duplicate,
                "/id",
                format!("there is already a list `{}`", list.id),
            ));
        }
        if list.name.trim().is_empty() {
            return Err(ListError::error(
                ListCode::NameEmpty,
                "/name",
                "the list name is empty",
            ));
        }
        list.source.validate().map_err(|e| match e {
            crate::Error::List(mut l) => {
                l.path = format!("/source{}", l.path);
                crate::Error::List(l)
            }
            other => other,
        })?;
        if list.auto_update && !list.source.is_dynamic() {
            return Err(ListError::error(
                ListCode::StaticOnly,
                "/auto_update",
                format!(
                    "a list from the `{}` source cannot update itself",
                    list.source.kind()
                ),
            ));
        }
        let id = list.id.clone();
        let mut entered = Vec::new();
        if list.source.is_dynamic() {
            let seg = segment_id(&id);
            let segment = Segment::new(seg.clone(), list.name.clone(), list.source.to_condition());
            let deltas = self.index.register(segment, now)?;
            entered.extend(
                deltas
                    .into_iter()
                    .filter(|d| d.segment == seg && d.change == MembershipChange::Entered)
                    .map(|d| d.contact),
            );
            if list.auto_update {
                self.by_segment.insert(seg, id.clone());
            } else {
                self.index.remove(&seg, now)?;
            }
        }
        let count = entered.len();
        self.lists.insert(
            id.clone(),
            ListState {
                list,
                members: BTreeSet::new(),
            },
        );
        for c in entered {
            // Creation fills the list without list-entry changes (nobody "entered" a new list).
            let _ = self.join(&id, &c, now);
        }
        Ok(count)
    }

    /// Renames a list. Errors: `list.unknown`, `list.name.empty`.
    pub fn rename_list(&mut self, id: &ListId, name: impl Into<String>) -> crate::Result<()> {
        let name = name.into();
        if name.trim().is_empty() {
            return Err(ListError::error(
                ListCode::NameEmpty,
                "/name",
                "the list name is empty",
            ));
        }
        let state = self.lists.get_mut(id).ok_or_else(|| unknown(id))?;
        state.list.name = name;
        Ok(())
    }

    /// Deletes a list; its contacts no longer name it. Errors: `list.unknown`.
    pub fn delete_list(&mut self, id: &ListId, now: DateTime<Utc>) -> crate::Result<()> {
        let state = self.lists.remove(id).ok_or_else(|| unknown(id))?;
        let seg = segment_id(id);
        if self.by_segment.remove(&seg).is_some() {
            self.index.remove(&seg, now)?;
        }
        for c in &state.members {
            let deltas = self.index.set_list_membership(c, id, false, now);
            let _ = self.absorb(deltas, now);
        }
        Ok(())
    }

    /// One page of a list's members (`limit` contacts from `offset`, in id order).
    /// Errors: `list.unknown`.
    pub fn members(&self, id: &ListId, offset: usize, limit: usize) -> crate::Result<MemberPage> {
        let state = self.lists.get(id).ok_or_else(|| unknown(id))?;
        Ok(MemberPage {
            total: state.members.len(),
            offset,
            contacts: state
                .members
                .iter()
                .skip(offset)
                .take(limit)
                .filter_map(|c| self.index.contact(c).cloned())
                .collect(),
        })
    }

    /// Adds a contact to a list by hand (inserting or updating the contact first). Works on
    /// every list; on an auto-updating one the contact stays until, with `remove_exits`, it
    /// stops matching. Errors: `list.unknown`.
    pub fn add_to_list(
        &mut self,
        id: &ListId,
        contact: Contact,
        now: DateTime<Utc>,
    ) -> crate::Result<Vec<ListChange>> {
        if !self.lists.contains_key(id) {
            return Err(unknown(id));
        }
        let cid = contact.id.clone();
        let mut changes = self.upsert_contact(contact, now)?;
        changes.extend(self.join(id, &cid, now));
        Ok(changes)
    }

    /// Takes a contact out of a list by hand. Errors: `list.unknown`, `list.contact.unknown`
    /// (`/contact`) when the contact is not in the list.
    pub fn remove_from_list(
        &mut self,
        id: &ListId,
        contact: &ContactId,
        now: DateTime<Utc>,
    ) -> crate::Result<Vec<ListChange>> {
        let state = self.lists.get(id).ok_or_else(|| unknown(id))?;
        if !state.members.contains(contact) {
            return Err(ListError::error(
                ListCode::ContactUnknown,
                "/contact",
                format!("contact `{contact}` is not in list `{id}`"),
            ));
        }
        Ok(self.leave(id, contact, now))
    }

    /// The list changes caused through the [`ContactStore`] methods since the last call.
    pub fn take_changes(&mut self) -> Vec<ListChange> {
        std::mem::take(&mut self.pending)
    }

    /// Puts a contact in a list (and the list in the contact); the changes it caused.
    pub(crate) fn join(
        &mut self,
        id: &ListId,
        contact: &ContactId,
        now: DateTime<Utc>,
    ) -> Vec<ListChange> {
        let Some(state) = self.lists.get_mut(id) else {
            return Vec::new();
        };
        if self.index.contact(contact).is_none() || !state.members.insert(contact.clone()) {
            return Vec::new();
        }
        let mut changes = vec![ListChange {
            list: id.clone(),
            contact: contact.clone(),
            change: MembershipChange::Entered,
            at: now,
        }];
        let deltas = self.index.set_list_membership(contact, id, true, now);
        changes.extend(self.absorb(deltas, now));
        changes
    }

    fn leave(&mut self, id: &ListId, contact: &ContactId, now: DateTime<Utc>) -> Vec<ListChange> {
        let Some(state) = self.lists.get_mut(id) else {
            return Vec::new();
        };
        if !state.members.remove(contact) {
            return Vec::new();
        }
        let mut changes = vec![ListChange {
            list: id.clone(),
            contact: contact.clone(),
            change: MembershipChange::Left,
            at: now,
        }];
        let deltas = self.index.set_list_membership(contact, id, false, now);
        changes.extend(self.absorb(deltas, now));
        changes
    }

    /// Registers a segment (its id must not start with `list:`, the prefix of the segments of
    /// auto-updating lists) and evaluates it for every contact; returns how many are in it.
    /// Its later membership changes wait in [`take_segment_changes`](Self::take_segment_changes).
    /// Errors: those of [`SegmentIndex::register`], and `segment.duplicate` for a `list:` id.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::list::Audience;
    /// use sequenza::segment::Segment;
    /// use sequenza::Contact;
    /// let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    /// let mut audience = Audience::new();
    /// audience.register_segment(Segment::from_json(r#"{"id": "vip", "name": "VIP",
    ///   "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}}"#)?, now)?;
    /// audience.upsert_contact(Contact::from_json(r#"{"id": "anna", "tags": ["vip"]}"#)?, now);
    /// let changes = audience.take_segment_changes();
    /// assert_eq!(changes[0].segment.as_str(), "vip");
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn register_segment(
        &mut self,
        segment: Segment,
        now: DateTime<Utc>,
    ) -> crate::Result<usize> {
        if segment.id.as_str().starts_with("list:") {
            return Err(crate::Error::Condition(Box::new(
                crate::error::ConditionError {
                    code: crate::error::ConditionErrorCode::Segment(
                        crate::error::SegmentCode::Duplicate,
                    ),
                    path: "/id".to_owned(),
                    message: format!(
                        "segment ids starting with `list:` belong to lists: `{}`",
                        segment.id
                    ),
                },
            )));
        }
        let id = segment.id.clone();
        // Registration fills the segment without entry changes (nobody "entered" a new segment).
        self.index.register(segment, now)?;
        Ok(self.index.members(&id).count())
    }

    /// The membership changes of registered segments (not lists) since the last call, in order.
    pub fn take_segment_changes(&mut self) -> Vec<MembershipDelta> {
        std::mem::take(&mut self.segment_changes)
    }

    /// Turns segment deltas of auto-updating lists into list changes; keeps those of other
    /// segments for [`take_segment_changes`](Self::take_segment_changes).
    fn absorb(&mut self, deltas: Vec<MembershipDelta>, now: DateTime<Utc>) -> Vec<ListChange> {
        let mut changes = Vec::new();
        for d in deltas {
            let Some(list) = self.by_segment.get(&d.segment).cloned() else {
                if !d.segment.as_str().starts_with("list:") {
                    self.segment_changes.push(d);
                }
                continue;
            };
            match d.change {
                MembershipChange::Entered => changes.extend(self.join(&list, &d.contact, now)),
                MembershipChange::Left => {
                    if self.lists.get(&list).is_some_and(|s| s.list.remove_exits) {
                        changes.extend(self.leave(&list, &d.contact, now));
                    }
                }
            }
        }
        changes
    }
}

impl ContactStore for Audience {
    fn get(&self, id: &ContactId) -> Option<&Contact> {
        self.index.contact(id)
    }

    /// Upserts through [`Audience::upsert_contact`]; the list changes wait in
    /// [`Audience::take_changes`].
    fn upsert(&mut self, contact: Contact, now: DateTime<Utc>) -> crate::Result<()> {
        let changes = self.upsert_contact(contact, now)?;
        self.pending.extend(changes);
        Ok(())
    }

    fn find_by_email(&self, email: &str) -> Option<&ContactId> {
        self.keys.by_email(email)
    }

    fn find_by_phone(&self, phone: &str) -> Option<&ContactId> {
        self.keys.by_phone(phone)
    }

    fn remove(&mut self, id: &ContactId, now: DateTime<Utc>) -> crate::Result<Option<Contact>> {
        let old = self.index.contact(id).cloned();
        let changes = self.remove_contact(id, now);
        self.pending.extend(changes);
        Ok(old)
    }
}
