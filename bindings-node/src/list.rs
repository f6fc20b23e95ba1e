//! Lists (issue 5): the `Audience` handle (contacts, activities, lists kept current), and the
//! free functions `sourceCondition` and `listTriggerHits`. Lists, sources, contacts, activities
//! and list changes are the core's JSON forms; every rule is the core's.

use napi::{Env, Result};
use napi_derive::napi;
use sequenza::list::Activity;

use crate::arg::{
    ActivityJson, At, Changes, Contact, ContactId, Event, Flows, List, ListId, Name, Now, Record,
    Source,
};
use crate::convert::{count, ids, iso, out, range_error, value, Arg, Opts, Out};
use crate::errors::OrThrow;

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
            return Err(range_error(env, BUSY));
        }
        Ok(&self.inner)
    }

    fn get_mut(&mut self, env: &Env) -> Result<&mut sequenza::list::Audience> {
        self.get(env)?;
        Ok(&mut self.inner)
    }

    /// `f` of the audience, unless `importCsv` is writing into it (then a `RangeError`).
    fn with<'a>(&'a self, f: impl FnOnce(&'a sequenza::list::Audience) -> Out<'a>) -> Out<'a> {
        match self.busy {
            true => Out::range_error(BUSY),
            false => f(&self.inner),
        }
    }

    /// `f` of the audience to change, unless `importCsv` is writing into it.
    fn with_mut<'a>(&'a mut self, f: impl FnOnce(&'a mut Inner) -> Out<'a>) -> Out<'a> {
        match self.busy {
            true => Out::range_error(BUSY),
            false => f(&mut self.inner),
        }
    }
}

type Inner = sequenza::list::Audience;

