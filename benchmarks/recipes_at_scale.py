"""Run the SQL recipes with DuckDB on a large Parquet shop, and their pandas twins.

Run by hand (not in CI) on a shop written by benchmarks/big_shop.py, and
record the printed tables in benchmarks/README.md:

    .venv/bin/python benchmarks/big_shop.py --out /work/bigdata/shop_100m
    .venv/bin/python benchmarks/recipes_at_scale.py /work/bigdata/shop_100m
    .venv/bin/python benchmarks/recipes_at_scale.py /work/bigdata/shop_10m --only funnel rfm
    .venv/bin/python benchmarks/recipes_at_scale.py DIR --engines duckdb   # no pandas

What it does:

* **DuckDB**: every recipe of ``ecomkit.sql.list_recipes()`` runs on the
  folder with ``run_recipe(name, folder, ..., config={"memory_limit": "4GB",
  "threads": 2, "temp_directory": ...})`` over the whole data (no window;
  freq "D" and "M" for traffic, "M" for cohorts and the P&L, ``as_of`` = the
  last day of the shop). DuckDB reads the Parquet files out of core; the time
  includes building the pandas result (30M rows for ``session_summary``).
  What DuckDB spills to its temporary directory is measured.
* **pandas**, for the recipes with a pandas twin (traffic_by_period, funnel,
  cohort_retention, repurchase_rate, rfm, pnl): the columns the recipe reads
  (its header's ``Tables`` section) are loaded with ``pd.read_parquet`` and
  given the schema dtypes (what ``read_shop`` gives, without its checks), then
  the twin runs. Load and compute seconds are reported separately.
* Every measurement runs in a **fresh Python process**; its peak memory is the
  child's own high-water mark (``VmHWM``; imports and the result included; not
  ``ru_maxrss``, which a child inherits from its parent on Linux), and the
  parent also samples the child's RSS. A guard kills a child whose RSS passes
  ``--guard-gb`` (20) or that leaves less than 1 GB available on the machine,
  and one that runs longer than ``--timeout``; its row then says "did not
  fit" with the memory reached. ``--as-limit-gb N`` also gives each child an
  address-space limit (``RLIMIT_AS``); it is off by default because DuckDB
  reserves far more address space than it uses (session_summary at 100M
  events with ``memory_limit`` 12GB hit a 24 GB RLIMIT_AS with 14.7 GB
  resident and failed with a MemoryError; without the limit it ran, 15.3 GB
  peak), so it would report "did not fit" for runs that fit.
* Where both engines ran, the answers are compared (``assert_frame_equal``,
  counts exactly, floats to 1e-9 relative), from the results the children
  pickled under ``--work``.

Times are wall seconds of one run (``--repeat`` N: the median of N fresh
processes), on a machine other jobs may share: the load average is printed
with every measurement.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

RTOL = ATOL = 1e-9
TWINS = ("traffic_by_period", "funnel", "cohort_retention", "repurchase_rate", "rfm",
         "pnl")
GB = 1024**3


def _loadavg() -> str:
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def _maxrss_mb() -> float:
    """Peak RSS of this process, MB: the kernel's high-water mark VmHWM.

    Not ``ru_maxrss``: on Linux a child started by fork + exec inherits in
    ``ru_maxrss`` the RSS its parent had at the fork, so a small measurement
    would report the parent's memory. VmHWM belongs to the process's own
    address space.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


# ===================================================================== child ===
def _load(folder: Path, recipe) -> dict:
    """The columns the recipe reads, with the schema dtypes (as read_shop gives)."""
    import pandas as pd

    from ecomkit import _schema

    shop = {}
    for table, columns in recipe.tables.items():
        file = folder / f"{table}.parquet"
        frame = pd.read_parquet(file, columns=list(columns))
        for col in columns:
            want = _schema.dtype_for(_schema.TABLES[table].column(col))
            if frame[col].dtype != want:
                frame[col] = frame[col].astype(want)
        shop[table] = frame
    return shop


def _twin(name: str, shop: dict, kw: dict):
    import pandas as pd

    import ecomkit as ek

    if name == "traffic_by_period":
        return ek.traffic_by_period(shop["sessions"], shop["events"], **kw)
    if name == "funnel":
        return ek.funnel(shop["events"], **kw)
    if name == "cohort_retention":
        return ek.cohort_retention(shop["orders"], **kw)
    if name == "repurchase_rate":  # the twin gives the rate; buyers as the recipe counts
        buyers = ek.paying_buyers(shop["orders"], **kw)
        rate = ek.repurchase_rate(shop["orders"], **kw)
        return pd.DataFrame({"buyers": [int(buyers)],
                             "repeat_buyers": [int(round(rate * buyers))],
                             "repurchase_rate": [rate]})
    if name == "rfm":
        return ek.rfm_table(shop["orders"], **kw)
    if name == "pnl":
        return ek.pnl_table(shop["orders"], shop["order_items"], shop["refunds"],
                            shop["costs"], shop["marketing_spend"], **kw)
    raise ValueError(f"no pandas twin for {name}")


