"""The API-call parity vectors (core/tests/vectors/api_parity.json, format in its README): each
public operation with the result or the error (area, code, location) that the core, Node and
WebAssembly give too. A missing vector file fails the suite."""

import json
from datetime import timezone

import pytest

import sequenza
from sequenza import Audience, Engine, Recurrence, Segment, SendPolicy
from conftest import ROOT

VECTOR = ROOT / "core" / "tests" / "vectors" / "api_parity.json"
CASES = json.loads(VECTOR.read_text(encoding="utf-8"))["cases"]
LOCATION = ("path", "line", "column", "row", "csv_column", "column_name", "byte_offset",
            "flow", "node", "contact")


def _file(path):
    return (ROOT / path).read_text(encoding="utf-8")


def _iso(dt):
    return dt.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _fields(args):
    return _file(args["fields"]) if "fields" in args else None


def _validate(a):
    flow = _file(a["file"]) if "file" in a else a["json"]
    found = [{"code": f["code"], "node": f["node"], "path": f["path"]}
             for f in sequenza.validate_flow(flow, _fields(a))]
    return sorted(found, key=lambda f: json.dumps(f, sort_keys=True, separators=(",", ":")))


def _recurrence(a):
    policy = a.get("policy")
    if "rrule" in a:
        r = Recurrence.from_rrule(a["rrule"], a.get("time_zone"), policy)
    else:
        r = Recurrence(a["rule"], a.get("time_zone"), policy)
    return _iso(r.next_after(a["at"]))


def _lists(a):
    audience = Audience()
    for c in a["contacts"]:
        audience.upsert_contact(c, a["now"])
    return [audience.create_list(l, a["now"]) for l in a["lists"]]


# Engine construction and calls (issue 9 §4): the constructor's keywords, then the steps.
def _engine(a):
    engine = Engine(**a["config"])
    last = None
    for step in a["steps"]:
        call, now = step["call"], step["now"]
        if call == "publish":
            last = engine.publish(_file(step["file"]) if "file" in step else step["flow"], now)
        elif call == "enroll":
            last = engine.enroll(step["flow"], step["contacts"], now)
        elif call == "ack":
            last = engine.ack(step["key"], step["outcome"], now)
        elif call == "tick":
            engine.tick(now)
            last = None
        else:
            raise AssertionError(f"unknown engine call {call}")
    return last


OPS = {
    "validate_flow": _validate,
    "parse_condition": lambda a: Segment.parse(a["text"]).to_dict(),
    "check_condition": lambda a: Segment.from_json(a["condition"]).check(_fields(a)),
    "segment_matches": lambda a: Segment.from_json(a["condition"]).matches(a["contact"], a["now"]),
    "send_policy_next_allowed": lambda a: _iso(
        SendPolicy.from_json(a["policy"]).next_allowed(a["at"], a.get("time_zone"))),
    "recurrence_next_after": _recurrence,
    "wait_end": lambda a: _iso(
        sequenza.wait_end(a["wait"], a["at"], a.get("time_zone"), date=a.get("date"))),
    "local_to_utc": lambda a: _iso(sequenza.local_to_utc(a["local"], a["time_zone"])),
    "create_lists": _lists,
    "preview_csv": lambda a: sequenza.preview_csv(a["csv"].encode(), **a["options"]) and None,
    "jsonlogic_apply": lambda a: sequenza.jsonlogic_apply(a["rule"], a["data"]),
    "engine": _engine,
}


def test_every_op_has_a_driver():
    assert {c["op"] for c in CASES} <= set(OPS)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_api_call(case):
    call = OPS[case["op"]]
    if "result" in case:
        assert call(case["args"]) == case["result"]
        return
    with pytest.raises(sequenza.SequenzaError) as info:
        call(case["args"])
    err = info.value
    got = {"area": err.area, "code": err.code}
    got.update({k: getattr(err, k) for k in LOCATION if getattr(err, k) is not None})
    assert {k: got.get(k) for k in case["error"]} == case["error"]
