"""Run the SQL recipes on DuckDB and translate them to other SQL dialects.

A recipe is one commented SQL file in ``ecomkit/sql/recipes/``: a header that
says what it computes, its 口径, its parameters (named placeholders such as
``$start_date``), the tables and columns it reads and its output columns,
then one query over the canonical tables (``sessions``, ``events``,
``orders``, ...) in the DuckDB dialect, restricted to SQL that sqlglot
translates to Spark, Hive and BigQuery. The header is parsed here, so the
file is the single place where a recipe is written down.

:func:`run_recipe` runs a recipe with DuckDB on a shop in memory (pandas
frames are scanned in place, nothing is copied), on a folder of Parquet or CSV
files (read out of core, one file per table as :func:`write_shop` writes them)
or on a DuckDB database file, and returns pandas with the columns, dtypes and
row order of the pandas function it mirrors.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .._schema import TABLES, dtype_for

__all__ = [
    "Recipe",
    "conform_result",
    "get_recipe",
    "list_recipes",
    "recipe_params",
    "recipe_sql",
    "run_recipe",
]

RECIPES_DIR = Path(__file__).resolve().parent / "recipes"
FREQS = ("D", "W", "M", "Q", "Y")
#: dialects offered by ``ecomkit sql show --dialect`` (recipe_sql takes any sqlglot dialect)
DIALECTS = ("duckdb", "spark", "hive", "bigquery")
#: file endings of a DuckDB database file
DB_SUFFIXES = (".duckdb", ".db", ".ddb")
#: keyword of run_recipe / recipe_params -> placeholder of the recipes
_KEYWORDS = {"start": "start_date", "end": "end_date", "freq": "freq", "as_of": "as_of"}
_PLACEHOLDERS = {v: k for k, v in _KEYWORDS.items()}
#: period length when ``freq`` is not given (the pandas twins' defaults)
_DEFAULT_FREQ = {"traffic_by_period": "D"}
_DEFAULT_FREQ_OTHERS = "M"

# Output columns whose dtype follows a column of the input (as the pandas twin's
# does): recipe -> {output column: (table, column)}, (table, column, "period") for
# period starts computed from that column, or a fixed dtype.
_FOLLOW: dict[str, dict[str, object]] = {
    "traffic_by_period": {"period": ("sessions", "start_ts", "period"),
                          "channel": ("sessions", "channel")},
    "funnel": {"step": pd.CategoricalDtype(
        ["product_view", "add_to_cart", "checkout", "payment"], ordered=True)},
    "cohort_retention": {"cohort": ("orders", "paid_ts")},
    "cohort_activity": {"cohort": ("orders", "paid_ts")},
    "repurchase_rate": {},
    "rfm": {"customer_id": ("orders", "customer_id")},
    "pnl": {"period": "datetime64[ns]"},
    "session_summary": {"session_id": ("sessions", "session_id"),
                        "visitor_id": ("sessions", "visitor_id"),
                        "customer_id": ("sessions", "customer_id"),
                        "start_ts": ("sessions", "start_ts"),
                        "channel": ("sessions", "channel"),
                        "device": ("sessions", "device")},
    "daily_visitor_activity": {"day": ("sessions", "start_ts"),
                               "visitor_id": ("sessions", "visitor_id")},
    "customer_summary": {"customer_id": ("orders", "customer_id"),
                         "first_paid_ts": ("orders", "paid_ts"),
                         "last_paid_ts": ("orders", "paid_ts")},
}
# Row order of the pandas twin (categoricals in their level order, missing last).
_SORT: dict[str, list[str]] = {
    "traffic_by_period": ["period", "channel"],
    "funnel": ["step_number"],
    "cohort_retention": ["cohort", "period"],
    "cohort_activity": ["cohort", "period"],
    "repurchase_rate": [],
    "rfm": ["customer_id"],
    "pnl": ["period"],
    "session_summary": ["start_ts", "session_id"],
    "daily_visitor_activity": ["day", "visitor_id"],
    "customer_summary": ["customer_id"],
}
_SQL_DTYPES = {"BIGINT": "int64", "DOUBLE": "float64", "BOOLEAN": "bool",
               "VARCHAR": "str", "TIMESTAMP": "datetime64[ns]"}


# ------------------------------------------------------------------ recipes ---
@dataclass(frozen=True)
class Recipe:
    """One SQL recipe, as its file's header describes it.

    ``params`` maps each placeholder (without ``$``) to ``(sql type,
    description)``; ``tables`` each table read to its columns; ``output`` is a
    tuple of ``(column, sql type, description)``; ``body`` is the query
    without the header.
    """

    name: str
    title: str
    params: dict
    tables: dict
    output: tuple
    twin: str
    path: Path
    text: str
    body: str

    @property
    def keywords(self) -> list[str]:
        """The run_recipe keywords this recipe takes (start, end, freq, as_of)."""
        return [_PLACEHOLDERS[p] for p in self.params]


def _parse(path: Path) -> Recipe:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    n_header = 0
    for line in lines:
        if line.startswith("--") or not line.strip():
            n_header += 1
            continue
        break
    header, body = lines[:n_header], "\n".join(lines[n_header:]).strip() + "\n"
    name = title = twin = ""
    params, tables, output = {}, {}, []
    section = None
    for line in header:
        content = line[2:].rstrip() if line.startswith("--") else ""
        if not content.strip():
            section = None
            continue
        if not content.startswith("   "):  # a heading or a key: value line
            section = None
            head = content.strip()
            if head.startswith("recipe:"):
                name = head.split(":", 1)[1].strip()
            elif head.startswith("title:"):
                title = head.split(":", 1)[1].strip()
            elif head.startswith("pandas twin:"):
                twin = head.split(":", 1)[1].strip()
            elif head == "Parameters":
                section = "params"
            elif head == "Tables":
                section = "tables"
            elif head.startswith("Output"):
                section = "output"
            continue
        item = content.strip()
        if section == "params":
            m = re.fullmatch(r"\$(\w+)\s+(\w+)\s+(.*)", item)
            if m:
                params[m.group(1)] = (m.group(2), m.group(3))
        elif section == "tables":
            m = re.fullmatch(r"(\w+)\s*\((.*)\)", item)
            if m:
                tables[m.group(1)] = tuple(c.strip() for c in m.group(2).split(","))
        elif section == "output":
            m = re.fullmatch(r"(\w+)\s+(\w+)\s+(.*)", item)
            if m:
                output.append((m.group(1), m.group(2), m.group(3)))
    if name != path.stem:
        raise RuntimeError(f"recipe file {path.name}: its header names it {name!r}")
    return Recipe(name=name, title=title, params=params, tables=tables,
                  output=tuple(output), twin=twin, path=path, text=text, body=body)


def _recipe_names() -> list[str]:
    return sorted(p.stem for p in RECIPES_DIR.glob("*.sql"))


def get_recipe(name: str) -> Recipe:
    """The recipe called ``name`` (see :func:`list_recipes`).

    Examples
    --------
    >>> r = get_recipe("rfm")
    >>> list(r.params), list(r.tables)
    (['start_date', 'as_of'], ['orders'])
    """
    names = _recipe_names()
    if not isinstance(name, str) or name not in names:
        raise ValueError(
            f"get_recipe(): unknown recipe {name!r}; the recipes are {names} "
            f"(`ecomkit sql list` describes them)."
        )
    return _parse(RECIPES_DIR / f"{name}.sql")


def list_recipes() -> pd.DataFrame:
    """Every recipe: name, title, parameters, tables read and pandas twin.

    Examples
    --------
    >>> "funnel" in list_recipes()["recipe"].tolist()
    True
    """
    rows = []
    for name in _recipe_names():
        r = get_recipe(name)
        rows.append({
            "recipe": r.name,
            "title": r.title,
            "parameters": ", ".join(f"${p}" for p in r.params),
            "tables": ", ".join(r.tables),
            "pandas_twin": r.twin,
        })
    return pd.DataFrame(rows, columns=["recipe", "title", "parameters", "tables",
                                       "pandas_twin"])


# --------------------------------------------------------------- parameters ---
def _day(value, func: str, param: str) -> dt.date | None:
    """A whole calendar day (a date or a midnight timestamp) as a date; None stays."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or isinstance(value, (int, float)):
        raise TypeError(f"{func}(): `{param}` must be a date such as '2024-06-30', "
                        f"got {value!r}.")
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        ts = pd.NaT
    if ts is pd.NaT:
        raise ValueError(f"{func}(): `{param}` must be a date such as '2024-06-30', "
                         f"got {value!r}.")
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    if ts != ts.normalize():
        raise ValueError(
            f"{func}(): `{param}` = {value!r} has a time of day; the recipes take "
            f"whole days (an end day is included in full). Pass a date such as "
            f"{str(ts.date())!r}."
        )
    return ts.date()


