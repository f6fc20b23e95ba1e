//! Import into an [`Audience`]: the file's contacts become a list, and option objects read from
//! the JSON the bindings pass.

use std::collections::BTreeSet;
use std::io::Read;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::error::ImportError;
use super::options::ImportOptions;
use super::report::{ImportReport, Progress};
use super::target::ImportTarget;
use crate::list::{Audience, List, ListChange, Source};
use crate::model::{Contact, ContactId, FieldSchema, ListId};
use crate::store::ContactStore;

/// The names of every [`ImportOptions`] setting, as written in JSON.
///
/// ```
/// assert!(sequenza::import::OPTION_NAMES.contains(&"delimiter"));
/// ```
pub const OPTION_NAMES: &[&str] = &[
    "encoding",
    "delimiter",
    "quote",
    "header",
    "decimal",
    "date_order",
    "mapping",
    "default_region",
    "policy",
    "preview_rows",
    "max_row_bytes",
    "tags",
    "time_zone",
    "anonymous",
];

impl ImportOptions {
    /// Reads options from their JSON form (a JSON object whose keys are [`OPTION_NAMES`]).
    ///
    /// Every problem is an `import.option.invalid` [`ImportError`] whose `column_name` is the
    /// option's name: an unknown name (`"delimeter"`), or a value of the wrong type or out of
    /// range (`"delimiter": 3`, `"policy": "replace"`). An object that is not a JSON object has
    /// no `column_name`.
    ///
    /// ```
    /// use sequenza::import::ImportOptions;
    /// let o = ImportOptions::from_json_value(serde_json::json!({"delimiter": ";"}))?;
    /// assert_eq!(o.delimiter, Some(';'));
    /// let err = ImportOptions::from_json_value(serde_json::json!({"delimeter": ";"})).unwrap_err();
    /// assert_eq!(err.code, "import.option.invalid");
    /// assert_eq!(err.column_name.as_deref(), Some("delimeter"));
    /// # Ok::<(), sequenza::import::ImportError>(())
    /// ```
    pub fn from_json_value(value: serde_json::Value) -> Result<Self, ImportError> {
        let serde_json::Value::Object(map) = value else {
            return Err(ImportError::new(
                crate::error::ImportCode::OptionInvalid,
                "the import options must be a JSON object",
            ));
        };
        for (name, v) in &map {
            let invalid = |message: String| {
                let mut e = ImportError::new(crate::error::ImportCode::OptionInvalid, message);
                e.column_name = Some(name.clone());
                e
            };
            if !OPTION_NAMES.contains(&name.as_str()) {
                return Err(invalid(format!(
                    "unknown import option `{name}` (known: {})",
                    OPTION_NAMES.join(", ")
                )));
            }
            let mut one = serde_json::Map::new();
            one.insert(name.clone(), v.clone());
            if let Err(e) = serde_json::from_value::<ImportOptions>(serde_json::Value::Object(one))
            {
                return Err(invalid(format!("import option `{name}`: {e}")));
            }
        }
        serde_json::from_value(serde_json::Value::Object(map)).map_err(|e| {
            ImportError::new(
                crate::error::ImportCode::OptionInvalid,
                format!("invalid import options: {e}"),
            )
        })
    }
}

/// The list an import into an [`Audience`] creates.
///
/// ```
/// use sequenza::import::ImportList;
/// let l = ImportList { name: Some("Clienti 2026".into()), file: Some("clienti.csv".into()) };
/// assert_eq!(ImportList::default().name, None);
/// # let _ = l;
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportList {
    /// The list name; `None` for the automatic name ([`import_list_name`]).
    pub name: Option<String>,
    /// The imported file's name, kept in the list's `csv_import` source.
    pub file: Option<String>,
}

/// The outcome of [`import_csv_into_audience`]: the import report, the list made of the file's
/// contacts and the list changes the import caused. JSON: the report's keys plus `list_id` and
/// `changes`.
///
/// ```
/// use sequenza::import::{import_csv_into_audience, ImportList, ImportOptions};
/// use sequenza::list::Audience;
/// let mut audience = Audience::new();
/// let r = import_csv_into_audience(&b"email\nanna@example.com\n"[..], &ImportOptions::default(),
///     &Default::default(), &mut audience, &ImportList::default(),
///     "2026-11-25T18:51:00Z".parse().unwrap(), &mut |_| {})?;
/// let json = serde_json::to_value(&r).unwrap();
/// assert_eq!(json["imported"], 1);
/// assert_eq!(json["list_id"], "import-2026-11-25-1851");
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ListImport {
    /// The import report.
    #[serde(flatten)]
    pub report: ImportReport,
    /// The list holding every contact the file imported, updated or repeated.
    pub list_id: ListId,
    /// The changes of other lists (auto-updating ones, and those reading list membership) that
    /// the imported contacts caused. The new list's own filling is not a change.
    pub changes: Vec<ListChange>,
}

