//! The condition text syntax: the issue's example, the shared vectors
//! (`core/tests/vectors/condition_text.json`), error locations, hostile input, and the round trip
//! `parse(display(c)) == c` for arbitrary conditions.
//!
//! Vector format: `{"cases": [{"text", "json", "display"?}], "errors": [{"name", "text", "code",
//! "line", "column"}]}`. For a case, `text` parses to the condition `json` reads as, and prints as
//! `display` (or as `text` itself when there is no `display`). For an error, parsing `text`
//! fails with `code` at `line` and `column` (1-based, in characters).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use proptest::prelude::*;
use sequenza::condition::{
    text::MAX_NESTING, Aggregation, Condition, CountOp, CountTest, DateRange, DateTest, FieldOp,
    Occurrence, TagOp,
};
use sequenza::model::{Channel, ConsentStatus, ListId, SegmentId, Value};
use sequenza::time::{Duration, TimeUnit};
use sequenza::Error;

fn vectors() -> serde_json::Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/condition_text.json");
    let text = std::fs::read_to_string(&path).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn parse_error(text: &str) -> sequenza::ParseError {
    match Condition::parse(text) {
        Err(Error::Parse(e)) => *e,
        other => panic!("{text:?} should not parse, got {other:?}"),
    }
}

#[test]
fn issue_example() {
    let text = r#"age between 25 and 34 and tags has any ("vip", "newsletter") and not did "order.placed" within 90 days"#;
    let expected = Condition::And {
        conditions: vec![
            Condition::Age {
                field: "birth_date".into(),
                min: Some(25),
                max: Some(34),
            },
            Condition::Tags {
                op: TagOp::HasAny,
                tags: vec!["vip".into(), "newsletter".into()],
            },
            Condition::Not {
                condition: Box::new(Condition::Event {
                    name: "order.placed".into(),
                    filter: None,
                    count: CountTest::default(),
                    within: Some(Duration::new(90, TimeUnit::Days)),
                    between: None,
                }),
            },
        ],
    };
    assert_eq!(Condition::parse(text).unwrap(), expected);
    assert_eq!(expected.to_string(), text);
}

