//! Lists (issue 5): the `Audience` handle (contacts, activities, lists kept current), and the
//! free functions `sourceCondition` and `listTriggerHits`.
//!
//! Lists, sources, contacts, activities and list changes are the core's JSON forms
//! (`{"id", "name", "source": {"type": "coupon", …}, "auto_update": true}`); instants come in as
//! a `Date` or an RFC 3339 string. Every rule is the core's; errors are `ListError`s (`code`,
//! `path`) or, for a document that is not a list at all, `FlowFormatError`s.

use napi::bindgen_prelude::{JsObjectValue, JsValue, Unknown};
use napi::{Env, Result};
use napi_derive::napi;
use sequenza::list::{ActivityRecord, List, ListChange, Source};
use sequenza::model::{ContactId, ListId};
use sequenza::{Contact, Event};

use crate::convert::{
    field_schema, instant, is_nullish, json_text, range_error, serde_string, string_arg, time_zone,
    to_js, type_error, type_of, Options,
};
use crate::errors::core_error;
use crate::flow::{FlowArg, MaybeFlow};

/// The options `members` takes.
const MEMBER_OPTIONS: &[&str] = &["offset", "limit"];
/// How many members a page has when `limit` is not given.
const DEFAULT_LIMIT: u32 = 50;

/// Contacts, their activities and events, and the contact lists, kept consistent by the core:
/// auto-updating lists follow every change, and each change returns the list changes it caused
/// (`[{list, contact, change: 'entered' | 'exited', at}]`).
#[napi]
#[derive(Debug, Default)]
pub struct Audience {
    pub(crate) inner: sequenza::list::Audience,
    /// True while `importCsv` runs with this audience (it is moved out meanwhile, so a progress
    /// callback calling back into it sees this flag instead of a half-imported audience).
    pub(crate) busy: bool,
}

impl Audience {
    fn check(&self, env: &Env) -> Result<()> {
        if self.busy {
            return Err(range_error(
                env,
                "The Audience is busy: importCsv is writing into it (a call from onProgress?)",
            ));
        }
        Ok(())
    }
}

fn changes<'env>(env: &'env Env, changes: &[ListChange]) -> Result<Unknown<'env>> {
    to_js(env, changes)
}

fn list_id(env: &Env, value: Unknown<'_>, name: &str) -> Result<ListId> {
    string_arg(env, value, name).map(ListId::new)
}

fn contact_id(env: &Env, value: Unknown<'_>, name: &str) -> Result<ContactId> {
    string_arg(env, value, name).map(ContactId::new)
}

fn read_contact(env: &Env, value: Unknown<'_>) -> Result<Contact> {
    let text = json_text(env, value, "contact", "a JSON string or an object")?;
    Contact::from_json(&text).map_err(|e| core_error(env, &e))
}

/// A whole number ≥ 0 option (`offset`, `limit`).
fn count_option(env: &Env, opts: &Options<'_>, key: &str, default: u32) -> Result<usize> {
    let Some(value) = opts.get(key)?.filter(|v| !is_nullish(v)) else {
        return Ok(default as usize);
    };
    let name = opts.name_of(key);
    if value.get_type()? != napi::ValueType::Number {
        return Err(type_error(
            env,
            &format!(
                "The \"{name}\" argument must be of type number. Received type {}",
                type_of(value.get_type()?)
            ),
        ));
    }
    let n = value.coerce_to_number()?.get_double()?;
    if !(n.is_finite() && n >= 0.0 && n.fract() == 0.0) {
        return Err(range_error(
            env,
            &format!("The \"{name}\" argument must be a whole number >= 0. Received {n}"),
        ));
    }
    Ok(n as usize)
}