/// The automatic name of an import's list: `Import 2026-11-25 18:51`, `now` read in the zone it
/// carries ([`import_csv_into_audience`] passes the audience's default time zone, so people see
/// their own clock).
///
/// ```
/// use chrono::DateTime;
/// let now: DateTime<chrono::Utc> = "2026-11-25T17:51:30Z".parse().unwrap();
/// assert_eq!(sequenza::import::import_list_name(now), "Import 2026-11-25 17:51");
/// let rome = now.with_timezone(&chrono_tz::Europe::Rome);
/// assert_eq!(sequenza::import::import_list_name(rome), "Import 2026-11-25 18:51");
/// ```
pub fn import_list_name<Z: chrono::TimeZone>(now: DateTime<Z>) -> String
where
    Z::Offset: std::fmt::Display,
{
    format!("Import {}", now.format("%Y-%m-%d %H:%M"))
}

/// Imports a CSV file into an audience (see [`import_csv_reader`](super::import_csv_reader)):
/// accepted rows are upserted into `audience`, so auto-updating lists follow at once, and then a
/// static list with the `csv_import` source is created holding every contact the file imported,
/// updated or repeated (a duplicate row names its contact). The list is named `list.name` or
/// automatically ([`import_list_name`], in the audience's default time zone); its id is
/// `import-YYYY-MM-DD-HHMM` in that zone (with `-2`, `-3` …
/// when taken). New contacts without an id column get `imp-1`, `imp-2` … (ids not taken).
///
/// On a file-level error (before any row) nothing is created. When the import stops part-way
/// (the reader fails: an I/O error, or the host stopping it through its reader), the rows
/// written stay written, the list is still created with exactly the contacts written, and the
/// [`ImportError`]'s `report` is a [`PartialImport`] with the counts so far, the list's id and
/// the list changes. With an empty `fields`, the audience's own field schema
/// ([`Audience::with_fields`]) is used.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use sequenza::import::{import_csv_into_audience, ImportList, ImportOptions};
/// use sequenza::list::{Audience, List, Source};
/// let now = Utc.with_ymd_and_hms(2026, 11, 25, 18, 51, 0).unwrap();
/// let mut audience = Audience::new();
/// let vip = List { auto_update: true, ..List::new("vip", "VIP", Source::Tag { tag: "vip".into() }) };
/// audience.create_list(vip, now)?;
/// let csv = "email;tags\nanna@example.com;vip\nluca@;\n";
/// let r = import_csv_into_audience(csv.as_bytes(), &ImportOptions::default(), &Default::default(),
///     &mut audience, &ImportList { name: None, file: Some("clienti.csv".into()) }, now, &mut |_| {})?;
/// assert_eq!((r.report.imported, r.report.rejected), (1, 1));
/// assert_eq!(audience.list(&r.list_id).unwrap().name, "Import 2026-11-25 18:51");
/// assert_eq!(audience.member_count(&r.list_id), Some(1));
/// assert_eq!(r.changes[0].list.as_str(), "vip");
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn import_csv_into_audience<R: Read>(
    reader: R,
    options: &ImportOptions,
    fields: &FieldSchema,
    audience: &mut Audience,
    list: &ImportList,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(Progress),
) -> crate::Result<ListImport> {
    let zoned;
    let options = if options.time_zone.is_none() {
        zoned = ImportOptions {
            time_zone: Some(audience.index().default_time_zone().name().to_owned()),
            ..options.clone()
        };
        &zoned
    } else {
        options
    };
    let own;
    let fields = if fields.fields.is_empty() {
        // The audience's own schema, when the call gives none.
        own = audience.fields().clone();
        &own
    } else {
        fields
    };
    let mut target = AudienceTarget {
        audience,
        touched: BTreeSet::new(),
        changes: Vec::new(),
        next: 0,
    };
    let result = super::run::import(reader, options, fields, &mut target, now, progress);
    let AudienceTarget {
        audience,
        touched,
        changes,
        ..
    } = target;
    match result {
        Ok(report) => {
            let (list_id, changes) = make_list(audience, list, touched, changes, &report, now)?;
            Ok(ListImport {
                report,
                list_id,
                changes,
            })
        }
        Err(mut e) => {
            // Stopped part-way: the rows written still get their list, and the error says so.
            if let Some(partial) = e.report.as_mut() {
                let (list_id, changes) =
                    make_list(audience, list, touched, changes, &partial.report, now)?;
                partial.list_id = Some(list_id);
                partial.changes = changes;
            }
            Err(e.into())
        }
    }
}

