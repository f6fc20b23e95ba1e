"""Segment.filter / Segment.count over pandas, polars and pyarrow tables.

The same contacts and events exist three times: as dicts (evaluated one by one with
``Segment.matches``), as columns (a pandas DataFrame, a polars DataFrame and a pyarrow Table, each
library inferring its own Arrow types: large_string, string_view, dictionaries, large_list …) and
as an events table. For every segment, ``filter`` on each table gives exactly the ids of the
contacts ``matches`` accepts.
"""

import datetime as dt
import decimal
import random
import sys

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import sequenza

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def make_data(n=60, seed=7):
    """Columns of ``n`` contacts and of their events, with missing values everywhere."""
    rnd = random.Random(seed)
    columns = {k: [] for k in (
        "id", "city", "spend", "newsletter", "birth_date", "last_login", "tags", "lists",
        "interests", "plan", "time_zone",
    )}
    for i in range(n):
        columns["id"].append(f"c{i:03d}")
        columns["city"].append(rnd.choice(["Milano", "Roma", "Torino", "  milano ", "Città", None]))
        columns["spend"].append(rnd.choice([None, 0.0, 15.0, 49.5, 120.0, 999.0]))
        columns["newsletter"].append(rnd.choice([True, False, None]))
        columns["birth_date"].append(rnd.choice([
            None,
            dt.date(rnd.randint(1950, 2010), rnd.randint(1, 12), rnd.randint(1, 28)),
            dt.date(2008, 11, 26),  # turns 18 tomorrow
            dt.date(1992, 2, 29),
            dt.date(1990, 12, rnd.randint(1, 20)),  # anniversary within days
        ]))
        columns["last_login"].append(rnd.choice([
            None,
            NOW - dt.timedelta(days=rnd.randint(0, 400), minutes=rnd.randint(0, 1440)),
            NOW + dt.timedelta(days=2),
        ]))
        columns["tags"].append(rnd.choice([[], ["vip"], ["newsletter"], ["vip", "newsletter"], ["churn"]]))
        columns["lists"].append(rnd.choice([[], ["blacklist"], ["beta"], ["beta", "blacklist"]]))
        columns["interests"].append(rnd.choice([None, [], ["sport"], ["sport", "cinema"], ["Sport"]]))
        columns["plan"].append(rnd.choice(["free", "pro", None]))
        columns["time_zone"].append(rnd.choice([None, "Europe/Rome", "America/New_York", "Asia/Tokyo"]))
    events = {"contact": [], "name": [], "at": [], "amount": [], "channel": []}

    def add(contact, name, at, amount, channel):
        events["contact"].append(contact)
        events["name"].append(name)
        events["at"].append(at)
        events["amount"].append(amount)
        events["channel"].append(channel)

    for cid in columns["id"]:
        for _ in range(rnd.randint(0, 4)):
            add(cid, "order.placed", NOW - dt.timedelta(days=rnd.randint(-5, 500), hours=rnd.randint(0, 23)),
                rnd.choice([None, 10.0, 35.0, 60.0, 250.0]), rnd.choice(["web", "store", None]))
        for _ in range(rnd.randint(0, 3)):
            add(cid, "email.opened", NOW - dt.timedelta(days=rnd.randint(0, 120)), None, None)
    add("nobody", "order.placed", NOW - dt.timedelta(days=1), 99.0, "web")  # not in the table
    return columns, events


COLUMNS, EVENTS = make_data()


def contact_dicts(columns):
    """The contacts as dicts, in the core's JSON form (None = not there)."""
    out = []
    for i, cid in enumerate(columns["id"]):
        fields = {}
        for key in ("city", "spend", "newsletter", "birth_date", "last_login", "interests", "plan"):
            value = columns[key][i]
            if value is not None:
                fields[key] = value  # dates and datetimes as objects: the binding writes them
        contact = {"id": cid, "fields": fields, "tags": columns["tags"][i], "lists": columns["lists"][i]}
        if columns["time_zone"][i] is not None:
            contact["time_zone"] = columns["time_zone"][i]
        out.append(contact)
    return out


