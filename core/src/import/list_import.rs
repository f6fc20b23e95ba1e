//! Importing into an [`Audience`]: the imported contacts go into a new list named after the
//! time of the import, and every list change the import caused is returned.

use std::collections::BTreeSet;
use std::io::Read;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::report::{ImportReport, Progress};
use super::target::ImportTarget;
use super::ImportOptions;
use crate::list::{Audience, List, ListChange, Source};
use crate::model::{Contact, ContactId, FieldSchema, ListId};
use crate::store::ContactStore;

/// The outcome of [`import_csv_to_list`]: the import report, the list made for the file, and
/// the list changes the import caused (auto-updating lists that imported contacts entered or
/// left, then each contact entering the new list), in the order they happened.
///
/// ```
/// use sequenza::import::ListImport;
/// let r: ListImport = serde_json::from_str(r#"{"report": {"detected": {"encoding": "utf-8",
///   "bom": false, "delimiter": ",", "quote": "\"", "header": true, "decimal": ".",
///   "date_order": "dmy"}, "columns": [], "rows": 0, "imported": 0, "updated": 0,
///   "duplicates": 0, "rejected": 0, "rejections": [], "duplicate_rows": [], "bytes": 0},
///   "list": "import-20261125-1851", "changes": []}"#).unwrap();
/// assert_eq!(r.list.as_str(), "import-20261125-1851");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListImport {
    /// The import report (counts, every rejected row, every duplicate).
    pub report: ImportReport,
    /// The id of the static list (source `csv_import`) holding the file's contacts.
    pub list: ListId,
    /// Every list change, in order.
    pub changes: Vec<ListChange>,
}

/// The automatic list of an import at `now`: id `import-YYYYMMDD-HHMM` (with `-2`, `-3` …
/// appended when the audience already has that id), name `Import YYYY-MM-DD HH:MM` (UTC), source
/// `csv_import` naming `file`. Rename it with [`Audience::rename_list`].
///
/// ```
/// use sequenza::import::import_list;
/// use sequenza::list::Audience;
/// let l = import_list(&Audience::new(), "2026-11-25T18:51:30Z".parse().unwrap(), Some("shop.csv"));
/// assert_eq!((l.id.as_str(), l.name.as_str()), ("import-20261125-1851", "Import 2026-11-25 18:51"));
/// assert_eq!(serde_json::to_value(&l.source).unwrap()["file"], "shop.csv");
/// ```
pub fn import_list(audience: &Audience, now: DateTime<Utc>, file: Option<&str>) -> List {
    let base = format!("import-{}", now.format("%Y%m%d-%H%M"));
    let mut id = ListId::new(base.clone());
    let mut n = 1;
    while audience.list(&id).is_some() {
        n += 1;
        id = ListId::new(format!("{base}-{n}"));
    }
    List::new(
        id,
        format!("Import {}", now.format("%Y-%m-%d %H:%M")),
        Source::CsvImport {
            file: file.map(str::to_owned),
        },
    )
}

/// An [`ImportTarget`] over an audience: remembers the contacts written and the list changes.
struct AudienceTarget<'a> {
    audience: &'a mut Audience,
    written: Vec<ContactId>,
    changes: Vec<ListChange>,
    next: u64,
}

impl ImportTarget for AudienceTarget<'_> {
    fn find_by_id(&self, id: &ContactId) -> Option<Contact> {
        self.audience.contact(id).cloned()
    }
    fn find_by_email(&self, email: &str) -> Option<Contact> {
        let id = ContactStore::find_by_email(&*self.audience, email)?;
        self.audience.contact(id).cloned()
    }
    fn find_by_phone(&self, phone: &str) -> Option<Contact> {
        let id = ContactStore::find_by_phone(&*self.audience, phone)?;
        self.audience.contact(id).cloned()
    }
    fn upsert(&mut self, contact: Contact, now: DateTime<Utc>) {
        self.written.push(contact.id.clone());
        let changes = self.audience.upsert_contact(contact, now);
        self.changes.extend(changes);
    }
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

