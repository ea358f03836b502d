"""Map an analyst's own export onto the shop schema.

A platform export (a Taobao order report, a Shopify CSV, your own tracking
log) has its own file names, column names (``订单编号`` for ``order_id``), value
labels (``交易成功`` for ``paid``, ``直通车`` for ``paid_search``), time zone and
money unit. A *mapping* says, per canonical table, how to turn such a file
into the table of :mod:`ecomkit._schema`. It is a small YAML file (or the
same structure as a dict)::

    name: my_platform
    timezone: Asia/Shanghai        # zone of the export's naive timestamps
    shop_timezone: Asia/Shanghai   # shop-local time of the result (default: timezone)
    currency: CNY                  # a note: the unit every money column is in
    money_multiplier: 1            # e.g. 0.01 when the export writes cents
    na_values: ["-", "--"]         # text meaning "no value" besides the usual ones
    tables:
      orders:
        file: "订单报表*.csv"      # name or glob, relative to the folder (a list too)
        format: csv                # csv or parquet (default: from the file suffix)
        encoding: auto             # auto = UTF-8 (with or without BOM), else GB18030
        columns:                   # their name: schema name
          订单编号: order_id
          订单状态: status
        values:                    # schema column: {their value: schema value}
          status: {交易成功: paid, 交易关闭: cancelled, 等待买家付款: unpaid}
        derive:                    # schema columns the export lacks
          paid_amount: paid_amount_from_status
          coupon_id: empty
          shipping_cost: {value: 0}
        timezone: UTC              # per-table override of timezone
        money_multiplier: 0.01     # per-table override

What a mapping does to one table, in this order:

1. **files**: every file matching ``file`` (sorted by name) is read as text
   and the files are stacked; a table the mapping does not list is read from
   its canonical file (``orders.csv``) when there is one.
2. **columns**: renamed from their name to the schema name. Columns that are
   neither mapped nor already named as in the schema are dropped (exports
   carry personal data such as 收货地址 and 联系电话 that the metrics do not
   need) unless ``keep_unmapped: true``.
3. **na_values**: these texts become missing values.
4. **values**: value maps of category and boolean columns; a value that is
   not in the map is left as it is, so the schema's own labels still work and
   any other value is reported as an unknown category.
5. **times**: ``_ts`` columns (kind ``ts``) are read (ISO 8601, or year-first
   ``2024/3/1 14:05`` and ``2024年3月1日``, or ``datetime_format``) and
   converted to naive shop-local time: a value with a UTC offset
   (``2024-03-01T06:05:00Z``) is converted from its offset; a naive value is
   taken to be in ``timezone`` (the table's, else the mapping's) and
   converted to ``shop_timezone``. Without any zone, naive values are taken
   as shop-local already and a value with an offset is an error. Date
   columns (``date``, ``launch_date``, ``month``: kind ``date``) are calendar
   days and are never shifted.
6. **money**: money columns are multiplied by ``money_multiplier`` and
   rounded to cents.
7. **derive**: columns the export lacks, from a named rule
   (:data:`DERIVATIONS`), ``empty`` (a nullable column left empty),
   ``{copy: column}`` or ``{value: constant}``. A derived column changes what
   the metrics read, so every rule is documented in the report's notes. The
   export's own column wins when it has one.

:func:`load_mapping` checks a mapping itself (unknown tables and columns, a
value map for a column that is not a category, a target value that is not a
level, an unknown time zone...) and raises one :class:`MappingError` that
lists every problem. :func:`apply_mapping` maps tables in memory;
``read_shop(folder, mapping=...)`` reads a folder through a mapping, and
``check_data`` reports on it (errors, warnings, rows excluded, coverage).
"""

from __future__ import annotations

import codecs
import copy
import difflib
import glob as _glob
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from .._schema import TABLE_NAMES, TABLES, Column

__all__ = [
    "DERIVATIONS",
    "MappingError",
    "ShopMapping",
    "TableMapping",
    "apply_mapping",
    "load_mapping",
    "shipped_mappings",
]

MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"
FORMATS = ("csv", "parquet")
_SUFFIX_FORMATS = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".parquet": "parquet",
                   ".pq": "parquet"}
_TOP_KEYS = ("name", "description", "timezone", "shop_timezone", "currency",
             "money_multiplier", "na_values", "tables")
_TABLE_KEYS = ("file", "format", "encoding", "sep", "columns", "values", "derive",
               "timezone", "money_multiplier", "datetime_format", "na_values",
               "keep_unmapped", "description")
#: text that means "no value" (as in read_shop), before a mapping's own na_values.
_MISSING = ("", "NA", "N/A", "NaN", "nan", "NULL", "null", "None", "NaT", "<NA>")
#: a UTC offset after the time of a timestamp: Z, +08:00, +0800, +08 (a date's
#: "-19" is not one)
_OFFSET = r"\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s?(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$"
#: year-first formats common in Chinese exports, tried after ISO 8601
_FALLBACK_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d",
                     "%Y年%m月%d日 %H:%M:%S", "%Y年%m月%d日 %H:%M", "%Y年%m月%d日")
_TRUE = ("true", "1")
_FALSE = ("false", "0")
#: ``DataFrame.attrs`` key marking a table read from its schema file: the
#: mapping does not apply to it
LAYOUT_ATTR = "ecomkit_layout"


class MappingError(ValueError):
    """A mapping is not valid. The message lists every problem at once.

    Attributes
    ----------
    problems : list of str
        One line per problem, each starting with where it is in the mapping
        (``tables.orders.values.status``).
    """

    def __init__(self, problems: list[str], *, source=None):
        self.problems = list(problems)
        where = f" {source!r}" if source else ""
        lines = [f"load_mapping(): the mapping{where} has {len(problems)} problem(s); "
                 "fix them all:"]
        lines += [f"  - {p}" for p in problems]
        super().__init__("\n".join(lines))


# ------------------------------------------------------------ derivations ----
@dataclass(frozen=True)
class Derivation:
    """A named rule computing a schema column the export lacks."""

    table: str
    column: str
    needs: tuple[str, ...]
    doc: str
    other_table: str | None = None  # a rule reading another table