def recipe_params(name: str, *, start=None, end=None, freq=None, as_of=None) -> dict:
    """The placeholder values of recipe ``name``, checked, keyed by placeholder.

    Use them to run a recipe's SQL yourself: DuckDB ``con.execute(sql,
    params)``, Spark ``spark.sql(sql, args=params)``, BigQuery query
    parameters. Dates come back as ``datetime.date`` (None = open side of the
    window), ``freq`` as one of ``"D", "W", "M", "Q", "Y"``.

    Parameters
    ----------
    name : str
        The recipe.
    start, end : date-like, optional
        First and last day of the window, inclusive (whole days).
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Period length, for the recipes that take ``$freq`` (default: the pandas
        twin's, "D" for traffic, "M" otherwise).
    as_of : date-like
        Scoring day, required by the recipes that take ``$as_of``.

    Raises
    ------
    ValueError, TypeError
        An unknown recipe, a parameter the recipe does not take, a bad date or
        ``freq``, an end before the start, a missing ``as_of``.

    Examples
    --------
    >>> recipe_params("traffic_by_period", start="2024-06-01", end="2024-06-30")
    {'start_date': datetime.date(2024, 6, 1), 'end_date': datetime.date(2024, 6, 30), 'freq': 'D'}
    """
    func = "recipe_params"
    recipe = get_recipe(name)
    given = {"start": start, "end": end, "freq": freq, "as_of": as_of}
    for keyword, value in given.items():
        if value is not None and _KEYWORDS[keyword] not in recipe.params:
            raise ValueError(
                f"{func}(): recipe {name!r} takes no `{keyword}`; its parameters are "
                f"{recipe.keywords or 'none'}."
            )
    out = {}
    for placeholder in recipe.params:
        keyword = _PLACEHOLDERS[placeholder]
        value = given[keyword]
        if keyword == "freq":
            if value is None:
                value = _DEFAULT_FREQ.get(name, _DEFAULT_FREQ_OTHERS)
            if value not in FREQS:
                raise ValueError(f"{func}(): `freq` must be one of {list(FREQS)}, "
                                 f"got {value!r}.")
        else:
            value = _day(value, func, keyword)
            if keyword == "as_of" and value is None:
                raise ValueError(
                    f"{func}(): recipe {name!r} needs `as_of`, the scoring day, e.g. "
                    f"as_of='2024-12-31'."
                )
        out[placeholder] = value
    lo, hi = out.get("start_date"), out.get("end_date", out.get("as_of"))
    if lo is not None and hi is not None and hi < lo:
        raise ValueError(f"{func}(): the window is empty: it ends ({hi}) before it "
                         f"starts ({lo}).")
    return out


