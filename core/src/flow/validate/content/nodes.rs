//! The nodes: what each kind needs to run.

use std::collections::HashSet;

use super::Ctx;
use crate::error::FindingCode;
use crate::flow::{AnswerType, MessageContent, NodeKind, WaitUntil};
use crate::model::{Channel, NodeId, Value};

impl Ctx<'_, '_> {
    pub(super) fn node(&mut self, id: &NodeId, kind: &NodeKind, path: &str) {
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
    pub(super) fn unique<'n>(
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

    pub(super) fn conversational(&mut self, channel: Channel, node: Option<&NodeId>, path: &str) {
        if !matches!(channel, Channel::WhatsApp | Channel::Sms) {
            self.sink.add(
                FindingCode::SendChannelUnsupported,
                node,
                path.to_owned(),
                format!("Conversations (questions, menus, inbound messages) work on WhatsApp and SMS, not on {}.", channel_name(channel)),
            );
        }
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
