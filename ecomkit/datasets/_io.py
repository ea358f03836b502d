"""Read and write a shop as a folder of files, and validate it against the schema.

A shop on disk is one folder with one file per canonical table, named after
the table (``orders.csv`` or ``orders.parquet``), plus ``stories.csv`` (the
planted stories of a generated shop, when there are any) and a small
``shop.json`` (format, schema version, row counts and the generator
parameters). :func:`write_shop` writes such a folder, :func:`read_shop` reads
it back with the dtypes of :mod:`ecomkit._schema`, and :func:`validate_shop`
lists every problem of a shop (in memory or read from files) in one table.

CSV files are UTF-8 without a byte-order mark, the default of pandas, DuckDB
and most tools. Excel on Windows guesses the legacy code page when a CSV file
is double-clicked, and then shows Chinese text (province names) as garbage.
Open the file with *Data > From Text/CSV* and choose *File origin: 65001:
Unicode (UTF-8)* instead. :func:`read_shop` also reads files that Excel saved
as *CSV UTF-8* (with a byte-order mark).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from .._bunch import Bunch
from .._schema import TABLE_NAMES, TABLES, Column, dtype_for
from .._validation import OPTION_MSG

__all__ = ["ShopValidationError", "read_shop", "validate_shop", "write_shop"]

#: version of the on-disk layout and of the schema it follows (in ``shop.json``).
SCHEMA_VERSION = 1
FORMATS = ("csv", "parquet")
STORIES_FILE = "stories.csv"
META_FILE = "shop.json"
PROBLEM_COLUMNS = ["table", "column", "problem", "n_rows", "examples"]

#: text that means "no value" in a non-text column of a CSV file.
_MISSING_TOKENS = ("", "NA", "N/A", "NaN", "nan", "NULL", "null", "None", "NaT", "<NA>")
_TRUE = ("true", "1")
_FALSE = ("false", "0")
#: an integer id written the way Python writes an int: no sign, no leading zeros.
#: Anything else ("C001", "00123") is a string id and stays a string.
_INT_ID = r"-?(?:0|[1-9][0-9]{0,17})"
#: an integer id that went through a float column ("17.0", as pandas writes an
#: id column with gaps): the same number, so it is read as the integer.
_FLOAT_INT_ID = r"-?(?:0|[1-9][0-9]{0,14})\.0+"
_N_EXAMPLES = 3
#: refunds may exceed the paid amount by this much (rounding to cents).
_CENT_TOLERANCE = 0.005

# Foreign keys checked when both tables are present: (child table, child column,
# parent table, parent column). ``ecomkit dictionary`` prints this list too.
RELATIONS: tuple[tuple[str, str, str, str], ...] = (
    ("orders", "customer_id", "customers", "customer_id"),
    ("orders", "session_id", "sessions", "session_id"),
    ("orders", "campaign_id", "campaigns", "campaign_id"),
    ("orders", "coupon_id", "coupons", "coupon_id"),
    ("order_items", "order_id", "orders", "order_id"),
    ("order_items", "product_id", "products", "product_id"),
    ("refunds", "order_id", "orders", "order_id"),
    ("sessions", "customer_id", "customers", "customer_id"),
    ("sessions", "campaign_id", "campaigns", "campaign_id"),
    ("events", "session_id", "sessions", "session_id"),
    ("events", "product_id", "products", "product_id"),
    ("inventory", "product_id", "products", "product_id"),
    ("marketing_spend", "campaign_id", "campaigns", "campaign_id"),
    ("coupons", "customer_id", "customers", "customer_id"),
    ("coupons", "campaign_id", "campaigns", "campaign_id"),
    ("coupons", "redeemed_order_id", "orders", "order_id"),
    ("contacts", "customer_id", "customers", "customer_id"),
)

#: rules checked across tables besides the foreign keys (for the dictionary).
RULES: tuple[str, ...] = (
    "every table's key is unique, except `events` (two actions of a visit can "
    "share a second)",
    "refunds refer to paid orders (`paid_ts` set)",
    "the refunds of an order never add up to more than its `paid_amount`",
    "a session with a `customer_id` has that customer's `visitor_id`",
    "a paid order's session, when set and logged in, is a session of the "
    "order's customer",
    "money and counts are never negative",
)


class ShopValidationError(ValueError):
    """A shop breaks the schema; the message lists every problem at once.

    Attributes
    ----------
    problems : pandas.DataFrame
        One row per problem with columns ``table``, ``column``, ``problem``
        (what is wrong and how to fix it), ``n_rows`` (rows affected) and
        ``examples`` (a few offending rows).

    Examples
    --------
    >>> import pandas as pd
    >>> shop = {"products": pd.DataFrame({"product_id": [1, 1]})}
    >>> err = ShopValidationError(validate_shop(shop), func="validate_shop")
    >>> err.problems[["table", "column", "n_rows"]].head(2)
          table    column  n_rows
    0  products  category       2
    1  products  list_price     2
    """

    def __init__(self, problems: pd.DataFrame, *, func: str = "read_shop",
                 source=None):
        self.problems = problems
        self.source = None if source is None else str(source)
        super().__init__(_format_problems(problems, func=func, source=self.source))

    def __reduce__(self):  # keep the problems when pickled (multiprocessing)
        return (_rebuild_error, (self.problems, self.source, self.args))


def _rebuild_error(problems, source, args):
    err = ShopValidationError.__new__(ShopValidationError)
    err.problems, err.source, err.args = problems, source, args
    return err


def _format_problems(problems: pd.DataFrame, *, func: str, source) -> str:
    where = f" in {source!r}" if source else ""
    fix = "Fix them in the files, then read again" if source else "Fix them all"
    lines = [
        f"{func}(): found {len(problems)} problem(s){where}. {fix}. Rows count "
        "from 0 (row 0 is the first line under a CSV header)."
    ]
    for p in problems.itertuples(index=False):
        target = p.table if p.column == "" else f"{p.table}.{p.column}"
        ex = f" e.g. {p.examples}" if p.examples else ""
        lines.append(f"  - {target}: {p.problem} [{p.n_rows} row(s)]{ex}")
    return "\n".join(lines)


# ------------------------------------------------------------------ write ----
def write_shop(shop: Mapping, path, *, format: str = "csv",
               overwrite: bool = False) -> Path:
    """Write a shop to a folder, one file per table.

    Writes ``<table>.csv`` (or ``<table>.parquet``) for every canonical table
    present in ``shop``, ``stories.csv`` when the shop has a ``stories``
    table, and ``shop.json`` with the format, the schema version, the row
    count of each table and ``shop["params"]`` (the generator parameters)
    when present. Other keys (``DESCR``, tables that are not canonical) are
    not written. The tables are written as they are: :func:`read_shop` checks
    them when they are read back.

    CSV files are UTF-8 without a byte-order mark; timestamps are ISO 8601
    (``2024-03-01 14:05:00``, dates ``2024-03-01``), missing values (NaT,
    nullable ids) are empty fields, categories are written as their labels
    and booleans as ``True`` / ``False``. To open a file in Excel with its
    Chinese text intact use *Data > From Text/CSV* with *File origin 65001:
    Unicode (UTF-8)*; double-clicking makes Excel guess a legacy code page.

    Parameters
    ----------
    shop : Bunch or dict of pandas.DataFrame
        The shop, e.g. the result of ``make_shop``; keys are table names.
    path : str or os.PathLike
        Folder to write; created if missing.
    format : {"csv", "parquet"}, default="csv"
        File format of the tables. ``stories`` is always CSV.
    overwrite : bool, default=False
        Write into a folder that is not empty. Only the shop's own files
        (``<table>.csv``, ``<table>.parquet``, ``stories.csv``, ``shop.json``)
        are replaced or removed; other files in the folder are left alone.

    Returns
    -------
    pathlib.Path
        The folder written.

    Raises
    ------
    TypeError
        ``shop`` is not a dict of tables, or a table is not a DataFrame.
    ValueError
        Unknown ``format``, or ``shop`` holds no canonical table.
    FileExistsError
        The folder is not empty and ``overwrite`` is False.
    NotADirectoryError
        ``path`` is an existing file.

    See Also
    --------
    read_shop : read the folder back with the schema dtypes.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> products = pd.DataFrame({
    ...     "product_id": [1, 2],
    ...     "category": pd.Categorical(["shoes", "food"]),
    ...     "list_price": [99.0, 12.5],
    ...     "unit_cost": [40.0, 6.0],
    ...     "launch_date": pd.to_datetime(["2024-01-01", "2024-02-01"]),
    ... })
    >>> folder = tempfile.mkdtemp()
    >>> write_shop({"products": products}, folder).name == Path(folder).name
    True
    >>> sorted(p.name for p in Path(folder).iterdir())
    ['products.csv', 'shop.json']
    """
    func = "write_shop"
    _check_shop(shop, func)
    if format not in FORMATS:
        raise ValueError(
            OPTION_MSG.format(func=func, param="format", options=FORMATS, value=format)
        )
    tables = [name for name in TABLE_NAMES if name in shop]
    if not tables:
        raise ValueError(
            f"{func}(): `shop` holds no canonical table. Expected keys such as "
            f"'orders' or 'customers'; got {sorted(map(str, shop))}. The tables "
            f"are: {list(TABLE_NAMES)}."
        )
    for name in [*tables, "stories"]:
        if name in shop and not isinstance(shop[name], pd.DataFrame):
            raise TypeError(
                f"{func}(): shop[{name!r}] must be a pandas DataFrame, got "
                f"{type(shop[name]).__name__}."
            )

    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(
            f"{func}(): `path` {str(folder)!r} is a file; pass a folder."
        )
    if folder.exists():
        present = sorted(p.name for p in folder.iterdir())
        if present and not overwrite:
            raise FileExistsError(
                f"{func}(): the folder {str(folder)!r} is not empty ({len(present)} "
                f"entries, e.g. {present[:3]}). Pass overwrite=True to replace the "
                "shop files in it, or choose a new folder."
            )
        for name in _own_files(folder):
            (folder / name).unlink()
    folder.mkdir(parents=True, exist_ok=True)

    rows = {}
    for name in tables:
        table = shop[name]
        target = folder / f"{name}.{format}"
        if format == "csv":
            table.to_csv(target, index=False, encoding="utf-8", lineterminator="\n")
        else:
            table.to_parquet(target, index=False)
        rows[name] = len(table)
    meta = {
        "format": format,
        "schema_version": SCHEMA_VERSION,
        "row_counts": rows,
    }
    stories = shop.get("stories")
    if isinstance(stories, pd.DataFrame) and len(stories.columns):
        stories.to_csv(folder / STORIES_FILE, index=False, encoding="utf-8",
                       lineterminator="\n")
        meta["stories"] = len(stories)
    if shop.get("params") is not None:
        meta["params"] = shop["params"]
    text = json.dumps(meta, indent=2, ensure_ascii=False, default=_json_default)
    (folder / META_FILE).write_text(text + "\n", encoding="utf-8")
    return folder


def _own_files(folder: Path) -> list[str]:
    """The files of ``folder`` that a previous ``write_shop`` may have written."""
    names = {f"{t}.{fmt}" for t in TABLE_NAMES for fmt in FORMATS}
    names |= {STORIES_FILE, META_FILE}
    return sorted(p.name for p in folder.iterdir() if p.name in names and p.is_file())


def _json_default(value):
    # numpy scalars, timestamps, tuples and anything else a params dict may hold
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        return str(pd.Timestamp(value))
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _check_shop(shop, func: str) -> None:
    if isinstance(shop, pd.DataFrame) or not isinstance(shop, Mapping):
        raise TypeError(
            f"{func}(): `shop` must be a dict (or Bunch) of tables such as "
            f"{{'orders': orders, 'customers': customers}}, got "
            f"{type(shop).__name__}."
        )


# ------------------------------------------------------------------- read ----
def read_shop(path, *, tables: Iterable[str] | str | None = None,
              mapping=None) -> Bunch:
    """Read a shop folder written by :func:`write_shop` (or by hand).

    Reads every canonical table found in the folder (``<table>.csv`` or
    ``<table>.parquet``; a shop may have only some tables), restores the
    dtypes of the schema (ordered categoricals in their documented level
    order, ``datetime64[ns]`` timestamps, ``int64`` integer ids or ``Int64``
    when nullable, booleans, ``float64`` money) and checks everything
    :func:`validate_shop` checks. Ids that are not plain integers (``"C001"``,
    ``"00123"``) stay strings. Columns that are not in the schema are kept
    with the types pandas infers. Values are never changed silently: a value
    that cannot be read as its column's type is reported, not turned into
    NaN.

    Parameters
    ----------
    path : str or os.PathLike
        The shop folder.
    tables : list of str or str, optional
        Tables to read (all tables found when None). Relations are checked
        between the tables read.
    mapping : str, os.PathLike, dict or ShopMapping, optional
        Read an export in another layout through this mapping (file names,
        column renames, value maps, time zone, money unit, derived columns;
        see :func:`~ecomkit.datasets.load_mapping`): the folder holds the
        export's own files. Strict like the rest: any problem raises.
        :func:`~ecomkit.datasets.check_data` reports on the same folder with
        warnings and excluded rows too.

    Returns
    -------
    Bunch
        One DataFrame per table read, in schema order; ``stories`` when the
        folder has ``stories.csv`` (read as plain CSV); ``params`` (a dict)
        when ``shop.json`` records the generator parameters.

    Raises
    ------
    ShopValidationError
        The data break the schema. The message lists every problem (table,
        column, what is wrong, how many rows, examples) and ``.problems``
        holds them as a DataFrame.
    FileNotFoundError
        The folder, a requested table or any table file is missing.
    ValueError
        Unknown table name in ``tables``, or a table saved in both formats.

    See Also
    --------
    write_shop : write a shop folder.
    validate_shop : the checks, on a shop in memory.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "refunds.csv").write_text(
    ...     "refund_id,order_id,refund_ts,refund_amount,reason,is_return\\n"
    ...     "1,10,2024-03-02 10:00:00,25.5,quality,True\\n", encoding="utf-8")
    >>> shop = read_shop(folder)
    >>> shop.refunds.dtypes.astype(str).tolist()
    ['int64', 'int64', 'datetime64[ns]', 'float64', 'category', 'bool']
    >>> _ = (folder / "refunds.csv").write_text(
    ...     "refund_id,order_id,refund_ts,refund_amount,reason,is_return\\n"
    ...     '1,10,2024-13-45,"12,5",quality,yes\\n', encoding="utf-8")
    >>> read_shop(folder)
    Traceback (most recent call last):
    ...
    ecomkit.datasets._io.ShopValidationError: read_shop(): found 3 problem(s) ...
      - refunds.refund_ts: unparseable date; ... [1 row(s)] e.g. row 0: '2024-13-45'
      - refunds.refund_amount: not a number; ... [1 row(s)] e.g. row 0: '12,5'
      - refunds.is_return: not a boolean; ... e.g. row 0: 'yes'
    """
    func = "read_shop"
    if mapping is None:
        raw, meta, problems = _read_folder(path, tables, func)
    else:
        from ._mapping import read_mapped

        raw, meta, problems = read_mapped(path, tables, mapping, func)
    parsed, more = _validate(raw)
    problems = pd.concat([problems, more], ignore_index=True) if len(problems) else more
    if len(problems):
        raise ShopValidationError(problems, func=func, source=path)
    shop = Bunch(**parsed)
    folder = Path(path)
    if (folder / STORIES_FILE).is_file():
        shop["stories"] = _read_stories(folder / STORIES_FILE)
    if isinstance(meta.get("params"), dict):
        shop["params"] = meta["params"]
    return shop


def _read_stories(file: Path) -> pd.DataFrame:
    """``stories.csv`` with pandas' inference, and its dates as datetimes."""
    stories = pd.read_csv(file, encoding="utf-8-sig")
    for column in stories.columns:
        name = str(column)
        if not (name in ("start", "end") or name.endswith(("_ts", "_date"))):
            continue
        if not _is_text(stories[column]):
            continue
        dates = pd.to_datetime(stories[column], format="ISO8601", errors="coerce")
        if dates.notna().eq(stories[column].notna()).all():  # all of them, or none
            stories[column] = dates.dt.as_unit("ns")
    return stories


