"""The ``ecomkit`` command line (also ``python -m ecomkit``).

Commands::

    ecomkit make-data --customers 3000 --seed 0 --out shop/   # generate a shop
    ecomkit dictionary [--out datasets/README.md]             # the data dictionary
    ecomkit validate shop/                                    # check a shop folder
    ecomkit check-data export/ --mapping taobao               # report on your own data
    ecomkit sql show rfm --dialect spark                      # a metric as SQL

Exit codes: 0 success, 1 the data have problems (``validate``; errors for
``check-data``) or the command failed, 2 a bad argument (the one-line message
names the option).

Each command is one entry of :data:`SUBCOMMANDS`: a function that adds its
parser (arguments and help) and sets ``run``, the function that executes it and
returns the exit code. A new command (``report``, ``exercises``, ``check-data``,
``sql``) is one more entry.
"""

from __future__ import annotations

import argparse
import importlib
import secrets
import sys
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["SUBCOMMANDS", "build_parser", "main"]

PROG = "ecomkit"


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error message (exit code 2)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(
            f"must be a whole number >= 0 (a random seed), got {text!r}"
        )
    return value


def _date(text: str) -> str:
    import pandas as pd

    try:
        ts = pd.Timestamp(text)
    except (ValueError, TypeError):
        ts = pd.NaT
    if ts is pd.NaT:
        raise argparse.ArgumentTypeError(
            f"must be a date such as 2024-01-31, got {text!r}"
        )
    return str(ts.date())


def _write(text: str, stream=None) -> None:
    """Print ``text``, in UTF-8 when the console cannot show Chinese."""
    stream = stream or sys.stdout
    try:
        stream.write(text)
    except UnicodeEncodeError:
        stream.flush()
        stream.buffer.write(text.encode("utf-8"))
    stream.flush()


def _fail(parser: argparse.ArgumentParser, message: str, code: int = 1) -> int:
    _write(f"{parser.prog}: error: {message}\n", sys.stderr)
    return code


# -------------------------------------------------------------- make-data ----
def _add_make_data(subparsers) -> None:
    p = subparsers.add_parser(
        "make-data",
        help="generate a synthetic shop and write it to a folder",
        description="Generate a synthetic shop with ecomkit.datasets.make_shop and "
        "write one file per table (plus stories.csv and shop.json) to --out.",
    )
    p.add_argument("--customers", type=_positive_int, default=None, metavar="N",
                   help="registered customers (default: make_shop's default)")
    p.add_argument("--seed", type=_seed, default=None, metavar="S",
                   help="random seed; the same seed gives the same shop (default: "
                   "a random seed, printed so the shop can be regenerated)")
    p.add_argument("--out", required=True, metavar="DIR",
                   help="folder to write (created if missing)")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv",
                   help="file format of the tables (default: csv)")
    p.add_argument("--start", type=_date, default=None, metavar="DATE",
                   help="first day, e.g. 2024-01-01 (default: make_shop's)")
    p.add_argument("--end", type=_date, default=None, metavar="DATE",
                   help="last day, inclusive (default: make_shop's)")
    p.add_argument("--no-stories", action="store_true",
                   help="generate the shop without planted stories")
    p.add_argument("--overwrite", action="store_true",
                   help="replace the shop files of a folder that is not empty")
    p.set_defaults(run=_run_make_data, parser=p)


