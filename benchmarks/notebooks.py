"""Time every notebook of the series on the demo shop (papermill, defaults).

Run by hand and record the figures in benchmarks/README.md:

    .venv/bin/python benchmarks/notebooks.py

The budget for the whole series on the demo shop is 90 s on a 2-core machine.
Notebooks run one after another in this process through papermill's API (one
kernel each), as the tests run them.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import papermill as pm

from ecomkit.report import notebook_paths


def main():
    os.environ.setdefault("MPLBACKEND", "Agg")
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"]
    print(f"load average before: {' '.join(load)}")
    print("| notebook | seconds |")
    print("|---|---:|")
    total = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for path in notebook_paths():
            started = time.perf_counter()
            pm.execute_notebook(str(path), str(Path(tmp) / path.name), kernel_name="python3",
                                cwd=str(path.parent), progress_bar=False)
            dt = time.perf_counter() - started
            total += dt
            print(f"| {path.stem} | {dt:.1f} |")
    print(f"| **total** | **{total:.1f}** |")


if __name__ == "__main__":
    main()
