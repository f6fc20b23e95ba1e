//! [`ContactTable`]: contacts stored column by column, built from contacts or from columns.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::OnceLock;

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;

use super::bitmap::Bitmap;
use super::column::{Column, ColumnBuilder, FxMap};
use super::dates::Instant;
use super::events::{EventStream, RawEvent};
use crate::error::{Error, FormatCode, FormatError};
use crate::model::{
    Channel, ConsentStatus, Contact, ContactId, Event, FieldSchema, FieldType, BUILTIN_FIELDS,
};

/// Contacts stored column by column for evaluating conditions over all of them at once.
///
/// Each profile field is a typed column (numbers as `f64`, text interned into a sorted
/// dictionary, date readings derived once per distinct text, booleans as bitmaps, text lists as
/// offsets + codes); tags and lists are one bitmap each; consent is one small code per channel;
/// time zones are codes into a short list of zones; events are grouped by name, sorted by
/// contact and time, with their properties as columns.
///
/// Build it from contacts and events ([`ContactTable::from_contacts`]) or from columns
/// ([`ContactTable::builder`]), then [`evaluate`](ContactTable::evaluate) conditions.
pub struct ContactTable {
    pub(crate) ids: Vec<ContactId>,
    /// Whether the fields were declared (a schema or the builder): then an unknown field is an
    /// error rather than a field every contact lacks.
    pub(crate) declared: bool,
    pub(crate) columns: BTreeMap<String, Column>,
    pub(crate) id_column: OnceLock<Column>,
    pub(crate) missing: OnceLock<Column>,
    pub(crate) tags: FxMap<String, Bitmap>,
    pub(crate) lists: FxMap<String, Bitmap>,
    /// Per channel (in [`Channel::ALL`] order): one code per row, empty when all unknown.
    pub(crate) consent: [Vec<u8>; 4],
    /// Per row: index into `zones`; empty when every row uses the default zone.
    pub(crate) zone_codes: Vec<u16>,
    /// `zones[0]` is `None`: the evaluation's default zone.
    pub(crate) zones: Vec<Option<Tz>>,
    pub(crate) events: BTreeMap<String, EventStream>,
}

impl fmt::Debug for ContactTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContactTable")
            .field("contacts", &self.ids.len())
            .field("fields", &self.columns.keys().collect::<Vec<_>>())
            .field("tags", &self.tags.len())
            .field("lists", &self.lists.len())
            .field("events", &self.events.keys().collect::<Vec<_>>())
            .finish()
    }
}

pub(crate) fn consent_code(s: ConsentStatus) -> u8 {
    match s {
        ConsentStatus::Unknown => 0,
        ConsentStatus::OptedIn => 1,
        ConsentStatus::OptedOut => 2,
    }
}

pub(crate) fn channel_index(c: Channel) -> usize {
    match c {
        Channel::Email => 0,
        Channel::Sms => 1,
        Channel::WebPush => 2,
        Channel::WhatsApp => 3,
    }
}

/// The declared type of a built-in attribute.
pub(crate) fn builtin_type(key: &str) -> Option<FieldType> {
    match key {
        "created_at" | "updated_at" => Some(FieldType::DateTime),
        k if BUILTIN_FIELDS.contains(&k) => Some(FieldType::Text),
        _ => None,
    }
}

