//! [`ContactTableBuilder`]: a [`ContactTable`] from whole columns.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::bitmap::Bitmap;
use super::column::{Column, ColumnBuilder, FxMap};
use super::dates::{self, Instant};
use super::events::{EventStream, RawEvent};
use super::table::{
    builtin_type, channel_index, consent_code, escape, instant_text, invalid, ContactTable,
    TagSets, Zones,
};
use crate::error::Error;
use crate::model::{Channel, ConsentStatus, ContactId, FieldType};

/// Builds a [`ContactTable`] from whole columns; see [`ContactTable::builder`].
///
/// Problems (a column of the wrong length, a duplicate id or column, an event row out of range)
/// are reported by [`build`](ContactTableBuilder::build) as `format.invalid` errors whose path
/// names the column (`/columns/age`, `/ids/3`, `/events/order.placed/contacts/7`).
#[derive(Debug)]
pub struct ContactTableBuilder {
    ids: Vec<ContactId>,
    columns: BTreeMap<String, Column>,
    tags: Option<FxMap<String, Bitmap>>,
    lists: Option<FxMap<String, Bitmap>>,
    consent: [Vec<u8>; 4],
    zones: Option<(Vec<u16>, Vec<Option<Tz>>)>,
    events: BTreeMap<String, EventInput>,
    error: Option<Error>,
}

#[derive(Debug)]
struct EventInput {
    rows: Vec<u32>,
    at: Vec<Instant>,
    props: Vec<(String, PropInput)>,
}

#[derive(Debug)]
enum PropInput {
    Number(Vec<Option<f64>>),
    Text(Vec<Option<Box<str>>>),
}

impl ContactTableBuilder {
    pub(crate) fn new(ids: Vec<ContactId>) -> Self {
        let mut b = ContactTableBuilder {
            ids,
            columns: BTreeMap::new(),
            tags: None,
            lists: None,
            consent: Default::default(),
            zones: None,
            events: BTreeMap::new(),
            error: None,
        };
        let mut seen: FxMap<&str, usize> = FxMap::default();
        for (i, id) in b.ids.iter().enumerate() {
            if seen.insert(id.as_str(), i).is_some() {
                b.error = Some(invalid(
                    format!("/ids/{i}"),
                    format!("The contact id \"{id}\" appears more than once."),
                ));
                break;
            }
        }
        b
    }

    fn fail(&mut self, e: Error) {
        if self.error.is_none() {
            self.error = Some(e);
        }
    }

    fn check_len(&mut self, path: String, what: &str, got: usize) -> bool {
        if got == self.ids.len() {
            return true;
        }
        let n = self.ids.len();
        self.fail(invalid(
            path,
            format!("{what} has {got} values for {n} contacts."),
        ));
        false
    }

    fn add_column(
        mut self,
        name: &str,
        declared: FieldType,
        count: usize,
        fill: impl FnOnce(&mut ColumnBuilder),
    ) -> Self {
        let path = format!("/columns/{}", escape(name));
        if !self.check_len(path.clone(), &format!("The column \"{name}\""), count) {
            return self;
        }
        if name == "id" || self.columns.contains_key(name) {
            self.fail(invalid(
                path,
                format!("The column \"{name}\" is given twice."),
            ));
            return self;
        }
        let mut b = ColumnBuilder::new(self.ids.len(), Some(declared));
        fill(&mut b);
        self.columns.insert(name.to_owned(), b.finish());
        self
    }

    /// A `number` field.
    pub fn number_column(self, name: &str, values: Vec<Option<f64>>) -> Self {
        self.add_column(name, FieldType::Number, values.len(), |b| {
            for (row, v) in values.into_iter().enumerate() {
                if let Some(v) = v {
                    b.number(row, v);
                }
            }
        })
    }

    /// A `text` field (also the way to give built-in attributes such as `email`).
    pub fn text_column<S: AsRef<str>>(self, name: &str, values: Vec<Option<S>>) -> Self {
        let declared = builtin_type(name).unwrap_or(FieldType::Text);
        self.add_column(name, declared, values.len(), |b| {
            for (row, v) in values.iter().enumerate() {
                if let Some(v) = v {
                    b.text(row, v.as_ref());
                }
            }
        })
    }

    /// A `choice` field.
    pub fn choice_column<S: AsRef<str>>(self, name: &str, values: Vec<Option<S>>) -> Self {
        self.add_column(name, FieldType::Choice, values.len(), |b| {
            for (row, v) in values.iter().enumerate() {
                if let Some(v) = v {
                    b.text(row, v.as_ref());
                }
            }
        })
    }

    /// A `date` field from its text form (`YYYY-MM-DD`; other text is kept but is no date).
    pub fn date_column<S: AsRef<str>>(self, name: &str, values: Vec<Option<S>>) -> Self {
        self.add_column(name, FieldType::Date, values.len(), |b| {
            for (row, v) in values.iter().enumerate() {
                if let Some(v) = v {
                    b.text(row, v.as_ref());
                }
            }
        })
    }

