//! Replies to a pending question or menu: validating an answer by its type, saving it, asking
//! again, and choosing a menu branch.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use super::compiled::CompiledFlow;
use super::io::{Action, EnrollmentState};
use super::nodes::Mode;
use super::run::Next;
use super::tx::Tx;
use super::Engine;
use crate::flow::{AnswerType, NodeKind};
use crate::model::Value;
use crate::store::{Store, WaitKind};
use crate::text::fold;

/// The value to save when `text` is a valid answer of type `t`.
pub(crate) fn validate(t: &AnswerType, text: &str) -> Option<Value> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match t {
        AnswerType::Text {} => Some(Value::Text(text.to_owned())),
        AnswerType::Number { min, max } => {
            let n: f64 = text.replace(',', ".").parse().ok()?;
            let ok = n.is_finite() && min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m);
            ok.then_some(Value::Number(n))
        }
        AnswerType::Email {} => {
            let (user, domain) = text.split_once('@')?;
            let ok = !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text.contains(char::is_whitespace);
            ok.then(|| Value::Text(text.to_lowercase()))
        }
        AnswerType::Phone {} => {
            let norm = crate::phone::PhoneNormalizer::key(text);
            let digits = norm.trim_start_matches('+');
            let ok = (6..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit());
            ok.then_some(Value::Text(norm))
        }
        AnswerType::Date {} => ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"]
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
            .map(|d| Value::Text(d.format("%Y-%m-%d").to_string())),
        AnswerType::Choice { options } => {
            let t = fold(text);
            options
                .iter()
                .enumerate()
                .find(|(i, o)| fold(o) == t || (i + 1).to_string() == t)
                .map(|(_, o)| Value::Text(o.clone()))
        }
        AnswerType::Pattern { pattern } => {
            let re = regex::Regex::new(&format!("^(?:{pattern})$")).ok()?;
            re.is_match(text).then(|| Value::Text(text.to_owned()))
        }
    }
}

/// How many times a menu is sent again after replies that match none of its choices (when it
/// has no `other` branch).
const MENU_REPEATS: u32 = 2;

impl<S: Store> Engine<S> {
    /// A reply to a pending question or menu.
    pub(super) fn answer(
        &mut self,
        tx: &mut Tx,
        mut e: crate::store::Enrollment,
        cf: &Arc<CompiledFlow>,
        text: &str,
        now: DateTime<Utc>,
    ) -> crate::Result<()> {
        let Some(node) = cf.flow.nodes.get(e.node as usize) else {
            return Ok(());
        };
        let node_id = node.id.clone();
        match &node.kind {
            NodeKind::Question(q) => {
                if let Some(value) = super::answer::validate(&q.answer, text) {
                    if let Some(field) = &q.save_to {
                        if let Some(mut c) = self.store.audience().contact(&e.contact).cloned() {
                            c.set_value(field, value);
                            self.change_contact(tx, c, now)?;
                        }
                    }
                    tx.log(
                        now,
                        &e,
                        Some(&node_id),
                        Action::Branched,
                        Some(format!("answered: {}", text.trim())),
                        None,
                    );
                    if let Some(fresh) = self.load(tx, &e.flow, &e.contact)? {
                        e = fresh;
                    }
                    if e.is_waiting() && e.wait == WaitKind::Reply {
                        self.advance(tx, e, cf, now, Next::Leave("answered".to_owned()))?;
                    }
                } else if e.attempt < q.retries {
                    e.attempt += 1;
                    let prompt = q.retry_prompt.clone().unwrap_or_else(|| q.prompt.clone());
                    tx.log(
                        now,
                        &e,
                        Some(&node_id),
                        Action::Branched,
                        Some(format!("invalid answer `{}`: asked again", text.trim())),
                        None,
                    );
                    let content = crate::flow::MessageContent {
                        body: Some(prompt),
                        ..Default::default()
                    };
                    let due = e.due;
                    let step = self.send(
                        tx,
                        &mut e,
                        cf,
                        now,
                        Mode::Fresh,
                        q.channel,
                        true,
                        content,
                        None,
                    )?;
                    e.wait = WaitKind::Reply;
                    e.due = due;
                    let _ = step;
                    self.save(tx, e)?;
                } else {
                    tx.log(
                        now,
                        &e,
                        Some(&node_id),
                        Action::Branched,
                        Some(format!("invalid answer `{}`", text.trim())),
                        None,
                    );
                    if cf.edge(e.node, "invalid").is_some() {
                        self.advance(tx, e, cf, now, Next::Leave("invalid".to_owned()))?;
                    } else {
                        self.end(
                            tx,
                            &mut e,
                            cf,
                            now,
                            EnrollmentState::Exited,
                            "invalid_answer",
                        )?;
                    }
                }
            }
            NodeKind::Menu(m) => {
                let t = crate::text::fold(text);
                let chosen = m.options.iter().enumerate().find(|(i, o)| {
                    t == crate::text::fold(&o.value)
                        || t == crate::text::fold(&o.label)
                        || t == (i + 1).to_string()
                });
                match chosen {
                    Some((_, o)) => {
                        let label = o.value.clone();
                        tx.log(
                            now,
                            &e,
                            Some(&node_id),
                            Action::Branched,
                            Some(format!("chose `{label}`")),
                            None,
                        );
                        self.advance(tx, e, cf, now, Next::Leave(label))?;
                    }
                    None if cf.edge(e.node, "other").is_some() => {
                        tx.log(
                            now,
                            &e,
                            Some(&node_id),
                            Action::Branched,
                            Some(format!("other: `{}`", text.trim())),
                            None,
                        );
                        self.advance(tx, e, cf, now, Next::Leave("other".to_owned()))?;
                    }
                    // No match and no `other` branch: the menu is sent again (at most
                    // MENU_REPEATS times, so a chatty contact cannot make it spin), and the
                    // contact keeps waiting for a choice until the menu's timeout.
                    None if e.attempt < MENU_REPEATS => {
                        e.attempt += 1;
                        tx.log(
                            now,
                            &e,
                            Some(&node_id),
                            Action::Branched,
                            Some(format!("not an option: `{}`: menu sent again", text.trim())),
                            None,
                        );
                        let due = e.due;
                        let content = super::nodes::menu_content(m);
                        self.send(
                            tx,
                            &mut e,
                            cf,
                            now,
                            Mode::Fresh,
                            m.channel,
                            true,
                            content,
                            None,
                        )?;
                        e.wait = WaitKind::Reply;
                        e.due = due;
                        self.save(tx, e)?;
                    }
                    None => {
                        tx.log(
                            now,
                            &e,
                            Some(&node_id),
                            Action::Branched,
                            Some(format!("not an option: `{}`", text.trim())),
                            None,
                        );
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_by_type() {
        let n = AnswerType::Number {
            min: Some(1.0),
            max: Some(10.0),
        };
        assert_eq!(validate(&n, " 7 "), Some(Value::Number(7.0)));
        assert_eq!(validate(&n, "11"), None);
        let c = AnswerType::Choice {
            options: vec!["S".into(), "M".into()],
        };
        assert_eq!(validate(&c, "m"), Some(Value::Text("M".into())));
        assert_eq!(validate(&c, "1"), Some(Value::Text("S".into())));
        assert_eq!(validate(&AnswerType::Email {}, "a@b"), None);
        assert_eq!(
            validate(&AnswerType::Date {}, "12/06/1990"),
            Some(Value::Text("1990-06-12".into()))
        );
    }
}
