"""The Python binding's instant converter, alone and inside the calls that take an instant.

Prints nanoseconds per call (timeit, best of 40 runs of 5,000 calls: short runs, so that a busy machine's preemptions do not count) for:
- ``_instant_echo(dt)``: an aware ``datetime`` converted to the core's instant and back to an
  aware UTC ``datetime`` (the converter alone, in and out);
- ``SendPolicy().is_allowed(dt)``: one instant in, a ``bool`` out (UTC and a fixed +01:00 offset,
  a ``zoneinfo`` zone, RFC 3339 text);
- ``Recurrence.next_after(dt)``: one instant in, one out, plus the core's work;
- for scale: ``dt.astimezone(timezone.utc)`` and ``datetime(...)`` in pure Python.

Run: `python benches/peers/py_instants.py` in the venv with a release build of the binding
(`cd bindings-python && maturin develop --release`).
"""

from __future__ import annotations

import datetime as dt
import timeit
from zoneinfo import ZoneInfo

import sequenza
from sequenza import _sequenza

UTC = dt.timezone.utc
N = 5_000


def ns_per_call(stmt, **names) -> float:
    timer = timeit.Timer(stmt, globals=names)
    return min(timer.repeat(repeat=40, number=N)) / N * 1e9


def main() -> None:
    utc = dt.datetime(2026, 11, 25, 12, 0, 1, 123456, tzinfo=UTC)
    plus1 = utc.astimezone(dt.timezone(dt.timedelta(hours=1)))
    rome = utc.astimezone(ZoneInfo("Europe/Rome"))
    text = "2026-11-25T12:00:01.123456Z"
    echo = _sequenza._instant_echo
    assert echo(utc) == utc and echo(plus1) == utc and echo(rome) == utc and echo(text) == utc
    assert echo(utc).tzinfo is UTC
    policy = sequenza.SendPolicy()
    every = sequenza.Recurrence({"kind": "every", "minutes": 15})
    rows = [
        ("_instant_echo(dt), dt in UTC (in + out)", "echo(d)", dict(echo=echo, d=utc)),
        ("_instant_echo(dt), dt at +01:00", "echo(d)", dict(echo=echo, d=plus1)),
        ("_instant_echo(dt), dt in ZoneInfo('Europe/Rome')", "echo(d)", dict(echo=echo, d=rome)),
        ("_instant_echo(text), RFC 3339 text in", "echo(d)", dict(echo=echo, d=text)),
        ("SendPolicy().is_allowed(dt), dt in UTC (in only)", "f(d)", dict(f=policy.is_allowed, d=utc)),
        ("Recurrence(every 15 min).next_after(dt) (in + core + out)", "f(d)", dict(f=every.next_after, d=utc)),
        ("for scale: dt.astimezone(timezone.utc) in Python", "d.astimezone(u)", dict(d=rome, u=UTC)),
        ("for scale: datetime(2026, 11, 25, ..., tzinfo=utc) in Python", "D(2026, 11, 25, 12, 0, 1, 123456, u)",
         dict(D=dt.datetime, u=UTC)),
        ("for scale: an empty Python function call", "f(d)", dict(f=lambda d: d, d=utc)),
    ]
    print(f"instant conversion, ns per call (best of 40 x {N:,} calls)")
    for label, stmt, names in rows:
        print(f"  {label:<62} {ns_per_call(stmt, **names):7.0f} ns")


if __name__ == "__main__":
    main()
