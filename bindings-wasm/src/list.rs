//! Lists (issue 5): the `Audience` class (contacts, activities, lists kept up to date), the
//! functions `sourceCondition` and `listTriggerHits`.
//!
//! Everything converts: lists, sources, activities, contacts and events are the core's JSON
//! forms, read by its `from_json` (errors located by JSON pointer); list changes come out as
//! `{list, contact, change: 'entered' | 'exited', at}`. Every decision (who matches a source,
//! who enters or leaves an auto-updating list) is the core's. `now` is always an argument.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use sequenza::list::{ActivityRecord, List, ListChange, Source};
use sequenza::model::{ContactId, ListId};
use sequenza::Event;
use wasm_bindgen::prelude::*;

use crate::input::{self, is_absent, range_error, required_instant, Options};
use crate::{json_text, to_js, to_js_error, type_error};

#[wasm_bindgen(typescript_custom_section)]
const TS_LIST_TYPES: &'static str = r#"
/** The options of `new Audience(...)`. */
export interface AudienceOptions {
  /** The zone of contacts without one (dates of filters and ages are read in it); UTC when absent. */
  defaultTimeZone?: string | null;
  /** The field schema `upsertContact` enforces (defaults, types, required fields). */
  fields?: string | object | null;
}

/** The options of `Audience.members`. */
export interface MembersOptions {
  /** The position of the first contact (default 0). */
  offset?: number | null;
  /** How many contacts at most (default 50). */
  limit?: number | null;
}

/**
 * What the list API throws for a list that cannot be made or used as asked (`list.unknown`,
 * `list.duplicate`, `list.name.empty`, `list.filter.invalid`, `list.static_only`,
 * `list.contact.unknown`): a real `Error` whose `name` is `'ListError'`. A document of the wrong
 * shape throws a `FlowFormatError` instead (code `format.*`).
 */
export interface ListError extends Error {
  name: 'ListError';
  code: string;
  /** JSON pointer into the list document (`/source/age`, `/auto_update`, `/id`). */
  path: string;
  line: null;
  column: null;
}
"#;

thread_local! {
    /// Every live `Audience` by its handle, so that `importCsv({audience})` can find the one a
    /// JS object wraps without taking it from JS.
    static AUDIENCES: RefCell<HashMap<u32, Weak<RefCell<sequenza::list::Audience>>>> =
        RefCell::new(HashMap::new());
    static NEXT_HANDLE: RefCell<u32> = const { RefCell::new(0) };
}

/// The core audience an `Audience` object (or anything holding its handle) wraps.
pub(crate) fn audience_of(
    value: &JsValue,
    what: &str,
) -> Result<Rc<RefCell<sequenza::list::Audience>>, JsValue> {
    let wrong = || type_error(&format!("{what} must be an Audience"));
    if !value.is_object() {
        return Err(wrong());
    }
    let handle = js_sys::Reflect::get(value, &JsValue::from_str("__audienceHandle"))?
        .as_f64()
        .ok_or_else(wrong)?;
    AUDIENCES
        .with(|a| a.borrow().get(&(handle as u32)).and_then(Weak::upgrade))
        .ok_or_else(|| range_error(&format!("{what}: this Audience has been freed")))
}

/// The error of a call made while an import writes into the same audience (from its
/// `onProgress` callback).
pub(crate) fn busy() -> JsValue {
    range_error("the Audience is busy: an importCsv is writing into it")
}

/// Contacts, their events and activities, and contact lists kept consistent: every contact's
/// `lists` says which lists it is in, and auto-updating lists follow every change at once.
///
/// Each mutating call returns the list changes it caused (`ListChange[]`), which
/// `listTriggerHits` matches against the list triggers of flows. Nothing reads the clock:
/// `now` is always given (a `Date` or an RFC 3339 string).
#[wasm_bindgen]
#[derive(Debug)]
pub struct Audience {
    inner: Rc<RefCell<sequenza::list::Audience>>,
    handle: u32,
}

impl Drop for Audience {
    fn drop(&mut self) {
        AUDIENCES.with(|a| a.borrow_mut().remove(&self.handle));
    }
}

impl Audience {
    fn read<T>(&self, f: impl FnOnce(&sequenza::list::Audience) -> T) -> Result<T, JsValue> {
        let inner = self.inner.try_borrow().map_err(|_| busy())?;
        Ok(f(&inner))
    }

    fn write<T>(&self, f: impl FnOnce(&mut sequenza::list::Audience) -> T) -> Result<T, JsValue> {
        let mut inner = self.inner.try_borrow_mut().map_err(|_| busy())?;
        Ok(f(&mut inner))
    }
}