    /// A `date` field from day numbers since 1970-01-01 (Arrow's `date32`).
    pub fn date_days_column(self, name: &str, values: Vec<Option<i32>>) -> Self {
        self.add_column(name, FieldType::Date, values.len(), |b| {
            sorted_column(b, &values, |d| {
                dates::day_date(d)
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_default()
            });
        })
    }

    /// A `datetime` field from instants (kept as their RFC 3339 text, `Z`, as in JSON).
    pub fn datetime_column(self, name: &str, values: Vec<Option<DateTime<Utc>>>) -> Self {
        let declared = builtin_type(name).unwrap_or(FieldType::DateTime);
        self.add_column(name, declared, values.len(), |b| {
            sorted_column(b, &values, |t| instant_text(&t));
        })
    }

    /// A `boolean` field.
    pub fn bool_column(self, name: &str, values: Vec<Option<bool>>) -> Self {
        self.add_column(name, FieldType::Boolean, values.len(), |b| {
            for (row, v) in values.into_iter().enumerate() {
                if let Some(v) = v {
                    b.boolean(row, v);
                }
            }
        })
    }

    /// A `text_list` field (an empty list and a missing value behave the same).
    pub fn text_list_column<S: AsRef<str>>(self, name: &str, values: Vec<Vec<S>>) -> Self {
        self.add_column(name, FieldType::TextList, values.len(), |b| {
            for (row, v) in values.iter().enumerate() {
                if !v.is_empty() {
                    b.text_list(row, v);
                }
            }
        })
    }

    fn sets<S: AsRef<str>>(
        &mut self,
        what: &str,
        values: Vec<Vec<S>>,
    ) -> Option<FxMap<String, Bitmap>> {
        if !self.check_len(format!("/{what}"), &format!("The {what}"), values.len()) {
            return None;
        }
        let mut sets = TagSets::new(self.ids.len());
        for (row, names) in values.iter().enumerate() {
            for t in names {
                sets.add(t.as_ref(), row);
            }
        }
        Some(sets.finish())
    }

    /// The tags of each contact.
    pub fn tags<S: AsRef<str>>(mut self, tags: Vec<Vec<S>>) -> Self {
        self.tags = self.sets("tags", tags);
        self
    }

    /// The lists each contact belongs to.
    pub fn lists<S: AsRef<str>>(mut self, lists: Vec<Vec<S>>) -> Self {
        self.lists = self.sets("lists", lists);
        self
    }

    /// Consent on one channel (`None` is unknown).
    pub fn consent(mut self, channel: Channel, statuses: Vec<Option<ConsentStatus>>) -> Self {
        let path = format!("/consent/{}", channel.as_str());
        if self.check_len(path, "The consent column", statuses.len()) {
            self.consent[channel_index(channel)] = statuses
                .into_iter()
                .map(|s| s.map_or(0, consent_code))
                .collect();
        }
        self
    }

    /// Each contact's IANA time zone (`None` or an unknown name: the evaluation's default).
    /// Also fills the `time_zone` attribute.
    pub fn time_zones<S: AsRef<str>>(mut self, zones: Vec<Option<S>>) -> Self {
        if !self.check_len("/time_zones".into(), "The time zones", zones.len()) {
            return self;
        }
        let n = self.ids.len();
        let mut z = Zones::default();
        let mut b = ColumnBuilder::new(n, Some(FieldType::Text));
        for (row, name) in zones.iter().enumerate() {
            let name = name.as_ref().map(AsRef::as_ref);
            z.set(row, n, name);
            if let Some(name) = name {
                b.text(row, name);
            }
        }
        if z.list.is_empty() {
            z.list.push(None);
        }
        self.zones = Some((z.codes, z.list));
        self.columns.insert("time_zone".into(), b.finish());
        self
    }

    /// Events of one name: for each event, the row of its contact (an index into `ids`) and
    /// its time. Property columns given later follow this order.
    pub fn events(mut self, name: &str, contacts: Vec<u32>, at: Vec<DateTime<Utc>>) -> Self {
        let path = format!("/events/{}", escape(name));
        if contacts.len() != at.len() {
            self.fail(invalid(
                format!("{path}/at"),
                format!(
                    "The events \"{name}\" have {} contacts but {} times.",
                    contacts.len(),
                    at.len()
                ),
            ));
            return self;
        }
        if let Some(i) = contacts.iter().position(|r| *r as usize >= self.ids.len()) {
            self.fail(invalid(
                format!("{path}/contacts/{i}"),
                format!("The event row {} is not a contact row.", contacts[i]),
            ));
            return self;
        }
        if self.events.contains_key(name) {
            self.fail(invalid(
                path,
                format!("The events \"{name}\" are given twice."),
            ));
            return self;
        }
        self.events.insert(
            name.to_owned(),
            EventInput {
                rows: contacts,
                at: at.iter().map(|t| Instant::of(*t)).collect(),
                props: Vec::new(),
            },
        );
        self
    }

