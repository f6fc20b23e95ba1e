//! Runs the API-call parity vectors `core/tests/vectors/api_parity.json` against the core: each
//! operation the bindings expose, with the result or the error (area, code, location) that
//! Python, Node, WebAssembly on Node and WebAssembly in Chromium must give too. A missing file
//! fails. `SEQUENZA_PARITY_FILL=1` writes the core's outcome into entries marked `"FILL"`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use sequenza::condition::eval::{CompiledCondition, EvalContext};
use sequenza::condition::Condition;
use sequenza::engine::{EffectKey, Engine, EngineConfig, Outcome};
use sequenza::flow::WaitNode;
use sequenza::import::{preview_csv, ImportOptions};
use sequenza::list::{Audience, List};
use sequenza::model::{ContactId, FlowId};
use sequenza::time::{
    call_zone, local_to_utc, parse_zone, wait_end_for, CapPolicy, RecurrenceRule, ZonedPolicy,
};
use sequenza::{Contact, FieldSchema, Flow};
use serde_json::{json, Value};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn file(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn iso(t: DateTime<Utc>) -> Value {
    Value::String(t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

fn s<'a>(args: &'a Value, key: &str) -> Option<&'a str> {
    args.get(key).and_then(Value::as_str)
}

fn at(args: &Value, key: &str) -> DateTime<Utc> {
    s(args, key)
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("{key}: an instant"))
}

fn fields(args: &Value) -> sequenza::Result<Option<FieldSchema>> {
    s(args, "fields")
        .map(|f| FieldSchema::from_json(&file(f)))
        .transpose()
}

/// One API call: its result as JSON, or the core's error.
fn call(op: &str, args: &Value) -> sequenza::Result<Value> {
    Ok(match op {
        "validate_flow" => {
            let flow = match s(args, "file") {
                Some(f) => Flow::from_json(&file(f))?,
                None => Flow::from_json(s(args, "json").unwrap_or_default())?,
            };
            let found = sequenza::validate_flow(&flow, fields(args)?.as_ref());
            let mut out: Vec<Value> = found
                .iter()
                .map(|f| json!({"code": f.code.as_str(), "node": f.node.as_ref().map(|n| n.as_str()), "path": f.path}))
                .collect();
            out.sort_by_key(Value::to_string);
            Value::Array(out)
        }
        "parse_condition" => {
            serde_json::to_value(Condition::parse(s(args, "text").unwrap_or_default())?).unwrap()
        }
        "check_condition" => {
            let c = Condition::from_json(&args["condition"].to_string())?;
            CompiledCondition::compile(&c, fields(args)?.as_ref())?;
            Value::Null
        }
        "segment_matches" => {
            let c = Condition::from_json(&args["condition"].to_string())?;
            let compiled = CompiledCondition::compile(&c, None)?;
            let contact = Contact::from_json(&args["contact"].to_string())?;
            Value::Bool(compiled.matches(&contact, &[], &EvalContext::new(at(args, "now"))))
        }
        "send_policy_next_allowed" => {
            let p = ZonedPolicy::from_json(&args["policy"].to_string())?;
            let zone = call_zone(s(args, "time_zone"), Some(&p))?;
            iso(p.policy.next_allowed(at(args, "at"), zone)?)
        }
        "recurrence_next_after" => {
            let rule = match s(args, "rrule") {
                Some(text) => RecurrenceRule::from_rrule(text)?,
                None => RecurrenceRule::from_json(&args["rule"].to_string())?,
            };
            let policy = match args.get("policy") {
                Some(p) => Some(ZonedPolicy::from_json(&p.to_string())?),
                None => None,
            };
            let r = rule.compile_for(s(args, "time_zone"), policy.as_ref())?;
            iso(r.next_after(at(args, "at"))?)
        }
        "wait_end" => {
            let node = WaitNode::from_json(&args["wait"].to_string())?;
            let date: Option<NaiveDate> = s(args, "date").map(|d| d.parse().unwrap());
            iso(wait_end_for(
                at(args, "at"),
                &node,
                s(args, "time_zone"),
                date,
                None,
            )?)
        }
        "local_to_utc" => {
            let zone = parse_zone(s(args, "time_zone").unwrap_or_default())?;
            let local: NaiveDateTime = s(args, "local").unwrap_or_default().parse().unwrap();
            iso(local_to_utc(zone, local)?)
        }
        "create_lists" => {
            let now = at(args, "now");
            let mut audience = Audience::new();
            for c in args["contacts"].as_array().into_iter().flatten() {
                audience.upsert_contact(Contact::from_json(&c.to_string())?, now)?;
            }
            let mut counts = Vec::new();
            for l in args["lists"].as_array().into_iter().flatten() {
                counts.push(audience.create_list(List::from_json(&l.to_string())?, now)?);
            }
            json!(counts)
        }
        "preview_csv" => {
            let options = ImportOptions::from_json_value(args["options"].clone())?;
            let csv = s(args, "csv").unwrap_or_default();
            preview_csv(csv.as_bytes(), &options, &FieldSchema::default())?;
            Value::Null
        }
        "jsonlogic_apply" => sequenza::jsonlogic::apply(&args["rule"], &args["data"])?,
        "engine" => engine(args)?,
        other => panic!("unknown op {other}"),
    })
}