def _sums(name: str, folder: Path, result) -> str | None:
    """Reductions without a twin: their sums must give the input tables' sizes."""
    import pyarrow.parquet as pq

    n = {t: pq.ParquetFile(folder / f"{t}.parquet").metadata.num_rows
         for t in ("sessions", "events")}
    if name == "session_summary":
        ok = len(result) == n["sessions"] and int(result["events"].sum()) == n["events"]
        return "sums: rows = sessions, Σ events = events: " + ("yes" if ok else "NO")
    if name == "daily_visitor_activity":
        ok = (int(result["sessions"].sum()) == n["sessions"]
              and int(result["events"].sum()) == n["events"])
        return "sums: Σ sessions, Σ events = table rows: " + ("yes" if ok else "NO")
    return None


def child(spec: dict) -> dict:
    """One measurement; runs in its own process."""
    if spec.get("as_limit_gb"):
        limit = int(spec["as_limit_gb"] * GB)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    out = {"status": "ok"}
    try:
        import pandas as pd  # noqa: F401  (imports are not timed)

        import ecomkit  # noqa: F401
        from ecomkit.sql import get_recipe, run_recipe

        folder = Path(spec["folder"])
        recipe = get_recipe(spec["recipe"])
        out["rss_after_import_mb"] = _maxrss_mb()
        cpu0 = _cpu_s()
        if spec["engine"] == "duckdb":
            # time the step that gives the DuckDB result the twin's dtypes and row
            # order (pandas work inside run_recipe) apart from the query
            from ecomkit.sql import _engine

            conform, spent = getattr(_engine, "_conform", None), []

            def timed_conform(*a, **k):
                t = time.perf_counter()
                try:
                    return conform(*a, **k)
                finally:
                    spent.append(time.perf_counter() - t)

            if conform is not None:  # a private helper: skip the split if renamed
                _engine._conform = timed_conform
            t0 = time.perf_counter()
            result = run_recipe(spec["recipe"], folder, config=spec["config"],
                                **spec["kwargs"])
            out["compute_s"] = time.perf_counter() - t0
            out["conform_s"] = sum(spent) if spent else None
        else:
            t0 = time.perf_counter()
            shop = _load(folder, recipe)
            out["load_s"] = time.perf_counter() - t0
            out["rss_after_load_mb"] = _maxrss_mb()
            out["input_rows"] = {t: len(f) for t, f in shop.items()}
            t1 = time.perf_counter()
            result = _twin(spec["recipe"], shop, spec["kwargs"])
            out["compute_s"] = time.perf_counter() - t1
        out["cpu_s"] = _cpu_s() - cpu0
        out["rows"] = len(result)
        out["result_mb"] = float(result.memory_usage(deep=True).sum()) / 2**20
        out["sums"] = _sums(spec["recipe"], folder, result)
        if spec.get("save"):
            result.to_pickle(spec["save"])
    except MemoryError as exc:
        out["status"] = f"MemoryError {exc}".strip()
    except Exception as exc:  # noqa: BLE001  (recorded in the table, not hidden)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        out["status"] = f"{type(exc).__name__}: {first[:300]}"
    out["peak_mb"] = _maxrss_mb()
    return out


# ==================================================================== parent ===
def _dir_bytes(path: Path) -> int:
    total = 0
    for root, _, files in os.walk(path):
        for f in files:
            try:
                total += os.stat(os.path.join(root, f)).st_size
            except OSError:
                pass
    return total