# ------------------------------------------------------------- translation ---
def _literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, dt.date):
        return f"DATE '{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


def _bind_text(sql: str, values: Mapping) -> str:
    """Replace each ``$name`` placeholder by the SQL literal of its value."""
    for key, value in values.items():
        sql = re.sub(rf"\${key}\b", _literal(value), sql)
    return sql


def _sqlglot(func: str, dialect: str):
    try:
        import sqlglot
    except ImportError:
        raise ImportError(
            f"{func}(): translating a recipe to {dialect!r} needs the package sqlglot, "
            f"which is not installed (pip install sqlglot). The DuckDB SQL needs "
            f"nothing: recipe_sql(name) or `ecomkit sql show NAME`."
        ) from None
    return sqlglot


def _header(recipe: Recipe) -> list[str]:
    """The comment lines at the top of the recipe file."""
    head = []
    for line in recipe.text.splitlines():
        if line.startswith("--") or not line.strip():
            head.append(line)
        else:
            break
    while head and not head[-1].strip():
        head.pop()
    return head


def _fix_for(tree, dialect: str):
    """Rewrites for dialects where sqlglot's translation is not the recipe's meaning."""
    from sqlglot import exp

    if dialect == "bigquery":
        for node in list(tree.find_all(exp.TimestampTrunc, exp.DateTrunc)):
            unit = node.args.get("unit")
            if unit is not None and unit.name.upper() == "WEEK":
                # BigQuery's WEEK starts on Sunday; the recipes use ISO weeks
                node.set("unit", exp.var("ISOWEEK"))
            if isinstance(node, exp.TimestampTrunc):
                # shop times have no zone: a BigQuery DATETIME, not a TIMESTAMP
                node.replace(exp.DatetimeTrunc(this=node.this, unit=node.args["unit"]))
        for node in list(tree.find_all(exp.GenerateSeries)):
            if isinstance(node.args.get("step"), exp.Interval):  # a series of days
                node.replace(exp.GenerateDateArray(start=node.args["start"],
                                                   end=node.args["end"],
                                                   step=node.args["step"]))
        # BigQuery cannot say NULLS LAST inside OVER (...); the recipes never
        # order a window by a column that can be NULL, so its default will do
        for window in tree.find_all(exp.Window):
            for order in window.find_all(exp.Ordered):
                order.set("nulls_first", not order.args.get("desc"))
    return tree


