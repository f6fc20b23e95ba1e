"""Engine.upsert_contacts / Engine.record_events (issue 12 §3): one crossing gives what one call
each gives; a bad item refuses the batch with its code and its index in the error's path; Arrow
tables (pyarrow, polars) go in the same way."""

import datetime
import json

import pyarrow as pa
import pytest

import sequenza

UTC = datetime.timezone.utc
T0 = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
T1 = T0 + datetime.timedelta(hours=1)
T2 = T0 + datetime.timedelta(days=2)

FIELDS = {
    "fields": [
        {"key": "first_name", "type": "text"},
        {"key": "tier", "type": "text"},
        {"key": "points", "type": "number", "default": 0},
    ]
}

VIP = {
    "id": "vip",
    "name": "VIP",
    "status": "active",
    "triggers": [{"type": "field_changed", "field": "tier", "to": "gold"}],
    "start": "hello",
    "nodes": [
        {
            "id": "hello",
            "type": "send",
            "channel": "email",
            "content": {"subject": 'Ciao {{ first_name | "amico" }}', "body": "Sei gold"},
        },
        {"id": "w", "type": "wait", "duration": {"amount": 1, "unit": "days"}},
        {"id": "end", "type": "exit"},
    ],
    "edges": [{"from": "hello", "to": "w"}, {"from": "w", "to": "end"}],
}

ORDER = {
    "id": "order",
    "name": "Order",
    "status": "active",
    "triggers": [{"type": "event", "event": "order.placed"}],
    "start": "big",
    "nodes": [
        {
            "id": "big",
            "type": "condition",
            "condition": {"type": "field", "field": "tier", "op": "eq", "value": "gold"},
        },
        {
            "id": "thanks",
            "type": "send",
            "channel": "email",
            "content": {"subject": "Grazie {{ first_name }}", "body": "{{ event.amount }}"},
        },
        {"id": "end", "type": "exit"},
    ],
    "edges": [
        {"from": "big", "to": "thanks", "label": "yes"},
        {"from": "big", "to": "end", "label": "no"},
        {"from": "thanks", "to": "end"},
    ],
}


def engine():
    eng = sequenza.Engine(default_time_zone="Europe/Rome", fields=FIELDS)
    eng.publish(VIP, T0)
    eng.publish(ORDER, T0)
    return eng


def contacts():
    return [
        {
            "id": f"c{i}",
            "email": f"c{i}@example.com",
            "fields": {"first_name": f"N{i}", "tier": "gold" if i % 3 == 0 else "silver"},
            "tags": ["vip"] if i % 2 else [],
        }
        for i in range(30)
    ]


def events():
    return [
        {
            "contact": f"c{i % 33}",
            "name": "page.viewed" if i % 4 == 0 else "order.placed",
            "at": T0 + datetime.timedelta(minutes=30),
            "properties": {"amount": i},
        }
        for i in range(50)
    ]


def state(eng):
    out = [eng.effects(), eng.enrollments(), eng.stats("vip"), eng.stats("order")]
    for i in range(33):
        out.append(eng.history(f"c{i}"))
        out.append(eng.contact(f"c{i}"))
    return json.dumps(out, default=str, sort_keys=True)


def one_by_one():
    eng = engine()
    for c in contacts():
        eng.upsert_contact(c, T0)
    for e in events():
        eng.record_event(e, T1)
    return eng


def test_a_batch_gives_what_one_call_each_gives():
    one = one_by_one()
    batch = engine()
    assert batch.upsert_contacts(contacts(), T0) == 30
    assert batch.record_events(iter(events()), T1) == 50  # any iterable
    assert one.effects()
    assert state(one) == state(batch)
    one.tick(T2)
    batch.tick(T2)
    assert state(one) == state(batch)


