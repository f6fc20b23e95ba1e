//! Lists: the `Audience` class, `sourceCondition` and `listTriggerHits`. Lists, sources,
//! activities, contacts and events are the core's JSON forms; list changes come out as
//! `{list, contact, change, at}`.

use std::cell::RefCell;
use std::rc::Rc;

use sequenza::list::{Activity, ActivityRecord, List, ListChange, Source};
use sequenza::model::{ContactId, ListId};
use sequenza::{Contact, Event};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use crate::condition::EvalOptions;
use crate::*;

/// The core audience, shared with `importCsv({audience})` (which finds it by its handle).
pub(crate) type Shared = Rc<RefCell<sequenza::list::Audience>>;

#[cfg(feature = "import")]
thread_local! {
    /// Every live `Audience` by its handle.
    static AUDIENCES: RefCell<std::collections::HashMap<u32, std::rc::Weak<RefCell<sequenza::list::Audience>>>> =
        RefCell::default();
}

/// The core audience an `Audience` object wraps.
#[cfg(feature = "import")]
pub(crate) fn audience_of(value: &JsValue, what: &str) -> JsResult<Shared> {
    let handle = js_sys::Reflect::get(value, &"__audienceHandle".into())
        .ok()
        .and_then(|h| h.as_f64());
    let handle = handle.ok_or_else(|| type_error(&format!("{what} must be an Audience")))?;
    AUDIENCES
        .with(|a| {
            a.borrow()
                .get(&(handle as u32))
                .and_then(std::rc::Weak::upgrade)
        })
        .ok_or_else(|| range_error(&format!("{what}: this Audience has been freed")))
}

/// The error of a call made while an import writes into the same audience.
pub(crate) fn busy() -> JsValue {
    range_error("the Audience is busy: an importCsv is writing into it")
}

/// Contacts, their events and activities, and contact lists kept consistent; each mutating call
/// returns the list changes it caused.
#[wasm_bindgen]
#[derive(Debug)]
pub struct Audience {
    inner: Shared,
    handle: u32,
}

impl Drop for Audience {
    fn drop(&mut self) {
        #[cfg(feature = "import")]
        AUDIENCES.with(|a| a.borrow_mut().remove(&self.handle));
    }
}

impl Audience {
    fn read<T>(&self, f: impl FnOnce(&sequenza::list::Audience) -> T) -> JsResult<T> {
        Ok(f(&*self.inner.try_borrow().map_err(|_| busy())?))
    }

    fn write<T>(&self, f: impl FnOnce(&mut sequenza::list::Audience) -> T) -> JsResult<T> {
        Ok(f(&mut *self.inner.try_borrow_mut().map_err(|_| busy())?))
    }
}

/// The options of `Audience.members`.
#[derive(Deserialize, Default)]
struct Page {
    offset: Option<usize>,
    limit: Option<usize>,
}

