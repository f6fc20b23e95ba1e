"""Time from Python, side by side in one run (issue 10 §7): sequenza's Python binding against
python-dateutil's ``rrule`` (recurrences) and a plain ``zoneinfo`` implementation (send policy).

1. ``Recurrence.next_after``: "the next occurrence after t" for the last Monday of the month at
   09:00 in Europe/Rome, against ``rrule.after``, one call at a time.
2. ``SendPolicy.next_allowed``: quiet hours 21:00–08:00 and Monday to Saturday, Europe/Rome,
   against a plain Python implementation of the same policy on ``zoneinfo`` (walk the local
   days, build each day's window with ``zoneinfo``, take the first that ends after t).
3. The batch forms, ``next_after_many`` / ``next_allowed_many`` over a NumPy ``datetime64[us]``
   array of 100,000 instants (in time order, and shuffled) and over the same instants as an
   Arrow ``timestamp[us, UTC]`` array, per element, against the per-call peers above in a loop.
4. ``next_allowed`` also against the same plain implementation on ``dateutil.tz`` instead of
   ``zoneinfo``.

Timing keeps the best of 7 runs per chunk of calls (64 calls of sequenza, 4 of zoneinfo, 1 of
dateutil, 5,000 elements of a batch), for every contender alike, so that preemptions on a shared machine do not count. Every answer is checked equal
before timing (single calls on 1,024 instants spread over 2025;
the batch on 100,000 instants over 2025–2026, the peers on a 1,024-instant sample of them).
Run: `make bench` (or `python benches/peers/time_peers.py` in the venv with
`benches/peers/requirements.txt` and a release build of the Python binding).
"""

from __future__ import annotations

import datetime as dt
import time
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
from dateutil import rrule
from dateutil import tz as dateutil_tz

import sequenza

ROME = ZoneInfo("Europe/Rome")
ROME_DATEUTIL = dateutil_tz.gettz("Europe/Rome")
UTC = dt.timezone.utc
START = dt.datetime(2025, 1, 1, tzinfo=UTC)
INSTANTS = [START + dt.timedelta(seconds=i * 30_797) for i in range(1024)]
BATCH = 100_000
BATCH_US = np.datetime64("2025-01-01T00:00:00", "us") + (
    np.arange(BATCH, dtype=np.int64) * 631_000_037 // 1_000 * 1_000
).astype("timedelta64[us]")

QUIET = ("21:00", "08:00")
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat"]


