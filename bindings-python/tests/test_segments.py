"""Segment, SegmentIndex, jsonlogic_apply and their errors."""

import datetime as dt
import json
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import sequenza
from test_api import panic_type

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
VIP_MILANO = 'city = "Milano" and tags has any ("vip")'
ANNA = {"id": "anna", "fields": {"city": "Milano"}, "tags": ["vip"]}


# ---- building segments -------------------------------------------------------------------------


def test_parse_and_print():
    seg = sequenza.Segment.parse(VIP_MILANO, id="vip-mi", name="VIP a Milano")
    assert (seg.id, seg.name) == ("vip-mi", "VIP a Milano")
    assert seg.to_text() == VIP_MILANO == str(seg)
    assert seg.to_dict() == {
        "type": "and",
        "conditions": [
            {"type": "field", "field": "city", "op": "eq", "value": "Milano"},
            {"type": "tags", "op": "has_any", "tags": ["vip"]},
        ],
    }
    assert json.loads(seg.to_json()) == seg.to_dict()
    assert "\n" not in seg.to_json() and "\n" in seg.to_json(pretty=True)
    assert json.loads(seg.to_json(pretty=True)) == seg.to_dict()
    assert repr(seg) == f"Segment.parse({VIP_MILANO!r}, id='vip-mi', name='VIP a Milano')"
    plain = sequenza.Segment.parse("all()")
    assert (plain.id, plain.name) == (None, None)
    assert repr(plain) == "Segment.parse('all()', id=None, name=None)"


def test_from_json_inputs():
    seg = sequenza.Segment.parse(VIP_MILANO)
    condition = seg.to_dict()
    for data in (condition, json.dumps(condition), json.dumps(condition).encode()):
        again = sequenza.Segment.from_json(data)
        assert again.to_dict() == condition and again.id is None
    again = sequenza.Segment.from_json(condition, id="x", name="X")
    assert (again.id, again.name) == ("x", "X")


def test_from_json_segment_object():
    doc = {"id": "vip", "name": "VIP", "condition": {"type": "tags", "op": "has_any", "tags": ["vip"]}}
    seg = sequenza.Segment.from_json(doc)
    assert (seg.id, seg.name, seg.to_text()) == ("vip", "VIP", 'tags has any ("vip")')
    assert sequenza.Segment.from_json(json.dumps(doc), name="Renamed").name == "Renamed"
    # A `not` has a "condition" key too: it is a condition, not a segment object.
    neg = sequenza.Segment.from_json({"type": "not", "condition": doc["condition"]})
    assert neg.to_text() == 'not tags has any ("vip")' and neg.id is None
    with pytest.raises(sequenza.FlowFormatError) as info:
        sequenza.Segment.from_json({"id": "vip", "condition": doc["condition"]})
    assert info.value.code == "format.invalid"  # a segment object needs a name
    with pytest.raises(sequenza.FlowFormatError) as info:
        sequenza.Segment.from_json({**doc, "condition": {"type": "tags", "op": "has_some", "tags": []}})
    assert info.value.path == "/condition/op"


def test_from_json_errors():
    with pytest.raises(sequenza.FlowFormatError) as info:
        sequenza.Segment.from_json('{"type": "field", "field": "city",\n "op": "eq", "value": "x", "extra": 1}')
    err = info.value
    assert err.code == "format.invalid"
    assert err.path == "/extra"
    with pytest.raises(sequenza.FlowFormatError) as info:
        sequenza.Segment.from_json('{"type": "and", "conditions": [')
    assert info.value.code == "format.eof"
    with pytest.raises(sequenza.FlowFormatError) as info:
        sequenza.Segment.from_json('{"type": "and", "conditions": [{"type": "tags", "op": "has_any", "tags": [1]}]}')
    assert info.value.path == "/conditions/0/tags/0"
    for bad in (42, None, ["x"], object()):
        with pytest.raises(TypeError, match="data must be str, bytes or dict"):
            sequenza.Segment.from_json(bad)


