//! Contacts back to CSV, in a form [`import_csv`](super::import_csv) reads back unchanged.

use std::collections::BTreeSet;
use std::io::Write;

use crate::model::{Channel, ConsentStatus, Contact, Value};

fn quote(cell: &str, delimiter: char) -> String {
    if cell.contains([delimiter, '"', '\n', '\r']) || cell.starts_with(' ') || cell.ends_with(' ') {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(true) => "true".to_owned(),
        Value::Bool(false) => "false".to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Text(s) => s.clone(),
        Value::List(l) => l.iter().map(cell).collect::<Vec<_>>().join("|"),
    }
}

/// Writes contacts as UTF-8 CSV with a header row: `id`, `email`, `phone`, `time_zone`,
/// `locale`, `tags` (`|`-separated), `consent.<channel>` for the channels any contact has a
/// consent on (`true` / `false`), then every profile field key any contact has, sorted. Numbers
/// use `.` as the decimal point. Returns how many contacts were written.
///
/// Import the file back with `delimiter` `,` and `decimal` `.` and the same field schema to get
/// the same contacts.
///
/// ```
/// use sequenza::import::export_csv;
/// use sequenza::model::Contact;
/// let mut c = Contact::new("c1");
/// c.email = Some("anna@example.com".into());
/// c.fields.insert("city".into(), "Forlì, FC".into());
/// let mut out = Vec::new();
/// assert_eq!(export_csv([&c], &mut out).unwrap(), 1);
/// assert_eq!(String::from_utf8(out).unwrap(),
///     "id,email,phone,time_zone,locale,tags,city\nc1,anna@example.com,,,,,\"Forlì, FC\"\n");
/// ```
pub fn export_csv<'a, W: Write>(
    contacts: impl IntoIterator<Item = &'a Contact> + Clone,
    out: &mut W,
) -> std::io::Result<u64> {
    let mut fields = BTreeSet::new();
    let mut channels = BTreeSet::new();
    for c in contacts.clone() {
        fields.extend(c.fields.keys().cloned());
        channels.extend(c.consent.keys().copied());
    }
    let channels: Vec<Channel> = channels.into_iter().collect();
    let d = ',';
    let mut header: Vec<String> = ["id", "email", "phone", "time_zone", "locale", "tags"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    header.extend(channels.iter().map(|c| format!("consent.{c}")));
    header.extend(fields.iter().cloned());
    writeln!(
        out,
        "{}",
        header
            .iter()
            .map(|h| quote(h, d))
            .collect::<Vec<_>>()
            .join(",")
    )?;
    let mut n = 0;
    let mut line: Vec<String> = Vec::with_capacity(header.len());
    for c in contacts {
        line.clear();
        line.push(c.id.to_string());
        line.push(c.email.clone().unwrap_or_default());
        line.push(c.phone.clone().unwrap_or_default());
        line.push(c.time_zone.clone().unwrap_or_default());
        line.push(c.locale.clone().unwrap_or_default());
        line.push(c.tags.iter().cloned().collect::<Vec<_>>().join("|"));
        for ch in &channels {
            line.push(match c.consent.get(ch).map(|k| k.status) {
                Some(ConsentStatus::OptedIn) => "true".to_owned(),
                Some(ConsentStatus::OptedOut) => "false".to_owned(),
                _ => String::new(),
            });
        }
        for f in &fields {
            line.push(c.fields.get(f).map(cell).unwrap_or_default());
        }
        writeln!(
            out,
            "{}",
            line.iter()
                .map(|v| quote(v, d))
                .collect::<Vec<_>>()
                .join(",")
        )?;
        n += 1;
    }
    Ok(n)
}

/// Writes an audience's contacts as [`export_csv`] does: the members of `list`, or the whole
/// audience when `list` is `None`. Errors: `list.unknown`; `import.io` when writing fails.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use sequenza::import::export_audience_csv;
/// use sequenza::list::Audience;
/// use sequenza::Contact;
/// let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
/// let mut audience = Audience::new();
/// audience.upsert_contact(Contact::new("anna"), now)?;
/// audience.upsert_contact(Contact::new("bea"), now)?;
/// let mut out = Vec::new();
/// assert_eq!(export_audience_csv(&audience, None, &mut out)?, 2);
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn export_audience_csv<W: Write>(
    audience: &crate::list::Audience,
    list: Option<&crate::model::ListId>,
    out: &mut W,
) -> crate::Result<u64> {
    let contacts = audience.contacts_in(list)?;
    export_csv(contacts.iter().copied(), out).map_err(|e| {
        super::error::ImportError::new(
            crate::error::ImportCode::Io,
            format!("cannot write the CSV: {e}"),
        )
        .into()
    })
}