/// A list id or contact id argument.
fn id_arg(value: &JsValue, what: &str) -> Result<String, JsValue> {
    value
        .as_string()
        .ok_or_else(|| type_error(&format!("{what} must be a string")))
}

/// List changes as plain objects.
pub(crate) fn changes_to_js(changes: &[ListChange]) -> Result<JsValue, JsValue> {
    to_js(changes)
}

#[wasm_bindgen]
impl Audience {
    /// An empty audience. `options`: `{defaultTimeZone?, fields?}`: the zone of contacts without
    /// one, and the field schema `upsertContact` enforces (defaults fill absent fields; a value
    /// that does not fit its type, or an empty required field, throws a `ListError`
    /// `list.field.invalid` / `list.field.required` at `/fields/<key>`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_optional_param_type = "AudienceOptions")] options: Option<JsValue>,
    ) -> Result<Audience, JsValue> {
        let options = Options::new(options, "new Audience")?;
        let core = sequenza::list::Audience::new()
            .with_default_time_zone(options.default_time_zone()?)
            .with_fields(options.fields()?.unwrap_or_default());
        let inner = Rc::new(RefCell::new(core));
        let handle = NEXT_HANDLE.with(|n| {
            let mut n = n.borrow_mut();
            *n = n.wrapping_add(1);
            *n
        });
        AUDIENCES.with(|a| a.borrow_mut().insert(handle, Rc::downgrade(&inner)));
        Ok(Audience { inner, handle })
    }

    /// The handle `importCsv` finds this audience by (not part of the API).
    #[wasm_bindgen(getter, js_name = __audienceHandle, skip_typescript)]
    pub fn audience_handle(&self) -> u32 {
        self.handle
    }

    /// Creates a list (its JSON form, a string or an object) and fills it from its source;
    /// returns how many contacts went in. An auto-updating list then follows every change.
    ///
    /// Throws a `ListError` (`list.duplicate`, `list.name.empty`, `list.filter.invalid` at
    /// `/source/…`, `list.static_only`) or a `FlowFormatError` for a document that is not a list.
    #[wasm_bindgen(js_name = createList)]
    pub fn create_list(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "List | string")] list: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Instant")] now: JsValue,
    ) -> Result<u32, JsValue> {
        let text = json_text(&list, "a list")?;
        let list = List::from_json(&text).map_err(to_js_error)?;
        let now = required_instant(&now, "Audience.createList: now")?;
        let count = self
            .write(|a| a.create_list(list, now))?
            .map_err(to_js_error)?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    /// Renames a list. Throws a `ListError` `list.unknown` or `list.name.empty`.
    #[wasm_bindgen(js_name = renameList)]
    pub fn rename_list(
        &mut self,
        #[wasm_bindgen(js_name = listId, unchecked_param_type = "string")] list_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    ) -> Result<(), JsValue> {
        let id = ListId::new(id_arg(&list_id, "Audience.renameList: listId")?);
        let name = id_arg(&name, "Audience.renameList: name")?;
        self.write(|a| a.rename_list(&id, name))?
            .map_err(to_js_error)
    }

    /// Deletes a list; its contacts no longer name it. Throws a `ListError` `list.unknown`.
    #[wasm_bindgen(js_name = deleteList)]
    pub fn delete_list(
        &mut self,
        #[wasm_bindgen(js_name = listId, unchecked_param_type = "string")] list_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Instant")] now: JsValue,
    ) -> Result<(), JsValue> {
        let id = ListId::new(id_arg(&list_id, "Audience.deleteList: listId")?);
        let now = required_instant(&now, "Audience.deleteList: now")?;
        self.write(|a| a.delete_list(&id, now))?
            .map_err(to_js_error)
    }

    /// A list's JSON form, or `null` for an unknown id.
    #[wasm_bindgen(unchecked_return_type = "List | null")]
    pub fn list(
        &self,
        #[wasm_bindgen(js_name = listId, unchecked_param_type = "string")] list_id: JsValue,
    ) -> Result<JsValue, JsValue> {
        let id = ListId::new(id_arg(&list_id, "Audience.list: listId")?);
        self.read(|a| to_js(&a.list(&id)))?
    }

    /// Every list, in id order.
    #[wasm_bindgen(unchecked_return_type = "List[]")]
    pub fn lists(&self) -> Result<JsValue, JsValue> {
        self.read(|a| to_js(&a.lists().collect::<Vec<_>>()))?
    }

    /// One page of a list's members (`{total, offset, contacts}`, in contact id order).
    /// `options`: `{offset?, limit?}` (0 and 50 by default). Throws a `ListError` `list.unknown`.
    #[wasm_bindgen(unchecked_return_type = "MemberPage")]
    pub fn members(
        &self,
        #[wasm_bindgen(js_name = listId, unchecked_param_type = "string")] list_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "MembersOptions")] options: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let id = ListId::new(id_arg(&list_id, "Audience.members: listId")?);
        let options = Options::new(options, "Audience.members")?;
        let offset = count_option(&options, "offset", 0)?;
        let limit = count_option(&options, "limit", 50)?;
        let page = self
            .read(|a| a.members(&id, offset, limit))?
            .map_err(to_js_error)?;
        to_js(&page)
    }

    /// The ids of a list's members, in id order (none for an unknown list).
    #[wasm_bindgen(js_name = memberIds)]
    pub fn member_ids(
        &self,
        #[wasm_bindgen(js_name = listId, unchecked_param_type = "string")] list_id: JsValue,
    ) -> Result<Vec<String>, JsValue> {
        let id = ListId::new(id_arg(&list_id, "Audience.memberIds: listId")?);
        self.read(|a| a.member_ids(&id).map(|c| c.as_str().to_owned()).collect())
    }

    /// How many members a list has, or `null` for an unknown list.
    #[wasm_bindgen(js_name = memberCount, unchecked_return_type = "number | null")]
    pub fn member_count(
        &self,
        #[wasm_bindgen(js_name = listId, unchecked_param_type = "string")] list_id: JsValue,
    ) -> Result<JsValue, JsValue> {
        let id = ListId::new(id_arg(&list_id, "Audience.memberCount: listId")?);
        self.read(|a| {
            a.member_count(&id)
                .map_or(JsValue::NULL, |n| JsValue::from_f64(n as f64))
        })
    }

    /// True when the contact is in the list.
    #[wasm_bindgen(js_name = isMember)]
    pub fn is_member(
        &self,
        #[wasm_bindgen(js_name = listId, unchecked_param_type = "string")] list_id: JsValue,
        #[wasm_bindgen(js_name = contactId, unchecked_param_type = "string")] contact_id: JsValue,
    ) -> Result<bool, JsValue> {
        let list = ListId::new(id_arg(&list_id, "Audience.isMember: listId")?);
        let contact = ContactId::new(id_arg(&contact_id, "Audience.isMember: contactId")?);
        self.read(|a| a.is_member(&list, &contact))
    }

    /// Adds a contact (its JSON form) to a list by hand, inserting or updating the contact
    /// first; returns the list changes. Throws a `ListError` `list.unknown`.
    #[wasm_bindgen(js_name = addToList, unchecked_return_type = "ListChange[]")]
    pub fn add_to_list(
        &mut self,
        #[wasm_bindgen(js_name = listId, unchecked_param_type = "string")] list_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "object | string")] contact: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Instant")] now: JsValue,
    ) -> Result<JsValue, JsValue> {
        let id = ListId::new(id_arg(&list_id, "Audience.addToList: listId")?);
        let contact = input::contact(&contact)?;
        let now = required_instant(&now, "Audience.addToList: now")?;
        let changes = self
            .write(|a| a.add_to_list(&id, contact, now))?
            .map_err(to_js_error)?;
        changes_to_js(&changes)
    }

    /// Takes a contact out of a list by hand; returns the list changes. Throws a `ListError`
    /// `list.unknown`, or `list.contact.unknown` when the contact is not in the list.
    #[wasm_bindgen(js_name = removeFromList, unchecked_return_type = "ListChange[]")]
    pub fn remove_from_list(
        &mut self,
        #[wasm_bindgen(js_name = listId, unchecked_param_type = "string")] list_id: JsValue,
        #[wasm_bindgen(js_name = contactId, unchecked_param_type = "string")] contact_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Instant")] now: JsValue,
    ) -> Result<JsValue, JsValue> {
        let id = ListId::new(id_arg(&list_id, "Audience.removeFromList: listId")?);
        let contact = ContactId::new(id_arg(&contact_id, "Audience.removeFromList: contactId")?);
        let now = required_instant(&now, "Audience.removeFromList: now")?;
        let changes = self
            .write(|a| a.remove_from_list(&id, &contact, now))?
            .map_err(to_js_error)?;
        changes_to_js(&changes)
    }

    /// Inserts or edits a contact (its JSON form; its `lists` are kept as the audience knows
    /// them); returns the list changes it caused.
    #[wasm_bindgen(js_name = upsertContact, unchecked_return_type = "ListChange[]")]
    pub fn upsert_contact(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "object | string")] contact: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Instant")] now: JsValue,
    ) -> Result<JsValue, JsValue> {
        let contact = input::contact(&contact)?;
        let now = required_instant(&now, "Audience.upsertContact: now")?;
        let changes = self
            .write(|a| a.upsert_contact(contact, now))?
            .map_err(to_js_error)?;
        changes_to_js(&changes)
    }

    /// Forgets a contact and its events; it leaves every list it was in. Returns the changes.
    #[wasm_bindgen(js_name = removeContact, unchecked_return_type = "ListChange[]")]
    pub fn remove_contact(
        &mut self,
        #[wasm_bindgen(js_name = contactId, unchecked_param_type = "string")] contact_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Instant")] now: JsValue,
    ) -> Result<JsValue, JsValue> {
        let id = ContactId::new(id_arg(&contact_id, "Audience.removeContact: contactId")?);
        let now = required_instant(&now, "Audience.removeContact: now")?;
        let changes = self.write(|a| a.remove_contact(&id, now))?;
        changes_to_js(&changes)
    }

    /// A contact's JSON form (with its `lists`), or `null`.
    #[wasm_bindgen(unchecked_return_type = "object | null")]
    pub fn contact(
        &self,
        #[wasm_bindgen(js_name = contactId, unchecked_param_type = "string")] contact_id: JsValue,
    ) -> Result<JsValue, JsValue> {
        let id = ContactId::new(id_arg(&contact_id, "Audience.contact: contactId")?);
        self.read(|a| to_js(&a.contact(&id)))?
    }

    /// The events of a contact, in arrival order.
    #[wasm_bindgen(unchecked_return_type = "object[]")]
    pub fn events(
        &self,
        #[wasm_bindgen(js_name = contactId, unchecked_param_type = "string")] contact_id: JsValue,
    ) -> Result<JsValue, JsValue> {
        let id = ContactId::new(id_arg(&contact_id, "Audience.events: contactId")?);
        self.read(|a| to_js(a.events(&id)))?
    }

    /// How many contacts the audience holds.
    #[wasm_bindgen(getter, js_name = contactCount)]
    pub fn contact_count(&self) -> Result<u32, JsValue> {
        self.read(|a| u32::try_from(a.contact_count()).unwrap_or(u32::MAX))
    }

    /// Records an activity of a contact (`{type: 'coupon_downloaded', coupon: 'X'}` …) that
    /// happened at `at`, evaluated at `now` (default: `at`): first the contact state it implies
    /// (fidelity fields, tag, consent), then its event. A contact not seen before is created
    /// with only its id. Returns the list changes.
    #[wasm_bindgen(unchecked_return_type = "ListChange[]")]
    pub fn record(
        &mut self,
        #[wasm_bindgen(js_name = contactId, unchecked_param_type = "string")] contact_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "object | string")] activity: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Instant")] at: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "Instant | null")] now: Option<JsValue>,
    ) -> Result<JsValue, JsValue> {
        let id = id_arg(&contact_id, "Audience.record: contactId")?;
        let activity = json_text(&activity, "an activity")?;
        let at = required_instant(&at, "Audience.record: at")?;
        let now = match now.filter(|n| !is_absent(n)) {
            Some(n) => required_instant(&n, "Audience.record: now")?,
            None => at,
        };
        // Read inside a record, so that the core's errors locate inside it (`/activity/…`).
        let record = serde_json::json!({"contact": id, "at": at, "activity": "__ACTIVITY__"})
            .to_string()
            .replace("\"__ACTIVITY__\"", &activity);
        self.record_text(&record, now)
    }

    /// Records an activity record `{contact, at, activity}` (the core's JSON form) evaluated at
    /// `now`; returns the list changes.
    #[wasm_bindgen(js_name = recordActivity, unchecked_return_type = "ListChange[]")]
    pub fn record_activity(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "object | string")] record: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Instant")] now: JsValue,
    ) -> Result<JsValue, JsValue> {
        let text = json_text(&record, "an activity record")?;
        let now = required_instant(&now, "Audience.recordActivity: now")?;
        self.record_text(&text, now)
    }

    /// Records an event (`{contact, name, at, properties?}`) at `now`; returns the list changes.
    #[wasm_bindgen(js_name = recordEvent, unchecked_return_type = "ListChange[]")]
    pub fn record_event(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "object | string")] event: JsValue,
        #[wasm_bindgen(unchecked_param_type = "Instant")] now: JsValue,
    ) -> Result<JsValue, JsValue> {
        let text = json_text(&event, "an event")?;
        let event = Event::from_json(&text).map_err(to_js_error)?;
        let now = required_instant(&now, "Audience.recordEvent: now")?;
        let changes = self.write(|a| a.record_event(event, now))?;
        changes_to_js(&changes)
    }

    /// Re-evaluates the time-relative lists due at `now`; returns the list changes.
    #[wasm_bindgen(unchecked_return_type = "ListChange[]")]
    pub fn tick(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Instant")] now: JsValue,
    ) -> Result<JsValue, JsValue> {
        let now = required_instant(&now, "Audience.tick: now")?;
        let changes = self.write(|a| a.tick(now))?;
        changes_to_js(&changes)
    }

    /// The earliest instant at which `tick` can change a list (RFC 3339, UTC), or `null`.
    #[wasm_bindgen(js_name = nextWakeup, unchecked_return_type = "string | null")]
    pub fn next_wakeup(&self) -> Result<JsValue, JsValue> {
        self.read(|a| {
            a.next_wakeup().map_or(JsValue::NULL, |t| {
                JsValue::from_str(&t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
            })
        })
    }
}