/// Creates the import's list holding the contacts written (and those duplicate rows name);
/// returns its id and every list change of the import.
fn make_list(
    audience: &mut Audience,
    list: &ImportList,
    mut touched: BTreeSet<ContactId>,
    mut changes: Vec<ListChange>,
    report: &ImportReport,
    now: DateTime<Utc>,
) -> crate::Result<(ListId, Vec<ListChange>)> {
    touched.extend(report.duplicate_rows.iter().map(|d| d.contact.clone()));
    let local = now.with_timezone(&audience.index().default_time_zone());
    let base = format!("import-{}", local.format("%Y-%m-%d-%H%M"));
    let mut id = ListId::new(base.clone());
    let mut n = 1;
    while audience.list(&id).is_some() {
        n += 1;
        id = ListId::new(format!("{base}-{n}"));
    }
    let name = list
        .name
        .clone()
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| import_list_name(local));
    let source = Source::CsvImport {
        file: list.file.clone(),
    };
    audience.create_list(List::new(id.clone(), name, source), now)?;
    for c in touched {
        // Joining (not re-upserting) the contact: it was evaluated once when it was written.
        changes.extend(
            audience
                .join(&id, &c, now)
                .into_iter()
                .filter(|ch| ch.list != id),
        );
    }
    Ok((id, changes))
}

/// What an import that stopped part-way had done (the `report` of its [`ImportError`]). JSON:
/// the report's keys plus `list_id` (the import's list in the audience; `null` without one)
/// and `changes`.
///
/// ```
/// use sequenza::import::{import_csv_into_audience, ImportList, ImportOptions};
/// use sequenza::list::Audience;
/// /// A file whose reader fails after its first 64 KiB.
/// struct Broken(Vec<u8>, usize);
/// impl std::io::Read for Broken {
///     fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
///         if self.1 >= self.0.len() { return Err(std::io::Error::other("disk gone")); }
///         let n = buf.len().min(self.0.len() - self.1);
///         buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
///         self.1 += n;
///         Ok(n)
///     }
/// }
/// let mut csv = String::from("email\n");
/// for i in 0..5000 { csv.push_str(&format!("c{i}@example.com\n")); }
/// let file = Broken(csv.into_bytes()[..64 * 1024].to_vec(), 0);
/// let mut audience = Audience::new();
/// let err = import_csv_into_audience(file, &ImportOptions::default(), &Default::default(),
///     &mut audience, &ImportList::default(), "2026-11-25T18:51:00Z".parse().unwrap(), &mut |_| {})
///     .unwrap_err();
/// let sequenza::Error::Import(e) = err else { unreachable!() };
/// let partial = e.report.unwrap();
/// assert_eq!(partial.report.imported as usize, audience.contact_count());
/// let list = partial.list_id.unwrap();
/// assert_eq!(audience.member_count(&list), Some(audience.contact_count()));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PartialImport {
    /// The rows read, and what became of them, until the import stopped.
    #[serde(flatten)]
    pub report: ImportReport,
    /// The list holding every contact written (into an audience only).
    pub list_id: Option<ListId>,
    /// The list changes the written contacts caused.
    pub changes: Vec<ListChange>,
}

/// The importer's view of an audience: records the contacts written and the changes caused.
struct AudienceTarget<'a> {
    audience: &'a mut Audience,
    touched: BTreeSet<ContactId>,
    changes: Vec<ListChange>,
    next: u64,
}

impl ContactStore for AudienceTarget<'_> {
    fn get(&self, id: &ContactId) -> Option<&Contact> {
        self.audience.contact(id)
    }
    fn find_by_email(&self, email: &str) -> Option<&ContactId> {
        ContactStore::find_by_email(&*self.audience, email)
    }
    fn find_by_phone(&self, phone: &str) -> Option<&ContactId> {
        ContactStore::find_by_phone(&*self.audience, phone)
    }
    fn upsert(&mut self, contact: Contact, now: DateTime<Utc>) -> crate::Result<()> {
        let id = contact.id.clone();
        let changes = self.audience.upsert_contact(contact, now)?;
        self.touched.insert(id);
        self.changes.extend(changes);
        Ok(())
    }
    /// An import never removes; removing through the target is the audience's removal.
    fn remove(&mut self, id: &ContactId, now: DateTime<Utc>) -> crate::Result<Option<Contact>> {
        ContactStore::remove(&mut *self.audience, id, now)
    }
}

impl ImportTarget for AudienceTarget<'_> {
    fn new_id(&mut self) -> ContactId {
        loop {
            self.next += 1;
            let id = ContactId::new(format!("imp-{}", self.next));
            if self.audience.contact(&id).is_none() {
                return id;
            }
        }
    }
}

// ---- issue 9: the import options among a binding call's options ----------------------------

