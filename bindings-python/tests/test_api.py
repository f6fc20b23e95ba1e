"""The Python API surface: classes, functions, inputs, outputs and errors."""

import ast
import json
from pathlib import Path

import pytest

import sequenza
from conftest import FIELDS, ROOT, simple_flow

FINDING_KEYS = {"code", "severity", "flow", "node", "path", "message"}


def panic_type():
    """pyo3's PanicException (a BaseException): it must never reach Python."""
    try:
        import pyo3_runtime  # type: ignore[import-not-found]

        return pyo3_runtime.PanicException
    except ImportError:
        return None


# ---- Flow ------------------------------------------------------------------------------------


def test_flow_properties(flow_dict):
    flow = sequenza.Flow.from_json(flow_dict)
    assert flow.id == "welcome"
    assert flow.name == "Welcome"
    assert flow.status == "draft"  # the default
    assert flow.version == 1  # the default

    flow = sequenza.Flow.from_json(simple_flow(status="active", version=7))
    assert (flow.status, flow.version) == ("active", 7)
    assert isinstance(flow.version, int)


@pytest.mark.parametrize("status", ["draft", "active", "paused", "archived"])
def test_every_status(status):
    assert sequenza.Flow.from_json(simple_flow(status=status)).status == status


@pytest.mark.parametrize("attr", ["id", "name", "status", "version"])
def test_properties_are_read_only(flow_dict, attr):
    flow = sequenza.Flow.from_json(flow_dict)
    with pytest.raises(AttributeError):
        setattr(flow, attr, "x")


def test_flow_cannot_be_built_directly():
    with pytest.raises(TypeError):
        sequenza.Flow()


def test_to_json_round_trip(flow_dict):
    flow = sequenza.Flow.from_json(flow_dict)
    text = flow.to_json()
    assert isinstance(text, str) and "\n" not in text
    again = sequenza.Flow.from_json(text)
    assert again.to_json() == text

    pretty = flow.to_json(pretty=True)
    assert "\n" in pretty
    assert json.loads(pretty) == json.loads(text)
    assert flow.to_json(True) == pretty
    assert flow.to_json(pretty=False) == text


def test_to_dict_round_trip(flow_dict):
    flow = sequenza.Flow.from_json(flow_dict)
    data = flow.to_dict()
    assert isinstance(data, dict)
    assert data == json.loads(flow.to_json())
    assert data["id"] == "welcome" and data["nodes"][0]["id"] == "hello"
    assert sequenza.Flow.from_json(data).to_dict() == data
    # to_dict returns a fresh dict each time: changing it does not change the flow
    data["name"] = "changed"
    assert flow.name == "Welcome"


def test_canonical_form_fills_defaults(flow_dict):
    data = sequenza.Flow.from_json(flow_dict).to_dict()
    assert data["status"] == "draft"
    assert data["version"] == 1
    assert data["edges"][0]["label"] == "next"


def test_outline(flow_dict):
    outline = sequenza.Flow.from_json(flow_dict).outline()
    assert isinstance(outline, str)
    assert "Welcome" in outline
    assert "hello" in outline and "end" in outline
    assert len(outline.splitlines()) > 2


def test_repr(flow_dict):
    flow = sequenza.Flow.from_json(simple_flow(name="L'estate \"calda\"", status="paused", version=2))
    text = repr(flow)
    assert text.startswith("Flow(") and text.endswith(")")
    assert "id='welcome'" in text
    assert repr("L'estate \"calda\"") in text
    assert "status='paused'" in text and "version=2" in text


@pytest.mark.parametrize("kind", ["str", "bytes", "dict"])
def test_from_json_inputs(flow_dict, kind):
    text = json.dumps(flow_dict)
    data = {"str": text, "bytes": text.encode("utf-8"), "dict": flow_dict}[kind]
    flow = sequenza.Flow.from_json(data)
    assert flow.to_dict() == sequenza.Flow.from_json(text).to_dict()