#[test]
fn vector_cases() {
    let v = vectors();
    let cases = v["cases"].as_array().unwrap();
    assert!(cases.len() > 100);
    let mut failures = Vec::new();
    for case in cases {
        let text = case["text"].as_str().unwrap();
        let json = Condition::from_json(&case["json"].to_string())
            .unwrap_or_else(|e| panic!("bad JSON in the case {text:?}: {e}"));
        match Condition::parse(text) {
            Ok(parsed) if parsed == json => {
                let want = case["display"].as_str().unwrap_or(text);
                let shown = parsed.to_string();
                if shown != want {
                    failures.push(format!("{text:?} prints as {shown:?}, expected {want:?}"));
                }
                if Condition::parse(&shown).ok().as_ref() != Some(&parsed) {
                    failures.push(format!("{shown:?} does not parse back"));
                }
            }
            Ok(parsed) => {
                failures.push(format!("{text:?} parses to {parsed:?}, expected {json:?}"))
            }
            Err(e) => failures.push(format!("{text:?}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn vector_errors() {
    let v = vectors();
    let mut failures = Vec::new();
    for case in v["errors"].as_array().unwrap() {
        let text = case["text"].as_str().unwrap();
        let want = (
            case["code"].as_str().unwrap(),
            case["line"].as_u64().unwrap() as usize,
            case["column"].as_u64().unwrap() as usize,
        );
        match Condition::parse(text) {
            Ok(c) => failures.push(format!("{text:?} parsed as {c:?}")),
            Err(e) => {
                let (line, column) = e.line_column().unwrap();
                if (e.code(), line, column) != want {
                    failures.push(format!(
                        "{}: {text:?} fails with {} at {line}:{column} ({}), expected {want:?}",
                        case["name"],
                        e.code(),
                        e.message()
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn error_messages_name_what_was_expected() {
    let e = parse_error(r#"city == "Milano""#);
    assert_eq!(e.code, "condition.syntax");
    assert_eq!((e.line, e.column), (1, 6));
    assert_eq!(e.expected, vec!["a comparison operator"]);
    assert_eq!(e.found, "`==`");
    assert_eq!(
        e.message,
        "expected a comparison operator after `city`, found `==` (equality is written `=`)"
    );

    let e = parse_error("city = ");
    assert_eq!(e.found, "end of input");
    assert_eq!(e.message, "expected a value after `=`, found end of input");

    let e = parse_error(r#"did "x" sometimes"#);
    assert_eq!(
        e.message,
        "expected `where`, `at least`, `at most`, `exactly`, `within`, `between`, `and`, `or` or end of input after `\"x\"`, found `sometimes`"
    );

    let e = parse_error("count > 5");
    assert!(
        e.message.contains("written in backticks: `count`"),
        "{}",
        e.message
    );

    let e = parse_error("consent fax is opted_in");
    assert_eq!(
        e.expected,
        vec!["a channel (`email`, `sms`, `web_push` or `whatsapp`)"]
    );

    let e = parse_error("x = 'Milano'");
    assert_eq!(e.found, "`'`");
    assert!(e.message.contains("double quotes"));

    let e = parse_error("x = \"abc");
    assert_eq!(e.found, "an unterminated string");

    let e = parse_error("(a = 1");
    assert_eq!(e.expected, vec!["`ignoring case`", "`and`", "`or`", "`)`"]);

    let deep = format!("{}a = 1{}", "(".repeat(100), ")".repeat(100));
    let e = parse_error(&deep);
    assert_eq!(e.column, MAX_NESTING + 1);
    assert!(e.message.contains("more than 64 levels"), "{}", e.message);

    let e = parse_error("x = 1\n  and y ~ 2");
    assert_eq!((e.line, e.column), (2, 9));

    // Columns count characters, not bytes.
    let e = parse_error("città = 1");
    assert_eq!((e.line, e.column), (1, 5));
    assert!(e.message.contains("backticks"), "{}", e.message);
    let e = parse_error("`città` = é");
    assert_eq!((e.line, e.column), (1, 11));
}

#[test]
fn nesting_up_to_the_limit_parses() {
    let n = MAX_NESTING;
    let text = format!("{}a = 1{}", "(".repeat(n), ")".repeat(n));
    assert!(Condition::parse(&text).is_ok());
    let text = format!("{}a = 1", "not ".repeat(n));
    assert!(Condition::parse(&text).is_ok());
    // A deep but legal condition prints and parses back.
    let mut c = Condition::InList { list: "a".into() };
    for i in 0..n {
        c = if i % 2 == 0 {
            Condition::And {
                conditions: vec![c, Condition::InList { list: "b".into() }],
            }
        } else {
            Condition::Or {
                conditions: vec![Condition::InList { list: "c".into() }, c],
            }
        };
    }
    assert_eq!(Condition::parse(&c.to_string()).unwrap(), c);
}

#[test]
fn hostile_input_never_panics() {
    let inputs = [
        "(".repeat(10_000),
        ")".repeat(10_000),
        "not ".repeat(10_000),
        "all(".repeat(10_000),
        format!("did \"x\" where {}", "(".repeat(10_000)),
        format!("x in {}", "(".repeat(10_000)),
        format!("x = {}", "9".repeat(10_000)),
        format!("x = 1e{}", "9".repeat(1_000)),
        format!("x = -{}.5", "9".repeat(400)),
        format!("did \"x\" at least {} times", "9".repeat(100)),
        format!("x within last {} days", "9".repeat(100)),
        "a = 1 and ".repeat(10_000) + "a = 1",
        "\"".repeat(10_001),
        "`".repeat(10_001),
        "\\u{0}\u{0}\u{1}\u{7f}\u{feff}\u{feff}".to_owned(),
        "x = \"\\ud83d\"".to_owned(),
        "x = \"\\ud83d\\u0041\"".to_owned(),
        "x = \"\\u12\"".to_owned(),
        "x = \"\\".to_owned(),
        "2026-01-01T10:00:00+01:".to_owned(),
        "x before 2026-01-01T10:00:00+01:00Z".to_owned(),
        "age > 4294967295".to_owned(),
        "age < 0".to_owned(),
    ];
    for input in &inputs {
        let _ = Condition::parse(input);
    }
    // A long flat `and` is not nesting.
    let flat = "a = 1 and ".repeat(10_000) + "a = 1";
    match Condition::parse(&flat).unwrap() {
        Condition::And { conditions } => assert_eq!(conditions.len(), 10_001),
        other => panic!("{other:?}"),
    }
}

#[test]
fn non_finite_numbers_are_rejected() {
    assert_eq!(
        Condition::parse("x = 1e400").unwrap_err().code(),
        "condition.syntax"
    );
    assert_eq!(
        Condition::parse("x = -1e400").unwrap_err().code(),
        "condition.syntax"
    );
}

#[test]
fn display_of_json_documents_parses_back() {
    let json = r#"{"type": "or", "conditions": [
        {"type": "and", "conditions": [
            {"type": "field", "field": "city", "op": "eq", "value": "Milano"},
            {"type": "or", "conditions": [{"type": "in_list", "list": "vip"}, {"type": "in_segment", "segment": "s"}]}]},
        {"type": "not", "condition": {"type": "and", "conditions": []}}]}"#;
    let c = Condition::from_json(json).unwrap();
    assert_eq!(
        c.to_string(),
        r#"city = "Milano" and (in list "vip" or in segment "s") or not all()"#
    );
    assert_eq!(Condition::parse(&c.to_string()).unwrap(), c);
}

// ---- round trip of arbitrary conditions ----

fn arb_text() -> BoxedStrategy<String> {
    prop_oneof![
        "[a-z_][a-z0-9_.-]{0,8}",
        prop::sample::select(vec![
            "and",
            "OR",
            "not",
            "all",
            "Any",
            "age",
            "tags",
            "in",
            "consent",
            "did",
            "first",
            "last",
            "sum",
            "count",
            "avg",
            "min",
            "max",
            "true",
            "false",
            "null",
            "date",
            "where",
            "between",
            "birth_date",
            "",
        ])
        .prop_map(str::to_owned),
        "[ `\"\\\\a-z()?,=]{0,8}",
        any::<String>(),
    ]
    .boxed()
}

fn arb_date() -> BoxedStrategy<String> {
    prop_oneof![
        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,4})?(Z|[+-][0-9]{2}:[0-9]{2})",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:]{0,6}",
        arb_text(),
    ]
    .boxed()
}

fn arb_f64() -> BoxedStrategy<f64> {
    prop_oneof![
        any::<f64>().prop_filter("finite", |x| x.is_finite()),
        (-1000i32..1000).prop_map(f64::from),
        Just(-0.0),
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
        Just(5e-324),
    ]
    .boxed()
}

fn arb_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        arb_f64().prop_map(Value::Number),
        arb_text().prop_map(Value::Text),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop::collection::vec(inner, 0..4).prop_map(Value::List)
    })
    .boxed()
}

fn arb_unit() -> BoxedStrategy<TimeUnit> {
    prop::sample::select(vec![
        TimeUnit::Minutes,
        TimeUnit::Hours,
        TimeUnit::Days,
        TimeUnit::Weeks,
        TimeUnit::Months,
    ])
    .boxed()
}

fn arb_duration() -> BoxedStrategy<Duration> {
    (any::<i64>(), arb_unit())
        .prop_map(|(a, u)| Duration::new(a, u))
        .boxed()
}

fn arb_date_test() -> BoxedStrategy<DateTest> {
    prop_oneof![
        arb_date().prop_map(|date| DateTest::Before { date }),
        arb_date().prop_map(|date| DateTest::After { date }),
        (arb_date(), arb_date()).prop_map(|(from, to)| DateTest::Between { from, to }),
        arb_duration().prop_map(|d| DateTest::WithinLast {
            amount: d.amount,
            unit: d.unit
        }),
        arb_duration().prop_map(|d| DateTest::MoreThanAgo {
            amount: d.amount,
            unit: d.unit
        }),
        arb_duration().prop_map(|d| DateTest::InNext {
            amount: d.amount,
            unit: d.unit
        }),
        any::<u32>().prop_map(|days| DateTest::AnniversaryWithin { days }),
    ]
    .boxed()
}

const FIELD_OPS: [FieldOp; 14] = [
    FieldOp::Eq,
    FieldOp::Ne,
    FieldOp::Lt,
    FieldOp::Lte,
    FieldOp::Gt,
    FieldOp::Gte,
    FieldOp::In,
    FieldOp::Contains,
    FieldOp::StartsWith,
    FieldOp::EndsWith,
    FieldOp::IsSet,
    FieldOp::IsEmpty,
    FieldOp::Between,
    FieldOp::Matches,
];

fn arb_count() -> BoxedStrategy<CountTest> {
    (
        prop::sample::select(vec![CountOp::AtLeast, CountOp::AtMost, CountOp::Exactly]),
        prop_oneof![Just(1u32), any::<u32>()],
    )
        .prop_map(|(op, n)| CountTest { op, n })
        .boxed()
}

fn arb_filter(inner: BoxedStrategy<Condition>) -> BoxedStrategy<Option<Box<Condition>>> {
    prop::option::of(inner.prop_map(Box::new)).boxed()
}

fn arb_event(inner: BoxedStrategy<Condition>) -> BoxedStrategy<Condition> {
    let agg = prop::sample::select(vec![
        Aggregation::Count,
        Aggregation::Sum,
        Aggregation::Avg,
        Aggregation::Min,
        Aggregation::Max,
    ]);
    prop_oneof![
        (
            arb_text(),
            arb_filter(inner.clone()),
            arb_count(),
            prop::option::of(arb_duration())
        )
            .prop_flat_map(|(name, filter, count, within)| {
                prop::option::of((arb_date(), arb_date())).prop_map(move |r| Condition::Event {
                    name: name.clone(),
                    filter: filter.clone(),
                    count,
                    within,
                    between: r.map(|(from, to)| DateRange { from, to }),
                })
            }),
        (
            arb_text(),
            arb_filter(inner.clone()),
            prop::sample::select(vec![Occurrence::First, Occurrence::Last]),
            arb_date_test()
        )
            .prop_map(|(name, filter, which, when)| Condition::EventTime {
                name,
                filter,
                which,
                when
            }),
        (
            (arb_text(), agg, prop::option::of(arb_text())),
            arb_filter(inner),
            prop::option::of(arb_duration()),
            prop::sample::select(FIELD_OPS.to_vec()),
            arb_f64()
        )
            .prop_map(|((name, agg, property), filter, within, op, value)| {
                Condition::Aggregate {
                    name,
                    agg,
                    property,
                    filter,
                    within,
                    op,
                    value,
                }
            }),
    ]
    .boxed()
}

fn arb_leaf() -> BoxedStrategy<Condition> {
    prop_oneof![
        (
            arb_text(),
            prop::sample::select(FIELD_OPS.to_vec()),
            prop::option::of(arb_value()),
            any::<bool>()
        )
            .prop_map(|(field, op, value, fold)| Condition::Field {
                field,
                op,
                value,
                fold
            }),
        (
            arb_text(),
            prop::sample::select(FIELD_OPS.to_vec()),
            arb_f64(),
            arb_f64()
        )
            .prop_map(|(field, op, a, b)| Condition::Field {
                field,
                op,
                value: Some(Value::List(vec![Value::Number(a), Value::Number(b)])),
                fold: false
            }),
        (
            prop::sample::select(vec![TagOp::HasAny, TagOp::HasAll, TagOp::HasNone]),
            prop::collection::vec(arb_text(), 0..4)
        )
            .prop_map(|(op, tags)| Condition::Tags { op, tags }),
        arb_text().prop_map(|l| Condition::InList {
            list: ListId::from(l)
        }),
        arb_text().prop_map(|s| Condition::InSegment {
            segment: SegmentId::from(s)
        }),
        (
            prop::sample::select(Channel::ALL.to_vec()),
            prop::sample::select(vec![
                ConsentStatus::OptedIn,
                ConsentStatus::OptedOut,
                ConsentStatus::Unknown
            ])
        )
            .prop_map(|(channel, status)| Condition::Consent { channel, status }),
        (arb_text(), arb_date_test()).prop_map(|(field, when)| Condition::Date { field, when }),
        (
            prop_oneof![Just("birth_date".to_owned()), arb_text()],
            prop::option::of(any::<u32>()),
            prop::option::of(any::<u32>())
        )
            .prop_map(|(field, min, max)| Condition::Age { field, min, max }),
        arb_event(Just(Condition::InList { list: "x".into() }).boxed()),
    ]
    .boxed()
}

fn arb_condition() -> BoxedStrategy<Condition> {
    arb_leaf()
        .prop_recursive(5, 48, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|conditions| Condition::And { conditions }),
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|conditions| Condition::Or { conditions }),
                inner.clone().prop_map(|c| Condition::Not {
                    condition: Box::new(c)
                }),
                arb_event(inner),
            ]
        })
        .boxed()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn display_then_parse_is_identity(c in arb_condition()) {
        let text = c.to_string();
        match Condition::parse(&text) {
            Ok(back) => prop_assert_eq!(back, c, "text: {}", text),
            Err(e) => prop_assert!(false, "{text:?} does not parse: {e}"),
        }
    }

    #[test]
    fn parsing_arbitrary_text_never_panics(s in any::<String>()) {
        let _ = Condition::parse(&s);
    }

    #[test]
    fn parsing_near_miss_text_never_panics(
        s in "[a-z \"`()?,=<>!0-9.:TZ+-]{0,60}"
    ) {
        if let Ok(c) = Condition::parse(&s) {
            // Whatever parses prints to text that parses to the same condition.
            prop_assert_eq!(Condition::parse(&c.to_string()).ok(), Some(c));
        }
    }

    #[test]
    fn errors_point_inside_the_text(s in any::<String>()) {
        if let Err(e) = Condition::parse(&s) {
            let (line, column) = e.line_column().unwrap();
            prop_assert_eq!(e.code(), "condition.syntax");
            prop_assert!(line >= 1 && column >= 1);
            prop_assert!(line <= s.split('\n').count());
        }
    }
}
