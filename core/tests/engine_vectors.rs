//! Runs the engine scenario vectors (`core/tests/vectors/engine_scenarios.json`, format in the
//! vectors README): inputs on a virtual clock, and the exact effects, enrollments, history and
//! statistics they produce. The Python, Node and WASM tests read the same file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sequenza::engine::{
    ApiResponse, EffectKey, Engine, EngineConfig, InboundMessage, Outcome, PublishOptions,
};
use sequenza::flow::FlowStatus;
use sequenza::list::List;
use sequenza::segment::Segment;
use sequenza::{Contact, Event, FieldSchema, Flow};
use serde_json::{json, Value};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(rel: &str) -> String {
    let path = root().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// `expected` is contained in `actual`: objects by key (recursively), arrays element by element
/// with the same length, other values equal.
pub fn contains(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => e.iter().all(|(k, v)| {
            a.get(k).is_some_and(|x| contains(x, v)) || (v.is_null() && !a.contains_key(k))
        }),
        (Value::Array(a), Value::Array(e)) => {
            a.len() == e.len() && a.iter().zip(e).all(|(x, y)| contains(x, y))
        }
        (a, e) => a == e,
    }
}

fn arg<T: serde::de::DeserializeOwned>(args: &Value, key: &str, ctx: &str) -> T {
    serde_json::from_value(args[key].clone())
        .unwrap_or_else(|e| panic!("{ctx}: argument `{key}`: {e}"))
}