def per_call(fn, instants=INSTANTS, repeat: int = 7, chunk: int = 64) -> float:
    """Seconds per call: each chunk of ``chunk`` instants is timed ``repeat`` times and its best
    time kept, so that a busy machine's preemptions do not count (the same for every contender)."""
    best = [float("inf")] * ((len(instants) + chunk - 1) // chunk)
    for _ in range(repeat):
        for k in range(len(best)):
            part = instants[k * chunk:(k + 1) * chunk]
            t = time.perf_counter()
            for at in part:
                fn(at)
            best[k] = min(best[k], time.perf_counter() - t)
    return sum(best) / len(instants)


def per_element(fn, array, repeat: int = 7, chunk: int = 5_000) -> float:
    """Seconds per element of the batch call, over ``array`` in chunks of ``chunk`` elements, each
    chunk's best of ``repeat`` kept (as in ``per_call``)."""
    parts = [array[k:k + chunk] for k in range(0, len(array), chunk)]
    best = [float("inf")] * len(parts)
    for _ in range(repeat):
        for k, part in enumerate(parts):
            t = time.perf_counter()
            fn(part)
            best[k] = min(best[k], time.perf_counter() - t)
    return sum(best) / len(array)


def zoneinfo_next_allowed(at: dt.datetime) -> dt.datetime:
    """The first instant at or after ``at`` outside 21:00–08:00 local on Monday to Saturday in
    Europe/Rome, in plain Python with zoneinfo (08:00 and 21:00 never fall in a DST gap there)."""
    day = at.astimezone(ROME).date()
    for k in range(8):
        d = day + dt.timedelta(days=k)
        if d.weekday() == 6:
            continue
        opens = dt.datetime(d.year, d.month, d.day, 8, 0, tzinfo=ROME)
        closes = dt.datetime(d.year, d.month, d.day, 21, 0, tzinfo=ROME)
        if closes > at:
            return max(opens, at).astimezone(UTC)
    raise AssertionError("no allowed instant within a week")


def dateutil_next_allowed(at: dt.datetime) -> dt.datetime:
    """``zoneinfo_next_allowed`` with ``dateutil.tz``'s zone."""
    day = at.astimezone(ROME_DATEUTIL).date()
    for k in range(8):
        d = day + dt.timedelta(days=k)
        if d.weekday() == 6:
            continue
        opens = dt.datetime(d.year, d.month, d.day, 8, 0, tzinfo=ROME_DATEUTIL)
        closes = dt.datetime(d.year, d.month, d.day, 21, 0, tzinfo=ROME_DATEUTIL)
        if closes > at:
            return max(opens, at).astimezone(UTC)
    raise AssertionError("no allowed instant within a week")


def as_datetimes(array) -> list[dt.datetime]:
    return [START + dt.timedelta(microseconds=int(m - BATCH_US[0].astype(np.int64)))
            for m in array.astype(np.int64)]


def main() -> None:
    recurrence = sequenza.Recurrence(
        {"kind": "monthly_weekday", "nth": -1, "weekday": "mon", "time": "09:00"}, timezone="Europe/Rome")
    theirs = rrule.rrule(rrule.MONTHLY, byweekday=rrule.MO(-1), byhour=9, byminute=0, bysecond=0,
                         dtstart=dt.datetime(2024, 1, 1, 9, 0, tzinfo=ROME))
    policy = sequenza.SendPolicy(quiet_hours=[QUIET], weekdays=DAYS, timezone="Europe/Rome")

    def dateutil_next(at: dt.datetime) -> dt.datetime:
        return theirs.after(at.astimezone(ROME)).astimezone(UTC)

    # Answers checked equal: single calls, then the batch (a sample of it against the peers).
    for at in INSTANTS:
        assert recurrence.next_after(at) == dateutil_next(at), at
        assert policy.next_allowed(at) == zoneinfo_next_allowed(at), at
    batch_rec = recurrence.next_after_many(BATCH_US)
    batch_pol = policy.next_allowed_many(BATCH_US)
    assert batch_rec.dtype == BATCH_US.dtype and batch_pol.dtype == BATCH_US.dtype
    sample = np.arange(0, BATCH, BATCH // 1024)
    sample_at = as_datetimes(BATCH_US[sample])
    assert as_datetimes(batch_rec[sample]) == [dateutil_next(t) for t in sample_at]
    assert as_datetimes(batch_pol[sample]) == [zoneinfo_next_allowed(t) for t in sample_at]
    assert list(recurrence.next_after_many(INSTANTS)) == [dateutil_next(t) for t in INSTANTS]
    for at in INSTANTS:
        assert policy.next_allowed(at) == dateutil_next_allowed(at), at
    perm = np.random.default_rng(7).permutation(BATCH)
    shuffled = BATCH_US[perm]
    arrow = pa.array(BATCH_US, pa.timestamp("us", tz="UTC"))
    assert (policy.next_allowed_many(shuffled) == batch_pol[perm]).all()
    assert policy.next_allowed_many(arrow).to_numpy().tolist() == batch_pol.tolist()
    assert recurrence.next_after_many(arrow).to_numpy().tolist() == batch_rec.tolist()

    rec_one = per_call(recurrence.next_after)
    rec_peer = per_call(dateutil_next, chunk=1)
    pol_one = per_call(policy.next_allowed)
    pol_peer = per_call(zoneinfo_next_allowed, chunk=4)
    rec_many = per_element(recurrence.next_after_many, BATCH_US)
    pol_many = per_element(policy.next_allowed_many, BATCH_US)
    rec_list = per_element(recurrence.next_after_many, INSTANTS)
    pol_peer_du = per_call(dateutil_next_allowed, chunk=4)
    pol_shuffled = per_element(policy.next_allowed_many, shuffled)
    rec_arrow = per_element(recurrence.next_after_many, arrow)
    pol_arrow = per_element(policy.next_allowed_many, arrow)

    print("Recurrence: next occurrence after t, last Monday 09:00 Europe/Rome")
    print(f"  python-dateutil rrule.after, per call:        {rec_peer * 1e6:9.2f} µs")
    print(f"  sequenza next_after, per call:                {rec_one * 1e6:9.3f} µs   "
          f"({rec_peer / rec_one:,.0f}x faster; target 50x)")
    print(f"  sequenza next_after_many(list of datetime):   {rec_list * 1e6:9.3f} µs per element   "
          f"({rec_peer / rec_list:,.0f}x)")
    print(f"  sequenza next_after_many(datetime64[us] x {BATCH:,}): {rec_many * 1e9:6.0f} ns per element   "
          f"({rec_peer / rec_many:,.0f}x faster; target 1,000x)")
    print("SendPolicy: next allowed instant, quiet 21:00-08:00, Mon-Sat, Europe/Rome")
    print(f"  plain zoneinfo implementation, per call:      {pol_peer * 1e6:9.2f} µs")
    print(f"  sequenza next_allowed, per call:              {pol_one * 1e6:9.3f} µs   "
          f"({pol_peer / pol_one:,.0f}x faster; target 50x)")
    print(f"  sequenza next_allowed_many(datetime64[us] x {BATCH:,}): {pol_many * 1e9:6.0f} ns per element   "
          f"({pol_peer / pol_many:,.0f}x faster; target 1,000x)")
    print(f"  the same implementation on dateutil.tz, per call: {pol_peer_du * 1e6:9.2f} µs   "
          f"(single: {pol_peer_du / pol_one:,.0f}x, batch: {pol_peer_du / pol_many:,.0f}x)")
    print(f"  sequenza next_allowed_many(shuffled datetime64[us]): {pol_shuffled * 1e9:6.0f} ns per element   "
          f"({pol_peer / pol_shuffled:,.0f}x zoneinfo, {pol_peer_du / pol_shuffled:,.0f}x dateutil.tz)")
    print("Arrow timestamp[us, UTC] input (same instants, in time order)")
    print(f"  sequenza next_after_many(arrow):   {rec_arrow * 1e9:6.0f} ns per element   "
          f"({rec_peer / rec_arrow:,.0f}x dateutil rrule)")
    print(f"  sequenza next_allowed_many(arrow): {pol_arrow * 1e9:6.0f} ns per element   "
          f"({pol_peer / pol_arrow:,.0f}x zoneinfo, {pol_peer_du / pol_arrow:,.0f}x dateutil.tz)")


if __name__ == "__main__":
    main()