def test_from_jsonlogic():
    rule = {"and": [
        {"==": [{"var": "city"}, "Milano"]},
        {"<=": [25, {"var": "score"}, 34]},
        {"in": ["vip", {"var": "tags"}]},
    ]}
    seg = sequenza.Segment.from_jsonlogic(rule, id="r")
    assert seg.to_text() == 'city = "Milano" and score between 25 and 34 and tags has any ("vip")'
    assert seg.id == "r"
    assert sequenza.Segment.from_jsonlogic(True).to_text() == "all()"
    with pytest.raises(sequenza.ConditionError) as info:
        sequenza.Segment.from_jsonlogic({"and": [{"==": [{"var": "a"}, 1]}, {"reduce": []}]})
    err = info.value
    assert err.code == "condition.jsonlogic.unsupported"
    assert err.path == "/and/1"
    assert (err.line, err.column) == (None, None)
    assert "reduce" in err.message and err.message in str(err)


def test_check():
    fields = {"fields": [{"key": "city", "type": "text"}, {"key": "score", "type": "number"}]}
    sequenza.Segment.parse('city = "Roma" and score > 3').check(fields)
    sequenza.Segment.parse('city = "Roma" and score > 3').check()  # no schema: values only
    with pytest.raises(sequenza.ConditionError) as info:
        sequenza.Segment.parse('city = "Roma" and score > "tre"').check(fields)
    assert (info.value.code, info.value.path) == ("condition.type_mismatch", "/conditions/1/value")
    with pytest.raises(sequenza.ConditionError) as info:
        sequenza.Segment.parse("citta is set").check(json.dumps(fields))
    assert (info.value.code, info.value.path) == ("condition.field.unknown", "/field")
    with pytest.raises(sequenza.ConditionError) as info:
        sequenza.Segment.parse('email matches "(unclosed"').check()
    assert info.value.code == "condition.regex.invalid"
    with pytest.raises(sequenza.FlowFormatError):
        sequenza.Segment.parse("all()").check({"fields": [{"key": "a", "type": "nope"}]})


def test_segments_are_immutable():
    seg = sequenza.Segment.parse("all()", id="a")
    for attr in ("id", "name"):
        with pytest.raises(AttributeError):
            setattr(seg, attr, "x")
    with pytest.raises(TypeError):
        sequenza.Segment()


# ---- matches -----------------------------------------------------------------------------------


def test_matches():
    seg = sequenza.Segment.parse(VIP_MILANO)
    assert seg.matches(ANNA, NOW) is True
    assert seg.matches({"id": "bruno", "fields": {"city": "Roma"}, "tags": ["vip"]}, NOW) is False
    assert seg.matches(json.dumps(ANNA), "2026-11-25T12:00:00Z")
    assert seg.matches(json.dumps(ANNA).encode(), now=NOW)
    # tags as a set are fine (written as a sorted list)
    assert seg.matches({"id": "anna", "fields": {"city": "Milano"}, "tags": {"vip", "x"}}, NOW)


def test_matches_now():
    seg = sequenza.Segment.parse("seen within last 1 hour")
    contact = {"id": "a", "fields": {"seen": "2026-11-25T11:30:00Z"}}
    assert seg.matches(contact, NOW)
    assert seg.matches(contact, NOW.astimezone(ZoneInfo("Asia/Tokyo")))
    assert seg.matches(contact, "2026-11-25T13:00:00+01:00")
    assert not seg.matches(contact, "2026-11-25T13:00:00Z")
    with pytest.raises(ValueError, match="naive") as info:
        seg.matches(contact, dt.datetime(2026, 11, 25, 12))
    assert "tzinfo=timezone.utc" in str(info.value)
    with pytest.raises(ValueError, match="RFC 3339"):
        seg.matches(contact, "2026-11-25")
    for bad in (None, 1764072000, dt.date(2026, 11, 25)):
        with pytest.raises(TypeError, match="now must be a timezone-aware datetime or an RFC 3339 string"):
            seg.matches(contact, bad)


def test_matches_datetime_values_in_contacts():
    seg = sequenza.Segment.parse("seen within last 1 hour and age >= 18")
    contact = {"id": "a", "fields": {
        "seen": dt.datetime(2026, 11, 25, 12, 30, tzinfo=ZoneInfo("Europe/Rome")),
        "birth_date": dt.date(2000, 1, 1),
    }}
    assert seg.matches(contact, NOW)
    contact["fields"]["seen"] = dt.datetime(2026, 11, 25, 11, 30)
    with pytest.raises(ValueError, match="naive"):
        seg.matches(contact, NOW)
    with pytest.raises(TypeError, match="not JSON serializable"):
        seg.matches({"id": "a", "fields": {"x": object()}}, NOW)


