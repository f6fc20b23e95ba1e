"""ContactTable.from_arrow: a table built once from polars / pandas / pyarrow and reused by
Segment.filter / count / mask; in_segment in bulk (memberships and segment definitions) with the
same answers as Segment.matches; consent columns; typed errors for tables that cannot be read."""

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import sequenza

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
VECTORS = Path(__file__).resolve().parents[2] / "core" / "tests" / "vectors"

COLUMNS = {
    "id": ["a", "b", "c", "d"],
    "city": ["Milano", "Roma", "Milano", None],
    "spend": [300.0, 20.0, 150.0, None],
    "tags": [["vip"], [], ["vip", "new"], []],
    "lists": [[], ["blacklist"], [], []],
    "consent_email": [True, False, None, True],
    "sms_ok": ["opted_in", "opted_out", None, "unknown"],
}
EVENTS = {
    "contact": ["a", "c", "c", "zed"],
    "name": ["order", "order", "login", "order"],
    "at": [NOW - dt.timedelta(days=3)] * 4,
    "amount": [50.0, 70.0, None, 1.0],
}


def frames():
    return {
        "pyarrow": (pa.table(COLUMNS), pa.table(EVENTS)),
        "polars": (pl.DataFrame(COLUMNS), pl.DataFrame(EVENTS)),
        "pandas": (pd.DataFrame(COLUMNS), pd.DataFrame(EVENTS)),
    }


SEGMENTS = [
    'city = "Milano"',
    "spend > 100 and tags has any (\"vip\")",
    'did "order" where (amount > 60)',
    'not in list "blacklist"',
    "consent email is opted_in",
    "consent email is unknown",
    "consent sms is opted_in",
    "consent sms is opted_out",
]


@pytest.mark.parametrize("kind", ["pyarrow", "polars", "pandas"])
def test_built_once_reused_and_equal_to_the_shortcut(kind):
    table, events = frames()[kind]
    built = sequenza.ContactTable.from_arrow(
        table, events=events, consent_columns={"sms": "sms_ok"})
    assert len(built) == 4
    assert "4 contacts" in repr(built)
    for text in SEGMENTS:
        seg = sequenza.Segment.parse(text)
        ids = seg.filter(built, NOW)
        if "sms" not in text:
            assert ids == seg.filter(table, NOW, events=events), text
        assert seg.count(built, NOW) == len(ids)
        mask = seg.mask(built, NOW)
        assert isinstance(mask, pa.BooleanArray)
        assert len(mask) == 4 and mask.null_count == 0
        assert [i for i, m in zip(COLUMNS["id"], mask.to_pylist()) if m] == ids, text
    assert sequenza.Segment.parse("consent sms is opted_in").filter(built, NOW) == ["a"]
    assert sequenza.Segment.parse("consent sms is unknown").filter(built, NOW) == ["c", "d"]
    assert sequenza.Segment.parse("consent email is opted_out").filter(built, NOW) == ["b"]


def test_mask_filters_a_polars_frame_and_spans_many_words():
    n = 1000
    df = pl.DataFrame({"id": list(range(n)), "x": [float(i % 7) for i in range(n)]})
    built = sequenza.ContactTable.from_arrow(df)
    seg = sequenza.Segment.parse("x = 3")
    mask = seg.mask(built, NOW)
    picked = df.filter(pl.Series(mask))["id"].to_list()
    assert picked == seg.filter(built, NOW) == [i for i in range(n) if i % 7 == 3]
    assert seg.mask(df, NOW).equals(mask)


def test_options_rename_the_columns():
    table = pa.table({"key": ["a", "b"], "audiences": [["x"], []], "labels": [[], ["vip"]],
                      "zone": ["Asia/Tokyo", None]})
    built = sequenza.ContactTable.from_arrow(
        table, id_column="key", lists_column="audiences", tags_column="labels",
        time_zone_column="zone")
    assert sequenza.Segment.parse('in list "x"').filter(built, NOW) == ["a"]
    assert sequenza.Segment.parse('tags has any ("vip")').filter(built, NOW) == ["b"]
    assert sequenza.Segment.parse('time_zone = "Asia/Tokyo"').filter(built, NOW) == ["a"]
    with pytest.raises(sequenza.FlowFormatError) as info:
        sequenza.ContactTable.from_arrow(table, list_column="audiences")
    assert info.value.code == "format.invalid"
    fields = {"fields": [{"key": "plan", "type": "choice", "choices": ["free", "pro"]}]}
    built = sequenza.ContactTable.from_arrow(pa.table({"id": ["a"], "plan": ["pro"]}), fields=fields)
    assert sequenza.Segment.parse('plan in ("pro")').filter(built, NOW) == ["a"]


