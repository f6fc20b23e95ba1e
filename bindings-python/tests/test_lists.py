"""Lists (issue 5): the shared vectors core/tests/vectors/lists.json through ``Audience``,
``source_condition`` and ``list_trigger_hits``, plus the Python-only behaviour (errors, types,
pagination, changes by hand)."""

import json
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import sequenza
from sequenza import Audience, FlowFormatError, ListError, SequenzaError
from conftest import ROOT

VECTORS = Path(os.environ.get("SEQUENZA_VECTORS_DIR") or ROOT / "core" / "tests" / "vectors")
LISTS = json.loads((VECTORS / "lists.json").read_text(encoding="utf-8"))
NOW = LISTS["now"]
UTC = timezone.utc


def _t(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def _params(key):
    assert LISTS[key], key
    return [pytest.param(c, id=f"{i}-{c['name']}") for i, c in enumerate(LISTS[key])]


def _vector_audience():
    a = Audience(LISTS.get("default_time_zone", "UTC"))
    for c in LISTS["contacts"]:
        a.upsert_contact(c, NOW)
    for r in LISTS["activities"]:
        a.record(r["contact"], r["activity"], r["at"], NOW)
    return a


@pytest.mark.parametrize("case", _params("sources"))
def test_source_vector(case):
    segment = sequenza.source_condition(case["source"])
    assert isinstance(segment, sequenza.Segment)
    assert segment.to_dict() == sequenza.Segment.from_json(case["condition"]).to_dict()
    assert str(segment) == case["text"]
    a = _vector_audience()
    count = a.create_list({"id": "l", "name": case["name"], "source": case["source"]}, NOW)
    assert a.member_ids("l") == case["members"]
    assert count == len(case["members"])


@pytest.mark.parametrize("case", _params("sequences"))
def test_sequence_vector(case):
    a = Audience()
    for c in case["contacts"]:
        a.upsert_contact(c, NOW)
    for l in case["lists"]:
        a.create_list(l, NOW)
    for i, step in enumerate(case["steps"]):
        at = step["now"]
        if "activity" in step:
            r = step["activity"]
            changes = a.record(r["contact"], r["activity"], r["at"], at)
        elif "upsert" in step:
            changes = a.upsert_contact(step["upsert"], at)
        elif "tick" in step:
            changes = a.tick(_t(at))
        elif "remove_contact" in step:
            changes = a.remove_contact(step["remove_contact"], at)
        else:
            raise AssertionError(f"unknown step {step}")
        assert all(c["at"] == _t(at) for c in changes), i
        assert [{k: c[k] for k in ("list", "contact", "change")} for c in changes] == step["changes"], i
    for l in a.lists():
        for cid in a.member_ids(l["id"]):
            assert l["id"] in a.contact(cid).get("lists", [])


@pytest.mark.parametrize("case", _params("errors"))
def test_error_vector(case):
    with pytest.raises(ListError) as info:
        Audience().create_list(case["list"], NOW)
    assert info.value.code == case["code"]
    assert info.value.path == case["path"]
    assert isinstance(info.value, SequenzaError)


# ---- Python-only behaviour ------------------------------------------------------------------------

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def test_lists_by_hand_rename_delete_and_pages():
    a = Audience("Europe/Rome")
    for i in range(5):
        a.upsert_contact({"id": f"c{i}", "tags": ["vip"] if i % 2 == 0 else []}, T0)
    assert a.create_list({"id": "vip", "name": "VIP", "source": {"type": "tag", "tag": "vip"}}, T0) == 3
    page = a.members("vip", offset=1, limit=1)
    assert page["total"] == 3 and page["offset"] == 1
    assert [c["id"] for c in page["contacts"]] == ["c2"]
    changes = a.add_to_list("vip", {"id": "c1", "fields": {"first_name": "Bruno"}}, T0)
    assert changes == [{"list": "vip", "contact": "c1", "change": "entered", "at": T0}]
    assert a.contact("c1")["fields"]["first_name"] == "Bruno"
    assert a.remove_from_list("vip", "c0", T0)[0]["change"] == "exited"
    with pytest.raises(ListError) as info:
        a.remove_from_list("vip", "c0", T0)
    assert (info.value.code, info.value.path) == ("list.contact.unknown", "/contact")
    a.rename_list("vip", "Clienti VIP")
    assert a.get_list("vip")["name"] == "Clienti VIP"
    with pytest.raises(ListError) as info:
        a.rename_list("vip", "  ")
    assert info.value.code == "list.name.empty"
    a.delete_list("vip", T0)
    assert a.get_list("vip") is None and a.member_count("vip") is None
    assert "vip" not in a.contact("c2").get("lists", [])
    with pytest.raises(ListError) as info:
        a.members("vip")
    assert (info.value.code, info.value.path) == ("list.unknown", "/id")
    assert len(a) == 5 and "Audience(contacts=5" in repr(a)


def test_auto_update_changes_and_trigger_hits():
    a = Audience()
    a.create_list({"id": "coupon", "name": "Coupon", "source": {"type": "coupon"}, "auto_update": True}, T0)
    changes = a.record("anna", {"type": "coupon_downloaded", "coupon": "X"}, T0, T0)
    assert [(c["list"], c["contact"], c["change"]) for c in changes] == [("coupon", "anna", "entered")]
    flow = {
        "id": "welcome", "name": "Welcome", "status": "active",
        "triggers": [{"type": "list", "list": "coupon", "on": "entered"}],
        "start": "end", "nodes": [{"id": "end", "type": "exit"}], "edges": [],
    }
    hits = sequenza.list_trigger_hits(changes, [sequenza.Flow.from_json(flow), dict(flow, id="other", status="draft")])
    assert hits == [{"flow": "welcome", "list": "coupon", "contact": "anna", "change": "entered", "at": T0}]
    assert a.events("anna")[0]["name"] == "coupon.downloaded"
    with pytest.raises(TypeError):
        sequenza.list_trigger_hits(changes, flow)
    with pytest.raises(ValueError):
        sequenza.list_trigger_hits([{"list": "x"}], [])


def test_bad_input_types_and_documents():
    a = Audience()
    with pytest.raises(FlowFormatError) as info:
        a.record("anna", {"type": "coupon_downloaded"}, T0, T0)
    assert info.value.path.startswith("/activity")
    with pytest.raises(FlowFormatError):
        a.create_list({"id": "l", "name": "L", "source": {"type": "nope"}}, T0)
    with pytest.raises(TypeError):
        a.upsert_contact(42, T0)
    with pytest.raises(sequenza.NaiveDatetimeError):
        a.tick(datetime(2026, 1, 1))
    with pytest.raises(sequenza.TimeError) as info:
        Audience("Mars/Base")
    assert info.value.code == "time.zone.unknown"
    with pytest.raises(FlowFormatError):
        sequenza.source_condition({"type": "coupon", "colour": "red"})


def test_time_relative_list_and_next_wakeup():
    a = Audience()
    a.upsert_contact({"id": "anna"}, T0)
    a.record("anna", {"type": "walk_in"}, T0, T0)
    a.create_list({"id": "recent", "name": "Recent", "remove_exits": True, "auto_update": True,
                   "source": {"type": "walk_in", "dates": {"from": "2026-11-01", "to": "2026-11-30"}}}, T0)
    assert a.member_ids("recent") == ["anna"]
    wake = a.next_wakeup()
    if wake is not None:
        assert wake.tzinfo is not None
        a.tick(wake + timedelta(days=60))
