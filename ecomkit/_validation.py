"""Input checks shared by every public function, with messages that teach.

Every message starts with the calling function (``"aov(): ..."``), names the
parameter, says what was wrong and what to do. Metric functions call these
helpers at the top and then work on plain, trusted data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ._keys import period_start  # noqa: F401  (re-exported: period keys live in _keys)

# Message templates (tests match their opening words).
OPTION_MSG = "{func}(): the value for `{param}` must be one of {options}, but {value!r} was passed."
POSITIVE_INT_MSG = "{func}(): `{param}` must be a positive integer, got {value!r}."
MISSING_COLUMN_MSG = (
    "{func}(): column {column!r} (from `{param}`) is not in `{table}`. "
    "Available columns: {available}."
)

#: period aliases accepted by ``freq`` parameters: day, week (Mon-Sun), month,
#: quarter, year. They are pandas period aliases.
FREQS = ("D", "W", "M", "Q", "Y")


def _examples(frame: pd.DataFrame, mask, n: int = 3) -> str:
    rows = frame.loc[np.asarray(mask)].head(n)
    return rows.to_string(max_cols=8, max_colwidth=24)


def check_table(
    data,
    func: str,
    *,
    param: str = "data",
    columns: Mapping[str, str] | None = None,
    hint: str | None = None,
) -> pd.DataFrame:
    """Check that ``data`` is one DataFrame holding ``columns``.

    ``columns`` maps each column parameter (``"customer_id_col"``) to the
    column name it holds. Returns ``data`` unchanged.
    """
    if isinstance(data, Mapping) and not isinstance(data, pd.DataFrame):
        example = f"e.g. `{hint}`" if hint else "e.g. `shop.orders`"
        raise TypeError(
            f"{func}(): `{param}` must be one table (a pandas DataFrame), but a whole "
            f"shop or dict of tables was passed. Pass one table, {example}."
        )
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"{func}(): `{param}` must be a pandas DataFrame, got "
            f"{type(data).__name__}."
            + (f" Pass a table such as `{hint}`." if hint else "")
        )
    for col_param, column in (columns or {}).items():
        if not isinstance(column, str):
            raise TypeError(
                f"{func}(): `{col_param}` must be a column name (str), got "
                f"{column!r}."
            )
        if column not in data.columns:
            raise ValueError(
                MISSING_COLUMN_MSG.format(
                    func=func,
                    column=column,
                    param=col_param,
                    table=param,
                    available=list(map(str, data.columns)),
                )
            )
    return data


def check_datetime(
    data: pd.DataFrame, column: str, func: str, *, param: str, table: str = "data"
) -> pd.Series:
    """Return ``data[column]`` if it holds datetimes, else raise with a hint.

    tz-aware columns are accepted; an object column of mixed time zones is
    rejected (pandas cannot hold it as datetimes).
    """
    s = data[column]
    if isinstance(s.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(
        s.dtype
    ):
        return s
    if s.dtype == object and s.map(type).eq(pd.Timestamp).all() and len(s):
        zones = {str(getattr(v, "tz", None)) for v in s}
        if len(zones) > 1:
            raise ValueError(
                f"{func}(): column {column!r} (from `{param}`) mixes time zones "
                f"{sorted(zones)}. Convert it to one zone first, e.g. "
                f"`pd.to_datetime({table}[{column!r}], utc=True).dt.tz_convert("
                "'Asia/Shanghai').dt.tz_localize(None)`."
            )
    raise TypeError(
        f"{func}(): column {column!r} (from `{param}`) must hold datetimes, but its "
        f"dtype is {s.dtype}. Convert it first: "
        f"`{table}[{column!r}] = pd.to_datetime({table}[{column!r}])`."
    )


def check_numeric(
    data: pd.DataFrame,
    column: str,
    func: str,
    *,
    param: str,
    table: str = "data",
    nonnegative: bool = False,
) -> pd.Series:
    """Return ``data[column]`` if numeric (and non-negative when asked)."""
    s = data[column]
    if not pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(
        s.dtype
    ):
        raise TypeError(
            f"{func}(): column {column!r} (from `{param}`) must be numeric, but its "
            f"dtype is {s.dtype}. Convert it with "
            f"`pd.to_numeric({table}[{column!r}])` and check the values that fail."
        )
    if nonnegative:
        bad = s.lt(0).to_numpy(dtype=bool, na_value=False)
        if bad.any():
            raise ValueError(
                f"{func}(): column {column!r} (from `{param}`) has {int(bad.sum())} "
                f"negative value(s); money and counts must be >= 0. Refunds belong "
                f"in the refunds table, not as negative amounts. Examples:\n"
                + _examples(data, bad)
            )
    return s


def check_no_missing(
    data: pd.DataFrame, column: str, func: str, *, param: str, what: str = "ids"
) -> pd.Series:
    """Reject missing values in a column that identifies something."""
    s = data[column]
    bad = s.isna().to_numpy()
    if bad.any():
        raise ValueError(
            f"{func}(): column {column!r} (from `{param}`) has {int(bad.sum())} "
            f"missing {what}. Every row needs one: drop or fill those rows first "
            f"(e.g. `data.dropna(subset=[{column!r}])`). Examples:\n"
            + _examples(data, bad)
        )
    return s


def check_option(value, options: Iterable, func: str, *, param: str):
    """Return ``value`` if it is one of ``options``."""
    options = tuple(options)
    try:
        ok = value in options
    except TypeError:  # unhashable values
        ok = False
    if not ok:
        raise ValueError(
            OPTION_MSG.format(func=func, param=param, options=options, value=value)
        )
    return value


def check_positive_int(value, func: str, *, param: str, allow_zero: bool = False) -> int:
    """Return ``value`` as int if it is a positive (or non-negative) integer."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(POSITIVE_INT_MSG.format(func=func, param=param, value=value))
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(POSITIVE_INT_MSG.format(func=func, param=param, value=value))
    return int(value)