// Engine construction and calls (issue 9 §4): `config` is what the binding constructors take
// (`default_time_zone`, `fields`, `caps`), `steps` the calls made on the engine in order; the
// result is the last call's.
fn engine(args: &Value) -> sequenza::Result<Value> {
    let config = &args["config"];
    let mut c = EngineConfig::default();
    if let Some(zone) = s(config, "default_time_zone") {
        c.default_time_zone = zone.to_owned();
    }
    if let Some(f) = config.get("fields") {
        c.fields = Some(FieldSchema::from_json(&f.to_string())?);
    }
    if let Some(caps) = config.get("caps") {
        c.caps = Some(CapPolicy::from_json(&caps.to_string())?);
    }
    let mut eng = Engine::new(c)?;
    let mut last = Value::Null;
    for step in args["steps"].as_array().into_iter().flatten() {
        let now = at(step, "now");
        last = match s(step, "call").unwrap_or_default() {
            "publish" => {
                let flow = match s(step, "file") {
                    Some(f) => Flow::from_json(&file(f))?,
                    None => Flow::from_json(&step["flow"].to_string())?,
                };
                serde_json::to_value(eng.publish(flow, now)?).unwrap()
            }
            "enroll" => {
                let ids: Vec<ContactId> = step["contacts"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(ContactId::new)
                    .collect();
                let flow = FlowId::new(s(step, "flow").unwrap_or_default());
                serde_json::to_value(eng.enroll(&flow, &ids, now)?).unwrap()
            }
            "ack" => {
                let key = EffectKey(s(step, "key").unwrap_or_default().to_owned());
                let outcome: Outcome = serde_json::from_value(step["outcome"].clone()).unwrap();
                eng.ack(&key, outcome, now, None)?;
                Value::Null
            }
            "tick" => {
                eng.tick(now)?;
                Value::Null
            }
            other => panic!("unknown engine call {other}"),
        };
    }
    Ok(last)
}

/// An error as the vectors write it: area, code and the location fields that apply.
fn error_json(e: &sequenza::Error) -> Value {
    let mut data = serde_json::to_value(e.data()).unwrap();
    let map = data.as_object_mut().unwrap();
    map.retain(|k, v| {
        !v.is_null()
            && k != "message"
            && !matches!(k.as_str(), "expected" | "found" | "report" | "findings")
    });
    data
}

#[test]
fn every_api_call_gives_the_vectors_outcome() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/api_parity.json");
    let text =
        std::fs::read_to_string(&path).expect("core/tests/vectors/api_parity.json must exist");
    let mut vector: Value = serde_json::from_str(&text).unwrap();
    let fill = std::env::var_os("SEQUENZA_PARITY_FILL").is_some();
    let mut failures = Vec::new();
    let cases = vector["cases"].as_array_mut().unwrap();
    assert!(cases.len() >= 30, "too few cases");
    for case in cases.iter_mut() {
        let name = case["name"].as_str().unwrap().to_owned();
        let got = call(case["op"].as_str().unwrap(), &case["args"]);
        match (got, case.get("result").is_some()) {
            (Ok(v), true) => {
                if case["result"] == "FILL" && fill {
                    case["result"] = v;
                } else if case["result"] != v {
                    failures.push(format!("{name}: expected {}, got {v}", case["result"]));
                }
            }
            (Err(e), false) => {
                let got = error_json(&e);
                if case["error"] == "FILL" && fill {
                    case["error"] = got;
                    continue;
                }
                for (k, want) in case["error"].as_object().unwrap() {
                    if got.get(k) != Some(want) {
                        failures.push(format!("{name}: error {k}: expected {want}, got {got}"));
                    }
                }
            }
            (Ok(v), false) => failures.push(format!("{name}: expected an error, got {v}")),
            (Err(e), true) => {
                failures.push(format!("{name}: expected a result, got {}", error_json(&e)))
            }
        }
    }
    if fill {
        std::fs::write(&path, serde_json::to_string_pretty(&vector).unwrap() + "\n").unwrap();
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