def recipe_sql(name: str, dialect: str = "duckdb", *, bind: Mapping | None = None,
               pretty: bool = True) -> str:
    """The SQL of recipe ``name``, in ``dialect``, with its header comment.

    ``"duckdb"`` gives the recipe file as it is. Any other dialect that sqlglot
    knows (``"spark"``, ``"hive"``, ``"bigquery"``, ``"snowflake"``,
    ``"trino"``, ...) is translated by sqlglot, placeholders in that dialect's
    style (``:start_date`` for Spark, ``@start_date`` for BigQuery).

    Parameters
    ----------
    name : str
        The recipe (see :func:`list_recipes`).
    dialect : str, default="duckdb"
        Target SQL dialect.
    bind : dict, optional
        Placeholder values to write into the SQL as literals instead of
        placeholders (e.g. ``recipe_params(name, start=..., end=...)``), for
        consoles without query parameters (Hive).
    pretty : bool, default=True
        Indent the translated SQL.

    Raises
    ------
    ValueError
        Unknown recipe or dialect, or ``bind`` naming a placeholder the recipe
        does not have.
    ImportError
        A dialect other than DuckDB without sqlglot installed.

    Examples
    --------
    >>> print(recipe_sql("repurchase_rate").splitlines()[0])
    -- recipe: repurchase_rate
    """
    func = "recipe_sql"
    recipe = get_recipe(name)
    if not isinstance(dialect, str) or not dialect:
        raise ValueError(f"{func}(): `dialect` must be a name such as 'spark', got "
                         f"{dialect!r}.")
    dialect = dialect.lower()
    body = recipe.body
    if bind is not None:
        unknown = set(bind) - set(recipe.params)
        if unknown:
            raise ValueError(f"{func}(): recipe {name!r} has no placeholder "
                             f"{sorted(unknown)}; it has {sorted(recipe.params)}.")
        body = _bind_text(body, bind)
    if dialect == "duckdb":
        if bind is None:
            return recipe.text
        return "\n".join([*_header(recipe), "--", "-- placeholders bound to values",
                          "", body])
    sqlglot = _sqlglot(func, dialect)
    try:
        sqlglot.Dialect.get_or_raise(dialect)
    except ValueError:
        raise ValueError(
            f"{func}(): unknown SQL dialect {dialect!r}; try one of {list(DIALECTS)} "
            f"or another dialect of sqlglot."
        ) from None
    tree = sqlglot.parse_one(body, read="duckdb")
    tree = _fix_for(tree, dialect)
    sql = tree.sql(dialect=dialect, pretty=pretty,
                   unsupported_level=sqlglot.ErrorLevel.RAISE)
    marker = {"bigquery": "@name", "postgres": "%(name)s"}.get(dialect, ":name")
    note = (f"-- SQL dialect: {dialect}, translated from the DuckDB recipe by sqlglot"
            + ("; placeholders bound to values" if bind is not None
               else f"; placeholders are written {marker}"))
    return "\n".join([*_header(recipe), "--", note, "", sql, ""])


