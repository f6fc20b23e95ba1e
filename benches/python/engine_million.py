"""1M contacts through one decision, driven from Python as a user would (issue 12 §4).

    cd bindings-python && ../.venv/bin/maturin develop --release && cd ..
    .venv/bin/python benches/python/engine_million.py 1000000          # or 100000, 300000
    .venv/bin/python benches/python/engine_million.py 300000 --arrow   # contacts / events as Arrow tables

1. load N contacts (e-mail, four fields, one tag) with ``Engine.upsert_contacts``, 100,000 per call
   (list of dicts, or a pyarrow table with ``--arrow``); only the calls are timed, not building the
   Python data;
2. publish a flow: event ``cart.abandoned`` -> wait 1 hour -> decision (tier is gold?) -> send a
   rendered e-mail (yes) / exit (no);
3. record N events (one ``cart.abandoned`` per contact) with ``Engine.record_events``, 100,000 per
   call: every contact enters the flow and waits;
4. ``tick`` one hour later: N waits fire, N decisions, a third of the contacts get an e-mail.

Prints each phase's wall and CPU seconds (``time.process_time``; the machine is shared, so the
wall time also counts other processes' turns), the load rate, RSS per contact (``/proc/self/statm``
delta after loading), the end-to-end total against the 30 s target and Mautic's 2.5 days
(mautic #2870), then one event fanned out to 100 flows.
"""

import datetime
import sys
import time

import sequenza

UTC = datetime.timezone.utc
T0 = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
CHUNK = 100_000
MAUTIC_S = 2.5 * 86_400

FLOW = {
    "id": "cart",
    "name": "Abandoned cart",
    "status": "active",
    "triggers": [{"type": "event", "event": "cart.abandoned"}],
    "start": "wait",
    "nodes": [
        {"id": "wait", "type": "wait", "duration": {"amount": 1, "unit": "hours"}},
        {
            "id": "gold",
            "type": "condition",
            "condition": {"type": "field", "field": "tier", "op": "eq", "value": "gold"},
        },
        {
            "id": "mail",
            "type": "send",
            "channel": "email",
            "transactional": True,
            "content": {
                "subject": 'Ciao {{ first_name | "amico" }}, il tuo carrello',
                "body": "Da {{ city }}: riprendi il carrello.",
            },
        },
        {"id": "end", "type": "exit"},
    ],
    "edges": [
        {"from": "wait", "to": "gold"},
        {"from": "gold", "to": "mail", "label": "yes"},
        {"from": "gold", "to": "end", "label": "no"},
        {"from": "mail", "to": "end"},
    ],
}

CITIES = ["Roma", "Milano", "Napoli", "Torino", "Bologna"]


def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def contact(i):
    return {
        "id": f"c{i:07}",
        "email": f"c{i}@example.com",
        "fields": {
            "first_name": f"N{i}",
            "tier": "gold" if i % 3 == 0 else "silver",
            "city": CITIES[i % 5],
            "score": i % 100,
        },
        "tags": ["vip" if i % 2 == 0 else "new"],
    }


def contacts_chunk(start, stop, arrow):
    rows = [contact(i) for i in range(start, stop)]
    if not arrow:
        return rows
    import pyarrow as pa

    return pa.table(
        {
            "id": [r["id"] for r in rows],
            "email": [r["email"] for r in rows],
            "first_name": [r["fields"]["first_name"] for r in rows],
            "tier": [r["fields"]["tier"] for r in rows],
            "city": [r["fields"]["city"] for r in rows],
            "score": [r["fields"]["score"] for r in rows],
            "tags": [r["tags"] for r in rows],
        }
    )


def events_chunk(start, stop, at, arrow):
    if arrow:
        import pyarrow as pa

        return pa.table(
            {
                "contact": [f"c{i:07}" for i in range(start, stop)],
                "name": ["cart.abandoned"] * (stop - start),
                "at": pa.array([at] * (stop - start), pa.timestamp("us", tz="UTC")),
            }
        )
    return [{"contact": f"c{i:07}", "name": "cart.abandoned", "at": at} for i in range(start, stop)]


