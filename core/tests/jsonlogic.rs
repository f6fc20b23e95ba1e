//! JsonLogic: the shared conformance cases (`core/tests/vectors/jsonlogic_public.json`, the same
//! file every binding reads), further reference behaviours, error codes and locations, nesting
//! limits, and property tests that `apply` never panics.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use proptest::prelude::*;
use sequenza::jsonlogic::{apply, JsonLogicCode, JsonLogicError, MAX_DEPTH};
use serde_json::{json, Value};

/// Cases in `jsonlogic_public.json`: a shorter file (a bad copy, a truncated download) fails.
const PUBLIC_CASES: usize = 145;

/// Numbers equal as numbers (`1` is `1.0`), and a result is an integer whenever the expected
/// value is integral (`{"+": [1, 1]}` is `2`, not `2.0`).
fn same(actual: &Value, expected: &Value) -> bool {
    match (actual, expected) {
        (Value::Number(a), Value::Number(e)) => {
            let integral = e.as_f64().is_some_and(|x| x.fract() == 0.0);
            a.as_f64() == e.as_f64() && (!integral || a.is_i64() || a.is_u64())
        }
        (Value::Array(a), Value::Array(e)) => {
            a.len() == e.len() && a.iter().zip(e).all(|(a, e)| same(a, e))
        }
        (Value::Object(a), Value::Object(e)) => {
            a.len() == e.len()
                && a.iter()
                    .all(|(k, v)| e.get(k).is_some_and(|ev| same(v, ev)))
        }
        _ => actual == expected,
    }
}

