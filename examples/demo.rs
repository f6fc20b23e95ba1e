//! `make demo`: validates every example flow, prints a readable outline of each and what the
//! validator says about the deliberately broken ones; then segments over generated contacts and
//! the time rules (recurrences across a DST change, zone fallback, a send planned through quiet
//! hours and a frequency cap); and the flow engine running every example flow over generated
//! contacts for 30 virtual days.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sequenza::{validate_flow, validate_flows, FieldSchema, Finding, Flow};

mod engine;
mod lists;
mod segments;
mod timing;

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    files
}

fn print_findings(findings: &[Finding]) {
    for f in findings {
        let node = f
            .node
            .as_ref()
            .map_or(String::new(), |n| format!(" (node {n})"));
        println!(
            "    {} {} at {}{node}: {}",
            f.severity.as_str(),
            f.code,
            f.path,
            f.message
        );
    }
}

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let fields = match std::fs::read_to_string(root.join("fields.json"))
        .map_err(|e| e.to_string())
        .and_then(|text| FieldSchema::from_json(&text).map_err(|e| e.to_string()))
    {
        Ok(f) => f,
        Err(e) => {
            eprintln!("examples/fields.json: {e}");
            return ExitCode::FAILURE;
        }
    };

    let mut flows = Vec::new();
    let mut dirty = 0;
    println!("# Example flows (examples/flows)\n");
    for path in json_files(&root.join("flows")) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                println!("{name}: cannot read: {e}");
                dirty += 1;
                continue;
            }
        };
        match Flow::from_json(&text) {
            Err(e) => {
                println!("{name}: {} — {e}", e.code());
                dirty += 1;
            }
            Ok(flow) => {
                println!("── {name}");
                print!("{}", flow.outline());
                let findings = validate_flow(&flow, Some(&fields));
                if findings.is_empty() {
                    println!("  ✓ valid\n");
                } else {
                    dirty += 1;
                    print_findings(&findings);
                    println!();
                }
                flows.push(flow);
            }
        }
    }

    let cross: Vec<Finding> = validate_flows(&flows, Some(&fields))
        .into_iter()
        .filter(|f| f.code.as_str().starts_with("flows."))
        .collect();
    println!(
        "# Checked together: {} flows, {} cross-flow findings",
        flows.len(),
        cross.len()
    );
    print_findings(&cross);
    dirty += cross.len();

    println!("\n# What the validator says about the broken examples (examples/flows/invalid)\n");
    for path in json_files(&root.join("flows/invalid")) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        match Flow::from_json(&text) {
            Err(e) => println!("{name}\n    error {}: {e}", e.code()),
            Ok(flow) => {
                println!("{name}");
                print_findings(&validate_flow(&flow, Some(&fields)));
            }
        }
    }

    if let Err(e) = segments::run() {
        eprintln!("segments: {} — {e}", e.code());
        return ExitCode::FAILURE;
    }
    if let Err(e) = lists::run() {
        eprintln!("lists: {} — {e}", e.code());
        return ExitCode::FAILURE;
    }
    if let Err(e) = lists::run_import() {
        eprintln!("import: {} — {e}", e.code());
        return ExitCode::FAILURE;
    }

    if let Err(e) = timing::run() {
        eprintln!("time: {e}");
        return ExitCode::FAILURE;
    }

    if let Err(e) = engine::run() {
        eprintln!("engine: {} — {e}", e.code());
        return ExitCode::FAILURE;
    }

    if dirty > 0 {
        eprintln!("\n{dirty} example flow(s) did not validate clean");
        return ExitCode::FAILURE;
    }
    println!("\nAll {} example flows are valid.", flows.len());
    ExitCode::SUCCESS
}
