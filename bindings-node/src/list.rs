//! Lists (issue 5): the `Audience` handle (contacts, activities, lists kept current), and the
//! free functions `sourceCondition` and `listTriggerHits`. Lists, sources, contacts, activities
//! and list changes are the core's JSON forms; every rule is the core's.

use napi::bindgen_prelude::Unknown;
use napi::{Env, JsValue, Result};
use napi_derive::napi;
use sequenza::list::{ActivityRecord, List, ListChange, Source};
use sequenza::model::{ContactId, ListId};
use sequenza::{Contact, Event};

use crate::convert::{
    doc, given, instant, iso, range_error, schema, string, to_js, zone, Arg, Opts,
};
use crate::errors::OrThrow;
use crate::flow::flows;

/// Contacts, their activities and events, and the contact lists, kept consistent by the core:
/// auto-updating lists follow every change, and each change returns the list changes it caused
/// (`[{list, contact, change: 'entered' | 'exited', at}]`).
#[napi]
#[derive(Debug, Default)]
pub struct Audience {
    pub(crate) inner: sequenza::list::Audience,
    /// True while `importCsv` runs with this audience (moved out to the import meanwhile).
    pub(crate) busy: bool,
}

impl Audience {
    /// The audience, unless `importCsv` is writing into it.
    pub(crate) fn get(&self, env: &Env) -> Result<&sequenza::list::Audience> {
        if self.busy {
            return Err(range_error(
                env,
                "The Audience is busy: importCsv is writing into it",
            ));
        }
        Ok(&self.inner)
    }

    fn get_mut(&mut self, env: &Env) -> Result<&mut sequenza::list::Audience> {
        self.get(env)?;
        Ok(&mut self.inner)
    }
}

fn list_id(env: &Env, value: Arg) -> Result<ListId> {
    string(env, value, "listId").map(ListId::new)
}