/// Runs `(rule, data, expected)` cases, reporting every failure at once.
fn run(cases: &[(String, Value, Value, Value)]) {
    let mut failures = Vec::new();
    for (name, rule, data, expected) in cases {
        match apply(rule, data) {
            Ok(actual) if same(&actual, expected) => {}
            Ok(actual) => failures.push(format!(
                "{name}: rule {rule} data {data}: expected {expected}, got {actual}"
            )),
            Err(e) => failures.push(format!(
                "{name}: rule {rule} data {data}: expected {expected}, got error {} {e}",
                e.code()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Reads a conformance file: a list of section headers (strings) and cases, either objects
/// `{"description"?, "rule", "data"?, "result"}` or triples `[rule, data, result]`.
fn conformance(file: &str) -> Vec<(String, Value, Value, Value)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let entries: Vec<Value> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file} is not a JSON array: {e}"));
    let mut section = String::new();
    let mut cases = Vec::new();
    for (i, entry) in entries.into_iter().enumerate() {
        let (rule, data, result, description) = match entry {
            Value::String(header) => {
                section = header;
                continue;
            }
            Value::Object(mut case) => {
                let rule = case
                    .remove("rule")
                    .unwrap_or_else(|| panic!("case {i}: no rule"));
                let result = case
                    .remove("result")
                    .unwrap_or_else(|| panic!("case {i}: no result"));
                let data = case.remove("data").unwrap_or(Value::Null);
                let description = case
                    .get("description")
                    .map(ToString::to_string)
                    .unwrap_or_default();
                (rule, data, result, description)
            }
            Value::Array(triple) => {
                let [rule, data, result]: [Value; 3] = triple
                    .try_into()
                    .unwrap_or_else(|_| panic!("case {i}: not a [rule, data, result] triple"));
                (rule, data, result, String::new())
            }
            other => panic!("entry {i} is neither a header nor a case: {other}"),
        };
        cases.push((
            format!("#{i} [{section}] {description}"),
            rule,
            data,
            result,
        ));
    }
    cases
}

#[test]
fn public_conformance_cases_pass() {
    let cases = conformance("tests/vectors/jsonlogic_public.json");
    assert_eq!(
        cases.len(),
        PUBLIC_CASES,
        "jsonlogic_public.json case count"
    );
    run(&cases);
}

/// Reference behaviours beyond the public file: json-logic-js's answers, and this
/// implementation's documented choices where the reference has none.
#[test]
fn reference_behaviours() {
    let table: Value = serde_json::from_str(
        r#"[
        "Non-rules pass through",
        [17, null, 17],
        ["apple", null, "apple"],
        [{}, null, {}],
        [{"a": 1, "b": 2}, null, {"a": 1, "b": 2}],
        [[1, {"var": "x"}, 3], {"x": 2}, [1, 2, 3]],
        [{"if": [{"var": "x"}, [{"var": "y"}], 99]}, {"x": true, "y": 42}, [42]],
        "Equality",
        [{"==": [1, 1]}, null, true],
        [{"!=": [1, 2]}, null, true],
        [{"!==": [1, 2]}, null, true],
        [{"!==": [1, 1]}, null, false],
        [{"!==": [1, "1"]}, null, true],
        [{"==": [null, null]}, null, true],
        [{"==": [null, 0]}, null, false],
        [{"==": [null, false]}, null, false],
        [{"==": [0, false]}, null, true],
        [{"==": ["", 0]}, null, true],
        [{"==": ["1", true]}, null, true],
        [{"==": [[], false]}, null, true],
        [{"==": [[1], 1]}, null, true],
        [{"==": [[1, 2], "1,2"]}, null, true],
        [{"==": [[], []]}, null, false],
        [{"==": [[null]]}, null, false],
        [{"==": [null]}, null, true],
        [{"===": [null]}, null, false],
        [{"==": [{"var": "a"}, {"var": "a"}]}, {"a": [1]}, true],
        [{"===": [{"var": "a"}, {"var": "b"}]}, {"a": [1], "b": [1]}, false],
        [{"===": [0, -0.0]}, null, true],
        "Comparison",
        [{">": [1, 1]}, null, false],
        [{">": ["2", 1]}, null, true],
        [{"<": [2, 1]}, null, false],
        [{"<": [1, 2]}, null, true],
        [{"<": ["1", 2]}, null, true],
        [{"<": [1, 1, 3]}, null, false],
        [{"<=": [1, 2]}, null, true],
        [{"<=": [1, 4, 3]}, null, false],
        [{"<=": [1, 1, 1]}, null, true],
        [{"<": ["10", "9"]}, null, true],
        [{"<": ["10", 9]}, null, false],
        [{"<": [1, 2, null]}, null, false],
        [{"<": ["a", 1]}, null, false],
        [{">=": ["a", 1]}, null, false],
        [{"<": [null, 1]}, null, true],
        [{">": [{"var": "missing"}, -1]}, {}, true],
        [{"<": [1]}, null, false],
        "Logic",
        [{"!": [true]}, null, false],
        [{"!": true}, null, false],
        [{"!": 1}, null, false],
        [{"!": []}, null, true],
        [{"!": ["0"]}, null, false],
        [{"!!": ["0"]}, null, true],
        [{"!!": [{}]}, null, true],
        [{"or": [true, true]}, null, true],
        [{"or": [false, false, true]}, null, true],
        [{"or": [0, "", []]}, null, []],
        [{"and": [false, true]}, null, false],
        [{"and": [3, false]}, null, false],
        [{"and": [false, 3]}, null, false],
        [{"and": ["", true]}, null, ""],
        [{"and": ["0", true]}, null, true],
        [{"or": ["0", true]}, null, "0"],
        [{"and": []}, null, null],
        [{"or": []}, null, null],
        [{"and": [true, {"var": "x"}]}, {"x": {"y": 1}}, {"y": 1}],
        [{"?:": [false, 1, 2]}, null, 2],
        [{"if": "apple"}, null, "apple"],
        [{"if": [false, "apple", false, "banana", "carrot"]}, null, "carrot"],
        [{"if": [false, "apple", false, "banana", false, "carrot"]}, null, null],
        [{"and": [false, {"cat": [{"bogus": 1}]}]}, null, false],
        "Arithmetic",
        [{"+": [1, 2]}, null, 3],
        [{"+": [2, 2, 2]}, null, 6],
        [{"+": [1]}, null, 1],
        [{"+": []}, null, 0],
        [{"+": "3.14"}, null, 3.14],
        [{"+": ["3kg", 1]}, null, 4],
        [{"+": [true, 1]}, null, null],
        [{"+": [0.1, 0.2]}, null, 0.30000000000000004],
        [{"*": [1]}, null, 1],
        [{"*": ["1", 1]}, null, 1],
        [{"*": [2, "3"]}, null, 6],
        [{"*": ["2"]}, null, 2],
        [{"*": [1.5, 2]}, null, 3],
        [{"-": [2]}, null, -2],
        [{"-": [-2]}, null, 2],
        [{"-": "2"}, null, -2],
        [{"-": ["5", true]}, null, 4],
        [{"-": [3, null]}, null, 3],
        [{"-": [[5], [2]]}, null, 3],
        [{"-": []}, null, null],
        [{"/": [2, 4]}, null, 0.5],
        [{"/": [1, 0]}, null, null],
        [{"/": [0, 0]}, null, null],
        [{"%": [-5, 3]}, null, -2],
        [{"%": [5.5, 2]}, null, 1.5],
        [{"%": [1, 0]}, null, null],
        [{"max": [1, 2, 3]}, null, 3],
        [{"min": [1, 2, 3]}, null, 1],
        [{"min": ["3", 1]}, null, 1],
        [{"max": ["3", 1]}, null, 3],
        [{"max": [1, "a"]}, null, null],
        [{"max": []}, null, null],
        [{"min": [null, 1]}, null, 0],
        [{"+": [9007199254740992, 1]}, null, 9007199254740992],
        "Strings",
        [{"in": ["Milhouse", ["Bart", "Homer"]]}, null, false],
        [{"in": ["Spring", "Springfield"]}, null, true],
        [{"in": ["i", "team"]}, null, false],
        [{"in": ["", "abc"]}, null, true],
        [{"in": ["", ""]}, null, false],
        [{"in": [1, "a1"]}, null, true],
        [{"in": [1, ["1"]]}, null, false],
        [{"in": ["a", null]}, null, false],
        [{"in": ["a", {"a": 1, "b": 2}]}, null, false],
        [{"in": [[1], [[1]]]}, null, false],
        [{"in": [{"var": "a.0"}, {"var": "a"}]}, {"a": [[1]]}, true],
        [{"in": [{"var": "a"}, [{"var": "a"}]]}, {"a": [1]}, true],
        [{"in": [{"var": "a.0"}, {"filter": [{"var": "a"}, true]}]}, {"a": [{"k": 1}]}, true],
        [{"in": [{"var": "a.0"}, {"merge": [[0], {"var": "a"}]}]}, {"a": [{"k": 1}]}, true],
        [{"in": [{"var": "a.0"}, {"map": [{"var": "a"}, {"var": ""}]}]}, {"a": [{"k": 1}]}, true],
        [{"in": [{"var": "a.0"}, [{"k": 1, "j": 2}]]}, {"a": [{"k": 1, "j": 2}]}, false],
        [{"===": [{"merge": []}, {"filter": []}]}, null, false],
        [{"==": [{"merge": [1, 2]}, "1,2"]}, null, true],
        [{"!!": [{"filter": [[0], true]}]}, null, true],
        [{"!!": [{"filter": [[0], false]}]}, null, false],
        [{"+": [{"map": [[2], {"var": ""}]}, 1]}, null, 3],
        [{"cat": [{"merge": [[1, [2]], null, "x"]}]}, null, "1,2,,x"],
        [{"reduce": [[[1], [2]], {"merge": [{"var": "accumulator"}, {"var": "current"}]}, []]}, null, [1, 2]],
        [{"reduce": [[1, 2, 3], {"var": "accumulator.length"}, [7, 8]]}, null, null],
        [{"reduce": [[1, 2], {"merge": [{"var": "accumulator"}, [{"var": "accumulator.length"}]]}, []]}, null, [0, 1]],
        [{"reduce": [[5], {"var": "accumulator.1"}, {"merge": [1, 2]}]}, null, 2],
        [{"cat": "ice"}, null, "ice"],
        [{"cat": [1, 2]}, null, "12"],
        [{"cat": []}, null, ""],
        [{"cat": ["a", null, true, 1.5, [1, [2, null]], {"x": 1, "y": 2}]}, null,
         "atrue1.51,2,[object Object]"],
        [{"cat": [0.1, 1e21, 1e-7, 2.0]}, null, "0.11e+211e-72"],
        [{"cat": [12345678901234567890]}, null, "12345678901234567890"],
        [{"cat": ["I love ", {"var": "filling"}, " pie"]}, {"filling": "apple"}, "I love apple pie"],
        [{"substr": ["jsonlogic", 1, -1]}, null, "sonlogi"],
        [{"substr": ["jsonlogic", 4, -2]}, null, "log"],
        [{"substr": ["jsonlogic", -5, 2]}, null, "lo"],
        [{"substr": ["jsonlogic", 0, -20]}, null, ""],
        [{"substr": ["jsonlogic", 20]}, null, ""],
        [{"substr": ["jsonlogic", -20, 4]}, null, "json"],
        [{"substr": ["jsonlogic", "4", "3"]}, null, "log"],
        [{"substr": ["jsonlogic", 1, "-1"]}, null, ""],
        [{"substr": ["città", -2]}, null, "tà"],
        [{"substr": [12345, 1, 2]}, null, "23"],
        [{"substr": ["abc"]}, null, "abc"],
        "Arrays",
        [{"merge": []}, null, []],
        [{"merge": [[1], []]}, null, [1]],
        [{"merge": [[1], [2], [3]]}, null, [1, 2, 3]],
        [{"merge": [[1, 2], [3]]}, null, [1, 2, 3]],
        [{"merge": [1, [2]]}, null, [1, 2]],
        [{"merge": [[[1]], 2]}, null, [[1], 2]],
        [{"merge": [{"var": "a"}, {"var": "b"}]}, {"a": [1], "b": null}, [1, null]],
        [{"map": [{"var": "integers"}, {"*": [{"var": ""}, 2]}]}, null, []],
        [{"map": [{"var": "desserts"}, {"var": "qty"}]},
         {"desserts": [{"name": "apple", "qty": 1}, {"name": "brownie", "qty": 2}]}, [1, 2]],
        [{"map": [[1, 2, 3], {"+": [{"var": ""}, 1]}]}, null, [2, 3, 4]],
        [{"map": [[1, 2]]}, null, [null, null]],
        [{"map": ["abc", {"var": ""}]}, null, []],
        [{"filter": [{"var": "integers"}, {">=": [{"var": ""}, 2]}]}, {"integers": [1, 2, 3]}, [2, 3]],
        [{"filter": [{"merge": [[1, 2], 3, 4]}, {"%": [{"var": ""}, 2]}]}, null, [1, 3]],
        [{"filter": [{"var": "x"}, true]}, {"x": "abc"}, []],
        [{"reduce": [{"var": "integers"}, {"+": [{"var": "current"}, {"var": "accumulator"}]}, 0]},
         null, 0],
        [{"reduce": [{"var": "integers"}, {"*": [{"var": "current"}, {"var": "accumulator"}]}, 1]},
         {"integers": [1, 2, 3, 4]}, 24],
        [{"reduce": [{"var": "integers"}, {"*": [{"var": "current"}, {"var": "accumulator"}]}, 0]},
         {"integers": [1, 2, 3, 4]}, 0],
        [{"reduce": [{"var": "x"}, {"+": [1, 1]}, 5]}, {"x": 3}, 5],
        [{"reduce": [[1, 2], {"var": "accumulator"}]}, null, null],
        [{"reduce": [[1], {"var": ""}, 0]}, null, {"current": 1, "accumulator": 0}],
        [{"reduce": [[1], {"var": "data"}, 0]}, {"data": 7}, null],
        [{"reduce": [[[1, 2], [3]], {"merge": [{"var": "accumulator"}, {"var": "current"}]}, []]},
         null, [1, 2, 3]],
        [{"reduce": [{"var": "xs"}, {"map": [{"var": "current.tags"}, {"var": ""}]}, []]},
         {"xs": [{"n": 1}, {"n": 2}]}, []],
        [{"all": [{"var": "integers"}, {"<": [{"var": ""}, 1]}]}, {"integers": []}, false],
        [{"all": [{"var": "items"}, {">=": [{"var": "qty"}, 1]}]}, {"items": []}, false],
        [{"none": [{"var": "integers"}, {"==": [{"var": ""}, 1]}]}, {"integers": [1, 2, 3]}, false],
        [{"none": [{"var": "integers"}, {"<": [{"var": ""}, 1]}]}, {"integers": []}, true],
        [{"some": [{"var": "integers"}, {"==": [{"var": ""}, 1]}]}, {"integers": [1, 2, 3]}, true],
        [{"some": [{"var": "integers"}, {"<": [{"var": ""}, 1]}]}, {"integers": [1, 2, 3]}, false],
        [{"some": [{"var": "items"}, {">=": [{"var": "qty"}, 1]}]}, {"items": []}, false],
        [{"all": [{"var": "nope"}, true]}, {}, false],
        [{"none": [{"var": "nope"}, true]}, {}, true],
        [{"some": [{"var": "nope"}, true]}, {}, false],
        [{"some": [[1, 2]]}, null, false],
        [{"all": [[[1], [2]], {"var": "0"}]}, null, true],
        "Data",
        [{"var": "b"}, {"a": 1}, null],
        [{"var": "a"}, null, null],
        [{"var": ["a", 1]}, null, 1],
        [{"var": "a.b"}, {"a": {"b": "c"}}, "c"],
        [{"var": "a.q"}, {"a": {"b": "c"}}, null],
        [{"var": 1}, ["apple", "banana"], "banana"],
        [{"var": "1"}, ["apple", "banana"], "banana"],
        [{"var": "1.1"}, ["apple", ["banana", "beer"]], "beer"],
        [{"var": "01"}, ["apple", "banana"], null],
        [{"var": "a.b.c"}, null, null],
        [{"var": "a.b.c"}, {"a": {"b": null}}, null],
        [{"var": ["x", "default"]}, {"x": null}, null],
        [{"var": ["x", "default"]}, {"x": false}, false],
        [{"var": ["x.y", "default"]}, {"x": null}, "default"],
        [{"var": "tags.length"}, {"tags": ["a", "b"]}, 2],
        [{"var": "name.0"}, {"name": "Ada"}, "A"],
        [{"var": "name.length"}, {"name": "città"}, 5],
        [{"var": ""}, {"a": 1}, {"a": 1}],
        [{"var": ""}, 0, 0],
        [{"var": "a"}, 5, null],
        [{"var": "x.y"}, {"x.y": 1, "x": {"y": 2}}, 2],
        [{"var": {"cat": ["a", ".", "b"]}}, {"a": {"b": 3}}, 3],
        [{"and": [{"<": [{"var": "temp"}, 110]}, {"==": [{"var": "pie.filling"}, "apple"]}]},
         {"temp": 100, "pie": {"filling": "apple"}}, true],
        "Missing",
        [{"missing": []}, null, []],
        [{"missing": ["a"]}, null, ["a"]],
        [{"missing": ["a", "b"]}, {"a": "apple"}, ["b"]],
        [{"missing": ["a", "b"]}, {"b": "banana"}, ["a"]],
        [{"missing": ["a", "b"]}, {}, ["a", "b"]],
        [{"missing": ["a", "b"]}, null, ["a", "b"]],
        [{"missing": ["a.b"]}, null, ["a.b"]],
        [{"missing": ["a.b"]}, {"a": {"c": "apple cake"}}, ["a.b"]],
        [{"missing": ["a"]}, {"a": ""}, ["a"]],
        [{"missing": ["a"]}, {"a": null}, ["a"]],
        [{"missing": ["a", "b"]}, {"a": 0, "b": false}, []],
        [{"missing": [1]}, ["x"], [1]],
        [{"missing": [0]}, ["x"], []],
        [{"missing": {"merge": ["vin", {"if": [{"var": "financing"}, ["apr"], []]}]}},
         {"financing": true}, ["vin", "apr"]],
        [{"missing_some": [1, ["a", "b"]]}, {"a": "apple"}, []],
        [{"missing_some": [1, ["a", "b"]]}, {"b": "banana"}, []],
        [{"missing_some": [1, ["a", "b"]]}, {"a": "apple", "b": "banana"}, []],
        [{"missing_some": [1, ["a", "b"]]}, {"c": "carrot"}, ["a", "b"]],
        [{"missing_some": [2, ["a", "b", "c"]]}, {"a": "apple", "c": "carrot"}, []],
        [{"missing_some": [2, ["a", "b", "c"]]}, {"a": "apple", "b": "banana", "c": "carrot"}, []],
        [{"missing_some": ["1", ["a", "b"]]}, {"a": 1}, []],
        [{"missing_some": [0, []]}, null, []],
        [{"missing_some": [1]}, {"a": 1}, []],
        "NaN, infinities and undefined flow between operators as in JavaScript",
        [{"<": [{"/": [1, 0]}, 5]}, null, false],
        [{">": [{"/": [1, 0]}, 1e308]}, null, true],
        [{"-": [{"/": [1, 0]}, 1]}, null, null],
        [{"min": [3, {"-": ["a", 1]}]}, null, null],
        [{"cat": [{"/": [1, 0]}, " ", {"-": "a"}, " ", {"/": [-1, 0]}]}, null, "Infinity NaN -Infinity"],
        [{"==": [{"/": [1, 0]}, "Infinity"]}, null, true],
        [{"==": [{"/": [0, 0]}, {"/": [0, 0]}]}, null, false],
        [{"!!": [{"/": [0, 0]}]}, null, false],
        [{"!!": [{"/": [1, 0]}]}, null, true],
        [{"in": [{"/": [1, 0]}, "to Infinity"]}, null, true],
        [{"var": [{"/": [0, 0]}]}, {"NaN": "yes"}, "yes"],
        [{"reduce": [[1, 2], {"+": [{"var": "accumulator"}, {"/": [1, 0]}]}, 0]}, null, null],
        [{"<": [{"reduce": [[1], {"/": [1, 0]}, 0]}, 1e308]}, null, false],
        [{"<": [{"reduce": [[1], {"var": "accumulator"}, {"/": [1, 0]}]}, 1e308]}, null, false],
        [{"-": [{"log": []}]}, null, null],
        [{"-": [5, {"log": []}]}, null, -5],
        [{"===": [{"log": []}, {"and": []}]}, null, true],
        [{"==": [{"or": []}, null]}, null, true],
        [{"===": [{"or": []}, null]}, null, false],
        [{"var": ["x", {"log": []}]}, {}, null],
        [{"substr": ["abc", 1, {"log": []}]}, null, "bc"],
        [{"<": [1, 2, {"log": []}]}, null, true],
        [{"reduce": [[1, 2]]}, null, null],
        "Misc",
        [{"log": "apple"}, null, "apple"],
        [{"log": [{"var": "a"}]}, {"a": [1, 2]}, [1, 2]],
        [{"log": []}, null, null]
    ]"#,
    )
    .unwrap();
    let mut cases = Vec::new();
    let mut section = String::new();
    for (i, entry) in table.as_array().unwrap().iter().enumerate() {
        match entry {
            Value::String(s) => section.clone_from(s),
            Value::Array(t) => cases.push((
                format!("#{i} [{section}]"),
                t[0].clone(),
                t[1].clone(),
                t[2].clone(),
            )),
            other => panic!("bad table entry {other}"),
        }
    }
    run(&cases);
}

#[test]
fn integral_results_are_json_integers() {
    for rule in [
        json!({"+": [1, 1]}),
        json!({"/": [4, 2]}),
        json!({"*": [1.5, 2]}),
        json!({"-": ["3"]}),
        json!({"+": "7"}),
        json!({"max": [1, "3"]}),
        json!({"%": [7.0, 4]}),
        json!({"-": [0, 0]}),
    ] {
        let v = apply(&rule, &Value::Null).unwrap();
        assert!(v.is_i64(), "{rule} gave {v}");
    }
    assert_eq!(apply(&json!({"-": [0]}), &Value::Null).unwrap(), json!(0));
}

fn error(rule: &Value, data: &Value) -> JsonLogicError {
    match apply(rule, data) {
        Ok(v) => panic!("{rule} gave {v}, expected an error"),
        Err(e) => e,
    }
}

#[test]
fn unknown_operators_are_located() {
    let cases = [
        (json!({"bogus": [1]}), ""),
        (json!({"and": [true, {"bogus": 1}]}), "/and/1"),
        (json!({"!": {"bogus": 1}}), "/!"),
        (json!([1, [2, {"bogus": 1}]]), "/1/1"),
        (
            json!({"if": [{"var": "x"}, "a", {"cat": ["b", {"nope": []}]}]}),
            "/if/2/cat/1",
        ),
        (
            json!({"map": [[1, 2], {"+": [{"var": ""}, {"x": 1}]}]}),
            "/map/1/+/1",
        ),
        (json!({"reduce": [[1], {"a/b~c": 1}, 0]}), "/reduce/1"),
        (json!({"a/b": [{"c~d": []}]}), "/a~1b/0"),
        // Arguments are evaluated first: the innermost unknown operator is the one reported.
        (json!({"outer": [{"inner": []}]}), "/outer/0"),
        // Evaluated even though `==` ignores a third argument, as the reference does.
        (json!({"==": [1, 1, {"bogus": 1}]}), "/==/2"),
        (json!({"": 1}), ""),
        (json!({"method": ["abc", "toUpperCase"]}), ""),
    ];
    for (rule, path) in cases {
        let err = error(&rule, &json!({"x": false}));
        assert_eq!(err.code(), "jsonlogic.unknown_operator", "{rule}");
        assert_eq!(err.path(), path, "{rule}");
        let node = rule.pointer(err.path()).unwrap();
        let JsonLogicError::UnknownOperator { operator, .. } = &err else {
            panic!("{err:?}")
        };
        let obj = node.as_object().unwrap();
        assert_eq!(obj.len(), 1);
        assert!(obj.contains_key(&**operator), "{rule}: {operator}");
    }
}

#[test]
fn unevaluated_branches_do_not_fail() {
    // Like the reference: `if`, `and`, `or` only evaluate what they need, and the iterating
    // operators do not run their logic on an empty array.
    for rule in [
        json!({"if": [true, 1, {"bogus": 1}]}),
        json!({"or": [1, {"bogus": 1}]}),
        json!({"and": [0, {"bogus": 1}]}),
        json!({"map": [[], {"bogus": 1}]}),
        json!({"all": [{"var": "none"}, {"bogus": 1}]}),
    ] {
        assert!(apply(&rule, &json!({})).is_ok(), "{rule}");
    }
}

#[test]
fn multiply_without_arguments_is_invalid() {
    let err = error(&json!({"if": [true, {"*": []}]}), &Value::Null);
    assert_eq!(err.code(), "jsonlogic.invalid_arguments");
    assert_eq!(err.path(), "/if/1");
    assert_eq!(err.to_string(), "`*` needs at least one argument at /if/1");
}

/// `{name: args}`, built without `json!` (which would copy the arguments through serde).
fn op(name: &str, args: Vec<Value>) -> Value {
    op1(name, Value::Array(args))
}

/// `{name: arg}`.
fn op1(name: &str, arg: Value) -> Value {
    let mut map = serde_json::Map::new();
    map.insert(name.to_owned(), arg);
    Value::Object(map)
}

fn nested(depth: usize, wrap: impl Fn(Value) -> Value) -> Value {
    let mut rule = json!(1);
    for _ in 0..depth {
        rule = wrap(rule);
    }
    rule
}

#[test]
fn nesting_up_to_the_limit_works_for_every_kind_of_node() {
    // Each wrapper adds one level; at exactly MAX_DEPTH the rule still evaluates (on the default
    // 2 MiB test thread, in debug builds too).
    type Wrap = Box<dyn Fn(Value) -> Value>;
    let wrappers: Vec<(&str, Wrap)> = vec![
        ("array", Box::new(|r| Value::Array(vec![r]))),
        ("!!", Box::new(|r| op("!!", vec![r]))),
        ("if", Box::new(|r| op("if", vec![json!(true), r, json!(0)]))),
        ("and", Box::new(|r| op("and", vec![json!(true), r]))),
        ("+", Box::new(|r| op("+", vec![r, json!(0)]))),
        ("cat", Box::new(|r| op1("cat", r))),
        ("var", Box::new(|r| op("var", vec![r]))),
        ("map", Box::new(|r| op("map", vec![json!([1]), r]))),
        ("filter", Box::new(|r| op("filter", vec![json!([1]), r]))),
        (
            "reduce",
            Box::new(|r| op("reduce", vec![json!([1]), r, json!(0)])),
        ),
        ("some", Box::new(|r| op("some", vec![json!([1]), r]))),
        (
            "substr",
            Box::new(|r| op("substr", vec![r, json!(0), json!(-1)])),
        ),
        ("missing", Box::new(|r| op("missing", vec![r]))),
        ("<", Box::new(|r| op("<", vec![json!(0), r, json!(2)]))),
        ("==", Box::new(|r| op("==", vec![r.clone(), r]))),
    ];
    for (name, wrap) in &wrappers {
        // The iterating operators' `[1]` sits one level below them.
        let depth = match *name {
            "==" => 16,
            "map" | "filter" | "reduce" | "some" => MAX_DEPTH - 1,
            _ => MAX_DEPTH,
        };
        let rule = nested(depth, wrap);
        assert!(apply(&rule, &json!({"1": 1})).is_ok(), "{name} × {depth}");
        if *name != "==" {
            let err = error(&nested(MAX_DEPTH + 1, wrap), &json!({"1": 1}));
            assert_eq!(err.code(), "jsonlogic.too_deep", "{name}");
        }
    }
}

#[test]
fn too_deep_rules_fail_cleanly() {
    let rule = nested(2_000, |r| op("and", vec![json!(true), r]));
    let err = error(&rule, &Value::Null);
    assert_eq!(err.code(), "jsonlogic.too_deep");
    // The path leads to the first node past the limit.
    assert_eq!(err.path(), "/and/1".repeat(MAX_DEPTH));
    assert!(rule.pointer(err.path()).is_some());
    assert!(err
        .to_string()
        .starts_with("JsonLogic rule nests deeper than 256 levels at /and/1"));
}

#[test]
fn deeply_nested_data_is_fine() {
    // Data is walked without recursion: `cat` of arrays nested far deeper than MAX_DEPTH.
    let data = nested(5_000, |r| Value::Array(vec![r]));
    let got = apply(&json!({"cat": [{"var": ""}, "!"]}), &data).unwrap();
    assert_eq!(got, json!("1!"));
    let got = apply(&json!({"==": [{"var": ""}, 1]}), &data).unwrap();
    assert_eq!(got, json!(true));
    std::mem::forget(data); // dropping it would recurse 5 000 levels in serde_json
}

#[test]
fn errors_have_known_codes_and_display_a_location() {
    let errors = [
        error(&json!({"bogus": 1}), &Value::Null),
        error(
            &nested(MAX_DEPTH + 1, |r| Value::Array(vec![r])),
            &Value::Null,
        ),
        error(&json!({"*": []}), &Value::Null),
    ];
    let mut seen = Vec::new();
    for e in errors {
        assert_eq!(e.kind().as_str(), e.code(), "{e:?}");
        assert!(e.to_string().contains(" at /"), "{e}");
        seen.push(e.kind());
    }
    seen.sort();
    assert_eq!(seen, JsonLogicCode::ALL);
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        (-5i64..20).prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop::sample::select(vec![
            "",
            "0",
            "1",
            "-1",
            "a",
            "a.b",
            "b",
            "x",
            "current",
            "accumulator",
            "length",
            "current.a",
            "0.a",
            " 2 ",
            "1e3",
            "0x10",
            "Infinity",
            "città",
            "😀",
        ])
        .prop_map(Value::from),
    ]
}

const OPS: &[&str] = &[
    "var",
    "missing",
    "missing_some",
    "if",
    "?:",
    "==",
    "===",
    "!=",
    "!==",
    "!",
    "!!",
    "or",
    "and",
    "<",
    "<=",
    ">",
    ">=",
    "max",
    "min",
    "+",
    "-",
    "*",
    "/",
    "%",
    "map",
    "filter",
    "reduce",
    "all",
    "none",
    "some",
    "merge",
    "in",
    "cat",
    "substr",
    "log",
    "bogus",
];

/// Rules: JSON whose objects are mostly operations.
fn rule() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(6, 64, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            (
                prop::sample::select(OPS),
                prop::collection::vec(inner.clone(), 0..4)
            )
                .prop_map(|(op, args)| json!({ op: args })),
            (prop::sample::select(OPS), inner.clone()).prop_map(|(op, arg)| json!({ op: arg })),
            prop::collection::btree_map("[ab]", inner, 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Data: plain JSON with the keys the rules look for.
fn data() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop::sample::select(vec!["a", "b", "x", "0", "current"]).prop_map(String::from),
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// JSON without operations: every object has zero or several keys.
fn plain() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 32, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            Just(json!({})),
            prop::collection::btree_map("[a-c]", inner, 2..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn has_operation(v: &Value) -> bool {
    match v {
        Value::Array(items) => items.iter().any(has_operation),
        Value::Object(m) => m.len() == 1,
        _ => false,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn apply_never_panics_and_errors_locate(rule in rule(), data in data()) {
        if let Err(e) = apply(&rule, &data) {
            prop_assert!(JsonLogicCode::ALL.contains(&e.kind()));
            let node = rule.pointer(e.path());
            prop_assert!(node.is_some(), "{} does not point into {}", e.path(), rule);
            if let JsonLogicError::UnknownOperator { operator, .. } = &e {
                let obj = node.and_then(Value::as_object);
                prop_assert!(obj.is_some_and(|o| o.len() == 1 && o.contains_key(&**operator)));
            }
        }
    }

    #[test]
    fn apply_never_panics_on_arbitrary_json(rule in data(), data in data()) {
        let _ = apply(&rule, &data);
    }

    #[test]
    fn rules_without_operations_pass_through(rule in plain()) {
        prop_assert!(!has_operation(&rule));
        prop_assert_eq!(apply(&rule, &Value::Null).unwrap(), rule);
    }

    #[test]
    fn equality_is_symmetric_and_negated_by_not_equal(a in data(), b in data()) {
        // Data is never evaluated, so `a` and `b` may hold anything.
        let data = json!({"a": a, "b": b});
        let ab = |op: &str, x: &str, y: &str| {
            apply(&json!({ op: [{"var": x}, {"var": y}] }), &data).unwrap()
        };
        for (eq, ne) in [("==", "!="), ("===", "!==")] {
            let forward = ab(eq, "a", "b");
            prop_assert_eq!(&forward, &ab(eq, "b", "a"));
            prop_assert_eq!(Value::Bool(forward != Value::Bool(true)), ab(ne, "a", "b"));
        }
        // A value of the data is the same value as itself.
        prop_assert_eq!(ab("===", "a", "a"), Value::Bool(true));
    }

    #[test]
    fn not_and_double_not_agree(rule in rule(), data in data()) {
        let not = apply(&json!({"!": [rule.clone()]}), &data);
        let double = apply(&json!({"!!": [rule]}), &data);
        match (not, double) {
            (Ok(n), Ok(d)) => prop_assert_eq!(n.as_bool().map(|b| !b), d.as_bool()),
            (Err(a), Err(b)) => prop_assert_eq!(a.code(), b.code()),
            (n, d) => prop_assert!(false, "! gave {:?}, !! gave {:?}", n, d),
        }
    }
}
