//! Triggers and the recurrences of automatic sends.

use super::Ctx;
use crate::error::FindingCode;
use crate::error::TimeCode;
use crate::flow::{MessageMatch, Recipients, Trigger};
use crate::text::fold;
use crate::time::RecurrenceRule;

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

    /// The rule's own problems ([`RecurrenceRule::compile`]'s checks, every one), as findings
    /// with the same codes and paths under `path`.
    pub(super) fn recurrence(&mut self, r: &RecurrenceRule, path: &str) {
        for p in r.problems() {
            let code = match p.code {
                TimeCode::RecurrenceFrequencyOutOfRange => FindingCode::ScheduleFrequencyOutOfRange,
                TimeCode::RecurrenceBadDay => FindingCode::ScheduleBadDay,
                TimeCode::RecurrenceNoTimes => FindingCode::RecurrenceNoTimes,
                // The only other problem of a rule: a local time that is not HH:MM.
                _ => FindingCode::TimeMalformed,
            };
            self.sink
                .add(code, None, format!("{path}{}", p.path), p.message);
        }
    }
}
