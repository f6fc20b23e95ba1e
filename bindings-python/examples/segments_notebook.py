# %% [markdown]
# # Segments over your own tables
#
# A notebook in the "percent" format (open it in Jupyter with jupytext, or in VS Code / PyCharm,
# which run `# %%` cells). It scripts sequenza segments over a pandas DataFrame, the same over
# polars, and keeps membership up to date with a `SegmentIndex`. `make test-python` runs it.

# %%
import datetime as dt

import pandas as pd
import polars as pl

import sequenza

now = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone.utc)  # always an aware datetime

# %% [markdown]
# ## The data: one row per contact, one row per event
#
# Column types decide field types: numbers, text, booleans, dates, timezone-aware timestamps;
# list-of-text columns named `tags` / `lists` are the contact's tags and lists.

# %%
contacts = pd.DataFrame({
    "id": ["anna", "bruno", "carla", "dario", "elena"],
    "city": ["Milano", "Roma", "milano", "Torino", None],
    "spend": [320.0, 40.0, 510.0, None, 95.5],
    "birth_date": [dt.date(1990, 5, 1), dt.date(2009, 1, 2), dt.date(1985, 12, 1), dt.date(1970, 3, 3), dt.date(1999, 7, 7)],
    "tags": [["vip"], [], ["vip", "newsletter"], ["newsletter"], []],
    "lists": [[], [], ["blacklist"], [], []],
    "time_zone": ["Europe/Rome", "Europe/Rome", None, "America/New_York", None],
})
events = pd.DataFrame({
    "contact": ["anna", "carla", "carla", "elena"],
    "name": ["order.placed"] * 4,
    "at": pd.to_datetime(["2026-11-01T10:00Z", "2026-06-20T10:00Z", "2026-11-20T10:00Z", "2025-01-05T08:00Z"]),
    "amount": [120.0, 80.0, 15.0, 60.0],
})
contacts

# %% [markdown]
# ## Segments in the readable syntax

# %%
lapsed = sequenza.Segment.parse(
    'age >= 18 and not did "order.placed" within 90 days and not in list "blacklist"',
    id="lapsed", name="Adults without a recent order",
)
milano_vip = sequenza.Segment.parse('city = "milano" ignoring case and tags has any ("vip")', id="milano-vip")

for seg in (lapsed, milano_vip):
    n = seg.count(contacts, now, events=events)
    print(f"{seg.name or seg.id}: {n} contacts match -> {seg.filter(contacts, now, events=events)}")

assert lapsed.filter(contacts, now, events=events) == ["dario", "elena"]
assert milano_vip.filter(contacts, now) == ["anna", "carla"]

# %% [markdown]
# ## A rule from a query builder (JsonLogic), and the same table in polars

# %%
rule = {"and": [{">=": [{"var": "spend"}, 100]}, {"in": ["vip", {"var": "tags"}]}]}
big_vips = sequenza.Segment.from_jsonlogic(rule, id="big-vips")
print(big_vips.to_text())  # spend >= 100 and tags has any ("vip")

assert big_vips.filter(pl.from_pandas(contacts), now) == big_vips.filter(contacts, now) == ["anna", "carla"]

# %% [markdown]
# ## Mistakes are errors with a code and a place

# %%
try:
    sequenza.Segment.parse('city == "Milano"')
except sequenza.ConditionSyntaxError as e:
    print(e.code, f"line {e.line}, column {e.column}:", e.message)

try:
    sequenza.Segment.parse("spend > 100 and shoe_size > 40").filter(contacts, now)
except sequenza.ConditionError as e:
    print(e.code, "at", e.path)  # condition.field.unknown at /conditions/1/field

# %% [markdown]
# ## Keeping membership up to date

# %%
index = sequenza.SegmentIndex()
index.register(sequenza.Segment.parse('did "order.placed" within 7 days', id="recent"))
print(index.add_event({"contact": "anna", "name": "order.placed", "at": now}, now))

# A scheduler: sleep until the next wake-up, tick, repeat (here: simulated for two weeks).
horizon = now + dt.timedelta(days=14)
while (wake := index.next_wakeup()) is not None and wake <= horizon:
    for delta in index.tick(wake):
        print(delta["at"], delta["contact"], delta["change"], delta["segment"])
assert index.members("recent") == []
