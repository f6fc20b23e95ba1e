//! Values a flow writes land where conditions and merge fields read them: `email`, `phone`,
//! `time_zone` and `locale` are the contact's own attributes, everything else a profile field.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeZone, Utc};
use sequenza::engine::{Engine, EngineConfig, InboundMessage};
use sequenza::model::Channel;
use sequenza::model::Value;
use sequenza::{Contact, Event, Flow};

fn t(min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 10, min, 0).unwrap()
}

const FLOW: &str = r#"{"id": "collect", "name": "Collect", "status": "active",
  "triggers": [{"type": "event", "event": "asked"}], "start": "ask",
  "nodes": [
    {"id": "ask", "type": "question", "channel": "whatsapp", "prompt": "La tua e-mail?",
     "answer": {"type": "email"}, "timeout": {"amount": 1, "unit": "hours"}, "save_to": "email"},
    {"id": "set", "type": "update_fields", "set": {"locale": "it-IT", "source": "whatsapp {{ email }}"}},
    {"id": "thanks", "type": "send", "channel": "email",
     "content": {"subject": "Grazie", "body": "Scriveremo a {{ email }}"}},
    {"id": "end", "type": "exit"}],
  "edges": [{"from": "ask", "to": "set", "label": "answered"}, {"from": "set", "to": "thanks"},
            {"from": "ask", "to": "end", "label": "timeout"}, {"from": "thanks", "to": "end"}]}"#;

#[test]
fn a_question_saving_to_email_changes_the_address_messages_go_to() {
    let mut eng = Engine::new(EngineConfig::default()).unwrap();
    eng.publish(Flow::from_json(FLOW).unwrap(), t(0)).unwrap();
    eng.upsert_contact(
        Contact::from_json(
            r#"{"id": "anna", "phone": "+393331234567",
            "consent": {"whatsapp": {"status": "opted_in"}, "email": {"status": "opted_in"}}}"#,
        )
        .unwrap(),
        t(0),
    )
    .unwrap();
    eng.record_event(
        Event::from_json(r#"{"contact": "anna", "name": "asked", "at": "2026-12-07T10:00:00Z"}"#)
            .unwrap(),
        t(0),
    )
    .unwrap();
    let message = InboundMessage {
        channel: Channel::WhatsApp,
        from: None,
        contact: Some("anna".into()),
        text: Some(" anna@example.com ".into()),
        media: vec![],
        at: t(1),
        ad: None,
    };
    eng.receive_message(message, t(1)).unwrap();

    let anna = eng.contact(&"anna".into()).unwrap();
    assert_eq!(anna.email.as_deref(), Some("anna@example.com"));
    assert_eq!(anna.locale.as_deref(), Some("it-IT"));
    assert!(!anna.fields.contains_key("email"));
    assert_eq!(
        anna.fields.get("source"),
        Some(&Value::Text("whatsapp anna@example.com".into()))
    );
    let effects = eng.effects().unwrap();
    let thanks = effects
        .iter()
        .find(|e| e.node.as_ref().map(|n| n.as_str()) == Some("thanks"));
    let thanks = thanks.expect("the thank-you e-mail is in the outbox");
    assert_eq!(thanks.to.as_deref(), Some("anna@example.com"));
    let body = &thanks.content.as_ref().unwrap().body;
    assert_eq!(body.as_deref(), Some("Scriveremo a anna@example.com"));
}

const MENU: &str = r#"{"id": "menu", "name": "Menu", "status": "active",
  "triggers": [{"type": "event", "event": "asked"}], "start": "choose",
  "nodes": [
    {"id": "choose", "type": "menu", "channel": "whatsapp", "prompt": "Cosa ti serve?",
     "options": [{"value": "orders", "label": "Ordini"}, {"value": "shops", "label": "Negozi"}],
     "timeout": {"amount": 1, "unit": "hours"}},
    {"id": "orders", "type": "send", "channel": "whatsapp", "content": {"body": "Ordini"}},
    {"id": "shops", "type": "send", "channel": "whatsapp", "content": {"body": "Negozi"}},
    {"id": "end", "type": "exit"}],
  "edges": [{"from": "choose", "to": "orders", "label": "orders"},
            {"from": "choose", "to": "shops", "label": "shops"},
            {"from": "choose", "to": "end", "label": "timeout"},
            {"from": "orders", "to": "end"}, {"from": "shops", "to": "end"}]}"#;

fn reply(eng: &mut Engine, text: &str, min: u32) {
    let message = InboundMessage {
        channel: Channel::WhatsApp,
        from: None,
        contact: Some("anna".into()),
        text: Some(text.into()),
        media: vec![],
        at: t(min),
        ad: None,
    };
    eng.receive_message(message, t(min)).unwrap();
}

#[test]
fn a_reply_that_is_no_choice_sends_the_menu_again_twice_at_most() {
    let mut eng = Engine::new(EngineConfig::default()).unwrap();
    eng.publish(Flow::from_json(MENU).unwrap(), t(0)).unwrap();
    eng.upsert_contact(
        Contact::from_json(
            r#"{"id": "anna", "phone": "+393331234567",
            "consent": {"whatsapp": {"status": "opted_in"}}}"#,
        )
        .unwrap(),
        t(0),
    )
    .unwrap();
    eng.record_event(
        Event::from_json(r#"{"contact": "anna", "name": "asked", "at": "2026-12-07T10:00:00Z"}"#)
            .unwrap(),
        t(0),
    )
    .unwrap();
    let bodies = |eng: &Engine| -> Vec<String> {
        eng.effects()
            .unwrap()
            .iter()
            .map(|e| e.content.as_ref().unwrap().body.clone().unwrap())
            .collect()
    };
    let menu = "Cosa ti serve?\n1. Ordini\n2. Negozi".to_owned();
    assert_eq!(bodies(&eng), vec![menu.clone()]);
    reply(&mut eng, "boh", 1);
    reply(&mut eng, "non so", 2);
    reply(&mut eng, "?", 3);
    assert_eq!(bodies(&eng), vec![menu.clone(), menu.clone(), menu.clone()]);
    let keys: std::collections::BTreeSet<_> =
        eng.effects().unwrap().into_iter().map(|e| e.key).collect();
    assert_eq!(keys.len(), 3, "each menu sent again has its own key");
    reply(&mut eng, "negozi", 4);
    assert_eq!(bodies(&eng).last().map(String::as_str), Some("Negozi"));
    let steps: Vec<_> = eng
        .history(&"anna".into(), None)
        .unwrap()
        .into_iter()
        .filter_map(|h| h.reason)
        .filter(|r| r.starts_with("not an option"))
        .collect();
    assert_eq!(
        steps,
        vec![
            "not an option: `boh`: menu sent again",
            "not an option: `non so`: menu sent again",
            "not an option: `?`",
        ]
    );
}
