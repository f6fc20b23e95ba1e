"""Runs the shared time vectors (core/tests/vectors/time_policy.json and time_recurrence.json):
every case of ``cases`` and ``errors`` of the policies, and of ``next``, ``between``, ``errors``,
``rrule`` and ``rrule_errors`` of the recurrences. Plus the Python-only behaviour of
``SendPolicy`` / ``Recurrence`` (keyword arguments, aware datetimes, naive ones refused).
"""

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

import sequenza
from sequenza import FlowFormatError, Recurrence, SendPolicy, SequenzaError, TimeError
from conftest import ROOT

VECTORS = Path(os.environ.get("SEQUENZA_VECTORS_DIR") or ROOT / "core" / "tests" / "vectors")
UTC = timezone.utc


def _load(file_name):
    return json.loads((VECTORS / file_name).read_text(encoding="utf-8"))


POLICY = _load("time_policy.json")
RECURRENCE = _load("time_recurrence.json")


def _params(vector, key):
    cases = vector[key]
    assert cases, f"no cases under {key!r}"
    return [pytest.param(c, id=f"{i}-{c.get('name', c.get('text', ''))}") for i, c in enumerate(cases)]


def _t(text):
    """An RFC 3339 instant of the vectors as an aware UTC datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _assert_utc(dt):
    assert isinstance(dt, datetime)
    assert dt.tzinfo is not None and dt.utcoffset() == timedelta(0)


# ---- time_policy.json --------------------------------------------------------------------------


@pytest.mark.parametrize("case", _params(POLICY, "cases"))
def test_policy_case(case):
    policy = SendPolicy.from_json(case["policy"])
    at = _t(case["at"])
    nxt = policy.next_allowed(at, case["zone"])
    _assert_utc(nxt)
    assert nxt == _t(case["next_allowed"])
    assert policy.is_allowed(at, case["zone"]) is case["allowed"]
    # The same instant given in another zone, or as RFC 3339 text, is the same instant.
    assert policy.next_allowed(at.astimezone(ZoneInfo("Asia/Tokyo")), case["zone"]) == nxt
    assert policy.next_allowed(case["at"], case["zone"]) == nxt
    if "decision" in case:
        expected = dict(case["decision"])
        if "until" in expected:
            expected["until"] = _t(expected["until"])
        assert policy.decide(at, case["zone"]) == expected
    # A policy carrying the zone itself answers the same without the call's zone.
    zoned = SendPolicy.from_json({**case["policy"], "time_zone": case["zone"]})
    assert zoned.timezone == case["zone"]
    assert zoned.next_allowed(at) == nxt


@pytest.mark.parametrize("case", _params(POLICY, "errors"))
def test_policy_error(case):
    with pytest.raises(SequenzaError) as info:
        SendPolicy.from_json(case["policy"])
    err = info.value
    assert (err.code, err.path) == (case["code"], case["path"])
    expected_class = FlowFormatError if case["code"].startswith("format.") else TimeError
    assert type(err) is expected_class
    assert err.message and str(err)


# ---- time_recurrence.json ----------------------------------------------------------------------


def _recurrence(case):
    return Recurrence(case["rule"], timezone=case.get("zone", "UTC"), policy=case.get("policy"))


@pytest.mark.parametrize("case", _params(RECURRENCE, "next"))
def test_recurrence_next(case):
    r = _recurrence(case)
    t = _t(case["after"])
    for expected in case["next"]:
        t = r.next_after(t)
        _assert_utc(t)
        assert t == _t(expected)
    if case.get("policy") is not None:
        # A SendPolicy object works as the dict does.
        r2 = Recurrence(case["rule"], timezone=case.get("zone", "UTC"), policy=SendPolicy.from_json(case["policy"]))
        assert r2.next_after(_t(case["after"])) == _t(case["next"][0])


@pytest.mark.parametrize("case", _params(RECURRENCE, "between"))
def test_recurrence_between(case):
    r = _recurrence(case)
    got = r.between(_t(case["from"]), _t(case["to"]))
    for t in got:
        _assert_utc(t)
    assert got == [_t(x) for x in case["occurrences"]]


@pytest.mark.parametrize("case", _params(RECURRENCE, "errors"))
def test_recurrence_error(case):
    with pytest.raises(SequenzaError) as info:
        _recurrence(case)
    err = info.value
    assert (err.code, err.path) == (case["code"], case["path"])
    expected_class = FlowFormatError if case["code"].startswith("format.") else TimeError
    assert type(err) is expected_class


@pytest.mark.parametrize("case", _params(RECURRENCE, "rrule"))
def test_rrule_both_ways(case):
    r = Recurrence(case["rule"])
    assert r.to_rrule() == case["text"]
    assert Recurrence.from_rrule(case["text"]).to_dict() == case["rule"]


@pytest.mark.parametrize("case", _params(RECURRENCE, "rrule_errors"))
def test_rrule_error(case):
    with pytest.raises(TimeError) as info:
        Recurrence.from_rrule(case["text"])
    assert info.value.code == case["code"]


# ---- the Python API ----------------------------------------------------------------------------


def test_send_policy_keywords():
    p = SendPolicy(
        quiet_hours=[("22:00", "08:00")],
        weekdays=["mon", "tue", "wed", "thu", "fri"],
        hours=[("09:00", "20:00")],
        timezone="Europe/Rome",
    )
    assert p.timezone == "Europe/Rome"
    assert p.to_dict() == {
        "quiet_hours": [{"start": "22:00", "end": "08:00"}],
        "weekdays": ["mon", "tue", "wed", "thu", "fri"],
        "hours": [{"start": "09:00", "end": "20:00"}],
        "time_zone": "Europe/Rome",
        "outside_window": "defer",
    }
    rome = ZoneInfo("Europe/Rome")
    fri_night = datetime(2025, 6, 6, 23, 0, tzinfo=rome)
    assert not p.is_allowed(fri_night)
    nxt = p.next_allowed(fri_night)
    assert nxt == datetime(2025, 6, 9, 7, 0, tzinfo=UTC)  # Monday 09:00 CEST
    assert nxt.tzinfo is UTC
    assert p.is_allowed(nxt)
    assert "SendPolicy" in repr(p)


def test_send_policy_defaults():
    p = SendPolicy()
    assert p.timezone == "UTC"
    t = datetime(2025, 1, 1, 3, 0, tzinfo=UTC)
    assert p.is_allowed(t) and p.next_allowed(t) == t
    assert p.decide(t) == {"decision": "allow"}
    skip = SendPolicy(hours=[("09:00", "18:00")], outside_window="skip")
    assert skip.decide(t) == {"decision": "skip"}
    # Windows as dicts work too; the fallback zone serves when no zone is given.
    q = SendPolicy(hours=[{"start": "09:00", "end": "18:00"}], fallback_timezone="Asia/Kathmandu")
    assert q.timezone == "Asia/Kathmandu"
    assert q.next_allowed(t) == datetime(2025, 1, 1, 3, 15, tzinfo=UTC)


def test_send_policy_errors():
    with pytest.raises(TimeError) as info:
        SendPolicy(hours=[("09:00", "25:00")])
    assert (info.value.code, info.value.path) == ("time.time.malformed", "/hours/0/end")
    assert info.value.line is None and info.value.column is None
    with pytest.raises(TimeError) as info:
        SendPolicy(timezone="Europe/Atlantis")
    assert (info.value.code, info.value.path) == ("time.zone.unknown", "/time_zone")
    with pytest.raises(TimeError) as info:
        SendPolicy(quiet_hours=[("00:00", "12:00"), ("11:00", "00:00")])
    assert info.value.code == "time.policy.never_allowed"
    with pytest.raises(FlowFormatError) as info:
        SendPolicy(weekdays=["funday"])
    assert info.value.path == "/weekdays/0"
    with pytest.raises(FlowFormatError):
        SendPolicy(outside_window="later")
    with pytest.raises(FlowFormatError):
        SendPolicy(quiet_hours=[("22:00",)])
    p = SendPolicy()
    with pytest.raises(TimeError) as info:
        p.next_allowed(datetime(2025, 1, 1, tzinfo=UTC), "Mars/Olympus")
    assert info.value.code == "time.zone.unknown"
    assert issubclass(TimeError, SequenzaError)


def test_naive_datetimes_are_rejected():
    p = SendPolicy(timezone="Europe/Rome")
    naive = datetime(2025, 6, 6, 23, 0)
    for call in (p.next_allowed, p.is_allowed, p.decide, Recurrence({"kind": "every", "minutes": 5}).next_after):
        with pytest.raises(ValueError, match="naive"):
            call(naive)
    with pytest.raises(ValueError, match="naive"):
        Recurrence({"kind": "every", "minutes": 5}).between(naive, datetime(2025, 1, 1, tzinfo=UTC))
    with pytest.raises(TypeError):
        p.next_allowed(12345)
    with pytest.raises(ValueError):
        p.next_allowed("tomorrow")


def test_recurrence_api():
    r = Recurrence.from_rrule("FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=9;BYMINUTE=30", timezone="America/New_York")
    assert r.timezone == "America/New_York"
    assert r.to_dict() == {"kind": "weekly", "weekdays": ["mon", "fri"], "times": ["09:30"]}
    assert "Recurrence" in repr(r)
    start = datetime(2025, 3, 7, 0, 0, tzinfo=UTC)  # Thursday evening in New York
    got = r.between(start, start + timedelta(days=7))
    # Friday 09:30 EST, then Monday 09:30 EDT (the clocks changed on Sunday 9 March).
    assert got == [datetime(2025, 3, 7, 14, 30, tzinfo=UTC), datetime(2025, 3, 10, 13, 30, tzinfo=UTC)]
    assert r.next_after(got[0]) == got[1]
    assert r.between(got[1], got[0]) == []
    office = SendPolicy(hours=[("09:00", "18:00")], weekdays=["mon", "tue", "wed", "thu", "fri"], timezone="Europe/Rome")
    every = Recurrence({"kind": "every", "minutes": 30}, policy=office)
    assert every.timezone == "Europe/Rome"
    assert every.next_after(datetime(2025, 6, 6, 16, 10, tzinfo=UTC)) == datetime(2025, 6, 9, 7, 0, tzinfo=UTC)
    with pytest.raises(TimeError) as info:
        Recurrence({"kind": "every", "minutes": 15}, timezone="Europe/Atlantis")
    assert info.value.code == "time.zone.unknown"
    with pytest.raises(TimeError) as info:
        Recurrence({"kind": "every", "minutes": 5}).between(
            datetime(2020, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC)
        )
    assert info.value.code == "time.recurrence.too_many"
    with pytest.raises(TypeError):
        Recurrence(42)
    assert sequenza.Recurrence.__doc__ and sequenza.SendPolicy.__doc__ and sequenza.TimeError.__doc__