def measure(spec: dict, guard_gb: float, timeout: float, min_avail_gb: float) -> dict:
    """Run ``child(spec)`` in a fresh process under the memory guard and timeout."""
    import psutil

    tmp = Path(spec["config"]["temp_directory"]) if spec["engine"] == "duckdb" else None
    if tmp is not None:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
    load_start = _loadavg()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--child", json.dumps(spec)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    watch = {"rss": 0, "spill": 0, "killed": None}
    done = threading.Event()

    def watchdog():
        try:
            p = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            try:
                rss = p.memory_info().rss + sum(c.memory_info().rss
                                                for c in p.children(recursive=True))
            except psutil.NoSuchProcess:
                break
            watch["rss"] = max(watch["rss"], rss)
            if tmp is not None:
                watch["spill"] = max(watch["spill"], _dir_bytes(tmp))
            why = None
            if rss > guard_gb * GB:
                why = f"RSS {rss / GB:.1f} GB > guard {guard_gb:g} GB"
            elif psutil.virtual_memory().available < min_avail_gb * GB:
                why = (f"machine had < {min_avail_gb:g} GB available (child RSS "
                       f"{rss / GB:.1f} GB)")
            elif time.perf_counter() - t0 > timeout:
                why = f"timeout after {timeout:g} s"
            if why:
                watch["killed"] = why
                proc.kill()
                break
            done.wait(0.1)

    thread = threading.Thread(target=watchdog, daemon=True)
    thread.start()
    stdout, stderr = proc.communicate()
    done.set()
    thread.join()
    wall = time.perf_counter() - t0
    res = None
    for line in stdout.splitlines():
        if line.startswith("RESULT "):
            res = json.loads(line[len("RESULT "):])
    if res is None:
        tail = stderr.strip().splitlines()[-1:] or [f"exit status {proc.returncode}"]
        res = {"status": f"died ({tail[0][:200]})"}
    if watch["killed"]:
        res["status"] = f"did not fit: {watch['killed']}"
    res.update(process_s=wall, sampled_peak_mb=watch["rss"] / 2**20,
               spill_mb=watch["spill"] / 2**20, load_start=load_start,
               load_end=_loadavg())
    if tmp is not None:
        shutil.rmtree(tmp, ignore_errors=True)
    return res


def _source_state() -> str:
    """Which ecomkit runs: its folder, git commit (if any) and a hash of its sources.

    The children import the same ecomkit as this process (same interpreter
    and environment); to benchmark a fixed commit while the working tree
    changes, export it (``git archive``) and put it first on PYTHONPATH.
    """
    import hashlib

    import ecomkit

    root = Path(ecomkit.__file__).parent
    digest = hashlib.sha1()
    for path in sorted([*root.rglob("*.py"), *root.rglob("*.sql")]):
        digest.update(path.read_bytes())
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--short", "--", "."],
                               capture_output=True, text=True, check=True).stdout
        head += " (uncommitted changes)" if dirty.strip() else ""
    except (OSError, subprocess.CalledProcessError):
        head = "none (not a git checkout)"
    return f"ecomkit from {root}; git {head}; sources sha1 {digest.hexdigest()[:12]}"


def _window(folder: Path) -> tuple[str, str]:
    meta = json.loads((folder / "shop.json").read_text(encoding="utf-8"))
    p = meta.get("params", {})
    return str(p.get("start", "2024-01-01")), str(p.get("end", "2024-12-31"))


def _runs(folder: Path, only: list[str] | None) -> list[tuple[str, str, dict]]:
    """(label, recipe, keywords): every recipe over the whole data."""
    from ecomkit.sql import list_recipes

    _, end = _window(folder)
    special = {
        "traffic_by_period": [("traffic_by_period D", {"freq": "D"}),
                              ("traffic_by_period M", {"freq": "M"})],
        "cohort_retention": [("cohort_retention M", {"freq": "M"})],
        "cohort_activity": [("cohort_activity M", {"freq": "M"})],
        "pnl": [("pnl M", {"freq": "M"})],
        "rfm": [(f"rfm as_of {end}", {"as_of": end})],
        "customer_summary": [(f"customer_summary as_of {end}", {"as_of": end})],
    }
    order = ["traffic_by_period", "funnel", "cohort_retention", "repurchase_rate", "rfm",
             "pnl", "session_summary", "daily_visitor_activity", "customer_summary",
             "cohort_activity"]
    names = list_recipes()["recipe"].tolist()
    names = [n for n in order if n in names] + [n for n in names if n not in order]
    runs = []
    for name in names:
        if only and name not in only:
            continue
        for label, kw in special.get(name, [(name, {})]):
            runs.append((label, name, kw))
    return runs


def compare(a_path: Path, b_path: Path) -> str:
    import pandas as pd

    a, b = pd.read_pickle(a_path), pd.read_pickle(b_path)
    try:
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=RTOL, atol=ATOL)
    except AssertionError as exc:
        return "NO: " + " ".join(str(exc).split())[:300]
    return "yes"


def _s(x) -> str:
    if x is None:
        return "—"
    return f"{x:.2f}" if x >= 1 else f"{x:.3f}"