def check_number(
    value,
    func: str,
    *,
    param: str,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> float:
    """Return ``value`` as float if it is a real number in the given range."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{func}(): `{param}` must be a number, got {value!r}.")
    v = float(value)
    if np.isnan(v):
        raise ValueError(f"{func}(): `{param}` must be a number, got NaN.")
    too_low = low is not None and (v < low or (v == low and not low_inclusive))
    too_high = high is not None and (v > high or (v == high and not high_inclusive))
    if too_low or too_high:
        lo = "[" if low_inclusive else "("
        hi = "]" if high_inclusive else ")"
        raise ValueError(
            f"{func}(): `{param}` must be in {lo}{low}, {high}{hi}, got {value!r}."
        )
    return v


def to_timestamp(value, func: str, *, param: str) -> pd.Timestamp:
    """Parse a date-like parameter (``"2024-01-31"``, date, Timestamp)."""
    if isinstance(value, bool) or isinstance(value, (int, float, np.number)):
        raise TypeError(
            f"{func}(): `{param}` must be a date such as '2024-01-31', got {value!r}."
        )
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise ValueError(
            f"{func}(): `{param}` must be a date such as '2024-01-31', got {value!r}."
        ) from None
    if ts is pd.NaT:
        raise ValueError(f"{func}(): `{param}` must be a date, got {value!r}.")
    return ts


def check_window(start, end, func: str) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
    """Turn ``start`` / ``end`` into a half-open interval ``[start, end_exclusive)``.

    ``end`` is inclusive: a bare date (midnight) includes that whole day, so
    ``start="2024-01-01", end="2024-01-31"`` is all of January. ``None``
    leaves a side open.
    """
    lo = None if start is None else to_timestamp(start, func, param="start")
    hi = None if end is None else to_timestamp(end, func, param="end")
    if hi is not None and hi == hi.normalize():
        hi = hi + pd.Timedelta(days=1)
    if lo is not None and hi is not None and hi <= lo:
        raise ValueError(
            f"{func}(): the window is empty: `end` ({end!r}) is before `start` "
            f"({start!r})."
        )
    return lo, hi


def window_mask(ts: pd.Series, start, end, func: str) -> np.ndarray:
    """Boolean mask of ``ts`` inside the inclusive window ``[start, end]``."""
    lo, hi = check_window(start, end, func)
    mask = np.ones(len(ts), dtype=bool)
    values = ts
    if getattr(ts.dtype, "tz", None) is not None:
        # compare in the column's own zone: a naive bound means local time there
        if lo is not None and lo.tzinfo is None:
            lo = lo.tz_localize(ts.dtype.tz)
        if hi is not None and hi.tzinfo is None:
            hi = hi.tz_localize(ts.dtype.tz)
    if lo is not None:
        mask &= (values >= lo).to_numpy(dtype=bool, na_value=False)
    if hi is not None:
        mask &= (values < hi).to_numpy(dtype=bool, na_value=False)
    return mask


def window_rows(table, func: str, *, param: str, hint: str, ts_col: str, ts_param: str,
                columns: Mapping[str, str] | None = None, by=None, start=None,
                end=None) -> tuple[np.ndarray, list[str], pd.Series]:
    """Check ``table`` for a metric over a window, and mask its rows in the window.

    Checks, in this order: that ``table`` holds ``ts_col`` and ``columns``, the
    ``by`` columns, that ``ts_col`` holds datetimes. Returns ``(mask, by_cols,
    ts)``: the rows whose time is in the inclusive window ``[start, end]`` (see
    :func:`window_mask`), the ``by`` columns as a list, the time column.
    """
    check_table(table, func, param=param, columns={ts_param: ts_col, **(columns or {})},
                hint=hint)
    by_cols = check_by(by, table, func, table=param)
    ts = check_datetime(table, ts_col, func, param=ts_param, table=param)
    return window_mask(ts, start, end, func), by_cols, ts


def check_freq(freq, func: str, *, param: str = "freq") -> str:
    """Return ``freq`` if it is one of :data:`FREQS`."""
    return check_option(freq, FREQS, func, param=param)


def safe_divide(numerator, denominator):
    """``numerator / denominator`` with NaN (not inf, not 0) where the denominator is 0.

    Works on scalars, arrays and Series. A zero denominator means the rate is
    undefined (no visitors, no orders), which is different from a rate of 0.
    """
    if np.isscalar(numerator) and np.isscalar(denominator):
        if denominator == 0 or pd.isna(denominator) or pd.isna(numerator):
            return float("nan")
        return float(numerator) / float(denominator)
    num = numerator.astype("float64") if hasattr(numerator, "astype") else np.asarray(
        numerator, dtype="float64"
    )
    den = denominator.astype("float64") if hasattr(denominator, "astype") else np.asarray(
        denominator, dtype="float64"
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
    zero = np.asarray(den == 0)
    if isinstance(out, (pd.Series, pd.DataFrame)):
        return out.mask(zero) if zero.ndim else (out * np.nan if zero else out)
    return np.where(zero, np.nan, out)


def by_columns(by) -> list:
    """A ``by`` argument (None, a column or a list of columns) as a list."""
    if by is None:
        return []
    return [by] if isinstance(by, str) else list(by)


def check_by(by, data: pd.DataFrame, func: str, *, param: str = "by", table: str = "data") -> list[str]:
    """Normalise a ``by`` argument (None, a column or a list of columns)."""
    cols = by_columns(by)
    for c in cols:
        if c not in data.columns:
            raise ValueError(
                MISSING_COLUMN_MSG.format(
                    func=func, column=c, param=param, table=table,
                    available=list(map(str, data.columns)),
                )
            )
    return cols


def check_timedelta(value, func: str, *, param: str) -> pd.Timedelta:
    """Return ``value`` as a positive Timedelta (``"30min"``, ``"7D"``, a Timedelta)."""
    try:
        delta = pd.Timedelta(value)
    except (ValueError, TypeError):
        delta = pd.NaT
    if delta is pd.NaT or isinstance(value, bool) or delta <= pd.Timedelta(0):
        raise ValueError(
            f"{func}(): `{param}` must be a positive duration such as '30min' or "
            f"'7D' (or a pandas Timedelta), got {value!r}."
        )
    return delta


# ------------------------------------------------------ across tables ----
def id_kind(s: pd.Series) -> str:
    """What ids a column holds: ``"numeric"``, ``"text"`` or ``"boolean"``.

    A categorical column counts as its categories. Ids of different kinds never
    match in a join or lookup.
    """
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        dtype = dtype.categories.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    return "numeric" if pd.api.types.is_numeric_dtype(dtype) else "text"


def id_kinds(**columns) -> dict[str, str] | None:
    """The :func:`id_kind` of each column when they differ, else ``None``.

    Columns that are ``None`` or empty are left out: an empty table has no ids
    to match (and its dtype is often arbitrary).
    """
    kinds = {name: id_kind(s) for name, s in columns.items()
             if s is not None and len(s)}
    return kinds if len(set(kinds.values())) > 1 else None


def check_same_id_type(func: str, param: str, col: str, **tables) -> None:
    """Reject ids that can never match: numbers in one table, text in another.

    ``tables`` maps table names to tables (or ``None``) that all hold ``col``.
    """
    kinds = id_kinds(**{name: None if t is None else t[col]
                        for name, t in tables.items()})
    if kinds is not None:
        text = next((n for n, k in kinds.items() if k == "text"),
                    next(n for n, k in kinds.items() if k != "numeric"))
        raise TypeError(
            f"{func}(): column {col!r} (from `{param}`) holds ids of different types "
            f"{kinds}, so they never match. Use one type in every table, e.g. "
            f"`{text}[{col!r}] = {text}[{col!r}].astype('int64')` (or `.astype(str)` "
            f"on the others)."
        )


_KIND_WORDS = {"numeric": "numbers", "text": "text", "boolean": "boolean"}


def check_same_ids(
    left: pd.Series, right: pd.Series, func: str, *, left_param: str, right_param: str
) -> None:
    """Reject joining numeric ids to text ids (a join would silently match nothing)."""
    kinds = id_kinds(left=left, right=right)
    if kinds is not None:
        lk, rk = _KIND_WORDS[kinds["left"]], _KIND_WORDS[kinds["right"]]
        raise TypeError(
            f"{func}(): the ids in {left_param} are {lk} but the ids in {right_param} "
            f"are {rk}, so no row would match. Give both the same type, e.g. "
            f"`.astype(str)` on both columns."
        )


def check_unique_ids(orders: pd.DataFrame, col: str, func: str, param: str) -> None:
    """Reject an orders table that repeats an order id."""
    dup = orders[col].duplicated(keep=False).to_numpy()
    if dup.any():
        raise ValueError(
            f"{func}(): column {col!r} (from `{param}`) of `orders` has "
            f"{int(dup.sum())} rows with a repeated order id; `orders` needs one row "
            f"per order. Drop the duplicates first, e.g. "
            f"`orders.drop_duplicates({col!r})`. Examples:\n"
            + orders.loc[dup].head(3).to_string(max_cols=8)
        )


def check_same_tz(func: str, columns: dict) -> None:
    """Timestamps compared or combined must all be tz-naive or all in one zone."""
    zones = {
        label: str(getattr(s.dtype, "tz", None) or "tz-naive")
        for label, s in columns.items()
    }
    if len(set(zones.values())) > 1:
        raise ValueError(
            f"{func}(): the timestamp columns mix time zones {zones}. Use shop-local "
            f"time in all of them, e.g. "
            f"`orders['paid_ts'] = orders['paid_ts'].dt.tz_convert('Asia/Shanghai')`, "
            f"or drop the zone everywhere with `.dt.tz_localize(None)`."
        )


def take(table: pd.DataFrame, mask, cols) -> pd.DataFrame:
    """Rows ``mask`` of the columns ``cols`` only (copying whole rows is slow).

    Repeated names are taken once; names ``table`` does not have are skipped.
    """
    cols = [col for col in dict.fromkeys(cols) if col in table.columns]
    return table[cols].loc[mask]