def test_json_texts_and_dicts_mix():
    eng = engine()
    items = [json.dumps(c) for c in contacts()[:2]] + contacts()[2:]
    assert eng.upsert_contacts(items, T0) == 30
    assert eng.contact("c0")["fields"]["first_name"] == "N0"


def test_a_bad_contact_refuses_the_batch_with_its_index():
    eng = engine()
    items = contacts()
    items[7]["email"] = 5
    with pytest.raises(sequenza.FlowFormatError) as err:
        eng.upsert_contacts(items, T0)
    assert err.value.code == "format.invalid"
    assert err.value.path == "/7/email"
    assert eng.contact("c0") is None  # nothing of the batch was written
    assert eng.upsert_contacts(contacts(), T0) == 30


def test_a_malformed_item_is_located_by_its_index():
    eng = engine()
    items = events()
    del items[4]["name"]
    with pytest.raises(sequenza.FlowFormatError) as err:
        eng.record_events(items, T1)
    assert err.value.path.startswith("/4")
    assert eng.contact("c0") is None
    with pytest.raises(TypeError):
        eng.upsert_contacts({"id": "x"}, T0)


def test_arrow_tables_go_in_as_the_same_contacts_and_events():
    one = one_by_one()
    rows = contacts()
    table = pa.table(
        {
            "id": [c["id"] for c in rows],
            "email": [c["email"] for c in rows],
            "first_name": [c["fields"]["first_name"] for c in rows],
            "tier": [c["fields"]["tier"] for c in rows],
            "tags": [c["tags"] for c in rows],
        }
    )
    evs = events()
    event_table = pa.table(
        {
            "contact": [e["contact"] for e in evs],
            "name": [e["name"] for e in evs],
            "at": pa.array([e["at"] for e in evs], pa.timestamp("us", tz="UTC")),
            "amount": [e["properties"]["amount"] for e in evs],
        }
    )
    batch = engine()
    assert batch.upsert_contacts(table, T0) == 30
    assert batch.record_events(event_table, T1) == 50
    assert batch.contact("c1")["tags"] == ["vip"]
    assert [e["content"] for e in batch.effects()] == [e["content"] for e in one.effects()]
    assert state(one) == state(batch)


def test_polars_frames_go_in():
    pl = pytest.importorskip("polars")
    eng = engine()
    frame = pl.DataFrame({"id": ["a", "b"], "tier": ["gold", None], "points": [3, 4]})
    assert eng.upsert_contacts(frame, T0) == 2
    assert eng.contact("a")["fields"] == {"points": 3.0, "tier": "gold"}
    assert eng.contact("b")["fields"] == {"points": 4.0}


def test_a_bad_arrow_column_is_located_as_in_a_contact_table():
    eng = engine()
    table = pa.table({"id": ["a", "b"], "consent_email": ["opted_in", "maybe"]})
    with pytest.raises(sequenza.FlowFormatError) as err:
        eng.upsert_contacts(table, T0)
    assert (err.value.code, err.value.path) == ("format.invalid", "/columns/consent_email/1")
    assert eng.contact("a") is None  # nothing of the batch was written
    no_name = pa.table({"contact": ["a"], "at": ["2026-12-07T10:00:00Z"]})
    with pytest.raises(sequenza.FlowFormatError) as err:
        eng.record_events(no_name, T1)
    assert (err.value.code, err.value.path) == ("format.column.missing", "/events/columns/name")


def test_arrow_contacts_read_consent_and_lists_like_a_contact_table():
    eng = engine()
    table = pa.table(
        {
            "id": pa.array([1, 2], pa.int64()),
            "consent_email": [True, None],
            "signup": pa.array([0, 365], pa.date32()),
        }
    )
    assert eng.upsert_contacts(table, T0) == 2
    one = eng.contact("1")
    assert one["consent"]["email"]["status"] == "opted_in"
    assert one["fields"]["signup"] == "1970-01-01"
    assert "consent" not in eng.contact("2") or not eng.contact("2")["consent"]