# ------------------------------------------------------------------ sources ---
def _duckdb(func: str):
    try:
        import duckdb
    except ImportError:
        raise ImportError(
            f"{func}(): running a recipe needs the package duckdb (pip install "
            f"duckdb). To run the SQL elsewhere, take it from recipe_sql()."
        ) from None
    return duckdb


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _table_file(folder: Path, table: str, func: str) -> Path:
    files = [folder / f"{table}.{fmt}" for fmt in ("parquet", "csv")]
    files = [f for f in files if f.is_file()]
    if len(files) == 2:
        fmt = None
        meta = folder / "shop.json"
        if meta.is_file():
            import json

            try:
                fmt = json.loads(meta.read_text(encoding="utf-8-sig")).get("format")
            except (ValueError, AttributeError, UnicodeDecodeError):
                fmt = None
        if fmt not in ("csv", "parquet"):
            raise ValueError(f"{func}(): {str(folder)!r} holds both {table}.csv and "
                             f"{table}.parquet; remove the one that is out of date.")
        files = [folder / f"{table}.{fmt}"]
    if not files:
        raise FileNotFoundError(
            f"{func}(): the recipe reads table {table!r}, but neither {table}.parquet "
            f"nor {table}.csv is in {str(folder)!r}."
        )
    return files[0]


_CSV_TYPES = {"ts": "TIMESTAMP", "date": "TIMESTAMP", "money": "DOUBLE",
              "float": "DOUBLE", "int": "BIGINT", "bool": "BOOLEAN",
              "category": "VARCHAR", "str": "VARCHAR"}


def _csv_view(file: Path, table: str) -> str:
    """read_csv with the schema's types for the canonical columns (ids: detected)."""
    with open(file, encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh), [])
    kinds = {c.name: c.kind for c in TABLES[table].columns} if table in TABLES else {}
    types = {col: _CSV_TYPES[kinds[col]] for col in header if kinds.get(col) in _CSV_TYPES}
    spec = ", ".join(f"{_quote(c)}: {_quote(t)}" for c, t in types.items())
    return (f"read_csv({_quote(str(file))}, header = true, auto_detect = true"
            + (f", types = {{{spec}}}" if spec else "") + ")")


class _Source:
    """A DuckDB connection on which the recipe's tables can be queried."""

    def __init__(self, source, tables, func: str, config):
        duckdb = _duckdb(func)
        self.frames = None
        self.owned = True
        config = dict(config or {})
        if isinstance(source, duckdb.DuckDBPyConnection):
            self.con, self.owned = source, False
            self.kind = "connection"
        elif isinstance(source, Mapping):
            self.kind = "frames"
            self.frames = {}
            missing = [t for t in tables if t not in source]
            if missing:
                raise ValueError(
                    f"{func}(): the recipe reads the table(s) {missing}, which the "
                    f"shop does not have; it has {sorted(map(str, source))}."
                )
            self.con = duckdb.connect(config=config)
            for t in tables:
                frame = source[t]
                if not isinstance(frame, pd.DataFrame):
                    raise TypeError(f"{func}(): shop[{t!r}] must be a pandas DataFrame, "
                                    f"got {type(frame).__name__}.")
                _check_naive(frame, t, func)
                self.frames[t] = frame
                self.con.register(t, frame)  # a view over the frame: nothing is copied
        elif isinstance(source, (str, os.PathLike)):
            path = Path(source).expanduser()
            if path.is_dir():
                self.kind = "folder"
                files = {t: _table_file(path, t, func) for t in tables}
                self.con = duckdb.connect(config=config)
                for t, f in files.items():
                    scan = (f"read_parquet({_quote(str(f))})" if f.suffix == ".parquet"
                            else _csv_view(f, t))
                    self.con.execute(f'CREATE VIEW "{t}" AS SELECT * FROM {scan}')
            elif path.is_file():
                self.kind = "database"
                if path.suffix.lower() not in DB_SUFFIXES:
                    raise ValueError(
                        f"{func}(): {str(path)!r} is a file but not a DuckDB database "
                        f"({', '.join(DB_SUFFIXES)}); pass the folder that holds the "
                        f"table files instead."
                    )
                self.con = duckdb.connect(str(path), read_only=True, config=config)
            else:
                raise FileNotFoundError(f"{func}(): {str(path)!r} does not exist; pass "
                                        f"a shop folder or a DuckDB database file.")
        else:
            raise TypeError(
                f"{func}(): `source` must be a shop (a dict or Bunch of pandas frames), "
                f"a folder of Parquet/CSV files, a DuckDB database file or a DuckDB "
                f"connection; got {type(source).__name__}."
            )
        if self.kind in ("database", "connection"):
            known = {r[0] for r in self.con.execute(
                "SELECT table_name FROM information_schema.tables").fetchall()}
            missing = [t for t in tables if t not in known]
            if missing:
                self.close()
                raise ValueError(f"{func}(): the recipe reads the table(s) {missing}, "
                                 f"which the database does not have.")

    def close(self):
        if self.owned:
            self.con.close()


