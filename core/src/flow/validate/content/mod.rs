//! Checks on the content of triggers, nodes and settings, one file per concern: the nodes, the
//! triggers and their recurrences, the flow settings and send policies, durations and times of
//! day, profile fields and their types, merge fields and URLs, conditions.

mod conditions;
mod fields;
mod nodes;
mod settings;
mod text;
mod time;
mod triggers;

use super::Sink;
use crate::flow::Flow;
use crate::model::FieldSchema;

/// What every check needs: where findings go and the declared fields, when known.
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
