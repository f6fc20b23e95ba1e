//! The code registry (`sequenza::error::codes()`) against the code: every code written anywhere
//! in the sources is registered, every code enum is in the registry, and every registered code
//! is produced by some test (a Rust test, a doctest or a shared vector).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use sequenza::error::{
    code_info, codes, Area, ConditionCode, EngineCode, FindingCode, FormatCode, ImportCode,
    JsonLogicCode, ListCode, MergeCode, ParseCode, RejectionCode, SegmentCode, StoreCode, TimeCode,
};
use sequenza::Severity;

/// The first segment of every code.
const PREFIXES: &[&str] = &[
    "format",
    "condition",
    "segment",
    "time",
    "list",
    "import",
    "jsonlogic",
    "merge",
    "flow",
    "flows",
    "engine",
    "store",
];

/// Registered codes that no test can produce, each with the reason. Kept tight: a code listed
/// here that a test does produce fails the test.
const NOT_PRODUCIBLE: &[(&str, &str)] = &[
    (
        "store.unavailable",
        "for durable stores (SQLite, PostgreSQL): the in-memory store cannot become unreachable",
    ),
    (
        "store.corrupt",
        "for durable stores (SQLite, PostgreSQL): the in-memory store cannot hold foreign data",
    ),
    (
        "time.search.exhausted",
        "a safety net of bounded searches that a validated policy or recurrence never reaches",
    ),
    (
        "import.header.empty",
        "listed by `import::ERROR_CODES` but no code path produces it yet",
    ),
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the core lies inside the workspace")
        .to_path_buf()
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// The code-shaped string literals of a text: `"area.word(.word)*"` with a known area.
fn code_literals(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for (i, _) in text.match_indices('"') {
        let start = i + 1;
        let len = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_lowercase() || **b == b'_' || **b == b'.')
            .count();
        let end = start + len;
        if bytes.get(end) == Some(&b'"') && looks_like_code(&text[start..end]) {
            out.push(text[start..end].to_owned());
        }
    }
    out
}

fn looks_like_code(s: &str) -> bool {
    let mut parts = s.split('.');
    let Some(first) = parts.next() else {
        return false;
    };
    let rest: Vec<&str> = parts.collect();
    PREFIXES.contains(&first)
        && !rest.is_empty()
        && rest
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
}

/// The part of a Rust source that tests: doctest lines, and everything from `#[cfg(test)]` on.
fn test_part(source: &str) -> String {
    let (code, tests) = match source.find("#[cfg(test)]") {
        Some(i) => source.split_at(i),
        None => (source, ""),
    };
    let mut out: String = code
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            (t.starts_with("///") || t.starts_with("//!")) && t.contains("assert")
        })
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    out.push_str(tests);
    out
}

#[test]
fn every_code_enum_is_in_the_registry_once() {
    let mut all: Vec<(&str, Area)> = Vec::new();
    all.extend(FormatCode::ALL.iter().map(|c| (c.as_str(), c.area())));
    all.extend(ParseCode::ALL.iter().map(|c| (c.as_str(), c.area())));
    all.extend(ConditionCode::ALL.iter().map(|c| (c.as_str(), c.area())));
    all.extend(SegmentCode::ALL.iter().map(|c| (c.as_str(), c.area())));
    all.extend(TimeCode::ALL.iter().map(|c| (c.as_str(), c.area())));
    all.extend(ListCode::ALL.iter().map(|c| (c.as_str(), c.area())));
    all.extend(ImportCode::ALL.iter().map(|c| (c.as_str(), c.area())));
    all.extend(RejectionCode::ALL.iter().map(|c| (c.as_str(), c.area())));
    all.extend(JsonLogicCode::ALL.iter().map(|c| (c.as_str(), c.area())));
    all.extend(MergeCode::ALL.iter().map(|c| (c.as_str(), c.area())));
    all.extend(EngineCode::ALL.iter().map(|c| (c.as_str(), c.area())));
    all.extend(StoreCode::ALL.iter().map(|c| (c.as_str(), c.area())));
    all.extend(FindingCode::ALL.iter().map(|c| (c.as_str(), c.area())));
    for (code, area) in &all {
        let info = code_info(code).unwrap_or_else(|| panic!("{code} is not in the registry"));
        assert_eq!(info.area, *area, "{code}: the enums disagree on its area");
    }
    // Each registry entry comes from an enum, once.
    let mut seen = BTreeSet::new();
    for info in codes() {
        assert!(seen.insert(info.code), "{} is registered twice", info.code);
        assert!(
            all.iter().any(|(c, _)| *c == info.code),
            "{} has no enum",
            info.code
        );
        assert!(
            looks_like_code(info.code),
            "{} is not code-shaped",
            info.code
        );
        assert!(!info.meaning.is_empty(), "{} has no meaning", info.code);
    }
    // A finding code carries its severity into the registry.
    for code in FindingCode::ALL {
        let info = code_info(code.as_str()).expect("registered above");
        assert_eq!(info.severity, Some(code.severity()), "{code}");
    }
    assert_eq!(
        code_info("flow.node.unreachable").and_then(|c| c.severity),
        Some(Severity::Warning)
    );
}

