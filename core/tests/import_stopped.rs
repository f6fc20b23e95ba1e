//! An import that stops part-way (a reader failing mid-file, the host stopping it from the
//! progress callback) leaves a record: the error carries the partial report, the import's list
//! holds exactly the contacts written, and auto-updating lists reflect every one of them.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cell::Cell;
use std::collections::BTreeSet;
use std::io::Read;

use chrono::{DateTime, TimeZone, Utc};
use sequenza::import::{import_csv_into_audience, ImportList, ImportOptions, PartialImport};
use sequenza::list::{Audience, List, Source};
use sequenza::model::ContactId;
use sequenza::segment::MembershipChange;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 25, 17, 51, 0).unwrap()
}

/// `rows` contacts; every third one tagged `vip`; a few rows rejected, one repeated.
fn csv(rows: usize) -> Vec<u8> {
    let mut out = String::from("email;tags\n");
    for i in 0..rows {
        let tag = if i % 3 == 0 { "vip" } else { "" };
        match i % 1000 {
            500 => out.push_str("broken@;\n"),
            501 => out.push_str("c0@example.com;vip\n"),
            _ => out.push_str(&format!("c{i}@example.com;{tag}\n")),
        }
    }
    out.into_bytes()
}

/// A reader that fails once `stop` is set, as the bindings' readers do when the host's progress
/// callback raises or the user presses Ctrl-C; or after `limit` bytes (an I/O error).
struct Stoppable<'a> {
    bytes: &'a [u8],
    at: usize,
    limit: usize,
    stop: &'a Cell<bool>,
}

impl Read for Stoppable<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.stop.get() || self.at >= self.limit {
            return Err(std::io::Error::other("stopped"));
        }
        let n = buf.len().min(self.limit - self.at).min(4096);
        buf[..n].copy_from_slice(&self.bytes[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn audience() -> Audience {
    let mut a = Audience::new();
    let vip = List {
        auto_update: true,
        ..List::new("vip", "VIP", Source::Tag { tag: "vip".into() })
    };
    a.create_list(vip, now()).unwrap();
    a
}

/// Checks the audience against the partial report, contact by contact.
fn check(a: &Audience, partial: &PartialImport) {
    let r = &partial.report;
    assert!(r.rows > 0);
    assert_eq!(r.imported + r.updated + r.duplicates + r.rejected, r.rows);
    let list = partial.list_id.as_ref().expect("an import list");
    let members: BTreeSet<&ContactId> = a.member_ids(list).collect();
    // The audience held nobody before: every contact is one the import wrote, all in its list.
    assert_eq!(a.contact_count() as u64, r.imported);
    assert_eq!(members.len() as u64, r.imported);
    let vip_written: BTreeSet<ContactId> = members
        .iter()
        .filter(|c| a.contact(c).unwrap().tags.contains("vip"))
        .map(|c| (*c).clone())
        .collect();
    assert!(!vip_written.is_empty());
    // The auto-updating list holds every tagged contact written, and the changes say so.
    let in_vip: BTreeSet<ContactId> = a.member_ids(&"vip".into()).cloned().collect();
    assert_eq!(in_vip, vip_written);
    let entered: BTreeSet<ContactId> = partial
        .changes
        .iter()
        .filter(|c| c.list.as_str() == "vip" && c.change == MembershipChange::Entered)
        .map(|c| c.contact.clone())
        .collect();
    assert_eq!(entered, vip_written);
    for id in &members {
        assert!(a.contact(id).unwrap().lists.contains(list));
    }
    // JSON: the report's keys, `list_id` and `changes`.
    let json = serde_json::to_value(partial).unwrap();
    assert_eq!(json["imported"], r.imported);
    assert_eq!(json["list_id"], list.as_str());
}

fn partial(err: sequenza::Error) -> PartialImport {
    // The bindings' view: `ErrorData.report` is the same partial report as JSON.
    let data = err.data();
    let report = data.report.clone().expect("ErrorData.report");
    let sequenza::Error::Import(e) = err else {
        panic!("not an import error: {err}")
    };
    assert_eq!(e.code, "import.io");
    let partial = *e.report.expect("a partial report");
    assert_eq!(report, serde_json::to_value(&partial).unwrap());
    assert!(report["list_id"].is_string() && report["changes"].is_array());
    partial
}

#[test]
fn a_callback_stopping_at_row_n_leaves_a_record() {
    let bytes = csv(40_000);
    let stop = Cell::new(false);
    let reader = Stoppable {
        bytes: &bytes,
        at: 0,
        limit: bytes.len(),
        stop: &stop,
    };
    let mut a = audience();
    let err = import_csv_into_audience(
        reader,
        &ImportOptions::default(),
        &Default::default(),
        &mut a,
        &ImportList::default(),
        now(),
        &mut |p| {
            if p.rows >= 16_384 {
                stop.set(true);
            }
        },
    )
    .unwrap_err();
    let partial = partial(err);
    // Stopped at the next chunk after row 16384, far before the end.
    assert!(partial.report.rows >= 16_384 && partial.report.rows < 17_000);
    assert!(partial.report.rejected > 0 && partial.report.duplicates > 0);
    check(&a, &partial);
}

#[test]
fn an_io_error_mid_file_leaves_a_record() {
    let bytes = csv(20_000);
    let stop = Cell::new(false);
    let reader = Stoppable {
        bytes: &bytes,
        at: 0,
        limit: 200_000,
        stop: &stop,
    };
    let mut a = audience();
    let err = import_csv_into_audience(
        reader,
        &ImportOptions::default(),
        &Default::default(),
        &mut a,
        &ImportList::default(),
        now(),
        &mut |_| {},
    )
    .unwrap_err();
    let partial = partial(err);
    assert!(partial.report.rows > 1000 && partial.report.rows < 20_000);
    check(&a, &partial);
}
