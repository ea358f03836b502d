"""Write a large generated shop (default 100M events) as Parquet, one file per table.

Run by hand (not in CI). The shop goes OUTSIDE the repository:

    .venv/bin/python benchmarks/big_shop.py --out /work/bigdata/shop_100m
    .venv/bin/python benchmarks/big_shop.py --events 10_000_000 --out /work/bigdata/shop_10m

``make_shop`` holds a whole shop in memory (about 2.4 GB at 10M events), so a
100M-event shop cannot come from one call. This script makes it in shards:
``make_shop`` is called once per shard (about 10M events each, its own
``random_state``) and each shard is appended to ONE Parquet file per table
with ``pyarrow.parquet.ParquetWriter`` (every shard adds its own row groups),
so that the folder looks exactly like one ``write_shop(shop, folder,
format="parquet")`` would write: ``<table>.parquet`` for the 15 tables,
``stories.csv`` and ``shop.json``. ``ecomkit.sql.run_recipe(name, folder)``
and ``ecomkit.datasets.read_shop(folder, tables=[...])`` read it. Only one
shard is in memory at a time; the peak RSS stays near one ``make_shop`` of
the shard's size.

How the shards are put together
-------------------------------
* **People, visits and orders** (customers, sessions, events, orders,
  order_items, refunds, coupons, contacts) are appended. Their keys are
  renumbered so that they stay unique and keep make_shop's dense 1..N
  numbering across the whole shop: shard k adds to every customer, visitor,
  session, order, refund, coupon and contact id the largest id of that kind in
  shards 0..k-1 (a running offset per kind of id), in the key column and in
  every column that refers to it (``orders.session_id``,
  ``order_items.order_id``, ``coupons.redeemed_order_id``, ...). Relations
  within a shard are therefore kept exactly.
* **Products and campaigns** are the same id range in every shard (the same
  ``n_products`` is passed to every call; the campaign calendar does not
  depend on the seed) and are written from shard 0 only. Product PRICES and
  COSTS do differ by seed: ``order_items`` keeps each shard's own
  ``unit_price`` and ``unit_cost``, which the P&L uses; ``products`` shows
  shard 0's.
* **Daily and monthly totals** are summed over the shards by their key, so the
  keys stay unique and the totals match the appended tables: ``costs`` (date,
  cost_type: amount), ``marketing_spend`` (date, channel: spend, impressions,
  clicks; the campaign of a day and channel is the same in every shard),
  ``keywords`` (date, keyword, source: the counts and spend; shards have
  disjoint visitors, so summed distinct visitors and buyers are exact) and
  ``market`` (month, shop: uv, gmv, orders; "本店" is this shop, whose row
  equals its own orders and visitors, and the competitors are generated in
  proportion to it).
* **inventory** (product x day) is shard 0's: stock per product is not
  additive in a meaningful way here and no recipe reads it.
* ``stories.csv`` is shard 0's (every shard plants the same stories on the
  same dates); ``shop.json`` records the shards and their seeds.

Printed: one progress line per shard (generation and write seconds, peak RSS),
then rows, row groups and bytes per table, and optional checks (``--check``,
on by default): unique keys and the main relations verified with DuckDB over
the files, and the small tables read back with ``read_shop``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import resource
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import ecomkit
from ecomkit import _schema
from ecomkit.datasets import make_shop, read_shop
from ecomkit.datasets._io import META_FILE, SCHEMA_VERSION, STORIES_FILE

# about 34 events per registered customer with the default settings (as in
# benchmarks/make_shop.py and benchmarks/metrics.py)
CUSTOMERS_PER_MILLION_EVENTS = 29_000
EVENTS_PER_SHARD = 10_000_000  # one make_shop call: ~12 s and ~2.4 GB peak

# id column -> kind of id; every kind gets a running offset per shard
OFFSET_IDS = {
    "customer_id": "customer",
    "visitor_id": "visitor",
    "session_id": "session",
    "order_id": "order",
    "redeemed_order_id": "order",
    "refund_id": "refund",
    "coupon_id": "coupon",
    "contact_id": "contact",
}
# ids of the shared dimensions: the same range (and meaning) in every shard
SHARED_IDS = ("product_id", "campaign_id")

APPENDED = ("customers", "sessions", "events", "orders", "order_items", "refunds",
            "coupons", "contacts")
FROM_SHARD_0 = ("products", "inventory", "campaigns")
# table -> (key columns, columns summed over the shards, columns equal in all shards)
SUMMED = {
    "costs": (("date", "cost_type"), ("amount",), ()),
    "marketing_spend": (("date", "channel"), ("spend", "impressions", "clicks"),
                        ("campaign_id",)),
    "keywords": (("date", "keyword", "source"),
                 ("impressions", "clicks", "visitors", "buyers", "spend"), ()),
    "market": (("month", "shop"), ("uv", "gmv", "orders"), ("is_us",)),
}


def _check_plan() -> None:
    """Every table and every *_id column of the schema has a rule above."""
    planned = set(APPENDED) | set(FROM_SHARD_0) | set(SUMMED)
    missing = set(_schema.TABLE_NAMES) - planned
    if missing:
        raise SystemExit(f"big_shop.py does not know how to combine {sorted(missing)}")
    for table in _schema.TABLES.values():
        for col in table.column_names:
            if col.endswith("_id") and col not in OFFSET_IDS and col not in SHARED_IDS:
                raise SystemExit(f"big_shop.py: no rule for id column {table.name}.{col}")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _loadavg() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _offset_ids(shop, offsets: dict[str, int]) -> dict[str, int]:
    """Add the running offsets to every id column; return this shard's largest ids."""
    largest = dict.fromkeys(set(OFFSET_IDS.values()), 0)
    for name in APPENDED:
        frame = shop[name]
        for col, kind in OFFSET_IDS.items():
            if col not in frame.columns:
                continue
            top = frame[col].max()
            if top is not pd.NA and not pd.isna(top):
                largest[kind] = max(largest[kind], int(top))
            if offsets[kind]:
                frame[col] = frame[col] + offsets[kind]
    # the tables that are not appended must not carry ids that need an offset
    for name in (*FROM_SHARD_0, *SUMMED):
        for col in shop[name].columns:
            if col in OFFSET_IDS:
                raise SystemExit(f"big_shop.py: {name}.{col} would need an offset")
    return largest