def test_tables_that_cannot_be_read_are_typed_errors():
    def code(table, **kw):
        with pytest.raises(sequenza.FlowFormatError) as info:
            sequenza.ContactTable.from_arrow(table, **kw)
        return info.value.code, info.value.path

    assert code(pa.table({"ident": ["a"]})) == ("format.column.missing", "/columns/id")
    assert code(pa.table({"id": ["a", None]})) == ("format.value.missing", "/columns/id/1")
    assert code(pa.table({"id": ["a"], "odd": pa.array([b"x"], pa.binary())})) == (
        "format.column.type", "/columns/odd")
    assert code(pd.DataFrame({"id": ["a"], "seen": [pd.Timestamp("2026-11-20")]})) == (
        "format.column.type", "/columns/seen")
    assert code(pa.table({"id": ["a"], "consent_email": ["yes"]})) == (
        "format.invalid", "/columns/consent_email/0")
    assert code(pa.table({"id": ["a"]}), events=pa.table({"contact": ["a"], "name": ["x"]})) == (
        "format.column.missing", "/events/columns/at")
    with pytest.raises(TypeError, match="table must be"):
        sequenza.ContactTable.from_arrow([1, 2])
    with pytest.raises(TypeError, match="memberships"):
        sequenza.ContactTable.from_arrow(pa.table({"id": ["a"]}), memberships=["vip"])
    built = sequenza.ContactTable.from_arrow(pa.table({"id": ["a"]}))
    with pytest.raises(ValueError, match="ContactTable.from_arrow"):
        sequenza.Segment.parse("all()").filter(built, NOW, events=pa.table(EVENTS))


# ---- in_segment in bulk --------------------------------------------------------------------------

DEFINITIONS = [
    sequenza.Segment.parse('city = "Milano"', id="milano"),
    sequenza.Segment.parse('in segment "milano" and tags has any ("vip")', id="vip_milano"),
    sequenza.Segment.parse('spend >= 200 or in segment "vip_milano"', id="spender"),
    sequenza.Segment.parse('not in segment "spender"', id="rest"),
]


def contact_dicts():
    out = []
    for i, cid in enumerate(COLUMNS["id"]):
        fields = {k: COLUMNS[k][i] for k in ("city", "spend") if COLUMNS[k][i] is not None}
        out.append({"id": cid, "fields": fields, "tags": COLUMNS["tags"][i]})
    return out


@pytest.mark.parametrize("source", ["list", "index"])
def test_in_segment_from_definitions_agrees_with_the_index_and_matches(source):
    index = sequenza.SegmentIndex()
    index.register_all(DEFINITIONS)
    for c in contact_dicts():
        index.upsert_contact(c, NOW)
    segments = index if source == "index" else DEFINITIONS
    built = sequenza.ContactTable.from_arrow(pa.table(COLUMNS), segments=segments)
    for s in DEFINITIONS:
        bulk = s.filter(built, NOW)
        assert bulk == sorted(index.members(s.id)), s.id
        for c in contact_dicts():
            mine = index.segments_of(c["id"])
            assert s.matches(c, NOW, segments=mine) == (c["id"] in bulk), (s.id, c["id"])
    assert DEFINITIONS[3].filter(built, NOW) == ["b", "d"]


def test_memberships_given_win_and_unknown_segments_have_no_members():
    built = sequenza.ContactTable.from_arrow(
        pl.DataFrame(COLUMNS), memberships={"milano": ["b", "zed"], "numbers": []},
        segments=DEFINITIONS)
    assert sequenza.Segment.parse('in segment "milano"').filter(built, NOW) == ["b"]
    assert sequenza.Segment.parse('in segment "nowhere"').filter(built, NOW) == []
    assert sequenza.Segment.parse('not in segment "nowhere"').count(built, NOW) == 4
    assert sequenza.Segment.parse('in segment "nowhere"').matches({"id": "a"}, NOW) is False
    ints = sequenza.ContactTable.from_arrow(pa.table({"id": [1, 2]}), memberships={"s": [2]})
    assert sequenza.Segment.parse('in segment "s"').filter(ints, NOW) == [2]


def test_segment_cycles_are_segment_errors():
    a = sequenza.Segment.parse('in segment "b"', id="a")
    b = sequenza.Segment.parse('not in segment "a"', id="b")
    built = sequenza.ContactTable.from_arrow(pa.table(COLUMNS), segments=[a, b])
    with pytest.raises(sequenza.SegmentError) as info:
        a.filter(built, NOW)
    assert info.value.code == "segment.cycle"


def vector_table(contacts):
    """The vector's contacts as an Arrow table: fields as columns, consent as consent_<channel>."""
    columns = {"id": [c["id"] for c in contacts]}
    keys = sorted({k for c in contacts for k in c.get("fields", {})})
    for k in keys:
        columns[k] = [c.get("fields", {}).get(k) for c in contacts]
    channels = sorted({ch for c in contacts for ch in c.get("consent", {})})
    for ch in channels:
        columns[f"consent_{ch}"] = [
            c.get("consent", {}).get(ch, {}).get("status") for c in contacts]
    return pa.table(columns)


def test_segment_bulk_vectors():
    doc = json.loads((VECTORS / "segment_bulk.json").read_text())
    assert len(doc["cases"]) >= 4
    for case in doc["cases"]:
        seg = sequenza.Segment.from_json(case["condition"])
        built = sequenza.ContactTable.from_arrow(
            vector_table(case["contacts"]), memberships=case["memberships"])
        assert seg.filter(built, case["now"]) == case["expect"], case["name"]
        for c in case["contacts"]:
            mine = [s for s, ids in case["memberships"].items() if c["id"] in ids]
            assert seg.matches(c, case["now"], segments=mine) == (c["id"] in case["expect"]), (
                case["name"], c["id"])