class Phase:
    def __init__(self):
        self.wall = 0.0
        self.cpu = 0.0

    def run(self, f, *args):
        w, c = time.perf_counter(), time.process_time()
        out = f(*args)
        self.wall += time.perf_counter() - w
        self.cpu += time.process_time() - c
        return out

    def __str__(self):
        return f"{self.wall:.2f} s wall, {self.cpu:.2f} s CPU"


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    arrow = "--arrow" in sys.argv
    eng = sequenza.Engine(default_time_zone="Europe/Rome")

    load = Phase()
    before = rss()
    for start in range(0, n, CHUNK):
        data = contacts_chunk(start, min(start + CHUNK, n), arrow)
        load.run(eng.upsert_contacts, data, T0)
        del data
    per_contact = (rss() - before) / n
    print(
        f"load {n} contacts ({'Arrow table' if arrow else 'list of dicts'}) with upsert_contacts: "
        f"{load} = {n / load.wall:,.0f} contacts/s wall, {n / load.cpu:,.0f}/s CPU; "
        f"RSS {per_contact:,.0f} B per contact"
    )

    publish = Phase()
    publish.run(eng.publish, FLOW, T0)

    events = Phase()
    at = T0 + datetime.timedelta(minutes=1)
    for start in range(0, n, CHUNK):
        data = events_chunk(start, min(start + CHUNK, n), at, arrow)
        events.run(eng.record_events, data, at)
        del data
    print(f"record {n} events with record_events (each enters the flow and waits): {events}")

    tick = Phase()
    steps = tick.run(eng.tick, T0 + datetime.timedelta(hours=1, minutes=2))
    sent = eng.stats("cart")["sent"]
    print(f"tick: {steps} steps (wait fires, decision, send or exit), {sent} e-mails rendered: {tick}")
    assert sent == (n + 2) // 3, sent

    wall = load.wall + publish.wall + events.wall + tick.wall
    cpu = load.cpu + publish.cpu + events.cpu + tick.cpu
    verdict = "met" if wall <= 30 else "not met"
    print(
        f"end to end (load + publish + events + tick): {wall:.1f} s wall, {cpu:.1f} s CPU "
        f"(target 30 s: {verdict} on wall time); Mautic 2.5 days = {MAUTIC_S:,.0f} s: "
        f"{MAUTIC_S / wall:,.0f}x faster (wall), {MAUTIC_S / cpu:,.0f}x (CPU)"
    )
    fan_out()


def fan_out():
    """One event fanned out to 100 flows (each: event trigger -> send -> exit)."""
    eng = sequenza.Engine(default_time_zone="Europe/Rome")
    for k in range(100):
        eng.publish(
            {
                "id": f"promo{k}",
                "name": f"Promo {k}",
                "status": "active",
                "triggers": [{"type": "event", "event": "promo"}],
                "start": "mail",
                "nodes": [
                    {
                        "id": "mail",
                        "type": "send",
                        "channel": "email",
                        "transactional": True,
                        "content": {"subject": f"Promo {k} per {{{{ first_name }}}}", "body": "."},
                    },
                    {"id": "end", "type": "exit"},
                ],
                "edges": [{"from": "mail", "to": "end"}],
            },
            T0,
        )
    eng.upsert_contacts([contact(i) for i in range(1000)], T0)
    times = []
    for i in range(200):
        at = T0 + datetime.timedelta(seconds=i + 1)
        w = time.perf_counter()
        eng.record_event({"contact": f"c{i:07}", "name": "promo", "at": at}, at)
        times.append(time.perf_counter() - w)
    assert len(eng.effects()) == 200 * 100
    times.sort()
    print(
        f"one event fanned out to 100 flows (100 entries, 100 rendered sends): median "
        f"{times[len(times) // 2] * 1e3:.2f} ms, best {times[0] * 1e3:.2f} ms (200 events)"
    )


if __name__ == "__main__":
    main()