def _mb(x) -> str:
    return "—" if x is None else f"{x:,.0f}"


def main(argv=None) -> int:
    if argv is None and len(sys.argv) > 2 and sys.argv[1] == "--child":
        print("RESULT " + json.dumps(child(json.loads(sys.argv[2]))), flush=True)
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="shop folder written by big_shop.py")
    parser.add_argument("--only", nargs="+", metavar="RECIPE")
    parser.add_argument("--engines", nargs="+", choices=("duckdb", "pandas"),
                        default=["duckdb", "pandas"])
    parser.add_argument("--memory-limit", default="4GB", help="DuckDB memory_limit")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB threads")
    parser.add_argument("--work", type=Path, default=None,
                        help="results and DuckDB temp files (default: "
                             "/work/bigdata/work/<folder name>)")
    parser.add_argument("--guard-gb", type=float, default=20.0,
                        help="kill a child whose RSS passes this (default 20)")
    parser.add_argument("--as-limit-gb", type=float, default=0.0,
                        help="RLIMIT_AS of each child in GB (default 0 = none: "
                             "DuckDB's address space is far above its RSS)")
    parser.add_argument("--min-available-gb", type=float, default=1.0)
    parser.add_argument("--timeout", type=float, default=1800.0,
                        help="seconds per measurement (default 1800)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="fresh processes per measurement; the median is shown")
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    args = parser.parse_args(argv)

    import duckdb
    import pandas as pd
    import pyarrow.parquet as pq

    import ecomkit
    from ecomkit import _schema

    folder = args.folder.expanduser().resolve()
    work = (args.work or Path("/work/bigdata/work") / folder.name).resolve()
    work.mkdir(parents=True, exist_ok=True)
    rows = {t: pq.ParquetFile(folder / f"{t}.parquet").metadata.num_rows
            for t in _schema.TABLE_NAMES if (folder / f"{t}.parquet").is_file()}
    size = sum(f.stat().st_size for f in folder.glob("*.parquet"))
    print(f"date: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; machine "
          f"{platform.machine()}, {os.cpu_count()} cores; load average {_loadavg()}")
    print(f"python {platform.python_version()}, ecomkit {ecomkit.__version__}, pandas "
          f"{pd.__version__}, duckdb {duckdb.__version__}")
    print(_source_state())
    print(f"shop {folder}: {rows.get('events', 0):,} events, "
          f"{rows.get('sessions', 0):,} sessions, {rows.get('orders', 0):,} orders, "
          f"{rows.get('customers', 0):,} customers; {size / GB:.2f} GB of Parquet")
    config = {"memory_limit": args.memory_limit, "threads": args.threads}
    print(f"DuckDB config {config}; guard {args.guard_gb:g} GB RSS, RLIMIT_AS "
          f"{f'{args.as_limit_gb:g} GB' if args.as_limit_gb else 'none'}, timeout "
          f"{args.timeout:g} s, repeat {args.repeat}\n", flush=True)

    records = []
    table_rows = []
    for label, name, kw in _runs(folder, args.only):
        rec = {"label": label, "recipe": name, "kwargs": kw}
        for engine in args.engines:
            if engine == "pandas" and name not in TWINS:
                continue
            tag = label.replace(" ", "_")
            save = work / f"{tag}.{engine}.pkl" if name in TWINS else None
            spec = {"engine": engine, "recipe": name, "kwargs": kw, "folder": str(folder),
                    "config": dict(config, temp_directory=str(work / f"tmp_{tag}")),
                    "save": str(save) if save else None,
                    "as_limit_gb": args.as_limit_gb}
            runs = []
            for i in range(args.repeat):
                r = measure(spec, args.guard_gb, args.timeout, args.min_available_gb)
                runs.append(r)
                print(f"  {label} [{engine} {i + 1}/{args.repeat}]: {r['status']}; "
                      f"load {_s(r.get('load_s'))} s, compute {_s(r.get('compute_s'))} s, "
                      f"cpu {_s(r.get('cpu_s'))} s, rows {r.get('rows', '—')}, peak "
                      f"{_mb(r.get('peak_mb'))} MB (sampled "
                      f"{_mb(r['sampled_peak_mb'])}), spill {_mb(r['spill_mb'])} MB; "
                      f"load avg {r['load_start']} -> {r['load_end']}", flush=True)
                if r["status"] != "ok":
                    break
            ok = [r for r in runs if r["status"] == "ok"]
            summary = dict(runs[-1])
            if ok and len(ok) == len(runs):
                for key in ("load_s", "compute_s", "cpu_s"):
                    if key in ok[0]:
                        summary[key] = statistics.median(r[key] for r in ok)
                summary["peak_mb"] = max(r["peak_mb"] for r in ok)
            summary["runs"] = runs
            rec[engine] = summary
        if "duckdb" in rec and "pandas" in rec:
            if rec["duckdb"]["status"] == "ok" and rec["pandas"]["status"] == "ok":
                rec["same"] = compare(work / f"{label.replace(' ', '_')}.duckdb.pkl",
                                      work / f"{label.replace(' ', '_')}.pandas.pkl")
            else:
                rec["same"] = "—"
        records.append(rec)
        table_rows.append(_row(rec))

    print(f"\n{rows.get('events', 0):,} events ({size / GB:.2f} GB Parquet); DuckDB "
          f"memory_limit {args.memory_limit}, {args.threads} threads; finished "
          f"{dt.datetime.now().astimezone():%H:%M %Z}, load average {_loadavg()}\n")
    print("ratio = (pandas load + compute) / DuckDB s, in parentheses compute "
          "only; DuckDB s includes reading the Parquet files and building the "
          "pandas result\n")
    print("| recipe | rows out | DuckDB s | DuckDB peak MB | pandas load s | "
          "pandas compute s | pandas peak MB | ratio pandas/DuckDB | same answer |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for line in table_rows:
        print(line)
    print("\nper measurement (wall = load + compute; conform = run_recipe's step "
          "that gives the DuckDB result the twin's dtypes and row order, in pandas; "
          "cpu = user + system seconds of the child; result = memory of the pandas "
          "result (deep); spill = "
          "largest size of DuckDB's temporary directory; sampled = RSS sampled by "
          "the parent every 0.1 s; load = 1/5/15-min load average at start)\n")
    print("| recipe | engine | status | wall s | of which conform s | cpu s | peak MB "
          "| sampled MB | after import MB | result MB | spill MB | load at start |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for rec in records:
        for engine in ("duckdb", "pandas"):
            r = rec.get(engine)
            if r is None:
                continue
            wall = (r.get("load_s") or 0) + r["compute_s"] if "compute_s" in r else None
            print(f"| {rec['label']} | {engine} | {r['status']} | {_s(wall)} | "
                  f"{_s(r.get('conform_s'))} | {_s(r.get('cpu_s'))} | "
                  f"{_mb(r.get('peak_mb'))} | {_mb(r['sampled_peak_mb'])} | "
                  f"{_mb(r.get('rss_after_import_mb'))} | {_mb(r.get('result_mb'))} | "
                  f"{_mb(r['spill_mb'])} | "
                  f"{r['load_start']} |")
    if args.json:
        args.json.write_text(json.dumps(records, indent=1, default=str))
    bad = [r["label"] for r in records if str(r.get("same", "")).startswith("NO")]
    if bad:
        print(f"\nDuckDB and pandas DISAGREE on {bad}", file=sys.stderr)
        return 1
    n_same = sum(r.get("same") == "yes" for r in records)
    print(f"\n{n_same} DuckDB/pandas comparisons agree (counts exactly, floats to "
          f"{RTOL:g} relative)")
    return 0


def _row(rec: dict) -> str:
    d, p = rec.get("duckdb"), rec.get("pandas")

    def status(r):
        if r is None:
            return None
        if r["status"] == "ok":
            return None
        reached = max(r.get("peak_mb") or 0, r["sampled_peak_mb"])
        return f"{r['status']} (reached {reached:,.0f} MB)"

    rows_out = (d or {}).get("rows", (p or {}).get("rows"))
    cells = [rec["label"], f"{rows_out:,}" if rows_out is not None else "—"]
    if d is None:
        cells += ["—", "—"]
    elif status(d):
        cells += [status(d), "—"]
    else:
        cells += [_s(d["compute_s"]), _mb(d["peak_mb"])]
    if p is None:
        cells += ["—", "—", "—", "—"]
    elif status(p):
        cells += [_s(p.get("load_s")), status(p), _mb(p["sampled_peak_mb"]), "—"]
    else:
        total = p["load_s"] + p["compute_s"]
        ratio = "—"
        if d is not None and d["status"] == "ok":
            ratio = (f"{total / d['compute_s']:.2f} "
                     f"({p['compute_s'] / d['compute_s']:.2f})")
        cells += [_s(p["load_s"]), _s(p["compute_s"]), _mb(p["peak_mb"]), ratio]
    cells.append(rec.get("same") or (d or {}).get("sums") or "—")
    return "| " + " | ".join(cells) + " |"


if __name__ == "__main__":
    sys.exit(main())