def event_dicts(events):
    by_contact = {}
    for contact, name, at, amount, channel in zip(*events.values()):
        properties = {k: v for k, v in (("amount", amount), ("channel", channel)) if v is not None}
        by_contact.setdefault(contact, []).append(
            {"contact": contact, "name": name, "at": at, "properties": properties})
    return by_contact


CONTACTS = contact_dicts(COLUMNS)
EVENTS_OF = event_dicts(EVENTS)


def pandas_tables(columns, events):
    df = pd.DataFrame(columns)
    df["plan"] = df["plan"].astype("category")
    return df, pd.DataFrame(events)


def polars_tables(columns, events):
    df = pl.DataFrame(columns, schema_overrides={"plan": pl.Categorical, "spend": pl.Float64})
    return df, pl.DataFrame(events, schema_overrides={"amount": pl.Float64})


def pyarrow_tables(columns, events):
    table = pa.table(columns)
    # The events' instants as RFC 3339 text, the other form `at` may take.
    ev = dict(events)
    ev["at"] = [t.isoformat() for t in events["at"]]
    # Two record batches, to read a stream of more than one.
    half = table.num_rows // 2
    table = pa.Table.from_batches(table.slice(0, half).to_batches() + table.slice(half).to_batches())
    return table, pa.table(ev)


KINDS = {"pandas": pandas_tables, "polars": polars_tables, "pyarrow": pyarrow_tables}
TABLES = {kind: make(COLUMNS, EVENTS) for kind, make in KINDS.items()}

SEGMENTS = [
    'city = "Milano"',
    'city != "Milano"',
    'city = "milano" ignoring case',
    'city = "citta" ignoring case',
    'city in ("Milano", "Torino")',
    "city is empty",
    "city is set",
    'city starts with "M"',
    'city matches "^(Mi|To)"',
    "spend > 100",
    "spend between 15 and 120",
    "spend <= 15",
    "spend != 0",
    "newsletter = true",
    "newsletter != true",
    'plan = "pro"',
    'plan in ("free", "pro")',
    'tags has any ("vip", "newsletter")',
    'tags has all ("vip", "newsletter")',
    'tags has none ("vip")',
    'in list "blacklist"',
    'not in list "blacklist"',
    'interests contains "sport"',
    "interests is empty",
    'time_zone = "Europe/Rome"',
    "age between 25 and 34",
    "age >= 18",
    "age is known",
    "birth_date anniversary within 30 days",
    "birth_date before 1980-01-01",
    "last_login within last 30 days",
    "last_login more than 90 days ago",
    "last_login after 2026-06-01",
    "last_login in next 7 days",
    'did "order.placed"',
    'did "order.placed" where (amount > 50) at least 2 times',
    'not did "order.placed" within 90 days',
    'did "order.placed" where (channel = "web") within 180 days',
    'sum of "amount" in "order.placed" within 365 days >= 100',
    'avg of "amount" in "order.placed" > 40',
    'count of "email.opened" within 30 days < 1',
    'last "order.placed" more than 60 days ago',
    'first "order.placed" before 2025-12-01',
    'age >= 18 and (city = "Milano" ignoring case or tags has any ("vip")) and not in list "blacklist"',
    'any(spend > 500, did "order.placed" at least 3 times, last_login within last 7 days)',
    "all()",
    "any()",
]


def expected_ids(segment, default_time_zone="UTC"):
    return [
        c["id"]
        for c in CONTACTS
        if segment.matches(c, NOW, events=EVENTS_OF.get(c["id"], []), default_time_zone=default_time_zone)
    ]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("text", SEGMENTS)
def test_filter_matches_per_row(kind, text):
    seg = sequenza.Segment.parse(text)
    table, events = TABLES[kind]
    expected = expected_ids(seg)
    assert seg.filter(table, NOW, events=events) == expected
    assert seg.count(table, NOW, events=events) == len(expected)