#: named rules for ``derive``; each documents exactly what it computes.
DERIVATIONS: dict[str, Derivation] = {
    "paid_amount_from_status": Derivation(
        "orders", "paid_amount", ("order_amount", "status"),
        "order_amount when status is paid, else 0 (支付金额 of an export that has "
        "only the order amount 总金额 and the status)"),
    "paid_amount_from_paid_ts": Derivation(
        "orders", "paid_amount", ("order_amount", "paid_ts"),
        "order_amount when paid_ts is set, else 0 (an order closed after a "
        "refund still counts as paid; its refund is in the refunds table)"),
    "order_amount_from_parts": Derivation(
        "orders", "order_amount", ("list_amount", "discount_amount", "shipping_fee"),
        "list_amount − discount_amount + shipping_fee (拍下金额)"),
    "discount_amount_from_amounts": Derivation(
        "orders", "discount_amount", ("list_amount", "shipping_fee", "order_amount"),
        "list_amount + shipping_fee − order_amount (优惠金额: every reduction "
        "between list price and what the buyer was asked to pay)"),
    "list_amount_from_amounts": Derivation(
        "orders", "list_amount", ("order_amount", "discount_amount", "shipping_fee"),
        "order_amount + discount_amount − shipping_fee"),
    "status_from_paid_ts": Derivation(
        "orders", "status", ("paid_ts",),
        "paid when paid_ts is set, else unpaid (cancelled orders cannot be told "
        "from unpaid ones)"),
    "unit_cost_from_products": Derivation(
        "order_items", "unit_cost", ("product_id",),
        "the product's current unit_cost from the products table (cost changes "
        "over time are lost)", other_table="products"),
}
_SPECIAL = ("empty",)


# --------------------------------------------------------------- mapping ----
@dataclass(frozen=True)
class TableMapping:
    """How one canonical table is read from an export (see the module doc)."""

    table: str
    files: tuple[str, ...]
    format: str | None = None
    encoding: str = "auto"
    sep: str = ","
    columns: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    derive: Mapping[str, tuple] = field(default_factory=dict)
    timezone: str | None = None
    money_multiplier: float | None = None
    datetime_format: str | None = None
    na_values: tuple[str, ...] = ()
    keep_unmapped: bool = False


@dataclass(frozen=True)
class ShopMapping:
    """A validated mapping; make one with :func:`load_mapping`."""

    name: str
    tables: Mapping[str, TableMapping]
    description: str = ""
    timezone: str | None = None
    shop_timezone: str | None = None
    currency: str = ""
    money_multiplier: float = 1.0
    na_values: tuple[str, ...] = ()
    source: str | None = None
    spec: Mapping = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict:
        """The mapping as the dict it was loaded from (a copy to edit and
        load again with :func:`load_mapping`)."""
        return copy.deepcopy(dict(self.spec))

    def source_zone(self, table: str) -> str | None:
        """The zone of the naive timestamps of ``table`` in the export."""
        tm = self.tables.get(table)
        return (tm.timezone if tm is not None and tm.timezone else None) or self.timezone

    @property
    def target_zone(self) -> str | None:
        """The shop-local zone timestamps are converted to."""
        return self.shop_timezone or self.timezone

    def multiplier(self, table: str) -> float:
        tm = self.tables.get(table)
        if tm is not None and tm.money_multiplier is not None:
            return tm.money_multiplier
        return self.money_multiplier


def shipped_mappings() -> dict[str, Path]:
    """The example mappings shipped with ecomkit, by name (``taobao_export``)."""
    if not MAPPINGS_DIR.is_dir():
        return {}
    return {p.stem: p for p in sorted(MAPPINGS_DIR.glob("*.yaml"))}


def _close(word, options) -> str:
    found = difflib.get_close_matches(str(word), [str(o) for o in options], n=1)
    return f"; did you mean {found[0]!r}?" if found else ""


def load_mapping(mapping) -> ShopMapping:
    """Read and check a mapping from an export's layout onto the shop schema.

    Parameters
    ----------
    mapping : str, os.PathLike, dict or ShopMapping
        A YAML file, the name of a shipped mapping (``"taobao_export"``, also
        ``"taobao"``; see :func:`shipped_mappings`), a dict of the same
        structure, or an already loaded mapping (returned as it is).

    Returns
    -------
    ShopMapping

    Raises
    ------
    MappingError
        Listing every problem of the mapping: unknown keys, unknown tables or
        target columns, a column mapped twice, a value map for a column that is
        not a category (or boolean), a target value that is not one of the
        column's levels, an unknown derivation or one for another table, an
        unknown time zone, a money multiplier that is not a positive number...
    FileNotFoundError
        ``mapping`` names no file and no shipped mapping.

    Examples
    --------
    >>> m = load_mapping({"timezone": "UTC", "tables": {"orders": {
    ...     "file": "export.csv", "columns": {"订单编号": "order_id"},
    ...     "values": {"status": {"交易成功": "paid"}}}}})
    >>> m.tables["orders"].columns
    {'订单编号': 'order_id'}
    >>> load_mapping({"tables": {"order": {"file": "x.csv"}}})
    Traceback (most recent call last):
    ...
    ecomkit.datasets._mapping.MappingError: load_mapping(): the mapping has 1 problem(s); ...
      - tables.order: unknown table 'order'; did you mean 'orders'? ...
    """
    if isinstance(mapping, ShopMapping):
        return mapping
    source = None
    if isinstance(mapping, (str, Path)):
        path = Path(mapping).expanduser()
        if not path.is_file():
            shipped = shipped_mappings()
            name = str(mapping)
            key = name if name in shipped else f"{name}_export"
            if key not in shipped:
                raise FileNotFoundError(
                    f"load_mapping(): no mapping file {name!r} and no shipped mapping "
                    f"of that name; the shipped ones are {sorted(shipped)}.")
            path = shipped[key]
        source = str(path)
        spec = _read_yaml(path)
    elif isinstance(mapping, Mapping):
        spec = copy.deepcopy(dict(mapping))
    else:
        raise TypeError(
            "load_mapping(): `mapping` must be a YAML file path, the name of a shipped "
            f"mapping, or a dict; got {type(mapping).__name__}.")
    return _build(spec, source)