/// The text form of an instant attribute, as its JSON form writes it.
pub(crate) fn instant_text(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

pub(crate) fn invalid(path: String, message: String) -> Error {
    Error::Format(Box::new(FormatError {
        code: FormatCode::Invalid,
        path,
        line: 0,
        column: 0,
        message,
    }))
}

pub(crate) fn escape(token: &str) -> String {
    crate::error::escape_pointer(token)
}

impl ContactTable {
    /// The number of contacts (rows).
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when the table has no contacts.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The contact ids, by row.
    pub fn ids(&self) -> &[ContactId] {
        &self.ids
    }

    /// The members of segments by contact id (`{segment: [contact, …]}`, as callers know them)
    /// as the row bitmaps [`Evaluation::with_segments`](super::Evaluation::with_segments) reads;
    /// ids that are not rows of this table are left out.
    ///
    /// ```
    /// use sequenza::condition::bulk::ContactTable;
    /// use sequenza::Contact;
    /// let contacts = [Contact::from_json(r#"{"id": "a"}"#)?, Contact::from_json(r#"{"id": "b"}"#)?];
    /// let table = ContactTable::from_contacts(&contacts, &[], None)?;
    /// let members = [("vip".to_owned(), vec!["b".to_owned(), "zed".to_owned()])];
    /// let bitmaps = table.segment_rows(members.iter().map(|(s, m)| (s.as_str(), m.as_slice())));
    /// assert_eq!(bitmaps[&"vip".into()].iter().collect::<Vec<_>>(), vec![1]);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn segment_rows<'m>(
        &self,
        members: impl IntoIterator<Item = (&'m str, &'m [String])>,
    ) -> HashMap<crate::model::SegmentId, Bitmap> {
        let rows: HashMap<&str, usize> = self
            .ids
            .iter()
            .enumerate()
            .map(|(r, id)| (id.as_str(), r))
            .collect();
        let bitmap = |ids: &[String]| {
            Bitmap::from_rows(
                self.len(),
                ids.iter().filter_map(|m| rows.get(m.as_str()).copied()),
            )
        };
        members
            .into_iter()
            .map(|(s, ids)| (s.into(), bitmap(ids)))
            .collect()
    }

    /// The row of a contact id (a linear scan: keep a map if you need many).
    pub fn row_of(&self, id: &str) -> Option<usize> {
        self.ids.iter().position(|c| c.as_str() == id)
    }

    /// The field keys that have a column (declared or seen), built-in attributes excluded.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.columns
            .keys()
            .map(String::as_str)
            .filter(|k| !BUILTIN_FIELDS.contains(k))
    }

    /// The column of a field key: a declared or seen field, or a built-in attribute. `None` when
    /// the field is unknown to a table with declared fields.
    pub(crate) fn column(&self, key: &str) -> Option<&Column> {
        if key == "id" {
            return Some(self.id_column.get_or_init(|| {
                let mut b = ColumnBuilder::new(self.ids.len(), Some(FieldType::Text));
                for (row, id) in self.ids.iter().enumerate() {
                    b.text(row, id.as_str());
                }
                b.finish()
            }));
        }
        if let Some(c) = self.columns.get(key) {
            return Some(c);
        }
        if !self.declared || BUILTIN_FIELDS.contains(&key) {
            return Some(self.missing());
        }
        None
    }

    pub(crate) fn missing(&self) -> &Column {
        self.missing
            .get_or_init(|| Column::empty(self.ids.len(), None))
    }

    /// Builds the table from contacts and their events.
    ///
    /// With a schema, the columns are the declared fields (values of undeclared fields are not
    /// kept, and a condition on an unknown field is an error); without one, every field key
    /// seen becomes a column and an unknown field is simply missing for every contact. Built-in
    /// attributes (`email`, `phone`, `time_zone`, `locale`, `created_at`, `updated_at`, `id`)
    /// are always columns. Events of contacts not in `contacts` are ignored.
    ///
    /// ```
    /// use sequenza::condition::bulk::ContactTable;
    /// use sequenza::{Contact, Event, FieldSchema};
    /// let contacts = vec![
    ///     Contact::from_json(r#"{"id": "a", "fields": {"city": "Milano"}, "tags": ["vip"]}"#)?,
    ///     Contact::from_json(r#"{"id": "b", "fields": {"city": "Roma"}}"#)?,
    /// ];
    /// let events = vec![Event::from_json(
    ///     r#"{"contact": "b", "name": "order.placed", "at": "2026-11-01T10:00:00Z"}"#)?];
    /// let schema = FieldSchema::from_json(r#"{"fields": [{"key": "city", "type": "text"}]}"#)?;
    /// let table = ContactTable::from_contacts(&contacts, &events, Some(&schema))?;
    /// assert_eq!(table.len(), 2);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn from_contacts(
        contacts: &[Contact],
        events: &[Event],
        schema: Option<&FieldSchema>,
    ) -> crate::Result<ContactTable> {
        let n = contacts.len();
        let mut rows: FxMap<&str, u32> = FxMap::default();
        rows.reserve(n);
        for (i, c) in contacts.iter().enumerate() {
            if rows.insert(c.id.as_str(), i as u32).is_some() {
                return Err(invalid(
                    format!("/{i}/id"),
                    format!("The contact id \"{}\" appears more than once.", c.id),
                ));
            }
        }
        let mut builders: BTreeMap<String, ColumnBuilder> = BTreeMap::new();
        if let Some(schema) = schema {
            for f in &schema.fields {
                if !BUILTIN_FIELDS.contains(&f.key.as_str()) {
                    builders.insert(f.key.clone(), ColumnBuilder::new(n, Some(f.field_type)));
                }
            }
        }
        let mut builtins: Vec<(&str, ColumnBuilder)> = BUILTIN_FIELDS
            .iter()
            .filter(|k| **k != "id")
            .map(|k| (*k, ColumnBuilder::new(n, builtin_type(k))))
            .collect();
        let mut tags = TagSets::new(n);
        let mut lists = TagSets::new(n);
        let mut consent: [Vec<u8>; 4] = Default::default();
        let mut zones = Zones::default();
        for (row, c) in contacts.iter().enumerate() {
            for (key, value) in &c.fields {
                if BUILTIN_FIELDS.contains(&key.as_str()) {
                    continue;
                }
                let b = match builders.get_mut(key.as_str()) {
                    Some(b) => b,
                    None if schema.is_none() => builders
                        .entry(key.clone())
                        .or_insert_with(|| ColumnBuilder::new(n, None)),
                    None => continue,
                };
                b.value(row, value);
            }
            let created = c.created_at.as_ref().map(instant_text);
            let updated = c.updated_at.as_ref().map(instant_text);
            for (key, b) in &mut builtins {
                let v = match *key {
                    "email" => c.email.as_deref(),
                    "phone" => c.phone.as_deref(),
                    "time_zone" => c.time_zone.as_deref(),
                    "locale" => c.locale.as_deref(),
                    "created_at" => created.as_deref(),
                    "updated_at" => updated.as_deref(),
                    _ => None,
                };
                if let Some(v) = v {
                    b.text(row, v);
                }
            }
            for t in &c.tags {
                tags.add(t, row);
            }
            for l in &c.lists {
                lists.add(l.as_str(), row);
            }
            for (ch, status) in &c.consent {
                let code = consent_code(status.status);
                if code != 0 {
                    let v = &mut consent[channel_index(*ch)];
                    if v.is_empty() {
                        v.resize(n, 0);
                    }
                    if let Some(slot) = v.get_mut(row) {
                        *slot = code;
                    }
                }
            }
            zones.set(row, n, c.time_zone.as_deref());
        }
        if zones.list.is_empty() {
            zones.list.push(None);
        }
        let mut columns: BTreeMap<String, Column> =
            builders.into_iter().map(|(k, b)| (k, b.finish())).collect();
        for (k, b) in builtins {
            columns.insert(k.to_owned(), b.finish());
        }
        // Events, grouped by name.
        let mut by_name: BTreeMap<&str, Vec<RawEvent>> = BTreeMap::new();
        for (i, e) in events.iter().enumerate() {
            if let Some(&row) = rows.get(e.contact.as_str()) {
                by_name.entry(e.name.as_str()).or_default().push(RawEvent {
                    row,
                    at: Instant::of(e.at),
                    input: i,
                });
            }
        }
        let mut streams = BTreeMap::new();
        for (name, raw) in by_name {
            let (mut stream, order) = EventStream::sorted(n, raw);
            let mut props: BTreeMap<&str, ColumnBuilder> = BTreeMap::new();
            for (pos, input) in order.iter().enumerate() {
                if let Some(e) = events.get(*input) {
                    for (k, v) in &e.properties {
                        props
                            .entry(k.as_str())
                            .or_insert_with(|| ColumnBuilder::new(order.len(), None))
                            .json(pos, v);
                    }
                }
            }
            stream.props = props
                .into_iter()
                .map(|(k, b)| (k.to_owned(), b.finish()))
                .collect();
            streams.insert(name.to_owned(), stream);
        }
        Ok(ContactTable {
            ids: contacts.iter().map(|c| c.id.clone()).collect(),
            declared: schema.is_some(),
            columns,
            id_column: OnceLock::new(),
            missing: OnceLock::new(),
            tags: tags.finish(),
            lists: lists.finish(),
            consent,
            zone_codes: zones.codes,
            zones: zones.list,
            events: streams,
        })
    }

    /// A builder that takes whole columns (for data that is already column-wise, such as Arrow
    /// record batches). Every column has one entry per contact, in the order of `ids`.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::condition::bulk::ContactTable;
    /// use sequenza::condition::Condition;
    ///
    /// let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap();
    /// let table = ContactTable::builder(vec!["a", "b", "c"])
    ///     .number_column("age", vec![Some(31.0), Some(52.0), None])
    ///     .text_column("city", vec![Some("Milano"), Some("Roma"), Some("milano")])
    ///     .tags(vec![vec!["vip"], vec![], vec!["vip", "newsletter"]])
    ///     .events("order.placed", vec![1, 2], vec![now - chrono::Duration::days(3); 2])
    ///     .event_number_property("order.placed", "amount", vec![Some(120.0), Some(15.0)])
    ///     .build()?;
    ///
    /// let c = Condition::from_json(r#"{"type": "and", "conditions": [
    ///   {"type": "field", "field": "city", "op": "eq", "value": "MILANO", "fold": true},
    ///   {"type": "aggregate", "name": "order.placed", "agg": "sum", "property": "amount",
    ///    "op": "gte", "value": 10}
    /// ]}"#)?;
    /// let hits = table.evaluate(&c, now, chrono_tz::UTC)?;
    /// assert_eq!(hits.iter().collect::<Vec<_>>(), vec![2]);
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn builder<I: Into<ContactId>>(ids: Vec<I>) -> super::ContactTableBuilder {
        super::builder::ContactTableBuilder::new(ids.into_iter().map(Into::into).collect())
    }
}

