"""Flow validation, side by side on the same documents, in one run:

* sequenza's Python binding: parse + full validation (structure, graph, content, merge fields);
* the `jsonschema` package checking the same document against the committed flow JSON Schema
  (structure only: the schema cannot see graphs, merge fields or time zones);
* `fastjsonschema` (compiled JSON Schema validator), same schema, same documents.

Inputs come from `cargo run -p sequenza-benches --bin gen-bench-data` (benches/data/).
Run: `make bench` (or `python benches/peers/validate_flows.py` inside the venv).
"""

from __future__ import annotations

import json
import pathlib
import statistics
import time

import fastjsonschema
import jsonschema

import sequenza

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "benches" / "data"


def best_of(fn, repeat: int = 7, min_time: float = 0.2) -> float:
    """Median seconds per call over `repeat` batches of at least `min_time` each."""
    calls = 1
    while True:
        t = time.perf_counter()
        for _ in range(calls):
            fn()
        if time.perf_counter() - t >= min_time / 4:
            break
        calls *= 2
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - t) / calls)
    return statistics.median(samples)


def fmt(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:8.1f} µs"
    return f"{seconds * 1e3:8.2f} ms"


def main() -> None:
    schema = json.loads((ROOT / "core" / "schema" / "flow.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    fast = fastjsonschema.compile(schema)
    fields = (DATA / "fields.json").read_text()
    print(f"{'nodes':>6} | {'sequenza parse+validate':>24} | {'jsonschema (py)':>16} | {'fastjsonschema':>15} | speed-up vs jsonschema")
    for n in (100, 1_000, 10_000):
        text = (DATA / f"flow_{n}.json").read_text()
        assert sequenza.validate_flow(sequenza.Flow.from_json(text), fields) == []
        assert validator.is_valid(json.loads(text))
        ours = best_of(lambda: sequenza.validate_flow(sequenza.Flow.from_json(text), fields))
        theirs = best_of(lambda: validator.is_valid(json.loads(text)), repeat=3)
        compiled = best_of(lambda: fast(json.loads(text)), repeat=3)
        print(f"{n:>6} | {fmt(ours):>24} | {fmt(theirs):>16} | {fmt(compiled):>15} | {theirs / ours:6.1f}x")


if __name__ == "__main__":
    main()
