"""Time the notebooks of the series (papermill), on the demo shop or any shop folder.

Run by hand and record the figures in benchmarks/README.md:

    .venv/bin/python benchmarks/notebooks.py                      # every notebook, demo shop
    .venv/bin/python benchmarks/notebooks.py --data-dir /work/bigdata/shop_100m \\
        --engine duckdb --notebooks 00 01 02 07 --memory

The budget for the whole series on the demo shop is 90 s on a 2-core machine.
By default notebooks run one after another in this process through papermill's
API (one kernel each), as the tests run them. With ``--memory`` each notebook
runs from a fresh Python process and the peak memory of its kernel is reported
(that process's ``RUSAGE_CHILDREN`` high-water mark: the kernel is its only
child).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import papermill as pm

from ecomkit.report import notebook_paths


def _load() -> str:
    path = Path("/proc/loadavg")
    return " ".join(path.read_text().split()[:3]) if path.exists() else "?"


def _run_in_process(path: Path, out: Path, params: dict) -> None:
    pm.execute_notebook(str(path), str(out), parameters=params, kernel_name="python3",
                        cwd=str(path.parent), progress_bar=False, execution_timeout=3600)


_MEASURED = """
import json, resource, sys
import papermill as pm
path, out, cwd, params = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
pm.execute_notebook(path, out, parameters=params, kernel_name="python3", cwd=cwd,
                    progress_bar=False, execution_timeout=3600)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)  # KB, the kernel's peak
"""


def _run_measured(path: Path, out: Path, params: dict) -> int:
    """Run in a fresh process; returns the peak RSS (MB) of its kernel."""
    import json

    done = subprocess.run([sys.executable, "-c", _MEASURED, str(path), str(out),
                           str(path.parent), json.dumps(params)],
                          check=True, capture_output=True, text=True)
    return int(done.stdout.strip().splitlines()[-1]) // 1024


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=None, help="shop folder (default: the demo shop)")
    ap.add_argument("--engine", default=None, choices=("pandas", "duckdb"))
    ap.add_argument("--notebooks", nargs="+", default=None, metavar="NN",
                    help="name prefixes, e.g. 01 02 (default: every notebook)")
    ap.add_argument("--memory", action="store_true",
                    help="one process per notebook and its peak memory")
    args = ap.parse_args(argv)
    os.environ.setdefault("MPLBACKEND", "Agg")
    params = {k: v for k, v in (("data_dir", args.data_dir), ("engine", args.engine)) if v}
    print(f"load average before: {_load()}; parameters: {params or 'defaults'}")
    print("| notebook | seconds |" + (" kernel peak MB |" if args.memory else ""))
    print("|---|---:|" + ("---:|" if args.memory else ""))
    total = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for path in notebook_paths(names=args.notebooks):
            declared = pm.inspect_notebook(str(path))
            mine = {k: v for k, v in params.items() if k in declared}
            out = Path(tmp) / path.name
            started = time.perf_counter()
            if args.memory:
                peak = _run_measured(path, out, mine)
            else:
                _run_in_process(path, out, mine)
            dt = time.perf_counter() - started
            total += dt
            print(f"| {path.stem} | {dt:.1f} |" + (f" {peak:,} |" if args.memory else ""))
    print(f"| **total** | **{total:.1f}** |" + (" |" if args.memory else ""))
    print(f"load average after: {_load()}")


if __name__ == "__main__":
    main()
