//! A readable, plain-text outline of a flow.

use std::fmt::Write;

use super::{Flow, MessageMatch, NodeKind, Recipients, Trigger};
use crate::time::RecurrenceRule as Recurrence;

pub(super) fn outline(flow: &Flow) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} [{}] v{} ({:?})",
        flow.name, flow.id, flow.version, flow.status
    );
    for t in &flow.triggers {
        let _ = writeln!(out, "  when {}", describe_trigger(t));
    }
    let _ = writeln!(out, "  start at {}", flow.start);
    for node in &flow.nodes {
        let _ = write!(out, "  {}: {}", node.id, describe_node(&node.kind));
        if let Some(label) = &node.label {
            let _ = write!(out, " \"{label}\"");
        }
        out.push('\n');
        for e in flow.successors(node.id.as_str()) {
            let _ = writeln!(out, "      --{}--> {}", e.label, e.to);
        }
    }
    out
}

fn describe_trigger(t: &Trigger) -> String {
    match t {
        Trigger::Event { event, filter } => match filter {
            Some(f) => format!("event {event:?} where {f}"),
            None => format!("event {event:?}"),
        },
        Trigger::FieldChanged { field, to } => match to {
            Some(v) => format!("field {field} changes to {v}"),
            None => format!("field {field} changes"),
        },
        Trigger::Anniversary {
            field,
            offset_days,
            time,
        } => {
            format!("anniversary of {field} {offset_days:+} days at {time}")
        }
        Trigger::List { list, on } => format!("list {list} {on:?}"),
        Trigger::Segment { segment, on } => format!("segment {segment} {on:?}"),
        Trigger::InboundMessage { channel, matching } => match matching {
            MessageMatch::Keyword { keywords, mode } => {
                format!("{channel} message {mode:?} keyword {keywords:?}")
            }
            MessageMatch::AnyText {} => format!("any {channel} text"),
            MessageMatch::AnyMedia {} => format!("any {channel} media"),
            MessageMatch::Any {} => format!("any {channel} message"),
        },
        Trigger::AdClick { ad } => match ad {
            Some(ad) => format!("click on WhatsApp ad {ad:?}"),
            None => "click on any WhatsApp ad".to_owned(),
        },
        Trigger::Manual { recipients } => match recipients {
            Recipients::Csv {} => "manual start from a CSV upload".to_owned(),
            Recipients::Filter { condition } => format!("manual start for {condition}"),
            Recipients::Api {} => "manual start from the API".to_owned(),
        },
        Trigger::Schedule {
            recurrence,
            condition,
        } => {
            let when = match recurrence {
                Recurrence::Every { minutes } => format!("every {minutes} minutes"),
                Recurrence::Weekly { weekdays, times } => format!("{weekdays:?} at {times:?}"),
                Recurrence::Monthly { day, time } => format!("monthly on day {day} at {time}"),
                Recurrence::MonthlyWeekday { nth, weekday, time } => {
                    format!("monthly on weekday {nth} {weekday:?} at {time}")
                }
                Recurrence::Yearly { month, day, time } => {
                    format!("yearly on {month}/{day} at {time}")
                }
            };
            match condition {
                Some(c) => format!("{when}, contacts where {c}"),
                None => when,
            }
        }
        Trigger::Feed { url } => format!("new item in feed {url}"),
    }
}

fn describe_node(kind: &NodeKind) -> String {
    match kind {
        NodeKind::Send(s) => match (
            &s.template,
            s.content.as_ref().and_then(|c| c.subject.as_ref()),
        ) {
            (Some(t), _) => format!("send {} template {t}", s.channel),
            (None, Some(subject)) => format!("send {} {subject:?}", s.channel),
            (None, None) => format!("send {}", s.channel),
        },
        NodeKind::Wait(w) => match (&w.duration, &w.until) {
            (Some(d), _) => format!("wait {d}"),
            (None, Some(u)) => format!("wait until {u:?}"),
            (None, None) => "wait".to_owned(),
        },
        NodeKind::WaitFor(w) => match (&w.event, &w.condition) {
            (Some(e), _) => format!("wait for event {:?} up to {}", e.name, w.timeout),
            (None, Some(c)) => format!("wait until {c} up to {}", w.timeout),
            (None, None) => format!("wait up to {}", w.timeout),
        },
        NodeKind::Condition(c) => format!("if {}", c.condition),
        NodeKind::Split(s) => format!("split into {} cases", s.cases.len()),
        NodeKind::RandomSplit(s) => {
            let parts: Vec<String> = s
                .variants
                .iter()
                .map(|v| format!("{} {}%", v.name, v.percent))
                .collect();
            format!("random split {}", parts.join(" / "))
        }
        NodeKind::Question(q) => format!("ask on {} {:?}", q.channel, q.prompt),
        NodeKind::Menu(m) => format!("menu on {} with {} options", m.channel, m.options.len()),
        NodeKind::ApiCall(a) => format!("call {:?} {}", a.method, a.url),
        NodeKind::UpdateFields(u) => {
            let keys: Vec<&str> = u.set.keys().map(String::as_str).collect();
            format!("update fields {}", keys.join(", "))
        }
        NodeKind::Tags(t) => format!("tags +{:?} -{:?}", t.add, t.remove),
        NodeKind::Lists(l) => {
            let add: Vec<&str> = l.add.iter().map(|x| x.as_str()).collect();
            let remove: Vec<&str> = l.remove.iter().map(|x| x.as_str()).collect();
            format!("lists +{add:?} -{remove:?}")
        }
        NodeKind::LaunchFlow(l) => format!("launch flow {}", l.flow),
        NodeKind::HandOff(h) => format!("hand off to team {}", h.team),
        NodeKind::Goal(g) => format!("goal {:?}", g.name),
        NodeKind::Exit {} => "exit".to_owned(),
    }
}