#[napi]
impl Audience {
    /// An empty audience. `options.defaultTimeZone` (IANA name, UTC when absent) is the zone of
    /// contacts without one (dates of filters and ages are read in the contact's zone).
    /// `options.fields` (a field schema) is enforced by `upsertContact`: defaults fill absent
    /// fields; a value that does not fit its type (or an empty required field) throws a
    /// `ListError` `list.field.invalid` / `list.field.required` at `/fields/<key>`.
    #[napi(constructor, catch_unwind, ts_args_type = "options?: AudienceOptions")]
    pub fn new(env: &Env, options: Option<Unknown<'_>>) -> Result<Self> {
        let opts = Options::read(env, options, "options", &["defaultTimeZone", "fields"])?;
        let tz = time_zone(
            env,
            opts.get("defaultTimeZone")?,
            &opts.name_of("defaultTimeZone"),
        )?;
        let fields =
            field_schema(env, opts.get("fields")?, &opts.name_of("fields"))?.unwrap_or_default();
        Ok(Audience {
            inner: sequenza::list::Audience::new()
                .with_default_time_zone(tz)
                .with_fields(fields),
            busy: false,
        })
    }

    /// Creates a list (`{id, name, source, auto_update?, remove_exits?}`) and fills it from its
    /// source at `now`; returns how many contacts went in. An auto-updating list then follows
    /// every change.
    ///
    /// Throws a `ListError`: `list.duplicate` (`/id`), `list.name.empty` (`/name`),
    /// `list.filter.invalid` (`/source/…`), `list.static_only` (`/auto_update`).
    #[napi(catch_unwind, ts_args_type = "list: string | List, now: Date | string")]
    pub fn create_list(&mut self, env: &Env, list: Unknown<'_>, now: Unknown<'_>) -> Result<u32> {
        self.check(env)?;
        let text = json_text(env, list, "list", "a JSON string or an object")?;
        let now = instant(env, Some(now), "now")?;
        let list = List::from_json(&text).map_err(|e| core_error(env, &e))?;
        let count = self
            .inner
            .create_list(list, now)
            .map_err(|e| core_error(env, &e))?;
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    /// Renames a list. Throws a `ListError` (`list.unknown`, `list.name.empty`).
    #[napi(catch_unwind, ts_args_type = "listId: string, name: string")]
    pub fn rename_list(
        &mut self,
        env: &Env,
        list_id: Unknown<'_>,
        name: Unknown<'_>,
    ) -> Result<()> {
        self.check(env)?;
        let id = self::list_id(env, list_id, "listId")?;
        let name = string_arg(env, name, "name")?;
        self.inner
            .rename_list(&id, name)
            .map_err(|e| core_error(env, &e))
    }

    /// Deletes a list; its contacts no longer name it. Throws a `ListError` (`list.unknown`).
    #[napi(catch_unwind, ts_args_type = "listId: string, now: Date | string")]
    pub fn delete_list(&mut self, env: &Env, list_id: Unknown<'_>, now: Unknown<'_>) -> Result<()> {
        self.check(env)?;
        let id = self::list_id(env, list_id, "listId")?;
        let now = instant(env, Some(now), "now")?;
        self.inner
            .delete_list(&id, now)
            .map_err(|e| core_error(env, &e))
    }

    /// A list, or `null` for an unknown id.
    #[napi(
        catch_unwind,
        ts_args_type = "listId: string",
        ts_return_type = "List | null"
    )]
    pub fn list<'env>(&self, env: &'env Env, list_id: Unknown<'_>) -> Result<Unknown<'env>> {
        self.check(env)?;
        let id = self::list_id(env, list_id, "listId")?;
        to_js(env, &self.inner.list(&id))
    }

    /// Every list, in id order.
    #[napi(catch_unwind, ts_return_type = "List[]")]
    pub fn lists<'env>(&self, env: &'env Env) -> Result<Unknown<'env>> {
        self.check(env)?;
        let lists: Vec<&List> = self.inner.lists().collect();
        to_js(env, &lists)
    }

    /// One page of a list's members, in contact id order: `{total, offset, contacts}`
    /// (`options.offset` default 0, `options.limit` default 50). Throws a `ListError`
    /// (`list.unknown`).
    #[napi(
        catch_unwind,
        ts_args_type = "listId: string, options?: MembersOptions | null",
        ts_return_type = "MemberPage"
    )]
    pub fn members<'env>(
        &self,
        env: &'env Env,
        list_id: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<Unknown<'env>> {
        self.check(env)?;
        let id = self::list_id(env, list_id, "listId")?;
        let opts = Options::read(env, options, "options", MEMBER_OPTIONS)?;
        let offset = count_option(env, &opts, "offset", 0)?;
        let limit = count_option(env, &opts, "limit", DEFAULT_LIMIT)?;
        let page = self
            .inner
            .members(&id, offset, limit)
            .map_err(|e| core_error(env, &e))?;
        to_js(env, &page)
    }

    /// The ids of a list's members, in id order (none for an unknown list).
    #[napi(catch_unwind, ts_args_type = "listId: string")]
    pub fn member_ids(&self, env: &Env, list_id: Unknown<'_>) -> Result<Vec<String>> {
        self.check(env)?;
        let id = self::list_id(env, list_id, "listId")?;
        Ok(self
            .inner
            .member_ids(&id)
            .map(|c| c.as_str().to_owned())
            .collect())
    }

    /// How many members a list has, `null` for an unknown list.
    #[napi(catch_unwind, ts_args_type = "listId: string")]
    pub fn member_count(&self, env: &Env, list_id: Unknown<'_>) -> Result<Option<u32>> {
        self.check(env)?;
        let id = self::list_id(env, list_id, "listId")?;
        Ok(self
            .inner
            .member_count(&id)
            .map(|n| u32::try_from(n).unwrap_or(u32::MAX)))
    }

    /// True when the contact is in the list.
    #[napi(catch_unwind, ts_args_type = "listId: string, contactId: string")]
    pub fn is_member(
        &self,
        env: &Env,
        list_id: Unknown<'_>,
        contact_id: Unknown<'_>,
    ) -> Result<bool> {
        self.check(env)?;
        let list = self::list_id(env, list_id, "listId")?;
        let contact = self::contact_id(env, contact_id, "contactId")?;
        Ok(self.inner.is_member(&list, &contact))
    }

    /// Adds a contact to a list by hand (inserting or updating the contact first) at `now`;
    /// returns the list changes. Throws a `ListError` (`list.unknown`).
    #[napi(
        catch_unwind,
        ts_args_type = "listId: string, contact: string | Contact, now: Date | string",
        ts_return_type = "ListChange[]"
    )]
    pub fn add_to_list<'env>(
        &mut self,
        env: &'env Env,
        list_id: Unknown<'_>,
        contact: Unknown<'_>,
        now: Unknown<'_>,
    ) -> Result<Unknown<'env>> {
        self.check(env)?;
        let id = self::list_id(env, list_id, "listId")?;
        let contact = read_contact(env, contact)?;
        let now = instant(env, Some(now), "now")?;
        let out = self
            .inner
            .add_to_list(&id, contact, now)
            .map_err(|e| core_error(env, &e))?;
        changes(env, &out)
    }

    /// Takes a contact out of a list by hand at `now`; returns the list changes. Throws a
    /// `ListError` (`list.unknown`, `list.contact.unknown` at `/contact`).
    #[napi(
        catch_unwind,
        ts_args_type = "listId: string, contactId: string, now: Date | string",
        ts_return_type = "ListChange[]"
    )]
    pub fn remove_from_list<'env>(
        &mut self,
        env: &'env Env,
        list_id: Unknown<'_>,
        contact_id: Unknown<'_>,
        now: Unknown<'_>,
    ) -> Result<Unknown<'env>> {
        self.check(env)?;
        let id = self::list_id(env, list_id, "listId")?;
        let contact = self::contact_id(env, contact_id, "contactId")?;
        let now = instant(env, Some(now), "now")?;
        let out = self
            .inner
            .remove_from_list(&id, &contact, now)
            .map_err(|e| core_error(env, &e))?;
        changes(env, &out)
    }

    /// Inserts a contact or edits one (the new version replaces the old one whole; the lists it
    /// is in are kept) at `now`; returns the list changes of auto-updating lists.
    #[napi(
        catch_unwind,
        ts_args_type = "contact: string | Contact, now: Date | string",
        ts_return_type = "ListChange[]"
    )]
    pub fn upsert_contact<'env>(
        &mut self,
        env: &'env Env,
        contact: Unknown<'_>,
        now: Unknown<'_>,
    ) -> Result<Unknown<'env>> {
        self.check(env)?;
        let contact = read_contact(env, contact)?;
        let now = instant(env, Some(now), "now")?;
        let out = self
            .inner
            .upsert_contact(contact, now)
            .map_err(|e| core_error(env, &e))?;
        changes(env, &out)
    }

    /// Forgets a contact and its events at `now`; it leaves every list it was in.
    #[napi(
        catch_unwind,
        ts_args_type = "contactId: string, now: Date | string",
        ts_return_type = "ListChange[]"
    )]
    pub fn remove_contact<'env>(
        &mut self,
        env: &'env Env,
        contact_id: Unknown<'_>,
        now: Unknown<'_>,
    ) -> Result<Unknown<'env>> {
        self.check(env)?;
        let id = self::contact_id(env, contact_id, "contactId")?;
        let now = instant(env, Some(now), "now")?;
        let out = self.inner.remove_contact(&id, now);
        changes(env, &out)
    }

    /// A contact, or `null`.
    #[napi(
        catch_unwind,
        ts_args_type = "contactId: string",
        ts_return_type = "Contact | null"
    )]
    pub fn contact<'env>(&self, env: &'env Env, contact_id: Unknown<'_>) -> Result<Unknown<'env>> {
        self.check(env)?;
        let id = self::contact_id(env, contact_id, "contactId")?;
        to_js(env, &self.inner.contact(&id))
    }

    /// The events of a contact, in arrival order.
    #[napi(
        catch_unwind,
        ts_args_type = "contactId: string",
        ts_return_type = "Event[]"
    )]
    pub fn events<'env>(&self, env: &'env Env, contact_id: Unknown<'_>) -> Result<Unknown<'env>> {
        self.check(env)?;
        let id = self::contact_id(env, contact_id, "contactId")?;
        to_js(env, self.inner.events(&id))
    }

    /// How many contacts the audience holds.
    #[napi(getter, catch_unwind)]
    pub fn contact_count(&self) -> u32 {
        u32::try_from(self.inner.contact_count()).unwrap_or(u32::MAX)
    }

    /// Records an activity of a contact (`{type: 'coupon_downloaded', coupon: 'X'}` …) that
    /// happened at `at`, evaluated at `now` (default: `at`): first the contact state it implies
    /// (fidelity fields, tag, consent), then its event. A contact not seen before is created
    /// with only its id. Returns the list changes.
    #[napi(
        catch_unwind,
        ts_args_type = "contactId: string, activity: string | Activity, at: Date | string, now?: Date | string | null",
        ts_return_type = "ListChange[]"
    )]
    pub fn record<'env>(
        &mut self,
        env: &'env Env,
        contact_id: Unknown<'_>,
        activity: Unknown<'_>,
        at: Unknown<'_>,
        now: Option<Unknown<'_>>,
    ) -> Result<Unknown<'env>> {
        self.check(env)?;
        let id = self::contact_id(env, contact_id, "contactId")?;
        let activity = json_text(env, activity, "activity", "a JSON string or an object")?;
        let at = instant(env, Some(at), "at")?;
        let now = match now.filter(|n| !is_nullish(n)) {
            Some(now) => instant(env, Some(now), "now")?,
            None => at,
        };
        // The core reads activities inside a record: build one around it so that its errors
        // locate inside the activity (`/activity/…`).
        let record = format!(
            "{{\"contact\": {}, \"at\": {}, \"activity\": {activity}}}",
            serde_json::Value::String(id.as_str().to_owned()),
            serde_json::Value::String(serde_string(&at)?)
        );
        let record = ActivityRecord::from_json(&record).map_err(|e| core_error(env, &e))?;
        let out = self
            .inner
            .record(&record.contact, record.activity, record.at, now);
        changes(env, &out)
    }

    /// Records an activity record `{contact, at, activity}` (the core's JSON form), evaluated
    /// at `now`. Returns the list changes.
    #[napi(
        catch_unwind,
        ts_args_type = "record: string | ActivityRecord, now: Date | string",
        ts_return_type = "ListChange[]"
    )]
    pub fn record_activity<'env>(
        &mut self,
        env: &'env Env,
        record: Unknown<'_>,
        now: Unknown<'_>,
    ) -> Result<Unknown<'env>> {
        self.check(env)?;
        let text = json_text(env, record, "record", "a JSON string or an object")?;
        let now = instant(env, Some(now), "now")?;
        let record = ActivityRecord::from_json(&text).map_err(|e| core_error(env, &e))?;
        let out = self
            .inner
            .record(&record.contact, record.activity, record.at, now);
        changes(env, &out)
    }

    /// Records an event (`{contact, name, at, properties?}`) at `now`; returns the list changes.
    #[napi(
        catch_unwind,
        ts_args_type = "event: string | Event, now: Date | string",
        ts_return_type = "ListChange[]"
    )]
    pub fn record_event<'env>(
        &mut self,
        env: &'env Env,
        event: Unknown<'_>,
        now: Unknown<'_>,
    ) -> Result<Unknown<'env>> {
        self.check(env)?;
        let text = json_text(env, event, "event", "a JSON string or an object")?;
        let now = instant(env, Some(now), "now")?;
        let event = Event::from_json(&text).map_err(|e| core_error(env, &e))?;
        let out = self.inner.record_event(event, now);
        changes(env, &out)
    }

    /// Re-evaluates the time-relative lists due at `now`; returns the list changes.
    #[napi(
        catch_unwind,
        ts_args_type = "now: Date | string",
        ts_return_type = "ListChange[]"
    )]
    pub fn tick<'env>(&mut self, env: &'env Env, now: Unknown<'_>) -> Result<Unknown<'env>> {
        self.check(env)?;
        let now = instant(env, Some(now), "now")?;
        let out = self.inner.tick(now);
        changes(env, &out)
    }

    /// The earliest instant at which `tick` can change a list (RFC 3339, UTC), or `null`.
    #[napi(catch_unwind)]
    pub fn next_wakeup(&self) -> Result<Option<String>> {
        self.inner
            .next_wakeup()
            .map(|t| serde_string(&t))
            .transpose()
    }
}