class _Types:
    """The dtypes the pandas twin sees: those of the frames, else of the schema."""

    def __init__(self, frames: Mapping | None):
        self.frames = frames

    def dtype(self, table: str, column: str):
        if self.frames is not None and table in self.frames:
            frame = self.frames[table]
            return frame[column].dtype if column in frame.columns else None
        try:
            col = TABLES[table].column(column)
        except KeyError:
            return None
        if col.kind == "id":
            return "id"  # int64 / Int64 / str: decided from the values
        return dtype_for(col)


def _check_naive(frame: pd.DataFrame, table: str, func: str) -> None:
    for col in frame.columns:
        tz = getattr(frame[col].dtype, "tz", None)
        if tz is not None:
            raise ValueError(
                f"{func}(): {table}.{col} holds time-zone-aware times ({tz}); the "
                f"recipes work in shop-local time without a zone. Convert first: "
                f"frame[{col!r}].dt.tz_localize(None)."
            )


# ---------------------------------------------------------------- results ---
def _as_id(values: pd.Series) -> pd.Series:
    if pd.api.types.is_integer_dtype(values.dtype) or pd.api.types.is_float_dtype(
            values.dtype):
        if values.isna().any():
            return values.astype("Int64")
        return values.astype("int64")
    return values.astype("str")


def _period_dtype(dtype, freq: str):
    """The dtype of period starts computed by ecomkit from timestamps of ``dtype``:
    the same unit and zone, whatever ``freq``."""
    return dtype


def _conform(result: pd.DataFrame, recipe: Recipe, types: _Types,
             params: Mapping) -> pd.DataFrame:
    """Columns, dtypes and row order of the pandas twin."""
    follow = _FOLLOW.get(recipe.name, {})
    out = pd.DataFrame(index=pd.RangeIndex(len(result)))
    for col, sql_type, _ in recipe.output:
        column = result[col].reset_index(drop=True)
        target = follow.get(col)
        if isinstance(target, tuple):
            dtype = types.dtype(*target[:2])
            if len(target) == 3 and dtype is not None:  # period starts of that column
                dtype = _period_dtype(dtype, params.get("freq", "D"))
            target = dtype
        if target is None:
            target = _SQL_DTYPES.get(sql_type, "id")
        if isinstance(target, str) and target == "id":
            column = _as_id(column)
        elif isinstance(target, pd.CategoricalDtype):
            if isinstance(column.dtype, pd.CategoricalDtype):  # an ENUM from DuckDB
                seen = column.cat.remove_unused_categories().cat.categories
            else:
                seen = pd.Index(column.dropna().unique())
            if seen.isin(target.categories).all():
                column = column.astype(target)
            else:  # labels the schema does not know: keep them as text
                column = column.astype(object).astype("str")
        elif str(target) == "bool":
            column = column.astype("bool")
        elif pd.api.types.is_datetime64_any_dtype(target):
            column = pd.to_datetime(column).astype(target)
        else:
            column = column.astype(target)
        out[col] = column
    keys = _SORT.get(recipe.name, [])
    if keys and len(out) > 1 and not _already_sorted(out, keys):
        out = out.sort_values(keys, kind="stable", na_position="last").reset_index(
            drop=True)
    return out


def _already_sorted(frame: pd.DataFrame, keys: list[str]) -> bool:
    """True when the rows are in ``keys`` order already (the SQL's ORDER BY usually
    gives it): a linear check instead of sorting tens of millions of rows again.
    Keys with missing values or text are left to the sort."""
    undecided = np.ones(len(frame) - 1, dtype=bool)  # pairs equal on the keys so far
    for key in keys:
        col = frame[key]
        if col.isna().any():
            return False
        if isinstance(col.dtype, pd.CategoricalDtype):
            values = col.cat.codes.to_numpy()
        elif pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_datetime64_any_dtype(
                col.dtype):
            values = col.to_numpy()
        else:
            return False
        prev, nxt = values[:-1], values[1:]
        if (undecided & (nxt < prev)).any():
            return False
        undecided &= nxt == prev
        if not undecided.any():
            return True
    return True