def test_the_data_is_not_trivial():
    """Most segments select some contacts but not all (the comparison means something)."""
    sizes = [len(expected_ids(sequenza.Segment.parse(t))) for t in SEGMENTS]
    assert sum(0 < s < len(CONTACTS) for s in sizes) >= len(SEGMENTS) - 6, sizes


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("text", ["age >= 18", "last_login within last 30 days", "birth_date anniversary within 3 days"])
def test_filter_default_time_zone(kind, text):
    seg = sequenza.Segment.parse(text)
    table, events = TABLES[kind]
    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):
        expected = expected_ids(seg, default_time_zone=zone)
        assert seg.filter(table, NOW, events=events, default_time_zone=zone) == expected


@pytest.mark.parametrize("kind", KINDS)
def test_filter_without_events_table(kind):
    seg = sequenza.Segment.parse('did "order.placed" or city = "Roma"')
    table, _ = TABLES[kind]
    expected = [c["id"] for c in CONTACTS if seg.matches(c, NOW)]
    assert seg.filter(table, NOW) == expected
    assert seg.filter(table, NOW, events=None) == expected


@pytest.mark.parametrize("kind", KINDS)
def test_now_forms(kind):
    seg = sequenza.Segment.parse("last_login within last 30 days")
    table, _ = TABLES[kind]
    rome = NOW.astimezone(dt.timezone(dt.timedelta(hours=1)))
    expected = seg.filter(table, NOW)
    assert seg.filter(table, "2026-11-25T12:00:00Z") == expected
    assert seg.filter(table, "2026-11-25T13:00:00+01:00") == expected
    assert seg.filter(table, rome) == expected
    assert seg.filter(table, pd.Timestamp(NOW)) == expected
    with pytest.raises(ValueError, match="naive"):
        seg.filter(table, dt.datetime(2026, 11, 25, 12))
    with pytest.raises(ValueError, match="RFC 3339"):
        seg.filter(table, "yesterday")
    with pytest.raises(TypeError, match="now must be"):
        seg.filter(table, 1764072000)
    with pytest.raises(sequenza.TimeError, match="time zone") as info:
        seg.filter(table, NOW, default_time_zone="Mars/Olympus")
    assert info.value.code == "time.zone.unknown"


# ---- ids --------------------------------------------------------------------------------------


def small(ids, **columns):
    return {"id": ids, **columns}


@pytest.mark.parametrize("make", [
    lambda d: pd.DataFrame(d),
    lambda d: pl.DataFrame(d),
    lambda d: pa.table(d),
])
def test_integer_ids_come_back_as_int(make):
    seg = sequenza.Segment.parse("score > 1")
    table = make(small([10, 20, 30], score=[1, 2, 3]))
    assert seg.filter(table, NOW) == [20, 30]
    assert all(type(i) is int for i in seg.filter(table, NOW))
    unsigned = pa.table({"id": pa.array([7, 8], pa.uint64()), "score": [5, 0]})
    assert seg.filter(unsigned, NOW) == [7]


def test_integer_ids_in_events():
    seg = sequenza.Segment.parse('did "login"')
    table = pd.DataFrame({"id": [1, 2, 3]})
    events = pd.DataFrame({"contact": [2, 9], "name": ["login", "login"], "at": [NOW, NOW]})
    assert seg.filter(table, NOW, events=events) == [2]


def test_id_column():
    seg = sequenza.Segment.parse('city = "Roma"')
    table = pd.DataFrame({"contact_id": ["a", "b"], "city": ["Roma", "Bari"]})
    assert seg.filter(table, NOW, id_column="contact_id") == ["a"]
    with pytest.raises(sequenza.FlowFormatError, match='no column "id"'):
        seg.filter(table, NOW)


def test_null_and_duplicate_ids():
    seg = sequenza.Segment.parse("all()")
    with pytest.raises(sequenza.FlowFormatError, match="row 1"):
        seg.filter(pa.table({"id": ["a", None]}), NOW)
    with pytest.raises(sequenza.FlowFormatError) as info:
        seg.filter(pa.table({"id": ["a", "b", "a"]}), NOW)
    assert info.value.code == "format.invalid"
    assert info.value.path == "/ids/2"


