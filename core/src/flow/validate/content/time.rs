//! Durations, offsets in days and times of day.

use super::Ctx;
use crate::error::FindingCode;
use crate::model::NodeId;
use crate::time::{parse_time_of_day, Duration};

/// Longest wait or timeout before a warning, in minutes (366 days).
const LONGEST_WAIT_MINUTES: i64 = 366 * 1_440;

impl Ctx<'_, '_> {
    pub(super) fn duration(&mut self, d: &Duration, node: Option<&NodeId>, path: &str) {
        if d.amount <= 0 {
            self.sink.add(
                FindingCode::WaitNonPositive,
                node,
                format!("{path}/amount"),
                format!("A wait of {d} does not make sense: use a positive amount."),
            );
        } else if d.approx_minutes() > LONGEST_WAIT_MINUTES {
            self.sink.add(
                FindingCode::WaitTooLong,
                node,
                format!("{path}/amount"),
                format!("A wait of {d} is longer than a year: is the unit right?"),
            );
        }
    }

    pub(super) fn time(&mut self, t: &str, node: Option<&NodeId>, path: &str) -> Option<(u8, u8)> {
        let parsed = parse_time_of_day(t);
        if parsed.is_none() {
            self.sink.add(
                FindingCode::TimeMalformed,
                node,
                path.to_owned(),
                format!("\"{t}\" is not a time of day; write it as HH:MM, from 00:00 to 23:59."),
            );
        }
        parsed
    }

    pub(super) fn offset(&mut self, days: i64, node: Option<&NodeId>, path: &str) {
        if days.abs() > 366 {
            self.sink.add(
                FindingCode::WaitTooLong,
                node,
                path.to_owned(),
                format!("An offset of {days} days is more than a year: is it right?"),
            );
        }
    }
}
