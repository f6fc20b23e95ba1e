//! Runs the language-neutral time vectors `core/tests/vectors/time_*.json` (the bindings read
//! the same files).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use sequenza::flow::{SendPolicy, WaitNode};
use sequenza::model::Channel;
use sequenza::time::{
    local_to_utc, parse_zone, wait_end, CapPolicy, Decision, Policy, RecurrenceRule, SentMessage,
    Tz, ZoneChain,
};
use serde_json::Value;

fn vector(name: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/vectors")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn list<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} array"))
}

fn instant(v: &Value) -> DateTime<Utc> {
    v.as_str().unwrap().parse().unwrap()
}

fn instants(v: &Value) -> Vec<DateTime<Utc>> {
    v.as_array().unwrap().iter().map(instant).collect()
}

fn zone(c: &Value) -> Tz {
    parse_zone(c["zone"].as_str().unwrap()).unwrap()
}

fn name(c: &Value) -> &str {
    c["name"].as_str().unwrap_or("?")
}

fn policy(v: &Value) -> sequenza::Result<Policy> {
    Policy::from_json(&v.to_string())
}

fn check_error(err: sequenza::Error, c: &Value) {
    assert_eq!(
        err.code(),
        c["code"].as_str().unwrap(),
        "{}: {err}",
        name(c)
    );
    if let Some(path) = c["path"].as_str() {
        assert_eq!(err.path().unwrap_or(""), path, "{}", name(c));
    }
}

#[test]
fn policy_cases() {
    let v = vector("time_policy.json");
    for c in list(&v, "cases") {
        let p = policy(&c["policy"]).unwrap_or_else(|e| panic!("{}: {e}", name(c)));
        let (z, at) = (zone(c), instant(&c["at"]));
        assert_eq!(
            p.next_allowed(at, z).unwrap(),
            instant(&c["next_allowed"]),
            "{}",
            name(c)
        );
        assert_eq!(
            p.is_allowed(at, z),
            c["allowed"].as_bool().unwrap(),
            "{}",
            name(c)
        );
        if !c["decision"].is_null() {
            let want: Decision = serde_json::from_value(c["decision"].clone()).unwrap();
            assert_eq!(p.decide(at, z).unwrap(), want, "{}", name(c));
        }
    }
}

#[test]
fn policy_combine() {
    let v = vector("time_policy.json");
    for c in list(&v, "combine") {
        let sps: Vec<SendPolicy> = serde_json::from_value(c["policies"].clone()).unwrap();
        let refs: Vec<&SendPolicy> = sps.iter().collect();
        match Policy::combine(&refs) {
            Ok(p) => {
                let next = p.next_allowed(instant(&c["at"]), zone(c)).unwrap();
                assert_eq!(next, instant(&c["next_allowed"]), "{}", name(c));
            }
            Err(e) => check_error(e, c),
        }
    }
}

#[test]
fn policy_errors() {
    let v = vector("time_policy.json");
    for c in list(&v, "errors") {
        let e = policy(&c["policy"]).expect_err(name(c));
        check_error(e, c);
    }
}

#[test]
fn zone_chains() {
    let v = vector("time_policy.json");
    for c in list(&v, "zones") {
        let ch = &c["chain"];
        let chain = ZoneChain {
            contact: ch["contact"].as_str(),
            country: ch["country"].as_str(),
            phone: ch["phone"].as_str(),
            flow: ch["flow"].as_str(),
            account: ch["account"].as_str(),
        };
        match chain.resolve() {
            Ok(z) => {
                assert_eq!(z.zone.name(), c["zone"].as_str().unwrap(), "{}", name(c));
                assert_eq!(
                    z.source.as_str(),
                    c["source"].as_str().unwrap(),
                    "{}",
                    name(c)
                );
                let skipped: Vec<&str> = z.skipped.iter().map(|s| s.as_str()).collect();
                let want: Vec<&str> = list(c, "skipped")
                    .iter()
                    .map(|s| s.as_str().unwrap())
                    .collect();
                assert_eq!(skipped, want, "{}", name(c));
            }
            Err(e) => check_error(e, c),
        }
    }
}

#[test]
fn local_times() {
    let v = vector("time_policy.json");
    for c in list(&v, "local_to_utc") {
        let local: NaiveDateTime = c["local"].as_str().unwrap().parse().unwrap();
        assert_eq!(
            local_to_utc(zone(c), local).unwrap(),
            instant(&c["utc"]),
            "{c}"
        );
    }
}

fn recurrence(c: &Value) -> sequenza::Result<sequenza::time::Recurring> {
    let rule = RecurrenceRule::from_json(&c["rule"].to_string())?;
    let z = if c["zone"].is_null() {
        Tz::UTC
    } else {
        zone(c)
    };
    let r = rule.compile(z)?;
    if c["policy"].is_null() {
        Ok(r)
    } else {
        r.within(policy(&c["policy"])?)
    }
}

