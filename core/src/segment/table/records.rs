//! Contacts and events read from the columns of a table — the same columns, names and options
//! as [`TableColumns::build`](super::TableColumns::build), so a host's DataFrame that feeds a
//! segment also feeds the flow engine's batch calls (`upsert_contacts`, `record_events`).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, SecondsFormat, TimeDelta, Utc};

use super::{
    column_path, format_error, ids, missing_value, parse_instant, wrong_type, ColumnValues,
    TableOptions,
};
use crate::error::FormatCode;
use crate::model::{Consent, Contact, ContactId, Event, Value};

const FIELD: &str = "a contact field (numbers, text, booleans, dates, timestamps with a time \
                     zone, lists of text)";

/// One value per row of a column, as a profile value (`None`: missing).
fn values(events: bool, name: &str, column: ColumnValues<'_>) -> crate::Result<Vec<Option<Value>>> {
    let text = |t: &str| Value::Text(t.to_owned());
    Ok(match column {
        ColumnValues::Text(v) => v.into_iter().map(|t| t.map(text)).collect(),
        ColumnValues::Integers(v) => v
            .into_iter()
            .map(|x| x.map(|x| Value::Number(x as f64)))
            .collect(),
        ColumnValues::Unsigned(v) => v
            .into_iter()
            .map(|x| x.map(|x| Value::Number(x as f64)))
            .collect(),
        ColumnValues::Numbers(v) => v
            .into_iter()
            .map(|x| x.filter(|x| !x.is_nan()).map(Value::Number))
            .collect(),
        ColumnValues::Booleans(v) => v.into_iter().map(|b| b.map(Value::Bool)).collect(),
        ColumnValues::Days(v) => v
            .into_iter()
            .map(|d| {
                d.and_then(day)
                    .map(|d| Value::Text(d.format("%Y-%m-%d").to_string()))
            })
            .collect(),
        ColumnValues::Instants(v) => v
            .into_iter()
            .map(|t| t.map(|t| Value::Text(t.to_rfc3339_opts(SecondsFormat::AutoSi, true))))
            .collect(),
        ColumnValues::TextLists(v) => v
            .into_iter()
            .map(|l| Some(Value::List(l.into_iter().map(text).collect())))
            .collect(),
        ColumnValues::Nulls(n) => vec![None; n],
        other => return Err(wrong_type(events, name, &other, FIELD)),
    })
}

fn day(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(TimeDelta::try_days(i64::from(days))?)
}

/// A text column (`None` for a missing or blank value).
fn texts(events: bool, name: &str, column: ColumnValues<'_>) -> crate::Result<Vec<Option<String>>> {
    match column {
        ColumnValues::Text(v) => Ok(v
            .into_iter()
            .map(|t| {
                t.map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned)
            })
            .collect()),
        ColumnValues::Nulls(n) => Ok(vec![None; n]),
        other => Err(wrong_type(events, name, &other, "text")),
    }
}