def _read_folder(path, tables, func: str):
    """Raw tables of a folder (CSV: strings), ``shop.json`` and file problems."""
    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"{func}(): the shop folder {str(folder)!r} does not exist"
            + (" (it is a file)." if folder.exists() else ".")
            + " Pass the folder holding orders.csv, customers.csv, ..."
        )
    meta = {}
    if (folder / META_FILE).is_file():
        try:
            meta = json.loads((folder / META_FILE).read_text(encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError):
            meta = {}  # a damaged shop.json only loses the params
    if isinstance(tables, str):
        tables = [tables]
    found = {}
    for name in TABLE_NAMES:
        files = [folder / f"{name}.{fmt}" for fmt in FORMATS]
        files = [f for f in files if f.is_file()]
        if len(files) == 2:
            fmt = meta.get("format") if isinstance(meta, dict) else None
            if fmt not in FORMATS:
                raise ValueError(
                    f"{func}(): {str(folder)!r} holds both {name}.csv and "
                    f"{name}.parquet; remove the one that is out of date."
                )
            files = [folder / f"{name}.{fmt}"]
        if files:
            found[name] = files[0]
    if tables is None:
        wanted = list(found)
        if not wanted:
            raise FileNotFoundError(
                f"{func}(): no table files in {str(folder)!r}. Expected files named "
                f"after the tables, e.g. orders.csv or orders.parquet; the tables "
                f"are {list(TABLE_NAMES)}."
            )
    else:
        wanted = list(tables)
        for name in wanted:
            if name not in TABLES:
                raise ValueError(
                    OPTION_MSG.format(func=func, param="tables", options=TABLE_NAMES,
                                      value=name)
                )
            if name not in found:
                raise FileNotFoundError(
                    f"{func}(): table {name!r} requested in `tables` but neither "
                    f"{name}.csv nor {name}.parquet is in {str(folder)!r}. Tables "
                    f"found: {list(found)}."
                )
        wanted = [n for n in TABLE_NAMES if n in wanted]
    raw, problems = {}, []
    for name in wanted:
        try:
            raw[name] = _read_table(found[name], TABLES[name].column_names)
        except UnicodeDecodeError:
            problems.append(_problem(
                name, "", f"{found[name].name} is not UTF-8 text (saved as GBK or "
                "ANSI?). Re-save it as 'CSV UTF-8' or with encoding='utf-8'", 0, ""))
        except (ValueError, OSError, ImportError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc
            problems.append(_problem(
                name, "", f"{found[name].name} could not be read: {first}", 0, ""))
    return raw, meta if isinstance(meta, dict) else {}, _problem_frame(problems)


def _read_table(file: Path, canonical: list[str]) -> pd.DataFrame:
    """One table file; canonical CSV columns as raw text (parsed later)."""
    if file.suffix == ".parquet":
        return pd.read_parquet(file)
    header = pd.read_csv(file, nrows=0, encoding="utf-8-sig").columns
    known = [c for c in header if c in canonical]
    extra = [c for c in header if c not in canonical]
    # Text in, so that the parser decides (and reports) what each value is;
    # pandas' own inference would turn "abc" in a number column into a
    # string column and "" into NaN with no trace.
    try:
        with warnings.catch_warnings():
            # a row longer than the header: pandas would warn and drop data
            warnings.simplefilter("error", pd.errors.ParserWarning)
            # no usecols here: with it pandas drops the fields of a long row
            frame = pd.read_csv(file, dtype=str, index_col=False,
                                keep_default_na=False, encoding="utf-8-sig")
            if extra:  # extra columns: pandas' own inference, as a user expects
                rest = pd.read_csv(file, usecols=extra, index_col=False,
                                   encoding="utf-8-sig")
                frame = pd.concat([frame[known], rest], axis=1)
    except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
        detail = str(exc).replace("Error tokenizing data. C error: ", "").strip()
        raise ValueError(
            f"a row has more fields than the header ({detail}); a value holding "
            "a comma (a decimal comma such as 12,5?) must be quoted or fixed"
        ) from None
    return frame[list(header)]


# --------------------------------------------------------------- validate ----
def validate_shop(shop: Mapping) -> pd.DataFrame:
    """Every schema problem of a shop, one row per problem.

    Checks each canonical table of ``shop`` against :mod:`ecomkit._schema`
    and the tables against each other:

    - a column of the schema is missing;
    - a value cannot be read as its column's kind: an unparseable date
      (``"2024-13-45"``), text in a money or count column (``"12,5"``,
      ``"abc"``), an unknown category label, a non-boolean flag;
    - a missing value in a column that is not nullable (ids, amounts, ...);
    - negative money or counts;
    - duplicate keys;
    - orphan keys (an order item without its order, an order whose customer
      is unknown, ...), refunds of unknown or unpaid orders, refunds adding
      up to more than the order's ``paid_amount``, a session whose visitor
      is not its customer's visitor.

    Values are checked the way :func:`read_shop` parses them, so a column of
    text dates passes when every value is a valid date; dtypes themselves are
    not changed (use :func:`read_shop` for that). Keys that are not canonical
    tables (``DESCR``, ``stories``, ``params``) are ignored, and so are
    columns outside the schema.

    Parameters
    ----------
    shop : Bunch or dict of pandas.DataFrame
        The shop to check; it may hold only some of the tables.

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``column`` (``""`` for a whole-table problem),
        ``problem`` (what is wrong and the fix), ``n_rows`` (rows affected),
        ``examples`` (up to three offending rows, counted from 0), in schema
        order of the tables. Empty when the shop is clean.

    Raises
    ------
    TypeError
        ``shop`` is not a dict of DataFrames.

    See Also
    --------
    read_shop : reads a folder and raises ShopValidationError on problems.

    Examples
    --------
    >>> import pandas as pd
    >>> orders_items = pd.DataFrame({
    ...     "order_id": [1, 2], "product_id": [5, 5], "quantity": [1, -2],
    ...     "unit_price": [10.0, 10.0], "discount_amount": [0.0, 0.0],
    ...     "unit_cost": [4.0, "abc"],
    ... })
    >>> problems = validate_shop({"order_items": orders_items})
    >>> problems[["table", "column", "n_rows", "examples"]]
             table     column  n_rows      examples
    0  order_items   quantity       1     row 1: -2
    1  order_items  unit_cost       1  row 1: 'abc'
    >>> print(problems.problem[1])
    not a number; write plain numbers with '.' as the decimal separator, ...
    """
    _check_shop(shop, "validate_shop")
    tables = {}
    for name in TABLE_NAMES:
        if name in shop:
            if not isinstance(shop[name], pd.DataFrame):
                raise TypeError(
                    f"validate_shop(): shop[{name!r}] must be a pandas DataFrame, "
                    f"got {type(shop[name]).__name__}."
                )
            tables[name] = shop[name]
    return _validate(tables)[1]


def _validate(raw: Mapping[str, pd.DataFrame]):
    """Parse every table to its schema dtypes and collect all problems."""
    parsed, problems = {}, []
    for name, frame in raw.items():
        parsed[name], found = _parse_table(TABLES[name], frame)
        problems += found
    problems += _check_relations(parsed)
    order = {name: i for i, name in enumerate(TABLE_NAMES)}
    problems.sort(key=lambda p: order[p["table"]])  # stable: columns keep order
    return parsed, _problem_frame(problems)


def _problem(table, column, problem, n_rows, examples) -> dict:
    return {"table": table, "column": column, "problem": problem,
            "n_rows": int(n_rows), "examples": examples}


def _problem_frame(problems: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(problems, columns=PROBLEM_COLUMNS)
    return frame.astype({"table": "str", "column": "str", "problem": "str",
                         "n_rows": "int64", "examples": "str"})


def _value_examples(values: pd.Series, mask) -> str:
    """``row 3: '2024-13-45', row 7: 'abc'`` for the first offending rows."""
    idx = np.flatnonzero(np.asarray(mask))[:_N_EXAMPLES]
    return ", ".join(f"row {i}: {_show(values.iloc[i])}" for i in idx)


def _key_examples(frame: pd.DataFrame, columns: list[str], mask) -> str:
    idx = np.flatnonzero(np.asarray(mask))[:_N_EXAMPLES]
    parts = []
    for i in idx:
        key = ", ".join(f"{c}={_show(frame[c].iloc[i])}" for c in columns)
        parts.append(f"row {i} ({key})")
    return ", ".join(parts)


def _show(value) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, (np.integer, np.floating, np.bool_)):
        return repr(value.item())
    if isinstance(value, float) and value.is_integer():
        return repr(int(value)) if abs(value) < 2**53 else repr(value)
    return str(value)


def _parse_table(table, frame: pd.DataFrame):
    """Parse one table; returns the frame with schema dtypes and its problems."""
    problems = []
    out = {}
    n = len(frame)
    for column in table.column_names:
        if column not in frame.columns:
            problems.append(_problem(
                table.name, column,
                f"missing column; add it (the table has "
                f"{list(map(str, frame.columns))})",
                n, ""))
    for column in frame.columns:
        if column not in table.column_names:
            # extra columns are kept as they are
            out[column] = frame[column].reset_index(drop=True)
            continue
        col = table.column(column)
        values, found = _parse_column(frame[column], col)
        out[column] = values
        for text, mask, shown in found:
            problems.append(_problem(table.name, column, text, int(np.sum(mask)),
                                     _value_examples(shown, mask)))
    result = pd.DataFrame(out, index=pd.RangeIndex(n)) if n or out else frame
    problems += _check_key(table, result)
    return result, problems


def _is_text(s: pd.Series) -> bool:
    return s.dtype == object or pd.api.types.is_string_dtype(s.dtype)


def _text(s: pd.Series):
    """``s`` as stripped text and the mask of values that mean "missing"."""
    text = s.astype("str").str.strip()
    missing = (text.isna() | text.isin(_MISSING_TOKENS)).to_numpy(dtype=bool)
    return text, missing


def _parse_column(s: pd.Series, col: Column):
    """Parse one column to its schema dtype.

    Returns the parsed Series and a list of ``(problem, row mask, values to
    show)``. Offending values become missing in the parsed Series, which is
    only used for further checks: a table with problems is never returned.
    """
    s = s.reset_index(drop=True)
    kind = col.kind
    if kind in ("money", "int", "float"):
        values, missing, found = _parse_number(s, col)
    elif kind == "id":
        values, missing, found = _parse_id(s, col)
    elif kind in ("ts", "date"):
        values, missing, found = _parse_datetime(s)
    elif kind == "category":
        values, missing, found = _parse_category(s, col)
    elif kind == "bool":
        values, missing, found = _parse_bool(s)
    else:
        values, missing, found = _parse_str(s)
    if not col.nullable and missing.any():
        what = "ids" if kind == "id" else "values"
        found.insert(0, (
            f"missing {what} in a column that is not nullable; every row needs one "
            f"(fill them in or drop those rows)", missing, s))
    return values, found


def _looks_int(text: pd.Series) -> np.ndarray:
    return text.str.fullmatch(_INT_ID).to_numpy(dtype=bool, na_value=False)


def _parse_number(s: pd.Series, col: Column):
    found = []
    if pd.api.types.is_bool_dtype(s.dtype):
        missing = np.zeros(len(s), dtype=bool)
        found.append(("holds True/False, not numbers", ~missing, s))
        return s.astype("float64"), missing, found
    if pd.api.types.is_numeric_dtype(s.dtype):
        values = pd.Series(s.to_numpy(dtype="float64", na_value=np.nan))
        missing = values.isna().to_numpy()
        exact = s if pd.api.types.is_integer_dtype(s.dtype) else values
    else:
        text, missing = _text(s)
        if col.kind == "int" and (_looks_int(text) | missing).all():
            exact = text.where(~missing).astype("Int64")  # fast and exact
        else:
            exact = pd.to_numeric(text.where(~missing), errors="coerce")
        values = exact.astype("float64")
        bad = ~missing & values.isna().to_numpy()
        if bad.any():
            found.append((
                "not a number; write plain numbers with '.' as the decimal "
                "separator, no thousands separators or currency signs (e.g. 1234.5)",
                bad, s))
            values = values.where(~bad)
    finite = np.isfinite(values.to_numpy()) | values.isna().to_numpy()
    if not finite.all():
        found.append(("infinite value; replace it with the real amount",
                      ~finite, s))
        values = values.where(finite)
    negative = (values < 0).to_numpy()
    if col.kind in ("money", "int") and negative.any():
        what = ("negative money; amounts must be >= 0 (refunds go in the "
                "refunds table, not as negative amounts)" if col.kind == "money"
                else "negative count; counts must be >= 0")
        found.append((what, negative, s))
    if col.kind != "int":
        return values, missing, found
    fraction = (values.notna() & (values % 1 != 0)).to_numpy()
    if fraction.any():
        found.append(("not a whole number; counts must be integers",
                      fraction, s))
    if found or missing.any():
        return values, missing, found  # float with NaN: the table has problems
    if pd.api.types.is_integer_dtype(exact.dtype):
        return exact.astype("int64"), missing, found  # exact, even above 2**53
    return values.astype("int64"), missing, found


def _parse_id(s: pd.Series, col: Column):
    found = []
    dtype = dtype_for(col)
    if pd.api.types.is_integer_dtype(s.dtype):
        missing = s.isna().to_numpy()
        values = s.astype(dtype if col.nullable or not missing.any() else "Int64")
        return values, missing, found
    if pd.api.types.is_float_dtype(s.dtype):
        missing = s.isna().to_numpy()
        fraction = (~missing) & (s.fillna(0) % 1 != 0).to_numpy()
        if fraction.any():
            found.append(("ids with a fractional part; ids are integers or text",
                          fraction, s))
            return s, missing, found
        values = s.astype("Int64")
        return (values if missing.any() else values.astype(dtype)), missing, found
    if pd.api.types.is_bool_dtype(s.dtype):
        missing = np.zeros(len(s), dtype=bool)
        found.append(("holds True/False, not ids", ~missing, s))
        return s, missing, found
    text, missing = _text(s)
    # Integer-looking ids become integers, so that they match the integer ids
    # of the other tables; any other id (or a leading zero) keeps the text.
    looks_int = _looks_int(text)
    if not (looks_int | missing).all():
        float_int = text.str.fullmatch(_FLOAT_INT_ID).to_numpy(dtype=bool,
                                                               na_value=False)
        if (looks_int | float_int | missing).all():
            text = text.str.replace(r"\.0+$", "", regex=True)
            looks_int = np.ones(len(text), dtype=bool)
    if (looks_int | missing).all():
        values = text.where(~missing).astype("Int64")
        return (values if missing.any() else values.astype(dtype)), missing, found
    return text.where(~missing), missing, found


def _parse_datetime(s: pd.Series):
    found = []
    if isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(
        s.dtype
    ):
        return s.dt.as_unit("ns"), s.isna().to_numpy(), found
    if not _is_text(s):
        missing = s.isna().to_numpy()
        found.append((f"holds {s.dtype} values, not dates; write dates as "
                      "YYYY-MM-DD or YYYY-MM-DD HH:MM:SS", ~missing, s))
        return pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]"), missing, found
    text, missing = _text(s)
    try:
        values = pd.to_datetime(text.where(~missing), format="ISO8601",
                                errors="coerce")
    except (ValueError, TypeError):
        # several UTC offsets in one column cannot be one datetime dtype
        found.append(("mixes time zones; write every time in shop-local time "
                      "without an offset", ~missing, s))
        return pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]"), missing, found
    bad = ~missing & values.isna().to_numpy()
    if bad.any():
        found.append(("unparseable date; write dates as YYYY-MM-DD or "
                      "YYYY-MM-DD HH:MM:SS (ISO 8601)", bad, s))
    return values.dt.as_unit("ns"), missing, found


