//! Building a [`ContactTable`] from a host's columns (Arrow record batches in the bindings):
//! which column is what, by name and type, and how values are coerced; the rules are on
//! [`TableColumns`]. The bindings only move buffers into [`ColumnValues`]; every decision is
//! made here, so the three faces cannot disagree.

mod records;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::condition::bulk::{ContactTable, ContactTableBuilder, FxMap};
use crate::error::{escape_pointer, Error, FormatCode, FormatError};
use crate::model::{Channel, ConsentStatus, FieldSchema, FieldType};

pub use records::{contacts_from_columns, events_from_columns};

/// Which columns of a table are the ids, zones, tags, lists and consent, and the declared
/// fields. JSON (every key optional): `{"id_column": "id", "tags_column": "tags",
/// "lists_column": "lists", "time_zone_column": "time_zone", "consent_columns": {"email":
/// "newsletter_ok"}, "fields": {"fields": […]}}`.
///
/// ```
/// use sequenza::segment::TableOptions;
/// let o: TableOptions = serde_json::from_str(r#"{"lists_column": "audiences"}"#)?;
/// assert_eq!((o.id_column.as_str(), o.lists_column.as_str()), ("id", "audiences"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct TableOptions {
    /// The column of the contact ids (text or integers).
    pub id_column: String,
    /// The column of the tags (lists of text).
    pub tags_column: String,
    /// The column of the lists each contact is in (lists of text).
    pub lists_column: String,
    /// The column of each contact's IANA time zone.
    pub time_zone_column: String,
    /// The consent column of each channel; a channel not named here reads the column
    /// `consent_<channel>` (`consent_email`, `consent_sms`, `consent_web_push`,
    /// `consent_whatsapp`) when there is one.
    pub consent_columns: BTreeMap<Channel, String>,
    /// The declared fields: text columns declared `choice`, `date` or `datetime` are read as
    /// such, and a column of only missing values gets its declared type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<FieldSchema>,
}

impl TableOptions {
    /// Parses table options from JSON; errors carry the JSON path, line and column.
    ///
    /// ```
    /// use sequenza::segment::TableOptions;
    /// let err = TableOptions::from_json(r#"{"list_column": "x"}"#).unwrap_err();
    /// assert_eq!(err.code(), "format.invalid");
    /// ```
    pub fn from_json(json: &str) -> crate::Result<Self> {
        crate::error::from_json_str(json)
    }
}

impl Default for TableOptions {
    fn default() -> Self {
        TableOptions {
            id_column: "id".into(),
            tags_column: "tags".into(),
            lists_column: "lists".into(),
            time_zone_column: "time_zone".into(),
            consent_columns: BTreeMap::new(),
            fields: None,
        }
    }
}

/// The values of one column, as the host hands them over (one entry per row).
///
/// ```
/// use sequenza::segment::ColumnValues;
/// let v = ColumnValues::Text(vec![Some("Milano"), None]);
/// assert_eq!(v.len(), Some(2));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ColumnValues<'a> {
    /// Text.
    Text(Vec<Option<&'a str>>),
    /// Signed integers.
    Integers(Vec<Option<i64>>),
    /// Unsigned integers.
    Unsigned(Vec<Option<u64>>),
    /// Floating-point numbers (NaN is a missing value).
    Numbers(Vec<Option<f64>>),
    /// Booleans.
    Booleans(Vec<Option<bool>>),
    /// Days since 1970-01-01.
    Days(Vec<Option<i32>>),
    /// Instants (timestamps with a time zone).
    Instants(Vec<Option<DateTime<Utc>>>),
    /// Lists of text (a missing list is an empty one).
    TextLists(Vec<Vec<&'a str>>),
    /// Only missing values, this many.
    Nulls(usize),
    /// Timestamps without a time zone (refused: not instants).
    LocalTimestamps,
    /// A type sequenza does not read, by the host's name for it.
    Unsupported(String),
}

impl ColumnValues<'_> {
    /// The number of values, when known.
    pub fn len(&self) -> Option<usize> {
        Some(match self {
            ColumnValues::Text(v) => v.len(),
            ColumnValues::Integers(v) => v.len(),
            ColumnValues::Unsigned(v) => v.len(),
            ColumnValues::Numbers(v) => v.len(),
            ColumnValues::Booleans(v) => v.len(),
            ColumnValues::Days(v) => v.len(),
            ColumnValues::Instants(v) => v.len(),
            ColumnValues::TextLists(v) => v.len(),
            ColumnValues::Nulls(n) => *n,
            ColumnValues::LocalTimestamps | ColumnValues::Unsupported(_) => return None,
        })
    }

    /// True when there are no values (or their number is unknown).
    pub fn is_empty(&self) -> bool {
        self.len().unwrap_or(0) == 0
    }

    fn kind(&self) -> String {
        match self {
            ColumnValues::Text(_) => "text".into(),
            ColumnValues::Integers(_) | ColumnValues::Unsigned(_) => "integers".into(),
            ColumnValues::Numbers(_) => "numbers".into(),
            ColumnValues::Booleans(_) => "booleans".into(),
            ColumnValues::Days(_) => "dates".into(),
            ColumnValues::Instants(_) => "timestamps".into(),
            ColumnValues::TextLists(_) => "lists of text".into(),
            ColumnValues::Nulls(_) => "only missing values".into(),
            ColumnValues::LocalTimestamps => "timestamps without a time zone".into(),
            ColumnValues::Unsupported(t) => format!("the type {t}"),
        }
    }
}

