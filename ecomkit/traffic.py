"""Traffic metrics (流量): visitors, page views, visits, depth, time, bounce, mix.

Everything here hangs on the **session** (one visit, one row of ``sessions``):

* A session belongs to the window (and to the day or period) in which it
  **starts** (``start_ts``), as GA4 counts "sessions that began in the range".
  A visit that crosses midnight is counted whole on its start day.
* Page views (PV 浏览量) are the events whose ``event_type`` is a page view
  (:data:`ecomkit._schema.PAGE_VIEW_EVENTS`: home, search, campaign and product
  pages; favourites, carts, checkouts and payments are actions, not pages). A
  page view is counted with its session, so PV, sessions and UV of a window
  always describe the same visits. Events whose ``session_id`` is not in
  ``sessions`` are not counted.
* ``by`` splits by any column(s) of ``sessions`` (``"channel"``, ``"device"``,
  ``["channel", "device"]``). A visitor who came through two channels counts
  once in each channel, so channel UVs add up to more than the total UV.
* ``how="pooled"`` (the default, GA4 style) computes each number once over the
  whole window: a visitor who came on three days counts once.
  ``how="daily_mean"`` computes the metric for each day and averages the daily
  values (生意参谋 shows multi-day 人均浏览量, 平均停留时长 and 跳失率 this way).
  For counts (UV, PV, sessions) the daily mean is the sum of the daily values
  divided by the number of calendar days in the window (days without visits
  count as 0); for ratios it is the mean over the days that had visitors.
  Σ daily UV is not the window UV: a returning visitor is counted every day.

Bounce rate, three 口径 side by side (:func:`bounce_rate`):

============  ========================================  ===================
``method``    formula                                    unit, multi-day
============  ========================================  ===================
single_page   sessions with exactly one page view ÷      session, pooled
(default)     sessions (classic 跳出率, Universal
              Analytics, Baidu / Tencent analytics)
ga4           1 − engaged sessions ÷ sessions; engaged   session, pooled
              = lasted > 10 s, or ≥ 2 page views, or a
              key event (payment)
sycm          visitors with no click (at most one        visitor, mean of
              event: the landing page) ÷ visitors        daily values
              (生意参谋 跳失率)
============  ========================================  ===================
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import _schema
from ._catalog import register_metric
from ._keys import (
    SessionLookup,
    count_distinct,
    day_number,
    group_codes,
    id_codes,
    isin_mask,
    local_days,
    period_codes,
    period_start,
    to_ticks,
    ts_ticks,
)
from ._validation import (
    check_by,
    check_datetime,
    check_freq,
    check_no_missing,
    check_number,
    check_numeric,
    check_option,
    check_table,
    check_timedelta,
    check_window,
    safe_divide,
    window_mask,
    window_rows,
)

__all__ = [
    "avg_session_duration",
    "avg_stay_time",
    "bounce_rate",
    "free_traffic_share",
    "keyword_performance",
    "new_vs_returning_visitors",
    "page_views",
    "pv_per_visitor",
    "session_count",
    "sessionize",
    "traffic_by_period",
    "traffic_mix",
    "unique_visitors",
    "views_per_session",
]

#: public functions that transform a table instead of computing a metric.
__not_metrics__ = ("sessionize",)

_HOWS = ("pooled", "daily_mean")
_BOUNCE_METHODS = ("single_page", "ga4", "sycm")


# ------------------------------------------------------------- id helpers ---
def _per_session_counts(
    session_ids: pd.Series,
    event_session_ids: pd.Series,
    masks: Sequence[np.ndarray],
    func: str,
    col: str,
) -> list[np.ndarray]:
    """For each mask over the events, how many masked events each session has.

    Returns one int64 array per mask, aligned with ``session_ids``. Events of
    sessions that are not listed are ignored (see :class:`SessionLookup`).
    """
    lookup = SessionLookup(session_ids, event_session_ids, func, col)
    if lookup.n == 0:
        return [np.zeros(0, dtype="int64") for _ in masks]
    return [lookup.counts(mask) for mask in masks]


# ---------------------------------------------------- sessions in a window ---
def _sessions_in_window(
    sessions,
    func: str,
    *,
    columns: dict[str, str],
    start_ts_col: str,
    start,
    end,
    by,
) -> tuple[pd.DataFrame, list[str], pd.Series]:
    """Check ``sessions`` and keep the visits that started in ``[start, end]``.

    Returns the selected rows (a filtered view), the ``by`` columns and the
    start times of the selected rows.
    """
    mask, by_cols, ts = window_rows(
        sessions, func, param="sessions", hint="shop.sessions", ts_col=start_ts_col,
        ts_param="start_ts_col", columns=columns, by=by, start=start, end=end,
    )
    if ts.hasnans:
        # a visit without a start time cannot be placed in any window
        check_no_missing(sessions, start_ts_col, func, param="start_ts_col",
                         what="start times")
    selected = sessions.loc[mask]
    return selected, by_cols, ts[mask]


def _check_events(events, func: str, columns: dict[str, str]) -> pd.DataFrame:
    return check_table(events, func, param="events", columns=columns,
                       hint="shop.events")


def _page_view_mask(events, func, *, session_id_col, event_type_col,
                    page_view_events):
    """Check ``events``; its page-view mask. Refuses a log with no page view at all."""
    _check_events(events, func, {"session_id_col": session_id_col,
                                 "event_type_col": event_type_col})
    if isinstance(page_view_events, str) or not len(page_view_events):
        raise TypeError(
            f"{func}(): `page_view_events` must be a non-empty list of event "
            f"types, got {page_view_events!r}."
        )
    mask = isin_mask(events[event_type_col], page_view_events)
    if len(events) and not mask.any():
        seen = events[event_type_col].drop_duplicates().head(8).tolist()
        raise ValueError(
            f"{func}(): no event in `events` is a page view: column "
            f"{event_type_col!r} (from `event_type_col`) holds {seen}, none of "
            f"`page_view_events` {tuple(page_view_events)}. Pass your page-view "
            f"event names, e.g. `page_view_events=('page_view',)`."
        )
    return mask


class _Cells:
    """Group (and, for ``daily_mean``, day) codes of the sessions in a window.

    A *cell* is one group (pooled) or one group-day (daily_mean). Metrics are
    computed per cell with ``bincount`` on integer codes, then reduced to one
    value per group.
    """

    def __init__(self, s: pd.DataFrame, by_cols: list[str], ts: pd.Series,
                 how: str, start, end, func: str):
        self.by_cols = by_cols
        self.gcode, self.index = group_codes(s, by_cols)
        self.n_groups = len(self.index) if by_cols else 1
        #: groups that have at least one visit in the window
        self.present = np.bincount(self.gcode, minlength=self.n_groups) > 0
        self.daily = how == "daily_mean"
        if self.daily:
            days = local_days(ts)
            lo, hi = check_window(start, end, func)
            first = day_number(lo) if lo is not None else (
                int(days.min()) if len(days) else None)
            last = day_number(hi - pd.Timedelta(1, "ns")) if hi is not None else (
                int(days.max()) if len(days) else None)
            self.n_days = 0 if first is None or last is None else last - first + 1
            self.day0 = first if first is not None else 0
            d = days - self.day0
            self.cell = self.gcode * max(self.n_days, 1) + d
            self.n_cells = self.n_groups * max(self.n_days, 1)
        else:
            self.cell = self.gcode
            self.n_cells = self.n_groups

    def total(self, weights=None) -> np.ndarray:
        """Per-cell sum of ``weights`` (or number of sessions)."""
        return np.bincount(self.cell, weights=weights, minlength=self.n_cells)

    def distinct(self, codes: np.ndarray, n: int, mask=None) -> np.ndarray:
        """Per-cell number of distinct ``codes`` (visitors), optionally of a subset."""
        cell = self.cell if mask is None else self.cell[mask]
        codes = codes if mask is None else codes[mask]
        return count_distinct(cell, codes, self.n_cells, n)

    def reduce_count(self, values: np.ndarray) -> np.ndarray:
        """Per-group count: the cell itself, or the daily mean over the window."""
        if not self.daily:
            return values
        per_group = values.reshape(self.n_groups, max(self.n_days, 1)).sum(axis=1)
        return safe_divide(per_group, np.full(self.n_groups, float(self.n_days)))

    def reduce_ratio(self, num: np.ndarray, den: np.ndarray) -> np.ndarray:
        """Per-group ratio: pooled, or the mean of the daily ratios (den > 0)."""
        ratio = safe_divide(num, den)
        if not self.daily:
            return ratio
        ratio = ratio.reshape(self.n_groups, max(self.n_days, 1))
        ok = ~np.isnan(ratio)
        n_ok = ok.sum(axis=1)
        sums = np.where(ok, ratio, 0.0).sum(axis=1)
        return safe_divide(sums, n_ok)

    def result(self, values: np.ndarray, name: str):
        """A scalar (no ``by``) or a Series indexed by the ``by`` keys."""
        if not self.by_cols:
            v = values[0]
            return int(v) if np.issubdtype(np.asarray(values).dtype, np.integer) \
                else float(v)
        return pd.Series(values[self.present], index=self.index[self.present],
                         name=name)

    def keys(self) -> pd.DataFrame:
        """The ``by`` keys of the groups with visits, one row per group."""
        return self.index[self.present].to_frame(index=False)


def _check_how(how, func):
    return check_option(how, _HOWS, func, param="how")


def _visitor_codes(s: pd.DataFrame, visitor_id_col: str, func: str):
    check_no_missing(s, visitor_id_col, func, param="visitor_id_col",
                     what="visitor ids")
    return id_codes(s[visitor_id_col])


def _durations_s(s: pd.DataFrame, start_ts_col: str, end_ts_col: str,
                 func: str) -> np.ndarray:
    """Session durations in seconds (end_ts − start_ts); rejects end before start."""
    end = check_datetime(s, end_ts_col, func, param="end_ts_col", table="sessions")
    check_no_missing(s, end_ts_col, func, param="end_ts_col", what="end times")
    dur = (end - s[start_ts_col]).dt.total_seconds().to_numpy()
    bad = dur < 0
    if bad.any():
        raise ValueError(
            f"{func}(): {int(bad.sum())} session(s) end before they start "
            f"(`{end_ts_col}` < `{start_ts_col}`); a duration cannot be negative. "
            f"Check the two columns, e.g. "
            f"`sessions[sessions[{end_ts_col!r}] < sessions[{start_ts_col!r}]]`."
        )
    return dur


# ================================================================ metrics ===
@register_metric(
    "uv", name="Unique visitors", name_zh="访客数 (UV)", family="traffic",
    formula="distinct visitor_id of the sessions that started in the window",
    numerator="distinct visitors", denominator="—",
    window="sessions with start_ts in [start, end]", basis="sessions.visitor_id",
    unit="people",
    variants={"daily_mean": "Σ daily UV ÷ days in the window (JD 商智 style daily UV)"},
    notes="A visitor who comes on several days counts once (pooled); Σ daily UV "
          "≠ window UV.",
)
def unique_visitors(
    sessions: pd.DataFrame,
    *,
    visitor_id_col: str = "visitor_id",
    start_ts_col: str = "start_ts",
    start=None,
    end=None,
    by=None,
    how: str = "pooled",
):
    """Unique visitors UV (访客数): distinct visitors with a visit in the window.

    UV = number of distinct ``visitor_id`` among the sessions whose
    ``start_ts`` falls in ``[start, end]``. A person visiting several times in
    the window counts once (pooled, 生意参谋 range UV).

    Parameters
    ----------
    sessions : pandas.DataFrame
        One row per visit (``shop.sessions``).
    visitor_id_col : str, default="visitor_id"
        Visitor (device) id; int or str.
    start_ts_col : str, default="start_ts"
        Visit start time; dates the visit.
    start, end : date-like, optional
        Inclusive window on the visit start (a bare ``end`` date includes that
        whole day). ``None`` leaves a side open.
    by : str or list of str, optional
        Column(s) of ``sessions`` to split by, e.g. ``"channel"``, ``"device"``.
    how : {"pooled", "daily_mean"}, default="pooled"
        ``"daily_mean"``: Σ daily UV ÷ calendar days in the window.

    Returns
    -------
    int or float or pandas.Series
        An int (pooled) or float (daily mean); with ``by`` a Series named
        ``"uv"`` indexed by the ``by`` keys (groups with visits only, in
        category / sorted order). 0 when no visit is in the window.

    Raises
    ------
    ValueError
        A missing column, a missing visitor id, an unknown ``how``, an empty
        window (``end`` before ``start``).
    TypeError
        ``start_ts`` not datetime, a dict of tables instead of one table.

    See Also
    --------
    session_count, traffic_by_period, new_vs_returning_visitors

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.traffic as tr
    >>> sessions = pd.DataFrame({
    ...     "visitor_id": [1, 1, 2, 3],
    ...     "start_ts": pd.to_datetime(["2024-05-01 09:00", "2024-05-02 10:00",
    ...                                 "2024-05-02 11:00", "2024-05-03 12:00"]),
    ...     "channel": ["direct", "social", "social", "direct"],
    ... })
    >>> tr.unique_visitors(sessions, start="2024-05-01", end="2024-05-02")
    2
    >>> tr.unique_visitors(sessions, by="channel")
    channel
    direct    2
    social    2
    Name: uv, dtype: int64
    >>> tr.unique_visitors(sessions, how="daily_mean")  # (1 + 2 + 1) / 3 days
    1.333...
    """
    func = "unique_visitors"
    _check_how(how, func)
    s, by_cols, ts = _sessions_in_window(
        sessions, func, columns={"visitor_id_col": visitor_id_col},
        start_ts_col=start_ts_col, start=start, end=end, by=by,
    )
    cells = _Cells(s, by_cols, ts, how, start, end, func)
    codes, n = _visitor_codes(s, visitor_id_col, func)
    return cells.result(cells.reduce_count(cells.distinct(codes, n)), "uv")


@register_metric(
    "sessions", name="Sessions", name_zh="访问次数 / 会话数", family="traffic",
    formula="number of sessions that started in the window",
    numerator="sessions", denominator="—",
    window="sessions with start_ts in [start, end]", basis="sessions rows",
    unit="visits",
    variants={"daily_mean": "Σ daily sessions ÷ days in the window"},
    notes="A session ends after 30 min of inactivity (GA4 default); see "
          "sessionize() to build sessions from a raw log.",
)
def session_count(
    sessions: pd.DataFrame,
    *,
    start_ts_col: str = "start_ts",
    start=None,
    end=None,
    by=None,
    how: str = "pooled",
):
    """Sessions (访问次数): number of visits that started in the window.

    Sessions = rows of ``sessions`` with ``start_ts`` in ``[start, end]``.

    Parameters
    ----------
    sessions : pandas.DataFrame
        One row per visit (``shop.sessions``).
    start_ts_col : str, default="start_ts"
        Visit start time.
    start, end : date-like, optional
        Inclusive window on the visit start.
    by : str or list of str, optional
        Column(s) of ``sessions`` to split by.
    how : {"pooled", "daily_mean"}, default="pooled"
        ``"daily_mean"``: Σ daily sessions ÷ calendar days in the window.

    Returns
    -------
    int or float or pandas.Series
        With ``by`` a Series named ``"sessions"``.

    Raises
    ------
    ValueError, TypeError
        As :func:`unique_visitors`.

    See Also
    --------
    unique_visitors, views_per_session, sessionize

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.traffic as tr
    >>> sessions = pd.DataFrame({
    ...     "start_ts": pd.to_datetime(["2024-05-01 09:00", "2024-05-01 10:00",
    ...                                 "2024-05-02 11:00"]),
    ...     "device": ["app", "pc", "app"],
    ... })
    >>> tr.session_count(sessions)
    3
    >>> tr.session_count(sessions, by="device", how="daily_mean")  # app: 2 / 2 days
    device
    app    1.0
    pc     0.5
    Name: sessions, dtype: float64
    """
    func = "session_count"
    _check_how(how, func)
    s, by_cols, ts = _sessions_in_window(
        sessions, func, columns={}, start_ts_col=start_ts_col, start=start,
        end=end, by=by,
    )
    cells = _Cells(s, by_cols, ts, how, start, end, func)
    return cells.result(cells.reduce_count(cells.total().astype("int64")), "sessions")


def _page_view_setup(sessions, events, func, *, session_id_col, visitor_id_col,
                     start_ts_col, event_type_col, page_view_events, start, end,
                     by, how, need_visitors):
    """Shared first steps of the PV metrics: cells and PV per session."""
    _check_how(how, func)
    cols = {"session_id_col": session_id_col}
    if need_visitors:
        cols["visitor_id_col"] = visitor_id_col
    s, by_cols, ts = _sessions_in_window(
        sessions, func, columns=cols, start_ts_col=start_ts_col, start=start,
        end=end, by=by,
    )
    pv_mask = _page_view_mask(events, func, session_id_col=session_id_col,
                              event_type_col=event_type_col,
                              page_view_events=page_view_events)
    (pv,) = _per_session_counts(s[session_id_col], events[session_id_col],
                                [pv_mask], func, session_id_col)
    cells = _Cells(s, by_cols, ts, how, start, end, func)
    return s, cells, pv


@register_metric(
    "pv", name="Page views", name_zh="浏览量 (PV)", family="traffic",
    formula="page-view events of the sessions that started in the window",
    numerator="page views (home, search, campaign and product pages)",
    denominator="—", window="sessions with start_ts in [start, end]",
    basis="events with event_type in PAGE_VIEW_EVENTS", unit="views",
    variants={"daily_mean": "Σ daily PV ÷ days in the window"},
    notes="Repeat views and refreshes count (生意参谋, GA4 screenPageViews).",
)
def page_views(
    sessions: pd.DataFrame,
    events: pd.DataFrame,
    *,
    session_id_col: str = "session_id",
    start_ts_col: str = "start_ts",
    event_type_col: str = "event_type",
    page_view_events: Sequence[str] = _schema.PAGE_VIEW_EVENTS,
    start=None,
    end=None,
    by=None,
    how: str = "pooled",
):
    """Page views PV (浏览量): page-view events of the visits in the window.

    PV = number of events with ``event_type`` in ``page_view_events`` that
    belong to a session started in ``[start, end]``. Repeat views count.

    Parameters
    ----------
    sessions : pandas.DataFrame
        One row per visit (``shop.sessions``); dates the page views.
    events : pandas.DataFrame
        One row per action (``shop.events``).
    session_id_col : str, default="session_id"
        Session key, the same column name in both tables.
    start_ts_col : str, default="start_ts"
        Visit start time in ``sessions``.
    event_type_col : str, default="event_type"
        Event type in ``events``.
    page_view_events : sequence of str, default=PAGE_VIEW_EVENTS
        Event types that are page views (``home_view``, ``search``,
        ``campaign_view``, ``product_view``).
    start, end : date-like, optional
        Inclusive window on the visit start.
    by : str or list of str, optional
        Column(s) of ``sessions`` to split by.
    how : {"pooled", "daily_mean"}, default="pooled"
        ``"daily_mean"``: Σ daily PV ÷ calendar days in the window.

    Returns
    -------
    int or float or pandas.Series
        With ``by`` a Series named ``"pv"``.

    Raises
    ------
    ValueError
        Missing columns, duplicated session ids, no page-view event at all.
    TypeError
        Int session ids in one table and text ids in the other.

    See Also
    --------
    pv_per_visitor, views_per_session

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.traffic as tr
    >>> sessions = pd.DataFrame({
    ...     "session_id": [1, 2], "visitor_id": [7, 8],
    ...     "start_ts": pd.to_datetime(["2024-05-01 09:00", "2024-05-02 10:00"]),
    ... })
    >>> events = pd.DataFrame({
    ...     "session_id": [1, 1, 1, 2],
    ...     "event_type": ["home_view", "product_view", "add_to_cart", "search"],
    ... })
    >>> tr.page_views(sessions, events)  # add_to_cart is an action, not a page
    3
    """
    func = "page_views"
    s, cells, pv = _page_view_setup(
        sessions, events, func, session_id_col=session_id_col, visitor_id_col="",
        start_ts_col=start_ts_col, event_type_col=event_type_col,
        page_view_events=page_view_events, start=start, end=end, by=by, how=how,
        need_visitors=False,
    )
    return cells.result(cells.reduce_count(cells.total(pv).astype("int64")), "pv")


@register_metric(
    "pv_per_visitor", name="Views per visitor", name_zh="人均浏览量",
    family="traffic", formula="PV ÷ UV",
    numerator="page views of the sessions in the window",
    denominator="distinct visitors of those sessions",
    window="sessions with start_ts in [start, end]", basis="events, sessions",
    unit="views/visitor",
    variants={"daily_mean": "mean over days of (daily PV ÷ daily UV), 生意参谋 style"},
    notes="NaN when there are no visitors.",
)
def pv_per_visitor(
    sessions: pd.DataFrame,
    events: pd.DataFrame,
    *,
    session_id_col: str = "session_id",
    visitor_id_col: str = "visitor_id",
    start_ts_col: str = "start_ts",
    event_type_col: str = "event_type",
    page_view_events: Sequence[str] = _schema.PAGE_VIEW_EVENTS,
    start=None,
    end=None,
    by=None,
    how: str = "pooled",
):
    """Views per visitor (人均浏览量) = PV ÷ UV.

    Numerator: page views of the sessions started in the window (see
    :func:`page_views`); denominator: distinct visitors of those sessions
    (:func:`unique_visitors`). With ``how="daily_mean"`` the daily ratios are
    averaged (生意参谋 multi-day 人均浏览量).

    Parameters
    ----------
    sessions, events : pandas.DataFrame
        ``shop.sessions`` and ``shop.events``.
    session_id_col, visitor_id_col, start_ts_col, event_type_col : str
        Column names (defaults: the canonical names).
    page_view_events : sequence of str, default=PAGE_VIEW_EVENTS
        Event types that are page views.
    start, end : date-like, optional
        Inclusive window on the visit start.
    by : str or list of str, optional
        Column(s) of ``sessions`` to split by.
    how : {"pooled", "daily_mean"}, default="pooled"

    Returns
    -------
    float or pandas.Series
        NaN when there are no visitors. With ``by`` a Series named
        ``"pv_per_visitor"``.

    Raises
    ------
    ValueError, TypeError
        As :func:`page_views`.

    See Also
    --------
    page_views, views_per_session

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.traffic as tr
    >>> sessions = pd.DataFrame({
    ...     "session_id": [1, 2, 3], "visitor_id": [7, 7, 8],
    ...     "start_ts": pd.to_datetime(["2024-05-01 09:00", "2024-05-01 15:00",
    ...                                 "2024-05-01 10:00"]),
    ... })
    >>> events = pd.DataFrame({
    ...     "session_id": [1, 1, 2, 3],
    ...     "event_type": ["home_view", "product_view", "search", "home_view"],
    ... })
    >>> tr.pv_per_visitor(sessions, events)  # 4 views ÷ 2 visitors
    2.0
    """
    func = "pv_per_visitor"
    s, cells, pv = _page_view_setup(
        sessions, events, func, session_id_col=session_id_col,
        visitor_id_col=visitor_id_col, start_ts_col=start_ts_col,
        event_type_col=event_type_col, page_view_events=page_view_events,
        start=start, end=end, by=by, how=how, need_visitors=True,
    )
    codes, n = _visitor_codes(s, visitor_id_col, func)
    value = cells.reduce_ratio(cells.total(pv), cells.distinct(codes, n))
    return cells.result(value, "pv_per_visitor")


@register_metric(
    "views_per_session", name="Views per session", name_zh="平均访问深度",
    family="traffic", formula="PV ÷ sessions",
    numerator="page views of the sessions in the window",
    denominator="sessions that started in the window",
    window="sessions with start_ts in [start, end]", basis="events, sessions",
    unit="views/session",
    variants={"daily_mean": "mean over days of (daily PV ÷ daily sessions)"},
    notes="GA4 screenPageViewsPerSession. NaN when there are no sessions.",
)
def views_per_session(
    sessions: pd.DataFrame,
    events: pd.DataFrame,
    *,
    session_id_col: str = "session_id",
    start_ts_col: str = "start_ts",
    event_type_col: str = "event_type",
    page_view_events: Sequence[str] = _schema.PAGE_VIEW_EVENTS,
    start=None,
    end=None,
    by=None,
    how: str = "pooled",
):
    """Views per session (平均访问深度) = PV ÷ sessions.

    Numerator: page views of the sessions started in the window; denominator:
    those sessions (a visit with no page-view event counts with 0 views).

    Parameters
    ----------
    sessions, events : pandas.DataFrame
        ``shop.sessions`` and ``shop.events``.
    session_id_col, start_ts_col, event_type_col : str
        Column names (defaults: the canonical names).
    page_view_events : sequence of str, default=PAGE_VIEW_EVENTS
        Event types that are page views.
    start, end : date-like, optional
        Inclusive window on the visit start.
    by : str or list of str, optional
        Column(s) of ``sessions`` to split by.
    how : {"pooled", "daily_mean"}, default="pooled"

    Returns
    -------
    float or pandas.Series
        NaN when there are no sessions. With ``by`` a Series named
        ``"views_per_session"``.

    Raises
    ------
    ValueError, TypeError
        As :func:`page_views`.

    See Also
    --------
    pv_per_visitor, bounce_rate

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.traffic as tr
    >>> sessions = pd.DataFrame({
    ...     "session_id": [1, 2],
    ...     "start_ts": pd.to_datetime(["2024-05-01 09:00", "2024-05-01 15:00"]),
    ... })
    >>> events = pd.DataFrame({
    ...     "session_id": [1, 1, 1, 2],
    ...     "event_type": ["home_view", "search", "product_view", "home_view"],
    ... })
    >>> tr.views_per_session(sessions, events)  # 4 views ÷ 2 sessions
    2.0
    """
    func = "views_per_session"
    s, cells, pv = _page_view_setup(
        sessions, events, func, session_id_col=session_id_col, visitor_id_col="",
        start_ts_col=start_ts_col, event_type_col=event_type_col,
        page_view_events=page_view_events, start=start, end=end, by=by, how=how,
        need_visitors=False,
    )
    value = cells.reduce_ratio(cells.total(pv), cells.total())
    return cells.result(value, "views_per_session")


@register_metric(
    "avg_session_duration", name="Average session duration", name_zh="平均访问时长",
    family="traffic", formula="Σ (end_ts − start_ts) ÷ sessions, in seconds",
    numerator="total duration of the sessions in the window",
    denominator="sessions that started in the window",
    window="sessions with start_ts in [start, end]", basis="sessions.start_ts, end_ts",
    unit="seconds/session",
    variants={"daily_mean": "mean over days of the daily average duration"},
    notes="GA4 averageSessionDuration. end_ts includes the time on the last page "
          "in the ecomkit schema; most web tools cannot see it. NaN when there "
          "are no sessions.",
)
def avg_session_duration(
    sessions: pd.DataFrame,
    *,
    start_ts_col: str = "start_ts",
    end_ts_col: str = "end_ts",
    start=None,
    end=None,
    by=None,
    how: str = "pooled",
):
    """Average session duration (平均访问时长), in seconds per session.

    Σ (``end_ts`` − ``start_ts``) ÷ sessions, over the sessions started in
    ``[start, end]``.

    Parameters
    ----------
    sessions : pandas.DataFrame
        ``shop.sessions``.
    start_ts_col, end_ts_col : str
        Visit start and end (defaults ``"start_ts"``, ``"end_ts"``).
    start, end : date-like, optional
        Inclusive window on the visit start.
    by : str or list of str, optional
        Column(s) of ``sessions`` to split by.
    how : {"pooled", "daily_mean"}, default="pooled"

    Returns
    -------
    float or pandas.Series
        Seconds; NaN when there are no sessions. With ``by`` a Series named
        ``"avg_session_duration"``.

    Raises
    ------
    ValueError
        A session that ends before it starts, a missing end time.

    See Also
    --------
    avg_stay_time

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.traffic as tr
    >>> sessions = pd.DataFrame({
    ...     "start_ts": pd.to_datetime(["2024-05-01 09:00:00", "2024-05-01 10:00:00"]),
    ...     "end_ts": pd.to_datetime(["2024-05-01 09:01:00", "2024-05-01 10:03:00"]),
    ... })
    >>> tr.avg_session_duration(sessions)  # (60 + 180) / 2
    120.0
    """
    func = "avg_session_duration"
    _check_how(how, func)
    s, by_cols, ts = _sessions_in_window(
        sessions, func, columns={"end_ts_col": end_ts_col},
        start_ts_col=start_ts_col, start=start, end=end, by=by,
    )
    dur = _durations_s(s, start_ts_col, end_ts_col, func)
    cells = _Cells(s, by_cols, ts, how, start, end, func)
    value = cells.reduce_ratio(cells.total(dur), cells.total())
    return cells.result(value, "avg_session_duration")


@register_metric(
    "avg_stay_time_sycm", name="Average stay time (per visitor)",
    name_zh="平均停留时长", family="traffic",
    formula="Σ (end_ts − start_ts) ÷ UV, in seconds",
    numerator="total duration of the sessions in the window",
    denominator="distinct visitors of those sessions (UV)",
    window="sessions with start_ts in [start, end]", basis="sessions",
    unit="seconds/visitor",
    variants={"daily_mean": "mean over days of (daily stay time ÷ daily UV), as "
                            "生意参谋 shows multi-day values"},
    notes="生意参谋 divides by visitors, not sessions. NaN when there are no "
          "visitors.",
)
def avg_stay_time(
    sessions: pd.DataFrame,
    *,
    visitor_id_col: str = "visitor_id",
    start_ts_col: str = "start_ts",
    end_ts_col: str = "end_ts",
    start=None,
    end=None,
    by=None,
    how: str = "pooled",
):
    """Average stay time per visitor (生意参谋 平均停留时长), in seconds.

    Total stay time ÷ UV: Σ (``end_ts`` − ``start_ts``) over the sessions
    started in the window, divided by their distinct visitors. 生意参谋 shows
    multi-day values as the mean of daily values: ``how="daily_mean"``.

    Parameters
    ----------
    sessions : pandas.DataFrame
        ``shop.sessions``.
    visitor_id_col, start_ts_col, end_ts_col : str
        Column names (defaults: the canonical names).
    start, end : date-like, optional
        Inclusive window on the visit start.
    by : str or list of str, optional
        Column(s) of ``sessions`` to split by.
    how : {"pooled", "daily_mean"}, default="pooled"

    Returns
    -------
    float or pandas.Series
        Seconds per visitor; NaN when there are no visitors. With ``by`` a
        Series named ``"avg_stay_time"``.

    Raises
    ------
    ValueError
        A session that ends before it starts, a missing end time or visitor.

    See Also
    --------
    avg_session_duration

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.traffic as tr
    >>> sessions = pd.DataFrame({
    ...     "visitor_id": [7, 7, 8],
    ...     "start_ts": pd.to_datetime(["2024-05-01 09:00", "2024-05-01 12:00",
    ...                                 "2024-05-01 10:00"]),
    ...     "end_ts": pd.to_datetime(["2024-05-01 09:02", "2024-05-01 12:01",
    ...                               "2024-05-01 10:01"]),
    ... })
    >>> tr.avg_stay_time(sessions)  # (120 + 60 + 60) s ÷ 2 visitors
    120.0
    """
    func = "avg_stay_time"
    _check_how(how, func)
    s, by_cols, ts = _sessions_in_window(
        sessions, func,
        columns={"visitor_id_col": visitor_id_col, "end_ts_col": end_ts_col},
        start_ts_col=start_ts_col, start=start, end=end, by=by,
    )
    dur = _durations_s(s, start_ts_col, end_ts_col, func)
    cells = _Cells(s, by_cols, ts, how, start, end, func)
    codes, n = _visitor_codes(s, visitor_id_col, func)
    value = cells.reduce_ratio(cells.total(dur), cells.distinct(codes, n))
    return cells.result(value, "avg_stay_time")


@register_metric(
    "bounce_rate", name="Bounce rate", name_zh="跳出率 / 跳失率", family="traffic",
    formula="sessions with exactly one page view ÷ sessions",
    numerator="sessions with exactly one page view",
    denominator="sessions that started in the window",
    window="sessions with start_ts in [start, end]", basis="sessions, events",
    unit="fraction",
    variants={
        "single_page": "sessions with exactly one page view ÷ sessions (default; "
                       "classic 跳出率, Universal Analytics)",
        "ga4": "1 − engaged sessions ÷ sessions; engaged = duration > 10 s, or ≥ 2 "
               "page views, or a key event (payment)",
        "sycm": "生意参谋 跳失率: visitors with no click (at most one event that day) "
                "÷ visitors, mean of daily values",
    },
    notes="The three 口径 give different numbers on the same clickstream: name the "
          "method when you report it. NaN when there are no sessions.",
)
def bounce_rate(
    sessions: pd.DataFrame,
    events: pd.DataFrame,
    *,
    method: str = "single_page",
    how: str | None = None,
    engaged_seconds: float = 10,
    key_events: Sequence[str] = ("payment",),
    session_id_col: str = "session_id",
    visitor_id_col: str = "visitor_id",
    start_ts_col: str = "start_ts",
    end_ts_col: str = "end_ts",
    event_type_col: str = "event_type",
    page_view_events: Sequence[str] = _schema.PAGE_VIEW_EVENTS,
    start=None,
    end=None,
    by=None,
):
    """Bounce rate (跳出率 / 跳失率) in three 口径: single page, GA4, 生意参谋.

    ``method="single_page"`` (default, classic 跳出率)
        sessions with exactly one page view ÷ sessions. A session with one
        page and an add-to-cart still bounced (one page); a session with no
        page view did not.
    ``method="ga4"``
        1 − engaged sessions ÷ sessions, where a session is engaged when it
        lasted more than ``engaged_seconds`` (``end_ts − start_ts``
        > 10 s), or had ≥ 2 page views, or a key event (``payment``).
    ``method="sycm"`` (生意参谋 跳失率)
        visitors with no click ÷ visitors. A visitor "did not click" on a day
        when all their visits of that day hold at most one event (the landing
        page view). Visitor-based, and by default (``how=None``) the mean of
        the daily values for a multi-day window.

    The window selects sessions by their start; the events counted are those
    of the selected sessions.

    Parameters
    ----------
    sessions, events : pandas.DataFrame
        ``shop.sessions`` and ``shop.events``.
    method : {"single_page", "ga4", "sycm"}, default="single_page"
        The 口径, see above.
    how : {"pooled", "daily_mean"}, optional
        Multi-day aggregation. Default: ``"pooled"`` for single_page and ga4,
        ``"daily_mean"`` for sycm (as 生意参谋 shows it).
    engaged_seconds : float, default=10
        GA4 engagement timer: a session lasting strictly longer is engaged.
    key_events : sequence of str, default=("payment",)
        Event types that make a session engaged (GA4 key events).
    session_id_col, visitor_id_col, start_ts_col, end_ts_col, event_type_col : str
        Column names (defaults: the canonical names).
    page_view_events : sequence of str, default=PAGE_VIEW_EVENTS
        Event types that are page views.
    start, end : date-like, optional
        Inclusive window on the visit start.
    by : str or list of str, optional
        Column(s) of ``sessions`` to split by.

    Returns
    -------
    float or pandas.Series
        A fraction in [0, 1]; NaN when there are no sessions. With ``by`` a
        Series named ``"bounce_rate"``.

    Raises
    ------
    ValueError
        Unknown ``method`` or ``how``, negative ``engaged_seconds``, missing
        columns.

    See Also
    --------
    traffic_by_period, views_per_session

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.traffic as tr
    >>> sessions = pd.DataFrame({
    ...     "session_id": [1, 2, 3], "visitor_id": [7, 8, 9],
    ...     "start_ts": pd.to_datetime(["2024-05-01 09:00:00"] * 3),
    ...     "end_ts": pd.to_datetime(["2024-05-01 09:00:05", "2024-05-01 09:01:00",
    ...                               "2024-05-01 09:00:30"]),
    ... })
    >>> events = pd.DataFrame({
    ...     "session_id": [1, 2, 3, 3],
    ...     "event_type": ["home_view", "product_view", "product_view", "favorite"],
    ... })
    >>> tr.bounce_rate(sessions, events)           # every session saw one page
    1.0
    >>> tr.bounce_rate(sessions, events, method="ga4")  # only session 1 lasted <= 10 s
    0.333...
    >>> tr.bounce_rate(sessions, events, method="sycm")  # visitor 9 clicked 收藏
    0.666...
    """
    func = "bounce_rate"
    check_option(method, _BOUNCE_METHODS, func, param="method")
    if how is None:
        how = "daily_mean" if method == "sycm" else "pooled"
    _check_how(how, func)
    engaged_seconds = check_number(engaged_seconds, func, param="engaged_seconds",
                                   low=0)
    cols = {"session_id_col": session_id_col}
    if method == "sycm":
        cols["visitor_id_col"] = visitor_id_col
    if method == "ga4":
        cols["end_ts_col"] = end_ts_col
    s, by_cols, ts = _sessions_in_window(
        sessions, func, columns=cols, start_ts_col=start_ts_col, start=start,
        end=end, by=by,
    )
    pv_mask = _page_view_mask(events, func, session_id_col=session_id_col,
                              event_type_col=event_type_col,
                              page_view_events=page_view_events)
    cells = _Cells(s, by_cols, ts, how, start, end, func)
    sid, eid = s[session_id_col], events[session_id_col]
    if method == "single_page":
        (pv,) = _per_session_counts(sid, eid, [pv_mask], func, session_id_col)
        value = cells.reduce_ratio(cells.total(pv == 1), cells.total())
    elif method == "ga4":
        key_mask = isin_mask(events[event_type_col], key_events)
        pv, key = _per_session_counts(sid, eid, [pv_mask, key_mask], func,
                                      session_id_col)
        dur = _durations_s(s, start_ts_col, end_ts_col, func)
        engaged = (dur > engaged_seconds) | (pv >= 2) | (key > 0)
        value = cells.reduce_ratio(cells.total(~engaged), cells.total())
    else:  # sycm: visitor-based, per cell (group, or group-day)
        all_mask = np.ones(len(events), dtype=bool)
        (n_events,) = _per_session_counts(sid, eid, [all_mask], func, session_id_col)
        codes, n = _visitor_codes(s, visitor_id_col, func)
        unit_codes, units = pd.factorize(cells.cell * n + codes)
        clicks = np.bincount(unit_codes, weights=n_events, minlength=len(units))
        unit_cell = units // n
        visitors = np.bincount(unit_cell, minlength=cells.n_cells)
        bounced = np.bincount(unit_cell[clicks <= 1], minlength=cells.n_cells)
        value = cells.reduce_ratio(bounced, visitors)
    return cells.result(value, "bounce_rate")


# ------------------------------------------------------ new vs returning ---
@register_metric(
    "new_vs_returning_visitor", name="New vs returning visitors",
    name_zh="新/老访客", family="traffic",
    formula="new = visitors whose first session ever falls in the window (period); "
            "returning = the other visitors of the window; share = count ÷ UV",
    numerator="new (returning) visitors", denominator="visitors in the window (UV)",
    window="sessions with start_ts in [start, end] (or each period)",
    basis="sessions (all history for the first visit)", unit="people, fraction",
    notes="GA4 newVsReturning: new = no previous session. The look-back is all "
          "sessions in the table, including those before `start`.",
)
def new_vs_returning_visitors(
    sessions: pd.DataFrame,
    *,
    visitor_id_col: str = "visitor_id",
    start_ts_col: str = "start_ts",
    start=None,
    end=None,
    freq: str | None = None,
) -> pd.DataFrame:
    """New and returning visitors (新/老访客): counts and shares of UV.

    A visitor of the window is **new** when their first session ever (over
    the whole ``sessions`` table, before ``start`` too) started in the window,
    and **returning** otherwise. With ``freq`` the same is done per period:
    new in a period = first visit ever in that period.

    Parameters
    ----------
    sessions : pandas.DataFrame
        ``shop.sessions`` with the full history (the look-back).
    visitor_id_col, start_ts_col : str
        Column names (defaults: the canonical names).
    start, end : date-like, optional
        Inclusive window on the visit start.
    freq : {"D", "W", "M", "Q", "Y"}, optional
        Split the window into periods (weeks start Monday).

    Returns
    -------
    pandas.DataFrame
        Columns ``[period,] visitor_type, visitors, share``: ``visitor_type``
        is an ordered categorical (new, returning), ``visitors`` an int,
        ``share`` = visitors ÷ UV of the window or period (NaN when there are
        no visitors). Sorted by period then visitor type; both types are
        always listed (0 when none).

    Raises
    ------
    ValueError
        Missing columns or visitor ids, bad ``freq``, empty window.

    See Also
    --------
    unique_visitors

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.traffic as tr
    >>> sessions = pd.DataFrame({
    ...     "visitor_id": ["a", "a", "b"],
    ...     "start_ts": pd.to_datetime(["2024-04-20", "2024-05-03", "2024-05-04"]),
    ... })
    >>> tr.new_vs_returning_visitors(sessions, start="2024-05-01", end="2024-05-31")
      visitor_type  visitors  share
    0          new         1    0.5
    1    returning         1    0.5
    """
    func = "new_vs_returning_visitors"
    if freq is not None:
        check_freq(freq, func)
    check_table(sessions, func, param="sessions",
                columns={"visitor_id_col": visitor_id_col,
                         "start_ts_col": start_ts_col}, hint="shop.sessions")
    ts_all = check_datetime(sessions, start_ts_col, func, param="start_ts_col",
                            table="sessions")
    check_no_missing(sessions, visitor_id_col, func, param="visitor_id_col",
                     what="visitor ids")
    check_no_missing(sessions, start_ts_col, func, param="start_ts_col",
                     what="start times")
    codes, _n = id_codes(sessions[visitor_id_col])
    # first visit ever of each visitor, over the whole table (the look-back)
    first_visit = ts_all.groupby(codes).transform("min")
    mask = window_mask(ts_all, start, end, func)
    types = pd.CategoricalDtype(["new", "returning"], ordered=True)
    if freq is None:
        # new = first visit ever on or after `start` (it is <= the visit itself)
        new = window_mask(first_visit[mask], start, None, func)
        frame = pd.DataFrame({"v": codes[mask], "new": new}).drop_duplicates("v")
        counts = np.array([frame["new"].sum(), (~frame["new"]).sum()], dtype="int64")
        return pd.DataFrame({
            "visitor_type": pd.Categorical(["new", "returning"], dtype=types),
            "visitors": counts,
            "share": safe_divide(counts, np.full(2, counts.sum())),
        })
    period = period_start(ts_all[mask], freq).to_numpy()
    first_period = period_start(first_visit[mask], freq).to_numpy()
    frame = pd.DataFrame({"period": period, "v": codes[mask],
                          "new": first_period == period})
    frame = frame.drop_duplicates(["period", "v"])
    frame["visitor_type"] = pd.Categorical(
        np.where(frame["new"], "new", "returning"), dtype=types)
    out = (frame.groupby(["period", "visitor_type"], observed=False, sort=True)
           .size().rename("visitors").reset_index())
    out["visitors"] = out["visitors"].astype("int64")
    totals = out.groupby("period", sort=False)["visitors"].transform("sum")
    out["share"] = safe_divide(out["visitors"], totals)
    return out


# --------------------------------------------------------------- mix -------
@register_metric(
    "traffic_mix", name="Traffic mix", name_zh="流量结构 (渠道/终端占比)",
    family="traffic",
    formula="group UV ÷ Σ group UV; group sessions ÷ Σ sessions",
    numerator="UV (sessions) of one channel / device / landing page",
    denominator="Σ over the groups", window="sessions with start_ts in [start, end]",
    basis="sessions", unit="fraction",
    notes="A visitor who came through two channels counts in both, so Σ channel "
          "UV ≥ total UV; uv_share divides by Σ channel UV so the shares add to 1.",
)
def traffic_mix(
    sessions: pd.DataFrame,
    *,
    by="channel",
    visitor_id_col: str = "visitor_id",
    start_ts_col: str = "start_ts",
    start=None,
    end=None,
) -> pd.DataFrame:
    """Traffic mix (流量结构): UV and session shares by channel, device or page.

    ``uv_share`` = UV of the group ÷ Σ UV of all groups (a visitor seen in two
    channels counts in both, as 生意参谋 adds source visitors);
    ``session_share`` = sessions of the group ÷ all sessions.

    Parameters
    ----------
    sessions : pandas.DataFrame
        ``shop.sessions``.
    by : str or list of str, default="channel"
        Column(s) of ``sessions``: ``"channel"``, ``"device"``,
        ``"landing_page"``...
    visitor_id_col, start_ts_col : str
        Column names (defaults: the canonical names).
    start, end : date-like, optional
        Inclusive window on the visit start.

    Returns
    -------
    pandas.DataFrame
        Columns ``<by...>, uv, uv_share, sessions, session_share``, one row
        per group with visits, sorted by the ``by`` keys. Shares add to 1.

    Raises
    ------
    ValueError
        Missing columns, ``by`` not given.

    See Also
    --------
    free_traffic_share, traffic_by_period

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.traffic as tr
    >>> sessions = pd.DataFrame({
    ...     "visitor_id": [1, 1, 2, 3],
    ...     "start_ts": pd.to_datetime(["2024-05-01"] * 4),
    ...     "device": ["app", "app", "pc", "app"],
    ... })
    >>> tr.traffic_mix(sessions, by="device")
      device  uv  uv_share  sessions  session_share
    0    app   2  0.666667         3           0.75
    1     pc   1  0.333333         1           0.25
    """
    func = "traffic_mix"
    if by is None or (not isinstance(by, str) and not len(by)):
        raise ValueError(f"{func}(): `by` must name a column of `sessions`, e.g. "
                         f"'channel', 'device' or 'landing_page'; got {by!r}.")
    s, by_cols, ts = _sessions_in_window(
        sessions, func, columns={"visitor_id_col": visitor_id_col},
        start_ts_col=start_ts_col, start=start, end=end, by=by,
    )
    cells = _Cells(s, by_cols, ts, "pooled", start, end, func)
    codes, n = _visitor_codes(s, visitor_id_col, func)
    uv = cells.distinct(codes, n).astype("int64")
    n_sessions = cells.total().astype("int64")
    uv, n_sessions = uv[cells.present], n_sessions[cells.present]
    out = cells.keys()
    out["uv"] = uv
    out["uv_share"] = safe_divide(uv, uv.sum())
    out["sessions"] = n_sessions
    out["session_share"] = safe_divide(n_sessions, n_sessions.sum())
    return out


@register_metric(
    "free_traffic_share", name="Free-traffic share", name_zh="免费流量占比",
    family="traffic",
    formula="free-channel visitors ÷ (free-channel visitors + paid-channel visitors)",
    numerator="distinct visitors with a visit from a free channel",
    denominator="free-channel visitors + paid-channel visitors",
    window="sessions with start_ts in [start, end]", basis="sessions.channel",
    unit="fraction",
    variants={"sessions": "free-channel sessions ÷ all sessions"},
    notes="Paid channels: paid_search, recommendation, social, live_stream, "
          "affiliate (PAID_CHANNELS). 1 − share is the paid share. NaN when there "
          "are no visitors.",
)
def free_traffic_share(
    sessions: pd.DataFrame,
    *,
    basis: str = "visitors",
    paid_channels: Sequence[str] = _schema.PAID_CHANNELS,
    channel_col: str = "channel",
    visitor_id_col: str = "visitor_id",
    start_ts_col: str = "start_ts",
    start=None,
    end=None,
    by=None,
):
    """Free-traffic share (免费流量占比): free visitors ÷ (free + paid visitors).

    ``basis="visitors"`` (default, 生意参谋): distinct visitors with a visit
    from a free channel ÷ (free-channel visitors + paid-channel visitors); a
    visitor who came both ways counts on both sides. ``basis="sessions"``:
    free-channel sessions ÷ all sessions. Paid channels are
    ``paid_channels`` (default :data:`ecomkit._schema.PAID_CHANNELS`); every
    other channel is free. The paid share is 1 − the free share.

    Parameters
    ----------
    sessions : pandas.DataFrame
        ``shop.sessions``.
    basis : {"visitors", "sessions"}, default="visitors"
        Count people or visits.
    paid_channels : sequence of str, default=PAID_CHANNELS
        Channels whose visits are bought.
    channel_col, visitor_id_col, start_ts_col : str
        Column names (defaults: the canonical names).
    start, end : date-like, optional
        Inclusive window on the visit start.
    by : str or list of str, optional
        Column(s) of ``sessions`` to split by (生意参谋 shows it per device).

    Returns
    -------
    float or pandas.Series
        A fraction in [0, 1]; NaN when there are no visits. With ``by`` a
        Series named ``"free_traffic_share"``.

    Raises
    ------
    ValueError
        Unknown ``basis``, missing columns.

    See Also
    --------
    traffic_mix

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.traffic as tr
    >>> sessions = pd.DataFrame({
    ...     "visitor_id": [1, 1, 2, 3],
    ...     "start_ts": pd.to_datetime(["2024-05-01"] * 4),
    ...     "channel": ["direct", "paid_search", "organic_search", "social"],
    ... })
    >>> tr.free_traffic_share(sessions)   # free {1, 2} ÷ (2 + paid {1, 3})
    0.5
    """
    func = "free_traffic_share"
    check_option(basis, ("visitors", "sessions"), func, param="basis")
    if isinstance(paid_channels, str):
        raise TypeError(f"{func}(): `paid_channels` must be a list of channel "
                        f"names, got the string {paid_channels!r}.")
    s, by_cols, ts = _sessions_in_window(
        sessions, func, columns={"visitor_id_col": visitor_id_col,
                                 "channel_col": channel_col},
        start_ts_col=start_ts_col, start=start, end=end, by=by,
    )
    cells = _Cells(s, by_cols, ts, "pooled", start, end, func)
    paid = isin_mask(s[channel_col], paid_channels)
    free = ~paid
    if basis == "sessions":
        value = safe_divide(cells.total(free), cells.total())
    else:
        codes, n = _visitor_codes(s, visitor_id_col, func)
        # a visitor who came both ways counts on both sides (生意参谋 adds sources)
        free_uv = cells.distinct(codes, n, mask=free)
        paid_uv = cells.distinct(codes, n, mask=paid)
        value = safe_divide(free_uv, free_uv + paid_uv)
    return cells.result(value, "free_traffic_share")


def _visits_by_period(sessions, func, *, freq, by, columns, visitor_id_col,
                      start_ts_col, start, end):
    """UV and sessions per period (with ``freq``) and ``by`` group of a window.

    One cell per (period, group), counted with ``bincount``; the period of each
    visit comes from its day (:func:`period_codes`). Returns the table
    (columns ``[period,] <by...>, uv, sessions``, one row per cell with a
    visit, sorted by period then group), the sessions in the window, their
    cells and the cell of each row of the table.
    """
    s, by_cols, ts = _sessions_in_window(
        sessions, func, columns=columns, start_ts_col=start_ts_col, start=start,
        end=end, by=by,
    )
    cells = _Cells(s, by_cols, ts, "pooled", start, end, func)
    n_groups = cells.n_groups
    if freq is not None:
        pcode, periods = period_codes(ts, freq)
        cells.cell = pcode * n_groups + cells.gcode  # one cell per (period, group)
        cells.n_cells = max(len(periods), 1) * n_groups
    n_sessions = cells.total().astype("int64")
    codes, n = _visitor_codes(s, visitor_id_col, func)
    uv = cells.distinct(codes, n).astype("int64")
    keep = np.flatnonzero(n_sessions > 0)
    out = pd.DataFrame(index=pd.RangeIndex(len(keep)))
    if freq is not None:
        out["period"] = periods.take(keep // n_groups)
    if by_cols:
        keys = cells.index.to_frame(index=False).take(keep % n_groups)  # all groups
        for col in by_cols:
            out[col] = keys[col].array  # keeps categorical levels
    out["uv"] = uv[keep]
    out["sessions"] = n_sessions[keep]
    return out, s, cells, keep


# ----------------------------------------------------- traffic by period ---
@register_metric(
    "traffic_by_period", name="Traffic by period", name_zh="流量趋势 (分时段)",
    family="traffic",
    formula="per period and group: UV, sessions, PV, single-page bounce rate",
    numerator="see uv, sessions, pv, bounce_rate",
    denominator="see bounce_rate (sessions)",
    window="sessions with start_ts in [start, end], by period of start_ts",
    basis="sessions, events", unit="people, visits, views, fraction",
    notes="Each period's UV is distinct within the period: Σ daily UV ≠ monthly UV.",
)
def traffic_by_period(
    sessions: pd.DataFrame,
    events: pd.DataFrame | None = None,
    *,
    freq: str = "D",
    by="channel",
    session_id_col: str = "session_id",
    visitor_id_col: str = "visitor_id",
    start_ts_col: str = "start_ts",
    event_type_col: str = "event_type",
    page_view_events: Sequence[str] = _schema.PAGE_VIEW_EVENTS,
    start=None,
    end=None,
) -> pd.DataFrame:
    """Traffic per period and group: UV, sessions, PV and bounce rate (流量趋势).

    For each period (of the visit start) and ``by`` group: ``uv`` = distinct
    visitors, ``sessions`` = visits, ``pv`` = page views of those visits,
    ``bounce_rate`` = visits with exactly one page view ÷ visits (the
    single-page 口径 of :func:`bounce_rate`).

    Parameters
    ----------
    sessions : pandas.DataFrame
        ``shop.sessions``.
    events : pandas.DataFrame, optional
        ``shop.events``; without it the ``pv`` and ``bounce_rate`` columns are
        left out.
    freq : {"D", "W", "M", "Q", "Y"}, default="D"
        Period length (weeks start Monday).
    by : str or list of str or None, default="channel"
        Column(s) of ``sessions``; ``None`` for the whole shop.
    session_id_col, visitor_id_col, start_ts_col, event_type_col : str
        Column names (defaults: the canonical names).
    page_view_events : sequence of str, default=PAGE_VIEW_EVENTS
        Event types that are page views.
    start, end : date-like, optional
        Inclusive window on the visit start.

    Returns
    -------
    pandas.DataFrame
        Columns ``period`` (first day of the period), ``<by...>``, ``uv``,
        ``sessions`` (int64), and with events ``pv`` (int64) and
        ``bounce_rate`` (float). One row per period and group with at least
        one visit, sorted by period then the ``by`` keys.

    Raises
    ------
    ValueError
        Bad ``freq``, missing columns, duplicated session ids.

    See Also
    --------
    unique_visitors, page_views, bounce_rate

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.traffic as tr
    >>> sessions = pd.DataFrame({
    ...     "session_id": [1, 2, 3], "visitor_id": [7, 7, 8],
    ...     "start_ts": pd.to_datetime(["2024-05-01 09:00", "2024-05-01 15:00",
    ...                                 "2024-05-02 10:00"]),
    ...     "channel": ["direct", "direct", "social"],
    ... })
    >>> events = pd.DataFrame({
    ...     "session_id": [1, 1, 2, 3],
    ...     "event_type": ["home_view", "search", "home_view", "product_view"],
    ... })
    >>> tr.traffic_by_period(sessions, events)
          period channel  uv  sessions  pv  bounce_rate
    0 2024-05-01  direct   1         2   3          0.5
    1 2024-05-02  social   1         1   1          1.0
    """
    func = "traffic_by_period"
    check_freq(freq, func)
    out, s, cells, keep = _visits_by_period(
        sessions, func, freq=freq, by=by,
        columns={"session_id_col": session_id_col, "visitor_id_col": visitor_id_col},
        visitor_id_col=visitor_id_col, start_ts_col=start_ts_col, start=start, end=end,
    )
    n_sessions = out["sessions"].to_numpy()
    if events is not None:
        pv_mask = _page_view_mask(events, func, session_id_col=session_id_col,
                                  event_type_col=event_type_col,
                                  page_view_events=page_view_events)
        (pv,) = _per_session_counts(s[session_id_col], events[session_id_col],
                                    [pv_mask], func, session_id_col)
        out["pv"] = cells.total(pv).astype("int64")[keep]
        out["bounce_rate"] = safe_divide(cells.total(pv == 1)[keep], n_sessions)
    return out


# --------------------------------------------------------------- keywords ---
@register_metric(
    "keyword_performance", name="Keyword performance", name_zh="搜索关键词效果",
    family="traffic",
    formula="per keyword: CTR = clicks ÷ impressions; conversion = buyers ÷ "
            "visitors; CPC = spend ÷ clicks",
    numerator="clicks; buyers; spend", denominator="impressions; visitors; clicks",
    window="keyword rows with date in [start, end]", basis="keywords",
    unit="fraction, currency/click",
    notes="visitors and buyers are summed over days: a person seen on two days "
          "counts twice. CPC is NaN for keywords without clicks; organic rows "
          "have spend 0.",
)
def keyword_performance(
    keywords: pd.DataFrame,
    *,
    by=("keyword", "source"),
    date_col: str = "date",
    impressions_col: str = "impressions",
    clicks_col: str = "clicks",
    visitors_col: str = "visitors",
    buyers_col: str = "buyers",
    spend_col: str = "spend",
    start=None,
    end=None,
) -> pd.DataFrame:
    """Search keyword performance (搜索关键词效果): CTR, conversion, CPC per keyword.

    Over the keyword-days in ``[start, end]``, per ``by`` group:
    ``ctr`` 点击率 = clicks ÷ impressions; ``conversion_rate`` 转化率 =
    buyers ÷ visitors; ``cpc`` 平均点击花费 = spend ÷ clicks.

    Parameters
    ----------
    keywords : pandas.DataFrame
        ``shop.keywords`` (one row per keyword, source and day).
    by : str or sequence of str or None, default=("keyword", "source")
        Grouping columns; ``None`` or ``()`` for one total row.
    date_col, impressions_col, clicks_col, visitors_col, buyers_col, spend_col : str
        Column names (defaults: the canonical names).
    start, end : date-like, optional
        Inclusive window on ``date``.

    Returns
    -------
    pandas.DataFrame
        Columns ``<by...>, impressions, clicks, ctr, visitors, buyers,
        conversion_rate, spend, cpc``, sorted by the ``by`` keys. Rates are NaN
        where their denominator is 0.

    Raises
    ------
    ValueError
        Missing columns, negative counts or spend.
    TypeError
        Non-numeric counts or spend, ``date`` not datetime.

    See Also
    --------
    traffic_mix

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.traffic as tr
    >>> keywords = pd.DataFrame({
    ...     "date": pd.to_datetime(["2024-05-01", "2024-05-02", "2024-05-01"]),
    ...     "keyword": ["dress", "dress", "shoes"],
    ...     "source": ["paid", "paid", "organic"],
    ...     "impressions": [1000, 1000, 500], "clicks": [30, 10, 0],
    ...     "visitors": [25, 8, 0], "buyers": [2, 1, 0],
    ...     "spend": [30.0, 10.0, 0.0],
    ... })
    >>> kp = tr.keyword_performance(keywords)
    >>> kp[["keyword", "clicks", "ctr", "conversion_rate", "cpc"]]
      keyword  clicks   ctr  conversion_rate  cpc
    0   dress      40  0.02         0.090909  1.0
    1   shoes       0  0.00              NaN  NaN
    """
    func = "keyword_performance"
    numeric = {"impressions_col": impressions_col, "clicks_col": clicks_col,
               "visitors_col": visitors_col, "buyers_col": buyers_col,
               "spend_col": spend_col}
    check_table(keywords, func, param="keywords",
                columns={"date_col": date_col, **numeric}, hint="shop.keywords")
    by_cols = [] if by is None else check_by(by, keywords, func, table="keywords")
    for param, col in numeric.items():
        check_numeric(keywords, col, func, param=param, table="keywords",
                      nonnegative=True)
    dates = check_datetime(keywords, date_col, func, param="date_col",
                           table="keywords")
    k = keywords.loc[window_mask(dates, start, end, func)]
    cols = [impressions_col, clicks_col, visitors_col, buyers_col, spend_col]
    if by_cols:
        sums = (k.groupby(by_cols, observed=True, sort=True, dropna=False)[cols]
                .sum().reset_index())
    else:
        sums = k[cols].sum().to_frame().T.astype(k[cols].dtypes.to_dict())
        sums = sums.reset_index(drop=True)
    out = sums[by_cols].copy()
    out["impressions"] = sums[impressions_col]
    out["clicks"] = sums[clicks_col]
    out["ctr"] = safe_divide(sums[clicks_col], sums[impressions_col])
    out["visitors"] = sums[visitors_col]
    out["buyers"] = sums[buyers_col]
    out["conversion_rate"] = safe_divide(sums[buyers_col], sums[visitors_col])
    out["spend"] = sums[spend_col]
    out["cpc"] = safe_divide(sums[spend_col], sums[clicks_col])
    return out


# -------------------------------------------------------------- sessionize ---
def sessionize(
    events: pd.DataFrame,
    *,
    visitor_id_col: str = "visitor_id",
    event_ts_col: str = "event_ts",
    timeout="30min",
    split_at_midnight: bool = False,
    session_id_col: str = "session_id",
) -> pd.DataFrame:
    """Cut a raw event log into sessions (会话切分): add a ``session_id`` column.

    For each visitor, events are taken in time order and a new session starts
    when the gap since the visitor's previous event is **at least**
    ``timeout`` (GA4 and Shopify: 30 minutes of inactivity). With
    ``split_at_midnight=True`` a new session also starts at a new calendar day
    (Shopify). Session ids are integers ``1, 2, ...`` numbered by visitor
    (in sorted id order) and then by time.

    This is a transformer, not a metric: it returns a new table.

    Parameters
    ----------
    events : pandas.DataFrame
        A log with one row per event.
    visitor_id_col : str, default="visitor_id"
        Visitor id; int or str, no missing values.
    event_ts_col : str, default="event_ts"
        Event time (datetime).
    timeout : str or pandas.Timedelta, default="30min"
        Inactivity that ends a session.
    split_at_midnight : bool, default=False
        Also end sessions at midnight (shop-local time).
    session_id_col : str, default="session_id"
        Name of the new column; must not exist yet.

    Returns
    -------
    pandas.DataFrame
        A copy of ``events`` (same rows, same order) with the int64 column
        ``session_id_col`` added. The input is not modified.

    Raises
    ------
    ValueError
        ``session_id_col`` already exists, a non-positive ``timeout``, missing
        visitor ids or times.

    See Also
    --------
    session_count

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.traffic as tr
    >>> log = pd.DataFrame({
    ...     "visitor_id": [1, 1, 1, 2],
    ...     "event_ts": pd.to_datetime(["2024-05-01 10:00", "2024-05-01 10:10",
    ...                                 "2024-05-01 10:50", "2024-05-01 10:05"]),
    ... })
    >>> tr.sessionize(log)["session_id"].tolist()  # gaps 10 min, then 40 min
    [1, 1, 2, 3]
    """
    func = "sessionize"
    check_table(events, func, param="events",
                columns={"visitor_id_col": visitor_id_col,
                         "event_ts_col": event_ts_col}, hint="shop.events")
    if not isinstance(session_id_col, str):
        raise TypeError(f"{func}(): `session_id_col` must be a column name (str), "
                        f"got {session_id_col!r}.")
    if session_id_col in events.columns:
        raise ValueError(
            f"{func}(): `events` already has a column {session_id_col!r}. Pass "
            f"another name, e.g. `session_id_col='session_id_30min'`, or drop it "
            f"first (`events.drop(columns={session_id_col!r})`)."
        )
    if not isinstance(split_at_midnight, (bool, np.bool_)):
        raise TypeError(f"{func}(): `split_at_midnight` must be True or False, got "
                        f"{split_at_midnight!r}.")
    delta = check_timedelta(timeout, func, param="timeout")
    ts = check_datetime(events, event_ts_col, func, param="event_ts_col",
                        table="events")
    check_no_missing(events, visitor_id_col, func, param="visitor_id_col",
                     what="visitor ids")
    check_no_missing(events, event_ts_col, func, param="event_ts_col",
                     what="timestamps")
    vcodes, _ = pd.factorize(events[visitor_id_col], sort=True)
    ticks, unit = ts_ticks(ts)
    order = np.lexsort((ticks, vcodes))  # by visitor, then time
    v_sorted, t_sorted = vcodes[order], ticks[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (v_sorted[1:] != v_sorted[:-1]) | (
        np.diff(t_sorted) >= to_ticks(delta, unit))
    if split_at_midnight:
        d_sorted = local_days(ts)[order]
        new[1:] |= d_sorted[1:] != d_sorted[:-1]
    ids = np.empty(len(order), dtype="int64")
    ids[order] = np.cumsum(new)
    out = events.copy()
    out[session_id_col] = ids
    return out