def test_matches_time_zone():
    seg = sequenza.Segment.parse("birth_date anniversary within 0 days")
    contact = {"id": "a", "fields": {"birth_date": "1990-11-26"}}
    late = "2026-11-25T23:30:00Z"
    assert not seg.matches(contact, late)
    assert seg.matches(contact, late, default_time_zone="Europe/Rome")
    assert not seg.matches({**contact, "time_zone": "America/New_York"}, late, default_time_zone="Europe/Rome")
    # The core's zone parser decides: `TimeError` `time.zone.unknown`, as from `SendPolicy`.
    with pytest.raises(sequenza.TimeError, match="IANA") as info:
        seg.matches(contact, late, default_time_zone="CET+1")
    assert info.value.code == "time.zone.unknown"


def test_matches_events():
    seg = sequenza.Segment.parse('sum of "amount" in "order.placed" within 30 days >= 100')
    events = [
        {"contact": "anna", "name": "order.placed", "at": "2026-11-20T10:00:00Z", "properties": {"amount": 60}},
        {"contact": "anna", "name": "order.placed", "at": NOW - dt.timedelta(days=1), "properties": {"amount": 50}},
    ]
    assert seg.matches(ANNA, NOW, events=events)
    assert seg.matches(ANNA, NOW, events=iter(events))
    assert not seg.matches(ANNA, NOW, events=events[:1])
    assert not seg.matches(ANNA, NOW)
    assert seg.matches(ANNA, NOW, events=[json.dumps(events[0]), {**events[1], "at": events[1]["at"].isoformat()}])
    with pytest.raises(sequenza.FlowFormatError) as info:
        seg.matches(ANNA, NOW, events=[{"contact": "anna", "name": "x"}])
    assert info.value.code == "format.invalid"
    with pytest.raises(TypeError, match="events must be"):
        seg.matches(ANNA, NOW, events=events[0])


def test_matches_segments():
    seg = sequenza.Segment.parse('in segment "vip" and not in segment "churn"')
    assert seg.matches(ANNA, NOW, segments=["vip"])
    assert seg.matches(ANNA, NOW, segments={"vip", "other"})
    assert not seg.matches(ANNA, NOW, segments=("vip", "churn"))
    assert not seg.matches(ANNA, NOW)
    assert not seg.matches(ANNA, NOW, segments=())
    with pytest.raises(TypeError, match="segments must be"):
        seg.matches(ANNA, NOW, segments="vip")
    with pytest.raises(TypeError, match="every item of segments"):
        seg.matches(ANNA, NOW, segments=[sequenza.Segment.parse("all()", id="vip")])


def test_matches_bad_contact():
    seg = sequenza.Segment.parse("all()")
    with pytest.raises(sequenza.FlowFormatError) as info:
        seg.matches({"id": "a", "tags": "vip"}, NOW)
    assert info.value.path == "/tags"
    with pytest.raises(sequenza.FlowFormatError):
        seg.matches({"fields": {}}, NOW)  # no id
    with pytest.raises(TypeError, match="contact must be"):
        seg.matches(["a"], NOW)
    with pytest.raises(ValueError):  # NaN is not JSON
        seg.matches({"id": "a", "fields": {"x": float("nan")}}, NOW)


def test_matches_compile_error_is_raised_every_time():
    seg = sequenza.Segment.parse('age between 40 and 30')
    for _ in range(2):
        with pytest.raises(sequenza.ConditionError) as info:
            seg.matches(ANNA, NOW)
        assert info.value.code == "condition.value.invalid"


# ---- jsonlogic_apply ---------------------------------------------------------------------------


