//! [`BulkTable`]: a contact table built once, with the segment memberships and definitions that
//! `in_segment` reads, evaluated as many times as needed.
//!
//! `in_segment` has one meaning everywhere: true exactly for the contacts known to be members.
//! In bulk a segment's members are its given membership, else what its definition gives at the
//! same `now` (computed once per evaluation, a segment before the segments that read it); a
//! segment with neither has no members, as a segment missing from the ids passed to
//! [`CompiledCondition::matches`](crate::condition::eval::CompiledCondition::matches) is false.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::table::IdForm;
use super::Segment;
use crate::condition::bulk::{Bitmap, ContactTable, Evaluation};
use crate::condition::Condition;
use crate::error::{ConditionError, Error, SegmentCode};
use crate::model::SegmentId;

/// A [`ContactTable`] with the memberships and definitions of the segments that conditions may
/// name through `in_segment`. Build one with [`TableColumns::build`](super::TableColumns::build)
/// or [`BulkTable::new`].
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use sequenza::condition::bulk::ContactTable;
/// use sequenza::condition::Condition;
/// use sequenza::segment::{BulkTable, IdForm, Segment};
///
/// let table = ContactTable::builder(vec!["a", "b", "c"])
///     .number_column("spend", vec![Some(500.0), Some(20.0), Some(900.0)])
///     .tags(vec![vec!["vip"], vec!["vip"], vec![]])
///     .build()?;
/// let big = Segment::new("big", "Big spenders", Condition::parse("spend > 100")?);
/// let table = BulkTable::new(table, IdForm::Text)
///     .with_memberships([("vip".to_owned(), vec!["a".to_owned(), "b".to_owned()])])
///     .with_segments(vec![big]);
/// let now = Utc.with_ymd_and_hms(2026, 11, 25, 12, 0, 0).unwrap();
/// let c = Condition::parse(r#"in segment "vip" and in segment "big" and not in segment "gone""#)?;
/// assert_eq!(table.evaluate(&c, now, chrono_tz::UTC)?.iter().collect::<Vec<_>>(), vec![0]);
/// # Ok::<(), sequenza::Error>(())
/// ```
#[derive(Debug)]
pub struct BulkTable {
    table: ContactTable,
    id_form: IdForm,
    memberships: HashMap<SegmentId, Bitmap>,
    segments: HashMap<SegmentId, Segment>,
}

impl BulkTable {
    /// A table without memberships or segment definitions.
    pub fn new(table: ContactTable, id_form: IdForm) -> Self {
        BulkTable {
            table,
            id_form,
            memberships: HashMap::new(),
            segments: HashMap::new(),
        }
    }

    /// Adds the members of segments, by contact id (`(segment, [contact, …])`); ids that are
    /// not rows of the table are left out. A membership replaces an earlier one of the same
    /// segment and wins over a definition.
    pub fn with_memberships(
        mut self,
        members: impl IntoIterator<Item = (String, Vec<String>)>,
    ) -> Self {
        let members: Vec<(String, Vec<String>)> = members.into_iter().collect();
        if members.is_empty() {
            return self;
        }
        let bitmaps = self
            .table
            .segment_rows(members.iter().map(|(s, m)| (s.as_str(), m.as_slice())));
        self.memberships.extend(bitmaps);
        self
    }

    /// Adds segment definitions, evaluated on the table when a condition names them.
    pub fn with_segments(mut self, segments: impl IntoIterator<Item = Segment>) -> Self {
        self.segments
            .extend(segments.into_iter().map(|s| (s.id.clone(), s)));
        self
    }

    /// The contact table.
    pub fn table(&self) -> &ContactTable {
        &self.table
    }

    /// How the ids were given.
    pub fn id_form(&self) -> &IdForm {
        &self.id_form
    }

    /// The number of contacts (rows).
    pub fn len(&self) -> usize {
        self.table.len()
    }

    /// True when the table has no contacts.
    pub fn is_empty(&self) -> bool {
        self.table.is_empty()
    }

    /// The rows for which `condition` holds at `now` (contacts without a time zone use
    /// `default_time_zone`). Errors: those of [`ContactTable::evaluate`], and `segment.cycle`
    /// when the segment definitions read each other in a circle (path: the `in_segment` that
    /// closes it, inside the segment definition that holds it, `/segments/<id>/condition/…`).
    pub fn evaluate(
        &self,
        condition: &Condition,
        now: DateTime<Utc>,
        default_time_zone: Tz,
    ) -> crate::Result<Bitmap> {
        let mut known = HashMap::new();
        let mut stack = Vec::new();
        let eval = Evaluation::new(now).with_time_zone(default_time_zone);
        self.resolve(condition, &eval, &mut known, &mut stack)?;
        self.table
            .evaluate_with(condition, &eval.with_segments(&known))
    }

    /// Fills `known` with the membership of every segment `condition` names (transitively).
    fn resolve(
        &self,
        condition: &Condition,
        eval: &Evaluation<'_>,
        known: &mut HashMap<SegmentId, Bitmap>,
        stack: &mut Vec<SegmentId>,
    ) -> crate::Result<()> {
        let mut refs = Vec::new();
        segment_refs(condition, "", &mut refs);
        for (id, path) in refs {
            if known.contains_key(&id) {
                continue;
            }
            if let Some(b) = self.memberships.get(&id) {
                known.insert(id, b.clone());
                continue;
            }
            let Some(segment) = self.segments.get(&id) else {
                continue;
            };
            if stack.contains(&id) {
                let within = stack.last().map_or(String::new(), |s| {
                    format!(
                        "/segments/{}/condition",
                        crate::error::escape_pointer(s.as_str())
                    )
                });
                return Err(Error::Condition(Box::new(ConditionError {
                    code: SegmentCode::Cycle.into(),
                    path: format!("{within}{path}"),
                    message: format!("The segment \"{id}\" reads itself through in_segment."),
                })));
            }
            stack.push(id.clone());
            self.resolve(&segment.condition, eval, known, stack)?;
            stack.pop();
            let members = self
                .table
                .evaluate_with(&segment.condition, &eval.with_segments(known))?;
            known.insert(id, members);
        }
        Ok(())
    }
}

/// Every `in_segment` of a condition with the pointer of its `segment` key.
fn segment_refs(c: &Condition, path: &str, out: &mut Vec<(SegmentId, String)>) {
    match c {
        Condition::And { conditions } | Condition::Or { conditions } => {
            for (i, child) in conditions.iter().enumerate() {
                segment_refs(child, &format!("{path}/conditions/{i}"), out);
            }
        }
        Condition::Not { condition } => segment_refs(condition, &format!("{path}/condition"), out),
        Condition::InSegment { segment } => out.push((segment.clone(), format!("{path}/segment"))),
        _ => {}
    }
}
