//! Profile fields: declared, and of the type a node needs.

use super::Ctx;
use crate::error::FindingCode;
use crate::flow::AnswerType;
use crate::model::{FieldType, NodeId, Value};
use crate::text::fold;

impl Ctx<'_, '_> {
    pub(super) fn field(&mut self, key: &str, node: Option<&NodeId>, path: &str) {
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
    pub(super) fn field_type(&self, key: &str) -> Option<FieldType> {
        match key {
            "created_at" | "updated_at" => Some(FieldType::DateTime),
            "id" | "email" | "phone" | "time_zone" | "locale" => Some(FieldType::Text),
            _ => self.fields.and_then(|s| s.get(key)).map(|d| d.field_type),
        }
    }

    pub(super) fn mismatch(&mut self, node: Option<&NodeId>, path: &str, message: String) {
        self.sink.add(
            FindingCode::FieldTypeMismatch,
            node,
            path.to_owned(),
            message,
        );
    }

    /// A field that must hold a date (anniversaries, waits until a date).
    pub(super) fn date_field(&mut self, key: &str, node: Option<&NodeId>, path: &str) {
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

    /// An answer saved into a field must fit the field's type.
    pub(super) fn answer_fits(
        &mut self,
        answer: &AnswerType,
        key: &str,
        node: Option<&NodeId>,
        path: &str,
    ) {
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
    pub(super) fn value_fits(
        &mut self,
        key: &str,
        value: &Value,
        node: Option<&NodeId>,
        path: &str,
    ) {
        let Some(t) = self.field_type(key) else {
            return;
        };
        let templated = matches!(value, Value::Text(s) if s.contains("{{"));
        let choices = self
            .fields
            .and_then(|f| f.get(key))
            .map_or(&[][..], |d| d.choices.as_slice());
        // A list written by a node may hold any values (conditions read them as texts).
        let fits = templated
            || matches!((t, value), (FieldType::TextList, Value::List(_)))
            || t.fits(value, choices);
        if !fits {
            self.mismatch(
                node,
                path,
                format!("{value} does not fit the {} field \"{key}\".", type_word(t)),
            );
        }
    }
}

fn type_word(t: FieldType) -> &'static str {
    t.word()
}