def test_jsonlogic_apply():
    rule = {"or": [
        {"and": [{">=": [{"var": "age"}, 18]}, {"in": ["newsletter", {"var": "tags"}]}]},
        {"==": [{"var": "address.city"}, "Milano"]},
    ]}
    data = {"age": "34", "tags": ["vip", "newsletter"], "address": {"city": "Roma"}}
    assert sequenza.jsonlogic_apply(rule, data) is True
    assert sequenza.jsonlogic_apply({"+": [1, 1]}) == 2
    assert sequenza.jsonlogic_apply({"/": [1, 4]}) == 0.25
    assert sequenza.jsonlogic_apply({"var": "a"}, {"a": [1, {"b": None}]}) == [1, {"b": None}]
    assert sequenza.jsonlogic_apply({"cat": ["a", {"var": "d"}]}, {"d": dt.date(2026, 1, 2)}) == "a2026-01-02"
    assert sequenza.jsonlogic_apply("text") == "text"  # a str is a JSON string, not JSON text
    assert sequenza.jsonlogic_apply({"/": [1, 0]}) is None  # Infinity is null in JSON


def test_jsonlogic_errors():
    with pytest.raises(sequenza.JsonLogicError) as info:
        sequenza.jsonlogic_apply({"if": [{"var": "vip"}, {"cat": ["a", {"?": 1}]}, "b"]}, {"vip": True})
    err = info.value
    assert isinstance(err, sequenza.SequenzaError)
    assert (err.code, err.path) == ("jsonlogic.unknown_operator", "/if/1/cat/1")
    assert (err.line, err.column) == (None, None)
    assert err.message == "unknown JsonLogic operator `?`"
    assert str(err) == "unknown JsonLogic operator `?` at /if/1/cat/1"
    with pytest.raises(sequenza.JsonLogicError) as info:
        sequenza.jsonlogic_apply({"*": []})
    assert info.value.code == "jsonlogic.invalid_arguments"
    rule = True
    for _ in range(300):
        rule = {"!!": [rule]}
    with pytest.raises(sequenza.JsonLogicError) as info:
        sequenza.jsonlogic_apply(rule)
    assert info.value.code == "jsonlogic.too_deep"
    assert info.value.path.startswith("/!!/0/!!/0")
    for _ in range(1000):
        rule = {"!!": [rule]}
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)  # so that json.dumps gets that deep: the core's bound
    try:
        with pytest.raises(sequenza.FlowFormatError) as info:
            sequenza.jsonlogic_apply(rule)
        assert info.value.code == "format.syntax"
    finally:
        sys.setrecursionlimit(limit)
    with pytest.raises(ValueError):
        sequenza.jsonlogic_apply({"+": [float("inf"), 1]})
    with pytest.raises(TypeError):
        sequenza.jsonlogic_apply({"var": "a"}, {"a": object()})


# ---- error classes -----------------------------------------------------------------------------


def test_exception_classes():
    for cls in (sequenza.ConditionSyntaxError, sequenza.ConditionError, sequenza.JsonLogicError):
        assert issubclass(cls, sequenza.SequenzaError)
        assert cls.__module__ == "sequenza"
        assert cls.__doc__
        err = cls("by hand")
        assert (err.code, err.path, err.line, err.column, err.message) == (None,) * 5
    assert sequenza.ConditionSyntaxError("x").expected is None
    assert not issubclass(sequenza.ConditionError, sequenza.FlowFormatError)


def test_syntax_error_attributes():
    with pytest.raises(sequenza.SequenzaError) as info:
        sequenza.Segment.parse('age >= 18\n  and city == "Milano"')
    err = info.value
    assert type(err) is sequenza.ConditionSyntaxError
    assert err.code == "condition.syntax"
    assert (err.line, err.column) == (2, 12)
    assert err.path is None
    assert err.expected == ["a comparison operator"]
    assert err.found == "`==`"
    assert err.message.startswith("expected a comparison operator after `city`")
    assert str(err) == f"{err.message} (line 2, column 12)"
    assert err.args == (str(err),)


HOSTILE_TEXT = [
    "", " ", "(", ")", "and", "not", "city =", '"', "`", "city = \"\\u", "\x00", "\ud800",
    "(" * 10_000, "not " * 10_000 + "all()", "all(" * 5_000, "a = 1 " + "and a = 1 " * 5_000,
    'x matches "' + "(" * 1000 + '"', "age between 99999999999 and 1",
    'did "x" at least 99999999999 times', "x in (" + "1, " * 10_000 + ")",
]


