//! Live versions and contacts in flight (issue 12): what the shared vectors
//! (`vectors/engine_versions.json`) do not reach — an API call or a question in flight across a
//! migration, the `waiting` counters, a migration that replays, errors with their location.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use sequenza::engine::{
    Action, ApiResponse, Engine, EngineConfig, EnrollmentState, InFlight, InboundMessage, Outcome,
    PublishOptions,
};
use sequenza::{Contact, Flow};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap()
}

fn flow(json: serde_json::Value) -> Flow {
    Flow::from_json(&json.to_string()).unwrap()
}

fn api_flow(url: &str) -> Flow {
    flow(serde_json::json!({
        "id": "crm", "name": "CRM", "status": "active",
        "triggers": [{"type": "manual", "recipients": {"kind": "api"}}],
        "start": "call",
        "nodes": [
            {"id": "call", "type": "api_call", "method": "POST", "url": url, "timeout_seconds": 300},
            {"id": "ok", "type": "goal", "name": "synced"},
            {"id": "ko", "type": "exit"}
        ],
        "edges": [{"from": "call", "to": "ok", "label": "success"},
                  {"from": "call", "to": "ko", "label": "failure"}]
    }))
}

fn engine_with(f: Flow, contacts: &[&str]) -> Engine {
    let mut eng = Engine::new(EngineConfig::default()).unwrap();
    eng.publish(f.clone(), t0()).unwrap();
    let ids: Vec<_> = contacts.iter().map(|c| (*c).into()).collect();
    for c in contacts {
        let mut contact = Contact::new(*c);
        contact.phone = Some("+393331234567".into());
        eng.upsert_contact(contact, t0()).unwrap();
    }
    eng.enroll(&f.id, &ids, t0()).unwrap();
    eng
}

#[test]
fn an_api_call_in_flight_migrates_and_its_response_still_picks_the_branch() {
    let mut eng = engine_with(api_flow("https://crm/v1"), &["anna"]);
    let out = eng.effects().unwrap();
    assert_eq!(out.len(), 1);
    let t1 = t0() + TimeDelta::minutes(1);
    let p = eng.publish(api_flow("https://crm/v2"), t1).unwrap();
    assert_eq!((p.version, p.moved, p.exited), (2, 1, 0));
    let view = &eng.enrollments(None, None).unwrap()[0];
    assert_eq!((view.version, view.state), (2, EnrollmentState::Waiting));
    // The call made on v1 is acknowledged after the move: the contact takes `success`.
    let response = ApiResponse {
        status: 200,
        body: serde_json::Value::Null,
    };
    eng.ack(&out[0].key, Outcome::Delivered, t1, Some(response))
        .unwrap();
    let view = &eng.enrollments(None, None).unwrap()[0];
    assert_eq!(view.state, EnrollmentState::Finished);
    assert_eq!(eng.stats(&"crm".into()).unwrap().totals.goals, 1);
    // No second call went out for the same step.
    assert!(eng.effects().unwrap().is_empty());
}

fn question(prompt: &str) -> Flow {
    flow(serde_json::json!({
        "id": "ask", "name": "Ask", "status": "active",
        "triggers": [{"type": "manual", "recipients": {"kind": "api"}}],
        "start": "q",
        "nodes": [
            {"id": "q", "type": "question", "channel": "whatsapp", "prompt": prompt,
             "answer": {"type": "text"}, "timeout": {"amount": 1, "unit": "days"}, "save_to": "answer"},
            {"id": "end", "type": "exit"}
        ],
        "edges": [{"from": "q", "to": "end", "label": "answered"},
                  {"from": "q", "to": "end", "label": "timeout"}]
    }))
}