def conform_result(name: str, result: pd.DataFrame, shop: Mapping | None = None, *,
                   freq=None) -> pd.DataFrame:
    """Give a recipe's result computed elsewhere the shape of the pandas twin.

    A result from Spark (``.toPandas()``), a warehouse export or DuckDB
    itself gets the columns, dtypes and row order that :func:`run_recipe`
    returns: key columns take the dtype of the input columns they come from
    (those of ``shop``, a dict of the pandas frames, when given; else the
    schema's, as :func:`~ecomkit.datasets.read_shop` would give), channels and
    other categories their level order.

    Examples
    --------
    >>> raw = pd.DataFrame({"buyers": [3], "repeat_buyers": [1],
    ...                     "repurchase_rate": [1 / 3]})
    >>> conform_result("repurchase_rate", raw).dtypes.astype(str).tolist()
    ['int64', 'int64', 'float64']
    """
    recipe = get_recipe(name)
    missing = [c for c, _, _ in recipe.output if c not in result.columns]
    if missing:
        raise ValueError(f"conform_result(): the result lacks the column(s) {missing} "
                         f"of recipe {name!r}.")
    if freq is None:
        freq = _DEFAULT_FREQ.get(name, _DEFAULT_FREQ_OTHERS)
    return _conform(result, recipe, _Types(shop), {"freq": freq})


def run_recipe(name: str, source, *, start=None, end=None, freq=None, as_of=None,
               engine: str = "duckdb", config: Mapping | None = None) -> pd.DataFrame:
    """Run SQL recipe ``name`` on a shop and return the result as pandas.

    Parameters
    ----------
    name : str
        The recipe (see :func:`list_recipes` or ``ecomkit sql list``).
    source : dict of DataFrame, Bunch, str, os.PathLike or duckdb connection
        A shop in memory (DuckDB scans the pandas frames in place), a folder
        with one Parquet or CSV file per table (as :func:`write_shop` writes
        it; the files are read out of core, never loaded whole), a DuckDB
        database file (``.duckdb``, ``.db``) with one table per canonical
        table, or an open DuckDB connection that has them.
    start, end : date-like, optional
        First and last day of the window, inclusive (whole days).
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Period length for the recipes that take one.
    as_of : date-like
        Scoring day for ``rfm`` and ``customer_summary``.
    engine : {"duckdb"}, default="duckdb"
        The engine that runs the SQL here. For Spark or a warehouse take the
        SQL from :func:`recipe_sql` and the values from :func:`recipe_params`.
    config : dict, optional
        DuckDB settings for the connection, e.g. ``{"memory_limit": "3GB",
        "threads": 2}`` (not used with a connection you pass).

    Returns
    -------
    pandas.DataFrame
        The recipe's output columns. For the recipes with a pandas twin the
        columns, dtypes and row order are those of the twin on the same data
        (``repurchase_rate`` gives one row; the twin returns its last column).

    Raises
    ------
    ValueError, TypeError
        An unknown recipe or engine, bad parameters, a table the source does
        not have, time-zone-aware times.
    ImportError
        duckdb is not installed.

    Examples
    --------
    >>> from ecomkit.datasets import make_shop
    >>> shop = make_shop(200, random_state=0)
    >>> f = run_recipe("funnel", shop, start="2024-06-01", end="2024-06-30")
    >>> f["step"].tolist()
    ['product_view', 'add_to_cart', 'checkout', 'payment']
    """
    func = "run_recipe"
    if engine != "duckdb":
        raise ValueError(
            f"{func}(): engine={engine!r} is not run from Python here; only 'duckdb' "
            f"is. For Spark: spark.sql(recipe_sql({name!r}, 'spark'), "
            f"args=recipe_params({name!r}, ...)); for a warehouse paste "
            f"recipe_sql({name!r}, '<dialect>')."
        )
    recipe = get_recipe(name)
    try:
        values = recipe_params(name, start=start, end=end, freq=freq, as_of=as_of)
    except (TypeError, ValueError) as exc:
        raise type(exc)(str(exc).replace("recipe_params()", f"{func}()")) from None
    src = _Source(source, list(recipe.tables), func, config)
    try:
        result = src.con.execute(recipe.body, values).df()
        return _conform(result, recipe, _Types(src.frames), values)
    finally:
        src.close()
