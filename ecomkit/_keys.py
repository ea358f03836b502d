"""Integer keys shared by the metric families: ids, groups, times and periods.

Metrics count with ``np.bincount`` and friends on small integer codes instead
of grouping millions of rows by their original values. This module turns

- ids (customers, visitors, sessions) into codes (:func:`id_codes`,
  :func:`dense_codes`) and event rows into the row of their session
  (:class:`SessionLookup`);
- ``by`` columns into group codes (:func:`group_codes`) and types into masks
  (:func:`isin_mask`);
- timestamps into shop-local wall time, day numbers and ticks
  (:func:`wall_time`, :func:`local_days`, :func:`ts_ticks`), half-open
  windows (:func:`between`, :func:`half_open`);
- timestamps into periods: period starts computed once per distinct *day*
  (:func:`period_codes`, :func:`period_start`) or integer period numbers
  for period arithmetic (:func:`period_index`, :func:`period_label`).

Nothing here validates user input except the session lookup (its messages
name ``session_id_col``); the callers check their tables first.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

# ------------------------------------------------------------------ ids ----


def id_values(s: pd.Series) -> np.ndarray:
    """Ids as a numpy array: int64 for integer ids, object for the rest."""
    if pd.api.types.is_integer_dtype(s.dtype) and not s.hasnans:
        return s.to_numpy(dtype="int64")
    return s.to_numpy(dtype=object)


def nullable_id_values(s: pd.Series) -> tuple[np.ndarray, np.ndarray | None]:
    """Ids that may be missing, and which are set (``None``: all are).

    A nullable integer column keeps the int64 fast path (missing ids read 0 and
    are flagged); other columns are as :func:`id_values`.
    """
    if pd.api.types.is_integer_dtype(s.dtype) and s.hasnans:
        return s.to_numpy(dtype="int64", na_value=0), s.notna().to_numpy()
    return id_values(s), None


def id_codes(s) -> tuple[np.ndarray, int]:
    """Integer codes ``0 <= code < n`` for ids (Series or :func:`id_values`), and ``n``.

    Compact integer ids (the usual ``1..N`` keys) are just shifted, which
    costs no hashing; other ids (strings, sparse integers) are factorized.
    Codes are distinct per id but not dense: some codes in ``0..n-1`` may
    belong to no row.

    >>> id_codes(pd.Series([5, 7, 5]))
    (array([0, 2, 0]), 3)
    """
    if isinstance(s, pd.Series) and not pd.api.types.is_integer_dtype(s.dtype):
        # text ids: factorize the Series itself (Arrow's dictionary encoding for
        # strings), about twice as fast as hashing Python objects
        codes, uniques = pd.factorize(s)
        return codes.astype("int64", copy=False), len(uniques)
    values = s if isinstance(s, np.ndarray) else id_values(s)
    if values.dtype.kind == "i" and len(values):
        lo, hi = int(values.min()), int(values.max())
        if hi - lo <= 4 * len(values) + 1024:
            return values - lo, hi - lo + 1
    codes, uniques = pd.factorize(values)
    return codes.astype("int64", copy=False), len(uniques)


def dense_codes(ids: pd.Series, *, sort: bool = True) -> tuple[np.ndarray, pd.Index]:
    """Integer code per row (0..n-1, in sorted id order) and the ids themselves.

    ``sort=False`` skips sorting the ids when the output order does not depend
    on them (about a third of the time on millions of customers).

    >>> codes, ids = dense_codes(pd.Series(["b", "a", "b"], name="customer_id"))
    >>> codes.tolist(), ids.tolist()
    ([1, 0, 1], ['a', 'b'])
    """
    codes, uniques = pd.factorize(ids, sort=sort)
    return codes.astype(np.int64), pd.Index(uniques, name=ids.name)


def group_codes(frame: pd.DataFrame, by_cols: list[str]):
    """Group code of each row and the index of all groups (``None`` without ``by``).

    Groups are sorted (categories in their level order), NaN last. For one
    categorical column the category codes are used as they are (no hashing):
    the index then lists every level, so callers keep only the groups that
    occur.
    """
    if not by_cols:
        return np.zeros(len(frame), dtype="int64"), None
    if len(by_cols) == 1 and isinstance(frame[by_cols[0]].dtype, pd.CategoricalDtype):
        col = frame[by_cols[0]]
        n_cats = len(col.cat.categories)
        codes = col.cat.codes.to_numpy().astype("int64")
        index = pd.CategoricalIndex(
            pd.Categorical.from_codes(np.r_[np.arange(n_cats), -1], dtype=col.dtype),
            name=by_cols[0])
        return np.where(codes < 0, n_cats, codes), index
    grouped = frame.groupby(by_cols, observed=True, sort=True, dropna=False)
    return grouped.ngroup().to_numpy().astype("int64"), grouped.size().index


def group_agg(frame: pd.DataFrame, col, keys: list, how: str) -> pd.Series:
    """``how`` (``"sum"``, ``"size"``, ``"nunique"``) of ``col`` per ``keys`` group.

    Only the groups that occur, sorted by the keys (categories in their level
    order, a missing key last and kept as a group).
    """
    grouped = frame.groupby(keys, observed=True, dropna=False, sort=True)
    return grouped.size() if how == "size" else getattr(grouped[col], how)()


def isin_mask(values: pd.Series, wanted: Sequence) -> np.ndarray:
    """Boolean mask of the rows whose value is in ``wanted`` (fast on categoricals)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        lut = np.append(values.cat.categories.isin(list(wanted)), False)
        return lut[values.cat.codes.to_numpy()]  # code -1 (NaN) reads the last slot
    return values.isin(list(wanted)).to_numpy()