#[test]
fn a_pending_question_migrates_and_takes_the_reply() {
    let mut eng = engine_with(question("Come ti chiami?"), &["anna"]);
    let before = eng.enrollments(None, None).unwrap()[0].due;
    let t1 = t0() + TimeDelta::hours(1);
    eng.publish(question("Il tuo nome?"), t1).unwrap();
    let view = &eng.enrollments(None, None).unwrap()[0];
    // Same node, same kind: the question is not asked again, its timeout is kept.
    assert_eq!((view.version, view.due), (2, before));
    assert_eq!(eng.effects().unwrap().len(), 1);
    let message: InboundMessage = serde_json::from_value(serde_json::json!({
        "channel": "whatsapp", "contact": "anna", "text": "Anna", "at": t1
    }))
    .unwrap();
    eng.receive_message(message, t1).unwrap();
    let view = &eng.enrollments(None, None).unwrap()[0];
    assert_eq!(view.state, EnrollmentState::Finished);
    assert_eq!(
        eng.contact(&"anna".into()).unwrap().fields["answer"],
        sequenza::model::Value::Text("Anna".into())
    );
}

fn waits(first: &str, second: &str) -> Flow {
    flow(serde_json::json!({
        "id": "w", "name": "W", "status": "active",
        "triggers": [{"type": "manual", "recipients": {"kind": "api"}}],
        "start": first,
        "nodes": [
            {"id": first, "type": "wait", "duration": {"amount": 1, "unit": "days"}},
            {"id": second, "type": "wait", "duration": {"amount": 1, "unit": "days"}}
        ],
        "edges": [{"from": first, "to": second}]
    }))
}

#[test]
fn the_waiting_counters_follow_the_contacts() {
    let mut eng = engine_with(waits("a", "b"), &["anna", "bruno", "carla"]);
    let waiting = |eng: &Engine, node: &str| {
        eng.stats(&"w".into())
            .unwrap()
            .nodes
            .get(&node.into())
            .map_or(0, |c| c.waiting)
    };
    assert_eq!(waiting(&eng, "a"), 3);
    let options = PublishOptions {
        in_flight: InFlight::Migrate,
        node_map: [("a".into(), "c".into())].into(),
    };
    let p = eng.publish_with(waits("c", "b"), &options, t0()).unwrap();
    assert_eq!((p.moved, p.exited), (3, 0));
    assert_eq!((waiting(&eng, "a"), waiting(&eng, "c")), (0, 3));
    let totals = eng.stats(&"w".into()).unwrap().totals;
    assert_eq!(totals.waiting, 3);
    // Every move is in the history, with the versions.
    let h = eng.history(&"anna".into(), None).unwrap();
    let migrated: Vec<_> = h.iter().filter(|e| e.action == Action::Migrated).collect();
    assert_eq!(migrated.len(), 1);
    assert_eq!(migrated[0].version, 2);
}

#[test]
fn pinned_contacts_finish_on_their_version_and_the_next_publish_can_migrate_them() {
    let mut eng = engine_with(waits("a", "b"), &["anna"]);
    let pin = PublishOptions {
        in_flight: InFlight::Pin,
        ..PublishOptions::default()
    };
    assert_eq!(
        eng.publish_with(waits("a", "b"), &pin, t0()).unwrap().moved,
        0
    );
    assert_eq!(eng.enrollments(None, None).unwrap()[0].version, 1);
    // A later default publish moves the pinned contact from v1 straight to v3.
    let p = eng.publish(waits("a", "b"), t0()).unwrap();
    assert_eq!((p.version, p.moved), (3, 1));
    let h = eng.history(&"anna".into(), None).unwrap();
    assert_eq!(h.last().unwrap().reason.as_deref(), Some("migrated v1→v3"));
}

#[test]
fn a_node_map_on_a_first_publish_names_no_earlier_node() {
    let mut eng = Engine::new(EngineConfig::default()).unwrap();
    let options = PublishOptions {
        in_flight: InFlight::Migrate,
        node_map: [("a/x".into(), "b".into())].into(),
    };
    let err = eng
        .publish_with(waits("a", "b"), &options, t0())
        .unwrap_err();
    assert_eq!(err.code(), "engine.node.unknown");
    // The old id is a JSON pointer token.
    assert_eq!(err.path(), Some("/node_map/a~1x"));
    assert!(eng.enrollments(None, None).unwrap().is_empty());
    assert!(eng.stats(&"w".into()).is_err(), "nothing was published");
}

