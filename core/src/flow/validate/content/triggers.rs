//! Triggers and the recurrences of automatic sends.

use super::Ctx;
use crate::error::FindingCode;
use crate::flow::{MessageMatch, Recipients, Recurrence, Trigger};
use crate::text::fold;

impl Ctx<'_, '_> {
    pub(super) fn trigger(&mut self, t: &Trigger, path: &str) {
        match t {
            Trigger::Event {
                filter: Some(f), ..
            } => {
                self.condition(f, None, &format!("{path}/filter"), false);
            }
            Trigger::FieldChanged { field, .. } => {
                self.field(field, None, &format!("{path}/field"))
            }
            Trigger::Anniversary {
                field,
                time,
                offset_days,
            } => {
                self.date_field(field, None, &format!("{path}/field"));
                self.offset(*offset_days, None, &format!("{path}/offset_days"));
                self.time(time, None, &format!("{path}/time"));
            }
            Trigger::InboundMessage { channel, matching } => {
                self.conversational(*channel, None, &format!("{path}/channel"));
                if let MessageMatch::Keyword { keywords, .. } = matching {
                    if keywords.is_empty() {
                        self.sink.add(
                            FindingCode::KeywordEmpty,
                            None,
                            format!("{path}/match/keywords"),
                            "The keyword trigger has no keyword.",
                        );
                    }
                    for (k, kw) in keywords.iter().enumerate() {
                        if fold(kw).is_empty() {
                            self.sink.add(
                                FindingCode::KeywordEmpty,
                                None,
                                format!("{path}/match/keywords/{k}"),
                                "A keyword is empty.",
                            );
                        }
                    }
                }
            }
            Trigger::Manual {
                recipients: Recipients::Filter { condition },
            } => {
                self.condition(
                    condition,
                    None,
                    &format!("{path}/recipients/condition"),
                    true,
                );
            }
            Trigger::Schedule {
                recurrence,
                condition,
            } => {
                self.recurrence(recurrence, &format!("{path}/recurrence"));
                if let Some(c) = condition {
                    self.condition(c, None, &format!("{path}/condition"), true);
                }
            }
            Trigger::Feed { url } => self.url(url, None, &format!("{path}/url")),
            _ => {}
        }
    }

    pub(super) fn recurrence(&mut self, r: &Recurrence, path: &str) {
        match r {
            Recurrence::Every { minutes } => {
                if !(5..=1_440).contains(minutes) {
                    self.sink.add(
                        FindingCode::ScheduleFrequencyOutOfRange,
                        None,
                        format!("{path}/minutes"),
                        format!("The check runs every {minutes} minutes; it must be between 5 minutes and 24 hours (1440 minutes)."),
                    );
                }
            }
            Recurrence::Weekly { times, .. } => {
                if times.is_empty() {
                    self.sink.add(
                        FindingCode::TimeMalformed,
                        None,
                        format!("{path}/times"),
                        "The recurrence has no time of day.",
                    );
                }
                for (i, t) in times.iter().enumerate() {
                    self.time(t, None, &format!("{path}/times/{i}"));
                }
            }
            Recurrence::Monthly { day, time } => {
                if !(*day == -1 || (1..=31).contains(day)) {
                    self.sink.add(
                        FindingCode::ScheduleBadDay,
                        None,
                        format!("{path}/day"),
                        format!("Day {day} is not a day of the month: use 1 to 31, or -1 for the last day."),
                    );
                }
                self.time(time, None, &format!("{path}/time"));
            }
        }
    }
}
