//! Conditions: depth, values, fields, and whatever the evaluator would refuse.

use super::Ctx;
use crate::condition::eval::CompiledCondition;
use crate::condition::Condition;
use crate::error::FindingCode;
use crate::error::{ConditionCode, ConditionErrorCode};
use crate::flow::validate::MAX_CONDITION_DEPTH;
use crate::model::NodeId;

impl Ctx<'_, '_> {
    /// Checks a condition; `contact_fields` says whether its fields are profile fields (false for
    /// event-property filters).
    pub(super) fn condition(
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

    pub(super) fn condition_at(
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