/// How the ids were given, so that a host can hand them back in their own type.
///
/// ```
/// use sequenza::segment::{ColumnValues, IdForm, TableColumns, TableOptions};
/// let columns = TableColumns::new(vec![("id", ColumnValues::Integers(vec![Some(7)]))]);
/// let table = columns.build(&TableOptions::default())?;
/// assert_eq!(table.id_form(), &IdForm::Integers(vec![7]));
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdForm {
    /// Text ids.
    Text,
    /// Signed integer ids, by row.
    Integers(Vec<i64>),
    /// Unsigned integer ids, by row.
    Unsigned(Vec<u64>),
}

/// The columns of a contacts table and, optionally, of its events table, by name and in table
/// order, ready for [`build`](TableColumns::build), which decides what each column is:
///
/// | values | column | becomes |
/// |---|---|---|
/// | text or integers, no missing value | `id_column` (`"id"`) | the contact ids |
/// | text | `time_zone_column` (`"time_zone"`) | each contact's zone (an unknown name: the default zone) |
/// | lists of text | `tags_column` / `lists_column` (`"tags"` / `"lists"`) | the tags / the lists |
/// | text (`opted_in`, `opted_out`, `unknown`) or booleans (true: opted in, false: opted out) | `consent_columns` (default `consent_<channel>`) | consent per channel (missing: unknown) |
/// | integers, floats | any other | a `number` field |
/// | text | any other | a `text` field; `choice` / `date` / `datetime` when `fields` declares it so (a `datetime` reads RFC 3339 text; other text is no instant) |
/// | booleans | any other | a `boolean` field |
/// | day numbers | any other | a `date` field |
/// | instants (a timestamp with a time zone) | any other | a `datetime` field |
/// | lists of text | any other | a `text_list` field |
/// | only missing values | any other | a field of its declared type without values |
///
/// Timestamps without a time zone are refused: they are wall-clock readings, not instants. The
/// events table has the columns `contact` (ids as in the id column), `name` (text) and `at`
/// (instants, or RFC 3339 text); every other number or text column is an event property (a
/// missing value is a missing property); events of contacts not in the table are ignored.
///
/// Errors are [`Error::Format`](crate::Error::Format) with the path of the column
/// (`/columns/<name>`, `/events/columns/<name>`, a row appended for a value):
/// `format.column.missing`, `format.column.type`, `format.value.missing`, and `format.invalid`
/// for a consent text or an event time that cannot be read.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use sequenza::condition::Condition;
/// use sequenza::segment::{ColumnValues, TableColumns, TableOptions};
/// let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap();
/// let table = TableColumns::new(vec![
///     ("id", ColumnValues::Text(vec![Some("a"), Some("b")])),
///     ("city", ColumnValues::Text(vec![Some("Milano"), None])),
///     ("consent_email", ColumnValues::Booleans(vec![Some(true), Some(false)])),
/// ])
/// .with_events(vec![
///     ("contact", ColumnValues::Text(vec![Some("b")])),
///     ("name", ColumnValues::Text(vec![Some("order.placed")])),
///     ("at", ColumnValues::Text(vec![Some("2026-11-01T10:00:00Z")])),
/// ])
/// .build(&TableOptions::default())?;
/// let c = Condition::parse(r#"consent email is opted_in or did "order.placed""#)?;
/// assert_eq!(table.evaluate(&c, now, chrono_tz::UTC)?.count(), 2);
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TableColumns<'a> {
    contacts: Vec<(&'a str, ColumnValues<'a>)>,
    events: Option<Vec<(&'a str, ColumnValues<'a>)>>,
}

