"""Runs every case of the shared, language-neutral vectors in core/tests/vectors/.

The format is described in core/tests/vectors/README.md; every path inside a vector file is
relative to the repository root. A vector file that does not exist fails the suite (at collection); a file that exists is always run in full, and one without cases fails.

``SEQUENZA_VECTORS_DIR`` points the runner at another folder (to try the runner on vectors that
are not committed).
"""

import json
import os
from pathlib import Path

import pytest

import sequenza
from conftest import ROOT

VECTORS = Path(os.environ.get("SEQUENZA_VECTORS_DIR") or ROOT / "core" / "tests" / "vectors")


def _display(path):
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def load_cases(file_name):
    """pytest params ``(vector, case)``, one per case of ``file_name``."""
    path = VECTORS / file_name
    if not path.is_file():
        raise FileNotFoundError(f"{_display(path)} does not exist: a missing vector file fails")
    vector = json.loads(path.read_text(encoding="utf-8"))
    cases = vector.get("cases") if isinstance(vector, dict) else None
    if not cases:
        return [pytest.param(vector, None, id="no-cases")]
    params = []
    for i, case in enumerate(cases):
        label = case.get("name") or case.get("file") or ""
        params.append(pytest.param(vector, case, id=f"{i}-{label}"))
    return params


def read_text(rel):
    """The text of a file named relative to the repository root."""
    return (ROOT / rel).read_text(encoding="utf-8")


def fields_of(vector):
    rel = vector.get("fields")
    return read_text(rel) if rel else None


def check_findings(findings):
    """Every finding has the documented keys and values."""
    known = {c["code"] for c in sequenza.finding_codes()}
    for f in findings:
        assert set(f) == {"code", "severity", "flow", "node", "path", "message"}, f
        assert f["severity"] in ("error", "warning"), f
        assert f["code"] in known, f
        assert f["node"] is None or isinstance(f["node"], str), f
    return sorted(f["code"] for f in findings)


def require_case(vector, case, file_name):
    assert vector is not None
    assert case is not None, f"{file_name} exists but has no cases"


@pytest.mark.parametrize(("vector", "case"), load_cases("validate_flow.json"))
def test_validate_flow_vector(vector, case):
    require_case(vector, case, "validate_flow.json")
    flow = sequenza.Flow.from_json(read_text(case["file"]))
    findings = sequenza.validate_flow(flow, fields=fields_of(vector))
    assert check_findings(findings) == sorted(case["expect"]), case["file"]
    if "findings" in case:  # where each finding is: node and path as well as the code
        at = [{"code": f["code"], "node": f["node"], "path": f["path"]} for f in findings]
        at.sort(key=lambda f: f"{f['code']}\0{f['node'] or ''}\0{f['path']}")
        assert at == case["findings"], case["file"]


@pytest.mark.parametrize(("vector", "case"), load_cases("validate_flows.json"))
def test_validate_flows_vector(vector, case):
    require_case(vector, case, "validate_flows.json")
    flows = [sequenza.Flow.from_json(read_text(rel)) for rel in case["files"]]
    findings = sequenza.validate_flows(flows, fields=fields_of(vector))
    assert check_findings(findings) == sorted(case["expect"]), case.get("name")


@pytest.mark.parametrize(("vector", "case"), load_cases("format_errors.json"))
def test_format_error_vector(vector, case):
    require_case(vector, case, "format_errors.json")
    with pytest.raises(sequenza.FlowFormatError) as info:
        sequenza.Flow.from_json(case["json"])
    err = info.value
    assert isinstance(err, sequenza.SequenzaError)
    assert err.code == case["code"], err
    assert err.path == case["path"], err
    if "line" in case:
        assert err.line == case["line"], err
    if "column" in case:
        assert err.column == case["column"], err
    assert isinstance(err.message, str) and err.message
