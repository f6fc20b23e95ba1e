"""The batch time calls over Arrow timestamps (issue 10 §7): pyarrow arrays and chunked arrays
and polars Series in, Arrow out, the same answers as one call at a time; and next_allowed_many
(which reuses the allowed window found for one instant) against next_allowed in any order."""

import datetime as dt
import random

import numpy as np
import polars as pl
import pyarrow as pa
import pytest

import sequenza

UTC = dt.timezone.utc
START = dt.datetime(2025, 3, 20, tzinfo=UTC)  # ten days before the spring DST change in Rome


def instants(n=400, seed=3):
    rnd = random.Random(seed)
    out, t = [], START
    for _ in range(n):
        t += dt.timedelta(seconds=rnd.randint(0, 40_000))
        out.append(t)
    return out


POLICY = sequenza.SendPolicy(quiet_hours=[("21:00", "08:00")], weekdays=["mon", "tue", "wed", "thu", "fri", "sat"],
                             timezone="Europe/Rome")
RECURRENCE = sequenza.Recurrence({"kind": "monthly_weekday", "nth": -1, "weekday": "mon", "time": "09:00"},
                                 timezone="Europe/Rome")


def arrow_inputs(ats):
    with_null = ats[:5] + [None] + ats[5:]
    typ = pa.timestamp("us", tz="UTC")
    return {
        "pyarrow array": (pa.array(with_null, typ), with_null),
        "pyarrow array, ms, Europe/Rome": (pa.array(ats, pa.timestamp("ms", tz="Europe/Rome")), ats),
        "chunked array": (pa.chunked_array([pa.array(ats[:100], typ), pa.array(ats[100:], typ)]), ats),
        "polars Series": (pl.Series("at", with_null, dtype=pl.Datetime("us", "UTC")), with_null),
    }


@pytest.mark.parametrize("kind", ["pyarrow array", "pyarrow array, ms, Europe/Rome", "chunked array", "polars Series"])
def test_batches_take_arrow_timestamps(kind):
    ats = instants()
    array, plain = arrow_inputs(ats)[kind]
    for many, one in [(POLICY.next_allowed_many, POLICY.next_allowed),
                      (RECURRENCE.next_after_many, RECURRENCE.next_after)]:
        got = many(array)
        assert isinstance(got, pa.Array) and got.type == pa.timestamp("us", tz="UTC")
        assert got.to_pylist() == [None if t is None else one(t) for t in plain]
    allowed = POLICY.is_allowed_many(array)
    assert isinstance(allowed, pa.Array) and allowed.type == pa.bool_()
    assert allowed.to_pylist() == [t is not None and POLICY.is_allowed(t) for t in plain]


def test_arrow_timestamps_must_be_instants():
    with pytest.raises(sequenza.NaiveDatetimeError, match="without a time zone"):
        POLICY.next_allowed_many(pa.array([dt.datetime(2025, 1, 1)]))
    with pytest.raises(TypeError, match="Arrow timestamps"):
        RECURRENCE.next_after_many(pa.array([1, 2]))


def test_next_allowed_many_equals_next_allowed_in_any_order():
    ats = instants(2000, seed=9)
    shuffled = ats[:]
    random.Random(1).shuffle(shuffled)
    for order in (ats, shuffled, sorted(ats, reverse=True)):
        us = np.array([int(t.timestamp() * 1_000_000) for t in order], dtype="datetime64[us]")
        got = POLICY.next_allowed_many(us).astype("int64").tolist()
        want = [int(POLICY.next_allowed(t).timestamp() * 1_000_000) for t in order]
        assert got == want
    assert POLICY.next_allowed_many(ats) == [POLICY.next_allowed(t) for t in ats]


def test_next_allowed_answers_in_utc_and_reuses_an_allowed_utc_input():
    from zoneinfo import ZoneInfo

    allowed = dt.datetime(2025, 3, 20, 12, 0, tzinfo=UTC)
    assert POLICY.next_allowed(allowed) is allowed
    rome = allowed.astimezone(ZoneInfo("Europe/Rome"))
    got = POLICY.next_allowed(rome)
    assert got == allowed and got.tzinfo is UTC
    night = dt.datetime(2025, 3, 20, 23, 0, tzinfo=UTC)
    got = POLICY.next_allowed(night)
    assert got == dt.datetime(2025, 3, 21, 7, 0, tzinfo=UTC) and got.tzinfo is UTC
    assert POLICY.next_allowed("2025-03-20T12:00:00Z") == allowed