#[test]
fn recurrence_next() {
    let v = vector("time_recurrence.json");
    for c in list(&v, "next") {
        let r = recurrence(c).unwrap_or_else(|e| panic!("{}: {e}", name(c)));
        let mut t = instant(&c["after"]);
        let mut got = Vec::new();
        for _ in instants(&c["next"]) {
            t = r.next_after(t).unwrap();
            got.push(t);
        }
        assert_eq!(got, instants(&c["next"]), "{}", name(c));
    }
}

#[test]
fn recurrence_between() {
    let v = vector("time_recurrence.json");
    for c in list(&v, "between") {
        let r = recurrence(c).unwrap();
        let got = r
            .occurrences_between(instant(&c["from"]), instant(&c["to"]))
            .unwrap();
        assert_eq!(got, instants(&c["occurrences"]), "{}", name(c));
    }
}

#[test]
fn recurrence_errors() {
    let v = vector("time_recurrence.json");
    for c in list(&v, "errors") {
        let e = recurrence(c).expect_err(name(c));
        check_error(e, c);
    }
}

#[test]
fn rrules() {
    let v = vector("time_recurrence.json");
    for c in list(&v, "rrule") {
        let rule = RecurrenceRule::from_json(&c["rule"].to_string()).unwrap();
        let text = c["text"].as_str().unwrap();
        assert_eq!(rule.to_rrule().unwrap(), text);
        assert_eq!(RecurrenceRule::from_rrule(text).unwrap(), rule, "{text}");
    }
    for c in list(&v, "rrule_errors") {
        let e = RecurrenceRule::from_rrule(c["text"].as_str().unwrap()).unwrap_err();
        assert_eq!(e.code(), c["code"].as_str().unwrap(), "{c}");
    }
}

#[test]
fn waits() {
    let v = vector("time_wait.json");
    for c in list(&v, "cases").iter().chain(list(&v, "errors")) {
        let node: WaitNode = serde_json::from_value(c["wait"].clone()).unwrap();
        let z = if c["zone"].is_null() {
            Tz::UTC
        } else {
            zone(c)
        };
        let date = c["date"].as_str().map(|d| d.parse::<NaiveDate>().unwrap());
        let p = if c["policy"].is_null() {
            None
        } else {
            Some(policy(&c["policy"]).unwrap())
        };
        let at = if c["at"].is_null() {
            instant(&"2025-01-01T00:00:00Z".into())
        } else {
            instant(&c["at"])
        };
        match wait_end(at, &node, z, date, p.as_ref()) {
            Ok(end) => assert_eq!(end, instant(&c["end"]), "{}", name(c)),
            Err(e) => check_error(e, c),
        }
    }
}

#[test]
fn caps() {
    let v = vector("time_cap.json");
    for c in list(&v, "cases") {
        let caps = CapPolicy::from_json(&c["caps"].to_string()).unwrap();
        let history: Vec<SentMessage> = list(c, "history")
            .iter()
            .map(|h| {
                let channel: Channel = serde_json::from_value(h[1].clone()).unwrap();
                (instant(&h[0]), channel, h[2].as_bool().unwrap())
            })
            .collect();
        let channel: Channel = serde_json::from_value(c["channel"].clone()).unwrap();
        let tr = c["transactional"].as_bool().unwrap();
        let got = caps
            .decide(&history, channel, tr, instant(&c["at"]))
            .unwrap();
        let want: Decision = serde_json::from_value(c["decision"].clone()).unwrap();
        assert_eq!(got, want, "{}", name(c));
    }
    for c in list(&v, "errors") {
        check_error(CapPolicy::from_json(&c["caps"].to_string()).unwrap_err(), c);
    }
}

#[test]
fn every_vector_error_code_is_documented() {
    for file in [
        "time_policy.json",
        "time_recurrence.json",
        "time_wait.json",
        "time_cap.json",
    ] {
        let text = serde_json::to_string(&vector(file)).unwrap();
        for part in text.split("\"code\":\"").skip(1) {
            let code = part.split('"').next().unwrap();
            assert!(
                code.starts_with("format.")
                    || sequenza::time::TimeCode::ALL.iter().any(|c| c == code),
                "{file}: {code}"
            );
        }
    }
    // Unknown fields are rejected in every JSON form.
    let e =
        RecurrenceRule::from_json(r#"{"kind": "every", "minutes": 5, "hours": 1}"#).unwrap_err();
    assert_eq!(e.code(), "format.invalid");
    assert!(CapPolicy::from_json(r#"{"cap": []}"#).is_err());
}