/// The condition of the segment engine a list source (with its filters) compiles to, as the
/// core's JSON form (`Segment.fromJson(c).toText()` prints it).
///
/// Throws a `ListError` `list.filter.invalid` with the `path` inside the source (`/age`,
/// `/dates/from` …), or a `FlowFormatError` for a document that is not a source.
#[napi(
    catch_unwind,
    ts_args_type = "source: string | Source",
    ts_return_type = "Condition"
)]
pub fn source_condition<'env>(env: &'env Env, source: Unknown<'_>) -> Result<Unknown<'env>> {
    let text = json_text(env, source, "source", "a JSON string or an object")?;
    let source = Source::from_json(&text).map_err(|e| core_error(env, &e))?;
    source.validate().map_err(|e| core_error(env, &e))?;
    to_js(env, &source.to_condition())
}

/// The (flow, change) pairs where a list change fires a list trigger of an active flow
/// (`entered` fires `on: 'entered'`, `exited` fires `on: 'left'`), in change order then flow
/// order: `[{flow, list, contact, change, at}]`.
#[napi(
    catch_unwind,
    ts_args_type = "changes: ListChange[], flows: Array<Flow | string | object>",
    ts_return_type = "TriggerHit[]"
)]
pub fn list_trigger_hits<'env>(
    env: &'env Env,
    changes: Unknown<'_>,
    flows: Unknown<'_>,
) -> Result<Unknown<'env>> {
    let changes = crate::convert::json_array(env, changes, "changes", "", ListChange::from_json)?;
    if !flows.is_array()? {
        let received = type_of(flows.get_type()?);
        return Err(type_error(
            env,
            &format!("The \"flows\" argument must be an array. Received type {received}"),
        ));
    }
    let list = flows.coerce_to_object()?;
    let len = list.get_array_length()?;
    let mut parsed = Vec::with_capacity(len as usize);
    for i in 0..len {
        let item: MaybeFlow<'_> = list.get_element(i)?;
        parsed.push(FlowArg::read(env, item, &format!("flows[{i}]"))?.into_owned());
    }
    to_js(env, &sequenza::list::list_trigger_hits(&changes, &parsed))
}