def first_of_group(codes: np.ndarray) -> np.ndarray:
    """True where a sorted code array starts a new group."""
    first = np.ones(len(codes), dtype=bool)
    first[1:] = codes[1:] != codes[:-1]
    return first


def distinct_keys(key: np.ndarray, size: int) -> np.ndarray:
    """Sorted distinct values of non-negative integer ``key`` < ``size``.

    A bitmap when the key range is small (one pass, no sort), else sort and
    drop repeats. (``np.unique`` is hash-based in numpy 2.3+ and far slower.)
    """
    if size <= 8 * len(key) + (1 << 20):
        seen = np.zeros(size, dtype=bool)
        seen[key] = True
        return np.flatnonzero(seen)
    key = np.sort(key)
    return key[first_of_group(key)]


def count_distinct(groups: np.ndarray, values: np.ndarray, n_groups: int,
                   n_values: int) -> np.ndarray:
    """Number of distinct ``values`` in each group ``0..n_groups-1``.

    Both are integer codes (``values < n_values``); a negative code (a missing
    group or value) is not counted, as ``nunique`` leaves NaN out.

    >>> count_distinct(np.array([0, 0, 1, 0]), np.array([3, 3, 3, 1]), 2, 4)
    array([2, 1])
    """
    groups = np.asarray(groups, dtype=np.int64)
    values = np.asarray(values, dtype=np.int64)
    if len(groups) and (groups.min() < 0 or values.min() < 0):
        ok = (groups >= 0) & (values >= 0)
        groups, values = groups[ok], values[ok]
    key = distinct_keys(groups * n_values + values, n_groups * n_values)
    return np.bincount(key // n_values, minlength=n_groups)


# ------------------------------------------------------------- sessions ----


def _session_id_values(session_ids: pd.Series, func: str, col: str) -> np.ndarray:
    """Session ids on the sessions side: every visit needs one."""
    if session_ids.hasnans:
        raise ValueError(
            f"{func}(): column {col!r} (from `session_id_col`) of `sessions` has "
            f"{int(session_ids.isna().sum())} missing session ids; every visit "
            f"needs one. Drop those rows first "
            f"(`sessions.dropna(subset=[{col!r}])`)."
        )
    return id_values(session_ids)


def _check_same_id_kind(a: np.ndarray, b: np.ndarray, func: str, col: str):
    """Refuse int ids in one table and text ids in the other (nothing would match)."""
    if (a.dtype.kind == "i") != (b.dtype.kind == "i") and len(a) and len(b):
        kinds = {True: "integers", False: "text or mixed"}
        raise TypeError(
            f"{func}(): column {col!r} (from `session_id_col`) holds "
            f"{kinds[a.dtype.kind == 'i']} in `sessions` but "
            f"{kinds[b.dtype.kind == 'i']} in `events`, so no event would match "
            f"its session. Use one id type in both tables, e.g. "
            f"`events[{col!r}] = events[{col!r}].astype(str)` and the same for "
            f"sessions."
        )


def _raise_duplicate_sessions(session_ids: pd.Series, func: str, col: str):
    dup = session_ids[session_ids.duplicated()].unique()[:5].tolist()
    raise ValueError(
        f"{func}(): column {col!r} (from `session_id_col`) of `sessions` has "
        f"duplicated session ids, e.g. {dup}; one row must be one visit. Drop the "
        f"duplicates first (`sessions.drop_duplicates({col!r})`)."
    )


class SessionLookup:
    """Where each event's session is in ``sessions``.

    Checks the session ids (set, unique, the same kind in both tables).
    ``eids`` are the events' session ids as integers and ``listed`` which
    events have one (``None``: all). Compact integer ids are used as they are,
    through a table over the id range (no hashing); other ids (text, sparse
    integers) are factorized together, sessions first, so that an event's code
    is its session's.
    """

    def __init__(self, session_ids: pd.Series, event_session_ids: pd.Series, func: str,
                 col: str):
        if session_ids.hasnans:
            _session_id_values(session_ids, func, col)  # raises with the count
        int_s = pd.api.types.is_integer_dtype(session_ids.dtype)
        int_e = pd.api.types.is_integer_dtype(event_session_ids.dtype)
        if len(session_ids) and len(event_session_ids) and int_s != int_e:
            _check_same_id_kind(id_values(session_ids), id_values(event_session_ids.dropna()),
                                func, col)
        self.n = n = len(session_ids)
        if int_s and int_e:
            sids = session_ids.to_numpy(dtype="int64")
            self.eids, self.listed = nullable_id_values(event_session_ids)
        else:  # one code space for both sides: the sessions' codes are 0..n-1 if unique
            codes, _ = pd.factorize(pd.concat([session_ids, event_session_ids],
                                              ignore_index=True))
            sids, self.eids = codes[:n].astype("int64"), codes[n:].astype("int64")
            self.listed = None if (self.eids >= 0).all() else self.eids >= 0
        lo = int(sids.min()) if n else 0
        span = (int(sids.max()) - lo + 1) if n else 0
        if span > 4 * n + 1024:  # sparse integer ids: a hash index
            self.slot = None
            self.index = pd.Index(sids)
            if not self.index.is_unique:
                _raise_duplicate_sessions(session_ids, func, col)
            return
        slot = sids - lo
        if n and np.bincount(slot, minlength=span).max() > 1:
            _raise_duplicate_sessions(session_ids, func, col)
        self.lo, self.span, self.slot = lo, span, slot

    def positions(self) -> np.ndarray:
        """Row position of each event's session (-1 when it is not listed or has none)."""
        eids = self.eids
        if self.slot is None:
            pos = self.index.get_indexer(eids).astype("int64")
        else:
            lut = np.full(self.span, -1, dtype="int64")
            lut[self.slot] = np.arange(self.n)
            e = eids - self.lo
            inside = (e >= 0) & (e < self.span)
            pos = np.full(len(e), -1, dtype="int64")
            pos[inside] = lut[e[inside]]
        if self.listed is not None:
            pos[~self.listed] = -1
        return pos

    def counts(self, mask: np.ndarray) -> np.ndarray:
        """Number of the events in ``mask`` in each session (in session order)."""
        if self.listed is not None:
            mask = mask & self.listed
        # eids[mask] is a temporary: keeping it alive makes big allocations slower
        if self.slot is None:
            pos = self.index.get_indexer(self.eids[mask])
            return np.bincount(pos[pos >= 0], minlength=self.n)
        e = self.eids[mask] - self.lo
        e = e[(e >= 0) & (e < self.span)]
        return np.bincount(e, minlength=self.span)[self.slot]


# --------------------------------------------------------------- times ----


def wall_time(ts: pd.Series) -> pd.Series:
    """tz-aware timestamps as naive wall-clock time in their own zone."""
    if getattr(ts.dtype, "tz", None) is not None:
        return ts.dt.tz_localize(None)
    return ts


def wall_values(ts: pd.Series) -> np.ndarray:
    """datetime64 values in shop-local wall time (a tz-aware column drops its zone)."""
    return wall_time(ts).to_numpy()


def local_bound(value: pd.Timestamp, dtype) -> pd.Timestamp:
    """A bound as shop-local wall time of a column with ``dtype``."""
    tz = getattr(dtype, "tz", None)
    if value.tzinfo is not None:
        value = value.tz_convert(tz) if tz is not None else value
        return value.tz_localize(None)
    return value


def local_days(ts: pd.Series) -> np.ndarray:
    """Calendar day of each timestamp (days since 1970-01-01) in shop-local time."""
    return wall_values(ts).astype("datetime64[D]").view("int64")


def day_number(ts: pd.Timestamp) -> int:
    """Day (days since 1970-01-01) of one timestamp, in its own wall time."""
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return int(np.datetime64(ts.normalize().to_datetime64(), "D").astype("int64"))


def ts_ticks(ts: pd.Series) -> tuple[np.ndarray, str]:
    """Timestamps as int64 ticks (UTC for tz-aware) and the tick unit."""
    if getattr(ts.dtype, "tz", None) is not None:
        ts = ts.dt.tz_convert(None)
    values = ts.to_numpy()
    return values.view("int64"), np.datetime_data(values.dtype)[0]


def to_ticks(delta, unit: str) -> int:
    """A Timedelta as an integer number of ``unit`` ticks."""
    return int(delta // pd.Timedelta(1, unit=unit))


def between(values: np.ndarray, lo, hi, dtype) -> np.ndarray:
    """Mask of ``lo <= values < hi`` on local wall-time values (bounds may be None).

    ``dtype`` is the original column's dtype: a naive bound is local time there.
    Plain numpy comparisons, much cheaper than pandas ones on big tables.
    """
    mask = np.ones(len(values), dtype=bool)
    if lo is not None:
        mask &= values >= local_bound(lo, dtype).to_datetime64()
    if hi is not None:
        mask &= values < local_bound(hi, dtype).to_datetime64()
    return mask


def half_open(ts: pd.Series, lo, hi) -> np.ndarray:
    """Mask of ``lo <= ts < hi`` on a timestamp Series (NaT is never inside)."""
    return np.array(ts.notna().to_numpy(), dtype=bool) & between(
        wall_values(ts), lo, hi, ts.dtype
    )


# ------------------------------------------------------- period starts ----


def _period_start_rows(ts: pd.Series, freq: str) -> pd.Series:
    """First moment of the period of each timestamp, computed row by row.

    Period keys keep the unit of ``ts`` whatever ``freq`` (``to_period()``
    alone gives microseconds), so tables of every ``freq`` join with the data.
    """
    if freq == "D":
        return ts.dt.normalize()
    unit = np.datetime_data(ts.dtype)[0] if isinstance(ts.dtype, np.dtype) else ts.dtype.unit
    if getattr(ts.dtype, "tz", None) is not None:
        tz = ts.dtype.tz
        starts = ts.dt.tz_localize(None).dt.to_period(freq).dt.start_time
        return starts.dt.as_unit(unit).dt.tz_localize(tz)
    return ts.dt.to_period(freq).dt.start_time.dt.as_unit(unit)


def period_codes(ts: pd.Series, freq: str) -> tuple[np.ndarray, pd.DatetimeIndex]:
    """Period of each timestamp as a code into the sorted period starts.

    Returns ``(codes, periods)``: ``periods`` are the starts (weeks start
    Monday) of every period from the first timestamp's to the last one's,
    with the unit and zone :func:`period_start` gives; ``codes`` point into
    them (-1 for NaT). The period of each distinct *day* is computed once (a
    shop has a few hundred days but millions of rows), then looked up.
    """
    values = wall_values(ts)
    valid = ~np.isnat(values)
    days = values.astype("datetime64[D]").view("int64")
    if not valid.all():
        days = days[valid]
    day0 = int(days.min()) if len(days) else 0
    dcode = days - day0
    n_days = int(dcode.max()) + 1 if len(days) else 0
    unit = np.datetime_data(values.dtype)[0]
    day_ts = pd.Series((np.arange(n_days) + day0).astype("datetime64[D]")
                       .astype(f"datetime64[{unit}]"))
    # consecutive days: their period starts are sorted, a new period where they change
    starts = _period_start_rows(day_ts, freq)
    new = first_of_group(starts.to_numpy().view("int64"))
    pcode_of_day = np.cumsum(new) - 1
    periods = pd.DatetimeIndex(starts[new])
    tz = getattr(ts.dtype, "tz", None)
    if tz is not None:
        periods = periods.tz_localize(tz)
    if valid.all():
        return pcode_of_day[dcode], periods
    codes = np.full(len(ts), -1, dtype="int64")
    codes[valid] = pcode_of_day[dcode]
    return codes, periods


def period_start(ts: pd.Series, freq: str) -> pd.Series:
    """First moment of the period each timestamp falls in (weeks start Monday).

    The same values as converting every timestamp, computed once per
    distinct day (see :func:`period_codes`).

    >>> ts = pd.Series(pd.to_datetime(["2024-05-09 10:00", "2024-05-31 23:59"]))
    >>> period_start(ts, "M").tolist()
    [Timestamp('2024-05-01 00:00:00'), Timestamp('2024-05-01 00:00:00')]
    """
    if freq == "D" or len(ts) == 0:
        return _period_start_rows(ts, freq)
    codes, periods = period_codes(ts, freq)
    values = periods.take(codes, allow_fill=True, fill_value=pd.NaT)
    return pd.Series(values, index=ts.index, name=ts.name)


# ------------------------------------------------------ period numbers ----


def period_index(values: np.ndarray, freq: str) -> np.ndarray:
    """Integer index of the period (day, Monday week, month, quarter, year).

    ``values`` are datetime64 wall times. Days come from integer division of
    the raw timestamps; months, quarters and years from a small day -> month
    table over the days present, which is several times faster than numpy's
    calendar conversion on big arrays.
    """
    unit, count = np.datetime_data(values.dtype)
    if unit in ("D", "h", "m", "s", "ms", "us", "ns"):
        per_day = int(np.timedelta64(1, "D") // np.timedelta64(count, unit))
        days = np.floor_divide(np.ascontiguousarray(values).view(np.int64), per_day)
    else:
        days = values.astype("datetime64[D]").astype(np.int64)
    if freq == "D":
        return days
    if freq == "W":
        # 1970-01-01 is a Thursday: shifting by 3 days makes weeks start on Monday
        return (days + 3) // 7
    if len(days) == 0:
        return days
    lo = days.min()
    table = np.arange(lo, days.max() + 1).astype("datetime64[D]")
    table = table.astype("datetime64[Y]" if freq == "Y" else "datetime64[M]").astype(
        np.int64
    )
    if freq == "Q":
        table //= 3
    return table[days - lo]


def period_label(idx: np.ndarray, freq: str, dtype) -> pd.DatetimeIndex:
    """First moment of each :func:`period_index`, in the unit and zone of ``dtype``."""
    idx = np.asarray(idx, dtype=np.int64)
    if freq == "D":
        values = idx.astype("datetime64[D]")
    elif freq == "W":
        values = (idx * 7 - 3).astype("datetime64[D]")
    elif freq == "M":
        values = idx.astype("datetime64[M]")
    elif freq == "Q":
        values = (idx * 3).astype("datetime64[M]")
    else:
        values = idx.astype("datetime64[Y]")
    tz = getattr(dtype, "tz", None)
    unit = getattr(dtype, "unit", None) or np.datetime_data(dtype)[0]
    out = pd.DatetimeIndex(values.astype(f"datetime64[{unit}]"))
    return out.tz_localize(tz) if tz is not None else out


def bound_period(value: pd.Timestamp, dtype, freq: str) -> int:
    """Period index of a window bound, read as local time of a ``dtype`` column."""
    local = np.array([local_bound(value, dtype).to_datetime64()],
                     dtype="datetime64[ns]")
    return int(period_index(local, freq)[0])