def test_empty_table():
    seg = sequenza.Segment.parse("all()")
    table = pa.table({"id": pa.array([], pa.string()), "spend": pa.array([], pa.float64())})
    assert seg.filter(table, NOW) == []
    assert seg.count(table, NOW) == 0


# ---- what a table can be ------------------------------------------------------------------------


class StreamOnly:
    """Any object with the Arrow PyCapsule stream interface."""

    def __init__(self, table):
        self.table = table

    def __arrow_c_stream__(self, requested_schema=None):
        return self.table.__arrow_c_stream__(requested_schema)


def test_any_arrow_stream_object():
    seg = sequenza.Segment.parse('tags has any ("vip")')
    table, _ = TABLES["pyarrow"]
    expected = seg.filter(table, NOW)
    assert seg.filter(StreamOnly(table), NOW) == expected
    assert seg.filter(pa.RecordBatchReader.from_batches(table.schema, table.to_batches()), NOW) == expected
    assert seg.filter(table.to_batches()[0], NOW) == [i for i in expected if i in table.to_batches()[0]["id"].to_pylist()]


def test_polars_chunks():
    seg = sequenza.Segment.parse("spend > 10")
    a = pl.DataFrame({"id": ["a", "b"], "spend": [5.0, 50.0]})
    b = pl.DataFrame({"id": ["c", "d"], "spend": [float("nan"), 500.0]})
    both = pl.concat([a, b], rechunk=False)
    assert both.n_chunks() == 2
    assert seg.filter(both, NOW) == ["b", "d"]
    # NaN is a missing value (pandas turns it into null itself)
    assert sequenza.Segment.parse("spend is empty").filter(both, NOW) == ["c"]


@pytest.mark.parametrize("bad", [[{"id": "a"}], {"id": ["a"], "x": [[1]]}.items(), 42, "id,city", None])
def test_not_a_table(bad):
    seg = sequenza.Segment.parse("all()")
    with pytest.raises(TypeError, match="table must be a pandas or polars DataFrame"):
        seg.filter(bad, NOW)


def test_a_dict_of_columns_goes_through_pyarrow():
    seg = sequenza.Segment.parse("spend > 10")
    assert seg.filter({"id": ["a", "b"], "spend": [1, 20]}, NOW) == ["b"]