impl ImportOptions {
    /// The import options among the options of a binding call (`importCsv(input, {now,
    /// delimiter, …})`): every key but the call's `own` ones (`now`, `onProgress` …), in camelCase
    /// or snake_case, read as [`from_json_value`](Self::from_json_value) reads them (an unknown
    /// key is `import.option.invalid` naming it). `null` is no option.
    ///
    /// ```
    /// use sequenza::import::ImportOptions;
    /// let call = serde_json::json!({"now": "2026-11-25T09:00:00Z", "previewRows": 5});
    /// let o = ImportOptions::from_call_options(call, &["now"])?;
    /// assert_eq!(o.preview_rows, 5);
    /// let err = ImportOptions::from_call_options(serde_json::json!({"delimeter": ";"}), &[]);
    /// assert_eq!(err.unwrap_err().code(), "import.option.invalid");
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn from_call_options(options: serde_json::Value, own: &[&str]) -> crate::Result<Self> {
        let mut options = match options {
            serde_json::Value::Null => serde_json::Value::Object(Default::default()),
            options => crate::text::snake_case_keys(options),
        };
        if let serde_json::Value::Object(map) = &mut options {
            for key in own {
                map.remove(&crate::text::snake_case(key));
            }
        }
        Ok(ImportOptions::from_json_value(options)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-11-25T18:51:00Z".parse().unwrap()
    }

    fn import(audience: &mut Audience, csv: &str, options: &ImportOptions) -> ListImport {
        import_csv_into_audience(
            csv.as_bytes(),
            options,
            &FieldSchema::default(),
            audience,
            &ImportList::default(),
            now(),
            &mut |_| {},
        )
        .unwrap()
    }

    #[test]
    fn second_import_gets_a_new_list_and_merges_contacts() {
        let mut a = Audience::new();
        let first = import(
            &mut a,
            "email\nanna@example.com\nbruno@example.com\n",
            &ImportOptions::default(),
        );
        assert_eq!(first.list_id.as_str(), "import-2026-11-25-1851");
        assert_eq!(a.member_count(&first.list_id), Some(2));
        let second = import(
            &mut a,
            "email,nome\nANNA@example.com,Anna\nanna@example.com,Anna\n",
            &ImportOptions::default(),
        );
        assert_eq!(second.list_id.as_str(), "import-2026-11-25-1851-2");
        assert_eq!((second.report.updated, second.report.duplicates), (1, 1));
        assert_eq!(a.member_count(&second.list_id), Some(1));
        assert_eq!(a.contact_count(), 2);
        assert!(second.changes.is_empty());
    }

    #[test]
    fn skipped_existing_contacts_are_in_the_list() {
        let mut a = Audience::new();
        a.upsert_contact(
            Contact::from_json(r#"{"id": "c1", "email": "anna@example.com"}"#).unwrap(),
            now(),
        )
        .unwrap();
        let options =
            ImportOptions::from_json_value(serde_json::json!({"policy": "skip"})).unwrap();
        let r = import(&mut a, "email\nanna@example.com\n", &options);
        assert_eq!(r.report.duplicates, 1);
        assert!(a.is_member(&r.list_id, &"c1".into()));
    }

    #[test]
    fn a_file_error_creates_no_list() {
        let mut a = Audience::new();
        let err = import_csv_into_audience(
            &b""[..],
            &ImportOptions::default(),
            &FieldSchema::default(),
            &mut a,
            &ImportList::default(),
            now(),
            &mut |_| {},
        )
        .unwrap_err();
        assert_eq!(err.code(), "import.empty");
        assert_eq!(a.lists().count(), 0);
    }

    #[test]
    fn options_errors_name_the_option() {
        for (json, name) in [
            (serde_json::json!({"delimiter": 3}), Some("delimiter")),
            (serde_json::json!({"policy": "replace"}), Some("policy")),
            (
                serde_json::json!({"preview_rows": -1}),
                Some("preview_rows"),
            ),
            (serde_json::json!({"mapping": {"A": 3}}), Some("mapping")),
            (serde_json::json!({"nope": 1}), Some("nope")),
            (serde_json::json!([1]), None),
        ] {
            let err = ImportOptions::from_json_value(json).unwrap_err();
            assert_eq!(err.code, "import.option.invalid");
            assert_eq!(err.column_name.as_deref(), name);
        }
        let o = ImportOptions::from_json_value(serde_json::json!({
            "mapping": {"Note": null, "Tel": "phone"}, "policy": "overwrite", "tags": ["x"]
        }))
        .unwrap();
        assert_eq!(o.mapping.len(), 2);
    }

    #[test]
    fn every_option_name_is_a_field() {
        let json = serde_json::to_value(ImportOptions::default()).unwrap();
        let keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut names = OPTION_NAMES.to_vec();
        names.sort_unstable();
        let mut keys = keys;
        keys.sort_unstable();
        assert_eq!(names, keys);
    }
}