@pytest.mark.parametrize("text", HOSTILE_TEXT, ids=range(len(HOSTILE_TEXT)))
def test_hostile_text_never_panics(text):
    panic = panic_type()
    try:
        seg = sequenza.Segment.parse(text)
        seg.check()
        seg.matches({"id": "a", "fields": {"x": "y", "a": 1}}, NOW)
        sequenza.Segment.parse(seg.to_text())
        sequenza.Segment.from_json(seg.to_json())
    except sequenza.SequenzaError as err:
        assert err.code.startswith(("condition.", "format.")), err
        assert isinstance(err.message, str)
    except UnicodeEncodeError:  # a lone surrogate is no text for Rust
        assert "\ud800" in text
    except BaseException as err:  # noqa: BLE001 - a PanicException is a BaseException
        if panic is not None and isinstance(err, panic):
            pytest.fail(f"panic crossed the FFI: {err!r}")
        raise


def nested(depth):
    cond = {"type": "tags", "op": "has_any", "tags": ["vip"]}
    for _ in range(depth):
        cond = {"type": "not", "condition": cond}
    return cond


@pytest.mark.parametrize("depth", [10, 63, 64, 65, 100, 126, 200, 2000])
def test_deep_conditions_are_errors_not_panics(depth):
    panic = panic_type()
    try:
        seg = sequenza.Segment.from_json(nested(depth))
        seg.matches(ANNA, NOW)
        seg.check()
    except sequenza.ConditionError as err:
        assert err.code == "condition.too_deep"
        assert err.path.startswith("/condition")
    except sequenza.FlowFormatError as err:  # JSON nested past what the reader accepts
        assert err.code in ("format.syntax", "format.invalid")
    except RecursionError:  # json.dumps of the dict itself
        assert depth >= 1000
    except BaseException as err:  # noqa: BLE001
        if panic is not None and isinstance(err, panic):
            pytest.fail(f"panic crossed the FFI: {err!r}")
        raise
    else:
        assert depth < 64


# ---- SegmentIndex ------------------------------------------------------------------------------


def test_index_flow():
    index = sequenza.SegmentIndex(default_time_zone="Europe/Rome")
    t0 = dt.datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    assert index.register(sequenza.Segment.parse(
        'did "order.placed" within 7 days', id="recent", name="Ordered this week")) == []
    assert index.register({"id": "milano", "name": "Milano",
                           "condition": {"type": "field", "field": "city", "op": "eq", "value": "Milano"}}, t0) == []
    assert index.register(sequenza.Segment.parse('in segment "recent" and in segment "milano"', id="both"), t0) == []
    assert index.next_wakeup() is None

    deltas = index.upsert_contact({"id": "anna", "fields": {"city": "Milano"}}, t0)
    assert deltas == [{"contact": "anna", "segment": "milano", "change": "entered", "at": t0}]
    assert deltas[0]["at"].tzinfo is not None and deltas[0]["at"].utcoffset() == dt.timedelta(0)

    deltas = index.add_event({"contact": "anna", "name": "order.placed", "at": t0}, "2026-11-01T09:00:00Z")
    assert [(d["segment"], d["change"]) for d in deltas] == [("recent", "entered"), ("both", "entered")]
    assert index.members("recent") == ["anna"] and index.members("nope") == []
    assert index.segments_of("anna") == ["milano", "recent", "both"]
    assert index.segments_of("nobody") == []
    assert index.is_member("both", "anna") and not index.is_member("both", "bruno")
    assert index.contact_count() == 1

    wake = index.next_wakeup()
    assert wake == dt.datetime(2026, 11, 8, 9, 0, tzinfo=UTC)
    assert index.tick(wake - dt.timedelta(seconds=1)) == []
    deltas = index.tick(wake + dt.timedelta(seconds=1))
    assert [(d["segment"], d["change"]) for d in deltas] == [("recent", "exited"), ("both", "exited")]
    assert all(d["at"] == wake + dt.timedelta(seconds=1) for d in deltas)
    assert index.members("recent") == []
    assert repr(index) == "SegmentIndex(segments=3, contacts=1)"

    deltas = index.upsert_contact(json.dumps({"id": "anna", "fields": {"city": "Roma"}}), wake)
    assert deltas[0]["change"] == "exited" and deltas[0]["segment"] == "milano"