#[test]
fn acting_on_an_enrollment_of_a_paused_flow() {
    let mut eng = engine_with(waits("a", "b"), &["anna"]);
    let t1 = t0() + TimeDelta::hours(1);
    eng.set_status(&"w".into(), sequenza::flow::FlowStatus::Paused, t1)
        .unwrap();
    let err = eng
        .move_to(&"w".into(), &"anna".into(), &"b".into(), t1, None)
        .unwrap_err();
    assert_eq!(
        (err.code(), err.path()),
        ("engine.flow.status", Some("/status"))
    );
    // Skipping a wait in a paused flow: it runs when the flow resumes.
    eng.skip_wait(&"w".into(), &"anna".into(), t1, Some("ops".into()))
        .unwrap();
    let view = &eng.enrollments(None, None).unwrap()[0];
    assert_eq!(view.node.as_ref().unwrap().as_str(), "a");
    eng.set_status(&"w".into(), sequenza::flow::FlowStatus::Active, t1)
        .unwrap();
    let view = &eng.enrollments(None, None).unwrap()[0];
    assert_eq!(view.node.as_ref().unwrap().as_str(), "b");
    let err = eng
        .cancel(&"nope".into(), &"anna".into(), t1, None)
        .unwrap_err();
    assert_eq!(err.code(), "engine.flow.unknown");
}

/// Version 1 of a flow whose contacts wait on every kind of waiting node: a wait, a wait for an
/// event, a question and an API call (the split routes each contact by its `path` field).
fn every_wait(suffix: &str) -> serde_json::Value {
    let id = |n: &str| format!("{n}{suffix}");
    let case = |n: &str| {
        serde_json::json!({"name": n,
            "condition": {"type": "field", "field": "path", "op": "eq", "value": n}})
    };
    serde_json::json!({
        "id": "all", "name": "All", "status": "active",
        "triggers": [{"type": "manual", "recipients": {"kind": "api"}}],
        "start": "route",
        "nodes": [
            {"id": "route", "type": "split", "cases": [case("event"), case("ask"), case("call")]},
            {"id": id("wait"), "type": "wait", "duration": {"amount": 1, "unit": "days"}},
            {"id": id("event"), "type": "wait_for", "event": {"name": "buy"},
             "timeout": {"amount": 1, "unit": "days"}},
            {"id": id("ask"), "type": "question", "channel": "whatsapp", "prompt": "?",
             "answer": {"type": "text"}, "timeout": {"amount": 1, "unit": "days"}},
            {"id": id("call"), "type": "api_call", "method": "GET", "url": "https://x",
             "timeout_seconds": 300},
            {"id": "end", "type": "exit"}
        ],
        "edges": [
            {"from": "route", "to": id("event"), "label": "event"},
            {"from": "route", "to": id("ask"), "label": "ask"},
            {"from": "route", "to": id("call"), "label": "call"},
            {"from": "route", "to": id("wait"), "label": "else"},
            {"from": id("wait"), "to": "end"},
            {"from": id("event"), "to": "end", "label": "met"},
            {"from": id("event"), "to": "end", "label": "timeout"},
            {"from": id("ask"), "to": "end", "label": "answered"},
            {"from": id("ask"), "to": "end", "label": "timeout"},
            {"from": id("call"), "to": "end", "label": "success"},
            {"from": id("call"), "to": "end", "label": "failure"}
        ]
    })
}

/// Every waiting node of `every_wait` turned into a send of the same id.
fn every_wait_as_sends() -> serde_json::Value {
    let mut v = every_wait("");
    for n in v["nodes"].as_array_mut().unwrap() {
        let id = n["id"].as_str().unwrap().to_owned();
        if !["route", "end"].contains(&id.as_str()) {
            *n = serde_json::json!({"id": id, "type": "send", "channel": "email",
                "content": {"subject": "s", "body": "b"}});
        }
    }
    v["edges"] = serde_json::json!([
        {"from": "route", "to": "event", "label": "event"},
        {"from": "route", "to": "ask", "label": "ask"},
        {"from": "route", "to": "call", "label": "call"},
        {"from": "route", "to": "wait", "label": "else"},
        {"from": "wait", "to": "end"}, {"from": "event", "to": "end"},
        {"from": "ask", "to": "end"}, {"from": "call", "to": "end"}
    ]);
    v
}