/// Imports a CSV file (read in chunks, as [`import_csv_reader`](super::import_csv_reader))
/// into an audience, then puts the file's contacts in a new static list ([`import_list`]): the
/// contacts imported or updated, and those its duplicate rows name (with the `skip` policy,
/// existing contacts are left unchanged but still listed). Rejected rows are in no list.
///
/// Upserting a contact re-evaluates the auto-updating lists at `now`; those changes come first
/// in [`ListImport::changes`], then one `entered` change per contact of the new list.
///
/// A file-level error ([`crate::Error::Import`]) found before the first data row writes
/// nothing and makes no list; a reader failure later leaves the rows already written in the
/// audience, and no list.
///
/// ```
/// use sequenza::import::{import_csv_to_list, ImportOptions};
/// use sequenza::list::{Audience, List};
/// let now = "2026-11-25T18:51:00Z".parse().unwrap();
/// let mut audience = Audience::new();
/// audience.create_list(List::from_json(r#"{"id": "vip", "name": "VIP",
///   "source": {"type": "tag", "tag": "vip"}, "auto_update": true}"#)?, now)?;
/// let csv = "email;tags\nanna@example.com;vip\nbad@;\n";
/// let r = import_csv_to_list(csv.as_bytes(), &ImportOptions::default(), &Default::default(),
///     &mut audience, now, Some("shop.csv"), &mut |_| {})?;
/// assert_eq!((r.report.imported, r.report.rejected), (1, 1));
/// assert_eq!(r.list.as_str(), "import-20261125-1851");
/// assert_eq!(audience.member_count(&r.list), Some(1));
/// let lists: Vec<&str> = r.changes.iter().map(|c| c.list.as_str()).collect();
/// assert_eq!(lists, ["vip", "import-20261125-1851"]);
/// # Ok::<(), sequenza::Error>(())
/// ```
pub fn import_csv_to_list<R: Read>(
    reader: R,
    options: &ImportOptions,
    fields: &FieldSchema,
    audience: &mut Audience,
    now: DateTime<Utc>,
    file: Option<&str>,
    progress: &mut dyn FnMut(Progress),
) -> crate::Result<ListImport> {
    let mut target = AudienceTarget {
        audience,
        written: Vec::new(),
        changes: Vec::new(),
        next: 0,
    };
    let report = super::run::import(reader, options, fields, &mut target, now, progress)?;
    let AudienceTarget {
        audience,
        written,
        mut changes,
        ..
    } = target;
    let list = import_list(audience, now, file);
    let id = list.id.clone();
    audience.create_list(list, now)?;
    let mut members: BTreeSet<ContactId> = written.into_iter().collect();
    members.extend(report.duplicate_rows.iter().map(|d| d.contact.clone()));
    for c in members {
        if let Some(contact) = audience.contact(&c).cloned() {
            changes.extend(audience.add_to_list(&id, contact, now)?);
        }
    }
    Ok(ListImport {
        report,
        list: id,
        changes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::MembershipChange;

    fn now() -> DateTime<Utc> {
        "2026-11-25T18:51:00Z".parse().unwrap_or_default()
    }

    #[test]
    fn lists_imported_updated_and_skipped_contacts_but_not_rejected_ones() {
        let mut a = Audience::new();
        let mut old = Contact::new("old");
        old.email = Some("old@example.com".into());
        a.upsert_contact(old, now());
        let options = ImportOptions {
            policy: super::super::MergePolicy::Skip,
            ..ImportOptions::default()
        };
        let csv = "email\nnew@example.com\nold@example.com\nnew@example.com\nnope\n";
        let r = import_csv_to_list(
            csv.as_bytes(),
            &options,
            &FieldSchema::default(),
            &mut a,
            now(),
            None,
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(
            (r.report.imported, r.report.duplicates, r.report.rejected),
            (1, 2, 1)
        );
        let members: Vec<&str> = a.member_ids(&r.list).map(|c| c.as_str()).collect();
        assert_eq!(members, ["imp-1", "old"]);
        assert!(r
            .changes
            .iter()
            .all(|c| c.change == MembershipChange::Entered && c.list == r.list));
        assert_eq!(r.changes.len(), 2);
        // The skipped contact is unchanged apart from naming the list.
        assert_eq!(
            a.contact(&"old".into()).unwrap().lists,
            [r.list.clone()].into()
        );
    }

    #[test]
    fn a_second_import_in_the_same_minute_gets_another_list_and_fresh_ids() {
        let mut a = Audience::new();
        let run = |a: &mut Audience| {
            import_csv_to_list(
                "email\nx@example.com\ny@example.com\n".as_bytes(),
                &ImportOptions::default(),
                &FieldSchema::default(),
                a,
                now(),
                None,
                &mut |_| {},
            )
            .unwrap()
        };
        let first = run(&mut a);
        a.remove_contact(&"imp-1".into(), now());
        let second = run(&mut a);
        assert_eq!(first.list.as_str(), "import-20261125-1851");
        assert_eq!(second.list.as_str(), "import-20261125-1851-2");
        assert_eq!((second.report.imported, second.report.updated), (1, 1));
        assert_eq!(a.member_count(&second.list), Some(2));
        // A fresh id is one no contact has now (the removed contact's id is free again).
        assert_eq!(a.contact_count(), 2);
        assert!(a.contact(&"imp-1".into()).is_some());
    }

    #[test]
    fn a_file_level_error_writes_nothing_and_makes_no_list() {
        let mut a = Audience::new();
        let err = import_csv_to_list(
            "a,a\n1,2\n".as_bytes(),
            &ImportOptions::default(),
            &FieldSchema::default(),
            &mut a,
            now(),
            None,
            &mut |_| {},
        )
        .unwrap_err();
        assert_eq!(err.code(), "import.header.duplicate");
        assert_eq!(a.lists().count(), 0);
        assert_eq!(a.contact_count(), 0);
    }
}