def frame(n):
    return {
        "id": [f"c{i}" for i in range(n)],
        "city": ["Milano", "Roma"] * (n // 2),
        "spend": [float(i % 50) for i in range(n)],
        "tags": [["vip"], []] * (n // 2),
    }


def python_calls(seg, table):
    """How many Python-level calls (Python functions and builtins) ``seg.count(table)`` makes."""
    count = 0

    def profile(frame, event, arg):
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        seg.count(table, NOW)
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.parametrize("make", [pa.table, pl.DataFrame, pd.DataFrame], ids=["pyarrow", "polars", "pandas"])
def test_no_python_call_per_row(make):
    """Reading and evaluating 20 000 rows makes (about) as many Python calls as 20 rows: the
    library's own ``__arrow_c_stream__`` and nothing per row."""
    seg = sequenza.Segment.parse('city = "Milano" and spend > 10 and tags has any ("vip")')
    few, many = make(frame(20)), make(frame(20_000))
    python_calls(seg, few)  # warm up imports
    calls_few, calls_many = python_calls(seg, few), python_calls(seg, many)
    # pandas converts a large frame in a few more chunks; nothing near one call per row
    assert calls_many <= calls_few + 200, (calls_few, calls_many)
    assert calls_many < 2_000
    assert seg.count(many, NOW) == len([i for i in range(0, 20_000, 2) if i % 50 > 10])


# ---- column types -------------------------------------------------------------------------------


def test_naive_timestamp_column_is_refused():
    seg = sequenza.Segment.parse("seen within last 7 days")
    table = pd.DataFrame({"id": ["a"], "seen": [pd.Timestamp("2026-11-20 10:00")]})
    with pytest.raises(sequenza.FlowFormatError, match="tz_localize"):
        seg.filter(table, NOW)
    table = pl.DataFrame({"id": ["a"], "seen": [dt.datetime(2026, 11, 20, 10)]})
    with pytest.raises(sequenza.FlowFormatError, match="without a time zone"):
        seg.filter(table, NOW)
    aware = pd.DataFrame({"id": ["a"], "seen": [pd.Timestamp("2026-11-20 10:00", tz="Europe/Rome")]})
    assert seg.filter(aware, NOW) == ["a"]


@pytest.mark.parametrize("column", [
    pa.array([b"x"], pa.binary()),
    pa.array([{"a": 1}]),
    pa.array([dt.timedelta(days=1)]),
    pa.array([[1, 2]]),
])
def test_unsupported_column_type(column):
    seg = sequenza.Segment.parse("all()")
    table = pa.table({"id": ["a"], "odd": column})
    with pytest.raises(sequenza.FlowFormatError, match='column "odd"'):
        seg.filter(table, NOW)
    assert seg.filter(table.drop_columns(["odd"]), NOW) == ["a"]


def test_numeric_and_date_types():
    table = pa.table({
        "id": ["a", "b"],
        "i8": pa.array([1, None], pa.int8()),
        "u64": pa.array([2, 3], pa.uint64()),
        "f32": pa.array([0.5, 1.5], pa.float32()),
        "f16": pa.array([None, np.float16(2.0)], pa.float16()),
        "dec": pa.array([None, decimal.Decimal("12.25")], pa.decimal128(5, 2)),
        "d64": pa.array([dt.date(2000, 1, 1), None], pa.date64()),
        "ts_s": pa.array([NOW, None], pa.timestamp("s", tz="UTC")),
        "ts_ms": pa.array([None, NOW], pa.timestamp("ms", tz="Asia/Tokyo")),
        "ts_ns": pa.array([NOW, NOW], pa.timestamp("ns", tz="UTC")),
        "nothing": pa.nulls(2),
        "lv": pa.array([["x"], None], pa.large_list(pa.large_string())),
        "dict": pa.array(["p", None]).dictionary_encode(),
    })
    check = {
        "i8 = 1": ["a"], "u64 >= 3": ["b"], "f32 > 1": ["b"], "f16 = 2": ["b"],
        "dec = 12.25": ["b"], "d64 before 2001-01-01": ["a"], "ts_s within last 1 hour": ["a"],
        "ts_ms within last 1 hour": ["b"], "ts_ns after 2026-11-25": ["a", "b"],
        "nothing is empty": ["a", "b"], 'lv contains "x"': ["a"], 'dict = "p"': ["a"],
        "i8 is empty": ["b"],
    }
    for text, ids in check.items():
        assert sequenza.Segment.parse(text).filter(table, NOW) == ids, text


# ---- conditions the table cannot answer, and fields= ------------------------------------------


def test_unknown_column_is_a_condition_error():
    seg = sequenza.Segment.parse('shoe_size > 40 or city = "Roma"')
    table, _ = TABLES["pandas"]
    with pytest.raises(sequenza.ConditionError) as info:
        seg.filter(table, NOW)
    assert info.value.code == "condition.field.unknown"
    assert info.value.path == "/conditions/0/field"


def test_type_mismatch_against_the_columns():
    table, _ = TABLES["polars"]
    with pytest.raises(sequenza.ConditionError) as info:
        sequenza.Segment.parse('spend = "a lot"').filter(table, NOW)
    assert info.value.code == "condition.type_mismatch"
    assert info.value.path == "/value"


FIELDS = {"fields": [
    {"key": "city", "type": "text"},
    {"key": "spend", "type": "number"},
    {"key": "born", "type": "date"},
    {"key": "seen", "type": "datetime"},
    {"key": "plan", "type": "choice", "choices": ["free", "pro"]},
]}


def test_fields_declare_text_columns():
    table = pd.DataFrame({
        "id": ["a", "b", "c"],
        "born": ["1990-01-01", "2015-06-01", "not a date"],
        "seen": ["2026-11-24T10:00:00Z", "2026-01-01T00:00:00+01:00", None],
        "plan": ["pro", "free", None],
    })
    age = sequenza.Segment.parse("age of born >= 18")
    with pytest.raises(sequenza.ConditionError) as info:
        age.filter(table, NOW)  # a text column is no date without fields=
    assert info.value.code == "condition.type_mismatch"
    assert age.filter(table, NOW, fields=FIELDS) == ["a"]
    seen = sequenza.Segment.parse("seen within last 7 days")
    assert seen.filter(table, NOW, fields=FIELDS) == ["a"]
    assert sequenza.Segment.parse('plan = "pro"').filter(table, NOW, fields=FIELDS) == ["a"]
    assert sequenza.Segment.parse('plan = "pro"').filter(table, NOW, fields=json_text(FIELDS)) == ["a"]


def json_text(value):
    import json

    return json.dumps(value)


def test_fields_check_the_condition_first():
    table, _ = TABLES["pyarrow"]
    with pytest.raises(sequenza.ConditionError) as info:
        sequenza.Segment.parse('plan = 3').filter(table, NOW, fields=FIELDS)
    assert info.value.code == "condition.type_mismatch"
    with pytest.raises(sequenza.ConditionError) as info:
        sequenza.Segment.parse("citta is set").count(table, NOW, fields=FIELDS)
    assert (info.value.code, info.value.path) == ("condition.field.unknown", "/field")
    with pytest.raises(sequenza.FlowFormatError):
        sequenza.Segment.parse("all()").count(table, NOW, fields={"fields": 3})


def test_in_segment_without_membership_has_no_members():
    """As for one contact: a segment whose members are not given has none."""
    table, _ = TABLES["pyarrow"]
    assert sequenza.Segment.parse('in segment "vip"').filter(table, NOW) == []
    assert sequenza.Segment.parse('in segment "vip"').matches({"id": "c000"}, NOW) is False


# ---- the events table ----------------------------------------------------------------------------


def test_events_table_problems():
    seg = sequenza.Segment.parse('did "login"')
    table = pa.table({"id": ["a"]})
    with pytest.raises(sequenza.FlowFormatError, match='no column "at"'):
        seg.filter(table, NOW, events=pa.table({"contact": ["a"], "name": ["login"]}))
    with pytest.raises(sequenza.FlowFormatError, match="without a time zone"):
        seg.filter(table, NOW, events=pd.DataFrame(
            {"contact": ["a"], "name": ["login"], "at": [pd.Timestamp("2026-11-01")]}))
    with pytest.raises(sequenza.FlowFormatError, match="RFC 3339"):
        seg.filter(table, NOW, events=pa.table({"contact": ["a"], "name": ["login"], "at": ["Tuesday"]}))
    with pytest.raises(sequenza.FlowFormatError, match='column "name" has no value'):
        seg.filter(table, NOW, events=pa.table({"contact": ["a"], "name": pa.array([None], pa.string()), "at": [NOW]}))
    with pytest.raises(sequenza.FlowFormatError, match='column "flag"'):
        seg.filter(table, NOW, events=pa.table(
            {"contact": ["a"], "name": ["login"], "at": [NOW], "flag": [[1]]}))
    with pytest.raises(TypeError, match="events must be"):
        seg.filter(table, NOW, events=[{"contact": "a", "name": "login", "at": NOW}.items()])
    ok = pa.table({"contact": ["a"], "name": ["login"], "at": [NOW - dt.timedelta(hours=1)]})
    assert seg.filter(table, NOW, events=ok) == ["a"]


def test_pandas_index():
    """A pandas index named like the id column is the id column; a filtered frame's index is an
    extra (number) column that does no harm."""
    seg = sequenza.Segment.parse("spend > 10")
    df = pd.DataFrame({"id": ["a", "b", "c"], "spend": [1.0, 20.0, 30.0]})
    assert seg.filter(df.set_index("id"), NOW) == ["b", "c"]
    assert seg.filter(df[df.spend > 5], NOW) == ["b", "c"]
    assert seg.filter(df.set_index("id"), NOW, id_column="id") == ["b", "c"]