def _run_make_data(args) -> int:
    parser = args.parser
    if args.start and args.end and args.end < args.start:
        parser.error(f"argument --end: {args.end} is before --start {args.start}")
    out = Path(args.out)
    # checked before generating, so that a big shop is not made for nothing
    if out.exists() and not out.is_dir():
        parser.error(f"argument --out: {str(out)!r} is a file; pass a folder")
    if out.is_dir() and any(out.iterdir()) and not args.overwrite:
        parser.error(
            f"argument --out: the folder {str(out)!r} is not empty; pass "
            "--overwrite to replace the shop files in it, or choose a new folder"
        )
    datasets = importlib.import_module("ecomkit.datasets")
    make_shop = getattr(datasets, "make_shop", None)
    if make_shop is None:
        return _fail(parser, "ecomkit.datasets.make_shop is not available in this "
                     "installation")
    from .datasets._io import write_shop

    seed = secrets.randbelow(2**31) if args.seed is None else args.seed
    kwargs = {"random_state": seed, "progress": True}
    if args.customers is not None:
        kwargs["n_customers"] = args.customers
    if args.start is not None:
        kwargs["start"] = args.start
    if args.end is not None:
        kwargs["end"] = args.end
    if args.no_stories:
        kwargs["stories"] = "none"
    started = time.perf_counter()
    try:
        shop = make_shop(**kwargs)
    except (ValueError, TypeError) as exc:  # e.g. a window shorter than allowed
        return _fail(parser, f"{exc} (check --customers, --start and --end)", code=2)
    try:
        write_shop(shop, out, format=args.format, overwrite=args.overwrite)
    except OSError as exc:  # no permission, disk full, ...
        return _fail(parser, f"could not write {str(out)!r}: {exc}")
    seconds = time.perf_counter() - started
    from ._schema import TABLE_NAMES

    rows = ", ".join(f"{name} {len(shop[name]):,}" for name in TABLE_NAMES
                     if name in shop)
    _write(f"wrote {out} ({args.format}, seed {seed}) in {seconds:.1f} s: "
           f"{rows}\n")
    return 0


# ------------------------------------------------------------- dictionary ----
def _add_dictionary(subparsers) -> None:
    p = subparsers.add_parser(
        "dictionary",
        help="print or write the data dictionary (datasets/README.md)",
        description="The data dictionary of the shop schema, as Markdown.",
    )
    p.add_argument("--out", default=None, metavar="FILE",
                   help="write to FILE (UTF-8) instead of printing")
    p.set_defaults(run=_run_dictionary, parser=p)


def _run_dictionary(args) -> int:
    from .datasets._dictionary import data_dictionary_markdown

    text = data_dictionary_markdown()
    if args.out is None:
        _write(text)
        return 0
    target = Path(args.out)
    if target.is_dir():
        args.parser.error(f"argument --out: {str(target)!r} is a folder; pass a "
                          "file name such as datasets/README.md")
    if not target.parent.is_dir():
        args.parser.error(f"argument --out: the folder {str(target.parent)!r} "
                          "does not exist")
    target.write_text(text, encoding="utf-8")
    _write(f"wrote {target}\n")
    return 0


# --------------------------------------------------------------- validate ----
def _add_validate(subparsers) -> None:
    p = subparsers.add_parser(
        "validate",
        help="check a shop folder against the schema",
        description="Read a shop folder and list every problem (exit code 1 when "
        "there are any, 0 when the shop is clean).",
    )
    p.add_argument("folder", metavar="DIR", help="the shop folder")
    p.add_argument("--tables", nargs="+", default=None, metavar="TABLE",
                   help="check only these tables (default: every table found)")
    p.set_defaults(run=_run_validate, parser=p)


def _run_validate(args) -> int:
    from ._schema import TABLE_NAMES
    from .datasets._io import ShopValidationError, read_shop

    folder = Path(args.folder)
    if not folder.is_dir():
        args.parser.error(f"argument DIR: the folder {str(folder)!r} does not exist")
    for name in args.tables or ():
        if name not in TABLE_NAMES:
            args.parser.error(f"argument --tables: unknown table {name!r}; the "
                              f"tables are {', '.join(TABLE_NAMES)}")
    try:
        shop = read_shop(folder, tables=args.tables)
    except ShopValidationError as exc:
        _write(f"{exc}\n")
        return 1
    except FileNotFoundError as exc:  # no table files, or a requested one missing
        return _fail(args.parser, str(exc).replace("read_shop(): ", ""), code=2)
    except ValueError as exc:  # a table in both formats
        return _fail(args.parser, str(exc).replace("read_shop(): ", ""))
    tables = [name for name in TABLE_NAMES if name in shop]
    rows = ", ".join(f"{name} {len(shop[name]):,}" for name in tables)
    _write(f"{folder}: no problems in {len(tables)} table(s): {rows}\n")
    return 0


