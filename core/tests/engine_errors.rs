//! Engine errors carry their code, area and location through `Error::data()`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{TimeZone, Utc};
use sequenza::engine::{Engine, EngineConfig};
use sequenza::error::Area;
use sequenza::Flow;

fn keyword_flow(id: &str) -> Flow {
    Flow::from_json(&format!(
        r#"{{"id": "{id}", "name": "{id}", "status": "active",
        "triggers": [{{"type": "inbound_message", "channel": "whatsapp",
                      "match": {{"kind": "keyword", "keywords": ["PROMO"]}}}}],
        "start": "hi",
        "nodes": [{{"id": "hi", "type": "send", "channel": "whatsapp", "content": {{"body": "Ciao"}}}}],
        "edges": []}}"#
    ))
    .unwrap()
}

#[test]
fn a_keyword_belongs_to_one_active_flow() {
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
    let mut eng = Engine::new(EngineConfig::default()).unwrap();
    eng.publish(keyword_flow("first"), now).unwrap();
    let err = eng.publish(keyword_flow("second"), now).unwrap_err();
    assert_eq!(err.code(), "engine.keyword.taken");
    assert_eq!(err.area(), Area::Engine);
    let data = serde_json::to_value(err.data()).unwrap();
    assert_eq!(data["area"], "engine");
    assert_eq!(data["flow"], "second");
    assert!(data["path"].as_str().unwrap().starts_with("/triggers/0"));
    assert_eq!(data["findings"][0]["code"], "flows.keyword.duplicate");
}

#[test]
fn an_engine_error_locates_the_contact() {
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
    let mut eng = Engine::new(EngineConfig::default()).unwrap();
    eng.publish(keyword_flow("first"), now).unwrap();
    let err = eng
        .enroll(&"first".into(), &["nobody".into()], now)
        .map(|o| o.refused.len());
    // Unknown contacts are refused with a reason, not an error.
    assert_eq!(err.unwrap(), 1);
    let err = eng.enroll(&"missing".into(), &[], now).unwrap_err();
    assert_eq!(err.code(), "engine.flow.unknown");
    assert_eq!(err.location().flow.as_deref(), Some("missing"));
}
