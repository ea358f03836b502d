"""Conversion metrics (转化): funnels, conversion rates, cart and favourite rates.

The headline 支付转化率 is per **visitor** (生意参谋, JD 商智): paying buyers ÷
visitors (UV). Only this 口径 makes the operator identity exact::

    销售额 (paid amount) = 访客数 UV × 支付转化率 × 客单价 (paid amount ÷ buyers)
    UV价值 = paid amount ÷ UV = 支付转化率 × 客单价

Session-based (Shopify, GA4 session key-event rate) and order-based (orders ÷
sessions, the old Universal Analytics way) rates are named variants of
:func:`conversion_rate`; the order-based one divides a count of orders by a
count of visits, so it can exceed 1 and is shown as the wrong-denominator
example.

Event-based rates (add-to-cart, favourite, abandonment) and the funnel read
``shop.events``; a visitor (or session) is a *unit* that either did an action
in the window or did not. ``by`` in these functions may be a column of
``events`` or, given ``sessions=``, a column of ``sessions`` (channel,
device): events are then grouped by the value of their session, and a visitor
who came through two channels appears in both.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from . import _schema
from ._catalog import register_metric
from ._keys import (
    SessionLookup,
    group_agg,
    group_codes,
    id_codes,
    isin_mask,
    to_ticks,
    ts_ticks,
)
from ._orders import orders_in_window, paid_orders, paid_purchases
from ._validation import (
    by_columns,
    check_by,
    check_datetime,
    check_no_missing,
    check_numeric,
    check_option,
    check_table,
    check_timedelta,
    safe_divide,
    window_mask,
)
from .traffic import _check_events, _sessions_in_window, unique_visitors

__all__ = [
    "add_to_cart_rate",
    "cart_abandonment_rate",
    "checkout_abandonment_rate",
    "conversion_rate",
    "favorite_rate",
    "funnel",
    "order_conversion_rate",
    "uv_value",
]

_UNITS = ("session", "visitor")
_MODES = ("closed", "open")
_CR_METHODS = ("visitor", "session", "order")
_I64_MAX = np.iinfo(np.int64).max
DEFAULT_STEPS = ("product_view", "add_to_cart", "checkout", "payment")


# ------------------------------------------------------ events into units ---
class _Units:
    """The units (sessions or visitors, within a ``by`` group) of some events.

    ``keep`` marks the events used. ``codes[i]`` is the unit of the i-th kept
    event, ``0 <= code < n``; ``present[u]`` says unit ``u`` has a kept event
    (codes are not dense); ``group[u]`` is its group and ``index`` the group
    keys (``None`` without ``by``). A visitor seen in two groups is two units.
    """

    def __init__(self, events, keep, func, *, unit_col, by, sessions,
                 session_id_col):
        by_cols = self._by_columns(events, sessions, by, func, session_id_col)
        self.by_cols = by_cols
        from_sessions = bool(by_cols) and not set(by_cols) <= set(events.columns)
        if from_sessions:
            # by a column of sessions: group the sessions, then look up the
            # group of each event's session
            session_group, self.index = group_codes(sessions, by_cols)
            pos = SessionLookup(sessions[session_id_col],
                                events[session_id_col][keep], func,
                                session_id_col).positions()  # -1: no session id
            listed = pos >= 0  # events of sessions not in `sessions` are dropped
            keep = keep.copy()
            keep[np.flatnonzero(keep)[~listed]] = False
            gcode = session_group[pos[listed]]
        elif by_cols:
            gcode, self.index = group_codes(
                events.loc[keep, by_cols].reset_index(drop=True), by_cols)
        self.keep = keep
        ucodes, n_units = id_codes(events[unit_col][keep])
        if not by_cols:
            self.codes, self.n = ucodes, n_units
            self.group = np.zeros(n_units, dtype="int64")
            self.index, self.n_groups = None, 1
        else:
            self.n_groups = len(self.index)
            if from_sessions and unit_col == session_id_col:
                # a session has one channel: the session is the unit
                self.codes, self.n = ucodes, n_units
                self.group = np.zeros(n_units, dtype="int64")
                self.group[ucodes] = gcode
            elif self.n_groups * n_units <= 2 * len(ucodes) + (1 << 20):
                # one unit per (group, unit) pair; few enough pairs to use the
                # pair number itself as the code (no hashing)
                self.codes = gcode * n_units + ucodes
                self.n = self.n_groups * n_units
                self.group = np.arange(self.n) // n_units
            else:
                pair_codes, pairs = pd.factorize(gcode * n_units + ucodes)
                self.codes = pair_codes.astype("int64", copy=False)
                self.n = len(pairs)
                self.group = pairs // n_units
        self.present = np.zeros(self.n, dtype=bool)
        self.present[self.codes] = True

    @staticmethod
    def _by_columns(events, sessions, by, func, session_id_col):
        cols = by_columns(by)
        if set(cols) <= set(events.columns):
            return cols
        if sessions is None:
            return check_by(cols, events, func, table="events")  # raises, names columns
        check_table(sessions, func, param="sessions",
                    columns={"session_id_col": session_id_col}, hint="shop.sessions")
        check_table(events, func, param="events",
                    columns={"session_id_col": session_id_col}, hint="shop.events")
        missing = [c for c in cols if c not in sessions.columns]
        if missing:
            check_by(missing, events, func, table="events or sessions")
        in_events = [c for c in cols if c in events.columns]
        if in_events:
            raise ValueError(
                f"{func}(): `by` mixes columns of `events` {in_events} and of "
                f"`sessions`; use columns of one table (add the column you need "
                f"to one of them first)."
            )
        return cols

    def has(self, mask_kept: np.ndarray) -> np.ndarray:
        """Boolean per unit: the unit has at least one of the masked events."""
        out = np.zeros(self.n, dtype=bool)
        out[self.codes[mask_kept]] = True
        return out

    def count(self, unit_mask: np.ndarray) -> np.ndarray:
        """Number of units per group among ``unit_mask``."""
        if self.n_groups == 1:
            return np.array([np.count_nonzero(unit_mask)])
        return np.bincount(self.group[unit_mask], minlength=self.n_groups)

    def result(self, num, den, name):
        """A float (no ``by``) or a Series by group (groups with a denominator)."""
        value = safe_divide(num, den)
        if self.index is None:
            return float(value[0])
        present = den > 0
        return pd.Series(value[present], index=self.index[present], name=name)


def _unit_column(unit, session_id_col, visitor_id_col):
    if unit == "session":
        return session_id_col, {"session_id_col": session_id_col}
    return visitor_id_col, {"visitor_id_col": visitor_id_col}


def _events_in_window(events, func, event_ts_col, start, end) -> np.ndarray:
    ts = check_datetime(events, event_ts_col, func, param="event_ts_col",
                        table="events")
    if start is None and end is None:
        return np.ones(len(events), dtype=bool)
    return window_mask(ts, start, end, func)


def _unit_rate(events, func, name, *, num_types, den_types, negate, unit, by,
               sessions, start, end, session_id_col, visitor_id_col, event_ts_col,
               event_type_col):
    """Share of units doing an action (or, ``negate``, not doing it).

    Denominator: units with an event of ``den_types`` (any event when
    ``None``) in the window. Numerator: those with (without, when
    ``negate``) an event of ``num_types`` in the window.
    """
    check_option(unit, _UNITS, func, param="unit")
    unit_col, unit_param = _unit_column(unit, session_id_col, visitor_id_col)
    _check_events(events, func, {**unit_param, "event_ts_col": event_ts_col,
                                      "event_type_col": event_type_col})
    keep = _events_in_window(events, func, event_ts_col, start, end)
    _check_ids(events, unit_col, func, unit_param)
    units = _Units(events, keep, func, unit_col=unit_col, by=by, sessions=sessions,
                   session_id_col=session_id_col)
    types, kept = events[event_type_col], units.keep
    if den_types is None:
        den_units = units.present
    else:
        den_units = units.has(isin_mask(types, den_types)[kept])
    did = units.has(isin_mask(types, num_types)[kept])
    num_units = den_units & (~did if negate else did)
    return units.result(units.count(num_units), units.count(den_units), name)


def _check_ids(events, unit_col, func, unit_param):
    if events[unit_col].hasnans:
        check_no_missing(events, unit_col, func, param=next(iter(unit_param)),
                         what="ids")


# ================================================================ funnel ===
def _step_index(types: pd.Series, steps: tuple, func: str) -> np.ndarray:
    """Step number (0-based) of each event, -1 for events that are no step."""
    if isinstance(types.dtype, pd.CategoricalDtype):
        cats = list(types.cat.categories)
        lut = np.full(len(cats) + 1, -1, dtype="int8")  # last slot: NaN (code -1)
        for k, step in enumerate(steps):
            if step in cats:
                lut[cats.index(step)] = k
            elif step not in _schema.EVENT_TYPES:
                _raise_unknown_step(step, cats, func)
        return lut[types.cat.codes.to_numpy()]
    codes = pd.Index(list(steps)).get_indexer(types).astype("int8")  # -1: no step
    seen = np.bincount(codes[codes >= 0], minlength=len(steps)) > 0
    for k, step in enumerate(steps):
        if not seen[k] and step not in _schema.EVENT_TYPES:
            _raise_unknown_step(step, types.drop_duplicates().head(10).tolist(), func)
    return codes


def _raise_unknown_step(step, known, func):
    raise ValueError(
        f"{func}(): step {step!r} (from `steps`) is not an event type of `events`; "
        f"known types include {list(known)[:10]}. Check the spelling."
    )


def _check_steps(steps, func) -> tuple:
    if isinstance(steps, str) or not isinstance(steps, Sequence) or not len(steps):
        raise TypeError(
            f"{func}(): `steps` must be a list of event types in funnel order, e.g. "
            f"('product_view', 'add_to_cart', 'payment'); got {steps!r}."
        )
    steps = tuple(steps)
    if len(set(steps)) != len(steps):
        raise ValueError(f"{func}(): `steps` lists an event type twice: {steps!r}. "
                         f"Each step must be a different event type.")
    return steps


@register_metric(
    "funnel", name="Conversion funnel", name_zh="转化漏斗", family="conversion",
    formula="per step k: units that did steps 1..k in order; step conversion = "
            "count_k ÷ count_(k−1); overall = count_k ÷ units entering the funnel",
    numerator="units (sessions or visitors) reaching step k",
    denominator="units at the previous step; units entering the funnel",
    window="events with event_ts in [start, end]; steps within the session, or "
           "within `window` of the first step for visitor funnels",
    basis="events", unit="units, fraction",
    variants={
        "closed": "a unit enters only at step 1 (default; GA4 closed funnel)",
        "open": "a unit enters at the lowest step it did (GA4 open funnel) and "
                "must then do the following steps in order",
    },
    notes="Skipping a step ends the unit's progress (GA4). Timestamps must be "
          "non-decreasing along the steps (ties allowed). In closed funnels the "
          "counts never increase down the steps.",
)
def funnel(
    events: pd.DataFrame,
    *,
    steps: Sequence[str] = DEFAULT_STEPS,
    unit: str = "session",
    mode: str = "closed",
    by=None,
    sessions: pd.DataFrame | None = None,
    window=None,
    start=None,
    end=None,
    session_id_col: str = "session_id",
    visitor_id_col: str = "visitor_id",
    event_ts_col: str = "event_ts",
    event_type_col: str = "event_type",
) -> pd.DataFrame:
    """Conversion funnel (转化漏斗): units reaching each step, in order.

    Only events with ``event_ts`` in ``[start, end]`` are used. A *unit* is a
    session (``unit="session"``: all steps inside one visit) or a visitor
    (``unit="visitor"``: steps may span visits).

    **Closed** (``mode="closed"``, default, GA4's default): a unit enters the
    funnel at its first step-1 event. It counts at step ``k`` when it did
    steps ``1..k`` in that order: each step's event at or after the previous
    step's (ties allowed), the earliest such event being used (greedy
    earliest match; without a time limit this finds an in-order path
    whenever one exists). With ``window`` (e.g. ``"7D"``) every step must
    also happen within ``window`` of the entry event: the clock starts at the
    unit's first step-1 event, later attempts are not tried.

    **Open** (``mode="open"``, GA4 open funnel): a unit enters at the lowest
    step it did in the window (at its earliest event of that step) and then
    follows the same rules from there. So a session with only checkout and
    payment counts at steps 3 and 4. Units that did step 1 are counted
    exactly as in the closed funnel, so open counts are ≥ closed counts.
    In an open funnel a step can hold more units than the previous one (new
    entrants); ``step_conversion`` and ``drop_off`` therefore follow the units
    that *continued* from the previous step, and ``overall_conversion``
    divides by all entrants.

    Per step:

    * ``count`` = units reaching the step; ``entered`` = units entering the
      funnel at this step (closed: the step-1 count, then 0).
    * ``step_conversion`` = (count − entered) ÷ previous count = share of the
      previous step's units that went on (closed: count ÷ previous count);
      1.0 for the first step (NaN when no unit reached it).
    * ``overall_conversion`` = count ÷ units entering the funnel (closed:
      count ÷ step-1 count).
    * ``drop_off`` = previous count − (count − entered) = units of the previous
      step that did not go on (closed: previous − count); 0 for step 1.

    Parameters
    ----------
    events : pandas.DataFrame
        ``shop.events`` (one row per action; any row order).
    steps : sequence of str, default=DEFAULT_STEPS
        Event types in funnel order, each once; default ``("product_view",
        "add_to_cart", "checkout", "payment")``.
    unit : {"session", "visitor"}, default="session"
        Follow visits or people.
    mode : {"closed", "open"}, default="closed"
        Where units may enter, see above.
    by : str or list of str, optional
        Column(s) of ``events`` (e.g. ``"product_id"``: a funnel per product,
        built from that product's events) or of ``sessions`` (``"channel"``,
        ``"device"``: events grouped by their session's value).
    sessions : pandas.DataFrame, optional
        ``shop.sessions``, needed when ``by`` names a sessions column.
        Events whose session is not listed are then left out.
    window : str or pandas.Timedelta, optional
        Time limit from the entry event (e.g. ``"7D"``, ``"30min"``); ``None``
        for no limit (a session funnel is limited by the visit anyway).
    start, end : date-like, optional
        Inclusive window on ``event_ts``.
    session_id_col, visitor_id_col, event_ts_col, event_type_col : str
        Column names (defaults: the canonical names).

    Returns
    -------
    pandas.DataFrame
        Columns ``<by...>, step, step_number, count, entered,
        step_conversion, overall_conversion, drop_off``: ``step`` is an
        ordered categorical in the order of ``steps``, ``step_number`` starts
        at 1, counts are int64 and rates fractions in [0, 1]. One block of
        ``len(steps)`` rows per group that has a unit entering the funnel
        (always one block without ``by``), sorted by the ``by`` keys then step.

    Raises
    ------
    ValueError
        Unknown ``unit`` / ``mode``, a step named twice or not an event type,
        a non-positive ``window``, missing columns, missing ids or times.
    TypeError
        ``steps`` given as one string, ``event_ts`` not datetime.

    See Also
    --------
    add_to_cart_rate, cart_abandonment_rate, conversion_rate

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.conversion as cv
    >>> events = pd.DataFrame({
    ...     "session_id": [1, 1, 1, 2, 2, 3, 3],
    ...     "visitor_id": [7, 7, 7, 8, 8, 9, 9],
    ...     "event_ts": pd.to_datetime([
    ...         "2024-05-01 10:00", "2024-05-01 10:01", "2024-05-01 10:02",
    ...         "2024-05-01 11:00", "2024-05-01 11:05",
    ...         "2024-05-01 12:00", "2024-05-01 12:01"]),
    ...     "event_type": ["product_view", "add_to_cart", "payment",
    ...                    "add_to_cart", "product_view",
    ...                    "add_to_cart", "payment"],
    ... })
    >>> f = cv.funnel(events, steps=["product_view", "add_to_cart", "payment"])
    >>> f[["step", "count", "step_conversion", "overall_conversion", "drop_off"]]
               step  count  step_conversion  overall_conversion  drop_off
    0  product_view      2              1.0                 1.0         0
    1   add_to_cart      1              0.5                 0.5         1
    2       payment      1              1.0                 0.5         0
    >>> cv.funnel(events, steps=["product_view", "add_to_cart", "payment"],
    ...           mode="open")["count"].tolist()   # session 3 enters at add_to_cart
    [2, 2, 2]
    """
    func = "funnel"
    steps = _check_steps(steps, func)
    check_option(unit, _UNITS, func, param="unit")
    check_option(mode, _MODES, func, param="mode")
    unit_col, unit_param = _unit_column(unit, session_id_col, visitor_id_col)
    _check_events(events, func, {**unit_param, "event_ts_col": event_ts_col,
                                      "event_type_col": event_type_col})
    window_td = (None if window is None
                 else check_timedelta(window, func, param="window"))
    step_of = _step_index(events[event_type_col], steps, func)
    keep = (step_of >= 0) & _events_in_window(events, func, event_ts_col, start, end)
    ts_all = events[event_ts_col]
    if ts_all.hasnans and ts_all[keep].hasnans:
        check_no_missing(events.loc[keep], event_ts_col, func, param="event_ts_col",
                         what="timestamps")
    _check_ids(events, unit_col, func, unit_param)
    units = _Units(events, keep, func, unit_col=unit_col, by=by, sessions=sessions,
                   session_id_col=session_id_col)
    keep = units.keep
    ticks, tick_unit = ts_ticks(ts_all)
    t, k_of, c = ticks[keep], step_of[keep], units.codes
    reached, entered = _funnel_counts(
        t, k_of, c, units, len(steps), mode,
        None if window_td is None else to_ticks(window_td, tick_unit))
    return _funnel_frame(reached, entered, steps, units)


def _funnel_counts(t, k_of, c, units, n_steps, mode, window_ticks):
    """Units reaching and entering each step, per group: two (groups × steps) arrays.

    For each step k, in order, ``reach_t[u]`` is the time unit ``u`` reached
    step k (``_I64_MAX``: not reached): its earliest step-k event at or after
    its step-(k−1) time (within the window of its entry time), or, for a unit
    entering at k, its earliest step-k event. One ``np.minimum.at`` per step:
    no loop over units.
    """
    n = units.n
    by_step = [np.flatnonzero(k_of == k) for k in range(n_steps)]
    # entry step of each unit: 0 for closed funnels (units without step 1 never
    # enter), the lowest step the unit did for open funnels
    entry = np.full(n, n_steps, dtype="int64")
    for k in (range(n_steps - 1, -1, -1) if mode == "open" else [0]):
        entry[c[by_step[k]]] = k  # lower steps overwrite higher ones
    reach_t = np.full(n, _I64_MAX, dtype="int64")
    anchor = reach_t  # entry time of each unit, for `window`
    reached = np.zeros((units.n_groups, n_steps), dtype="int64")
    entered = np.zeros((units.n_groups, n_steps), dtype="int64")
    for k in range(n_steps):
        uc, tk = c[by_step[k]], t[by_step[k]]
        if k > 0:  # at step 1 every unit with the event is entering
            e = entry[uc]
            # entering at this step, or going on: at or after the previous step
            ok = (e == k) | ((e < k) & (tk >= reach_t[uc]))
            if window_ticks is not None:
                ok &= (e == k) | (tk - anchor[uc] <= window_ticks)
            uc, tk = uc[ok], tk[ok]
        new_t = np.full(n, _I64_MAX, dtype="int64")
        np.minimum.at(new_t, uc, tk)  # earliest qualifying event per unit
        starts_here = entry == k
        if window_ticks is not None:
            anchor = np.where(starts_here, new_t, anchor)
        reach_t = new_t
        reached[:, k] = units.count(reach_t < _I64_MAX)
        entered[:, k] = units.count(starts_here)
    return reached, entered


def _funnel_frame(reached, entered, steps, units) -> pd.DataFrame:
    n_steps = len(steps)
    entrants = entered.sum(axis=1)
    groups = np.arange(units.n_groups)
    if units.index is not None:
        groups = groups[entrants > 0]
    reached, entered, entrants = reached[groups], entered[groups], entrants[groups]
    went_on = reached - entered
    prev = np.zeros_like(reached)
    prev[:, 1:] = reached[:, :-1]
    step_conv = safe_divide(went_on.astype(float), prev)
    step_conv[:, 0] = safe_divide(reached[:, 0], reached[:, 0])
    drop = prev - went_on
    drop[:, 0] = 0
    overall = safe_divide(reached, np.repeat(entrants[:, None], n_steps, axis=1))
    out = pd.DataFrame()
    if units.index is not None:
        keys = units.index.take(np.repeat(groups, n_steps)).to_frame(index=False)
        out = keys
    out["step"] = pd.Categorical(np.tile(list(steps), len(groups)),
                                 categories=list(steps), ordered=True)
    out["step_number"] = np.tile(np.arange(1, n_steps + 1), len(groups))
    out["count"] = reached.ravel()
    out["entered"] = entered.ravel()
    out["step_conversion"] = step_conv.ravel()
    out["overall_conversion"] = overall.ravel()
    out["drop_off"] = drop.ravel()
    return out


# ======================================================= conversion rates ===
def _by_list(by, tables: dict, func):
    cols = by_columns(by)
    for name, table in tables.items():
        check_by(cols, table, func, table=name)
    return cols


def _divide(num, den, name):
    """num ÷ den for scalars, or aligned by group (groups of either side)."""
    if not isinstance(den, pd.Series):
        return safe_divide(num, den)
    both = pd.concat([num.rename("num"), den.rename("den")], axis=1)
    both = both.fillna(0).sort_index()
    return safe_divide(both["num"], both["den"]).rename(name)


def _visitors(sessions, func, *, visitor_id_col, start_ts_col, start, end, by_cols):
    try:
        return unique_visitors(sessions, visitor_id_col=visitor_id_col,
                               start_ts_col=start_ts_col, start=start, end=end,
                               by=by_cols or None)
    except (TypeError, ValueError) as err:  # name the caller, not the helper
        raise type(err)(str(err).replace("unique_visitors()", f"{func}()")) from None


def _paying_buyers(orders, func, *, customer_id_col, paid_ts_col, start, end,
                   by_cols):
    paid = paid_purchases(orders, func, customer_id_col=customer_id_col,
                          paid_ts_col=paid_ts_col, start=start, end=end)
    if not by_cols:
        return paid[customer_id_col].nunique()
    return group_agg(paid, customer_id_col, by_cols, "nunique")


@register_metric(
    "pay_conversion_rate", name="Payment conversion rate", name_zh="支付转化率",
    family="conversion", formula="paying buyers ÷ visitors (UV)",
    numerator="distinct customers with an order paid in the window",
    denominator="distinct visitors with a session started in the window (UV)",
    window="orders by paid_ts, sessions by start_ts, both in [start, end]",
    basis="orders.paid_ts, customer_id; sessions.visitor_id", unit="fraction",
    variants={
        "visitor": "paying buyers ÷ UV (default; 生意参谋, JD 商智)",
        "session": "sessions with a paid order ÷ sessions (Shopify, GA4 session "
                   "key-event rate)",
        "order": "paid orders ÷ sessions (old Universal Analytics; wrong "
                 "denominator, can exceed 1)",
    },
    notes="销售额 = UV × 支付转化率 × 客单价 holds only for the visitor 口径. NaN "
          "when there are no visitors (sessions).",
)
def conversion_rate(
    orders: pd.DataFrame,
    sessions: pd.DataFrame,
    *,
    method: str = "visitor",
    customer_id_col: str = "customer_id",
    paid_ts_col: str = "paid_ts",
    session_id_col: str = "session_id",
    visitor_id_col: str = "visitor_id",
    start_ts_col: str = "start_ts",
    start=None,
    end=None,
    by=None,
):
    """Payment conversion rate (支付转化率), per visitor by default.

    ``method="visitor"`` (default, 生意参谋 / JD 商智)
        paying buyers ÷ UV: distinct ``customer_id`` with an order paid
        (``paid_ts`` set) in ``[start, end]``, divided by the distinct
        visitors of the sessions started in the window
        (:func:`ecomkit.traffic.unique_visitors`).
    ``method="session"`` (Shopify "online store conversion rate")
        sessions with a paid order ÷ sessions: of the sessions started in the
        window, the share in which an order (paid at any time) was placed;
        several orders in one session count once.
    ``method="order"`` (Universal Analytics "ecommerce conversion rate")
        paid orders (paid in the window) ÷ sessions. This is the classic
        wrong-denominator example: it divides a count of orders by a count
        of visits, so one visit with two orders gives 2 ÷ 1 = 200 %. It is
        not a share of anything and can exceed 1; it is kept only to show
        why tools disagree.

    Parameters
    ----------
    orders : pandas.DataFrame
        ``shop.orders`` (an order is paid when ``paid_ts`` is set).
    sessions : pandas.DataFrame
        ``shop.sessions``.
    method : {"visitor", "session", "order"}, default="visitor"
        The 口径, see above.
    customer_id_col, paid_ts_col : str
        Columns of ``orders``.
    session_id_col : str, default="session_id"
        Session key (in both tables; used by ``method="session"``).
    visitor_id_col, start_ts_col : str
        Columns of ``sessions``.
    start, end : date-like, optional
        Inclusive window (payments by ``paid_ts``, visits by ``start_ts``).
    by : str or list of str, optional
        Column(s) present in both tables, e.g. ``"channel"`` or ``"device"``
        (the order's channel is its session's channel).

    Returns
    -------
    float or pandas.Series
        NaN when there are no visitors (sessions). With ``by`` a Series named
        ``"conversion_rate"`` over the groups of either table, sorted.

    Raises
    ------
    ValueError
        Unknown ``method``, missing columns, a missing customer id on a paid
        order, ``by`` missing from one table.
    TypeError
        A dict of tables, a time column that is not datetime.

    See Also
    --------
    order_conversion_rate, uv_value, funnel

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.conversion as cv
    >>> sessions = pd.DataFrame({
    ...     "session_id": [1, 2, 3, 4], "visitor_id": [10, 11, 12, 13],
    ...     "start_ts": pd.to_datetime(["2024-05-01 09:00"] * 4),
    ... })
    >>> orders = pd.DataFrame({
    ...     "customer_id": [100, 100, 101], "session_id": [1, 1, 2],
    ...     "paid_ts": pd.to_datetime(["2024-05-01 09:10", "2024-05-01 09:20",
    ...                                None]),
    ... })
    >>> cv.conversion_rate(orders, sessions)                   # 1 buyer ÷ 4 UV
    0.25
    >>> cv.conversion_rate(orders, sessions, method="session")  # session 1 of 4
    0.25
    >>> cv.conversion_rate(orders, sessions, method="order")    # 2 orders ÷ 4 visits
    0.5
    """
    func = "conversion_rate"
    check_option(method, _CR_METHODS, func, param="method")
    check_table(orders, func, param="orders", hint="shop.orders")
    check_table(sessions, func, param="sessions", hint="shop.sessions")
    tables = {"sessions": sessions} if method == "session" else {
        "orders": orders, "sessions": sessions}
    by_cols = _by_list(by, tables, func)
    if method == "visitor":
        num = _paying_buyers(orders, func, customer_id_col=customer_id_col,
                             paid_ts_col=paid_ts_col, start=start, end=end,
                             by_cols=by_cols)
        den = _visitors(sessions, func, visitor_id_col=visitor_id_col,
                        start_ts_col=start_ts_col, start=start, end=end,
                        by_cols=by_cols)
        return _divide(num, den, "conversion_rate")
    s, _, _ = _sessions_in_window(
        sessions, func, columns={"session_id_col": session_id_col},
        start_ts_col=start_ts_col, start=start, end=end, by=by_cols or None,
    )
    if method == "session":
        paid = paid_orders(orders, func, paid_ts_col=paid_ts_col,
                           columns={"session_id_col": session_id_col})
        converted = s[session_id_col].isin(paid[session_id_col].dropna())
        if not by_cols:
            return safe_divide(int(converted.sum()), len(s))
        flags = s[by_cols].assign(_converted=converted.to_numpy())
        num = group_agg(flags, "_converted", by_cols, "sum")
        den = group_agg(flags, "_converted", by_cols, "size")
        return _divide(num, den, "conversion_rate")
    paid = paid_orders(orders, func, start=start, end=end, paid_ts_col=paid_ts_col)
    if not by_cols:
        return safe_divide(len(paid), len(s))
    num = group_agg(paid, None, by_cols, "size")
    den = group_agg(s, None, by_cols, "size")
    return _divide(num, den, "conversion_rate")


@register_metric(
    "order_conversion_rate", name="Order-placement conversion rate",
    name_zh="下单转化率", family="conversion",
    formula="buyers who placed an order ÷ visitors (UV)",
    numerator="distinct customers with an order placed in the window (any status)",
    denominator="UV (distinct visitors of the sessions started in the window)",
    window="orders by order_ts, sessions by start_ts, both in [start, end]",
    basis="orders.order_ts, customer_id", unit="fraction",
    notes="≥ 支付转化率: unpaid and cancelled orders count. NaN when there are no "
          "visitors.",
)
def order_conversion_rate(
    orders: pd.DataFrame,
    sessions: pd.DataFrame,
    *,
    customer_id_col: str = "customer_id",
    order_ts_col: str = "order_ts",
    visitor_id_col: str = "visitor_id",
    start_ts_col: str = "start_ts",
    start=None,
    end=None,
    by=None,
):
    """Order-placement conversion rate (下单转化率) = ordering buyers ÷ UV.

    Numerator: distinct ``customer_id`` with an order placed (``order_ts``)
    in ``[start, end]``, whatever its status (paid, unpaid, cancelled).
    Denominator: UV of the sessions started in the window.

    Parameters
    ----------
    orders, sessions : pandas.DataFrame
        ``shop.orders`` and ``shop.sessions``.
    customer_id_col, order_ts_col : str
        Columns of ``orders``.
    visitor_id_col, start_ts_col : str
        Columns of ``sessions``.
    start, end : date-like, optional
        Inclusive window.
    by : str or list of str, optional
        Column(s) present in both tables (channel, device).

    Returns
    -------
    float or pandas.Series
        NaN when there are no visitors. With ``by`` a Series named
        ``"order_conversion_rate"``.

    Raises
    ------
    ValueError, TypeError
        As :func:`conversion_rate`.

    See Also
    --------
    conversion_rate

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.conversion as cv
    >>> sessions = pd.DataFrame({
    ...     "visitor_id": [10, 11, 12, 13],
    ...     "start_ts": pd.to_datetime(["2024-05-01 09:00"] * 4),
    ... })
    >>> orders = pd.DataFrame({
    ...     "customer_id": [100, 101],
    ...     "order_ts": pd.to_datetime(["2024-05-01 09:10", "2024-05-01 09:20"]),
    ... })
    >>> cv.order_conversion_rate(orders, sessions)   # 2 ordering buyers ÷ 4 UV
    0.5
    """
    func = "order_conversion_rate"
    check_table(orders, func, param="orders",
                columns={"customer_id_col": customer_id_col,
                         "order_ts_col": order_ts_col}, hint="shop.orders")
    check_table(sessions, func, param="sessions", hint="shop.sessions")
    by_cols = _by_list(by, {"orders": orders, "sessions": sessions}, func)
    placed = orders_in_window(orders, func, ts_col=order_ts_col,
                              ts_param="order_ts_col", start=start, end=end,
                              dropna=False)
    check_no_missing(placed, customer_id_col, func, param="customer_id_col",
                     what="customer ids")
    num = (placed[customer_id_col].nunique() if not by_cols
           else group_agg(placed, customer_id_col, by_cols, "nunique"))
    den = _visitors(sessions, func, visitor_id_col=visitor_id_col,
                    start_ts_col=start_ts_col, start=start, end=end, by_cols=by_cols)
    return _divide(num, den, "order_conversion_rate")


@register_metric(
    "uv_value", name="Revenue per visitor", name_zh="UV价值", family="conversion",
    formula="paid amount ÷ visitors (UV) = 支付转化率 × 客单价",
    numerator="Σ paid_amount of orders paid in the window",
    denominator="UV (distinct visitors of the sessions started in the window)",
    window="orders by paid_ts, sessions by start_ts, both in [start, end]",
    basis="paid_amount (支付金额: shipping included, refunds not deducted)",
    unit="currency/visitor",
    notes="Used to value channels. NaN when there are no visitors.",
)
def uv_value(
    orders: pd.DataFrame,
    sessions: pd.DataFrame,
    *,
    paid_amount_col: str = "paid_amount",
    paid_ts_col: str = "paid_ts",
    visitor_id_col: str = "visitor_id",
    start_ts_col: str = "start_ts",
    start=None,
    end=None,
    by=None,
):
    """Revenue per visitor (UV价值) = paid amount ÷ UV.

    Numerator: Σ ``paid_amount`` of the orders paid in ``[start, end]``
    (支付金额 basis: shipping included, later refunds not deducted).
    Denominator: UV of the sessions started in the window. Equals
    支付转化率 × 客单价 (paid amount ÷ paying buyers) exactly.

    Parameters
    ----------
    orders, sessions : pandas.DataFrame
        ``shop.orders`` and ``shop.sessions``.
    paid_amount_col, paid_ts_col : str
        Columns of ``orders``; money must be numeric and >= 0.
    visitor_id_col, start_ts_col : str
        Columns of ``sessions``.
    start, end : date-like, optional
        Inclusive window.
    by : str or list of str, optional
        Column(s) present in both tables (channel, device).

    Returns
    -------
    float or pandas.Series
        Currency per visitor; NaN when there are no visitors. With ``by`` a
        Series named ``"uv_value"``.

    Raises
    ------
    ValueError
        Negative amounts, missing columns.
    TypeError
        Non-numeric amounts.

    See Also
    --------
    conversion_rate

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.conversion as cv
    >>> sessions = pd.DataFrame({
    ...     "visitor_id": [10, 11, 12, 13],
    ...     "start_ts": pd.to_datetime(["2024-05-01 09:00"] * 4),
    ... })
    >>> orders = pd.DataFrame({
    ...     "paid_amount": [120.0, 80.0],
    ...     "paid_ts": pd.to_datetime(["2024-05-01 09:10", "2024-05-01 09:20"]),
    ... })
    >>> cv.uv_value(orders, sessions)   # 200 ÷ 4 visitors
    50.0
    """
    func = "uv_value"
    check_table(orders, func, param="orders", hint="shop.orders")
    check_table(sessions, func, param="sessions", hint="shop.sessions")
    by_cols = _by_list(by, {"orders": orders, "sessions": sessions}, func)
    paid = paid_orders(orders, func, start=start, end=end, paid_ts_col=paid_ts_col,
                       columns={"paid_amount_col": paid_amount_col})
    check_numeric(orders, paid_amount_col, func, param="paid_amount_col",
                  table="orders", nonnegative=True)
    num = (float(paid[paid_amount_col].sum()) if not by_cols
           else group_agg(paid, paid_amount_col, by_cols, "sum"))
    den = _visitors(sessions, func, visitor_id_col=visitor_id_col,
                    start_ts_col=start_ts_col, start=start, end=end, by_cols=by_cols)
    return _divide(num, den, "uv_value")


# ===================================================== event-based rates ===
_EVENT_RATE_PARAMS = """events : pandas.DataFrame
        ``shop.events``.
    unit : {"visitor", "session"}, default="visitor"
        Count people or visits.
    by : str or list of str, optional
        Column(s) of ``events``, or of ``sessions`` when ``sessions`` is given.
    sessions : pandas.DataFrame, optional
        ``shop.sessions``, to split by channel or device.
    start, end : date-like, optional
        Inclusive window on ``event_ts``.
    session_id_col, visitor_id_col, event_ts_col, event_type_col : str
        Column names (defaults: the canonical names)."""


@register_metric(
    "add_to_cart_rate_visitor", name="Add-to-cart rate", name_zh="加购率",
    family="conversion",
    formula="visitors who added to cart ÷ visitors",
    numerator="distinct visitors with an add_to_cart event in the window",
    denominator="distinct visitors with any event in the window",
    window="events with event_ts in [start, end]", basis="events", unit="fraction",
    variants={"session": "sessions with an add_to_cart ÷ sessions (Shopify)"},
    notes="Intelligems / AllValue: visitor-based. NaN when there are no visitors.",
)
def add_to_cart_rate(
    events: pd.DataFrame,
    *,
    unit: str = "visitor",
    by=None,
    sessions: pd.DataFrame | None = None,
    start=None,
    end=None,
    session_id_col: str = "session_id",
    visitor_id_col: str = "visitor_id",
    event_ts_col: str = "event_ts",
    event_type_col: str = "event_type",
):
    """Add-to-cart rate (加购率) = visitors who added to cart ÷ visitors.

    Numerator: distinct visitors (sessions, with ``unit="session"``) with an
    ``add_to_cart`` event in ``[start, end]``. Denominator: distinct
    visitors (sessions) with any event in the window, i.e. the UV of the
    event log.

    Parameters
    ----------
    {params}

    Returns
    -------
    float or pandas.Series
        A fraction in [0, 1]; NaN when there are no visitors. With ``by`` a
        Series named ``"add_to_cart_rate"``.

    Raises
    ------
    ValueError
        Unknown ``unit``, missing columns or ids.

    See Also
    --------
    favorite_rate, cart_abandonment_rate, funnel

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.conversion as cv
    >>> events = pd.DataFrame({
    ...     "session_id": [1, 1, 2, 3], "visitor_id": [7, 7, 8, 9],
    ...     "event_ts": pd.to_datetime(["2024-05-01 10:00"] * 4),
    ...     "event_type": ["product_view", "add_to_cart", "home_view", "search"],
    ... })
    >>> cv.add_to_cart_rate(events)   # visitor 7 of 3
    0.333...
    """
    return _unit_rate(
        events, "add_to_cart_rate", "add_to_cart_rate", num_types=("add_to_cart",),
        den_types=None, negate=False, unit=unit, by=by, sessions=sessions,
        start=start, end=end, session_id_col=session_id_col,
        visitor_id_col=visitor_id_col, event_ts_col=event_ts_col,
        event_type_col=event_type_col,
    )


@register_metric(
    "favorite_rate", name="Favourite rate", name_zh="收藏率", family="conversion",
    formula="visitors who added a favourite ÷ visitors",
    numerator="distinct visitors with a favorite event in the window",
    denominator="distinct visitors with any event in the window",
    window="events with event_ts in [start, end]", basis="events", unit="fraction",
    variants={"session": "sessions with a favorite ÷ sessions"},
    notes="收藏人数 ÷ 访客数 (no official formula; ecomkit's reading). NaN when "
          "there are no visitors.",
)
def favorite_rate(
    events: pd.DataFrame,
    *,
    unit: str = "visitor",
    by=None,
    sessions: pd.DataFrame | None = None,
    start=None,
    end=None,
    session_id_col: str = "session_id",
    visitor_id_col: str = "visitor_id",
    event_ts_col: str = "event_ts",
    event_type_col: str = "event_type",
):
    """Favourite rate (收藏率) = visitors who favourited ÷ visitors.

    Numerator: distinct visitors (sessions) with a ``favorite`` event in
    ``[start, end]`` (收藏人数). Denominator: distinct visitors (sessions) with
    any event in the window.

    Parameters
    ----------
    {params}

    Returns
    -------
    float or pandas.Series
        A fraction in [0, 1]; NaN when there are no visitors. With ``by`` a
        Series named ``"favorite_rate"``.

    Raises
    ------
    ValueError
        Unknown ``unit``, missing columns or ids.

    See Also
    --------
    add_to_cart_rate

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.conversion as cv
    >>> events = pd.DataFrame({
    ...     "session_id": [1, 1, 2], "visitor_id": [7, 7, 8],
    ...     "event_ts": pd.to_datetime(["2024-05-01 10:00"] * 3),
    ...     "event_type": ["product_view", "favorite", "product_view"],
    ... })
    >>> cv.favorite_rate(events)
    0.5
    """
    return _unit_rate(
        events, "favorite_rate", "favorite_rate", num_types=("favorite",),
        den_types=None, negate=False, unit=unit, by=by, sessions=sessions,
        start=start, end=end, session_id_col=session_id_col,
        visitor_id_col=visitor_id_col, event_ts_col=event_ts_col,
        event_type_col=event_type_col,
    )


@register_metric(
    "cart_abandonment_rate", name="Cart abandonment rate", name_zh="加购未支付率",
    family="conversion",
    formula="visitors who added to cart and did not pay ÷ visitors who added to cart",
    numerator="visitors with add_to_cart and no payment event in the window",
    denominator="visitors with an add_to_cart event in the window",
    window="events with event_ts in [start, end]", basis="events", unit="fraction",
    variants={"session": "the same per session"},
    notes="Intelligems. A payment anywhere in the window counts, even for another "
          "product. NaN when nobody added to cart.",
)
def cart_abandonment_rate(
    events: pd.DataFrame,
    *,
    unit: str = "visitor",
    by=None,
    sessions: pd.DataFrame | None = None,
    start=None,
    end=None,
    session_id_col: str = "session_id",
    visitor_id_col: str = "visitor_id",
    event_ts_col: str = "event_ts",
    event_type_col: str = "event_type",
):
    """Cart abandonment rate (加购未支付率): added to cart but did not pay ÷ added.

    Denominator: visitors (sessions) with an ``add_to_cart`` event in
    ``[start, end]``. Numerator: those of them with no ``payment`` event in
    the window.

    Parameters
    ----------
    {params}

    Returns
    -------
    float or pandas.Series
        A fraction in [0, 1]; NaN when nobody added to cart. With ``by`` a
        Series named ``"cart_abandonment_rate"``.

    Raises
    ------
    ValueError
        Unknown ``unit``, missing columns or ids.

    See Also
    --------
    checkout_abandonment_rate, funnel

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.conversion as cv
    >>> events = pd.DataFrame({
    ...     "session_id": [1, 1, 2, 3], "visitor_id": [7, 7, 8, 9],
    ...     "event_ts": pd.to_datetime(["2024-05-01 10:00"] * 4),
    ...     "event_type": ["add_to_cart", "payment", "add_to_cart", "search"],
    ... })
    >>> cv.cart_abandonment_rate(events)   # visitor 8 of the 2 who added
    0.5
    """
    return _unit_rate(
        events, "cart_abandonment_rate", "cart_abandonment_rate",
        num_types=("payment",), den_types=("add_to_cart",), negate=True,
        unit=unit, by=by, sessions=sessions, start=start, end=end,
        session_id_col=session_id_col, visitor_id_col=visitor_id_col,
        event_ts_col=event_ts_col, event_type_col=event_type_col,
    )


@register_metric(
    "checkout_abandonment_rate", name="Checkout abandonment rate",
    name_zh="结算未支付率 / 弃单率", family="conversion",
    formula="visitors who started checkout and did not pay ÷ visitors who started "
            "checkout",
    numerator="visitors with checkout and no payment event in the window",
    denominator="visitors with a checkout event in the window",
    window="events with event_ts in [start, end]", basis="events", unit="fraction",
    variants={"session": "the same per session"},
    notes="Intelligems. NaN when nobody started checkout.",
)
def checkout_abandonment_rate(
    events: pd.DataFrame,
    *,
    unit: str = "visitor",
    by=None,
    sessions: pd.DataFrame | None = None,
    start=None,
    end=None,
    session_id_col: str = "session_id",
    visitor_id_col: str = "visitor_id",
    event_ts_col: str = "event_ts",
    event_type_col: str = "event_type",
):
    """Checkout abandonment rate (弃单率): started checkout, did not pay ÷ started.

    Denominator: visitors (sessions) with a ``checkout`` event in
    ``[start, end]``. Numerator: those of them with no ``payment`` event in
    the window.

    Parameters
    ----------
    {params}

    Returns
    -------
    float or pandas.Series
        A fraction in [0, 1]; NaN when nobody started checkout. With ``by`` a
        Series named ``"checkout_abandonment_rate"``.

    Raises
    ------
    ValueError
        Unknown ``unit``, missing columns or ids.

    See Also
    --------
    cart_abandonment_rate, funnel

    Examples
    --------
    >>> import pandas as pd
    >>> import ecomkit.conversion as cv
    >>> events = pd.DataFrame({
    ...     "session_id": [1, 1, 2], "visitor_id": [7, 7, 8],
    ...     "event_ts": pd.to_datetime(["2024-05-01 10:00"] * 3),
    ...     "event_type": ["checkout", "payment", "checkout"],
    ... })
    >>> cv.checkout_abandonment_rate(events)
    0.5
    """
    return _unit_rate(
        events, "checkout_abandonment_rate", "checkout_abandonment_rate",
        num_types=("payment",), den_types=("checkout",), negate=True,
        unit=unit, by=by, sessions=sessions, start=start, end=end,
        session_id_col=session_id_col, visitor_id_col=visitor_id_col,
        event_ts_col=event_ts_col, event_type_col=event_type_col,
    )


for _f in (add_to_cart_rate, favorite_rate, cart_abandonment_rate,
           checkout_abandonment_rate):
    _f.__doc__ = _f.__doc__.replace("{params}", _EVENT_RATE_PARAMS)
del _f