def test_from_json_non_ascii(flow_dict):
    flow_dict["name"] = "Benvenuto! 🎉 città"
    for data in (flow_dict, json.dumps(flow_dict, ensure_ascii=False), json.dumps(flow_dict).encode()):
        assert sequenza.Flow.from_json(data).name == "Benvenuto! 🎉 città"


# ---- validation --------------------------------------------------------------------------------


def broken_flow():
    """A condition without its "no" branch: one flow.branch.missing error on node "check"."""
    return {
        "id": "broken",
        "name": "Broken",
        "triggers": [{"type": "event", "event": "signup"}],
        "start": "check",
        "nodes": [
            {"id": "check", "type": "condition", "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}},
            {"id": "bye", "type": "exit"},
        ],
        "edges": [{"from": "check", "to": "bye", "label": "yes"}],
    }


def test_validate_flow_findings_shape():
    findings = sequenza.validate_flow(broken_flow())
    assert isinstance(findings, list)
    assert [f["code"] for f in findings] == ["flow.branch.missing"]
    (f,) = findings
    assert isinstance(f, dict) and set(f) == FINDING_KEYS
    assert f["severity"] == "error"
    assert f["flow"] == "broken"
    assert f["node"] == "check"
    assert f["path"] == "/nodes/0"
    assert isinstance(f["message"], str) and f["message"]


def test_flow_level_finding_has_no_node():
    findings = sequenza.validate_flow(simple_flow(triggers=[]))
    trigger = [f for f in findings if f["code"] == "flow.trigger.none"]
    assert trigger and trigger[0]["node"] is None


def test_valid_flow_has_no_findings(flow_dict):
    assert sequenza.validate_flow(flow_dict, fields=FIELDS) == []
    assert sequenza.validate_flow(flow_dict) == []


@pytest.mark.parametrize("kind", ["flow", "str", "bytes", "dict"])
def test_validate_flow_inputs(kind):
    data = broken_flow()
    text = json.dumps(data)
    arg = {
        "flow": sequenza.Flow.from_json(data),
        "str": text,
        "bytes": text.encode(),
        "dict": data,
    }[kind]
    assert [f["code"] for f in sequenza.validate_flow(arg)] == ["flow.branch.missing"]


@pytest.mark.parametrize("kind", ["str", "bytes", "dict"])
def test_validate_flow_fields_inputs(kind):
    flow = simple_flow(nodes=[
        {"id": "hello", "type": "send", "channel": "sms", "content": {"body": "Ciao {{ nome }}!"}},
        {"id": "end", "type": "exit"},
    ])
    fields = {"str": json.dumps(FIELDS), "bytes": json.dumps(FIELDS).encode(), "dict": FIELDS}[kind]
    findings = sequenza.validate_flow(flow, fields=fields)
    assert [f["code"] for f in findings] == ["flow.merge_field.unknown"]
    assert findings[0]["path"] == "/nodes/0/content/body"
    # without fields the check does not run; None is the same as leaving it out
    assert sequenza.validate_flow(flow) == []
    assert sequenza.validate_flow(flow, None) == []
    assert sequenza.validate_flow(flow, fields=None) == []


def keyword_flow(flow_id):
    return {
        "id": flow_id,
        "name": flow_id,
        "status": "active",
        "triggers": [{"type": "inbound_message", "channel": "whatsapp", "match": {"kind": "keyword", "keywords": ["Sconto"]}}],
        "start": "x",
        "nodes": [{"id": "x", "type": "exit"}],
    }


def test_validate_flows_across_flows():
    a, b = keyword_flow("a"), keyword_flow("b")
    codes = [f["code"] for f in sequenza.validate_flows([a, b])]
    assert "flows.keyword.duplicate" in codes
    # each flow alone is fine
    assert sequenza.validate_flows([a]) == []
    assert sequenza.validate_flows([]) == []


def test_validate_flows_inputs():
    a, b = keyword_flow("a"), keyword_flow("b")
    expected = sorted(f["code"] for f in sequenza.validate_flows([a, b]))
    mixed = [sequenza.Flow.from_json(a), json.dumps(b)]
    for flows in (mixed, tuple(mixed), iter(mixed), (x for x in [a, json.dumps(b).encode()])):
        findings = sequenza.validate_flows(flows, fields=FIELDS)
        assert sorted(f["code"] for f in findings) == expected
        assert all(set(f) == FINDING_KEYS for f in findings)


def test_validate_flows_includes_per_flow_findings():
    codes = [f["code"] for f in sequenza.validate_flows([broken_flow(), simple_flow()])]
    assert codes == ["flow.branch.missing"]


def test_finding_codes():
    codes = sequenza.finding_codes()
    assert isinstance(codes, list) and codes
    names = [c["code"] for c in codes]
    assert len(names) == len(set(names))
    for c in codes:
        assert set(c) == {"code", "severity", "description"}
        assert c["severity"] in ("error", "warning")
        assert isinstance(c["description"], str) and c["description"]
    assert {"flow.branch.missing", "flow.merge_field.unknown", "flows.keyword.duplicate"} <= set(names)
    assert dict((c["code"], c["severity"]) for c in codes)["flow.node.unreachable"] == "warning"


def test_finding_severity_matches_codes():
    severity = {c["code"]: c["severity"] for c in sequenza.finding_codes()}
    for f in sequenza.validate_flow(broken_flow()) + sequenza.validate_flow(simple_flow(triggers=[])):
        assert f["severity"] == severity[f["code"]]


def test_flow_schema():
    text = sequenza.flow_schema()
    assert isinstance(text, str)
    schema = json.loads(text)
    assert schema["title"] == "Flow"
    assert schema["type"] == "object"
    assert {"id", "name", "triggers", "start", "nodes"} <= set(schema["properties"])
    assert schema == json.loads((ROOT / "core" / "schema" / "flow.schema.json").read_text(encoding="utf-8"))


# ---- errors ----------------------------------------------------------------------------------


def test_exception_classes():
    assert issubclass(sequenza.SequenzaError, Exception)
    assert issubclass(sequenza.FlowFormatError, sequenza.SequenzaError)
    assert sequenza.SequenzaError.__module__ == "sequenza"
    assert sequenza.FlowFormatError.__module__ == "sequenza"
    # raised from Python, the attributes still exist (as None)
    err = sequenza.FlowFormatError("by hand")
    assert (err.code, err.path, err.line, err.column, err.message) == (None, None, None, None, None)


def test_invalid_flow_error():
    text = '{"id": "x", "name": "x", "triggers": [{"type": "telepathy"}]}'
    with pytest.raises(sequenza.FlowFormatError) as info:
        sequenza.Flow.from_json(text)
    err = info.value
    assert err.code == "format.invalid"
    assert err.path == "/triggers/0/type"
    assert err.line == 1 and isinstance(err.column, int) and err.column > 0
    assert "telepathy" in err.message
    assert err.message in str(err) and "/triggers/0/type" in str(err)
    assert err.args == (str(err),)


def test_syntax_error_has_line_and_column():
    with pytest.raises(sequenza.SequenzaError) as info:
        sequenza.Flow.from_json('{\n  "id": ,\n}')
    err = info.value
    assert type(err) is sequenza.FlowFormatError
    assert err.code == "format.syntax"
    assert (err.line, err.column) == (2, 9)
    assert err.path == "/id"
    assert "line 2, column 9" in str(err)


def test_eof_error():
    with pytest.raises(sequenza.FlowFormatError) as info:
        sequenza.Flow.from_json('{"id": "x"')
    assert info.value.code == "format.eof"
    assert info.value.path == ""


def test_error_from_dict_input_has_path():
    with pytest.raises(sequenza.FlowFormatError) as info:
        sequenza.Flow.from_json(simple_flow(name=3))
    assert info.value.code == "format.invalid"
    assert info.value.path == "/name"


def test_error_from_bytes_input():
    with pytest.raises(sequenza.FlowFormatError) as info:
        sequenza.Flow.from_json(b'{"id": "f",\n "name": 3}')
    assert (info.value.path, info.value.line) == ("/name", 2)


def test_bad_flow_in_validate_raises():
    with pytest.raises(sequenza.FlowFormatError):
        sequenza.validate_flow("{not json")
    with pytest.raises(sequenza.FlowFormatError) as info:
        sequenza.validate_flows([simple_flow(), simple_flow(nodes="x")])
    assert info.value.path == "/nodes"


def test_bad_fields_raise():
    with pytest.raises(sequenza.FlowFormatError) as info:
        sequenza.validate_flow(simple_flow(), fields={"fields": [{"key": "a", "type": "nope"}]})
    assert info.value.code == "format.invalid"
    assert info.value.path == "/fields/0/type"
    with pytest.raises(sequenza.FlowFormatError):
        sequenza.validate_flows([simple_flow()], fields="[")


@pytest.mark.parametrize("bad", [42, 4.2, None, True, ["{}"], object(), bytearray(b"{}")])
def test_from_json_wrong_type(bad):
    with pytest.raises(TypeError, match="data must be str, bytes or dict"):
        sequenza.Flow.from_json(bad)


def test_wrong_argument_types():
    flow = sequenza.Flow.from_json(simple_flow())
    with pytest.raises(TypeError, match="flow must be"):
        sequenza.validate_flow(42)
    with pytest.raises(TypeError, match="fields must be"):
        sequenza.validate_flow(flow, fields=42)
    with pytest.raises(TypeError, match="fields must be"):
        sequenza.validate_flows([flow], fields=[])
    for bad in ("[]", b"[]", {"a": 1}, 42, None):
        with pytest.raises(TypeError, match="flows must be"):
            sequenza.validate_flows(bad)
    with pytest.raises(TypeError, match="every item of flows"):
        sequenza.validate_flows([flow, 42])
    with pytest.raises(TypeError):
        flow.to_json(pretty="yes")
    with pytest.raises(TypeError):
        sequenza.validate_flow()
    with pytest.raises(TypeError):
        sequenza.Flow.from_json(simple_flow(), "extra")
    with pytest.raises(TypeError):
        sequenza.validate_flow(flow, unknown=1)
    with pytest.raises(TypeError):  # a dict that json.dumps cannot serialise
        sequenza.Flow.from_json(simple_flow(name={1, 2}))


def test_unserialisable_and_undecodable_inputs():
    with pytest.raises(ValueError):  # NaN is not JSON
        sequenza.Flow.from_json(simple_flow(version=float("nan")))
    with pytest.raises(UnicodeDecodeError):
        sequenza.Flow.from_json(b'{"id": "\xff"}')


def nested_condition(depth):
    cond = {"type": "tags", "op": "has_any", "tags": ["vip"]}
    for _ in range(depth):
        cond = {"type": "not", "condition": cond}
    return cond


HOSTILE = [
    "",
    " ",
    "null",
    "[]",
    "{}",
    "\x00",
    "{" * 10_000,
    "[" * 10_000,
    '{"id": "x", "name": "n", "version": 99999999999999999999}',
    '{"id": "x", "name": "n", "version": -1}',
    '{"id": "\\ud800", "name": "n"}',
    json.dumps(simple_flow(start="nowhere", edges=[{"from": "a", "to": "b"}])),
    json.dumps(simple_flow(nodes=[])),
    json.dumps(simple_flow(nodes=[{"id": "hello", "type": "exit"}] * 3)),
    json.dumps(simple_flow(edges=[{"from": "hello", "to": "hello"}])),
    json.dumps(simple_flow(nodes=[
        {"id": "c", "type": "condition", "condition": nested_condition(100)},
        {"id": "x", "type": "exit"},
    ], start="c")),
    json.dumps(simple_flow(nodes=[
        {"id": "c", "type": "condition", "condition": nested_condition(500)},
    ], start="c")),
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_never_panics(text):
    """A hostile document is a FlowFormatError or findings: never a panic across the FFI."""
    panic = panic_type()
    try:
        flow = sequenza.Flow.from_json(text)
    except sequenza.FlowFormatError as err:
        assert err.code in ("format.syntax", "format.eof", "format.invalid")
        return
    except BaseException as err:  # noqa: BLE001 - a PanicException is a BaseException
        if panic is not None and isinstance(err, panic):
            pytest.fail(f"panic crossed the FFI: {err!r}")
        raise
    findings = sequenza.validate_flow(flow, fields=FIELDS)
    findings += sequenza.validate_flows([flow, flow], fields=FIELDS)
    assert all(set(f) == FINDING_KEYS for f in findings)
    flow.outline()
    assert sequenza.Flow.from_json(flow.to_json()).to_json() == flow.to_json()


# ---- packaging: stubs, py.typed, docstrings -----------------------------------------------------

PACKAGE = Path(sequenza.__file__).resolve().parent


def test_py_typed_and_stubs_exist():
    assert (PACKAGE / "py.typed").is_file()
    assert (PACKAGE / "__init__.pyi").is_file()


def test_stubs_match_module():
    tree = ast.parse((PACKAGE / "__init__.pyi").read_text(encoding="utf-8"))
    declared = set()
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            declared.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            declared.add(node.target.id)
        elif isinstance(node, ast.Assign):
            declared.update(t.id for t in node.targets if isinstance(t, ast.Name))
    stub_only = {"Finding", "FindingCode", "JsonDocument", "Instant", "TableLike", "MembershipDelta",
                 "Weekday", "Window", "Decision", "Channel", "SentEntry", "__all__",
                 "ListChange", "TriggerHit", "MemberPage", "CsvSource", "Rejection", "ErrorCode"}
    stub_only |= {"Published", "Refusal", "EnrollOutcome", "Effect", "Outcome", "ApiResponse",
                  "HandlerReply", "Handler", "EnrollmentView", "HistoryEntry"}
    stub_only |= {"PreviewContact", "ScheduleConflict"}  # preview_schedule (issue 12 §2)
    assert declared - stub_only == set(sequenza.__all__)
    for name in sequenza.__all__:
        assert hasattr(sequenza, name), name


def test_everything_has_a_docstring():
    assert sequenza.__doc__
    for name in sequenza.__all__:
        if name == "__version__":
            continue
        assert getattr(sequenza, name).__doc__, name
    for name in ("from_json", "id", "name", "status", "version", "to_json", "to_dict", "outline"):
        assert getattr(sequenza.Flow, name).__doc__, f"Flow.{name}"


def test_version():
    assert isinstance(sequenza.__version__, str) and sequenza.__version__.count(".") == 2


def test_error_classes_by_area_and_the_code_registry():
    codes = sequenza.error_codes()
    by_code = {c["code"]: c for c in codes}
    assert by_code["time.zone.unknown"]["area"] == "time"
    assert by_code["format.invalid"]["area"] == "format"
    assert all(set(c) >= {"code", "area", "meaning"} for c in codes)
    # One class per area, all under SequenzaError; none shadows a builtin.
    import builtins

    for name in ("FlowFormatError", "ConditionSyntaxError", "ConditionError", "SegmentError", "TimeError",
                 "ListError", "CsvImportError", "JsonLogicError", "MergeSyntaxError", "FlowError",
                 "EngineError", "StoreError", "NaiveDatetimeError"):
        cls = getattr(sequenza, name)
        assert issubclass(cls, sequenza.SequenzaError) and not hasattr(builtins, name), name
    assert issubclass(sequenza.SegmentError, sequenza.ConditionError)
    with pytest.raises(sequenza.TimeError) as info:
        sequenza.SendPolicy(timezone="Mars/Olympus")
    e = info.value
    assert (e.area, e.code, e.path) == ("time", "time.zone.unknown", "/time_zone")
    assert e.code in by_code and e.row is None and e.report is None
    with pytest.raises(sequenza.SegmentError) as info:
        sequenza.SegmentIndex().register(sequenza.Segment.parse('in segment "ghost"', id="b"))
    assert (info.value.area, info.value.code) == ("segment", "segment.unknown")
    with pytest.raises(sequenza.JsonLogicError) as info:
        sequenza.jsonlogic_apply({"bogus": []})
    assert (info.value.area, info.value.operator) == ("jsonlogic", "bogus")