/// Runs one step; returns its result as JSON (or the error code as `{"error": code}`).
fn step(eng: &mut Engine, s: &Value, ctx: &str) -> Value {
    let op = s["op"].as_str().unwrap_or_else(|| panic!("{ctx}: no op"));
    let args = &s["args"];
    let now = || -> DateTime<Utc> { arg(s, "now", ctx) };
    let r: sequenza::Result<Value> = match op {
        "publish" => {
            let flow: Flow = match args["file"].as_str() {
                Some(f) => Flow::from_json(&read(f)).unwrap(),
                None => arg(args, "flow", ctx),
            };
            // Versions (issue 12): `in_flight` and `node_map`, when given, go to publish_with.
            if args.get("in_flight").is_some() || args.get("node_map").is_some() {
                let mut o = serde_json::Map::new();
                for k in ["in_flight", "node_map"] {
                    if let Some(v) = args.get(k) {
                        o.insert(k.to_owned(), v.clone());
                    }
                }
                let options: PublishOptions = serde_json::from_value(Value::Object(o)).unwrap();
                eng.publish_with(flow, &options, now()).map(|p| json!(p))
            } else {
                eng.publish(flow, now()).map(|p| json!(p))
            }
        }
        "set_status" => {
            let status: FlowStatus = arg(args, "status", ctx);
            eng.set_status(&arg(args, "flow", ctx), status, now())
                .map(|()| Value::Null)
        }
        "upsert_contact" => {
            let c: Contact = arg(args, "contact", ctx);
            eng.upsert_contact(c, now()).map(|()| Value::Null)
        }
        "remove_contact" => eng
            .remove_contact(&arg(args, "contact", ctx), now())
            .map(|()| Value::Null),
        "record_event" => {
            let e: Event = arg(args, "event", ctx);
            eng.record_event(e, now()).map(|()| Value::Null)
        }
        "receive_message" => {
            let m: InboundMessage = arg(args, "message", ctx);
            eng.receive_message(m, now()).map(|()| Value::Null)
        }
        "enroll" => {
            let ids: Vec<sequenza::model::ContactId> = arg(args, "contacts", ctx);
            eng.enroll(&arg(args, "flow", ctx), &ids, now())
                .map(|o| json!(o))
        }
        "enroll_matching" => eng
            .enroll_matching(&arg(args, "flow", ctx), now())
            .map(|o| json!(o)),
        "feed_items" => {
            let items: Vec<sequenza::engine::feed::FeedItem> = arg(args, "items", ctx);
            let url: String = arg(args, "url", ctx);
            eng.feed_items(&url, &items, now()).map(|o| json!(o))
        }
        "tick" => eng.tick(now()).map(|n| json!(n)),
        "next_wakeup" => eng.next_wakeup().map(|w| json!(w)),
        "ack" => {
            let key: EffectKey = arg(args, "key", ctx);
            let outcome: Outcome = arg(args, "outcome", ctx);
            let response: Option<ApiResponse> =
                serde_json::from_value(args["response"].clone()).unwrap();
            eng.ack(&key, outcome, now(), response)
                .map(|()| Value::Null)
        }
        "deliver" => {
            // Ticks, then acknowledges every effect of the outbox as delivered (API calls with
            // `response`, when given); returns the effects, oldest first.
            let response: Option<ApiResponse> =
                serde_json::from_value(args["response"].clone()).unwrap_or(None);
            let mut out = Vec::new();
            let mut result = eng.tick(now()).map(|_| ());
            for e in eng.effects().unwrap() {
                if result.is_err() {
                    break;
                }
                let resp = if e.kind == sequenza::engine::EffectKind::ApiCall {
                    response.clone()
                } else {
                    None
                };
                if let Err(err) = eng.ack(&e.key, Outcome::Delivered, now(), resp) {
                    result = Err(err);
                    break;
                }
                out.push(json!(e));
            }
            result.map(|()| Value::Array(out))
        }
        "create_list" => {
            let l: List = arg(args, "list", ctx);
            eng.create_list(l, now()).map(|n| json!(n))
        }
        "register_segment" => {
            let seg: Segment = arg(args, "segment", ctx);
            eng.register_segment(seg, now()).map(|n| json!(n))
        }
        "add_to_list" => eng
            .add_to_list(&arg(args, "list", ctx), &arg(args, "contact", ctx), now())
            .map(|()| Value::Null),
        "remove_from_list" => eng
            .remove_from_list(&arg(args, "list", ctx), &arg(args, "contact", ctx), now())
            .map(|()| Value::Null),
        "effects" => eng.effects().map(|e| json!(e)),
        "enrollments" => {
            let flow: Option<sequenza::model::FlowId> =
                serde_json::from_value(args["flow"].clone()).unwrap_or(None);
            let contact: Option<sequenza::model::ContactId> =
                serde_json::from_value(args["contact"].clone()).unwrap_or(None);
            eng.enrollments(flow.as_ref(), contact.as_ref())
                .map(|e| json!(e))
        }
        "history" => {
            let flow: Option<sequenza::model::FlowId> =
                serde_json::from_value(args["flow"].clone()).unwrap_or(None);
            eng.history(&arg(args, "contact", ctx), flow.as_ref())
                .map(|h| json!(h))
        }
        "stats" => eng.stats(&arg(args, "flow", ctx)).map(|s| json!(s)),
        // ---- versions and contacts in flight (issue 12) ----
        "duplicate" => eng
            .duplicate(&arg(args, "flow", ctx), &arg(args, "new_id", ctx), now())
            .map(|f| json!(f)),
        "skip_wait" => eng
            .skip_wait(
                &arg(args, "flow", ctx),
                &arg(args, "contact", ctx),
                now(),
                arg(args, "by", ctx),
            )
            .map(|()| Value::Null),
        "move_to" => eng
            .move_to(
                &arg(args, "flow", ctx),
                &arg(args, "contact", ctx),
                &arg(args, "node", ctx),
                now(),
                arg(args, "by", ctx),
            )
            .map(|()| Value::Null),
        "cancel" => eng
            .cancel(
                &arg(args, "flow", ctx),
                &arg(args, "contact", ctx),
                now(),
                arg(args, "by", ctx),
            )
            .map(|()| Value::Null),
        // Batch inputs (issue 12 §3): the items as one JSON array, read by the core's reader.
        "upsert_contacts" => sequenza::error::from_json(&args["contacts"].to_string())
            .and_then(|all: Vec<Contact>| eng.upsert_contacts(all, now()))
            .map(|n| json!(n)),
        "record_events" => sequenza::error::from_json(&args["events"].to_string())
            .and_then(|all: Vec<Event>| eng.record_events(all, now()))
            .map(|n| json!(n)),
        other => panic!("{ctx}: unknown op `{other}`"),
    };
    match r {
        Ok(v) => v,
        Err(e) => json!({"error": e.code(), "path": e.path()}),
    }
}