fn format_error(code: FormatCode, path: String, message: String) -> Error {
    Error::Format(Box::new(FormatError {
        code,
        path,
        line: 0,
        column: 0,
        message,
    }))
}

fn column_path(events: bool, name: &str) -> String {
    let prefix = if events { "/events" } else { "" };
    format!("{prefix}/columns/{}", escape_pointer(name))
}

fn wrong_type(events: bool, name: &str, values: &ColumnValues<'_>, expected: &str) -> Error {
    let what = if events {
        "the events table"
    } else {
        "the table"
    };
    let hint = if matches!(values, ColumnValues::LocalTimestamps) {
        " (give it a time zone, e.g. UTC: pandas `dt.tz_localize(\"UTC\")`, polars \
         `dt.replace_time_zone(\"UTC\")`; they are wall-clock readings, not instants)"
    } else {
        " (drop the column or cast it)"
    };
    format_error(
        FormatCode::ColumnType,
        column_path(events, name),
        format!(
            "The column \"{name}\" of {what} holds {}, which sequenza cannot read as {expected}{hint}.",
            values.kind()
        ),
    )
}

fn missing_value(events: bool, name: &str, row: usize, what: &str) -> Error {
    format_error(
        FormatCode::ValueMissing,
        format!("{}/{row}", column_path(events, name)),
        format!("The column \"{name}\" has no value at row {row}: {what}."),
    )
}

/// The ids of an id column as text, with their form.
fn ids(events: bool, name: &str, values: ColumnValues<'_>) -> crate::Result<(Vec<String>, IdForm)> {
    fn all<T>(events: bool, name: &str, values: Vec<Option<T>>) -> crate::Result<Vec<T>> {
        let mut out = Vec::with_capacity(values.len());
        for (row, v) in values.into_iter().enumerate() {
            out.push(v.ok_or_else(|| missing_value(events, name, row, "every row needs an id"))?);
        }
        Ok(out)
    }
    Ok(match values {
        ColumnValues::Text(v) => {
            let v = all(events, name, v)?;
            (v.into_iter().map(str::to_owned).collect(), IdForm::Text)
        }
        ColumnValues::Integers(v) => {
            let v = all(events, name, v)?;
            (
                v.iter().map(ToString::to_string).collect(),
                IdForm::Integers(v),
            )
        }
        ColumnValues::Unsigned(v) => {
            let v = all(events, name, v)?;
            (
                v.iter().map(ToString::to_string).collect(),
                IdForm::Unsigned(v),
            )
        }
        other => return Err(wrong_type(events, name, &other, "ids (text or integers)")),
    })
}

