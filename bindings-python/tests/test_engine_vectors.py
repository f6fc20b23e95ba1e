"""Runs the shared engine scenario vectors (core/tests/vectors/engine_scenarios.json) through
``sequenza.Engine``: each step ``{"now", "op", "args", "expect"}`` is one method call, and its
result must contain ``expect`` exactly as core/tests/engine_vectors.rs checks it (objects by key,
arrays element by element with the same length). A missing vector file fails.
"""

import datetime
import json

import pytest

import sequenza
from conftest import ROOT

VECTOR = ROOT / "core" / "tests" / "vectors" / "engine_scenarios.json"


def _load():
    assert VECTOR.is_file(), f"{VECTOR} is missing: the engine scenario vectors must exist"
    vector = json.loads(VECTOR.read_text(encoding="utf-8"))
    scenarios = vector.get("scenarios")
    assert scenarios, f"{VECTOR} has no scenarios"
    return vector, scenarios


VECTOR_DATA, SCENARIOS = _load()


def contains(actual, expected):
    """``expected`` is contained in ``actual`` (the rule of the Rust runner)."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            (k in actual and contains(actual[k], v)) or (v is None and k not in actual)
            for k, v in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(contains(a, e) for a, e in zip(actual, expected))
        )
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(actual) is type(expected) and actual == expected
    return actual == expected


def instant(text):
    """An RFC 3339 instant as an aware datetime (so the converter is exercised)."""
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def rfc3339(dt):
    """An aware datetime as the core writes instants: UTC, ``Z``, fractions only when present."""
    dt = dt.astimezone(datetime.timezone.utc)
    text = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if dt.microsecond:
        text += f".{dt.microsecond:06d}".rstrip("0")
    return text + "Z"


class EveryRoute(dict):
    """Delivery handlers for every route: each effect is recorded and acknowledged as
    delivered (an API call with ``response`` when the step gives one)."""

    def __init__(self, response):
        super().__init__()
        self.response = response
        self.seen = []

    def __missing__(self, route):
        def handler(effect):
            self.seen.append(effect)
            if effect["kind"] == "api_call" and self.response is not None:
                return {"outcome": "delivered", "response": self.response}
            return "delivered"

        return handler


def step(eng, s):
    """Runs one step; returns its result in the core's JSON form, or ``{"error", "path"}``."""
    op = s["op"]
    args = s.get("args") or {}
    now = instant(s["now"])
    try:
        if op == "publish":
            flow = (ROOT / args["file"]).read_text(encoding="utf-8") if "file" in args else args["flow"]
            # Versions (issue 12): `in_flight` / `node_map` as keyword arguments when given.
            kwargs = {k: args[k] for k in ("in_flight", "node_map") if k in args}
            return eng.publish(flow, now, **kwargs)
        if op == "set_status":
            return eng.set_status(args["flow"], args["status"], now)
        if op == "upsert_contact":
            return eng.upsert_contact(args["contact"], now)
        if op == "remove_contact":
            return eng.remove_contact(args["contact"], now)
        if op == "record_event":
            return eng.record_event(args["event"], now)
        if op == "upsert_contacts":
            return eng.upsert_contacts(args["contacts"], now)
        if op == "record_events":
            return eng.record_events(args["events"], now)
        if op == "receive_message":
            return eng.receive_message(args["message"], now)
        if op == "enroll":
            return eng.enroll(args["flow"], args["contacts"], now)
        if op == "enroll_matching":
            return eng.enroll_matching(args["flow"], now)
        if op == "feed_items":
            return eng.feed_items(args["url"], args["items"], now)
        if op == "tick":
            return eng.tick(now)
        if op == "next_wakeup":
            wake = eng.next_wakeup()
            return None if wake is None else rfc3339(wake)
        if op == "ack":
            return eng.ack(args["key"], args["outcome"], now, args.get("response"))
        if op == "deliver":
            handlers = EveryRoute(args.get("response"))
            done = eng.deliver(handlers, now)
            assert done == len(handlers.seen)
            return handlers.seen
        if op == "create_list":
            return eng.create_list(args["list"], now)
        if op == "register_segment":
            return eng.register_segment(args["segment"], now)
        if op == "add_to_list":
            return eng.add_to_list(args["list"], args["contact"], now)
        if op == "remove_from_list":
            return eng.remove_from_list(args["list"], args["contact"], now)
        if op == "effects":
            return eng.effects()
        if op == "enrollments":
            return eng.enrollments(flow=args.get("flow"), contact=args.get("contact"))
        if op == "history":
            return eng.history(args["contact"], flow=args.get("flow"))
        if op == "stats":
            return eng.stats(args["flow"])
        # ---- versions and contacts in flight (issue 12) ----
        if op == "duplicate":
            return eng.duplicate(args["flow"], args["new_id"], now)
        if op == "skip_wait":
            return eng.skip_wait(args["flow"], args["contact"], now, by=args.get("by"))
        if op == "move_to":
            return eng.move_to(args["flow"], args["contact"], args["node"], now, by=args.get("by"))
        if op == "cancel":
            return eng.cancel(args["flow"], args["contact"], now, by=args.get("by"))
    except sequenza.SequenzaError as e:
        return {"error": e.code, "path": e.path}
    raise AssertionError(f"unknown op {op!r}")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_engine_scenario(scenario, vector_data=None):
    vector_data = VECTOR_DATA if vector_data is None else vector_data
    config = dict(scenario.get("config") or {})
    if config.get("fields") is None and vector_data.get("fields"):
        config["fields"] = (ROOT / vector_data["fields"]).read_text(encoding="utf-8")
    eng = sequenza.Engine(**config)
    for i, s in enumerate(scenario["steps"]):
        got = step(eng, s)
        where = f"{scenario['name']} / step {i} ({s['op']})"
        if "expect" in s:
            assert contains(got, s["expect"]), (
                f"{where}:\nexpected (contained in the result)\n"
                f"{json.dumps(s['expect'], indent=2, ensure_ascii=False)}\n"
                f"got\n{json.dumps(got, indent=2, ensure_ascii=False, default=str)}"
            )
        else:
            assert not (isinstance(got, dict) and "error" in got), f"{where}: unexpected error {got}"


