//! Rendering merge fields: `{{ first_name | "amico" }}`, `{{ event.cart_url }}`.

use crate::flow::merge::parse_merge_fields;
use crate::flow::MessageContent;
use crate::model::{Contact, Event, Value};

/// The text of a merge key for a contact (and the triggering event), `None` when empty.
fn lookup(key: &str, contact: &Contact, event: Option<&Event>) -> Option<String> {
    if let Some(prop) = key.strip_prefix("event.") {
        let v = event?.properties.get(prop)?;
        return match v {
            serde_json::Value::Null => None,
            serde_json::Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
        .filter(|s| !s.is_empty());
    }
    let text = match key {
        "id" => Some(contact.id.as_str().to_owned()),
        "email" => contact.email.clone(),
        "phone" => contact.phone.clone(),
        "time_zone" => contact.time_zone.clone(),
        "locale" => contact.locale.clone(),
        _ => match contact.fields.get(key)? {
            Value::Null => None,
            Value::Text(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::List(l) => Some(
                l.iter()
                    .map(|v| match v {
                        Value::Text(s) => s.clone(),
                        other => other.to_string(),
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        },
    };
    text.filter(|s| !s.is_empty())
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders the merge fields of a text; values are HTML-escaped when `html`. A malformed merge
/// field is left as written.
pub(crate) fn render(text: &str, contact: &Contact, event: Option<&Event>, html: bool) -> String {
    if !text.contains("{{") {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut pos = 0;
    for found in parse_merge_fields(text) {
        let Ok(field) = found else {
            break;
        };
        let Some(close) = text.get(field.offset..).and_then(|t| t.find("}}")) else {
            break;
        };
        out.push_str(text.get(pos..field.offset).unwrap_or(""));
        let value = lookup(&field.key, contact, event)
            .or(field.fallback)
            .unwrap_or_default();
        if html {
            out.push_str(&escape_html(&value));
        } else {
            out.push_str(&value);
        }
        pos = field.offset + close + 2;
    }
    out.push_str(text.get(pos..).unwrap_or(""));
    out
}

/// Renders every text part of a message.
pub(crate) fn render_content(
    content: &MessageContent,
    contact: &Contact,
    event: Option<&Event>,
) -> MessageContent {
    let r = |t: &Option<String>, html: bool| t.as_ref().map(|t| render(t, contact, event, html));
    MessageContent {
        subject: r(&content.subject, false),
        title: r(&content.title, false),
        body: r(&content.body, false),
        html: r(&content.html, true),
        url: r(&content.url, false),
        media: content.media.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_fields_fallbacks_events_and_escapes_html() {
        let c =
            Contact::from_json(r#"{"id": "anna", "fields": {"first_name": "<Anna>"}}"#).unwrap();
        let e = Event::from_json(
            r#"{"contact": "anna", "name": "cart", "at": "2026-01-01T00:00:00Z",
                "properties": {"cart_url": "https://x/1"}}"#,
        )
        .unwrap();
        assert_eq!(
            render(
                "Ciao {{ first_name }} {{ city | \"amico\" }}: {{event.cart_url}}",
                &c,
                Some(&e),
                false
            ),
            "Ciao <Anna> amico: https://x/1"
        );
        assert_eq!(
            render("<b>{{ first_name }}</b>", &c, None, true),
            "<b>&lt;Anna&gt;</b>"
        );
        assert_eq!(render("x {{ broken", &c, None, false), "x {{ broken");
    }
}