const BUSY: &str = "The Audience is busy: importCsv is writing into it";

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
        let inner = sequenza::list::Audience::new()
            .with_default_time_zone(opts.opt("defaultTimeZone")?.unwrap_or_default())
            .with_fields(opts.opt("fields")?.unwrap_or_default());
        Ok(Audience { inner, busy: false })
    }

    /// Creates a list (`{id, name, source, auto_update?, remove_exits?}`) and fills it from its
    /// source at `now`; returns how many contacts went in. Throws a `ListError`.
    #[napi(ts_args_type = "list: string | List, now: Instant")]
    pub fn create_list(&mut self, env: &Env, list: List, now: Now) -> Result<u32> {
        let result = self.get_mut(env)?.create_list(list.0, now.0);
        result.map(count).or_throw(env)
    }

    /// Renames a list. Throws a `ListError` (`list.unknown`, `list.name.empty`).
    #[napi(ts_args_type = "listId: string, name: string")]
    pub fn rename_list(&mut self, env: &Env, id: ListId, name: Name) -> Result<()> {
        self.get_mut(env)?.rename_list(&id.0, name.0).or_throw(env)
    }

    /// Deletes a list; its contacts no longer name it. Throws a `ListError` (`list.unknown`).
    #[napi(ts_args_type = "listId: string, now: Instant")]
    pub fn delete_list(&mut self, env: &Env, id: ListId, now: Now) -> Result<()> {
        self.get_mut(env)?.delete_list(&id.0, now.0).or_throw(env)
    }

    /// A list, or `null` for an unknown id.
    #[napi(ts_args_type = "listId: string", ts_return_type = "List | null")]
    pub fn list(&self, id: ListId) -> Out<'_> {
        self.with(|a| value(a.list(&id.0)))
    }

    /// Every list, in id order.
    #[napi(ts_return_type = "List[]")]
    pub fn lists(&self) -> Out<'_> {
        self.with(|a| value(a.lists().collect::<Vec<_>>()))
    }

    /// One page of a list's members, in contact id order: `{total, offset, contacts}`
    /// (`options.offset` default 0, `options.limit` default 50). Throws `list.unknown`.
    #[napi(
        ts_args_type = "listId: string, options?: MembersOptions | null",
        ts_return_type = "MemberPage"
    )]
    pub fn members(&self, env: &Env, id: ListId, options: Arg) -> Result<Out<'_>> {
        let opts = Opts::read(env, options, "options", &["offset", "limit"])?;
        let (offset, limit) = (opts.opt("offset")?, opts.opt("limit")?);
        let (offset, limit) = (offset.unwrap_or(0), limit.unwrap_or(50));
        Ok(self.with(|a| out(a.members(&id.0, offset, limit))))
    }

    /// The ids of a list's members, in id order (none for an unknown list).
    #[napi(ts_args_type = "listId: string")]
    pub fn member_ids(&self, env: &Env, id: ListId) -> Result<Vec<String>> {
        Ok(ids(self.get(env)?.member_ids(&id.0)))
    }

    /// How many members a list has, `null` for an unknown list.
    #[napi(ts_args_type = "listId: string")]
    pub fn member_count(&self, env: &Env, id: ListId) -> Result<Option<u32>> {
        Ok(self.get(env)?.member_count(&id.0).map(count))
    }

    /// True when the contact is in the list.
    #[napi(ts_args_type = "listId: string, contactId: string")]
    pub fn is_member(&self, env: &Env, list: ListId, id: ContactId) -> Result<bool> {
        Ok(self.get(env)?.is_member(&list.0, &id.0))
    }

    /// Adds a contact to a list by hand (inserting or updating the contact first) at `now`;
    /// returns the list changes. Throws a `ListError` (`list.unknown`).
    #[napi(
        ts_args_type = "listId: string, contact: string | Contact, now: Instant",
        ts_return_type = "ListChange[]"
    )]
    pub fn add_to_list(&mut self, id: ListId, contact: Contact, now: Now) -> Out<'_> {
        self.with_mut(|a| out(a.add_to_list(&id.0, contact.0, now.0)))
    }

    /// Takes a contact out of a list by hand at `now`; returns the list changes. Throws a
    /// `ListError` (`list.unknown`, `list.contact.unknown` at `/contact`).
    #[napi(
        ts_args_type = "listId: string, contactId: string, now: Instant",
        ts_return_type = "ListChange[]"
    )]
    pub fn remove_from_list(&mut self, id: ListId, contact: ContactId, now: Now) -> Out<'_> {
        self.with_mut(|a| out(a.remove_from_list(&id.0, &contact.0, now.0)))
    }

    /// Inserts a contact or replaces one whole (the lists it is in are kept) at `now`; returns
    /// the list changes of auto-updating lists. Throws a `ListError` (`list.field.invalid`,
    /// `list.field.required`) for a contact that does not fit the audience's field schema.
    #[napi(
        ts_args_type = "contact: string | Contact, now: Instant",
        ts_return_type = "ListChange[]"
    )]
    pub fn upsert_contact(&mut self, contact: Contact, now: Now) -> Out<'_> {
        self.with_mut(|a| out(a.upsert_contact(contact.0, now.0)))
    }

    /// Forgets a contact and its events at `now`; it leaves every list it was in.
    #[napi(
        ts_args_type = "contactId: string, now: Instant",
        ts_return_type = "ListChange[]"
    )]
    pub fn remove_contact(&mut self, id: ContactId, now: Now) -> Out<'_> {
        self.with_mut(|a| value(a.remove_contact(&id.0, now.0)))
    }

    /// A contact, or `null`.
    #[napi(ts_args_type = "contactId: string", ts_return_type = "Contact | null")]
    pub fn contact(&self, id: ContactId) -> Out<'_> {
        self.with(|a| value(a.contact(&id.0)))
    }

    /// The events of a contact, in arrival order.
    #[napi(ts_args_type = "contactId: string", ts_return_type = "Event[]")]
    pub fn events(&self, id: ContactId) -> Out<'_> {
        self.with(|a| value(a.events(&id.0)))
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
    pub fn record(
        &mut self,
        env: &Env,
        id: ContactId,
        activity: ActivityJson,
        at: At,
        now: Option<Now>,
    ) -> Result<Out<'_>> {
        let (at, now) = (at.0, now.map_or(at.0, |n| n.0));
        // Read as a record's `activity` (errors at `/activity/…`).
        let activity = Activity::from_argument(&activity.0 .0).or_throw(env)?;
        Ok(self.with_mut(|a| value(a.record(&id.0, activity, at, now))))
    }

    /// Records an activity record `{contact, at, activity}` (the core's JSON form), evaluated
    /// at `now`. Returns the list changes.
    #[napi(
        ts_args_type = "record: string | ActivityRecord, now: Instant",
        ts_return_type = "ListChange[]"
    )]
    pub fn record_activity(&mut self, r: Record, now: Now) -> Out<'_> {
        let r = r.0;
        self.with_mut(|a| value(a.record(&r.contact, r.activity, r.at, now.0)))
    }

    /// Records an event (`{contact, name, at, properties?}`) at `now`; returns the list changes.
    #[napi(
        ts_args_type = "event: string | Event, now: Instant",
        ts_return_type = "ListChange[]"
    )]
    pub fn record_event(&mut self, event: Event, now: Now) -> Out<'_> {
        self.with_mut(|a| value(a.record_event(event.0, now.0)))
    }

    /// Re-evaluates the time-relative lists due at `now`; returns the list changes.
    #[napi(ts_args_type = "now: Instant", ts_return_type = "ListChange[]")]
    pub fn tick(&mut self, now: Now) -> Out<'_> {
        self.with_mut(|a| value(a.tick(now.0)))
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
pub fn source_condition(env: &Env, source: Source) -> Result<Out<'static>> {
    source.0.validate().or_throw(env)?;
    Ok(value(source.0.to_condition()))
}

/// The (flow, change) pairs where a list change fires a list trigger of an active flow, in
/// change order then flow order: `[{flow, list, contact, change, at}]`.
#[napi(
    ts_args_type = "changes: ListChange[], flows: Array<Flow | string | object>",
    ts_return_type = "TriggerHit[]"
)]
pub fn list_trigger_hits(changes: Changes, flows: Flows) -> Out<'static> {
    value(sequenza::list::list_trigger_hits(&changes.0, &flows.0))
}