fn numbers(values: ColumnValues<'_>) -> Result<Vec<Option<f64>>, ColumnValues<'_>> {
    match values {
        ColumnValues::Numbers(v) => Ok(v.into_iter().map(|x| x.filter(|x| !x.is_nan())).collect()),
        ColumnValues::Integers(v) => Ok(v.into_iter().map(|x| x.map(|x| x as f64)).collect()),
        ColumnValues::Unsigned(v) => Ok(v.into_iter().map(|x| x.map(|x| x as f64)).collect()),
        other => Err(other),
    }
}

fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A consent status from its table form.
fn consent_status(text: &str) -> Option<ConsentStatus> {
    match text {
        "opted_in" => Some(ConsentStatus::OptedIn),
        "opted_out" => Some(ConsentStatus::OptedOut),
        "unknown" => Some(ConsentStatus::Unknown),
        _ => None,
    }
}

/// The consent statuses of a consent column: booleans (`true` is opted in), or the texts
/// `opted_in` / `opted_out` / `unknown`; a missing value is no recorded consent.
fn consent_statuses(
    name: &str,
    values: ColumnValues<'_>,
) -> crate::Result<Vec<Option<ConsentStatus>>> {
    Ok(match values {
        ColumnValues::Booleans(v) => v
            .into_iter()
            .map(|b| {
                b.map(|b| {
                    if b {
                        ConsentStatus::OptedIn
                    } else {
                        ConsentStatus::OptedOut
                    }
                })
            })
            .collect(),
        ColumnValues::Text(v) => {
            let mut out = Vec::with_capacity(v.len());
            for (row, t) in v.into_iter().enumerate() {
                out.push(match t {
                    None => None,
                    Some(t) => Some(consent_status(t).ok_or_else(|| {
                        format_error(
                            FormatCode::Invalid,
                            format!("{}/{row}", column_path(false, name)),
                            format!(
                                "The consent column \"{name}\" holds {t:?} at row {row}: \
                                 expected opted_in, opted_out or unknown."
                            ),
                        )
                    })?),
                });
            }
            out
        }
        ColumnValues::Nulls(n) => vec![None; n],
        other => {
            return Err(wrong_type(
                false,
                name,
                &other,
                "consent (booleans, or opted_in / opted_out / unknown)",
            ))
        }
    })
}

impl<'a> TableColumns<'a> {
    /// The columns of the contacts table.
    pub fn new(contacts: Vec<(&'a str, ColumnValues<'a>)>) -> Self {
        TableColumns {
            contacts,
            events: None,
        }
    }

    /// Adds the columns of the events table.
    pub fn with_events(mut self, events: Vec<(&'a str, ColumnValues<'a>)>) -> Self {
        self.events = Some(events);
        self
    }

    /// Builds the table by the rules above ([`TableColumns`]).
    pub fn build(self, options: &TableOptions) -> crate::Result<super::BulkTable> {
        let TableColumns { contacts, events } = self;
        let mut columns: Vec<(&str, ColumnValues<'_>)> = Vec::with_capacity(contacts.len());
        let mut id_values = None;
        for (name, values) in contacts {
            if name == options.id_column && id_values.is_none() {
                id_values = Some(values);
            } else {
                columns.push((name, values));
            }
        }
        let Some(id_values) = id_values else {
            let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
            return Err(format_error(
                FormatCode::ColumnMissing,
                column_path(false, &options.id_column),
                format!(
                    "The table has no column \"{}\" for the contact ids (its columns: {names:?}).",
                    options.id_column
                ),
            ));
        };
        let (ids, form) = ids(false, &options.id_column, id_values)?;
        let n = ids.len();
        let events = match events {
            Some(e) => Some(read_events(e, &ids, &form)?),
            None => None,
        };
        let mut builder = ContactTable::builder(ids);
        for (name, values) in columns {
            builder = add_column(builder, options, name, values, n)?;
        }
        if let Some(events) = events {
            builder = events.add_to(builder);
        }
        let table = builder.build()?;
        Ok(super::BulkTable::new(table, form))
    }
}

fn consent_channel(options: &TableOptions, name: &str) -> Option<Channel> {
    if let Some((channel, _)) = options.consent_columns.iter().find(|(_, c)| *c == name) {
        return Some(*channel);
    }
    let channel = Channel::ALL
        .iter()
        .copied()
        .find(|c| name.strip_prefix("consent_") == Some(c.as_str()))?;
    (!options.consent_columns.contains_key(&channel)).then_some(channel)
}

/// One builder column from a table column.
fn add_column<'a>(
    builder: ContactTableBuilder,
    options: &TableOptions,
    name: &str,
    values: ColumnValues<'a>,
    n: usize,
) -> crate::Result<ContactTableBuilder> {
    const FIELD: &str = "a contact field (numbers, text, booleans, dates, timestamps with a time \
                         zone, lists of text)";
    if name == options.time_zone_column {
        return match values {
            ColumnValues::Text(v) => Ok(builder.time_zones(v)),
            ColumnValues::Nulls(n) => Ok(builder.time_zones::<&str>(vec![None; n])),
            other => Err(wrong_type(false, name, &other, "time zones (text)")),
        };
    }
    if name == options.tags_column || name == options.lists_column {
        let lists = match values {
            ColumnValues::TextLists(v) => v,
            ColumnValues::Nulls(n) => vec![Vec::new(); n],
            other => return Err(wrong_type(false, name, &other, "lists of text")),
        };
        return Ok(if name == options.tags_column {
            builder.tags(lists)
        } else {
            builder.lists(lists)
        });
    }
    if let Some(channel) = consent_channel(options, name) {
        let statuses = consent_statuses(name, values)?;
        return Ok(builder.consent(channel, statuses));
    }
    let declared = options
        .fields
        .as_ref()
        .and_then(|s| s.get(name))
        .map(|d| d.field_type);
    let values = match numbers(values) {
        Ok(v) => return Ok(builder.number_column(name, v)),
        Err(values) => values,
    };
    Ok(match values {
        ColumnValues::Text(v) => match declared {
            Some(FieldType::Choice) => builder.choice_column(name, v),
            Some(FieldType::Date) => builder.date_column(name, v),
            Some(FieldType::DateTime) => {
                builder.datetime_column(name, v.iter().map(|t| t.and_then(parse_instant)).collect())
            }
            _ => builder.text_column(name, v),
        },
        ColumnValues::Booleans(v) => builder.bool_column(name, v),
        ColumnValues::Days(v) => builder.date_days_column(name, v),
        ColumnValues::Instants(v) => builder.datetime_column(name, v),
        ColumnValues::TextLists(v) => builder.text_list_column(name, v),
        ColumnValues::Nulls(_) => match declared {
            Some(FieldType::Number) => builder.number_column(name, vec![None; n]),
            Some(FieldType::Boolean) => builder.bool_column(name, vec![None; n]),
            Some(FieldType::Date) => builder.date_days_column(name, vec![None; n]),
            Some(FieldType::DateTime) => builder.datetime_column(name, vec![None; n]),
            Some(FieldType::TextList) => builder.text_list_column::<&str>(name, vec![vec![]; n]),
            Some(FieldType::Choice) => builder.choice_column::<&str>(name, vec![None; n]),
            _ => builder.text_column::<&str>(name, vec![None; n]),
        },
        other => return Err(wrong_type(false, name, &other, FIELD)),
    })
}

/// The events of the events table, grouped by name, ready for the builder.
struct EventInput<'a> {
    by_name: BTreeMap<&'a str, EventGroup<'a>>,
}