def _read_yaml(path: Path) -> dict:
    try:
        import yaml
    except ImportError:  # pragma: no cover - pyyaml is a dependency
        raise ImportError("load_mapping(): reading a YAML mapping needs PyYAML "
                          "(pip install pyyaml), or pass the mapping as a dict.") from None
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        raise MappingError([f"not valid YAML: {' '.join(str(exc).split())}"],
                           source=str(path)) from None
    return spec if spec is not None else {}


def _zone(value, where: str, problems: list[str]) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        problems.append(f"{where}: a time zone is a name such as 'Asia/Shanghai' or "
                        f"'UTC', got {value!r}")
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"{where}: unknown time zone {value!r}; use an IANA name such "
                        "as 'Asia/Shanghai', 'UTC' or 'Europe/Berlin'")
        return None
    return value


def _multiplier(value, where: str, problems: list[str]) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
            np.isfinite(value) and value > 0):
        problems.append(f"{where}: must be a positive number (0.01 when the export "
                        f"writes cents), got {value!r}")
        return None
    return float(value)


def _na_values(value, where: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(
            isinstance(v, (str, int, float)) for v in value):
        problems.append(f"{where}: must be a list of texts such as ['-', '--']")
        return ()
    return tuple(str(v) for v in value)


def _build(spec, source) -> ShopMapping:
    problems: list[str] = []
    if not isinstance(spec, Mapping):
        raise MappingError([f"the mapping must be a dict with a `tables` key, got "
                            f"{type(spec).__name__}"], source=source)
    for key in spec:
        if key not in _TOP_KEYS:
            problems.append(f"{key}: unknown key{_close(key, _TOP_KEYS)} The keys are "
                            f"{', '.join(_TOP_KEYS)}")
    timezone = _zone(spec.get("timezone"), "timezone", problems)
    shop_timezone = _zone(spec.get("shop_timezone"), "shop_timezone", problems)
    mult = _multiplier(spec.get("money_multiplier"), "money_multiplier", problems)
    na_values = _na_values(spec.get("na_values"), "na_values", problems)
    for key in ("name", "description", "currency"):
        if spec.get(key) is not None and not isinstance(spec.get(key), str):
            problems.append(f"{key}: must be text, got {spec.get(key)!r}")
    tables_spec = spec.get("tables")
    tables: dict[str, TableMapping] = {}
    if not isinstance(tables_spec, Mapping) or not tables_spec:
        problems.append("tables: missing or empty; map at least one table, e.g. "
                        "tables: {orders: {file: orders_export.csv, columns: {...}}}")
        tables_spec = {}
    for name, tspec in tables_spec.items():
        where = f"tables.{name}"
        if name not in TABLES:
            problems.append(f"{where}: unknown table {name!r}{_close(name, TABLE_NAMES)} "
                            f"The tables are {', '.join(TABLE_NAMES)}")
            continue
        if tspec is None:
            tspec = {}
        if not isinstance(tspec, Mapping):
            problems.append(f"{where}: must be a dict with file, columns, values...")
            continue
        tm = _build_table(name, tspec, where, problems)
        if tm is not None:
            tables[name] = tm
    if problems:
        raise MappingError(problems, source=source)
    name = spec.get("name") or (Path(source).stem if source else "mapping")
    return ShopMapping(
        name=str(name), tables=tables, description=str(spec.get("description") or ""),
        timezone=timezone, shop_timezone=shop_timezone,
        currency=str(spec.get("currency") or ""),
        money_multiplier=1.0 if mult is None else mult, na_values=na_values,
        source=source, spec=copy.deepcopy(dict(spec)))


def _build_table(name: str, tspec: Mapping, where: str, problems: list[str]):
    table = TABLES[name]
    n_before = len(problems)
    for key in tspec:
        if key not in _TABLE_KEYS:
            problems.append(f"{where}.{key}: unknown key{_close(key, _TABLE_KEYS)} The "
                            f"keys of a table are {', '.join(_TABLE_KEYS)}")
    files = tspec.get("file", f"{name}.csv")
    if isinstance(files, str):
        files = [files]
    if not isinstance(files, (list, tuple)) or not files or not all(
            isinstance(f, str) and f.strip() for f in files):
        problems.append(f"{where}.file: a file name or glob (or a list of them), "
                        f"got {tspec.get('file')!r}")
        files = []
    fmt = tspec.get("format")
    if fmt is not None and fmt not in FORMATS:
        problems.append(f"{where}.format: must be one of {list(FORMATS)}, got {fmt!r} "
                        "(save Excel files as 'CSV UTF-8')")
    if fmt is None:
        for f in files:
            if Path(f).suffix.lower() not in _SUFFIX_FORMATS:
                problems.append(f"{where}.file: cannot tell the format of {f!r} from its "
                                "suffix; add format: csv or format: parquet (Excel: save "
                                "as 'CSV UTF-8')")
    encoding = tspec.get("encoding", "auto")
    if encoding != "auto":
        try:
            codecs.lookup(str(encoding))
        except LookupError:
            problems.append(f"{where}.encoding: unknown encoding {encoding!r}; use auto, "
                            "utf-8, utf-8-sig or gb18030")
    sep = tspec.get("sep", ",")
    if not isinstance(sep, str) or len(sep) != 1:
        problems.append(f"{where}.sep: one character such as ',' or '\\t', got {sep!r}")

    columns = _build_columns(table, tspec.get("columns"), f"{where}.columns", problems)
    values = _build_values(table, tspec.get("values"), f"{where}.values", problems)
    derive = _build_derive(table, tspec.get("derive"), f"{where}.derive", problems)
    for target in set(columns.values()) & set(derive):
        problems.append(f"{where}.derive.{target}: {target} is also mapped from a column "
                        f"of the export ({[s for s, t in columns.items() if t == target][0]!r}"
                        "); keep one of the two")
    tz = _zone(tspec.get("timezone"), f"{where}.timezone", problems)
    mult = _multiplier(tspec.get("money_multiplier"), f"{where}.money_multiplier",
                       problems)
    dt_format = tspec.get("datetime_format")
    if dt_format is not None and (not isinstance(dt_format, str) or "%" not in dt_format):
        problems.append(f"{where}.datetime_format: a strftime format such as "
                        f"'%d.%m.%Y %H:%M', got {dt_format!r}")
    keep = tspec.get("keep_unmapped", False)
    if not isinstance(keep, bool):
        problems.append(f"{where}.keep_unmapped: true or false, got {keep!r}")
    na = _na_values(tspec.get("na_values"), f"{where}.na_values", problems)
    if len(problems) > n_before:
        return None
    return TableMapping(
        table=name, files=tuple(files), format=fmt, encoding=str(encoding), sep=sep,
        columns=columns, values=values, derive=derive, timezone=tz,
        money_multiplier=mult, datetime_format=dt_format, na_values=na,
        keep_unmapped=keep)


def _unknown_column(table, column, where) -> str:
    return (f"{where}: unknown column {column!r} of {table.name}"
            f"{_close(column, table.column_names)} The columns are "
            f"{', '.join(table.column_names)}")


def _build_columns(table, spec, where, problems) -> dict[str, str]:
    if spec is None:
        return {}
    if not isinstance(spec, Mapping):
        problems.append(f"{where}: a dict of their column name: schema column name")
        return {}
    out, seen = {}, {}
    for source, target in spec.items():
        source = str(source)
        if not isinstance(target, str):
            problems.append(f"{where}.{source}: the target must be a column name of "
                            f"{table.name}, got {target!r}")
            continue
        if target not in table.column_names:
            problems.append(_unknown_column(table, target, f"{where}.{source}"))
            continue
        if target in seen:
            problems.append(f"{where}.{source}: {target} is already mapped from "
                            f"{seen[target]!r}; a schema column comes from one column")
            continue
        seen[target] = source
        out[source] = target
    return out


def _level_value(col: Column, value, where, problems):
    """A value map's target (or a constant) checked against the column's kind."""
    if col.kind == "category":
        if value not in col.levels:
            problems.append(f"{where}: {value!r} is not a level of {col.name}"
                            f"{_close(value, col.levels)} The levels are "
                            f"{', '.join(col.levels)}")
        return value
    if col.kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in _TRUE + _FALSE:
            return value.lower() in _TRUE
        problems.append(f"{where}: {col.name} is a boolean; map to true or false, "
                        f"got {value!r}")
        return value
    return value


def _build_values(table, spec, where, problems) -> dict[str, dict]:
    if spec is None:
        return {}
    if not isinstance(spec, Mapping):
        problems.append(f"{where}: a dict of schema column: {{their value: schema value}}")
        return {}
    out = {}
    for column, vmap in spec.items():
        here = f"{where}.{column}"
        if column not in table.column_names:
            problems.append(_unknown_column(table, column, here))
            continue
        col = table.column(column)
        if col.kind not in ("category", "bool"):
            problems.append(f"{here}: a value map for a column that is not a category: "
                            f"{table.name}.{column} is {col.kind}; value maps translate "
                            "category labels (status, channel, device...) and yes/no flags")
            continue
        if not isinstance(vmap, Mapping) or not vmap:
            problems.append(f"{here}: a dict of their value: schema value, e.g. "
                            "{交易成功: paid}")
            continue
        out[column] = {str(k).strip(): _level_value(col, v, f"{here}.{k}", problems)
                       for k, v in vmap.items()}
    return out


def _constant_ok(col: Column, value, where, problems):
    if value is None:
        problems.append(f"{where}: a constant needs a value; use `empty` for a nullable "
                        "column")
        return
    kind = col.kind
    if kind in ("category", "bool"):
        _level_value(col, value, where, problems)
    elif kind in ("money", "float", "int"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"{where}: {col.name} is {kind}; the constant must be a "
                            f"number, got {value!r}")
        elif kind != "float" and value < 0:
            problems.append(f"{where}: {col.name} cannot be negative, got {value!r}")
    elif kind in ("ts", "date"):
        try:
            ok = pd.Timestamp(str(value)) is not pd.NaT
        except (ValueError, TypeError):
            ok = False
        if not ok:
            problems.append(f"{where}: {col.name} is a {kind}; the constant must be a "
                            f"date such as '2024-01-01', got {value!r}")
    elif kind == "id" and not isinstance(value, (int, str)):
        problems.append(f"{where}: an id is a whole number or text, got {value!r}")


def _build_derive(table, spec, where, problems) -> dict[str, tuple]:
    if spec is None:
        return {}
    if not isinstance(spec, Mapping):
        problems.append(f"{where}: a dict of schema column: rule")
        return {}
    out = {}
    rules = [*DERIVATIONS, *_SPECIAL, "{copy: column}", "{value: constant}"]
    for column, rule in spec.items():
        here = f"{where}.{column}"
        if column not in table.column_names:
            problems.append(_unknown_column(table, column, here))
            continue
        col = table.column(column)
        if isinstance(rule, str):
            if rule == "empty":
                if not col.nullable:
                    problems.append(
                        f"{here}: {table.name}.{column} is not nullable, so it cannot be "
                        "left empty; map a column of the export or use {value: ...}")
                    continue
                out[column] = ("empty",)
                continue
            if rule not in DERIVATIONS:
                problems.append(f"{here}: unknown rule {rule!r}{_close(rule, DERIVATIONS)} "
                                f"The rules are {', '.join(rules)}")
                continue
            d = DERIVATIONS[rule]
            if (d.table, d.column) != (table.name, column):
                problems.append(f"{here}: the rule {rule!r} computes {d.table}.{d.column}, "
                                f"not {table.name}.{column}")
                continue
            out[column] = ("rule", rule)
        elif isinstance(rule, Mapping) and len(rule) == 1 and "copy" in rule:
            src = rule["copy"]
            if src not in table.column_names or src == column:
                problems.append(_unknown_column(table, src, f"{here}.copy")
                                if src != column else f"{here}.copy: copies itself")
                continue
            out[column] = ("copy", src)
        elif isinstance(rule, Mapping) and len(rule) == 1 and "value" in rule:
            value = rule["value"]
            n = len(problems)
            _constant_ok(col, value, f"{here}.value", problems)
            if len(problems) == n:
                if col.kind == "bool":
                    value = _level_value(col, value, here, [])
                out[column] = ("value", value)
        else:
            problems.append(f"{here}: one of {', '.join(rules)}, got {rule!r}")
    return out


# ------------------------------------------------------------- applying ----
def _log(table, column, kind, severity, problem, n_rows=0, examples="", action=""):
    """A mapping finding, in the columns of the data report."""
    return {"table": table, "column": column, "kind": kind, "severity": severity,
            "problem": problem, "n_rows": int(n_rows), "examples": examples,
            "action": action}


def _examples(values: pd.Series, mask, n: int = 3) -> str:
    idx = np.flatnonzero(np.asarray(mask))[:n]
    return ", ".join(f"row {i}: {values.iloc[i]!r}" for i in idx)


def _is_text(s: pd.Series) -> bool:
    return s.dtype == object or pd.api.types.is_string_dtype(s.dtype)


def _text(s: pd.Series, na_values=()) -> tuple[pd.Series, np.ndarray]:
    text = s.astype("str").str.strip()
    missing = (s.isna() | text.isin(_MISSING + tuple(na_values))).to_numpy(dtype=bool)
    return text, missing


def apply_mapping(frames: Mapping[str, pd.DataFrame], mapping):
    """Map raw export tables onto the schema (renames, values, times, money, derive).

    Parameters
    ----------
    frames : dict of str to pandas.DataFrame
        The export's tables as read (text, as ``pd.read_csv(..., dtype=str)``
        gives them, or typed), keyed by the canonical table they hold.
    mapping : ShopMapping, dict or path
        Passed to :func:`load_mapping`.

    Returns
    -------
    tables : dict of str to pandas.DataFrame
        The mapped tables, in schema order, still to be validated: values that
        could not be converted are left as they were, so that the validation
        reports them with the export's own text.
    findings : list of dict
        Problems found while mapping (a timestamp with an offset but no zone,
        a local time that does not exist, a derivation that lacks its inputs:
        severity ``error``; times mixing values with and without an offset:
        ``warning``), in the columns of the data report.
    notes : list of str
        What the mapping did, one line per step and table.

    Examples
    --------
    >>> raw = {"orders": pd.DataFrame({"订单编号": ["1"], "订单状态": ["交易成功"],
    ...                                "下单时间": ["2024-03-01 00:30:00"]})}
    >>> tables, findings, notes = apply_mapping(raw, {
    ...     "timezone": "UTC", "shop_timezone": "Asia/Shanghai",
    ...     "tables": {"orders": {"columns": {"订单编号": "order_id",
    ...         "订单状态": "status", "下单时间": "order_ts"},
    ...         "values": {"status": {"交易成功": "paid"}}}}})
    >>> tables["orders"].loc[0, ["status", "order_ts"]].tolist()
    ['paid', Timestamp('2024-03-01 08:30:00')]
    """
    mapping = load_mapping(mapping)
    findings: list[dict] = []
    notes: list[str] = []
    out: dict[str, pd.DataFrame] = {}
    for name in TABLE_NAMES:
        if name not in frames:
            continue
        frame = frames[name]
        tm = mapping.tables.get(name)
        if tm is None or frame.attrs.get(LAYOUT_ATTR) == "schema":
            out[name] = frame  # already in the schema layout
            continue
        out[name] = _map_table(frame, tm, mapping, findings, notes)
    _cross_table(out, mapping, findings, notes)
    return out, findings, notes


def _map_table(frame, tm: TableMapping, mapping: ShopMapping, findings, notes):
    table = TABLES[tm.table]
    name = tm.table
    # 1. renames; keep mapped and canonical columns
    present = [str(c) for c in frame.columns]
    frame = frame.copy()
    frame.columns = present
    renames = {s: t for s, t in tm.columns.items() if s in present}
    absent = [s for s in tm.columns if s not in present]
    for target in renames.values():
        if target in present and target not in renames:
            notes.append(f"{name}: the export has both {target!r} and a column mapped to "
                         f"it; the mapped column was used")
            frame = frame.drop(columns=target)
    frame = frame.rename(columns=renames)
    canonical = set(table.column_names)
    keep = [c for c in frame.columns if c in canonical]
    dropped = [c for c in frame.columns if c not in canonical]
    if tm.keep_unmapped:
        keep, dropped = list(frame.columns), []
    frame = frame[keep]
    if renames:
        notes.append(f"{name}: renamed {len(renames)} column(s): " + ", ".join(
            f"{s} → {t}" for s, t in renames.items()))
    if absent:
        notes.append(f"{name}: column(s) of the mapping not in the export: "
                     + ", ".join(f"{s} (→ {tm.columns[s]})" for s in absent))
    if dropped:
        notes.append(f"{name}: dropped {len(dropped)} column(s) the schema does not use "
                     f"(keep them with keep_unmapped: true): {', '.join(dropped)}")

    na_values = mapping.na_values + tm.na_values
    for column in [c for c in frame.columns if c in canonical]:
        col = table.column(column)
        s = frame[column]
        if na_values and _is_text(s):
            text, _ = _text(s)
            hit = text.isin(na_values).to_numpy()
            if hit.any():
                s = s.where(~hit, "")
                notes.append(f"{name}.{column}: {int(hit.sum())} value(s) in na_values "
                             "read as missing")
        if column in tm.values:
            s = _map_values(s, tm.values[column], name, column, notes)
        if col.kind == "ts":
            s = _convert_times(s, mapping.source_zone(name), mapping.target_zone,
                               tm.datetime_format, name, column, findings, notes)
        elif col.kind == "date":
            s = _convert_times(s, None, None, tm.datetime_format, name, column,
                               findings, notes)
        elif col.kind == "money" and mapping.multiplier(name) != 1:
            s = _scale_money(s, mapping.multiplier(name))
        frame[column] = s
    if mapping.multiplier(name) != 1:
        money = [c for c in frame.columns if c in canonical
                 and table.column(c).kind == "money"]
        notes.append(f"{name}: money × {mapping.multiplier(name):g} "
                     f"({mapping.currency or 'the shop currency'}), rounded to cents: "
                     f"{', '.join(money) or 'no money column'}")
    _derive(frame, tm, findings, notes)
    order = [c for c in table.column_names if c in frame.columns]
    return frame[order + [c for c in frame.columns if c not in canonical]].reset_index(
        drop=True)


def _map_values(s: pd.Series, vmap: Mapping, table: str, column: str, notes) -> pd.Series:
    text, missing = _text(s)
    mapped = text.map(vmap)
    hit = mapped.notna().to_numpy() & ~missing
    if not hit.any():
        notes.append(f"{table}.{column}: no value matched the value map")
        return s
    counts = text[hit].value_counts()
    shown = ", ".join(f"{k} → {vmap[k]} ({n})" for k, n in counts.head(6).items())
    more = f" and {len(counts) - 6} more" if len(counts) > 6 else ""
    notes.append(f"{table}.{column}: mapped {int(hit.sum())} value(s): {shown}{more}")
    out = s.astype(object).copy()
    out[hit] = mapped[hit].to_numpy()
    return out


def _parse_naive(text: pd.Series, fmt: str | None) -> pd.Series:
    """Naive datetimes: ``fmt``, then ISO 8601, then year-first fallbacks."""
    result = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    todo = text.notna()
    for f in ((fmt,) if fmt else ()) + ("ISO8601",) + _FALLBACK_FORMATS:
        if not todo.any():
            break
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = pd.to_datetime(text[todo], format=f, errors="coerce")
        if getattr(got.dtype, "tz", None) is not None:  # an offset slipped through
            got = got.dt.tz_localize(None)
        got = got.dt.as_unit("ns")
        result[todo] = got
        todo = todo & result.isna()
    return result


def _convert_times(s, src, dst, fmt, table, column, findings, notes) -> pd.Series:
    where = f"{table}.{column}"
    shift = src is not None and dst is not None and src != dst
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        tz = getattr(s.dtype, "tz", None)
        if tz is not None:
            if dst is None:
                findings.append(_log(
                    table, column, "time_zone", "error",
                    f"times carry a time zone ({tz}) but the mapping names no zone; "
                    "set shop_timezone (e.g. Asia/Shanghai) to convert them",
                    int(s.notna().sum())))
                return s
            notes.append(f"{where}: converted from {tz} to {dst}")
            return s.dt.tz_convert(dst).dt.tz_localize(None).dt.as_unit("ns")
        if shift:
            return _shift(s.dt.as_unit("ns"), src, dst, s, where, table, column,
                          findings, notes)
        return s
    if not _is_text(s):
        return s  # numbers: the validation reports them
    text, missing = _text(s)
    has_offset = text.str.contains(_OFFSET, regex=True).to_numpy(dtype=bool) & ~missing
    naive = ~missing & ~has_offset
    values = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    if naive.any():
        values[naive] = _parse_naive(text.where(naive), fmt)[naive]
    if has_offset.any():
        if dst is None:
            findings.append(_log(
                table, column, "time_zone", "error",
                "times with a UTC offset but the mapping names no zone; set "
                "shop_timezone (e.g. Asia/Shanghai) to convert them to shop-local time",
                int(has_offset.sum()), _examples(s, has_offset)))
            return s
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            aware = pd.to_datetime(text[has_offset], format="ISO8601", utc=True,
                                   errors="coerce")
        values[has_offset] = aware.dt.tz_convert(dst).dt.tz_localize(None).dt.as_unit(
            "ns")
        if naive.any():
            findings.append(_log(
                table, column, "mixed_time_zones", "warning",
                "mixes times with a UTC offset and times without one",
                int(has_offset.sum()), _examples(s, has_offset),
                f"converted the {int(has_offset.sum())} time(s) with an offset from "
                f"their offset, the {int(naive.sum())} without one from "
                f"{src or dst} (the mapping's timezone), all to {dst}"))
        else:
            notes.append(f"{where}: {int(has_offset.sum())} time(s) with a UTC offset "
                         f"converted to {dst}")
    if shift and naive.any():
        shifted = _shift(values.where(naive), src, dst, s, where, table, column,
                         findings, notes)
        values = values.where(~naive, shifted)
    bad = ~missing & values.isna().to_numpy()
    if not bad.any():
        return values
    # keep the export's text where a time could not be read: the validation
    # reports it with that text
    out = values.astype(object)
    out[~bad] = values[~bad].map(lambda t: t.isoformat(sep=" "))
    out[bad] = s[bad]
    out[missing] = ""
    return out


def _shift(values, src, dst, original, where, table, column, findings, notes):
    local = values.dt.tz_localize(src, ambiguous="NaT", nonexistent="NaT")
    lost = values.notna().to_numpy() & local.isna().to_numpy()
    if lost.any():
        findings.append(_log(
            table, column, "time_zone", "error",
            f"local time(s) that do not exist or are ambiguous in {src} (a daylight "
            "saving change); write them with a UTC offset", int(lost.sum()),
            _examples(original, lost)))
    notes.append(f"{where}: naive times read as {src} and converted to {dst}")
    return local.dt.tz_convert(dst).dt.tz_localize(None).dt.as_unit("ns")


def _scale_money(s: pd.Series, multiplier: float) -> pd.Series:
    if pd.api.types.is_bool_dtype(s.dtype):
        return s
    if pd.api.types.is_numeric_dtype(s.dtype):
        return (s.astype("float64") * multiplier).round(2)
    text, missing = _text(s)
    numbers = pd.to_numeric(text.where(~missing), errors="coerce")
    scaled = (numbers * multiplier).round(2)
    ok = numbers.notna().to_numpy()
    if (ok | missing).all():
        return scaled
    out = s.astype(object).copy()
    out[ok] = scaled[ok].to_numpy()
    return out


def _numbers(s: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        return s.astype("float64")
    text, missing = _text(s)
    return pd.to_numeric(text.where(~missing), errors="coerce")


def _is_set(s: pd.Series) -> np.ndarray:
    if pd.api.types.is_datetime64_any_dtype(s.dtype):
        return s.notna().to_numpy()
    return ~_text(s)[1]


def _derive(frame: pd.DataFrame, tm: TableMapping, findings, notes) -> None:
    table = TABLES[tm.table]
    name = tm.table
    pending = dict(tm.derive)
    for column in list(pending):
        if column in frame.columns:
            notes.append(f"{name}.{column}: the export has this column; the derivation "
                         f"{_describe(pending[column])} was not used")
            del pending[column]
    n = len(frame)
    while pending:
        progress = False
        for column, rule in list(pending.items()):
            kind = rule[0]
            if kind == "rule" and DERIVATIONS[rule[1]].other_table:
                del pending[column]  # after every table is mapped
                progress = True
                continue
            needs = DERIVATIONS[rule[1]].needs if kind == "rule" else (
                (rule[1],) if kind == "copy" else ())
            if any(c in pending for c in needs):
                continue  # derived later in this loop
            progress = True
            del pending[column]
            lacking = [c for c in needs if c not in frame.columns]
            if lacking:
                findings.append(_log(
                    name, column, "derivation", "error",
                    f"cannot derive {column} ({_describe(rule)}): the table has no "
                    f"{', '.join(lacking)} column; map it or derive it too", n))
                continue
            col = table.column(column)
            if kind == "empty":
                frame[column] = pd.Series(pd.NA, index=frame.index, dtype=object)
            elif kind == "value":
                frame[column] = pd.Series([rule[1]] * n, index=frame.index, dtype=object)
            elif kind == "copy":
                frame[column] = frame[rule[1]]
            else:
                frame[column] = _rule(rule[1], frame)
            notes.append(f"{name}.{column}: derived — {_describe(rule, col)}")
        if not progress:  # a cycle: a derives from b derives from a
            for column, rule in pending.items():
                findings.append(_log(name, column, "derivation", "error",
                                     f"cannot derive {column} ({_describe(rule)}): its "
                                     "inputs are derived from it", n))
            break


def _describe(rule, col: Column | None = None) -> str:
    kind = rule[0]
    if kind == "rule":
        return f"{rule[1]}: {DERIVATIONS[rule[1]].doc}"
    if kind == "empty":
        return "left empty: the export has no such data"
    if kind == "copy":
        return f"a copy of {rule[1]}"
    return f"the constant {rule[1]!r} on every row"


def _rule(name: str, frame: pd.DataFrame) -> pd.Series:
    if name in ("paid_amount_from_status", "paid_amount_from_paid_ts"):
        if name == "paid_amount_from_status":
            status, _ = _text(frame["status"])
            paid = (status == "paid").to_numpy()
        else:
            paid = _is_set(frame["paid_ts"])
        amount = frame["order_amount"]
        numbers = _numbers(amount)
        ok = numbers.notna().to_numpy()
        if not (paid & ~ok).any():
            return numbers.where(paid, 0.0).astype("float64")
        # a paid order whose amount is not a number copies it as written: the
        # validation then reports it in both columns, with the export's text
        out = numbers.where(paid, 0.0).astype(object)
        out[paid & ~ok] = amount[paid & ~ok].to_numpy()
        return out
    if name == "status_from_paid_ts":
        return pd.Series(np.where(_is_set(frame["paid_ts"]), "paid", "unpaid"),
                         index=frame.index, dtype=object)
    nums = {c: _numbers(frame[c]) for c in DERIVATIONS[name].needs}
    if name == "order_amount_from_parts":
        value = nums["list_amount"] - nums["discount_amount"] + nums["shipping_fee"]
    elif name == "discount_amount_from_amounts":
        value = nums["list_amount"] + nums["shipping_fee"] - nums["order_amount"]
    else:  # list_amount_from_amounts
        value = nums["order_amount"] + nums["discount_amount"] - nums["shipping_fee"]
    return value.round(2)


def _cross_table(out: dict, mapping: ShopMapping, findings, notes) -> None:
    for name, tm in mapping.tables.items():
        if name not in out:
            continue
        for column, rule in tm.derive.items():
            if rule[0] != "rule" or not DERIVATIONS[rule[1]].other_table:
                continue
            frame = out[name]
            if column in frame.columns:
                continue  # the export's own column (noted above)
            d = DERIVATIONS[rule[1]]
            other = out.get(d.other_table)
            if other is None or "unit_cost" not in other or "product_id" not in other:
                findings.append(_log(
                    name, column, "derivation", "error",
                    f"cannot derive {column} ({d.doc}): the shop has no {d.other_table} "
                    "table with product_id and unit_cost", len(frame)))
                continue
            if "product_id" not in frame:
                findings.append(_log(name, column, "derivation", "error",
                                     f"cannot derive {column}: {name} has no product_id",
                                     len(frame)))
                continue
            keys = _text(other["product_id"])[0]
            cost = pd.Series(other["unit_cost"].to_numpy(), index=keys.to_numpy())
            cost = cost[~cost.index.duplicated()]
            got = cost.reindex(_text(frame["product_id"])[0].to_numpy()).to_numpy()
            frame = frame.copy()
            frame[column] = pd.Series(got, index=frame.index, dtype=object).where(
                pd.notna(got), "")
            out[name] = frame
            notes.append(f"{name}.{column}: derived — {rule[1]}: {d.doc}")


# --------------------------------------------------------------- reading ----
def _matches(folder: Path, patterns) -> list[Path]:
    found = []
    for pattern in patterns:
        hits = sorted(Path(p) for p in _glob.glob(str(folder / pattern)))
        found += [h for h in hits if h.is_file() and h not in found]
    return found


def _read_csv(file: Path, tm: TableMapping) -> tuple[pd.DataFrame, str]:
    encodings = ("utf-8-sig", "gb18030") if tm.encoding == "auto" else (tm.encoding,)
    last = None
    for enc in encodings:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", pd.errors.ParserWarning)
                frame = pd.read_csv(file, dtype=str, keep_default_na=False,
                                    index_col=False, encoding=enc, sep=tm.sep)
            return frame, enc
        except UnicodeDecodeError as exc:
            last = exc
        except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
            detail = str(exc).replace("Error tokenizing data. C error: ", "").strip()
            raise ValueError(
                f"a row has more fields than the header ({detail}); a value holding "
                f"the separator {tm.sep!r} must be quoted") from None
    raise UnicodeDecodeError(*last.args) if last else ValueError("unreadable")


def read_export(path, mapping, *, tables=None, func: str = "read_shop"):
    """The raw tables of an export folder as the mapping finds them.

    Returns ``(frames, files, problems, notes)``: the tables as read (text),
    the files each came from, file problems (unreadable files; dicts in the
    columns of the data report) and notes. A table the mapping does not list,
    or whose export files are not in the folder, is read from its schema file
    (``orders.csv``) when there is one; such a table is in the schema layout
    and :func:`apply_mapping` leaves it as it is.
    """
    from ._io import FORMATS as CANONICAL_FORMATS
    from ._io import _read_table

    mapping = load_mapping(mapping)
    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(
            f"{func}(): the export folder {str(folder)!r} does not exist"
            + (" (it is a file)." if folder.exists() else "."))
    if isinstance(tables, str):
        tables = [tables]
    if tables is not None:
        for name in tables:
            if name not in TABLES:
                from .._validation import OPTION_MSG
                raise ValueError(OPTION_MSG.format(func=func, param="tables",
                                                   options=TABLE_NAMES, value=name))
    wanted = [n for n in TABLE_NAMES if tables is None or n in tables]
    frames, files, problems, notes = {}, {}, [], []
    def schema_file(name, why):
        canonical = [folder / f"{name}.{fmt}" for fmt in CANONICAL_FORMATS]
        canonical = [f for f in canonical if f.is_file()][:1]
        if not canonical:
            return
        try:
            frame = _read_table(canonical[0], TABLES[name].column_names)
        except (ValueError, OSError, UnicodeDecodeError) as exc:
            problems.append(_file_problem(name, canonical[0], exc))
            return
        frame.attrs[LAYOUT_ATTR] = "schema"
        frames[name], files[name] = frame, canonical
        notes.append(f"{name}: read {canonical[0].name} in the schema layout ({why}: "
                     "the mapping does not apply to it)")

    for name in wanted:
        tm = mapping.tables.get(name)
        if tm is None:
            schema_file(name, "not in the mapping")
            continue
        hits = _matches(folder, tm.files)
        if not hits:
            schema_file(name, f"no file matches {', '.join(tm.files)}")
            if name not in frames:
                notes.append(f"{name}: no file matches {', '.join(tm.files)}")
            continue
        parts = []
        for file in hits:
            fmt = tm.format or _SUFFIX_FORMATS.get(file.suffix.lower(), "csv")
            try:
                if fmt == "parquet":
                    part, enc = pd.read_parquet(file), "parquet"
                else:
                    part, enc = _read_csv(file, tm)
            except (ValueError, OSError, ImportError, UnicodeDecodeError) as exc:
                problems.append(_file_problem(name, file, exc, tm))
                continue
            parts.append(part)
            notes.append(f"{name}: read {file.name} ({len(part):,} rows, {enc})")
        if parts:
            frames[name] = (pd.concat(parts, ignore_index=True) if len(parts) > 1
                            else parts[0])
            files[name] = hits
    missing = [n for n in (tables or ()) if n not in frames
               and not any(p["table"] == n for p in problems)]
    if missing:
        raise FileNotFoundError(
            f"{func}(): table(s) {missing} requested in `tables` but no file in "
            f"{str(folder)!r} matches the mapping "
            + "; ".join(f"{n}: {', '.join(mapping.tables[n].files)}"
                        for n in missing if n in mapping.tables) + ".")
    if not frames and not problems:
        patterns = "; ".join(f"{n}: {', '.join(t.files)}" for n, t in
                             mapping.tables.items())
        raise FileNotFoundError(
            f"{func}(): no file in {str(folder)!r} matches the mapping {mapping.name!r} "
            f"({patterns}) and there are no schema files (orders.csv, ...).")
    return frames, files, problems, notes


def _file_problem(name, file, exc, tm=None) -> dict:
    if isinstance(exc, UnicodeDecodeError):
        enc = tm.encoding if tm is not None else "utf-8"
        enc = "UTF-8 or GB18030" if enc == "auto" else enc
        text = (f"{file.name} is not {enc} text; set the table's encoding in the "
                "mapping (auto tries UTF-8, then GB18030) or re-save it as 'CSV UTF-8'")
    else:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        text = f"{file.name} could not be read: {first}"
    return _log(name, "", "unreadable_file", "error", text, 0, "", "")


def read_mapped(path, tables, mapping, func: str = "read_shop"):
    """For :func:`read_shop`: mapped raw tables, ``shop.json`` and the problems
    that make the folder unreadable (file problems and mapping errors)."""
    from ._io import PROBLEM_COLUMNS, _problem_frame

    frames, _, problems, _ = read_export(path, mapping, tables=tables, func=func)
    tables_out, findings, _ = apply_mapping(frames, mapping)
    errors = [p for p in problems + findings if p["severity"] == "error"]
    frame = _problem_frame([{k: p[k] for k in PROBLEM_COLUMNS} for p in errors])
    return tables_out, {}, frame

