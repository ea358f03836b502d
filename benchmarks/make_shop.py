"""Benchmark ``make_shop`` at about 1M and 10M events.

Run by hand (not in CI) on a quiet machine and record the figures in
benchmarks/README.md:

    .venv/bin/python benchmarks/make_shop.py            # 1M and 10M events
    .venv/bin/python benchmarks/make_shop.py --sizes 1  # only 1M

Each run happens in a fresh Python process so that peak memory (max RSS) is
the generator's own. The target is >= 2M events per second with all tables.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

# about 34 events per registered customer with the default settings
CUSTOMERS_PER_MILLION_EVENTS = 29_000

CHILD = """
import json, resource, time
from ecomkit.datasets import make_shop
t = time.perf_counter()
shop = make_shop({n}, random_state={seed})
dt = time.perf_counter() - t
rows = sum(len(shop[k]) for k in shop if hasattr(shop[k], "shape") and k != "stories")
print(json.dumps({{"seconds": dt, "events": len(shop.events), "rows": rows,
    "sessions": len(shop.sessions), "orders": len(shop.orders),
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def run_once(n_customers: int, seed: int) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", CHILD.format(n=n_customers, seed=seed)],
        check=True, capture_output=True, text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 10],
                        help="millions of events (approximate)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    print(f"| target events | customers | events | sessions | orders | all rows | seconds (median of {args.repeat}) | events/s | peak RSS MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for millions in args.sizes:
        n = int(millions * CUSTOMERS_PER_MILLION_EVENTS)
        runs = [run_once(n, seed) for seed in range(args.repeat)]
        sec = statistics.median(r["seconds"] for r in runs)
        r = runs[0]
        each = ", ".join(f"{x['seconds']:.2f}" for x in runs)
        print(
            f"| {millions:g}M | {n:,} | {r['events']:,} | {r['sessions']:,} | {r['orders']:,} | "
            f"{r['rows']:,} | {sec:.2f} ({each}) | "
            f"{r['events'] / sec / 1e6:.2f}M | {max(x['peak_mb'] for x in runs):,.0f} |"
        )


if __name__ == "__main__":
    main()
