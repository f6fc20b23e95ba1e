"""The rest of the time capability from Python: the shared vectors time_wait.json and
time_cap.json (through ``wait_end`` and ``FrequencyCaps``), ``plan_send``, combined policies,
``resolve_time_zone``, ``local_to_utc``, the batch methods (lists and NumPy ``datetime64``) and
``NaiveDatetimeError``.
"""

import json
import os
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

import sequenza
from sequenza import (
    FlowFormatError,
    FrequencyCaps,
    NaiveDatetimeError,
    Recurrence,
    SendPolicy,
    TimeError,
    local_to_utc,
    plan_send,
    resolve_time_zone,
    wait_end,
)
from conftest import ROOT

VECTORS = Path(os.environ.get("SEQUENZA_VECTORS_DIR") or ROOT / "core" / "tests" / "vectors")
UTC = timezone.utc
WAIT = json.loads((VECTORS / "time_wait.json").read_text(encoding="utf-8"))
CAP = json.loads((VECTORS / "time_cap.json").read_text(encoding="utf-8"))


def _t(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _params(vector, key):
    assert vector[key], key
    return [pytest.param(c, id=f"{i}-{c['name']}") for i, c in enumerate(vector[key])]


# ---- time_wait.json ----------------------------------------------------------------------------


@pytest.mark.parametrize("case", _params(WAIT, "cases"))
def test_wait_case(case):
    end = wait_end(
        case["wait"],
        _t(case["at"]),
        case.get("zone", "UTC"),
        date=case.get("date"),
        policy=case.get("policy"),
    )
    assert end == _t(case["end"])
    assert end.utcoffset().total_seconds() == 0
    # The date as a datetime.date and the wait as JSON text give the same.
    if "date" in case:
        d = date.fromisoformat(case["date"])
        again = wait_end(json.dumps(case["wait"]), case["at"], case.get("zone", "UTC"), date=d,
                         policy=case.get("policy"))
        assert again == end


@pytest.mark.parametrize("case", _params(WAIT, "errors"))
def test_wait_error(case):
    with pytest.raises(TimeError) as info:
        wait_end(case["wait"], case.get("at", "2025-01-01T00:00:00Z"), case.get("zone", "UTC"))
    assert (info.value.code, info.value.path) == (case["code"], case["path"])


def test_wait_format_error_and_zone_from_policy():
    with pytest.raises(FlowFormatError) as info:
        wait_end({"duration": {"amount": 1, "unit": "fortnights"}}, "2025-01-01T00:00:00Z")
    assert info.value.path == "/duration/unit"
    # Without a timezone, the policy's zone is the recipient's: 1 day across Rome's spring
    # forward keeps 09:00 local (23 hours).
    rome = SendPolicy(timezone="Europe/Rome")
    end = wait_end({"duration": {"amount": 1, "unit": "days"}}, "2025-03-29T08:00:00Z", policy=rome)
    assert end == _t("2025-03-30T07:00:00Z")


# ---- time_cap.json -----------------------------------------------------------------------------


@pytest.mark.parametrize("case", _params(CAP, "cases"))
def test_cap_case(case):
    caps = FrequencyCaps.from_json(case["caps"])
    # History as the vectors write it (text instants) and as tuples of aware datetimes.
    history = [tuple(h) for h in case["history"]]
    aware = [(_t(a), c, tr) for a, c, tr in case["history"]]
    want = dict(case["decision"])
    if "until" in want:
        want["until"] = _t(want["until"])
    for h in (history, aware):
        got = caps.decide(h, case["channel"], _t(case["at"]), transactional=case["transactional"])
        assert got == want
    # The keyword form reads the same caps.
    again = FrequencyCaps(case["caps"]["caps"], when_capped=case["caps"].get("when_capped"))
    assert again.to_dict() == caps.to_dict()


@pytest.mark.parametrize("case", _params(CAP, "errors"))
def test_cap_error(case):
    with pytest.raises(TimeError) as info:
        FrequencyCaps.from_json(case["caps"])
    assert (info.value.code, info.value.path) == (case["code"], case["path"])
    with pytest.raises(TimeError):
        FrequencyCaps(case["caps"]["caps"])


def test_caps_history_forms_and_errors():
    caps = FrequencyCaps([{"channel": "sms", "max": 1, "per": {"amount": 3, "unit": "days"}}])
    sent = [{"at": "2025-06-01T10:00:00Z", "channel": "sms"}]
    assert caps.frees_at(sent, "sms", "2025-06-02T10:00:00Z") == _t("2025-06-04T10:00:00Z")
    assert caps.frees_at(None, "sms", "2025-06-02T10:00:00Z") == _t("2025-06-02T10:00:00Z")
    with pytest.raises(FlowFormatError) as info:
        caps.decide([("2025-06-01T10:00:00Z", "fax")], "sms", "2025-06-02T10:00:00Z")
    assert info.value.path == "/0/1"
    with pytest.raises(ValueError, match="channel"):
        caps.decide([], "pigeon", "2025-06-02T10:00:00Z")
    with pytest.raises(NaiveDatetimeError):
        caps.decide([(datetime(2025, 6, 1, 10), "sms")], "sms", "2025-06-02T10:00:00Z")


# ---- plan_send ---------------------------------------------------------------------------------


def test_plan_send_through_caps_and_quiet_hours():
    policy = SendPolicy(quiet_hours=[("21:00", "09:00")], timezone="Europe/Rome")
    caps = FrequencyCaps([{"channel": "sms", "max": 1, "per": {"amount": 1, "unit": "days"}}])
    history = [("2025-06-01T20:00:00Z", "sms")]  # 22:00 in Rome
    # The cap frees at 22:00 CEST on 2 June, in quiet hours: 09:00 CEST on 3 June.
    d = plan_send("2025-06-02T08:00:00Z", "sms", policy=policy, caps=caps, history=history)
    assert d == {"decision": "defer", "until": _t("2025-06-03T07:00:00Z")}
    assert plan_send("2025-06-02T08:00:00Z", "sms", policy=policy, caps=caps, history=history,
                     transactional=True) == {"decision": "allow"}
    assert plan_send("2025-06-02T08:00:00Z", "email", policy=policy, caps=caps,
                     history=history) == {"decision": "allow"}
    # No policy, no caps: any time.
    assert plan_send("2025-06-02T02:00:00Z", "email") == {"decision": "allow"}
    skip = {"caps": [{"max": 1, "per": {"amount": 1, "unit": "days"}}], "when_capped": "skip"}
    assert plan_send("2025-06-02T08:00:00Z", "email", caps=skip, history=history) == {
        "decision": "skip"
    }


# ---- combined policies -------------------------------------------------------------------------


def test_combined_policy_round_trips():
    account = SendPolicy(hours=[("08:00", "21:00")])
    node = {"hours": [{"start": "18:00", "end": "23:00"}], "weekdays": ["mon", "tue"]}
    both = SendPolicy.combine([account, node], timezone="Europe/Rome")
    assert both.timezone == "Europe/Rome"
    doc = both.to_dict()
    assert doc["hours"] == [{"start": "18:00", "end": "21:00"}]
    assert doc["weekdays"] == ["mon", "tue"]
    assert doc["time_zone"] == "Europe/Rome"
    # Handed on through its JSON form it keeps the combined rule (not "allow everything").
    again = SendPolicy.from_json(doc)
    at = _t("2025-06-02T05:00:00Z")  # Monday 07:00 in Rome
    assert not again.is_allowed(at)
    assert again.next_allowed(at) == both.next_allowed(at) == _t("2025-06-02T16:00:00Z")
    with pytest.raises(TimeError) as info:
        SendPolicy.combine([account, {"hours": [{"start": "09:00", "end": "25:00"}]}])
    assert (info.value.code, info.value.path) == ("time.time.malformed", "/1/hours/0/end")
    with pytest.raises(TimeError) as info:
        SendPolicy(weekdays=["sat"]).stricter({"weekdays": ["mon"]})
    assert info.value.code == "time.policy.never_allowed"
    s = SendPolicy(quiet_hours=[("22:00", "08:00")], timezone="America/New_York").stricter(
        SendPolicy(outside_window="skip"))
    assert s.timezone == "America/New_York"
    assert s.to_dict()["outside_window"] == "skip"
    assert SendPolicy.from_json(s.to_dict()).decide("2025-06-02T03:00:00Z") == {"decision": "skip"}


# ---- zones and wall times ----------------------------------------------------------------------


def test_resolve_time_zone_chain():
    z = resolve_time_zone({"id": "c1", "phone": "+39 333 1234567"}, flow_zone="America/New_York")
    assert (z.zone, z.source, z.skipped) == ("Europe/Rome", "phone", [])
    z = resolve_time_zone({"id": "c2", "time_zone": "Europe/Atlantis", "phone": "+1 212 555 0100"},
                          account_zone="America/Chicago")
    assert (z.zone, z.source, z.skipped) == ("America/Chicago", "account", ["contact", "phone"])
    assert resolve_time_zone(None).source == "default"
    assert resolve_time_zone({"id": "c3", "fields": {"country": "FR"}}).zone == "Europe/Paris"
    assert "Europe/Paris" in repr(resolve_time_zone({"id": "c3", "fields": {"country": "FR"}}))
    with pytest.raises(TimeError) as info:
        resolve_time_zone({"id": "c4"}, flow_zone="Nowhere/City")
    assert (info.value.code, info.value.path) == ("time.zone.unknown", "/flow")


def test_local_to_utc_gap_and_overlap():
    assert local_to_utc(datetime(2025, 3, 30, 2, 30), "Europe/Rome") == _t("2025-03-30T01:00:00Z")
    assert local_to_utc("2025-10-26T02:30:00", "Europe/Rome") == _t("2025-10-26T00:30:00Z")
    with pytest.raises(ValueError):
        local_to_utc(datetime(2025, 3, 30, 2, 30, tzinfo=UTC), "Europe/Rome")
    with pytest.raises(TimeError):
        local_to_utc("2025-03-30T02:30:00", "Mars/Olympus")


# ---- naive datetimes ---------------------------------------------------------------------------


def test_naive_datetime_error_is_a_time_error_and_a_value_error():
    assert issubclass(NaiveDatetimeError, TimeError) and issubclass(NaiveDatetimeError, ValueError)
    with pytest.raises(NaiveDatetimeError) as info:
        SendPolicy().next_allowed(datetime(2025, 1, 1, 12))
    assert info.value.code == "time.datetime.naive"
    assert "naive" in str(info.value)
    with pytest.raises(ValueError):
        wait_end({"duration": {"amount": 1, "unit": "days"}}, datetime(2025, 1, 1))


# ---- batches -----------------------------------------------------------------------------------


def test_batches_over_lists():
    policy = SendPolicy(quiet_hours=[("22:00", "08:00")], timezone="Europe/Rome")
    ats = ["2025-03-30T00:30:00Z", _t("2025-03-30T10:00:00Z")]
    assert policy.next_allowed_many(ats) == [policy.next_allowed(a) for a in ats]
    assert policy.is_allowed_many(ats) == [False, True]
    rec = Recurrence({"kind": "weekly", "weekdays": ["mon"], "times": ["09:00"]}, "Europe/Rome")
    assert rec.next_after_many(ats) == [rec.next_after(a) for a in ats]
    with pytest.raises(NaiveDatetimeError):
        policy.next_allowed_many([datetime(2025, 1, 1)])


def test_batches_over_numpy():
    np = pytest.importorskip("numpy")
    policy = SendPolicy(quiet_hours=[("22:00", "08:00")], timezone="Europe/Rome")
    ats = np.array(["2025-03-30T00:30", "NaT", "2025-03-30T10:00"], dtype="datetime64[s]")
    nxt = policy.next_allowed_many(ats)
    assert nxt.dtype == np.dtype("datetime64[us]")
    assert str(nxt[0]) == "2025-03-30T06:00:00.000000"
    assert np.isnat(nxt[1])
    assert nxt[2] == ats[2]
    assert policy.is_allowed_many(ats).tolist() == [False, False, True]
    rec = Recurrence({"kind": "every", "minutes": 15})
    out = rec.next_after_many(ats)
    assert str(out[0]) == "2025-03-30T00:45:00.000000" and np.isnat(out[1])
    with pytest.raises(TypeError):
        policy.next_allowed_many(np.array([1, 2]))


# ---- time_policy.json: combine, zones, local_to_utc ---------------------------------------------

POLICY = json.loads((VECTORS / "time_policy.json").read_text(encoding="utf-8"))


def _contact_of(chain):
    """A contact whose zone chain is ``chain`` (its flow and account zones apart)."""
    contact = {"id": "c"}
    if chain.get("contact") is not None:
        contact["time_zone"] = chain["contact"]
    if chain.get("phone") is not None:
        contact["phone"] = chain["phone"]
    if chain.get("country") is not None:
        contact["fields"] = {"country": chain["country"]}
    return contact


@pytest.mark.parametrize("case", _params(POLICY, "combine"))
def test_policy_combine_case(case):
    if "code" in case:
        with pytest.raises(sequenza.SequenzaError) as info:
            SendPolicy.combine(case["policies"], case.get("zone"))
        assert (info.value.code, info.value.path) == (case["code"], case["path"])
        return
    both = SendPolicy.combine(case["policies"], case["zone"])
    assert both.next_allowed(case["at"]) == _t(case["next_allowed"])
    # Handed on through its JSON form, it is the same policy.
    assert SendPolicy.from_json(both.to_dict()).next_allowed(case["at"]) == _t(case["next_allowed"])
    # Pairwise with stricter, from SendPolicy objects.
    first, *rest = [SendPolicy.from_json(p) for p in case["policies"]]
    for p in rest:
        first = first.stricter(p)
    assert first.next_allowed(case["at"], case["zone"]) == _t(case["next_allowed"])


@pytest.mark.parametrize("case", _params(POLICY, "zones"))
def test_policy_zones_case(case):
    chain = case["chain"]
    call = lambda: resolve_time_zone(  # noqa: E731
        _contact_of(chain), flow_zone=chain.get("flow"), account_zone=chain.get("account"))
    if "code" in case:
        with pytest.raises(TimeError) as info:
            call()
        assert (info.value.code, info.value.path) == (case["code"], case["path"])
        return
    z = call()
    assert (z.zone, z.source, z.skipped) == (case["zone"], case["source"], case["skipped"])


@pytest.mark.parametrize("case", [pytest.param(c, id=c["local"] + " " + c["zone"])
                                  for c in POLICY["local_to_utc"]])
def test_policy_local_to_utc_case(case):
    assert local_to_utc(case["local"], case["zone"]) == _t(case["utc"])
    assert local_to_utc(datetime.fromisoformat(case["local"]), case["zone"]) == _t(case["utc"])
