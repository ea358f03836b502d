"""Input checks shared by every public function, with messages that teach.

Every message starts with the calling function (``"aov(): ..."``), names the
parameter, says what was wrong and what to do. Metric functions call these
helpers at the top and then work on plain, trusted data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

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


def check_freq(freq, func: str, *, param: str = "freq") -> str:
    """Return ``freq`` if it is one of :data:`FREQS`."""
    return check_option(freq, FREQS, func, param=param)


def period_start(ts: pd.Series, freq: str) -> pd.Series:
    """First moment of the period each timestamp falls in (weeks start Monday)."""
    if freq == "D":
        return ts.dt.normalize()
    if getattr(ts.dtype, "tz", None) is not None:
        tz = ts.dtype.tz
        return ts.dt.tz_localize(None).dt.to_period(freq).dt.start_time.dt.tz_localize(tz)
    return ts.dt.to_period(freq).dt.start_time


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


def check_by(by, data: pd.DataFrame, func: str, *, param: str = "by", table: str = "data") -> list[str]:
    """Normalise a ``by`` argument (None, a column or a list of columns)."""
    if by is None:
        return []
    cols = [by] if isinstance(by, str) else list(by)
    for c in cols:
        if c not in data.columns:
            raise ValueError(
                MISSING_COLUMN_MSG.format(
                    func=func, column=c, param=param, table=table,
                    available=list(map(str, data.columns)),
                )
            )
    return cols