#[wasm_bindgen]
impl Audience {
    /// An empty audience. `options`: `{defaultTimeZone?, fields?}`: the zone of contacts without
    /// one, and the field schema `upsertContact` enforces (defaults fill absent fields; a value
    /// that does not fit its type, or an empty required field, throws a `ListError`
    /// `list.field.invalid` / `list.field.required` at `/fields/<key>`).
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<AudienceOptions>) -> JsResult<Audience> {
        let o: EvalOptions = crate::options(options, "new Audience")?;
        let tz = zone(o.default_time_zone.as_deref(), "/defaultTimeZone")?;
        let fields = field_schema(Some(o.fields.0))?.unwrap_or_default();
        let audience = sequenza::list::Audience::new().with_default_time_zone(tz);
        let inner = Rc::new(RefCell::new(audience.with_fields(fields)));
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
        let handle = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        #[cfg(feature = "import")]
        AUDIENCES.with(|a| a.borrow_mut().insert(handle, Rc::downgrade(&inner)));
        Ok(Audience { inner, handle })
    }

    /// The handle `importCsv` finds this audience by (not part of the API).
    #[wasm_bindgen(getter, js_name = __audienceHandle, skip_typescript)]
    pub fn audience_handle(&self) -> u32 {
        self.handle
    }

    /// Creates a list and fills it from its source; returns how many contacts went in.
    #[wasm_bindgen(js_name = createList)]
    pub fn create_list(&mut self, list: ListArg, now: Instant) -> JsResult<u32> {
        let list = doc(&list, "a list", List::from_json)?;
        let now = instant(&now, "Audience.createList: now")?;
        Ok(core(self.write(|a| a.create_list(list, now))?)? as u32)
    }

    /// Renames a list.
    #[wasm_bindgen(js_name = renameList)]
    pub fn rename_list(&mut self, list: Str, name: Str) -> JsResult<()> {
        let (list, name): (ListId, _) = (id(&list, "listId")?, string(&name, "name")?);
        core(self.write(|a| a.rename_list(&list, name))?)
    }

    /// Deletes a list; its contacts no longer name it.
    #[wasm_bindgen(js_name = deleteList)]
    pub fn delete_list(&mut self, list: Str, now: Instant) -> JsResult<()> {
        let id = id(&list, "listId")?;
        let now = instant(&now, "Audience.deleteList: now")?;
        core(self.write(|a| a.delete_list(&id, now))?)
    }

    /// A list's JSON form, or `null` for an unknown id.
    #[wasm_bindgen(unchecked_return_type = "List | null")]
    pub fn list(&self, list: Str) -> JsResult<JsValue> {
        let id = id(&list, "listId")?;
        self.read(|a| to_js(&a.list(&id)))?
    }

    /// Every list, in id order.
    #[wasm_bindgen(unchecked_return_type = "List[]")]
    pub fn lists(&self) -> JsResult<JsValue> {
        self.read(|a| to_js(&a.lists().collect::<Vec<_>>()))?
    }

    /// One page of a list's members (`{total, offset, contacts}`); `options`: `{offset?, limit?}`.
    #[wasm_bindgen(unchecked_return_type = "MemberPage")]
    pub fn members(&self, list: Str, options: Option<MembersOptions>) -> JsResult<JsValue> {
        let id = id(&list, "listId")?;
        let page: Page = crate::options(options, "Audience.members")?;
        let (offset, limit) = (page.offset.unwrap_or(0), page.limit.unwrap_or(50));
        to_js(&core(self.read(|a| a.members(&id, offset, limit))?)?)
    }

    /// The ids of a list's members, in id order.
    #[wasm_bindgen(js_name = memberIds)]
    pub fn member_ids(&self, list: Str) -> JsResult<Vec<String>> {
        let id = id(&list, "listId")?;
        self.read(|a| strings(a.member_ids(&id)))
    }

    /// How many members a list has, or `null` for an unknown list.
    #[wasm_bindgen(js_name = memberCount, unchecked_return_type = "number | null")]
    pub fn member_count(&self, list: Str) -> JsResult<JsValue> {
        let id = id(&list, "listId")?;
        self.read(|a| {
            a.member_count(&id)
                .map_or(JsValue::NULL, |n| (n as f64).into())
        })
    }

    /// True when the contact is in the list.
    #[wasm_bindgen(js_name = isMember)]
    pub fn is_member(&self, list: Str, contact: Str) -> JsResult<bool> {
        let (list, contact) = (id(&list, "listId")?, id(&contact, "contactId")?);
        self.read(|a| a.is_member(&list, &contact))
    }

    /// Adds a contact (inserted or updated first) to a list by hand; returns the list changes.
    #[wasm_bindgen(js_name = addToList, unchecked_return_type = "ListChange[]")]
    pub fn add_to_list(&mut self, list: Str, contact: Doc, now: Instant) -> JsResult<JsValue> {
        let id = id(&list, "listId")?;
        let contact = doc(&contact, "a contact", Contact::from_json)?;
        let now = instant(&now, "Audience.addToList: now")?;
        to_js(&core(self.write(|a| a.add_to_list(&id, contact, now))?)?)
    }

    /// Takes a contact out of a list by hand; returns the list changes.
    #[wasm_bindgen(js_name = removeFromList, unchecked_return_type = "ListChange[]")]
    pub fn remove_from_list(&mut self, list: Str, contact: Str, now: Instant) -> JsResult<JsValue> {
        let (id, contact) = (id(&list, "listId")?, id(&contact, "contactId")?);
        let now = instant(&now, "Audience.removeFromList: now")?;
        let changes = self.write(|a| a.remove_from_list(&id, &contact, now))?;
        to_js(&core(changes)?)
    }

    /// Inserts or edits a contact; returns the list changes it caused.
    #[wasm_bindgen(js_name = upsertContact, unchecked_return_type = "ListChange[]")]
    pub fn upsert_contact(&mut self, contact: Doc, now: Instant) -> JsResult<JsValue> {
        let contact = doc(&contact, "a contact", Contact::from_json)?;
        let now = instant(&now, "Audience.upsertContact: now")?;
        to_js(&core(self.write(|a| a.upsert_contact(contact, now))?)?)
    }

    /// Forgets a contact and its events; it leaves every list it was in.
    #[wasm_bindgen(js_name = removeContact, unchecked_return_type = "ListChange[]")]
    pub fn remove_contact(&mut self, contact: Str, now: Instant) -> JsResult<JsValue> {
        let id = id(&contact, "contactId")?;
        let now = instant(&now, "Audience.removeContact: now")?;
        to_js(&self.write(|a| a.remove_contact(&id, now))?)
    }

    /// A contact's JSON form (with its `lists`), or `null`.
    #[wasm_bindgen(unchecked_return_type = "object | null")]
    pub fn contact(&self, contact: Str) -> JsResult<JsValue> {
        let id = id(&contact, "contactId")?;
        self.read(|a| to_js(&a.contact(&id)))?
    }

    /// The events of a contact, in arrival order.
    #[wasm_bindgen(unchecked_return_type = "object[]")]
    pub fn events(&self, contact: Str) -> JsResult<JsValue> {
        let id = id(&contact, "contactId")?;
        self.read(|a| to_js(a.events(&id)))?
    }

    /// How many contacts the audience holds.
    #[wasm_bindgen(getter, js_name = contactCount)]
    pub fn contact_count(&self) -> JsResult<u32> {
        self.read(|a| a.contact_count() as u32)
    }

    /// Records an activity of a contact that happened at `at`, evaluated at `now` (default `at`).
    #[wasm_bindgen(unchecked_return_type = "ListChange[]")]
    pub fn record(
        &mut self,
        contact: Str,
        activity: Doc,
        at: Instant,
        now: Option<Instant>,
    ) -> JsResult<JsValue> {
        let contact = string(&contact, "contactId")?;
        let activity = text(&activity, "an activity")?;
        let at = instant(&at, "Audience.record: at")?;
        let now = opt(now, |n| now_of(n, "Audience.record"))?.unwrap_or(at);
        let activity = core(Activity::from_argument(&activity))?;
        to_js(&self.write(|a| a.record(&ContactId::new(contact), activity, at, now))?)
    }

    /// Records an activity record `{contact, at, activity}` evaluated at `now`.
    #[wasm_bindgen(js_name = recordActivity, unchecked_return_type = "ListChange[]")]
    pub fn record_activity(&mut self, record: Doc, now: Instant) -> JsResult<JsValue> {
        let r = doc(&record, "an activity record", ActivityRecord::from_json)?;
        let now = instant(&now, "Audience.recordActivity: now")?;
        to_js(&self.write(|a| a.record(&r.contact, r.activity, r.at, now))?)
    }

    /// Records an event at `now`; returns the list changes.
    #[wasm_bindgen(js_name = recordEvent, unchecked_return_type = "ListChange[]")]
    pub fn record_event(&mut self, event: Doc, now: Instant) -> JsResult<JsValue> {
        let event = doc(&event, "an event", Event::from_json)?;
        let now = instant(&now, "Audience.recordEvent: now")?;
        to_js(&self.write(|a| a.record_event(event, now))?)
    }

    /// Re-evaluates the time-relative lists due at `now`.
    #[wasm_bindgen(unchecked_return_type = "ListChange[]")]
    pub fn tick(&mut self, now: Instant) -> JsResult<JsValue> {
        let now = instant(&now, "Audience.tick: now")?;
        to_js(&self.write(|a| a.tick(now))?)
    }

    /// The earliest instant at which `tick` can change a list, or `null`.
    #[wasm_bindgen(js_name = nextWakeup, unchecked_return_type = "string | null")]
    pub fn next_wakeup(&self) -> JsResult<JsValue> {
        self.read(|a| opt_iso(a.next_wakeup()))
    }
}

/// The condition a list source (with its filters) compiles to, as the core's JSON form.
#[wasm_bindgen(js_name = sourceCondition, unchecked_return_type = "object")]
pub fn source_condition(source: Doc) -> JsResult<JsValue> {
    let source = doc(&source, "a list source", Source::from_json)?;
    core(source.validate())?;
    to_js(&source.to_condition())
}

/// The (flow, change) pairs where a list change fires a list trigger of an active flow.
#[wasm_bindgen(js_name = listTriggerHits, unchecked_return_type = "TriggerHit[]")]
pub fn list_trigger_hits(changes: Changes, flows: FlowsArg) -> JsResult<JsValue> {
    let changes: Vec<ListChange> = arg(changes, "listTriggerHits: changes")?;
    let flows = each(&flows, "listTriggerHits: flows", |f| {
        doc(f, "a flow", sequenza::Flow::from_json)
    })?;
    to_js(&sequenza::list::list_trigger_hits(&changes, &flows))
}