# ------------------------------------------------------------- check-data ----
def _add_check_data(subparsers) -> None:
    p = subparsers.add_parser(
        "check-data",
        help="report on your own data: errors, warnings, excluded rows, coverage",
        description="Check a shop folder, or a platform export through a mapping, "
        "and print every problem (errors change the numbers, warnings were handled "
        "and say how), the rows excluded and which notebooks and metric families "
        "the data support. Exit code 0 without errors, 1 with errors.",
    )
    p.add_argument("folder", metavar="DIR", help="the shop or export folder ('demo': "
                   "the demo shop)")
    p.add_argument("--mapping", default=None, metavar="FILE",
                   help="YAML mapping of the export onto the schema, or the name of a "
                   "shipped one (taobao)")
    p.add_argument("--notebooks", nargs="+", default=None, metavar="NN",
                   help="check only the tables these notebooks read (prefixes such "
                   "as 03 04)")
    p.add_argument("--out", default=None, metavar="DIR",
                   help="when there are no errors, write the checked shop (schema "
                   "layout, warnings applied) to this folder for the notebooks")
    p.add_argument("--format", choices=("csv", "parquet"), default="csv",
                   help="file format for --out (default: csv)")
    p.add_argument("--overwrite", action="store_true",
                   help="replace the shop files of a non-empty --out folder")
    p.add_argument("--quiet", action="store_true",
                   help="leave out the notes on what the mapping did")
    p.set_defaults(run=_run_check_data, parser=p)


def _run_check_data(args) -> int:
    from .datasets._mapping import MappingError, load_mapping
    from .datasets._report import check_data

    parser = args.parser
    folder = Path(args.folder)
    if args.folder != "demo" and not folder.is_dir():
        parser.error(f"argument DIR: the folder {str(folder)!r} does not exist")
    mapping = None
    if args.mapping is not None:
        try:
            mapping = load_mapping(args.mapping)
        except FileNotFoundError as exc:
            parser.error(f"argument --mapping: {str(exc).replace('load_mapping(): ', '')}")
        except MappingError as exc:
            return _fail(parser, f"argument --mapping: {exc}", code=2)
    out = Path(args.out) if args.out else None
    if out is not None:
        if out.exists() and not out.is_dir():
            parser.error(f"argument --out: {str(out)!r} is a file; pass a folder")
        if out.is_dir() and any(out.iterdir()) and not args.overwrite:
            parser.error(f"argument --out: the folder {str(out)!r} is not empty; pass "
                         "--overwrite to replace the shop files in it")
        if out.resolve() == folder.resolve():
            parser.error("argument --out: write the checked shop to another folder "
                         "than the data")
    try:
        report = check_data(args.folder if args.folder == "demo" else folder,
                            mapping=mapping, notebooks=args.notebooks)
    except FileNotFoundError as exc:  # no table files / no file matches the mapping
        return _fail(parser, str(exc).replace("check_data(): ", ""), code=2)
    except ValueError as exc:  # an unknown notebook, a table in both formats
        message = str(exc).replace("check_data(): ", "").replace("read_shop(): ", "")
        code = 2 if "notebook" in message else 1
        return _fail(parser, message, code=code)
    _write(report.to_text(notes=not args.quiet) + "\n")
    if not report.ok:
        if out is not None:
            _write(f"\nNot written to {out}: fix the errors first.\n")
        return 1
    if out is not None:
        from .datasets._io import write_shop

        try:
            write_shop(report.shop, out, format=args.format, overwrite=args.overwrite)
        except OSError as exc:
            return _fail(parser, f"could not write {str(out)!r}: {exc}")
        _write(f"\nWrote the checked shop to {out} ({args.format}); run a notebook on "
               f"it with -p data_dir {out}\n")
    return 0