#[test]
fn no_contact_is_left_stuck_whatever_the_new_version() {
    let paths = ["wait", "event", "ask", "call"];
    let only_exit = serde_json::json!({"id": "all", "name": "All", "status": "active",
        "triggers": [{"type": "manual", "recipients": {"kind": "api"}}], "start": "end",
        "nodes": [{"id": "end", "type": "exit"}]});
    let renamed: std::collections::BTreeMap<sequenza::model::NodeId, sequenza::model::NodeId> =
        paths
            .iter()
            .map(|p| ((*p).into(), format!("{p}2").as_str().into()))
            .collect();
    let variants: Vec<(&str, serde_json::Value, PublishOptions)> = vec![
        ("same", every_wait(""), PublishOptions::default()),
        ("removed", only_exit, PublishOptions::default()),
        (
            "kind changed",
            every_wait_as_sends(),
            PublishOptions::default(),
        ),
        (
            "mapped",
            every_wait("2"),
            PublishOptions {
                in_flight: InFlight::Migrate,
                node_map: renamed,
            },
        ),
        (
            "pinned",
            every_wait("2"),
            PublishOptions {
                in_flight: InFlight::Pin,
                ..PublishOptions::default()
            },
        ),
    ];
    for (name, v2, options) in variants {
        let mut eng = Engine::new(EngineConfig::default()).unwrap();
        eng.publish(flow(every_wait("")), t0()).unwrap();
        for p in paths {
            let c: Contact = serde_json::from_value(serde_json::json!({"id": p,
                "email": format!("{p}@example.com"), "phone": "+393331234567",
                "fields": {"path": p}}))
            .unwrap();
            eng.upsert_contact(c, t0()).unwrap();
        }
        let ids: Vec<_> = paths.iter().map(|p| (*p).into()).collect();
        eng.enroll(&"all".into(), &ids, t0()).unwrap();
        let before = eng.enrollments(None, None).unwrap();
        assert!(
            before.iter().all(|e| e.state == EnrollmentState::Waiting),
            "{name}"
        );
        let t1 = t0() + TimeDelta::minutes(1);
        let p = eng.publish_with(flow(v2), &options, t1).unwrap();
        let pinned = options.in_flight == InFlight::Pin;
        assert_eq!(p.moved + p.exited, if pinned { 0 } else { 4 }, "{name}");
        for view in eng.enrollments(None, None).unwrap() {
            let who = format!("{name} / {}", view.contact);
            match view.state {
                EnrollmentState::Waiting => {
                    assert_eq!(view.version, if pinned { 1 } else { 2 }, "{who}");
                    assert!(view.node.is_some() && view.reason.is_some(), "{who}");
                }
                _ => assert!(view.reason.is_some(), "{who}: ended without a reason"),
            }
            if !pinned {
                // The move (or the exit) is in the contact's history at the publish instant.
                let h = eng.history(&view.contact, None).unwrap();
                assert!(
                    h.iter().any(|e| e.at == t1
                        && (e.action == Action::Migrated
                            || (e.action == Action::Exited
                                && e.reason
                                    .as_deref()
                                    .unwrap_or("")
                                    .starts_with("node_removed")))),
                    "{who}: {h:?}"
                );
            }
        }
        // Nobody waits forever: two days later every wait has ended (API calls unanswered).
        let later = t0() + TimeDelta::days(2);
        eng.tick(later).unwrap();
        for view in eng.enrollments(None, None).unwrap() {
            assert_ne!(
                view.state,
                EnrollmentState::Waiting,
                "{name} / {}",
                view.contact
            );
        }
    }
}