struct EventGroup<'a> {
    rows: Vec<u32>,
    at: Vec<DateTime<Utc>>,
    numbers: Vec<(&'a str, Vec<Option<f64>>)>,
    texts: Vec<(&'a str, Vec<Option<&'a str>>)>,
}

enum Property<'a> {
    Number(Vec<Option<f64>>),
    Text(Vec<Option<&'a str>>),
}

fn take<'a>(
    columns: &mut Vec<(&'a str, ColumnValues<'a>)>,
    name: &str,
) -> crate::Result<ColumnValues<'a>> {
    match columns.iter().position(|(n, _)| *n == name) {
        Some(i) => Ok(columns.remove(i).1),
        None => {
            let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
            Err(format_error(
                FormatCode::ColumnMissing,
                column_path(true, name),
                format!("The events table has no column \"{name}\" (its columns: {names:?})."),
            ))
        }
    }
}

/// The row of each event's contact (`None`: not a contact of the table), without turning
/// integer ids into text.
fn event_rows(
    values: ColumnValues<'_>,
    ids: &[String],
    form: &IdForm,
) -> crate::Result<Vec<Option<u32>>> {
    /// Each value's row through `find`; a missing value is an error.
    fn lookup<T>(
        values: Vec<Option<T>>,
        find: impl Fn(T) -> Option<u32>,
    ) -> crate::Result<Vec<Option<u32>>> {
        let mut out = Vec::with_capacity(values.len());
        for (row, v) in values.into_iter().enumerate() {
            let v = v.ok_or_else(|| {
                missing_value(true, "contact", row, "every event needs a contact")
            })?;
            out.push(find(v));
        }
        Ok(out)
    }
    fn index<K: std::hash::Hash + Eq>(keys: impl Iterator<Item = K>) -> FxMap<K, u32> {
        keys.enumerate().map(|(row, k)| (k, row as u32)).collect()
    }
    match (values, form) {
        (ColumnValues::Integers(v), IdForm::Integers(keys)) => {
            let map = index(keys.iter().copied());
            lookup(v, |x| map.get(&x).copied())
        }
        (ColumnValues::Unsigned(v), IdForm::Unsigned(keys)) => {
            let map = index(keys.iter().copied());
            lookup(v, |x| map.get(&x).copied())
        }
        (ColumnValues::Text(v), _) => {
            let map = index(ids.iter().map(String::as_str));
            lookup(v, |x| map.get(x).copied())
        }
        // Integer ids against a table whose ids are text: compared as their text.
        (ColumnValues::Integers(v), _) => {
            let map = index(ids.iter().map(String::as_str));
            lookup(v, |x| map.get(x.to_string().as_str()).copied())
        }
        (ColumnValues::Unsigned(v), _) => {
            let map = index(ids.iter().map(String::as_str));
            lookup(v, |x| map.get(x.to_string().as_str()).copied())
        }
        (other, _) => Err(wrong_type(
            true,
            "contact",
            &other,
            "ids (text or integers)",
        )),
    }
}