def test_every_op_of_the_vectors_is_driven():
    ops = {s["op"] for sc in SCENARIOS for s in sc["steps"]}
    driven = {
        "publish", "set_status", "upsert_contact", "remove_contact", "record_event",
        "receive_message", "enroll", "enroll_matching", "feed_items", "tick", "next_wakeup",
        "ack", "deliver", "create_list", "register_segment", "add_to_list", "remove_from_list",
        "effects", "enrollments", "history", "stats",
    }
    assert ops <= driven, f"ops without a driver: {sorted(ops - driven)}"


# ---- versions and contacts in flight (issue 12): core/tests/vectors/engine_versions.json ----

VERSIONS = ROOT / "core" / "tests" / "vectors" / "engine_versions.json"


def _load_versions():
    assert VERSIONS.is_file(), f"{VERSIONS} is missing: the engine version vectors must exist"
    vector = json.loads(VERSIONS.read_text(encoding="utf-8"))
    assert vector.get("scenarios"), f"{VERSIONS} has no scenarios"
    return vector


VERSIONS_DATA = _load_versions()


@pytest.mark.parametrize(
    "scenario", VERSIONS_DATA["scenarios"], ids=[s["name"] for s in VERSIONS_DATA["scenarios"]]
)
def test_engine_versions_scenario(scenario):
    test_engine_scenario(scenario, VERSIONS_DATA)


def test_every_op_of_the_version_vectors_is_driven():
    ops = {s["op"] for sc in VERSIONS_DATA["scenarios"] for s in sc["steps"]}
    driven = {"publish", "upsert_contact", "enroll", "enrollments", "effects", "deliver", "history",
              "stats", "set_status", "tick", "next_wakeup", "duplicate", "skip_wait", "move_to", "cancel"}
    assert ops <= driven, f"ops without a driver: {sorted(ops - driven)}"


# ---- batch inputs (issue 12 §3): core/tests/vectors/engine_batch.json ----------------------------

BATCH = ROOT / "core" / "tests" / "vectors" / "engine_batch.json"
assert BATCH.is_file(), f"{BATCH} is missing: the batch vectors must exist"
BATCH_DATA = json.loads(BATCH.read_text(encoding="utf-8"))
assert BATCH_DATA.get("scenarios"), f"{BATCH} has no scenarios"


@pytest.mark.parametrize(
    "scenario", BATCH_DATA["scenarios"], ids=[s["name"] for s in BATCH_DATA["scenarios"]]
)
def test_engine_batch_scenario(scenario):
    test_engine_scenario(scenario, BATCH_DATA)


# ---- preview_schedule (issue 12 §2): core/tests/vectors/engine_preview.json ----------------------

PREVIEW_VECTOR = ROOT / "core" / "tests" / "vectors" / "engine_preview.json"
assert PREVIEW_VECTOR.is_file(), f"{PREVIEW_VECTOR} is missing: the preview vectors must exist"
PREVIEW_SCENARIOS = json.loads(PREVIEW_VECTOR.read_text(encoding="utf-8"))["scenarios"]
assert PREVIEW_SCENARIOS, f"{PREVIEW_VECTOR} has no scenarios"


def step_preview(eng, s):
    """``step``, with the ops ``preview_schedule`` and ``schedule_conflicts``."""
    calls = {"preview_schedule": eng.preview_schedule, "schedule_conflicts": eng.schedule_conflicts}
    if s["op"] not in calls:
        return step(eng, s)
    try:
        return calls[s["op"]](s["args"]["flow"], instant(s["now"]))
    except sequenza.SequenzaError as e:
        return {"error": e.code, "path": e.path}


@pytest.mark.parametrize("scenario", PREVIEW_SCENARIOS, ids=[s["name"] for s in PREVIEW_SCENARIOS])
def test_engine_preview_scenario(scenario):
    eng = sequenza.Engine(**(scenario.get("config") or {}))
    for i, s in enumerate(scenario["steps"]):
        got = step_preview(eng, s)
        where = f"{scenario['name']} / step {i} ({s['op']})"
        if "expect" in s:
            assert contains(got, s["expect"]), f"{where}: expected {s['expect']!r}, got {got!r}"
        else:
            assert not (isinstance(got, dict) and "error" in got), f"{where}: unexpected error {got}"
