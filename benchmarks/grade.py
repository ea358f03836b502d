"""Benchmark the grader: a batch of 30 small ex01 submissions.

Run by hand and record the figures in benchmarks/README.md:

    .venv/bin/python benchmarks/grade.py --n 30 --jobs 2

The batch mixes correct and half-answered submissions (the student build with
half of the solutions filled in), each named after its trainee so that every
submission is executed on its own trainee's shop, as in a real class.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import nbformat

from ecomkit.exercises._build import build_exercises
from ecomkit.exercises._grade import grade


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--exercise", default="ex01")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        built = build_exercises(tmp / "build", exercises=[args.exercise])[args.exercise]
        solution = nbformat.read(str(built["solution"]), as_version=4)
        student = nbformat.read(str(built["student"]), as_version=4)
        subs = tmp / "subs"
        subs.mkdir()
        for i in range(args.n):
            nb = solution if i % 2 == 0 else student
            nbformat.write(nb, str(subs / f"trainee{i:03d}.ipynb"))
        print("| submissions | jobs | seconds | seconds per submission |")
        print("|---:|---:|---:|---:|")
        for jobs in args.jobs:
            started = time.perf_counter()
            book = grade(args.exercise, sorted(subs.glob("*.ipynb")), tmp / f"g{jobs}.csv", jobs=jobs, progress=False)
            dt = time.perf_counter() - started
            assert len(book) == args.n
            print(f"| {args.n} | {jobs} | {dt:.1f} | {dt / args.n:.2f} |")


if __name__ == "__main__":
    main()
