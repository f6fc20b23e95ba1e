"""The Python data-team path (issue 10 §6), in one run: a 1,000,000-row polars frame of contacts
(city, age, birth date, a tag list, a list of lists, spend, a boolean, a last-order timestamp)
with an events frame (~5.5 M rows), and the 6-clause segment of `benches/RESULTS.md`:

    city in (10 of 100 cities) and age between 25 and 44 and tags has_any (vip, wine, travel)
    and spend_last_year > 200 and did "order.placed" within 90 days and not in list "blacklist"

* sequenza: `ContactTable.from_arrow(contacts, events=events)` once (timed: the build), then
  `Segment.filter(table, now)` (the ids, as `int`s) and `Segment.count(table, now)`;
  `Segment.filter(df, now, events=...)` (the shortcut that builds on every call) once;
* polars (lazy; tags exploded into a (row, tag) frame and semi-joins, prepared outside the
  timed query) with POLARS_MAX_THREADS=1 and 2, and `polars.read_csv` of the same data as CSV;
* pandas (boolean masks, categoricals, exploded tags), from the same frames.

Every engine must return the same ids as sequenza, or the script fails. The data are generated
once with NumPy (seed 42) and handed to each engine's own process as Parquet (reading them is
not timed), with the same data as CSV for `read_csv`.

Run (from the repository root, in the venv with benches/peers/requirements.txt and a release
build of the binding: `cd bindings-python && maturin develop --release`):

    python benches/peers/table_peers.py              # 1,000,000 contacts, ~1 minute
    python benches/peers/table_peers.py --n 100000   # smaller
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "benches" / "data" / "table"
NOW = dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.timezone.utc)
LO = NOW - dt.timedelta(days=90)
REAL = ["Milano", "Roma", "Torino", "Napoli", "Bologna", "Firenze", "Genova", "Bari", "Palermo", "Venezia"]
ALL_CITIES = [REAL[i] if i < 10 else f"Comune {i:02}" for i in range(100)]
CITIES = [ALL_CITIES[i] for i in range(0, 100, 10)]
TAG_NAMES = ["vip", "wine", "travel", "newsletter", "sport", "food", "family", "student", "pets", "music",
             "books", "cinema", "garden", "tech", "fashion", "beauty", "kids", "auto", "art", "outdoor"]
TAGS = ["vip", "wine", "travel"]
SEGMENT = {"type": "and", "conditions": [
    {"type": "field", "field": "city", "op": "in", "value": CITIES},
    {"type": "field", "field": "age", "op": "between", "value": [25, 44]},
    {"type": "tags", "op": "has_any", "tags": TAGS},
    {"type": "field", "field": "spend_last_year", "op": "gt", "value": 200},
    {"type": "event", "name": "order.placed", "within": {"amount": 90, "unit": "days"}},
    {"type": "not", "condition": {"type": "in_list", "list": "blacklist"}},
]}


def best_and_median(fn, repeat: int) -> tuple[object, float, float]:
    out, times = None, []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1e3)
    return out, min(times), statistics.median(times)


# ---- the data -----------------------------------------------------------------------------------


def generate(n: int) -> None:
    import numpy as np
    import polars as pl
    import pyarrow as pa

    rng = np.random.default_rng(42)
    weights = 1.0 / np.arange(1, 101) ** 0.7
    city = np.array(ALL_CITIES, dtype=object)[rng.choice(100, n, p=weights / weights.sum())]
    age = rng.integers(18, 80, n)
    today = NOW.date()
    birth_days = (np.datetime64(today) - (age * 365.25 + rng.integers(0, 365, n)).astype("timedelta64[D]"))
    spend = np.round(rng.exponential(150.0, n), 2)
    counts = rng.integers(0, 6, n)
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int32)
    flat = np.array(TAG_NAMES, dtype=object)[rng.integers(0, 20, offsets[-1])]
    tags = pa.ListArray.from_arrays(pa.array(offsets), pa.array(flat, pa.string()))
    black = rng.random(n) < 0.03
    news = rng.random(n) < 0.5
    lcounts = black.astype(np.int32) + news.astype(np.int32)
    loffsets = np.concatenate([[0], np.cumsum(lcounts)]).astype(np.int32)
    lflat = []
    for b, s in zip(black.tolist(), news.tolist()):
        if s:
            lflat.append("newsletter")
        if b:
            lflat.append("blacklist")
    lists = pa.ListArray.from_arrays(pa.array(loffsets), pa.array(lflat, pa.string()))
    now_s = int(NOW.timestamp())
    last_order = (now_s - rng.integers(0, 400 * 86_400, n)) * 1_000_000
    missing = rng.random(n) < 0.05
    contacts = pa.table({
        "id": pa.array(np.arange(n, dtype=np.int64)),
        "city": pa.array(city, pa.string()),
        "age": pa.array(age, mask=missing),
        "birth_date": pa.array(birth_days, pa.date32()),
        "spend_last_year": pa.array(spend, mask=rng.random(n) < 0.1),
        "tags": tags,
        "lists": lists,
        "newsletter": pa.array(news),
        "last_order": pa.array(last_order, pa.timestamp("us", tz="UTC")),
    })
    m_orders, m_opens = int(n * 1.5), int(n * 4)
    m = m_orders + m_opens
    events = pa.table({
        "contact": pa.array(rng.integers(0, n, m)),
        "name": pa.array(["order.placed"] * m_orders + ["email.opened"] * m_opens, pa.string()),
        "at": pa.array((now_s - rng.integers(0, 365 * 86_400, m)) * 1_000_000, pa.timestamp("us", tz="UTC")),
        "amount": pa.array(np.round(rng.exponential(60.0, m), 2)),
    })
    DATA.mkdir(parents=True, exist_ok=True)
    pl.from_arrow(contacts).write_parquet(DATA / "contacts.parquet")
    pl.from_arrow(events).write_parquet(DATA / "events.parquet")
    # The same data as CSV (lists as "a|b" text) for read_csv.
    pl.from_arrow(contacts).with_columns(
        pl.col("tags").list.join("|"), pl.col("lists").list.join("|")
    ).write_csv(DATA / "contacts.csv")
    pl.from_arrow(events).write_csv(DATA / "events.csv")


def frames():
    import polars as pl

    return pl.read_parquet(DATA / "contacts.parquet"), pl.read_parquet(DATA / "events.parquet")


# ---- engines (each in its own process) ----------------------------------------------------------


def run_sequenza(repeat: int) -> dict:
    import sequenza

    contacts, events = frames()
    seg = sequenza.Segment.from_json(SEGMENT)
    builds = []
    for _ in range(3):
        t = time.perf_counter()
        table = sequenza.ContactTable.from_arrow(contacts, events=events)
        builds.append(time.perf_counter() - t)
    ids, best, median = best_and_median(lambda: seg.filter(table, NOW), repeat)
    _, cbest, cmedian = best_and_median(lambda: seg.count(table, NOW), repeat)
    _, mbest, mmedian = best_and_median(lambda: seg.mask(table, NOW), repeat)
    t = time.perf_counter()
    shortcut = seg.filter(contacts, NOW, events=events)
    shortcut_s = time.perf_counter() - t
    assert shortcut == ids
    return {"ids": ids, "build_s": min(builds), "build_median_s": statistics.median(builds),
            "best_ms": best, "median_ms": median, "count_best_ms": cbest, "count_median_ms": cmedian,
            "mask_best_ms": mbest, "mask_median_ms": mmedian, "shortcut_s": shortcut_s,
            "version": sequenza.__version__}


def run_polars(repeat: int) -> dict:
    import polars as pl

    contacts, events = frames()
    reads = []
    for _ in range(3):
        t = time.perf_counter()
        pl.read_csv(DATA / "contacts.csv")
        pl.read_csv(DATA / "events.csv")
        reads.append(time.perf_counter() - t)
    t = time.perf_counter()
    tags = (contacts.select(pl.col("id").alias("row"), pl.col("tags").alias("tag"))
            .explode("tag").drop_nulls().with_columns(pl.col("tag").cast(pl.Categorical)))
    prepared = contacts.with_columns(
        pl.col("city").cast(pl.Categorical),
        pl.col("lists").list.contains("blacklist").alias("blacklisted"),
    ).drop("tags", "lists")
    orders = events.filter(pl.col("name") == "order.placed").select("contact", "at")
    prep_s = time.perf_counter() - t

    def query():
        recent = orders.lazy().filter(pl.col("at").is_between(LO, NOW)).select(pl.col("contact").alias("id"))
        tagged = tags.lazy().filter(pl.col("tag").is_in(TAGS)).select(pl.col("row").alias("id"))
        return (
            prepared.lazy()
            .filter(
                pl.col("city").is_in(CITIES)
                & pl.col("age").is_between(25, 44)
                & (pl.col("spend_last_year") > 200)
                & ~pl.col("blacklisted")
            )
            .join(tagged, on="id", how="semi")
            .join(recent, on="id", how="semi")
            .select("id")
            .collect()["id"]
            .to_list()
        )

    ids, best, median = best_and_median(query, repeat)
    return {"ids": sorted(ids), "read_csv_s": min(reads), "prep_s": prep_s, "best_ms": best,
            "median_ms": median, "threads": pl.thread_pool_size(), "version": pl.__version__}


def run_pandas(repeat: int) -> dict:
    import pandas as pd

    contacts, events = frames()
    t = time.perf_counter()
    df = contacts.drop("tags", "lists").to_pandas()
    df["city"] = df["city"].astype("category")
    df["blacklisted"] = contacts["lists"].list.contains("blacklist").to_numpy()
    tags = contacts.select("id", "tags").explode("tags").drop_nulls().to_pandas()
    tags["tags"] = tags["tags"].astype("category")
    ev = events.filter(events["name"] == "order.placed").to_pandas()
    prep_s = time.perf_counter() - t
    lo, now = pd.Timestamp(LO), pd.Timestamp(NOW)

    def query():
        recent = ev["contact"][ev["at"].between(lo, now)]
        tagged = tags["id"][tags["tags"].isin(TAGS)]
        m = (
            df["city"].isin(CITIES)
            & df["age"].between(25, 44)
            & (df["spend_last_year"] > 200)
            & ~df["blacklisted"]
            & df["id"].isin(tagged.unique())
            & df["id"].isin(recent.unique())
        )
        return df["id"][m].tolist()

    ids, best, median = best_and_median(query, repeat)
    return {"ids": sorted(ids), "prep_s": prep_s, "best_ms": best, "median_ms": median,
            "version": pd.__version__}


ENGINES = {"sequenza": run_sequenza, "polars": run_polars, "pandas": run_pandas}


def run_child(engine: str, repeat: int, extra_env: dict[str, str]) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    env.update(extra_env)
    out = subprocess.run([sys.executable, __file__, "--child", engine, "--repeat", str(repeat)],
                         env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--child", choices=sorted(ENGINES))
    args = ap.parse_args()
    if args.child:
        print(json.dumps(ENGINES[args.child](args.repeat)))
        return
    t = time.perf_counter()
    generate(args.n)
    print(f"data: {args.n:,} contacts generated in {time.perf_counter() - t:.1f} s")
    ours = run_child("sequenza", args.repeat, {})
    p1 = run_child("polars", args.repeat, {"POLARS_MAX_THREADS": "1"})
    p2 = run_child("polars", args.repeat, {"POLARS_MAX_THREADS": "2"})
    pd_ = run_child("pandas", args.repeat, {})
    for name, r in [("polars 1 thread", p1), ("polars 2 threads", p2), ("pandas", pd_)]:
        if r["ids"] != ours["ids"]:
            sys.exit(f"{name} found {len(r['ids'])} contacts, sequenza {len(ours['ids'])}: answers differ")
    n_match = len(ours["ids"])
    print(f"segment: {n_match:,} contacts match; every engine returned the same ids\n")
    print("| query (the matching ids) | best (ms) | median (ms) | polars 1 thread / this (median) |")
    print("|---|---:|---:|---:|")
    base = p1["median_ms"]
    rows = [
        (f"sequenza {ours['version']} `Segment.filter(table, now)`", ours["best_ms"], ours["median_ms"]),
        ("sequenza `Segment.count(table, now)`", ours["count_best_ms"], ours["count_median_ms"]),
        ("sequenza `Segment.mask(table, now)` (pyarrow BooleanArray)", ours["mask_best_ms"], ours["mask_median_ms"]),
        (f"polars {p1['version']} lazy, 1 thread", p1["best_ms"], p1["median_ms"]),
        (f"polars lazy, {p2['threads']} threads", p2["best_ms"], p2["median_ms"]),
        (f"pandas {pd_['version']}", pd_["best_ms"], pd_["median_ms"]),
    ]
    for label, best, med in rows:
        print(f"| {label} | {best:.2f} | {med:.2f} | {base / med:.1f}x |")
    print()
    print("| load / build (s) | best of 3 |")
    print("|---|---:|")
    print(f"| `ContactTable.from_arrow(contacts, events=events)` (median {ours['build_median_s']:.2f}) | {ours['build_s']:.2f} |")
    print(f"| `polars.read_csv` of the same data as CSV, 1 thread | {p1['read_csv_s']:.2f} |")
    print(f"| `polars.read_csv` of the same data as CSV, {p2['threads']} threads | {p2['read_csv_s']:.2f} |")
    print(f"| polars: preparing the frames for the query (explode tags, categoricals), 1 thread | {p1['prep_s']:.2f} |")
    print(f"| pandas: the same preparation from the polars frames | {pd_['prep_s']:.2f} |")
    print(f"| `Segment.filter(df, now, events=...)` (builds on every call) | {ours['shortcut_s']:.2f} |")
    speed = base / ours["median_ms"]
    print(f"\nfilter on a built table vs polars 1 thread: {speed:.1f}x (target 5x): "
          + ("met" if speed >= 5 else "NOT met"))
    ratio = ours["build_s"] / p2["read_csv_s"]
    print(f"build vs polars.read_csv ({p2['threads']} threads): {ratio:.2f}x the time (target <= 1): "
          + ("met" if ratio <= 1 else "NOT met"))


if __name__ == "__main__":
    main()
