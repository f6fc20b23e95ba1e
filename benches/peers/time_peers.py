"""Recurrences, side by side in one run: sequenza's Python binding vs python-dateutil's rrule.

Both answer "the next occurrence after t" for the last Monday of the month at 09:00 in
Europe/Rome, on the same 1,024 instants spread over 2025, and must give the same answers.
Run: `make bench` (or `python benches/peers/time_peers.py` in the venv with
`benches/peers/requirements.txt` and a release build of the Python binding).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from zoneinfo import ZoneInfo

from dateutil import rrule

import sequenza

ROME = ZoneInfo("Europe/Rome")
UTC = dt.timezone.utc
START = dt.datetime(2025, 1, 1, tzinfo=UTC)
INSTANTS = [START + dt.timedelta(seconds=i * 30_797) for i in range(1024)]


def per_call(fn, repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        for at in INSTANTS:
            fn(at)
        samples.append((time.perf_counter() - t) / len(INSTANTS))
    return statistics.median(samples)


def main() -> None:
    ours = sequenza.Recurrence(
        {"kind": "monthly_weekday", "nth": -1, "weekday": "mon", "time": "09:00"}, timezone="Europe/Rome")
    theirs = rrule.rrule(rrule.MONTHLY, byweekday=rrule.MO(-1), byhour=9, byminute=0, bysecond=0,
                         dtstart=dt.datetime(2024, 1, 1, 9, 0, tzinfo=ROME))

    def dateutil_next(at: dt.datetime) -> dt.datetime:
        return theirs.after(at.astimezone(ROME)).astimezone(UTC)

    for at in INSTANTS:
        assert ours.next_after(at) == dateutil_next(at), at
    a = per_call(ours.next_after)
    b = per_call(dateutil_next)
    print("next occurrence after t, last Monday 09:00 Europe/Rome, 1,024 instants over 2025")
    print(f"  sequenza (Python binding): {a * 1e6:8.2f} µs per call")
    print(f"  python-dateutil rrule:     {b * 1e6:8.2f} µs per call   ({b / a:.0f}x slower)")


if __name__ == "__main__":
    main()