# ----------------------------------------------------------------- report ----
def _add_report(subparsers) -> None:
    p = subparsers.add_parser(
        "report",
        help="run every notebook on a shop folder and write an HTML report",
        description="Execute the teaching notebooks with papermill on one shop "
        "folder and render HTML pages with an index (reports/index.html).",
    )
    p.add_argument("--data-dir", default="demo", metavar="DIR",
                   help="shop folder (CSV or Parquet, one file per table) or 'demo'")
    p.add_argument("--out", default="reports", metavar="DIR", help="output folder")
    p.add_argument("--notebooks", nargs="+", default=None, metavar="NN",
                   help="only these notebooks (name prefixes such as 01 04)")
    p.add_argument("--start", type=_date, default=None, metavar="DATE",
                   help="first day of the analysis window (default: the data's)")
    p.add_argument("--end", type=_date, default=None, metavar="DATE",
                   help="last day of the analysis window (default: the data's)")
    p.add_argument("--engine", choices=("pandas", "duckdb"), default="pandas",
                   help="duckdb keeps the events table on disk and reads it out of core "
                        "(for shops too large for memory; best with Parquet files)")
    p.add_argument("--no-input", action="store_true", help="hide the code cells")
    p.set_defaults(run=_run_report, parser=p)


def _run_report(args) -> int:
    from .report import run_report

    if args.data_dir != "demo" and not Path(args.data_dir).is_dir():
        args.parser.error(f"argument --data-dir: the folder {args.data_dir!r} does not exist")
    params = {k: v for k, v in (("start", args.start), ("end", args.end)) if v}
    try:
        runs = run_report(args.data_dir, args.out, notebooks=args.notebooks,
                          parameters=params, engine=args.engine, no_input=args.no_input)
    except ValueError as exc:
        return _fail(args.parser, str(exc).replace("run_report(): ", ""), code=2)
    failed = [r.name for r in runs if not r.ok]
    _write(f"wrote {Path(args.out) / 'index.html'}: {len(runs)} notebook(s)"
           + (f", failed: {', '.join(failed)}\n" if failed else ", all ran\n"))
    return 1 if failed else 0


