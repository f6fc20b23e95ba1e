//! Runs the shared JSON test vectors in `core/tests/vectors/` (see its README): the same files
//! are read by the Python, Node and WASM binding tests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use sequenza::error::FindingCode;
use sequenza::{validate_flow, validate_flows, FieldSchema, Finding, Flow};
use serde_json::Value;

/// The repository root (every path inside a vector file is relative to it).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(rel: &str) -> String {
    let path = root().join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn vector(name: &str) -> Value {
    let rel = format!("core/tests/vectors/{name}");
    serde_json::from_str(&read(&rel)).unwrap_or_else(|e| panic!("{rel} is not valid JSON: {e}"))
}

fn cases<'a>(v: &'a Value, file: &str) -> &'a Vec<Value> {
    v["cases"]
        .as_array()
        .unwrap_or_else(|| panic!("{file}: no \"cases\" array"))
}

fn fields(v: &Value) -> FieldSchema {
    let rel = v["fields"]
        .as_str()
        .expect("vector file names no \"fields\"");
    FieldSchema::from_json(&read(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn flow(rel: &str) -> Flow {
    Flow::from_json(&read(rel)).unwrap_or_else(|e| panic!("{rel} does not parse: {} {e}", e.code()))
}

fn strings(v: &Value, what: &str) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("{what} is not an array"))
        .iter()
        .map(|s| {
            s.as_str()
                .unwrap_or_else(|| panic!("{what} holds a non-string"))
                .to_owned()
        })
        .collect()
}

fn sorted_codes(findings: &[Finding]) -> Vec<String> {
    let mut codes: Vec<String> = findings.iter().map(|f| f.code.to_string()).collect();
    codes.sort();
    codes
}

fn describe(findings: &[Finding]) -> String {
    if findings.is_empty() {
        return "  (no findings)".to_owned();
    }
    findings
        .iter()
        .map(|f| format!("  {} [{}] at {}: {}", f.code, f.flow, f.path, f.message))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn validate_flow_vectors() {
    let v = vector("validate_flow.json");
    let schema = fields(&v);
    let mut failures = Vec::new();
    for case in cases(&v, "validate_flow.json") {
        let file = case["file"].as_str().expect("case without \"file\"");
        let mut expect = strings(&case["expect"], &format!("{file}: expect"));
        expect.sort();
        let findings = validate_flow(&flow(file), Some(&schema));
        let got = sorted_codes(&findings);
        if got != expect {
            failures.push(format!(
                "{file}: expected {expect:?}, got {got:?}\n{}",
                describe(&findings)
            ));
        }
        // Where each finding is: node and path as well as the code.
        if let Some(want) = case.get("findings") {
            let mut at: Vec<Value> = findings
                .iter()
                .map(|f| serde_json::json!({"code": f.code.as_str(), "node": f.node.as_ref().map(|n| n.as_str()), "path": f.path}))
                .collect();
            let key = |v: &Value| {
                format!(
                    "{}\0{}\0{}",
                    v["code"].as_str().unwrap_or(""),
                    v["node"].as_str().unwrap_or(""),
                    v["path"].as_str().unwrap_or("")
                )
            };
            at.sort_by_key(key);
            if &Value::Array(at.clone()) != want {
                failures.push(format!(
                    "{file}: expected findings {want}, got {}",
                    Value::Array(at)
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "validate_flow.json:\n{}",
        failures.join("\n")
    );
}

#[test]
fn validate_flows_vectors() {
    let v = vector("validate_flows.json");
    let schema = fields(&v);
    let mut failures = Vec::new();
    for case in cases(&v, "validate_flows.json") {
        let name = case["name"].as_str().expect("case without \"name\"");
        let files = strings(&case["files"], &format!("{name}: files"));
        let mut expect = strings(&case["expect"], &format!("{name}: expect"));
        expect.sort();
        let flows: Vec<Flow> = files.iter().map(|f| flow(f)).collect();
        let findings = validate_flows(&flows, Some(&schema));
        let got = sorted_codes(&findings);
        if got != expect {
            failures.push(format!(
                "case \"{name}\" ({}): expected {expect:?}, got {got:?}\n{}",
                files.join(", "),
                describe(&findings)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "validate_flows.json:\n{}",
        failures.join("\n")
    );
}

#[test]
fn format_error_vectors() {
    let v = vector("format_errors.json");
    let mut failures = Vec::new();
    for case in cases(&v, "format_errors.json") {
        let name = case["name"].as_str().expect("case without \"name\"");
        let json = case["json"].as_str().expect("case without \"json\"");
        let sequenza::Error::Format(err) = (match Flow::from_json(json) {
            Ok(_) => {
                failures.push(format!("case \"{name}\": parsed, but should fail"));
                continue;
            }
            Err(e) => e,
        }) else {
            failures.push(format!("case \"{name}\": not a format error"));
            continue;
        };
        let got = format!(
            "code {} path {:?} line {} column {}",
            err.code.as_str(),
            err.path,
            err.line,
            err.column
        );
        let mut ok = case["code"].as_str() == Some(err.code.as_str())
            && case["path"].as_str() == Some(err.path.as_str());
        if let Some(line) = case.get("line").and_then(Value::as_u64) {
            ok &= line == err.line as u64;
        }
        if let Some(column) = case.get("column").and_then(Value::as_u64) {
            ok &= column == err.column as u64;
        }
        if !ok {
            failures.push(format!(
                "case \"{name}\": expected code {} path {} line {} column {}, got {got} ({})",
                case["code"], case["path"], case["line"], case["column"], err.message
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "format_errors.json:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_code_is_expected_by_some_vector() {
    let mut expected = BTreeSet::new();
    for (file, key) in [
        ("validate_flow.json", "file"),
        ("validate_flows.json", "name"),
    ] {
        let v = vector(file);
        for case in cases(&v, file) {
            let what = format!("{file}: {}", case[key]);
            expected.extend(strings(&case["expect"], &what));
        }
    }
    let missing: Vec<&str> = FindingCode::ALL
        .iter()
        .map(|c| c.as_str())
        .filter(|c| !expected.contains(*c))
        .collect();
    assert!(
        missing.is_empty(),
        "codes no vector case expects: {missing:?}"
    );
    let unknown: Vec<&String> = expected
        .iter()
        .filter(|e| !FindingCode::ALL.iter().any(|c| c == e.as_str()))
        .collect();
    assert!(
        unknown.is_empty(),
        "vector cases expect codes that are no finding code: {unknown:?}"
    );
}

fn json_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            json_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
}

#[test]
fn every_example_flow_is_checked_by_a_vector() {
    let mut referenced = BTreeSet::new();
    let single = vector("validate_flow.json");
    for case in cases(&single, "validate_flow.json") {
        referenced.insert(
            case["file"]
                .as_str()
                .expect("case without \"file\"")
                .to_owned(),
        );
    }
    let sets = vector("validate_flows.json");
    for case in cases(&sets, "validate_flows.json") {
        referenced.extend(strings(&case["files"], "validate_flows.json: files"));
    }
    let root = root();
    let mut files = Vec::new();
    json_files(&root.join("examples/flows"), &mut files);
    assert!(!files.is_empty(), "no example flows found");
    let mut unchecked: Vec<String> = files
        .iter()
        .map(|p| {
            let rel = p.strip_prefix(&root).unwrap();
            rel.components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/")
        })
        .filter(|rel| !referenced.contains(rel))
        .collect();
    unchecked.sort();
    assert!(
        unchecked.is_empty(),
        "example flows no vector case checks: {unchecked:?}"
    );
}

fn instant(v: &Value) -> chrono::DateTime<chrono::Utc> {
    v.as_str().unwrap().parse().unwrap()
}

fn change_rows(changes: &[sequenza::list::ListChange]) -> Vec<Value> {
    changes
        .iter()
        .map(|c| {
            let mut v = serde_json::to_value(c).unwrap();
            v.as_object_mut().unwrap().remove("at");
            v
        })
        .collect()
}

#[test]
fn lists_vectors() {
    use sequenza::condition::Condition;
    use sequenza::list::{ActivityRecord, Audience, List, Source};
    use sequenza::Contact;

    let v = vector("lists.json");
    let now = instant(&v["now"]);
    let audience = || {
        let mut a = Audience::new();
        if let Some(tz) = v["default_time_zone"].as_str() {
            a = a.with_default_time_zone(tz.parse().unwrap());
        }
        for c in v["contacts"].as_array().unwrap() {
            a.upsert_contact(Contact::from_json(&c.to_string()).unwrap(), now)
                .unwrap();
        }
        for r in v["activities"].as_array().unwrap() {
            let r = ActivityRecord::from_json(&r.to_string()).unwrap();
            a.record(&r.contact, r.activity, r.at, now);
        }
        a
    };
    for case in v["sources"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let source = Source::from_json(&case["source"].to_string()).unwrap();
        let want = Condition::from_json(&case["condition"].to_string()).unwrap();
        let got = source.to_condition();
        assert_eq!(got, want, "{name}: condition");
        assert_eq!(
            got.to_string(),
            case["text"].as_str().unwrap(),
            "{name}: text"
        );
        let mut a = audience();
        let list = List::new("l", name, source);
        let count = a.create_list(list, now).unwrap();
        let members: Vec<&str> = a.member_ids(&"l".into()).map(|c| c.as_str()).collect();
        let want: Vec<&str> = case["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap())
            .collect();
        assert_eq!(members, want, "{name}: members");
        assert_eq!(count, want.len(), "{name}: count");
    }
    for seq in v["sequences"].as_array().unwrap() {
        let name = seq["name"].as_str().unwrap();
        let mut a = Audience::new();
        for c in seq["contacts"].as_array().unwrap() {
            a.upsert_contact(Contact::from_json(&c.to_string()).unwrap(), now)
                .unwrap();
        }
        for l in seq["lists"].as_array().unwrap() {
            a.create_list(List::from_json(&l.to_string()).unwrap(), now)
                .unwrap();
        }
        for (i, step) in seq["steps"].as_array().unwrap().iter().enumerate() {
            let at = instant(&step["now"]);
            let changes = if let Some(r) = step.get("activity") {
                let r = ActivityRecord::from_json(&r.to_string()).unwrap();
                a.record(&r.contact, r.activity, r.at, at)
            } else if let Some(c) = step.get("upsert") {
                a.upsert_contact(Contact::from_json(&c.to_string()).unwrap(), at)
                    .unwrap()
            } else if step.get("tick").is_some() {
                a.tick(at)
            } else if let Some(id) = step["remove_contact"].as_str() {
                a.remove_contact(&id.into(), at)
            } else {
                panic!("{name}: unknown step {step}")
            };
            assert!(changes.iter().all(|c| c.at == at), "{name}: step {i}: at");
            assert_eq!(
                Value::Array(change_rows(&changes)),
                step["changes"],
                "{name}: step {i}"
            );
        }
        // Every contact's `lists` agrees with the lists' members.
        for l in a.lists() {
            for c in a.member_ids(&l.id) {
                assert!(a.contact(c).unwrap().lists.contains(&l.id), "{name}");
            }
        }
    }
    for e in v["errors"].as_array().unwrap() {
        let name = e["name"].as_str().unwrap();
        let list = List::from_json(&e["list"].to_string()).unwrap();
        let err = Audience::new().create_list(list, now).unwrap_err();
        assert_eq!(err.code(), e["code"].as_str().unwrap(), "{name}");
        assert_eq!(err.path(), e["path"].as_str(), "{name}");
    }
}

#[cfg(feature = "import")]
#[test]
fn import_csv_vectors() {
    use sequenza::import::{import_csv, ImportOptions, MemoryTarget};
    use sequenza::model::Contact;

    let v = vector("import_csv.json");
    let schema = fields(&v);
    let now = v["now"].as_str().unwrap().parse().unwrap();
    let mut failures = Vec::new();
    for case in cases(&v, "import_csv.json") {
        let name = case["name"].as_str().unwrap_or("?");
        let bytes: Vec<u8> = if let Some(f) = case["file"].as_str() {
            std::fs::read(root().join(f)).unwrap_or_else(|e| panic!("{f}: {e}"))
        } else if let Some(t) = case["text"].as_str() {
            t.as_bytes().to_vec()
        } else {
            base64(case["base64"].as_str().expect("no input"))
        };
        let options: ImportOptions = serde_json::from_value(case["options"].clone())
            .unwrap_or_else(|e| panic!("{name}: bad options: {e}"));
        let existing: Vec<Contact> = case
            .get("existing")
            .map(|e| serde_json::from_value(e.clone()).unwrap())
            .unwrap_or_default();
        let mut target = MemoryTarget::with_contacts(existing);
        let result = import_csv(&bytes, &options, &schema, &mut target, now, &mut |_| {});
        match (result, case.get("error")) {
            (Err(e), Some(want)) => {
                let sequenza::Error::Import(e) = e else {
                    failures.push(format!("{name}: not an import error: {e}"));
                    continue;
                };
                let got = serde_json::json!({"code": e.code, "row": e.row, "column": e.column});
                for (k, w) in want.as_object().unwrap() {
                    if got[k] != *w {
                        failures.push(format!("{name}: error {k} = {} (want {w})", got[k]));
                    }
                }
            }
            (Err(e), None) => failures.push(format!("{name}: unexpected error {} {e}", e.code())),
            (Ok(_), Some(w)) => failures.push(format!("{name}: expected error {w}")),
            (Ok(r), None) => {
                let report = serde_json::to_value(&r).unwrap();
                if r.imported + r.updated + r.duplicates + r.rejected != r.rows {
                    failures.push(format!("{name}: rows not all accounted for"));
                }
                for key in ["detected", "counts"] {
                    for (k, w) in case[key].as_object().into_iter().flatten() {
                        let got = if key == "detected" {
                            &report["detected"][k]
                        } else {
                            &report[k]
                        };
                        if got != w {
                            failures.push(format!("{name}: {key}.{k} = {got} (want {w})"));
                        }
                    }
                }
                let want = case["rejections"].as_array().cloned().unwrap_or_default();
                let got = report["rejections"].as_array().unwrap();
                if want.len() != got.len() {
                    failures.push(format!(
                        "{name}: {} rejections (want {}): {got:?}",
                        got.len(),
                        want.len()
                    ));
                    continue;
                }
                for (w, g) in want.iter().zip(got) {
                    for (k, wv) in w.as_object().unwrap() {
                        if g[k] != *wv {
                            failures.push(format!("{name}: rejection {k} = {} (want {wv})", g[k]));
                        }
                    }
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "import vectors failed:\n{}",
        failures.join("\n")
    );
}

/// Standard base64 (with padding) without a dependency.
#[cfg(feature = "import")]
fn base64(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let clean: Vec<u8> = s.bytes().filter(|&c| c != b'=').collect();
    let mut out = Vec::new();
    for chunk in clean.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= u32::from(val(c)) << (18 - 6 * i);
        }
        let bytes = n.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}