#[test]
fn the_import_lists_match_the_registry() {
    #[cfg(feature = "import")]
    {
        let errors: Vec<&str> = ImportCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(sequenza::import::ERROR_CODES, errors.as_slice());
        let rejections: Vec<&str> = RejectionCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(sequenza::import::REJECTION_CODES, rejections.as_slice());
    }
}

/// Every code-shaped string literal in the core and binding sources (code, doctests, tests) is
/// a registered code: a code produced anywhere is in the registry, and no test expects a code
/// that does not exist.
#[test]
fn every_code_in_the_sources_is_registered() {
    let root = root();
    let mut sources = Vec::new();
    for dir in [
        "core/src",
        "core/tests",
        "bindings-python/src",
        "bindings-node/src",
        "bindings-wasm/src",
    ] {
        files(&root.join(dir), "rs", &mut sources);
    }
    assert!(sources.len() > 50, "sources not found under {root:?}");
    let mut unknown: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for path in &sources {
        let text = fs::read_to_string(path).expect("readable source");
        for code in code_literals(&text) {
            if code_info(&code).is_none() {
                unknown.entry(code).or_default().push(
                    path.strip_prefix(&root)
                        .unwrap_or(path)
                        .display()
                        .to_string(),
                );
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "codes not in the registry: {unknown:#?}"
    );
}

/// Every registered code is produced by a test: named by a Rust test (an integration test, a
/// unit test, a doctest), a binding test or expected by a shared vector.
#[test]
fn every_registered_code_is_produced_by_a_test() {
    let root = root();
    let mut tested = String::new();
    let mut rust = Vec::new();
    files(&root.join("core/tests"), "rs", &mut rust);
    for path in &rust {
        if path.ends_with("error_codes.rs") {
            continue;
        }
        tested.push_str(&fs::read_to_string(path).expect("readable test"));
    }
    let mut src = Vec::new();
    files(&root.join("core/src"), "rs", &mut src);
    for path in &src {
        if path.ends_with("error/registry.rs") {
            continue; // the registry itself
        }
        tested.push_str(&test_part(
            &fs::read_to_string(path).expect("readable source"),
        ));
    }
    // The binding suites run the same operations from each language.
    for (dir, ext) in [
        ("bindings-python/tests", "py"),
        ("bindings-node/tests", "mjs"),
        ("bindings-wasm/tests", "mjs"),
    ] {
        let mut found = Vec::new();
        files(&root.join(dir), ext, &mut found);
        for path in &found {
            tested.push_str(&fs::read_to_string(path).expect("readable test"));
        }
    }
    let mut vectors = Vec::new();
    files(&root.join("core/tests/vectors"), "json", &mut vectors);
    assert!(!vectors.is_empty(), "no vector files");
    for path in &vectors {
        tested.push_str(&fs::read_to_string(path).expect("readable vector"));
    }
    let produced: BTreeSet<String> = code_literals(&tested).into_iter().collect();
    let missing: Vec<&str> = codes()
        .iter()
        .map(|c| c.code)
        .filter(|c| !produced.contains(*c))
        .filter(|c| !NOT_PRODUCIBLE.iter().any(|(n, _)| n == c))
        .collect();
    assert!(
        missing.is_empty(),
        "registered codes no test produces: {missing:?}"
    );
    for (code, why) in NOT_PRODUCIBLE {
        assert!(code_info(code).is_some(), "{code} is not registered");
        assert!(
            !produced.contains(*code),
            "{code} is produced by a test now: remove it from NOT_PRODUCIBLE ({why})"
        );
    }
}