/// Collects one bitmap per name (tags or lists).
pub(crate) struct TagSets {
    n: usize,
    sets: FxMap<String, Bitmap>,
}

impl TagSets {
    pub(crate) fn new(n: usize) -> Self {
        TagSets {
            n,
            sets: FxMap::default(),
        }
    }

    pub(crate) fn add(&mut self, name: &str, row: usize) {
        match self.sets.get_mut(name) {
            Some(b) => b.insert(row),
            None => {
                let mut b = Bitmap::new(self.n);
                b.insert(row);
                self.sets.insert(name.to_owned(), b);
            }
        }
    }

    pub(crate) fn finish(self) -> FxMap<String, Bitmap> {
        self.sets
    }
}

/// Interns time zones; unknown names and missing zones use the evaluation's default (code 0).
#[derive(Default)]
pub(crate) struct Zones {
    pub(crate) codes: Vec<u16>,
    pub(crate) list: Vec<Option<Tz>>,
    by_name: HashMap<String, u16>,
}

impl Zones {
    pub(crate) fn set(&mut self, row: usize, n: usize, name: Option<&str>) {
        if self.list.is_empty() {
            self.list.push(None);
        }
        let Some(name) = name else { return };
        let code = match self.by_name.get(name) {
            Some(c) => *c,
            None => {
                let code = match name.parse::<Tz>() {
                    Ok(tz) if self.list.len() < usize::from(u16::MAX) => {
                        self.list.push(Some(tz));
                        (self.list.len() - 1) as u16
                    }
                    _ => 0,
                };
                self.by_name.insert(name.to_owned(), code);
                code
            }
        };
        if code != 0 {
            if self.codes.is_empty() {
                self.codes.resize(n, 0);
            }
            if let Some(slot) = self.codes.get_mut(row) {
                *slot = code;
            }
        }
    }
}