fn read_events<'a>(
    mut columns: Vec<(&'a str, ColumnValues<'a>)>,
    ids: &[String],
    form: &IdForm,
) -> crate::Result<EventInput<'a>> {
    let contacts = event_rows(take(&mut columns, "contact")?, ids, form)?;
    let names = match take(&mut columns, "name")? {
        ColumnValues::Text(v) => v,
        other => return Err(wrong_type(true, "name", &other, "event names (text)")),
    };
    let at: Vec<Option<DateTime<Utc>>> = match take(&mut columns, "at")? {
        ColumnValues::Instants(v) => v,
        ColumnValues::Text(texts) => {
            let mut out = Vec::with_capacity(texts.len());
            for (row, text) in texts.into_iter().enumerate() {
                out.push(match text {
                    Some(s) => Some(parse_instant(s).ok_or_else(|| {
                        format_error(
                            FormatCode::Invalid,
                            format!("{}/{row}", column_path(true, "at")),
                            format!(
                                "The column \"at\" of the events table holds {s:?} at row {row}, \
                                 which is not an RFC 3339 instant."
                            ),
                        )
                    })?),
                    None => None,
                });
            }
            out
        }
        other => {
            return Err(wrong_type(
                true,
                "at",
                &other,
                "instants (timestamps with a time zone, or RFC 3339 text)",
            ))
        }
    };
    let mut properties: Vec<(&str, Property<'_>)> = Vec::new();
    for (name, values) in columns {
        let property = match values {
            ColumnValues::Text(v) => Property::Text(v),
            ColumnValues::Nulls(_) => continue,
            other => match numbers(other) {
                Ok(v) => Property::Number(v),
                Err(other) => {
                    return Err(wrong_type(
                        true,
                        name,
                        &other,
                        "an event property (numbers or text)",
                    ))
                }
            },
        };
        properties.push((name, property));
    }
    // Grouped by name; names repeat, so the last group is tried first.
    let mut groups: Vec<(&str, Vec<usize>)> = Vec::new();
    let mut last = usize::MAX;
    for (i, (contact, name)) in contacts.iter().zip(&names).enumerate() {
        let Some(name) = *name else {
            return Err(missing_value(true, "name", i, "every event needs a name"));
        };
        if at.get(i).copied().flatten().is_none() {
            return Err(missing_value(true, "at", i, "every event needs an instant"));
        }
        if contact.is_none() {
            continue;
        }
        if groups.get(last).is_none_or(|(n, _)| *n != name) {
            last = match groups.iter().position(|(n, _)| *n == name) {
                Some(g) => g,
                None => {
                    groups.push((name, Vec::new()));
                    groups.len() - 1
                }
            };
        }
        if let Some((_, indexes)) = groups.get_mut(last) {
            indexes.push(i);
        }
    }
    let by_name: BTreeMap<&str, Vec<usize>> = groups.into_iter().collect();
    let pick = |v: &[Option<f64>], indexes: &[usize]| -> Vec<Option<f64>> {
        indexes
            .iter()
            .map(|i| v.get(*i).copied().flatten())
            .collect()
    };
    let mut groups = BTreeMap::new();
    for (name, indexes) in by_name {
        let mut group = EventGroup {
            rows: indexes
                .iter()
                .filter_map(|i| contacts.get(*i).copied().flatten())
                .collect(),
            at: indexes
                .iter()
                .filter_map(|i| at.get(*i).copied().flatten())
                .collect(),
            numbers: Vec::new(),
            texts: Vec::new(),
        };
        for (p, values) in &properties {
            match values {
                Property::Number(v) => group.numbers.push((p, pick(v, &indexes))),
                Property::Text(v) => group.texts.push((
                    p,
                    indexes
                        .iter()
                        .map(|i| v.get(*i).copied().flatten())
                        .collect(),
                )),
            }
        }
        groups.insert(name, group);
    }
    Ok(EventInput { by_name: groups })
}

impl EventInput<'_> {
    fn add_to(self, mut builder: ContactTableBuilder) -> ContactTableBuilder {
        for (name, group) in self.by_name {
            builder = builder.events(name, group.rows, group.at);
            for (property, values) in group.numbers {
                builder = builder.event_number_property(name, property, values);
            }
            for (property, values) in group.texts {
                builder = builder.event_text_property(name, property, values);
            }
        }
        builder
    }
}