impl Audience {
    fn record_text(
        &mut self,
        text: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<JsValue, JsValue> {
        let r = ActivityRecord::from_json(text).map_err(to_js_error)?;
        let changes = self.write(|a| a.record(&r.contact, r.activity, r.at, now))?;
        changes_to_js(&changes)
    }
}

/// A non-negative whole-number option, or its default.
fn count_option(options: &Options, key: &str, default: usize) -> Result<usize, JsValue> {
    match options.get(key)? {
        None => Ok(default),
        Some(v) => {
            let n = v
                .as_f64()
                .ok_or_else(|| type_error(&format!("{}: {key} must be a number", options.call)))?;
            if n < 0.0 || n.fract() != 0.0 || !n.is_finite() {
                return Err(range_error(&format!(
                    "{}: {key} must be a whole number ≥ 0, not {n}",
                    options.call
                )));
            }
            Ok(n as usize)
        }
    }
}

/// The condition of the segment engine a list source (with its filters) compiles to, as the
/// core's JSON form (`Segment.fromJson(c).toText()` prints it).
///
/// Throws a `ListError` `list.filter.invalid` with the `path` inside the source (`/age`,
/// `/dates/from` …), or a `FlowFormatError` for a document that is not a source.
#[wasm_bindgen(js_name = sourceCondition, unchecked_return_type = "object")]
pub fn source_condition(
    #[wasm_bindgen(unchecked_param_type = "object | string")] source: JsValue,
) -> Result<JsValue, JsValue> {
    let text = json_text(&source, "a list source")?;
    let source = Source::from_json(&text).map_err(to_js_error)?;
    source.validate().map_err(to_js_error)?;
    to_js(&source.to_condition())
}

/// The (flow, change) pairs where a list change fires a list trigger of an active flow
/// (`entered` fires `on: 'entered'`, `exited` fires `on: 'left'`), in change order then flow
/// order: `[{flow, list, contact, change, at}]`.
#[wasm_bindgen(js_name = listTriggerHits, unchecked_return_type = "TriggerHit[]")]
pub fn list_trigger_hits(
    #[wasm_bindgen(unchecked_param_type = "ListChange[]")] changes: JsValue,
    #[wasm_bindgen(unchecked_param_type = "Array<Flow | string | object>")] flows: JsValue,
) -> Result<JsValue, JsValue> {
    let items = input::array(&changes, "listTriggerHits: changes")?;
    let mut parsed = Vec::with_capacity(items.length() as usize);
    for (index, item) in items.iter().enumerate() {
        let text = json_text(&item, "a list change")?;
        let change: ListChange = serde_json::from_str(&text).map_err(|e| {
            let err = type_error(&format!("listTriggerHits: changes[{index}]: {e}"));
            crate::set_property(&err, "index", JsValue::from_f64(index as f64));
            err
        })?;
        parsed.push(change);
    }
    let flow_items = input::array(&flows, "listTriggerHits: flows")?;
    let mut list = Vec::with_capacity(flow_items.length() as usize);
    for (index, item) in flow_items.iter().enumerate() {
        let text = json_text(&item, "a flow")?;
        let flow = sequenza::Flow::from_json(&text).map_err(|e| {
            let err = to_js_error(e);
            crate::set_property(&err, "index", JsValue::from_f64(index as f64));
            err
        })?;
        list.push(flow);
    }
    to_js(&sequenza::list::list_trigger_hits(&parsed, &list))
}