fn contact_id(env: &Env, value: Arg) -> Result<ContactId> {
    string(env, value, "contactId").map(ContactId::new)
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A whole number ≥ 0 option (`offset`, `limit`).
fn count_option(env: &Env, opts: &Opts<'_>, key: &str, default: usize) -> Result<usize> {
    let Some(value) = opts.get(key)? else {
        return Ok(default);
    };
    let name = format!("options.{key}");
    if value.get_type()? != napi::ValueType::Number {
        return Err(crate::convert::wrong_type(
            env,
            Some(&value),
            &name,
            "of type number",
        ));
    }
    let n = value.coerce_to_number()?.get_double()?;
    if !(n.is_finite() && n >= 0.0 && n.fract() == 0.0) {
        let message = format!("The \"{name}\" argument must be a whole number >= 0. Received {n}");
        return Err(range_error(env, &message));
    }
    Ok(n as usize)
}

#[napi]
impl Audience {
    /// An empty audience. `options.defaultTimeZone` (IANA name, UTC when absent) is the zone of
    /// contacts without one. `options.fields` (a field schema) is enforced by `upsertContact`:
    /// defaults fill absent fields; a value that does not fit its type (or an empty required
    /// field) throws a `ListError` `list.field.invalid` / `list.field.required` at
    /// `/fields/<key>`.
    #[napi(constructor, ts_args_type = "options?: AudienceOptions")]
    pub fn new(env: &Env, options: Arg) -> Result<Self> {
        let opts = Opts::read(env, options, "options", &["defaultTimeZone", "fields"])?;
        let tz = zone(env, opts.get("defaultTimeZone")?, "options.defaultTimeZone")?;
        let fields = schema(env, opts.get("fields")?, "options.fields")?.unwrap_or_default();
        let inner = sequenza::list::Audience::new()
            .with_default_time_zone(tz.unwrap_or_default())
            .with_fields(fields);
        Ok(Audience { inner, busy: false })
    }

    /// Creates a list (`{id, name, source, auto_update?, remove_exits?}`) and fills it from its
    /// source at `now`; returns how many contacts went in. Throws a `ListError`.
    #[napi(ts_args_type = "list: string | List, now: Instant")]
    pub fn create_list(&mut self, env: &Env, list: Arg, now: Arg) -> Result<u32> {
        let list = doc(env, list, "list", List::from_json)?;
        let now = instant(env, now, "now")?;
        self.get_mut(env)?
            .create_list(list, now)
            .map(count)
            .or_throw(env)
    }

    /// Renames a list. Throws a `ListError` (`list.unknown`, `list.name.empty`).
    #[napi(ts_args_type = "listId: string, name: string")]
    pub fn rename_list(&mut self, env: &Env, list_id: Arg, name: Arg) -> Result<()> {
        let (id, name) = (self::list_id(env, list_id)?, string(env, name, "name")?);
        self.get_mut(env)?.rename_list(&id, name).or_throw(env)
    }

    /// Deletes a list; its contacts no longer name it. Throws a `ListError` (`list.unknown`).
    #[napi(ts_args_type = "listId: string, now: Instant")]
    pub fn delete_list(&mut self, env: &Env, list_id: Arg, now: Arg) -> Result<()> {
        let (id, now) = (self::list_id(env, list_id)?, instant(env, now, "now")?);
        self.get_mut(env)?.delete_list(&id, now).or_throw(env)
    }

    /// A list, or `null` for an unknown id.
    #[napi(ts_args_type = "listId: string", ts_return_type = "List | null")]
    pub fn list<'e>(&self, env: &'e Env, list_id: Arg) -> Result<Unknown<'e>> {
        let id = self::list_id(env, list_id)?;
        to_js(env, &self.get(env)?.list(&id))
    }

    /// Every list, in id order.
    #[napi(ts_return_type = "List[]")]
    pub fn lists<'e>(&self, env: &'e Env) -> Result<Unknown<'e>> {
        to_js(env, &self.get(env)?.lists().collect::<Vec<_>>())
    }

    /// One page of a list's members, in contact id order: `{total, offset, contacts}`
    /// (`options.offset` default 0, `options.limit` default 50). Throws `list.unknown`.
    #[napi(
        ts_args_type = "listId: string, options?: MembersOptions | null",
        ts_return_type = "MemberPage"
    )]
    pub fn members<'e>(&self, env: &'e Env, list_id: Arg, options: Arg) -> Result<Unknown<'e>> {
        let id = self::list_id(env, list_id)?;
        let opts = Opts::read(env, options, "options", &["offset", "limit"])?;
        let offset = count_option(env, &opts, "offset", 0)?;
        let limit = count_option(env, &opts, "limit", 50)?;
        to_js(
            env,
            &self.get(env)?.members(&id, offset, limit).or_throw(env)?,
        )
    }

    /// The ids of a list's members, in id order (none for an unknown list).
    #[napi(ts_args_type = "listId: string")]
    pub fn member_ids(&self, env: &Env, list_id: Arg) -> Result<Vec<String>> {
        let id = self::list_id(env, list_id)?;
        Ok(self
            .get(env)?
            .member_ids(&id)
            .map(|c| c.as_str().to_owned())
            .collect())
    }

    /// How many members a list has, `null` for an unknown list.
    #[napi(ts_args_type = "listId: string")]
    pub fn member_count(&self, env: &Env, list_id: Arg) -> Result<Option<u32>> {
        let id = self::list_id(env, list_id)?;
        Ok(self.get(env)?.member_count(&id).map(count))
    }

    /// True when the contact is in the list.
    #[napi(ts_args_type = "listId: string, contactId: string")]
    pub fn is_member(&self, env: &Env, list_id: Arg, contact_id: Arg) -> Result<bool> {
        let (list, contact) = (
            self::list_id(env, list_id)?,
            self::contact_id(env, contact_id)?,
        );
        Ok(self.get(env)?.is_member(&list, &contact))
    }

    /// Adds a contact to a list by hand (inserting or updating the contact first) at `now`;
    /// returns the list changes. Throws a `ListError` (`list.unknown`).
    #[napi(
        ts_args_type = "listId: string, contact: string | Contact, now: Instant",
        ts_return_type = "ListChange[]"
    )]
    pub fn add_to_list<'e>(
        &mut self,
        env: &'e Env,
        list_id: Arg,
        contact: Arg,
        now: Arg,
    ) -> Result<Unknown<'e>> {
        let id = self::list_id(env, list_id)?;
        let contact = doc(env, contact, "contact", Contact::from_json)?;
        let now = instant(env, now, "now")?;
        to_js(
            env,
            &self
                .get_mut(env)?
                .add_to_list(&id, contact, now)
                .or_throw(env)?,
        )
    }

    /// Takes a contact out of a list by hand at `now`; returns the list changes. Throws a
    /// `ListError` (`list.unknown`, `list.contact.unknown` at `/contact`).
    #[napi(
        ts_args_type = "listId: string, contactId: string, now: Instant",
        ts_return_type = "ListChange[]"
    )]
    pub fn remove_from_list<'e>(
        &mut self,
        env: &'e Env,
        list_id: Arg,
        contact_id: Arg,
        now: Arg,
    ) -> Result<Unknown<'e>> {
        let (id, contact) = (
            self::list_id(env, list_id)?,
            self::contact_id(env, contact_id)?,
        );
        let now = instant(env, now, "now")?;
        let out = self
            .get_mut(env)?
            .remove_from_list(&id, &contact, now)
            .or_throw(env)?;
        to_js(env, &out)
    }

    /// Inserts a contact or replaces one whole (the lists it is in are kept) at `now`; returns
    /// the list changes of auto-updating lists. Throws a `ListError` (`list.field.invalid`,
    /// `list.field.required`) for a contact that does not fit the audience's field schema.
    #[napi(
        ts_args_type = "contact: string | Contact, now: Instant",
        ts_return_type = "ListChange[]"
    )]
    pub fn upsert_contact<'e>(
        &mut self,
        env: &'e Env,
        contact: Arg,
        now: Arg,
    ) -> Result<Unknown<'e>> {
        let contact = doc(env, contact, "contact", Contact::from_json)?;
        let now = instant(env, now, "now")?;
        to_js(
            env,
            &self
                .get_mut(env)?
                .upsert_contact(contact, now)
                .or_throw(env)?,
        )
    }

    /// Forgets a contact and its events at `now`; it leaves every list it was in.
    #[napi(
        ts_args_type = "contactId: string, now: Instant",
        ts_return_type = "ListChange[]"
    )]
    pub fn remove_contact<'e>(
        &mut self,
        env: &'e Env,
        contact_id: Arg,
        now: Arg,
    ) -> Result<Unknown<'e>> {
        let (id, now) = (
            self::contact_id(env, contact_id)?,
            instant(env, now, "now")?,
        );
        to_js(env, &self.get_mut(env)?.remove_contact(&id, now))
    }

    /// A contact, or `null`.
    #[napi(ts_args_type = "contactId: string", ts_return_type = "Contact | null")]
    pub fn contact<'e>(&self, env: &'e Env, contact_id: Arg) -> Result<Unknown<'e>> {
        let id = self::contact_id(env, contact_id)?;
        to_js(env, &self.get(env)?.contact(&id))
    }

    /// The events of a contact, in arrival order.
    #[napi(ts_args_type = "contactId: string", ts_return_type = "Event[]")]
    pub fn events<'e>(&self, env: &'e Env, contact_id: Arg) -> Result<Unknown<'e>> {
        let id = self::contact_id(env, contact_id)?;
        to_js(env, self.get(env)?.events(&id))
    }

    /// How many contacts the audience holds.
    #[napi(getter)]
    pub fn contact_count(&self) -> u32 {
        count(self.inner.contact_count())
    }

    /// Records an activity of a contact (`{type: 'coupon_downloaded', coupon: 'X'}` …) that
    /// happened at `at`, evaluated at `now` (default: `at`): first the contact state it implies,
    /// then its event. Returns the list changes.
    #[napi(
        ts_args_type = "contactId: string, activity: string | Activity, at: Instant, now?: Instant | null",
        ts_return_type = "ListChange[]"
    )]
    pub fn record<'e>(
        &mut self,
        env: &'e Env,
        contact_id: Arg,
        activity: Arg,
        at: Arg,
        now: Arg,
    ) -> Result<Unknown<'e>> {
        let id = string(env, contact_id, "contactId")?;
        let activity = crate::convert::json_text(env, activity, "activity")?;
        let at = instant(env, at, "at")?;
        let now = given(now).map_or(Ok(at), |n| instant(env, Some(n), "now"))?;
        // Read inside a record, so that its errors locate inside the activity (`/activity/…`).
        let id = serde_json::Value::String(id);
        let record = format!(
            r#"{{"contact": {id}, "at": "{}", "activity": {activity}}}"#,
            iso(at)
        );
        let r = ActivityRecord::from_json(&record).or_throw(env)?;
        to_js(
            env,
            &self.get_mut(env)?.record(&r.contact, r.activity, r.at, now),
        )
    }

    /// Records an activity record `{contact, at, activity}` (the core's JSON form), evaluated
    /// at `now`. Returns the list changes.
    #[napi(
        ts_args_type = "record: string | ActivityRecord, now: Instant",
        ts_return_type = "ListChange[]"
    )]
    pub fn record_activity<'e>(
        &mut self,
        env: &'e Env,
        record: Arg,
        now: Arg,
    ) -> Result<Unknown<'e>> {
        let r = doc(env, record, "record", ActivityRecord::from_json)?;
        let now = instant(env, now, "now")?;
        to_js(
            env,
            &self.get_mut(env)?.record(&r.contact, r.activity, r.at, now),
        )
    }

    /// Records an event (`{contact, name, at, properties?}`) at `now`; returns the list changes.
    #[napi(
        ts_args_type = "event: string | Event, now: Instant",
        ts_return_type = "ListChange[]"
    )]
    pub fn record_event<'e>(&mut self, env: &'e Env, event: Arg, now: Arg) -> Result<Unknown<'e>> {
        let event = doc(env, event, "event", Event::from_json)?;
        let now = instant(env, now, "now")?;
        to_js(env, &self.get_mut(env)?.record_event(event, now))
    }

    /// Re-evaluates the time-relative lists due at `now`; returns the list changes.
    #[napi(ts_args_type = "now: Instant", ts_return_type = "ListChange[]")]
    pub fn tick<'e>(&mut self, env: &'e Env, now: Arg) -> Result<Unknown<'e>> {
        let now = instant(env, now, "now")?;
        to_js(env, &self.get_mut(env)?.tick(now))
    }

    /// The earliest instant at which `tick` can change a list, or `null`.
    #[napi]
    pub fn next_wakeup(&self) -> Option<String> {
        self.inner.next_wakeup().map(iso)
    }
}

/// The condition a list source (with its filters) compiles to, in the core's JSON form. Throws
/// a `ListError` `list.filter.invalid` with the `path` inside the source.
#[napi(ts_args_type = "source: string | Source", ts_return_type = "Condition")]
pub fn source_condition<'e>(env: &'e Env, source: Arg) -> Result<Unknown<'e>> {
    let source = doc(env, source, "source", Source::from_json)?;
    source.validate().or_throw(env)?;
    to_js(env, &source.to_condition())
}

/// The (flow, change) pairs where a list change fires a list trigger of an active flow, in
/// change order then flow order: `[{flow, list, contact, change, at}]`.
#[napi(
    ts_args_type = "changes: ListChange[], flows: Array<Flow | string | object>",
    ts_return_type = "TriggerHit[]"
)]
pub fn list_trigger_hits<'e>(env: &'e Env, changes: Arg, flows: Arg) -> Result<Unknown<'e>> {
    let changes = crate::convert::array(env, changes, "changes", ListChange::from_json)?;
    let flows = self::flows(env, flows, "flows")?;
    to_js(env, &sequenza::list::list_trigger_hits(&changes, &flows))
}
