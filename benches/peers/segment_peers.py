"""The 6-clause segment over 1,000,000 synthetic contacts, side by side:

* sequenza's bulk evaluator (single thread), through the tiny Rust program
  `benches/src/bin/bulk_count.rs`, which generates the data from its seed, writes the CSV files
  used here, builds the table, evaluates the segment and prints the count and timings;
* polars (lazy; tags as an exploded table, semi-joins), once with POLARS_MAX_THREADS=1 and once
  with its default threads;
* pandas (boolean masks, categoricals, exploded tags);
* SQLite (the standard library's sqlite3, indexed tables, EXISTS sub-queries).

The segment: city in 10 cities, age between 25 and 44, any of 3 tags, spend_last_year > 200, an
`order.placed` event in the 90 days before now, and not in the list `blacklist`.

Every engine must find the same number of contacts as sequenza, or the script fails. Loading is
timed apart from the query; each query runs several times and the median and best are shown.

Run (from the repository root, inside the venv that has the pins of requirements.txt):

    python benches/peers/segment_peers.py            # 1,000,000 contacts
    python benches/peers/segment_peers.py --n 100000 # smaller

Each engine runs in its own child process (so that POLARS_MAX_THREADS takes effect and memory is
returned). OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are removed from the children's environment.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import pathlib
import sqlite3
import statistics
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[2]
DATA = ROOT / "benches" / "data" / "bulk"

NOW = 1_795_608_000  # 2026-11-25T12:00:00Z, as in benches/src/contacts.rs
LO = NOW - 90 * 86_400
REAL = ["Milano", "Roma", "Torino", "Napoli", "Bologna", "Firenze", "Genova", "Bari", "Palermo", "Venezia"]
CITIES = [REAL[i] if i < 10 else f"Comune {i:02}" for i in range(0, 100, 10)]
TAGS = ["vip", "wine", "travel"]


def timed(fn, repeat: int) -> tuple[object, list[float]]:
    out, times = None, []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1e3)
    return out, times


# ---- engines (run in child processes) ------------------------------------------------------


def run_polars(repeat: int) -> dict:
    import polars as pl

    # Of the formulations tried (a list column with list.eval / list.contains, `is_in` on
    # collected ids, an exploded tag table with semi-joins) the last was the fastest, on one
    # thread and on two; it is the one measured.
    t = time.perf_counter()
    contacts = pl.read_csv(
        DATA / "contacts.csv",
        schema_overrides={"city": pl.Categorical, "tags": pl.String, "lists": pl.String},
    )
    tags = (
        contacts.select("row", pl.col("tags").str.split("|").alias("tag"))
        .explode("tag")
        .drop_nulls()
        .with_columns(pl.col("tag").cast(pl.Categorical))
    )
    contacts = contacts.with_columns(
        pl.col("lists").fill_null("").str.split("|").list.contains("blacklist").alias("blacklisted")
    ).drop("tags", "lists")
    events = pl.read_csv(DATA / "events.csv", schema_overrides={"name": pl.Categorical})
    load_s = time.perf_counter() - t

    def query():
        recent = events.lazy().filter(
            (pl.col("name") == "order.placed") & pl.col("at").is_between(LO, NOW)
        ).select(pl.col("contact").alias("row"))
        tagged = tags.lazy().filter(pl.col("tag").is_in(TAGS)).select("row")
        return (
            contacts.lazy()
            .filter(
                pl.col("city").is_in(CITIES)
                & pl.col("age").is_between(25, 44)
                & (pl.col("spend_last_year") > 200)
                & ~pl.col("blacklisted")
            )
            .join(tagged, on="row", how="semi")
            .join(recent, on="row", how="semi")
            .select(pl.len())
            .collect()
            .item()
        )

    count, times = timed(query, repeat)
    return {"count": count, "load_s": load_s, "times_ms": times, "threads": pl.thread_pool_size(),
            "version": pl.__version__}


def run_pandas(repeat: int) -> dict:
    import pandas as pd

    t = time.perf_counter()
    contacts = pd.read_csv(DATA / "contacts.csv", dtype={"city": "category", "tags": "string", "lists": "string"})
    tags = contacts[["row", "tags"]].dropna()
    tags = tags.assign(tag=tags["tags"].str.split("|")).explode("tag")[["row", "tag"]]
    tags["tag"] = tags["tag"].astype("category")
    black = contacts["lists"].fillna("").str.contains("blacklist", regex=False).to_numpy()
    contacts = contacts.drop(columns=["tags", "lists"])
    contacts["blacklisted"] = black
    events = pd.read_csv(DATA / "events.csv", dtype={"name": "category"})
    load_s = time.perf_counter() - t

    def query():
        recent = events["contact"][(events["name"] == "order.placed") & events["at"].between(LO, NOW)]
        tagged = tags["row"][tags["tag"].isin(TAGS)]
        m = (
            contacts["city"].isin(CITIES)
            & contacts["age"].between(25, 44)
            & (contacts["spend_last_year"] > 200)
            & ~contacts["blacklisted"]
            & contacts["row"].isin(tagged.unique())
            & contacts["row"].isin(recent.unique())
        )
        return int(m.sum())

    count, times = timed(query, repeat)
    return {"count": count, "load_s": load_s, "times_ms": times, "version": pd.__version__}


def run_sqlite(repeat: int) -> dict:
    path = DATA / "segment.sqlite"
    t = time.perf_counter()
    if path.exists():
        path.unlink()
    db = sqlite3.connect(path)
    db.executescript(
        """
        PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000;
        CREATE TABLE contacts (row INTEGER PRIMARY KEY, id TEXT, age REAL, city TEXT,
                               spend_last_year REAL);
        CREATE TABLE contact_tags (row INTEGER, tag TEXT);
        CREATE TABLE contact_lists (row INTEGER, list TEXT);
        CREATE TABLE events (contact INTEGER, name TEXT, at INTEGER, amount REAL);
        """
    )

    def num(s: str):
        return float(s) if s else None

    with open(DATA / "contacts.csv", newline="") as f:
        rows, tag_rows, list_rows = [], [], []
        for r in csv.DictReader(f):
            row = int(r["row"])
            rows.append((row, r["id"], num(r["age"]), r["city"] or None, num(r["spend_last_year"])))
            tag_rows.extend((row, t) for t in r["tags"].split("|") if t)
            list_rows.extend((row, x) for x in r["lists"].split("|") if x)
    db.executemany("INSERT INTO contacts VALUES (?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO contact_tags VALUES (?, ?)", tag_rows)
    db.executemany("INSERT INTO contact_lists VALUES (?, ?)", list_rows)
    with open(DATA / "events.csv", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        db.executemany(
            "INSERT INTO events VALUES (?, ?, ?, ?)",
            ((int(c), n, int(a), num(m)) for c, n, a, m in reader),
        )
    db.executescript(
        """
        CREATE INDEX contacts_city_age ON contacts (city, age);
        CREATE INDEX contact_tags_row ON contact_tags (row, tag);
        CREATE INDEX contact_lists_row ON contact_lists (row, list);
        CREATE INDEX events_contact ON events (contact, name, at);
        ANALYZE;
        """
    )
    db.commit()
    load_s = time.perf_counter() - t
    marks = ",".join("?" * len(CITIES))
    tag_marks = ",".join("?" * len(TAGS))
    sql = f"""
        SELECT count(*) FROM contacts c
        WHERE c.city IN ({marks}) AND c.age BETWEEN 25 AND 44 AND c.spend_last_year > 200
          AND EXISTS (SELECT 1 FROM contact_tags t WHERE t.row = c.row AND t.tag IN ({tag_marks}))
          AND EXISTS (SELECT 1 FROM events e WHERE e.contact = c.row AND e.name = 'order.placed'
                      AND e.at BETWEEN ? AND ?)
          AND NOT EXISTS (SELECT 1 FROM contact_lists l WHERE l.row = c.row AND l.list = 'blacklist')
    """
    params = [*CITIES, *TAGS, LO, NOW]
    count, times = timed(lambda: db.execute(sql, params).fetchone()[0], repeat)
    db.close()
    path.unlink()
    return {"count": count, "load_s": load_s, "times_ms": times, "version": sqlite3.sqlite_version}


ENGINES = {"polars": run_polars, "pandas": run_pandas, "sqlite": run_sqlite}

# ---- orchestration ------------------------------------------------------------------------


def child_env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    env.update(extra)
    return env


def run_child(engine: str, repeat: int, extra_env: dict[str, str]) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", engine, "--repeat", str(repeat)],
        env=child_env(extra_env), check=True, capture_output=True, text=True,
    )
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

    subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "sequenza-benches", "--bin", "bulk_count"],
                   cwd=ROOT, check=True)
    out = subprocess.run(
        [str(ROOT / "target" / "release" / "bulk_count"), "--n", str(args.n), "--repeat", str(args.repeat),
         "--write-csv", str(DATA)],
        check=True, capture_output=True, text=True,
    )
    ours = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"{ours['n']:,} contacts, {ours['events']:,} events; segment count (sequenza): {ours['count']:,}")

    rows = [("sequenza bulk (1 thread)", ours["count"], ours["build_ms"] / 1e3,
             ours["eval_median_ms"], ours["eval_min_ms"], "table built from columns")]
    runs = [
        ("polars lazy (1 thread)", "polars", {"POLARS_MAX_THREADS": "1"}),
        ("polars lazy (default threads)", "polars", {}),
        ("pandas", "pandas", {}),
        ("SQLite (indexed)", "sqlite", {}),
    ]
    for label, engine, env in runs:
        r = run_child(engine, args.repeat, env)
        note = f"{engine} {r['version']}" + (f", {r['threads']} threads" if "threads" in r else "")
        rows.append((label, r["count"], r["load_s"], statistics.median(r["times_ms"]), min(r["times_ms"]), note))

    print()
    print(f"| engine | count | load (s) | query median (ms) | query best (ms) | vs sequenza | notes |")
    print("|---|---:|---:|---:|---:|---:|---|")
    base = rows[0][3]
    for label, count, load, med, best, note in rows:
        print(f"| {label} | {count:,} | {load:.2f} | {med:.2f} | {best:.2f} | {med / base:.1f}x | {note} |")
    bad = [r[0] for r in rows if r[1] != ours["count"]]
    if bad:
        sys.exit(f"count mismatch: {bad} differ from sequenza's {ours['count']}")
    print("\nall engines agree on the count")


if __name__ == "__main__":
    main()