def _parse_category(s: pd.Series, col: Column):
    levels = list(col.levels)
    dtype = dtype_for(col)
    if isinstance(s.dtype, pd.CategoricalDtype):
        missing = s.isna().to_numpy()
        # cheap on big tables: re-map the categories, not every value
        values = s.cat.set_categories(levels, ordered=True)
    else:
        text, missing = _text(s) if _is_text(s) else (s, s.isna().to_numpy())
        # codes by lookup: unknown labels get -1 (missing) and are reported below
        codes = pd.Index(levels).get_indexer(pd.Series(text).where(~missing))
        values = pd.Series(pd.Categorical.from_codes(codes, dtype=dtype))
    bad = ~missing & values.isna().to_numpy()
    found = []
    if bad.any():
        unknown = pd.unique(s[bad].astype(str))
        shown = ", ".join(repr(u) for u in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        found.append((
            f"unknown category value(s) {shown}{more}; allowed, in order: "
            f"{', '.join(levels)}", bad, s))
    return values.astype(dtype), missing, found


def _parse_bool(s: pd.Series):
    found = []
    if pd.api.types.is_bool_dtype(s.dtype):
        missing = s.isna().to_numpy()
        return (s if missing.any() else s.astype("bool")), missing, found
    if pd.api.types.is_numeric_dtype(s.dtype):
        missing = s.isna().to_numpy()
        bad = ~missing & ~s.isin([0, 1]).to_numpy()
        text = s.astype("str")
    else:
        text, missing = _text(s)
        lower = text.str.lower()
        bad = ~missing & ~lower.isin(_TRUE + _FALSE).to_numpy(dtype=bool)
        text = lower
    if bad.any():
        found.append(("not a boolean; write True or False", bad, s))
    if bad.any() or missing.any():
        return s, missing, found
    return text.isin(_TRUE + ("1.0",)).astype("bool"), missing, found


def _parse_str(s: pd.Series):
    values = s.astype("str")
    values = values.where(values.ne("").to_numpy(dtype=bool, na_value=True))
    return values, values.isna().to_numpy(), []


def _check_key(table, frame: pd.DataFrame) -> list[dict]:
    key = list(table.key)
    if not table.unique_key:
        return []
    if not len(frame) or not set(key) <= set(frame.columns):
        return []
    dup = frame.duplicated(subset=key, keep=False).to_numpy()
    if not dup.any():
        return []
    # show the rows sharing the first duplicated key next to each other
    first = frame.loc[dup, key].iloc[0]
    same = np.ones(len(frame), dtype=bool)
    for c in key:
        same &= (frame[c] == first[c]).to_numpy(dtype=bool, na_value=False)
    shown = same if same.sum() >= 2 else dup
    return [_problem(
        table.name, ", ".join(key),
        f"duplicate key; ({', '.join(key)}) must be unique per row "
        f"(one row is {table.row}). Drop or merge the repeated rows",
        int(dup.sum()), _key_examples(frame, key, shown))]


def _comparable(child: pd.Series, parent: pd.Series):
    """Both id columns in one type: integers stay integers, else text."""
    numeric = pd.api.types.is_numeric_dtype
    if numeric(child.dtype) and numeric(parent.dtype):
        return child, parent
    return child.astype("str"), parent.astype("str")


def _check_relations(parsed: Mapping[str, pd.DataFrame]) -> list[dict]:
    problems = []

    def has(table, *columns):
        return table in parsed and set(columns) <= set(parsed[table].columns)

    for child, ccol, parent, pcol in RELATIONS:
        if not (has(child, ccol) and has(parent, pcol)):
            continue
        frame = parsed[child]
        ids, known = _comparable(frame[ccol], parsed[parent][pcol].dropna())
        orphan = (frame[ccol].notna() & ~ids.isin(known)).to_numpy(dtype=bool)
        if orphan.any():
            problems.append(_problem(
                child, ccol,
                f"orphan key: {ccol} not found in {parent}.{pcol}; every "
                f"{child}.{ccol} must be a {parent} row (add the missing "
                f"{parent} or drop these rows)",
                int(orphan.sum()), _key_examples(frame, [ccol], orphan)))
    problems += _check_refunds(parsed, has)
    problems += _check_visitors(parsed, has)
    problems += _check_order_sessions(parsed, has)
    return problems


def _lookup(keys: pd.Series, table: pd.DataFrame, key: str, column: str) -> pd.Series:
    """``table[column]`` for each value of ``keys`` (NaN when not found)."""
    keys, index = _comparable(keys, table[key])
    table = table.loc[index.notna().to_numpy()].drop_duplicates(subset=key)
    index = index.loc[table.index]
    mapping = pd.Series(table[column].to_numpy(), index=pd.Index(index.to_numpy()))
    return pd.Series(mapping.reindex(keys.to_numpy()).to_numpy(), index=keys.index)


def _check_refunds(parsed, has) -> list[dict]:
    if not (has("refunds", "order_id") and has("orders", "order_id")):
        return []
    problems = []
    refunds, orders = parsed["refunds"], parsed["orders"]
    unpaid = np.zeros(len(refunds), dtype=bool)
    if has("orders", "paid_ts"):
        paid_ts = _lookup(refunds["order_id"], orders, "order_id", "paid_ts")
        known = _comparable(refunds["order_id"], orders["order_id"])
        known = known[0].isin(known[1].dropna()).to_numpy(dtype=bool)
        unpaid = known & paid_ts.isna().to_numpy()
        if unpaid.any():
            problems.append(_problem(
                "refunds", "order_id",
                "refund of an order that was never paid (its paid_ts is empty); "
                "only paid orders can be refunded",
                int(unpaid.sum()), _key_examples(refunds, ["order_id"], unpaid)))
    if has("refunds", "refund_amount") and has("orders", "paid_amount"):
        total = refunds.groupby("order_id", sort=False)["refund_amount"].transform(
            "sum")
        paid = _lookup(refunds["order_id"], orders, "order_id", "paid_amount")
        too_much = (total > paid.astype("float64") + _CENT_TOLERANCE).to_numpy(
            dtype=bool, na_value=False) & ~unpaid  # unpaid: reported above
        if too_much.any():
            idx = np.flatnonzero(too_much)[:_N_EXAMPLES]
            examples = ", ".join(
                f"row {i} (order_id={_show(refunds['order_id'].iloc[i])}: refunds "
                f"{total.iloc[i]:.2f} > paid_amount {float(paid.iloc[i]):.2f})"
                for i in idx)
            problems.append(_problem(
                "refunds", "refund_amount",
                "refunds add up to more than the order's paid_amount; a refund "
                "never exceeds what was paid", int(too_much.sum()), examples))
    return problems


def _check_visitors(parsed, has) -> list[dict]:
    if not (has("sessions", "customer_id", "visitor_id")
            and has("customers", "customer_id", "visitor_id")):
        return []
    sessions = parsed["sessions"]
    expected = _lookup(sessions["customer_id"], parsed["customers"], "customer_id",
                       "visitor_id")
    actual, expected = _comparable(sessions["visitor_id"], expected)
    wrong = (expected.notna() & actual.notna() & (actual != expected)).to_numpy(
        dtype=bool, na_value=False)
    if not wrong.any():
        return []
    return [_problem(
        "sessions", "visitor_id",
        "a logged-in session's visitor_id is not its customer's visitor_id "
        "(customers.visitor_id)", int(wrong.sum()),
        _key_examples(sessions, ["session_id", "customer_id", "visitor_id"]
                      if "session_id" in sessions else ["customer_id", "visitor_id"],
                      wrong))]


def _check_order_sessions(parsed, has) -> list[dict]:
    if not (has("orders", "session_id", "customer_id", "paid_ts")
            and has("sessions", "session_id", "customer_id")):
        return []
    orders = parsed["orders"]
    buyer = _lookup(orders["session_id"], parsed["sessions"], "session_id",
                    "customer_id")
    actual, buyer = _comparable(orders["customer_id"], buyer)
    wrong = (orders["paid_ts"].notna() & buyer.notna() & actual.notna()
             & (actual != buyer)).to_numpy(dtype=bool, na_value=False)
    if not wrong.any():
        return []
    return [_problem(
        "orders", "session_id",
        "a paid order's session belongs to another customer (sessions.customer_id "
        "differs from orders.customer_id)", int(wrong.sum()),
        _key_examples(orders, ["order_id", "customer_id", "session_id"]
                      if "order_id" in orders else ["customer_id", "session_id"],
                      wrong))]