def test_ticking_at_each_wakeup_makes_progress():
    """The window end is inclusive: at the wake-up itself the contact is still in, and the next
    wake-up is a nanosecond later, which comes back rounded up to the next microsecond."""
    index = sequenza.SegmentIndex()
    index.register(sequenza.Segment.parse('did "order.placed" within 7 days', id="recent"))
    index.add_event({"contact": "anna", "name": "order.placed", "at": NOW}, NOW)
    seen, ticks = [], 0
    while (wake := index.next_wakeup()) is not None:
        ticks += 1
        assert ticks < 10, "tick(next_wakeup()) makes no progress"
        seen += [(d["change"], d["at"] - NOW) for d in index.tick(wake)]
    assert seen == [("exited", dt.timedelta(days=7, milliseconds=1))]


def test_index_replaces_contacts():
    index = sequenza.SegmentIndex()
    index.register({"id": "milano", "name": "Milano",
                    "condition": {"type": "field", "field": "city", "op": "eq", "value": "Milano"}})
    index.upsert_contact({"id": "anna", "fields": {"city": "Milano"}}, NOW)
    deltas = index.upsert_contact(json.dumps({"id": "anna", "fields": {"city": "Roma"}}), NOW)
    assert deltas[0]["change"] == "exited" and deltas[0]["segment"] == "milano"


def test_index_register_errors():
    index = sequenza.SegmentIndex()
    index.register(sequenza.Segment.parse("all()", id="a", name="A"))
    with pytest.raises(sequenza.ConditionError) as info:
        index.register(sequenza.Segment.parse("all()", id="a"))
    assert (info.value.code, info.value.path) == ("segment.duplicate", "/id")
    with pytest.raises(sequenza.ConditionError) as info:
        index.register(sequenza.Segment.parse('in segment "ghost"', id="b"))
    assert (info.value.code, info.value.path) == ("segment.unknown", "/condition/segment")
    with pytest.raises(ValueError, match="no id"):
        index.register(sequenza.Segment.parse("all()"))
    with pytest.raises(TypeError, match="segment must be"):
        index.register(42)
    cycle = [
        sequenza.Segment.parse('in segment "y"', id="x", name="X"),
        sequenza.Segment.parse('not in segment "x"', id="y", name="Y"),
    ]
    with pytest.raises(sequenza.ConditionError) as info:
        index.register_all(cycle)
    assert info.value.code == "segment.cycle"
    assert info.value.path == "/0/condition/segment"
    assert "x → y → x" in info.value.message
    assert index.members("x") == []  # nothing registered
    index.upsert_contact({"id": "c"}, NOW)
    with pytest.raises(ValueError, match="now is required"):
        index.register(sequenza.Segment.parse("all()", id="late"))
    assert index.register(sequenza.Segment.parse("all()", id="late"), NOW)[0]["contact"] == "c"


def test_index_schema():
    index = sequenza.SegmentIndex(fields={"fields": [{"key": "city", "type": "text"}]})
    with pytest.raises(sequenza.ConditionError) as info:
        index.register(sequenza.Segment.parse("cty is set", id="s"))
    assert (info.value.code, info.value.path) == ("condition.field.unknown", "/condition/field")
    with pytest.raises(sequenza.TimeError, match="IANA"):
        sequenza.SegmentIndex(default_time_zone="Nowhere/Land")
    with pytest.raises(sequenza.FlowFormatError):
        index.upsert_contact({"id": "a", "fields": []}, NOW)
    with pytest.raises(ValueError, match="naive"):
        index.tick(dt.datetime(2026, 1, 1))


# ---- documentation and the notebook example ---------------------------------------------------


def test_docstrings():
    for cls, names in {
        sequenza.Segment: ("parse", "from_json", "from_jsonlogic", "id", "name", "to_text", "to_json",
                           "to_dict", "check", "matches", "filter", "count"),
        sequenza.SegmentIndex: ("register", "register_all", "upsert_contact", "add_event", "tick",
                                "next_wakeup", "members", "segments_of", "is_member", "contact_count"),
    }.items():
        assert cls.__doc__
        for name in names:
            assert getattr(cls, name).__doc__, f"{cls.__name__}.{name}"
    assert sequenza.jsonlogic_apply.__doc__


EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "segments_notebook.py"


def test_notebook_example_runs(capsys):
    code = compile(EXAMPLE.read_text(encoding="utf-8"), str(EXAMPLE), "exec")
    exec(code, {"__name__": "notebook"})
    out = capsys.readouterr().out
    assert "contacts match" in out