    fn prop(mut self, name: &str, property: &str, len: usize, input: PropInput) -> Self {
        let path = format!("/events/{}/{}", escape(name), escape(property));
        match self.events.get_mut(name) {
            Some(e) if e.rows.len() == len && !e.props.iter().any(|(p, _)| p == property) => {
                e.props.push((property.to_owned(), input));
            }
            Some(e) if e.rows.len() != len => {
                let n = e.rows.len();
                self.fail(invalid(
                    path,
                    format!("The property \"{property}\" has {len} values for {n} events."),
                ));
            }
            Some(_) => self.fail(invalid(
                path,
                format!("The property \"{property}\" is given twice."),
            )),
            None => self.fail(invalid(
                path,
                format!("No events \"{name}\" were given before their property \"{property}\"."),
            )),
        }
        self
    }

    /// A numeric property of the events of `name` (given earlier with [`events`](Self::events)).
    pub fn event_number_property(
        self,
        name: &str,
        property: &str,
        values: Vec<Option<f64>>,
    ) -> Self {
        let len = values.len();
        self.prop(name, property, len, PropInput::Number(values))
    }

    /// A text property of the events of `name`.
    pub fn event_text_property<S: AsRef<str>>(
        self,
        name: &str,
        property: &str,
        values: Vec<Option<S>>,
    ) -> Self {
        let len = values.len();
        let values = values
            .into_iter()
            .map(|v| v.map(|s| Box::from(s.as_ref())))
            .collect();
        self.prop(name, property, len, PropInput::Text(values))
    }

    /// Builds the table.
    pub fn build(self) -> crate::Result<ContactTable> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let n = self.ids.len();
        let mut streams = BTreeMap::new();
        for (name, input) in self.events {
            let raw = input
                .rows
                .iter()
                .zip(&input.at)
                .enumerate()
                .map(|(i, (row, at))| RawEvent {
                    row: *row,
                    at: *at,
                    input: i,
                })
                .collect();
            let (mut stream, order) = EventStream::sorted(n, raw);
            for (prop, values) in input.props {
                let mut b = ColumnBuilder::new(order.len(), None);
                for (pos, i) in order.iter().enumerate() {
                    match &values {
                        PropInput::Number(v) => {
                            if let Some(Some(x)) = v.get(*i) {
                                b.number(pos, *x);
                            }
                        }
                        PropInput::Text(v) => {
                            if let Some(Some(s)) = v.get(*i) {
                                b.text(pos, s);
                            }
                        }
                    }
                }
                stream.props.insert(prop, b.finish());
            }
            streams.insert(name, stream);
        }
        let (zone_codes, zones) = self.zones.unwrap_or_else(|| (Vec::new(), vec![None]));
        Ok(ContactTable {
            ids: self.ids,
            declared: true,
            columns: self.columns,
            id_column: OnceLock::new(),
            missing: OnceLock::new(),
            tags: self.tags.unwrap_or_default(),
            lists: self.lists.unwrap_or_default(),
            consent: self.consent,
            zone_codes,
            zones,
            events: streams,
        })
    }
}

/// The texts of `values` interned by sorting their keys rather than hashing their texts, when
/// the texts of the distinct keys all have one width and start with a digit (then text order is
/// key order: dates and instants of years 0–9999 with the same fraction digits); else row by row.
fn sorted_column<K: Ord + Copy>(
    b: &mut ColumnBuilder,
    values: &[Option<K>],
    text: impl Fn(K) -> String,
) {
    let mut keyed: Vec<(K, u32)> = values
        .iter()
        .enumerate()
        .filter_map(|(row, v)| v.map(|k| (k, row as u32)))
        .collect();
    keyed.sort_unstable_by_key(|a| a.0);
    let mut entries: Vec<Box<str>> = Vec::new();
    let mut codes = vec![0u32; values.len()];
    let mut last: Option<K> = None;
    let mut width = None;
    let mut ok = true;
    for (k, row) in &keyed {
        if last != Some(*k) {
            let t = text(*k);
            ok &= t.as_bytes().first().is_some_and(u8::is_ascii_digit)
                && *width.get_or_insert(t.len()) == t.len();
            entries.push(t.into());
            last = Some(*k);
        }
        if let Some(slot) = codes.get_mut(*row as usize) {
            *slot = entries.len() as u32;
        }
    }
    if ok && entries.windows(2).all(|w| w[0] < w[1]) {
        b.sorted_texts(entries, codes);
    } else {
        for (row, v) in values.iter().enumerate() {
            if let Some(k) = v {
                b.text(row, &text(*k));
            }
        }
    }
}
