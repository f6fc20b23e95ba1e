//! CSV import into an [`Audience`]: the accepted rows go through the audience (so auto-updating
//! lists follow at once) and into a new static list named after the import's time.

use std::io::Read;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Audience, List, ListChange, Source};
use crate::import::{ImportOptions, ImportReport, ImportTarget, Progress};
use crate::model::{Contact, ContactId, FieldSchema, ListId};
use crate::store::ContactStore;

/// What [`Audience::import_csv`] did: the import report, the list that now holds every imported
/// or updated contact, and the list changes the import caused (the new list's entries and any
/// auto-updating list the contacts entered or left).
///
/// JSON: the report's keys plus `"list_id"` and `"changes"`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AudienceImport {
    /// Counts, detected settings and every rejected row.
    #[serde(flatten)]
    pub report: ImportReport,
    /// The static list made for this import ("Import 2026-11-25 18:51").
    pub list_id: ListId,
    /// The list changes the import caused, in order.
    pub changes: Vec<ListChange>,
}

/// An [`ImportTarget`] over an audience that remembers which contacts the import wrote.
struct Recorder<'a> {
    audience: &'a mut Audience,
    written: Vec<ContactId>,
    next: u64,
}

impl ImportTarget for Recorder<'_> {
    fn find_by_id(&self, id: &ContactId) -> Option<Contact> {
        self.audience.contact(id).cloned()
    }
    fn find_by_email(&self, email: &str) -> Option<Contact> {
        let id = ContactStore::find_by_email(self.audience, email)?;
        self.audience.contact(id).cloned()
    }
    fn find_by_phone(&self, phone: &str) -> Option<Contact> {
        let id = ContactStore::find_by_phone(self.audience, phone)?;
        self.audience.contact(id).cloned()
    }
    fn upsert(&mut self, contact: Contact, now: DateTime<Utc>) {
        self.written.push(contact.id.clone());
        let changes = self.audience.upsert_contact(contact, now);
        self.audience.pending.extend(changes);
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

impl Audience {
    /// Imports a CSV file held in memory; see [`Audience::import_csv_reader`].
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use sequenza::import::ImportOptions;
    /// use sequenza::list::Audience;
    /// let now = Utc.with_ymd_and_hms(2026, 11, 25, 17, 51, 0).unwrap();
    /// let mut audience = Audience::new().with_default_time_zone(chrono_tz::Europe::Rome);
    /// let csv = "Nome;E-mail\nAnna;anna@example.com\nBruno;not-an-email\n";
    /// let done = audience.import_csv(csv.as_bytes(), &ImportOptions::default(),
    ///     &Default::default(), now, &mut |_| {})?;
    /// assert_eq!((done.report.imported, done.report.rejected), (1, 1));
    /// assert_eq!(audience.list(&done.list_id).unwrap().name, "Import 2026-11-25 18:51");
    /// assert_eq!(audience.member_count(&done.list_id), Some(1));
    /// # Ok::<(), sequenza::Error>(())
    /// ```
    pub fn import_csv(
        &mut self,
        bytes: &[u8],
        options: &ImportOptions,
        fields: &FieldSchema,
        now: DateTime<Utc>,
        progress: &mut dyn FnMut(Progress),
    ) -> crate::Result<AudienceImport> {
        self.import_csv_reader(bytes, options, fields, now, progress)
    }

    /// Imports a CSV file read in chunks (bounded memory) into this audience, through
    /// [`crate::import::import_csv_reader`]: accepted rows are merged into the contacts (by id,
    /// e-mail or phone, under the options' policy) and auto-updating lists follow at once;
    /// rejected rows are reported. Then a static list named "Import YYYY-MM-DD HH:MM" (the
    /// import's time in the audience's default time zone), with the `csv_import` source, receives
    /// every contact the import created or updated; rename it with [`Audience::rename_list`].
    ///
    /// A file-level error (empty file, duplicate header names, a mapping naming a missing column)
    /// is returned before anything is written. A read error in the middle of a stream keeps the
    /// rows written until then and makes no list.
    pub fn import_csv_reader<R: Read>(
        &mut self,
        reader: R,
        options: &ImportOptions,
        fields: &FieldSchema,
        now: DateTime<Utc>,
        progress: &mut dyn FnMut(Progress),
    ) -> crate::Result<AudienceImport> {
        let mut changes = self.take_changes();
        let mut recorder = Recorder {
            audience: self,
            written: Vec::new(),
            next: 0,
        };
        let report =
            crate::import::import_csv_reader(reader, options, fields, &mut recorder, now, progress);
        let written = std::mem::take(&mut recorder.written);
        changes.extend(self.take_changes());
        let report = report?;

        let local = now.with_timezone(&self.index().default_time_zone());
        let name = format!("Import {}", local.format("%Y-%m-%d %H:%M"));
        let stem = format!("import-{}", local.format("%Y%m%d-%H%M"));
        let mut list_id = ListId::new(stem.clone());
        let mut n = 1;
        while self.list(&list_id).is_some() {
            n += 1;
            list_id = ListId::new(format!("{stem}-{n}"));
        }
        let list = List::new(list_id.clone(), name, Source::CsvImport { file: None });
        self.create_list(list, now)?;
        for id in written {
            changes.extend(self.join(&list_id, &id, now));
        }
        Ok(AudienceImport {
            report,
            list_id,
            changes,
        })
    }
}