/// Reads the contacts of a contacts table: the id column (text or integers; every row needs one),
/// `email`, `phone`, `locale` and the time-zone column (text), the tags and lists columns (lists
/// of text), the consent columns (booleans, or `opted_in` / `opted_out` / `unknown`), and every
/// other column a profile field (a missing value is an absent field; dates become
/// `YYYY-MM-DD`, instants RFC 3339 text). Errors: `format.column.missing` (no id column),
/// `format.column.type`, `format.value.missing`, `format.invalid` (a consent text), each at
/// `/columns/<name>[/<row>]`.
///
/// ```
/// use sequenza::segment::{contacts_from_columns, ColumnValues, TableOptions};
/// let contacts = contacts_from_columns(vec![
///     ("id", ColumnValues::Integers(vec![Some(7), Some(8)])),
///     ("email", ColumnValues::Text(vec![Some("anna@example.com"), None])),
///     ("spend", ColumnValues::Numbers(vec![Some(120.0), None])),
///     ("consent_email", ColumnValues::Booleans(vec![Some(true), None])),
/// ], &TableOptions::default())?;
/// assert_eq!(contacts[0].id.as_str(), "7");
/// assert_eq!(contacts[0].email.as_deref(), Some("anna@example.com"));
/// assert_eq!(contacts[0].consent_status(sequenza::model::Channel::Email),
///            sequenza::model::ConsentStatus::OptedIn);
/// assert!(contacts[1].fields.is_empty());
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn contacts_from_columns(
    columns: Vec<(&str, ColumnValues<'_>)>,
    options: &TableOptions,
) -> crate::Result<Vec<Contact>> {
    let mut columns = columns;
    let Some(at) = columns.iter().position(|(n, _)| *n == options.id_column) else {
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
    let (_, id_values) = columns.remove(at);
    let (ids, _) = ids(false, &options.id_column, id_values)?;
    let mut out: Vec<Contact> = ids.into_iter().map(Contact::new).collect();
    for (name, column) in columns {
        if name == options.tags_column || name == options.lists_column {
            let lists = match column {
                ColumnValues::TextLists(v) => v,
                ColumnValues::Nulls(n) => vec![Vec::new(); n],
                other => return Err(wrong_type(false, name, &other, "lists of text")),
            };
            for (c, l) in out.iter_mut().zip(lists) {
                if name == options.tags_column {
                    c.tags = l.into_iter().map(str::to_owned).collect();
                } else {
                    c.lists = l.into_iter().map(Into::into).collect();
                }
            }
        } else if let Some(channel) = super::consent_channel(options, name) {
            let statuses = super::consent_statuses(name, column)?;
            for (c, s) in out.iter_mut().zip(statuses) {
                if let Some(status) = s {
                    let consent = Consent {
                        status,
                        at: None,
                        source: None,
                    };
                    c.consent.insert(channel, consent);
                }
            }
        } else if name == options.time_zone_column || matches!(name, "email" | "phone" | "locale") {
            for (c, t) in out.iter_mut().zip(texts(false, name, column)?) {
                match name {
                    "email" => c.email = t,
                    "phone" => c.phone = t,
                    "locale" => c.locale = t,
                    _ => c.time_zone = t,
                }
            }
        } else {
            for (c, v) in out.iter_mut().zip(values(false, name, column)?) {
                if let Some(v) = v {
                    c.fields.insert(name.to_owned(), v);
                }
            }
        }
    }
    Ok(out)
}

/// A property value as JSON: a whole number as an integer (as the host's integer would be).
fn json(v: Value) -> serde_json::Value {
    match v {
        Value::Number(x) if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 => {
            serde_json::Value::from(x as i64)
        }
        Value::Number(x) => serde_json::Value::from(x),
        Value::Bool(b) => serde_json::Value::Bool(b),
        Value::Text(t) => serde_json::Value::String(t),
        Value::List(l) => serde_json::Value::Array(l.into_iter().map(json).collect()),
        Value::Null => serde_json::Value::Null,
    }
}

/// Reads the events of an events table: `contact` (ids, text or integers), `name` (text), `at`
/// (instants, or RFC 3339 text), every other column a property (a missing value is an absent
/// property). Every row needs a contact, a name and an instant. Errors as
/// [`contacts_from_columns`], at `/events/columns/<name>[/<row>]`.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use sequenza::segment::{events_from_columns, ColumnValues};
/// let t = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
/// let events = events_from_columns(vec![
///     ("contact", ColumnValues::Text(vec![Some("anna")])),
///     ("name", ColumnValues::Text(vec![Some("purchase")])),
///     ("at", ColumnValues::Instants(vec![Some(t)])),
///     ("total", ColumnValues::Numbers(vec![Some(42.0)])),
/// ])?;
/// assert_eq!((events[0].name.as_str(), events[0].at), ("purchase", t));
/// assert_eq!(events[0].properties["total"], 42);
/// let err = events_from_columns(vec![("contact", ColumnValues::Text(vec![Some("anna")]))]).unwrap_err();
/// assert_eq!((err.code(), err.path()), ("format.column.missing", Some("/events/columns/name")));
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn events_from_columns(columns: Vec<(&str, ColumnValues<'_>)>) -> crate::Result<Vec<Event>> {
    let mut columns = columns;
    let mut take = |name: &str| match columns.iter().position(|(n, _)| *n == name) {
        Some(i) => Ok(columns.remove(i).1),
        None => Err(format_error(
            FormatCode::ColumnMissing,
            column_path(true, name),
            format!("The events table has no column \"{name}\"."),
        )),
    };
    let contact = take("contact")?;
    let name = take("name")?;
    let at = take("at")?;
    let (contacts, _) = ids(true, "contact", contact)?;
    let names = texts(true, "name", name)?;
    let at: Vec<Option<DateTime<Utc>>> = match at {
        ColumnValues::Instants(v) => v,
        ColumnValues::Text(v) => v.into_iter().map(|t| t.and_then(parse_instant)).collect(),
        other => {
            return Err(wrong_type(
                true,
                "at",
                &other,
                "instants (or RFC 3339 text)",
            ))
        }
    };
    let mut out = Vec::with_capacity(contacts.len());
    for (row, ((contact, name), at)) in contacts.into_iter().zip(names).zip(at).enumerate() {
        let name =
            name.ok_or_else(|| missing_value(true, "name", row, "every event needs a name"))?;
        let at = at.ok_or_else(|| {
            missing_value(
                true,
                "at",
                row,
                "every event needs an instant (RFC 3339 with an offset)",
            )
        })?;
        out.push(Event {
            contact: ContactId::new(contact),
            name,
            at,
            properties: BTreeMap::new(),
        });
    }
    for (name, column) in columns {
        for (e, v) in out.iter_mut().zip(values(true, name, column)?) {
            if let Some(v) = v {
                e.properties.insert(name.to_owned(), json(v));
            }
        }
    }
    Ok(out)
}
