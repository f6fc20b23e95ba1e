//! Checks on the content of triggers, nodes and settings.

use std::collections::HashSet;

use super::{FindingCode, Sink, MAX_CONDITION_DEPTH};
use crate::condition::eval::CompiledCondition;
use crate::condition::Condition;
use crate::error::{ConditionCode, ConditionErrorCode};
use crate::flow::merge::parse_merge_fields;
use crate::flow::{
    AnswerType, Flow, MessageContent, MessageMatch, NodeKind, Recipients, Recurrence, SendPolicy,
    Trigger, WaitUntil,
};
use crate::model::{Channel, FieldSchema, FieldType, NodeId, Value};
use crate::text::{fold, line_column};
use crate::time::{is_known_time_zone, parse_time_of_day, Duration};

/// Longest wait or timeout before a warning, in minutes (366 days).
const LONGEST_WAIT_MINUTES: i64 = 366 * 1_440;

struct Ctx<'a, 's> {
    sink: &'s mut Sink,
    fields: Option<&'a FieldSchema>,
}

pub(super) fn check(flow: &Flow, fields: Option<&FieldSchema>, sink: &mut Sink) {
    let mut cx = Ctx { sink, fields };
    for (i, t) in flow.triggers.iter().enumerate() {
        cx.trigger(t, &format!("/triggers/{i}"));
    }
    cx.settings(flow);
    for (i, node) in flow.nodes.iter().enumerate() {
        cx.node(&node.id, &node.kind, &format!("/nodes/{i}"));
    }
}