# -------------------------------------------------------------- exercises ----
def _add_exercises(subparsers) -> None:
    p = subparsers.add_parser(
        "exercises",
        help="build student/solution notebooks, or grade submissions",
        description="Instructor tools: `build` makes student and solution notebooks "
        "from exercises/; `grade` executes submissions and writes a gradebook.",
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    b = sub.add_parser("build", help="write build/exercises/{student,solution}/exNN.ipynb")
    b.add_argument("--out", default="build/exercises", metavar="DIR")
    b.add_argument("--only", nargs="+", default=None, metavar="EXERCISE",
                   help="only these exercises, e.g. ex01 ex03")
    b.set_defaults(run=_run_exercises_build, parser=b)
    g = sub.add_parser("grade", help="grade submitted notebooks of one exercise")
    g.add_argument("exercise", help="exercise id, e.g. ex01")
    g.add_argument("submissions", nargs="+", metavar="SUBMISSION",
                   help="notebooks named after the trainee (alice.ipynb or ex01_alice.ipynb)")
    g.add_argument("--out", default="grades.csv", metavar="FILE", help="gradebook CSV")
    g.add_argument("--feedback", default=None, metavar="DIR",
                   help="feedback folder (default: feedback/ next to the gradebook)")
    g.add_argument("--hidden", default=None, metavar="DIR", help="folder of hidden checks")
    g.add_argument("--cell-timeout", type=_positive_int, default=60, metavar="S")
    g.add_argument("--timeout", type=_positive_int, default=600, metavar="S",
                   help="total seconds per submission")
    g.add_argument("--jobs", type=_positive_int, default=2, metavar="N")
    g.set_defaults(run=_run_exercises_grade, parser=g)
    p.set_defaults(run=lambda args: p.error("choose an action: build or grade"), parser=p)


def _run_exercises_build(args) -> int:
    from .exercises._build import build_exercises

    try:
        built = build_exercises(args.out, exercises=args.only)
    except ValueError as exc:
        return _fail(args.parser, str(exc).replace("build_exercises(): ", ""), code=2)
    _write(f"built {len(built)} exercise(s) into {args.out}: {', '.join(built)}\n")
    return 0


def _run_exercises_grade(args) -> int:
    from .exercises._grade import grade

    try:
        book = grade(args.exercise, args.submissions, args.out, feedback_dir=args.feedback,
                     hidden=args.hidden, cell_timeout=args.cell_timeout,
                     total_timeout=args.timeout, jobs=args.jobs)
    except ValueError as exc:
        return _fail(args.parser, str(exc).replace("grade(): ", "").replace("questions(): ", ""), code=2)
    _write(f"graded {len(book)} submission(s) of {args.exercise}: mean {book['total'].mean():.2f} "
           f"of {book['max'].max():g}; gradebook {args.out}\n")
    return 0


# -------------------------------------------------------------------- sql ----
def _add_sql(subparsers) -> None:
    p = subparsers.add_parser(
        "sql",
        help="list the SQL recipes, or print one (in another SQL dialect)",
        description="The metric recipes as SQL to copy into a warehouse: `list` "
        "names them, `show` prints one in DuckDB SQL or translated (sqlglot).",
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    ls = sub.add_parser("list", help="the recipes, their parameters and tables")
    ls.set_defaults(run=_run_sql_list, parser=ls)
    sh = sub.add_parser("show", help="print a recipe's SQL")
    sh.add_argument("recipe", metavar="RECIPE", help="recipe name (see `ecomkit sql list`)")
    sh.add_argument("--dialect", default="duckdb", metavar="DIALECT",
                    help="SQL dialect: duckdb, spark, hive, bigquery or another "
                    "sqlglot dialect (default: duckdb, the recipe file as it is)")
    sh.add_argument("--start", type=_date, default=None, metavar="DATE",
                    help="write this first day into the SQL instead of $start_date")
    sh.add_argument("--end", type=_date, default=None, metavar="DATE",
                    help="write this last day into the SQL instead of $end_date")
    sh.add_argument("--freq", choices=("D", "W", "M", "Q", "Y"), default=None,
                    help="write this period length into the SQL instead of $freq")
    sh.add_argument("--as-of", type=_date, default=None, metavar="DATE",
                    help="write this scoring day into the SQL instead of $as_of")
    sh.set_defaults(run=_run_sql_show, parser=sh)
    p.set_defaults(run=lambda args: p.error("choose an action: list or show"), parser=p)


def _run_sql_list(args) -> int:
    from .sql import list_recipes

    table = list_recipes()
    width = max(len(n) for n in table["recipe"])
    lines = [f"{r.recipe:<{width}}  {r.title}\n{'':<{width}}  parameters: "
             f"{r.parameters}; tables: {r.tables}" for r in table.itertuples()]
    _write("\n".join(lines) + "\n")
    return 0


def _run_sql_show(args) -> int:
    from .sql import recipe_params, recipe_sql

    values = {"start": args.start, "end": args.end, "freq": args.freq,
              "as_of": args.as_of}
    given = {k: v for k, v in values.items() if v is not None}
    try:
        bind = recipe_params(args.recipe, **given) if given else None
        text = recipe_sql(args.recipe, args.dialect, bind=bind)
    except ValueError as exc:
        message = str(exc)
        for prefix in ("recipe_sql(): ", "recipe_params(): ", "get_recipe(): "):
            message = message.replace(prefix, "")
        return _fail(args.parser, message, code=2)
    except ImportError as exc:
        return _fail(args.parser, str(exc).replace("recipe_sql(): ", ""))
    _write(text if text.endswith("\n") else text + "\n")
    return 0


#: command name -> function adding its parser to the subparsers.
SUBCOMMANDS: dict[str, Callable] = {
    "make-data": _add_make_data,
    "dictionary": _add_dictionary,
    "validate": _add_validate,
    "check-data": _add_check_data,
    "report": _add_report,
    "exercises": _add_exercises,
    "sql": _add_sql,
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command of :data:`SUBCOMMANDS`."""
    from . import __version__

    parser = _Parser(
        prog=PROG,
        description="ecomkit: e-commerce operations metrics (电商运营指标体系).",
    )
    parser.add_argument("--version", action="version",
                        version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND",
                                       parser_class=_Parser)
    for add in SUBCOMMANDS.values():
        add(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    Parameters
    ----------
    argv : list of str, optional
        Arguments without the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 success, 1 problems found or the command failed, 2 bad arguments.

    Examples
    --------
    >>> main(["validate", "no/such/folder"])
    2
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.error(f"choose a command: {', '.join(SUBCOMMANDS)}")
        return int(args.run(args))
    except SystemExit as exc:  # argparse errors (2), --help and --version (0)
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except KeyboardInterrupt:
        return 130