def _add_up(acc: pd.DataFrame | None, frame: pd.DataFrame, name: str) -> pd.DataFrame:
    keys, summed, same = SUMMED[name]
    if acc is None:
        return frame.copy()
    both = pd.concat([acc, frame], ignore_index=True)
    for col in same:  # e.g. the campaign of a day and channel: equal in every shard
        n = both.groupby(list(keys), observed=True, dropna=False)[col].nunique(
            dropna=False)
        if (n > 1).any():
            raise SystemExit(f"big_shop.py: {name}.{col} differs between shards for "
                             f"{int((n > 1).sum())} keys")
    agg = {c: "sum" for c in summed} | {c: "first" for c in same}
    out = (both.groupby(list(keys), observed=True, sort=True, dropna=False)
           .agg(agg).reset_index())
    out = out[list(frame.columns)]
    for col in summed:  # money back to cents
        if _schema.TABLES[name].column(col).kind == "money":
            out[col] = out[col].round(2)
    return out.astype(frame.dtypes.to_dict())


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024
    return str(n)


def _checks(out: Path, memory_limit: str, threads: int) -> list[str]:
    """Unique keys and relations over the files (DuckDB), small tables via read_shop."""
    import duckdb

    tmp = out / ".duckdb_tmp"
    con = duckdb.connect(config={"memory_limit": memory_limit, "threads": threads,
                                 "temp_directory": str(tmp)})
    for t in _schema.TABLE_NAMES:
        con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet("
                    f"'{out / (t + '.parquet')}')")
    problems = []
    queries = {
        "unique customers.customer_id":
            "SELECT COUNT(*) - COUNT(DISTINCT customer_id) FROM customers",
        "unique customers.visitor_id":
            "SELECT COUNT(*) - COUNT(DISTINCT visitor_id) FROM customers",
        "unique sessions.session_id":
            "SELECT COUNT(*) - COUNT(DISTINCT session_id) FROM sessions",
        "unique orders.order_id": "SELECT COUNT(*) - COUNT(DISTINCT order_id) FROM orders",
        "unique refunds.refund_id":
            "SELECT COUNT(*) - COUNT(DISTINCT refund_id) FROM refunds",
        "unique coupons.coupon_id":
            "SELECT COUNT(*) - COUNT(DISTINCT coupon_id) FROM coupons",
        "unique contacts.contact_id":
            "SELECT COUNT(*) - COUNT(DISTINCT contact_id) FROM contacts",
        "events.session_id in sessions (same visitor)":
            "SELECT COUNT(*) FROM events e LEFT JOIN sessions s USING (session_id) "
            "WHERE s.session_id IS NULL OR s.visitor_id <> e.visitor_id",
        "sessions.customer_id in customers (same visitor)":
            "SELECT COUNT(*) FROM sessions s LEFT JOIN customers c USING (customer_id) "
            "WHERE s.customer_id IS NOT NULL AND (c.customer_id IS NULL "
            "OR c.visitor_id <> s.visitor_id)",
        "orders.customer_id in customers":
            "SELECT COUNT(*) FROM orders o ANTI JOIN customers c USING (customer_id)",
        "orders.session_id: a session of the buyer":
            "SELECT COUNT(*) FROM orders o LEFT JOIN sessions s USING (session_id) "
            "WHERE o.session_id IS NOT NULL AND (s.session_id IS NULL "
            "OR s.customer_id IS DISTINCT FROM o.customer_id)",
        "order_items.order_id in orders":
            "SELECT COUNT(*) FROM order_items i ANTI JOIN orders o USING (order_id)",
        "refunds.order_id: a paid order":
            "SELECT COUNT(*) FROM refunds r LEFT JOIN orders o USING (order_id) "
            "WHERE o.order_id IS NULL OR o.paid_ts IS NULL",
        "coupons.redeemed_order_id: an order of the holder with that coupon":
            "SELECT COUNT(*) FROM coupons c LEFT JOIN orders o "
            "ON o.order_id = c.redeemed_order_id WHERE c.redeemed_order_id IS NOT NULL "
            "AND (o.order_id IS NULL OR o.customer_id <> c.customer_id "
            "OR o.coupon_id IS DISTINCT FROM c.coupon_id)",
        "contacts.customer_id in customers":
            "SELECT COUNT(*) FROM contacts x ANTI JOIN customers c USING (customer_id)",
        "order_items.product_id in products":
            "SELECT COUNT(*) FROM order_items i ANTI JOIN products p USING (product_id)",
        "sessions.campaign_id in campaigns":
            "SELECT COUNT(*) FROM sessions s ANTI JOIN campaigns c USING (campaign_id) "
            "WHERE s.campaign_id IS NOT NULL",
        "unique costs (date, cost_type)":
            "SELECT COUNT(*) - COUNT(DISTINCT (date, cost_type)) FROM costs",
        "unique marketing_spend (date, channel)":
            "SELECT COUNT(*) - COUNT(DISTINCT (date, channel)) FROM marketing_spend",
        "market 本店 gmv = orders placed that month":
            "SELECT COUNT(*) FROM (SELECT date_trunc('month', order_ts) AS month, "
            "SUM(order_amount) AS gmv, COUNT(*) AS n FROM orders GROUP BY 1) o "
            "JOIN market m ON m.month = o.month AND m.is_us "
            "WHERE abs(m.gmv - o.gmv) > 0.01 * o.n OR m.orders <> o.n",
    }
    print("\nchecks (DuckDB over the files, "
          f"memory_limit {memory_limit}, {threads} threads):", flush=True)
    for label, sql in queries.items():
        t0 = time.perf_counter()
        bad = con.execute(sql).fetchone()[0]
        print(f"  {label}: {'ok' if bad == 0 else f'{bad:,} BAD rows'} "
              f"({time.perf_counter() - t0:.1f} s)", flush=True)
        if bad:
            problems.append(f"{label}: {bad:,} rows")
    con.close()
    shutil.rmtree(tmp, ignore_errors=True)
    small = ["products", "campaigns", "costs", "marketing_spend", "keywords", "market"]
    t0 = time.perf_counter()
    try:
        back = read_shop(out, tables=small)
        print(f"  read_shop(folder, tables={small}): ok, "
              + ", ".join(f"{t} {len(back[t]):,}" for t in small)
              + f" rows ({time.perf_counter() - t0:.1f} s)", flush=True)
    except Exception as exc:  # report, do not hide
        problems.append(f"read_shop: {exc}")
        print(f"  read_shop(folder, tables={small}): FAILED: {exc}", flush=True)
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000_000,
                        help="target number of events (default 100_000_000; "
                             "about 34 per customer)")
    parser.add_argument("--out", type=Path, required=True,
                        help="folder to write (outside the repository)")
    parser.add_argument("--shards", type=int, default=None,
                        help=f"make_shop calls (default: one per "
                             f"{EVENTS_PER_SHARD:,} events, at least 2)")
    parser.add_argument("--seed", type=int, default=0,
                        help="shard k uses random_state = seed + k (default 0)")
    parser.add_argument("--start", default="2024-01-01")
    parser.add_argument("--end", default="2024-12-31")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace the shop files of an existing folder")
    parser.add_argument("--no-check", dest="check", action="store_false",
                        help="skip the key/relation checks at the end")
    parser.add_argument("--check-memory-limit", default="4GB")
    args = parser.parse_args(argv)
    _check_plan()

    n_shards = args.shards or max(2, math.ceil(args.events / EVENTS_PER_SHARD))
    n_customers = int(round(args.events / 1e6 * CUSTOMERS_PER_MILLION_EVENTS))
    per_shard = [n_customers // n_shards + (k < n_customers % n_shards)
                 for k in range(n_shards)]
    # the same product range in every shard: make_shop's default for one shard
    n_products = int(np.clip(per_shard[-1] // 20, 60, 3000))

    out = args.out.expanduser().resolve()
    repo = Path(__file__).resolve().parent.parent
    if out == repo or repo in out.parents:
        parser.error(f"--out {out} is inside the repository; write it elsewhere")
    own = {f"{t}.parquet" for t in _schema.TABLE_NAMES} | {f"{t}.csv" for t in
                                                            _schema.TABLE_NAMES}
    own |= {STORIES_FILE, META_FILE}
    if out.exists():
        present = sorted(p.name for p in out.iterdir())
        if present and not args.overwrite:
            parser.error(f"{out} is not empty ({present[:3]}...); pass --overwrite")
        for name in present:
            if name in own:
                (out / name).unlink()
    out.mkdir(parents=True, exist_ok=True)

    print(f"date: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; load average "
          f"{_loadavg()}; python {sys.version.split()[0]}, ecomkit "
          f"{ecomkit.__version__}, pandas {pd.__version__}, pyarrow {pa.__version__}")
    print(f"target {args.events:,} events: {n_customers:,} customers in {n_shards} "
          f"shards of ~{per_shard[0]:,}, n_products {n_products}, window "
          f"{args.start} .. {args.end}, seeds {args.seed}..{args.seed + n_shards - 1}; "
          f"writing {out}", flush=True)

    writers: dict[str, pq.ParquetWriter] = {}
    schemas: dict[str, pa.Schema] = {}
    rows = dict.fromkeys(_schema.TABLE_NAMES, 0)
    offsets = dict.fromkeys(set(OFFSET_IDS.values()), 0)
    summed: dict[str, pd.DataFrame | None] = dict.fromkeys(SUMMED)
    shard0: dict[str, pd.DataFrame] = {}
    params0 = None
    t_all = time.perf_counter()
    for k in range(n_shards):
        t0 = time.perf_counter()
        shop = make_shop(per_shard[k], start=args.start, end=args.end,
                         n_products=n_products, random_state=args.seed + k)
        t_gen = time.perf_counter() - t0
        largest = _offset_ids(shop, offsets)
        t1 = time.perf_counter()
        for name in APPENDED:
            frame = shop[name]
            if name not in writers:
                table = pa.Table.from_pandas(frame, preserve_index=False)
                schemas[name] = table.schema
                writers[name] = pq.ParquetWriter(out / f"{name}.parquet", table.schema)
            else:
                table = pa.Table.from_pandas(frame, schema=schemas[name],
                                             preserve_index=False)
            writers[name].write_table(table)
            rows[name] += table.num_rows
            del table
        for name in SUMMED:
            summed[name] = _add_up(summed[name], shop[name], name)
        if k == 0:
            shard0 = {name: shop[name] for name in FROM_SHARD_0}
            shard0["stories"] = shop["stories"]
            params0 = dict(shop["params"])
        t_write = time.perf_counter() - t1
        n_ev = len(shop["events"])
        del shop, frame
        for kind, top in largest.items():
            offsets[kind] += top
        print(f"  shard {k + 1}/{n_shards}: {per_shard[k]:,} customers, {n_ev:,} events "
              f"(total {rows['events']:,}); make_shop {t_gen:.1f} s, write "
              f"{t_write:.1f} s; peak RSS {_peak_rss_mb():,.0f} MB; load {_loadavg()}",
              flush=True)
    for w in writers.values():
        w.close()
    for name, frame in [*shard0.items(), *summed.items()]:
        if name == "stories":
            frame.to_csv(out / STORIES_FILE, index=False, encoding="utf-8",
                         lineterminator="\n")
            continue
        frame.to_parquet(out / f"{name}.parquet", index=False)  # as write_shop does
        rows[name] = len(frame)
    params = dict(params0, n_customers=n_customers, random_state=None,
                  shards=n_shards, random_states=[args.seed + k for k in range(n_shards)],
                  customers_per_shard=per_shard)
    meta = {"format": "parquet", "schema_version": SCHEMA_VERSION,
            "row_counts": {t: rows[t] for t in _schema.TABLE_NAMES},
            "stories": len(shard0["stories"]), "params": params,
            "big_shop": {
                "written_by": "benchmarks/big_shop.py",
                "date": f"{dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
                "appended": list(APPENDED), "from_shard_0": list(FROM_SHARD_0),
                "summed_over_shards": list(SUMMED),
                "id_offsets": "running: shard k adds the largest id of each kind "
                              "in shards 0..k-1",
            }}
    (out / META_FILE).write_text(json.dumps(meta, indent=2, ensure_ascii=False,
                                            default=str) + "\n", encoding="utf-8")
    elapsed = time.perf_counter() - t_all

    print(f"\nwritten in {elapsed:.1f} s ({rows['events'] / elapsed / 1e6:.2f}M "
          f"events/s); peak RSS {_peak_rss_mb():,.0f} MB; load {_loadavg()}\n")
    print("| table | rows | row groups | bytes |")
    print("|---|---:|---:|---:|")
    total = 0
    for t in _schema.TABLE_NAMES:
        f = out / f"{t}.parquet"
        size = f.stat().st_size
        total += size
        groups = pq.ParquetFile(f).metadata.num_row_groups
        print(f"| {t} | {rows[t]:,} | {groups} | {_size(size)} |")
    print(f"| **all 15 tables** | **{sum(rows.values()):,}** | | **{_size(total)}** |")
    problems = _checks(out, args.check_memory_limit, 2) if args.check else []
    if problems:
        print("\nPROBLEMS:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