impl Ctx<'_, '_> {
    fn trigger(&mut self, t: &Trigger, path: &str) {
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

    fn recurrence(&mut self, r: &Recurrence, path: &str) {
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

    fn settings(&mut self, flow: &Flow) {
        let s = &flow.settings;
        if let crate::flow::Reentry::AfterCooldown { cooldown } = &s.reentry {
            self.duration(cooldown, None, "/settings/reentry/cooldown");
        }
        self.policy(&s.send_policy, None, "/settings/send_policy");
        if let Some(c) = &s.entry.condition {
            self.condition(c, None, "/settings/entry/condition", true);
        }
        if let Some(g) = &s.goal {
            self.condition(&g.condition, None, "/settings/goal/condition", true);
        }
        if let Some(c) = &s.exit_condition {
            self.condition(c, None, "/settings/exit_condition", true);
        }
        if let Some(w) = &s.webhooks.on_enter {
            self.url(&w.url, None, "/settings/webhooks/on_enter/url");
        }
        if let Some(w) = &s.webhooks.on_complete {
            self.url(&w.url, None, "/settings/webhooks/on_complete/url");
        }
    }

    fn policy(&mut self, p: &SendPolicy, node: Option<&NodeId>, path: &str) {
        for (key, zone) in [
            ("time_zone", &p.time_zone),
            ("fallback_time_zone", &p.fallback_time_zone),
        ] {
            if let Some(zone) = zone {
                if !is_known_time_zone(zone) {
                    self.sink.add(
                        FindingCode::TimeZoneUnknown,
                        node,
                        format!("{path}/{key}"),
                        format!("\"{zone}\" is not a known time zone; use an IANA name such as \"Europe/Rome\"."),
                    );
                }
            }
        }
        for (key, windows) in [("quiet_hours", &p.quiet_hours), ("hours", &p.hours)] {
            for (i, w) in windows.iter().enumerate() {
                let wpath = format!("{path}/{key}/{i}");
                let start = self.time(&w.start, node, &format!("{wpath}/start"));
                let end = self.time(&w.end, node, &format!("{wpath}/end"));
                if start.is_some() && start == end {
                    self.sink.add(
                        FindingCode::QuietHoursMalformed,
                        node,
                        wpath,
                        format!("The window {}–{} starts and ends at the same time: it would cover nothing or the whole day.", w.start, w.end),
                    );
                }
            }
        }
    }

    fn node(&mut self, id: &NodeId, kind: &NodeKind, path: &str) {
        let node = Some(id);
        match kind {
            NodeKind::Send(s) => {
                if s.template.is_none() {
                    let missing = missing_content(s.channel, s.content.as_ref());
                    if !missing.is_empty() {
                        self.sink.add(
                            FindingCode::SendMissingContent,
                            node,
                            format!("{path}/content"),
                            format!(
                                "This {} send has no template and no {}.",
                                channel_name(s.channel),
                                missing.join(" or ")
                            ),
                        );
                    }
                }
                if let Some(content) = &s.content {
                    for (key, text) in content.texts() {
                        self.merge(text, node, &format!("{path}/content/{key}"));
                    }
                }
                if let Some(p) = &s.policy {
                    self.policy(p, node, &format!("{path}/policy"));
                }
            }
            NodeKind::Wait(w) => match (&w.duration, &w.until) {
                (Some(d), None) => self.duration(d, node, &format!("{path}/duration")),
                (None, Some(WaitUntil::LocalTime { time, .. })) => {
                    self.time(time, node, &format!("{path}/until/time"));
                }
                (
                    None,
                    Some(WaitUntil::DateField {
                        field,
                        time,
                        offset_days,
                        ..
                    }),
                ) => {
                    self.date_field(field, node, &format!("{path}/until/field"));
                    self.offset(*offset_days, node, &format!("{path}/until/offset_days"));
                    self.time(time, node, &format!("{path}/until/time"));
                }
                _ => self.sink.add(
                    FindingCode::WaitSpec,
                    node,
                    path.to_owned(),
                    "A wait needs exactly one of `duration` and `until`.",
                ),
            },
            NodeKind::WaitFor(w) => {
                match (&w.event, &w.condition) {
                    (Some(e), None) => {
                        if let Some(f) = &e.filter {
                            self.condition(f, node, &format!("{path}/event/filter"), false);
                        }
                    }
                    (None, Some(c)) => self.condition(c, node, &format!("{path}/condition"), true),
                    _ => self.sink.add(
                        FindingCode::WaitSpec,
                        node,
                        path.to_owned(),
                        "A wait-for needs exactly one of `event` and `condition`.",
                    ),
                }
                self.duration(&w.timeout, node, &format!("{path}/timeout"));
            }
            NodeKind::Condition(c) => {
                self.condition(&c.condition, node, &format!("{path}/condition"), true)
            }
            NodeKind::Split(s) => {
                if s.cases.is_empty() {
                    self.sink.add(
                        FindingCode::OptionsEmpty,
                        node,
                        format!("{path}/cases"),
                        "The split has no case.",
                    );
                }
                let names = s.cases.iter().map(|c| c.name.as_str()).chain(["else"]);
                self.unique(names, node, &format!("{path}/cases"));
                for (i, case) in s.cases.iter().enumerate() {
                    self.condition(
                        &case.condition,
                        node,
                        &format!("{path}/cases/{i}/condition"),
                        true,
                    );
                }
            }
            NodeKind::RandomSplit(s) => {
                if s.variants.is_empty() {
                    self.sink.add(
                        FindingCode::OptionsEmpty,
                        node,
                        format!("{path}/variants"),
                        "The random split has no variant.",
                    );
                } else {
                    let sum: f64 = s.variants.iter().map(|v| v.percent).sum();
                    let negative = s
                        .variants
                        .iter()
                        .any(|v| v.percent < 0.0 || !v.percent.is_finite());
                    if negative || (sum - 100.0).abs() > 1e-6 {
                        self.sink.add(
                            FindingCode::RandomSplitSum,
                            node,
                            format!("{path}/variants"),
                            format!("The percentages add up to {sum}; they must be non-negative and add up to 100."),
                        );
                    }
                }
                self.unique(
                    s.variants.iter().map(|v| v.name.as_str()),
                    node,
                    &format!("{path}/variants"),
                );
            }
            NodeKind::Question(q) => {
                self.conversational(q.channel, node, &format!("{path}/channel"));
                self.merge(&q.prompt, node, &format!("{path}/prompt"));
                if let Some(r) = &q.retry_prompt {
                    self.merge(r, node, &format!("{path}/retry_prompt"));
                }
                match &q.answer {
                    AnswerType::Choice { options } if options.is_empty() => {
                        self.sink.add(
                            FindingCode::OptionsEmpty,
                            node,
                            format!("{path}/answer/options"),
                            "The choice answer lists no option.",
                        );
                    }
                    AnswerType::Pattern { pattern } => {
                        if let Err(e) = regex::RegexBuilder::new(pattern)
                            .size_limit(1 << 20)
                            .build()
                        {
                            let detail = e.to_string();
                            let last = detail.lines().last().unwrap_or("invalid").trim();
                            let last = last.strip_prefix("error: ").unwrap_or(last).to_owned();
                            self.sink.add(
                                FindingCode::QuestionInvalidPattern,
                                node,
                                format!("{path}/answer/pattern"),
                                format!("The answer pattern {pattern:?} is not a valid regular expression: {last}"),
                            );
                        }
                    }
                    _ => {}
                }
                self.duration(&q.timeout, node, &format!("{path}/timeout"));
                if let Some(f) = &q.save_to {
                    let p = format!("{path}/save_to");
                    self.field(f, node, &p);
                    self.answer_fits(&q.answer, f, node, &p);
                }
            }
            NodeKind::Menu(m) => {
                self.conversational(m.channel, node, &format!("{path}/channel"));
                self.merge(&m.prompt, node, &format!("{path}/prompt"));
                for (i, o) in m.options.iter().enumerate() {
                    self.merge(&o.label, node, &format!("{path}/options/{i}/label"));
                }
                if m.options.is_empty() {
                    self.sink.add(
                        FindingCode::OptionsEmpty,
                        node,
                        format!("{path}/options"),
                        "The menu has no option.",
                    );
                }
                let names = m
                    .options
                    .iter()
                    .map(|o| o.value.as_str())
                    .chain(["timeout", "other"]);
                self.unique(names, node, &format!("{path}/options"));
                self.duration(&m.timeout, node, &format!("{path}/timeout"));
            }
            NodeKind::ApiCall(a) => {
                if !(1..=300).contains(&a.timeout_seconds) {
                    self.sink.add(
                        FindingCode::ApiTimeoutOutOfRange,
                        node,
                        format!("{path}/timeout_seconds"),
                        format!("An API call timeout of {} seconds is out of range: use 1 to 300 seconds.", a.timeout_seconds),
                    );
                }
                self.url(&a.url, node, &format!("{path}/url"));
                self.merge(&a.url, node, &format!("{path}/url"));
                for (k, v) in &a.headers {
                    self.merge(
                        v,
                        node,
                        &format!("{path}/headers/{}", crate::error::escape_pointer(k)),
                    );
                }
                if let Some(b) = &a.body {
                    self.merge(b, node, &format!("{path}/body"));
                }
                for (i, m) in a.response.iter().enumerate() {
                    self.field(&m.field, node, &format!("{path}/response/{i}/field"));
                }
            }
            NodeKind::UpdateFields(u) => {
                for (k, v) in &u.set {
                    let p = format!("{path}/set/{}", crate::error::escape_pointer(k));
                    self.field(k, node, &p);
                    self.value_fits(k, v, node, &p);
                    if let Value::Text(t) = v {
                        self.merge(t, node, &p);
                    }
                }
            }
            NodeKind::HandOff(h) => {
                if let Some(n) = &h.note {
                    self.merge(n, node, &format!("{path}/note"));
                }
            }
            _ => {}
        }
    }

    /// Reports names that appear twice (or clash with a reserved label).
    fn unique<'n>(
        &mut self,
        names: impl Iterator<Item = &'n str>,
        node: Option<&NodeId>,
        path: &str,
    ) {
        let mut seen = HashSet::new();
        for name in names {
            if !seen.insert(name) {
                self.sink.add(
                    FindingCode::BranchDuplicateName,
                    node,
                    path.to_owned(),
                    format!(
                        "The branch name \"{name}\" is used twice; each branch needs its own name."
                    ),
                );
            }
        }
    }

    fn conversational(&mut self, channel: Channel, node: Option<&NodeId>, path: &str) {
        if !matches!(channel, Channel::WhatsApp | Channel::Sms) {
            self.sink.add(
                FindingCode::SendChannelUnsupported,
                node,
                path.to_owned(),
                format!("Conversations (questions, menus, inbound messages) work on WhatsApp and SMS, not on {}.", channel_name(channel)),
            );
        }
    }

    fn duration(&mut self, d: &Duration, node: Option<&NodeId>, path: &str) {
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

    fn time(&mut self, t: &str, node: Option<&NodeId>, path: &str) -> Option<(u8, u8)> {
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

    fn url(&mut self, url: &str, node: Option<&NodeId>, path: &str) {
        let ok = (url.starts_with("https://") || url.starts_with("http://"))
            && url
                .split_once("://")
                .is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with('/'));
        if !ok {
            self.sink.add(
                FindingCode::UrlInvalid,
                node,
                path.to_owned(),
                format!("\"{url}\" is not an http(s) address."),
            );
        }
    }

    fn field(&mut self, key: &str, node: Option<&NodeId>, path: &str) {
        if let Some(schema) = self.fields {
            if !schema.knows(key) {
                self.sink.add(
                    FindingCode::FieldUnknown,
                    node,
                    path.to_owned(),
                    format!("\"{key}\" is not a declared profile field."),
                );
            }
        }
    }

    /// The declared type of a field (`None` when unknown or without a schema).
    fn field_type(&self, key: &str) -> Option<FieldType> {
        match key {
            "created_at" | "updated_at" => Some(FieldType::DateTime),
            "id" | "email" | "phone" | "time_zone" | "locale" => Some(FieldType::Text),
            _ => self.fields.and_then(|s| s.get(key)).map(|d| d.field_type),
        }
    }

    fn mismatch(&mut self, node: Option<&NodeId>, path: &str, message: String) {
        self.sink.add(
            FindingCode::FieldTypeMismatch,
            node,
            path.to_owned(),
            message,
        );
    }

    /// A field that must hold a date (anniversaries, waits until a date).
    fn date_field(&mut self, key: &str, node: Option<&NodeId>, path: &str) {
        self.field(key, node, path);
        if let Some(t) = self.field_type(key) {
            if !matches!(t, FieldType::Date | FieldType::DateTime) {
                self.mismatch(
                    node,
                    path,
                    format!("\"{key}\" is a {} field, not a date.", type_word(t)),
                );
            }
        }
    }

    fn offset(&mut self, days: i64, node: Option<&NodeId>, path: &str) {
        if days.abs() > 366 {
            self.sink.add(
                FindingCode::WaitTooLong,
                node,
                path.to_owned(),
                format!("An offset of {days} days is more than a year: is it right?"),
            );
        }
    }

    /// An answer saved into a field must fit the field's type.
    fn answer_fits(&mut self, answer: &AnswerType, key: &str, node: Option<&NodeId>, path: &str) {
        let Some(t) = self.field_type(key) else {
            return;
        };
        let (fits, what) = match answer {
            AnswerType::Number { .. } => {
                (matches!(t, FieldType::Number | FieldType::Text), "a number")
            }
            AnswerType::Date {} => (
                matches!(t, FieldType::Date | FieldType::DateTime | FieldType::Text),
                "a date",
            ),
            AnswerType::Choice { options } => {
                let fits = match t {
                    FieldType::Text => true,
                    FieldType::Choice => {
                        let choices = self
                            .fields
                            .and_then(|s| s.get(key))
                            .map(|d| d.choices.clone())
                            .unwrap_or_default();
                        options
                            .iter()
                            .all(|o| choices.iter().any(|c| fold(c) == fold(o)))
                    }
                    _ => false,
                };
                (fits, "a choice")
            }
            _ => (matches!(t, FieldType::Text), "text"),
        };
        if !fits {
            self.mismatch(
                node,
                path,
                format!(
                    "The answer is {what}, but \"{key}\" is a {} field{}.",
                    type_word(t),
                    if t == FieldType::Choice {
                        " whose choices do not cover every option"
                    } else {
                        ""
                    }
                ),
            );
        }
    }

    /// A value written into a field must fit the field's type (a merge field may fill any text).
    fn value_fits(&mut self, key: &str, value: &Value, node: Option<&NodeId>, path: &str) {
        let Some(t) = self.field_type(key) else {
            return;
        };
        let templated = matches!(value, Value::Text(s) if s.contains("{{"));
        let fits = templated
            || match (t, value) {
                (_, Value::Null) => true,
                (FieldType::Text, Value::Text(_)) => true,
                (FieldType::Number, Value::Number(_)) => true,
                (FieldType::Boolean, Value::Bool(_)) => true,
                (FieldType::Date, Value::Text(s)) => {
                    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
                }
                (FieldType::DateTime, Value::Text(s)) => {
                    chrono::DateTime::parse_from_rfc3339(s).is_ok()
                }
                (FieldType::Choice, Value::Text(s)) => self
                    .fields
                    .and_then(|f| f.get(key))
                    .is_none_or(|d| d.choices.iter().any(|c| c == s)),
                (FieldType::TextList, Value::List(_)) => true,
                _ => false,
            };
        if !fits {
            self.mismatch(
                node,
                path,
                format!("{value} does not fit the {} field \"{key}\".", type_word(t)),
            );
        }
    }

    fn merge(&mut self, text: &str, node: Option<&NodeId>, path: &str) {
        for found in parse_merge_fields(text) {
            match found {
                Err(e) => {
                    let (line, column) = line_column(text, e.offset);
                    self.sink.add(
                        FindingCode::MergeFieldMalformed,
                        node,
                        path.to_owned(),
                        format!("{} (line {line}, column {column}).", e.message),
                    );
                }
                Ok(m) => {
                    let Some(schema) = self.fields else { continue };
                    if m.key.starts_with("event.") || schema.knows(&m.key) {
                        continue;
                    }
                    let (line, column) = line_column(text, m.offset);
                    self.sink.add(
                        FindingCode::MergeFieldUnknown,
                        node,
                        path.to_owned(),
                        format!("The merge field {{{{ {} }}}} (line {line}, column {column}) is not a declared profile field.", m.key),
                    );
                }
            }
        }
    }

    /// Checks a condition; `contact_fields` says whether its fields are profile fields (false for
    /// event-property filters).
    fn condition(
        &mut self,
        c: &Condition,
        node: Option<&NodeId>,
        path: &str,
        contact_fields: bool,
    ) {
        if c.depth() > MAX_CONDITION_DEPTH {
            self.sink.add(
                FindingCode::ConditionTooDeep,
                node,
                path.to_owned(),
                format!("The condition is nested {} levels deep; at most {MAX_CONDITION_DEPTH} are allowed.", c.depth()),
            );
            return;
        }
        self.condition_at(c, node, path, contact_fields);
        // Everything else the evaluator would refuse (bad regular expressions and dates, type
        // mismatches against the declared fields, malformed operands) is a finding too.
        let schema = if contact_fields { self.fields } else { None };
        if let Err(crate::Error::Condition(e)) = CompiledCondition::compile(c, schema) {
            let covered = matches!(
                e.code,
                ConditionErrorCode::Condition(
                    ConditionCode::FieldUnknown
                        | ConditionCode::ValueMissing
                        | ConditionCode::TooDeep
                )
            );
            if !covered {
                self.sink.add(
                    FindingCode::ConditionInvalid,
                    node,
                    format!("{path}{}", e.path),
                    format!("{} ({})", e.message, e.code),
                );
            }
        }
    }

    fn condition_at(
        &mut self,
        c: &Condition,
        node: Option<&NodeId>,
        path: &str,
        contact_fields: bool,
    ) {
        match c {
            Condition::And { conditions } | Condition::Or { conditions } => {
                for (i, inner) in conditions.iter().enumerate() {
                    self.condition_at(
                        inner,
                        node,
                        &format!("{path}/conditions/{i}"),
                        contact_fields,
                    );
                }
            }
            Condition::Not { condition } => self.condition_at(
                condition,
                node,
                &format!("{path}/condition"),
                contact_fields,
            ),
            Condition::Field {
                field, op, value, ..
            } => {
                if op.takes_value() != value.is_some() {
                    let msg = if op.takes_value() {
                        format!("The comparison \"{field} {}\" needs a value.", op.symbol())
                    } else {
                        format!("\"{field} {}\" takes no value.", op.symbol())
                    };
                    self.sink
                        .add(FindingCode::ConditionValue, node, path.to_owned(), msg);
                }
                if contact_fields {
                    self.field(field, node, &format!("{path}/field"));
                }
            }
            _ => {}
        }
    }
}

fn type_word(t: FieldType) -> &'static str {
    match t {
        FieldType::Text => "text",
        FieldType::Number => "number",
        FieldType::Boolean => "yes/no",
        FieldType::Date => "date",
        FieldType::DateTime => "date-time",
        FieldType::Choice => "choice",
        FieldType::TextList => "list",
    }
}

fn channel_name(c: Channel) -> &'static str {
    match c {
        Channel::Email => "e-mail",
        Channel::Sms => "SMS",
        Channel::WebPush => "web push",
        Channel::WhatsApp => "WhatsApp",
    }
}

/// The content parts a channel needs that are missing (assuming no template).
fn missing_content(channel: Channel, content: Option<&MessageContent>) -> Vec<&'static str> {
    let empty = MessageContent::default();
    let c = content.unwrap_or(&empty);
    let has = |v: &Option<String>| v.as_ref().is_some_and(|s| !s.trim().is_empty());
    let mut missing = Vec::new();
    match channel {
        Channel::Email => {
            if !has(&c.subject) {
                missing.push("subject");
            }
            if !has(&c.body) && !has(&c.html) {
                missing.push("body");
            }
        }
        Channel::Sms => {
            if !has(&c.body) {
                missing.push("body");
            }
        }
        Channel::WebPush => {
            if !has(&c.title) {
                missing.push("title");
            }
            if !has(&c.body) {
                missing.push("body");
            }
        }
        Channel::WhatsApp => {
            if !has(&c.body) && c.media.is_empty() {
                missing.push("body or media");
            }
        }
    }
    missing
}