/// Runs a scenario; returns the results of every step.
pub fn run_scenario(fields: Option<&FieldSchema>, sc: &Value) -> Vec<Value> {
    let name = sc["name"].as_str().unwrap_or("?");
    let mut config: EngineConfig = serde_json::from_value(sc["config"].clone()).unwrap_or_default();
    if config.fields.is_none() {
        config.fields = fields.cloned();
    }
    let mut eng = Engine::new(config).unwrap();
    let mut results = Vec::new();
    for (i, s) in sc["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("{name}: no steps"))
        .iter()
        .enumerate()
    {
        let ctx = format!("{name} / step {i} ({})", s["op"]);
        let got = step(&mut eng, s, &ctx);
        if let Some(expect) = s.get("expect") {
            assert!(
                contains(&got, expect),
                "{ctx}:\nexpected (contained in the result)\n{}\ngot\n{}",
                serde_json::to_string_pretty(expect).unwrap(),
                serde_json::to_string_pretty(&got).unwrap()
            );
        } else if got.get("error").is_some() {
            panic!("{ctx}: unexpected error {got}");
        }
        results.push(got);
    }
    results
}

/// The part of a result a blessed vector keeps.
fn trimmed(op: &str, got: &Value) -> Value {
    match op {
        "history" => Value::Array(
            got.as_array()
                .into_iter()
                .flatten()
                .map(|h| {
                    let mut o = serde_json::Map::new();
                    for k in [
                        "at", "flow", "version", "node", "action", "reason", "effect", "by",
                    ] {
                        if let Some(v) = h.get(k) {
                            o.insert(k.to_owned(), v.clone());
                        }
                    }
                    Value::Object(o)
                })
                .collect(),
        ),
        "stats" => {
            let mut o = serde_json::Map::new();
            for (k, v) in got.as_object().into_iter().flatten() {
                let empty = v == &json!(0) || v == &json!({});
                if !empty && k != "nodes" && k != "days" {
                    o.insert(k.clone(), v.clone());
                }
            }
            Value::Object(o)
        }
        _ => got.clone(),
    }
}

/// Writes a vector file with one line per step.
fn write_vectors(v: &Value) -> String {
    let mut out = String::from("{\n");
    out.push_str(&format!(
        "  \"fields\": {},\n  \"scenarios\": [\n",
        v["fields"]
    ));
    let scs = v["scenarios"].as_array().unwrap();
    for (i, sc) in scs.iter().enumerate() {
        out.push_str("    {\n");
        for (k, val) in sc.as_object().unwrap() {
            if k != "steps" {
                out.push_str(&format!("      {}: {},\n", json!(k), val));
            }
        }
        out.push_str("      \"steps\": [\n");
        let steps = sc["steps"].as_array().unwrap();
        for (j, st) in steps.iter().enumerate() {
            let mut line = String::from("{");
            let o = st.as_object().unwrap();
            let mut first = true;
            for k in ["now", "op", "args", "expect"] {
                if let Some(val) = o.get(k) {
                    if !first {
                        line.push_str(", ");
                    }
                    first = false;
                    line.push_str(&format!("{}: {}", json!(k), val));
                }
            }
            line.push('}');
            let comma = if j + 1 < steps.len() { "," } else { "" };
            out.push_str(&format!("        {line}{comma}\n"));
        }
        out.push_str("      ]\n");
        out.push_str(if i + 1 < scs.len() {
            "    },\n"
        } else {
            "    }\n"
        });
    }
    out.push_str("  ]\n}\n");
    out
}

#[test]
fn engine_scenarios() {
    run_file("core/tests/vectors/engine_scenarios.json");
}

// ---- one vector file of scenarios (engine_scenarios, engine_versions, engine_batch) ----

/// Runs the scenarios of one vector file (a missing file fails); with `SEQUENZA_BLESS`, rewrites
/// the expectations marked `"bless"`.
fn run_file(rel: &str) {
    let v: Value = serde_json::from_str(&read(rel)).unwrap();
    let fields = v["fields"]
        .as_str()
        .map(|f| FieldSchema::from_json(&read(f)).unwrap());
    let scenarios = v["scenarios"].as_array().expect("no scenarios");
    assert!(!scenarios.is_empty(), "{rel}: no scenarios");
    let only = std::env::var("SEQUENZA_SCENARIO").ok();
    let bless = std::env::var("SEQUENZA_BLESS").is_ok();
    let mut blessed = v.clone();
    for (n, sc) in scenarios.iter().enumerate() {
        if only
            .as_deref()
            .is_some_and(|o| sc["name"].as_str() != Some(o))
        {
            continue;
        }
        let mut sc = sc.clone();
        if bless {
            for st in sc["steps"].as_array_mut().unwrap() {
                if st.get("expect") == Some(&json!("bless")) {
                    st.as_object_mut().unwrap().remove("expect");
                }
            }
        }
        let results = run_scenario(fields.as_ref(), &sc);
        if bless {
            let steps = blessed["scenarios"][n]["steps"].as_array_mut().unwrap();
            for (st, r) in steps.iter_mut().zip(&results) {
                if st.get("expect") == Some(&json!("bless")) {
                    let op = st["op"].as_str().unwrap_or("").to_owned();
                    st["expect"] = trimmed(&op, r);
                }
            }
        }
        if std::env::var("SEQUENZA_SHOW").is_ok() {
            println!("== {}", sc["name"]);
            for (s, r) in sc["steps"].as_array().unwrap().iter().zip(&results) {
                println!(
                    "{} {} -> {}",
                    s["now"],
                    s["op"],
                    serde_json::to_string(r).unwrap()
                );
            }
        }
    }
    if bless {
        std::fs::write(root().join(rel), write_vectors(&blessed)).unwrap();
    }
}

#[test]
fn engine_versions() {
    run_file("core/tests/vectors/engine_versions.json");
}

/// Batch inputs (issue 12 §3): the same as one call each, a bad item refuses the batch.
#[test]
fn engine_batch() {
    run_file("core/tests/vectors/engine_batch.json");
}

// ---- preview_schedule (issue 12 §2): core/tests/vectors/engine_preview.json ------------------
// The ops `preview_schedule` (the contacts, as the bindings return them) and
// `schedule_conflicts` beside every op of `step`.

fn step_preview(eng: &mut Engine, s: &Value, ctx: &str) -> Value {
    let now = || -> DateTime<Utc> { arg(s, "now", ctx) };
    let flow = || -> sequenza::model::FlowId { arg(&s["args"], "flow", ctx) };
    let r = match s["op"].as_str() {
        Some("preview_schedule") => eng
            .preview_schedule(&flow(), now())
            .map(|p| json!(p.contacts)),
        Some("schedule_conflicts") => eng.schedule_conflicts(&flow(), now()).map(|c| json!(c)),
        _ => return step(eng, s, ctx),
    };
    r.unwrap_or_else(|e| json!({"error": e.code(), "path": e.path()}))
}

#[test]
fn engine_preview() {
    let v: Value = serde_json::from_str(&read("core/tests/vectors/engine_preview.json")).unwrap();
    let scenarios = v["scenarios"].as_array().expect("no scenarios");
    assert!(!scenarios.is_empty());
    for sc in scenarios {
        let name = sc["name"].as_str().unwrap_or("?");
        let config: EngineConfig = serde_json::from_value(sc["config"].clone()).unwrap_or_default();
        let mut eng = Engine::new(config).unwrap();
        for (i, s) in sc["steps"].as_array().unwrap().iter().enumerate() {
            let ctx = format!("{name} / step {i} ({})", s["op"]);
            let got = step_preview(&mut eng, s, &ctx);
            if std::env::var("SEQUENZA_SHOW").is_ok() {
                println!("{ctx} -> {}", serde_json::to_string(&got).unwrap());
            }
            match s.get("expect") {
                Some(expect) => assert!(
                    contains(&got, expect),
                    "{ctx}:\nexpected (contained in the result)\n{}\ngot\n{}",
                    serde_json::to_string_pretty(expect).unwrap(),
                    serde_json::to_string_pretty(&got).unwrap()
                ),
                None => assert!(got.get("error").is_none(), "{ctx}: unexpected error {got}"),
            }
        }
    }
}
