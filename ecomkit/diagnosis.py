"""Diagnosis (诊断): which driver moved GMV between two periods?

When a target is a product of factors, ``V = x1 × x2 × … × xn`` (销售额 =
访客数 × 支付转化率 × 客单价), its change ``ΔV = V1 − V0`` can be split into
one contribution per factor. Three methods:

``"lmdi"`` (default) — LMDI-I, additive (Ang 2004; Ang & Liu 2007)
    ``contribution_k = L(V1, V0) · ln(x_k1 / x_k0)`` with the logarithmic mean
    ``L(a, b) = (a − b) / (ln a − ln b)``, ``L(a, a) = a``. Since
    ``Σ_k ln(x_k1 / x_k0) = ln(V1 / V0)`` and ``L · ln(V1 / V0) = V1 − V0``,
    the contributions add up to ΔV exactly: no residual, and the result does
    not depend on the order of the factors.
``"shapley"`` — Shapley value (Shorrocks 2013)
    Each factor's contribution is its marginal effect averaged over all
    orders in which the factors could be switched from base to current
    values. Also exact and order-free; the cost grows as 2ⁿ.
``"sequential"`` — sequential substitution 连环替代法
    Switch the factors to their current values one at a time in a fixed
    order. Exact in total, but each factor's share DEPENDS ON THE ORDER:
    kept only to show why the other two methods exist.

:func:`decompose_change` works on factor values, :func:`decompose_segments`
on a sum over segments (channels, devices) which adds a mix effect, and
:func:`gmv_change` computes the factors from the orders and sessions tables.

Zeros (LMDI)
    Logarithms of 0 are undefined, so LMDI uses the analytical limits of
    Ang & Liu (2007), i.e. what the formula tends to when each 0 is replaced
    by ε → 0 (not a small number plugged in, which Wood & Lenzen 2006 show can
    go wrong). If ``V0 = 0 < V1`` the whole change ``V1`` goes to the factors
    that were 0 in the base (shared equally when several were), every other
    factor gets 0; if ``V1 = 0 < V0`` the whole ``−V0`` goes to the factors
    that became 0; if both are 0 every contribution is 0. Shapley and
    sequential need no special rule.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ._catalog import register_metric
from ._validation import (
    check_by,
    check_no_missing,
    check_numeric,
    check_option,
    check_table,
    safe_divide,
    to_timestamp,
)
from .sales import _identity_parts

__all__ = ["decompose_change", "decompose_segments", "gmv_change"]
#: public functions that are not catalog metrics (general attribution tools;
#: gmv_change is the catalog entry)
__not_metrics__ = ["decompose_change", "decompose_segments"]

METHODS = ("lmdi", "shapley", "sequential")
LEVELS = ("factor", "segment")
#: most factors the Shapley method accepts (it evaluates 2**n products).
MAX_SHAPLEY_FACTORS = 12
#: the factors of a segment decomposition, in their default order.
SEGMENT_FACTORS = ("uv", "mix", "pay_conversion", "revenue_per_buyer")
GMV_FACTORS = ("uv", "pay_conversion", "revenue_per_buyer")


# ------------------------------------------------------- the methods ----
# Each takes two (segments × factors) arrays of base and current values and
# returns the (segments × factors) contributions; row i sums to V1_i − V0_i.
def _log_ratio(a, b):
    """ln(a / b) for positive arrays, accurate both near 1 and far from it.

    Near 1, log1p((a − b) / b) keeps the digits a plain log(a / b) loses; far
    from 1 (where (a − b) / b is close to −1 or huge), ln a − ln b is exact
    enough and cannot overflow.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        near = np.abs(a - b) < 0.5 * b
        return np.where(near, np.log1p((a - b) / b), np.log(a) - np.log(b))


def _log_mean(a, b):
    """L(a, b) = (a − b) / (ln a − ln b), L(a, a) = a, for positive arrays."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = (a - b) / _log_ratio(a, b)
    return np.where(a == b, a, out)


def _lmdi(x0, x1):
    v0, v1 = x0.prod(axis=1), x1.prod(axis=1)
    # test the factors, not the product: a product of tiny values can
    # underflow to 0 without any factor being 0
    zero0, zero1 = (x0 == 0).any(axis=1), (x1 == 0).any(axis=1)
    out = np.zeros_like(x0, dtype="float64")
    both = ~zero0 & ~zero1
    if both.any():
        log_ratio = _log_ratio(x1[both], x0[both])
        a, b = v1[both], v0[both]
        weight = _log_mean(a, b)
        # if the product of positive factors under- or overflows (or lands in
        # the subnormal range, where digits are lost), ln(V1 / V0) is taken as
        # Σ_k ln(x_k1 / x_k0), which is what it equals
        tiny = np.finfo("float64").tiny
        lost = ~((a >= tiny) & (b >= tiny) & np.isfinite(a) & np.isfinite(b))
        if lost.any():
            total = log_ratio[lost].sum(axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                weight[lost] = np.where(total != 0, (a - b)[lost] / total, 0.0)
        out[both] = weight[:, None] * log_ratio
    # analytical limits (Ang & Liu 2007): see the module docstring
    appeared = zero0 & ~zero1
    if appeared.any():
        zero = (x0[appeared] == 0).astype("float64")
        out[appeared] = v1[appeared, None] * zero / zero.sum(axis=1, keepdims=True)
    vanished = ~zero0 & zero1
    if vanished.any():
        zero = (x1[vanished] == 0).astype("float64")
        out[vanished] = -v0[vanished, None] * zero / zero.sum(axis=1, keepdims=True)
    return out


def _shapley(x0, x1):
    n = x0.shape[1]
    subsets = np.arange(2**n)
    # member[s, k]: factor k is at its current value in subset s
    member = ((subsets[:, None] >> np.arange(n)) & 1).astype(bool)
    value = np.where(member[None], x1[:, None, :], x0[:, None, :]).prod(axis=2)
    size = member.sum(axis=1)
    # Shapley weight of a subset S not containing k: |S|! (n − |S| − 1)! / n!
    weight = np.array(
        [math.factorial(s) * math.factorial(n - s - 1) / math.factorial(n)
         if s < n else 0.0 for s in size]
    )
    out = np.empty_like(x0, dtype="float64")
    for k in range(n):  # a loop over factors (a handful), not over rows
        without = subsets[~member[:, k]]
        gain = value[:, without | (1 << k)] - value[:, without]
        out[:, k] = gain @ weight[without]
    return out


def _sequential(x0, x1):
    current = x0.astype("float64").copy()
    previous = current.prod(axis=1)
    out = np.empty_like(current)
    for k in range(x0.shape[1]):  # switch factor k to its current value
        current[:, k] = x1[:, k]
        value = current.prod(axis=1)
        out[:, k] = value - previous
        previous = value
    return out


_METHODS = {"lmdi": _lmdi, "shapley": _shapley, "sequential": _sequential}


def _run(method, x0, x1):
    return _METHODS[method](np.asarray(x0, "float64"), np.asarray(x1, "float64"))


# -------------------------------------------------------- validation ----
def _as_factors(values, func, param):
    if isinstance(values, pd.DataFrame):
        raise TypeError(
            f"{func}(): `{param}` must map each factor to one number (a dict or "
            f"Series), e.g. {{'uv': 1000, 'pay_conversion': 0.05, "
            f"'revenue_per_buyer': 200}}, but a DataFrame was passed. For a table "
            f"of segments use decompose_segments()."
        )
    if isinstance(values, pd.Series):
        values = values.to_dict()
    if not isinstance(values, Mapping) or not values:
        raise TypeError(
            f"{func}(): `{param}` must be a non-empty dict or Series mapping each "
            f"factor to its value, e.g. {{'uv': 1000, 'pay_conversion': 0.05}}; "
            f"got {type(values).__name__}."
        )
    out = {}
    for name, v in values.items():
        if isinstance(v, bool) or not isinstance(v, (int, float, np.number)):
            raise TypeError(
                f"{func}(): `{param}[{name!r}]` must be a number, got {v!r}."
            )
        if not np.isfinite(v):
            raise ValueError(
                f"{func}(): `{param}[{name!r}]` must be a finite number, got {v!r}. "
                f"An undefined rate (0/0) has no value to decompose; gmv_change() "
                f"and decompose_segments() handle empty periods and segments."
            )
        out[name] = float(v)
    return out


def _check_order(order, factors, func):
    if order is None:
        return list(factors)
    order = list(order) if not isinstance(order, str) else [order]
    if sorted(map(str, order)) != sorted(map(str, factors)) or len(order) != len(
        factors
    ):
        raise ValueError(
            f"{func}(): `order` must list every factor exactly once, i.e. a "
            f"permutation of {list(factors)}, but {order!r} was passed."
        )
    return order


def _check_nonnegative_for_lmdi(x0, x1, names, func):
    bad = [n for n, a, b in zip(names, x0, x1, strict=True) if a < 0 or b < 0]
    if bad:
        raise ValueError(
            f"{func}(): method='lmdi' needs factor values >= 0 (it takes "
            f"logarithms), but {bad} has a negative value. Use method='shapley' "
            f"for factors that can be negative."
        )


def _frame(names, x0, x1, contrib, change=None):
    if change is None:
        change = float(np.prod(x1) - np.prod(x0))
    return pd.DataFrame({
        "factor": list(names),
        "base": np.asarray(x0, "float64"),
        "current": np.asarray(x1, "float64"),
        "contribution": np.asarray(contrib, "float64") + 0.0,  # no -0.0
        "share": safe_divide(np.asarray(contrib, "float64"), change) + 0.0,
    })


# ------------------------------------------------ decompose_change ----
def decompose_change(
    base,
    current,
    *,
    method: str = "lmdi",
    order=None,
) -> pd.DataFrame:
    """Split the change of a product of factors into one contribution per factor.

    The target is ``V = Π_k x_k``; ``ΔV = V1 − V0`` (current − base) is
    attributed to the factors by

    * ``"lmdi"``: ``contribution_k = L(V1, V0) · ln(x_k1 / x_k0)``, with
      ``L(a, b) = (a − b) / (ln a − ln b)`` and ``L(a, a) = a`` (LMDI-I
      additive, Ang 2004). Exact, order-free. Zeros use the Ang & Liu (2007)
      limits: if ``V0 = 0`` the whole change goes to the factors that were 0
      (equal shares when several), if ``V1 = 0`` to the factors that became 0,
      if both are 0 everything is 0. Needs values >= 0.
    * ``"shapley"``: each factor's marginal effect averaged over all ``n!``
      orders of switching factors from base to current (computed over the
      ``2ⁿ`` subsets with Shapley weights). Exact, order-free; at most
      :data:`MAX_SHAPLEY_FACTORS` factors. For two factors it is the midpoint
      formula ``Δx · (y0 + y1) / 2`` and ``Δy · (x0 + x1) / 2``.
    * ``"sequential"`` (连环替代法): factors switched one at a time in
      ``order``; ``contribution_k = V(first k factors current) − V(first
      k − 1 current)``. The total is exact but the split DEPENDS ON THE
      ORDER: the interaction lands on whichever factor comes later. Use it
      to see why LMDI and Shapley exist, not to report.

    All three add up to ``V1 − V0`` up to float rounding; for LMDI the
    rounding is relative to ``V0`` and ``V1``, for Shapley and sequential to
    the largest mixed product they evaluate (``Π_k max(x_k0, x_k1)``).

    Parameters
    ----------
    base, current : dict or pandas.Series
        Factor name → value in the base and the current period; the same
        factors in both.
    method : {"lmdi", "shapley", "sequential"}, default="lmdi"
        Attribution method.
    order : list, optional
        The factors in the order of the output rows; for ``"sequential"``
        also the substitution order. Default: the order of ``base``.

    Returns
    -------
    pandas.DataFrame
        One row per factor (in ``order``) with columns ``factor``, ``base``,
        ``current``, ``contribution`` (currency of the target; the column
        sums to ``V1 − V0``) and ``share`` (contribution ÷ ΔV; NaN when
        ``ΔV = 0``; shares can be negative or above 1 when factors pull in
        opposite directions).

    Raises
    ------
    TypeError
        ``base``/``current`` are not mappings of numbers.
    ValueError
        Different factors, non-finite values, negative values with LMDI,
        an unknown method, a bad ``order``, too many factors for Shapley.

    See Also
    --------
    decompose_segments : the same with a channel/device mix effect.
    gmv_change : from the orders and sessions tables.

    Examples
    --------
    UV 1000 → 800, conversion 5 % → 5 %, 客单价 200 → 220: GMV 10000 → 8800.

    >>> from ecomkit.diagnosis import decompose_change
    >>> base = {"uv": 1000, "pay_conversion": 0.05, "revenue_per_buyer": 200}
    >>> current = {"uv": 800, "pay_conversion": 0.05, "revenue_per_buyer": 220}
    >>> res = decompose_change(base, current)
    >>> res.round(2)
                  factor     base  current  contribution  share
    0                 uv  1000.00   800.00       -2094.7   1.75
    1     pay_conversion     0.05     0.05           0.0   0.00
    2  revenue_per_buyer   200.00   220.00         894.7  -0.75
    >>> round(float(res["contribution"].sum()), 6)
    -1200.0
    """
    func = "decompose_change"
    check_option(method, METHODS, func, param="method")
    b = _as_factors(base, func, "base")
    c = _as_factors(current, func, "current")
    if set(b) != set(c):
        raise ValueError(
            f"{func}(): `base` and `current` must have the same factors; only in "
            f"base: {sorted(map(str, set(b) - set(c)))}, only in current: "
            f"{sorted(map(str, set(c) - set(b)))}."
        )
    names = _check_order(order, list(b), func)
    if method == "shapley" and len(names) > MAX_SHAPLEY_FACTORS:
        raise ValueError(
            f"{func}(): method='shapley' evaluates 2**n products and accepts at "
            f"most {MAX_SHAPLEY_FACTORS} factors, got {len(names)}. Use "
            f"method='lmdi'."
        )
    x0 = np.array([b[n] for n in names])
    x1 = np.array([c[n] for n in names])
    if method == "lmdi":
        _check_nonnegative_for_lmdi(x0, x1, names, func)
    contrib = _run(method, x0[None, :], x1[None, :])[0]
    return _frame(names, x0, x1, contrib)


# ---------------------------------------------- decompose_segments ----
def _segment_factors(uv, conv, rpb, func, period, segments):
    """Factor arrays (segments × [uv_total, mix, conversion, rpb]) of a period.

    NaN conversion / 客单价 are allowed where they are undefined (no visitors,
    no buyers); NaN elsewhere is an error.
    """
    undefined_conv = np.isnan(conv)
    bad = undefined_conv & (uv > 0)
    if bad.any():
        raise ValueError(
            f"{func}(): the {period} period has visitors but no conversion rate "
            f"for segment(s) {list(segments[bad])}; conversion may be missing "
            f"only where a segment has no visitors."
        )
    undefined_rpb = np.isnan(rpb)
    bad = undefined_rpb & (uv > 0) & ~undefined_conv & (np.nan_to_num(conv) > 0)
    if bad.any():
        raise ValueError(
            f"{func}(): the {period} period has buyers but no revenue per buyer "
            f"for segment(s) {list(segments[bad])}; revenue per buyer may be "
            f"missing only where a segment has no buyers."
        )
    total = uv.sum()
    mix = uv / total if total > 0 else np.full_like(uv, np.nan)
    return np.column_stack([np.full_like(uv, total), mix, conv, rpb])


def _fill_undefined(x0, x1):
    """Undefined factors (0/0) take the other period's value, or 1 if both are.

    A factor is undefined only where the segment's value is 0 anyway (no
    visitors → no conversion rate; no buyers → no 客单价; no traffic at all →
    no mix), so the filled value never changes V; it just keeps an undefined
    rate from being read as a change.
    """
    a = np.where(np.isnan(x0), x1, x0)
    b = np.where(np.isnan(x1), x0, x1)
    return np.nan_to_num(a, nan=1.0), np.nan_to_num(b, nan=1.0)


def _segment_result(segments, seg_name, raw0, raw1, method, order, level, func):
    names = _check_order(order, list(SEGMENT_FACTORS), func)
    idx = [SEGMENT_FACTORS.index(n) for n in names]
    raw0, raw1 = raw0[:, idx], raw1[:, idx]
    x0, x1 = _fill_undefined(raw0, raw1)
    contrib = _run(method, x0, x1)
    change = float(x1.prod(axis=1).sum() - x0.prod(axis=1).sum())
    if level == "factor":
        total = contrib.sum(axis=0)
        return pd.DataFrame({
            "factor": names,
            "contribution": total + 0.0,  # + 0.0 turns -0.0 into 0.0
            "share": safe_divide(total, change) + 0.0,
        })
    m, k = contrib.shape
    seg = pd.Series(segments).repeat(k).reset_index(drop=True)
    out = pd.DataFrame({
        seg_name: seg,
        "factor": np.tile(names, m),
        "base": raw0.ravel(),
        "current": raw1.ravel(),
        "contribution": contrib.ravel() + 0.0,
    })
    out["share"] = safe_divide(out["contribution"].to_numpy(), change) + 0.0
    return out


def decompose_segments(
    base: pd.DataFrame,
    current: pd.DataFrame,
    *,
    segment_col: str = "segment",
    uv_col: str = "uv",
    conversion_col: str = "pay_conversion",
    rpb_col: str = "revenue_per_buyer",
    method: str = "lmdi",
    order=None,
    level: str = "factor",
) -> pd.DataFrame:
    """Split a GMV change over segments into traffic, mix, conversion and 客单价.

    With segments ``s`` (channels, devices), ``GMV = Σ_s UV × mix_s × CR_s ×
    客单价_s`` where ``UV = Σ_s uv_s`` (the sum of the segments' visitors),
    ``mix_s = uv_s ÷ UV``, ``CR_s`` the segment's 支付转化率 and ``客单价_s``
    its revenue per buyer. Each segment's change is decomposed over the four
    factors with ``method`` (LMDI-I: ``L(V_s1, V_s0) · ln(x_s1 / x_s0)``,
    Ang 2004 eq. for ``V = Σ_i Π_k x_ik``); summed over segments the
    contributions equal ΔGMV exactly. ``uv`` measures the traffic level,
    ``mix`` the shift of traffic between segments that convert and spend
    differently, and the other two the segments' own performance.

    Empty cells: a segment missing from one period has 0 visitors there. A
    conversion rate without visitors, or a 客单价 without buyers, is undefined
    (0/0; NaN is accepted there) and is set to the other period's value, so
    it contributes nothing. With LMDI a segment that appears (``V_s0 = 0``)
    then gives its whole value to the factors that were 0, normally ``mix``
    (a new channel is a mix effect), and a segment that disappears loses its
    whole value the same way (Ang & Liu 2007 limits).

    Parameters
    ----------
    base, current : pandas.DataFrame
        One row per segment with its visitors, conversion rate and 客单价.
    segment_col : str, default="segment"
        Segment name column (unique within each table).
    uv_col : str, default="uv"
        Visitors of the segment (>= 0).
    conversion_col : str, default="pay_conversion"
        Paying buyers ÷ visitors of the segment (>= 0; NaN if no visitors).
    rpb_col : str, default="revenue_per_buyer"
        Paid amount ÷ paying buyers of the segment (>= 0; NaN if no buyers).
    method : {"lmdi", "shapley", "sequential"}, default="lmdi"
        Attribution method per segment, see :func:`decompose_change`.
    order : list, optional
        A permutation of ``["uv", "mix", "pay_conversion",
        "revenue_per_buyer"]``: row order, and substitution order for
        ``"sequential"``.
    level : {"factor", "segment"}, default="factor"
        ``"factor"``: contributions summed over segments. ``"segment"``: one
        row per segment and factor.

    Returns
    -------
    pandas.DataFrame
        ``level="factor"``: columns ``factor``, ``contribution``, ``share``
        (of ΔGMV), one row per factor in ``order``. ``level="segment"``:
        columns ``<segment_col>``, ``factor``, ``base``, ``current`` (the
        factor values; NaN where a rate is undefined), ``contribution``,
        ``share``; segments in the order base then new ones, factors in
        ``order`` within each segment. Contributions sum to ΔGMV.

    Raises
    ------
    TypeError, ValueError
        Not DataFrames, missing columns, repeated or missing segment names,
        negative or non-numeric values, a missing rate where it is defined,
        an unknown ``method`` or ``level``, a bad ``order``.

    See Also
    --------
    decompose_change : one product, no segments.
    gmv_change : from the shop tables with ``by="channel"``.

    Examples
    --------
    Traffic moves from the app (CR 10 %) to the web (CR 2 %), each at 客单价 100.
    GMV falls from 100 × 0.10 × 100 + 100 × 0.02 × 100 = 1200 to 50 × 0.10 × 100
    + 150 × 0.02 × 100 = 800 on the same 200 visitors: a pure mix effect.

    >>> import pandas as pd
    >>> from ecomkit.diagnosis import decompose_segments
    >>> base = pd.DataFrame({"segment": ["app", "web"], "uv": [100, 100],
    ...                      "pay_conversion": [0.10, 0.02],
    ...                      "revenue_per_buyer": [100.0, 100.0]})
    >>> current = base.assign(uv=[50, 150])
    >>> decompose_segments(base, current).round(2)
                  factor  contribution  share
    0                 uv           0.0    0.0
    1                mix        -400.0    1.0
    2     pay_conversion           0.0    0.0
    3  revenue_per_buyer           0.0    0.0
    """
    func = "decompose_segments"
    check_option(method, METHODS, func, param="method")
    check_option(level, LEVELS, func, param="level")
    cols = {"segment_col": segment_col, "uv_col": uv_col,
            "conversion_col": conversion_col, "rpb_col": rpb_col}
    for param, table in (("base", base), ("current", current)):
        check_table(table, func, param=param, columns=cols)
        check_no_missing(table, segment_col, func, param="segment_col",
                         what="segment names")
        dup = table[segment_col].duplicated().to_numpy()
        if dup.any():
            raise ValueError(
                f"{func}(): `{param}` has repeated segments "
                f"{table.loc[dup, segment_col].tolist()}; one row per segment is "
                f"expected (aggregate first)."
            )
        for p in ("uv_col", "conversion_col", "rpb_col"):
            check_numeric(table, cols[p], func, param=p, table=param,
                          nonnegative=True)
        check_no_missing(table, uv_col, func, param="uv_col", what="visitor counts")
    segments = pd.concat([base[segment_col], current[segment_col]],
                         ignore_index=True).drop_duplicates()
    arrays = []
    for period, table in (("base", base), ("current", current)):
        t = table.set_index(segment_col).reindex(segments.to_numpy())
        uv = t[uv_col].fillna(0).to_numpy("float64")
        x = _segment_factors(uv, t[conversion_col].to_numpy("float64"),
                             t[rpb_col].to_numpy("float64"), func, period,
                             segments.to_numpy())
        arrays.append(x)
    return _segment_result(segments.reset_index(drop=True), segment_col,
                           arrays[0], arrays[1], method, order, level, func)


# --------------------------------------------------------- gmv_change ----
def _check_period(value, func, param):
    if (isinstance(value, (str, bytes)) or not hasattr(value, "__len__")
            or len(value) != 2):
        raise TypeError(
            f"{func}(): `{param}` must be a (start, end) pair of dates, e.g. "
            f"{param}=('2024-01-01', '2024-01-31'), got {value!r}."
        )
    lo = to_timestamp(value[0], func, param=f"{param}[0]")
    hi = to_timestamp(value[1], func, param=f"{param}[1]")
    if hi < lo:
        raise ValueError(
            f"{func}(): `{param}` is empty: its end {value[1]!r} is before its "
            f"start {value[0]!r}."
        )
    return value[0], value[1]


_GMV_META = dict(
    family="diagnosis",
    numerator="ΔGMV = paid amount (current) − paid amount (base)",
    window="two windows: base=(start, end) and current=(start, end), inclusive",
    basis="paid_amount",
    unit="currency",
)


@register_metric(
    "gmv_change_lmdi",
    name="GMV change attribution (LMDI-I)",
    name_zh="GMV变化归因（LMDI）",
    formula="ΔGMV_k = L(GMV1, GMV0) · ln(x_k1 / x_k0), GMV = UV × 支付转化率 × "
    "客单价 (by segment: Σ_s UV × mix_s × CR_s × 客单价_s)",
    notes="Contributions sum exactly to ΔGMV, no residual; zeros by the Ang & Liu "
    "(2007) limits. GMV here is 支付金额 (paid amount).",
    **_GMV_META,
)
@register_metric(
    "gmv_change_shapley",
    name="GMV change attribution (Shapley)",
    name_zh="GMV变化归因（Shapley）",
    formula="ΔGMV_k = average over all factor orders of k's marginal effect, "
    "GMV = UV × 支付转化率 × 客单价",
    notes="Exact and order-free like LMDI; splits interactions evenly. GMV here is "
    "支付金额 (paid amount).",
    **_GMV_META,
)
@register_metric(
    "gmv_change_sequential",
    name="GMV change attribution (sequential substitution)",
    name_zh="GMV变化归因（连环替代法）",
    formula="ΔGMV_k = GMV(factors 1..k current) − GMV(factors 1..k−1 current)",
    notes="Order-dependent: the teaching counter-example. GMV here is 支付金额.",
    **_GMV_META,
)
def gmv_change(
    orders: pd.DataFrame,
    sessions: pd.DataFrame,
    *,
    base,
    current,
    method: str = "lmdi",
    by: str | None = None,
    level: str = "factor",
    order=None,
    customer_id_col: str = "customer_id",
    paid_ts_col: str = "paid_ts",
    paid_amount_col: str = "paid_amount",
    visitor_id_col: str = "visitor_id",
    start_ts_col: str = "start_ts",
) -> pd.DataFrame:
    """Why did GMV change? 访客数, 支付转化率 and 客单价 between two periods.

    For each period: ``uv`` = distinct visitors of sessions started in it
    (访客数), ``pay_conversion`` = paying buyers ÷ uv (支付转化率),
    ``revenue_per_buyer`` = paid amount ÷ paying buyers (客单价), so that
    ``GMV = uv × pay_conversion × revenue_per_buyer``; then ΔGMV is split
    with :func:`decompose_change` (or :func:`decompose_segments` with
    ``by``).

    **GMV here means 支付金额 (paid amount: orders paid in the period,
    shipping included, refunds not deducted)**, not 拍下金额: only on that
    basis is 销售额 = 访客数 × 支付转化率 × 客单价 exact. The output's
    ``target`` column says so.

    With ``by="channel"`` (or ``"device"``) the segment identity ``GMV = Σ_s
    UV × mix_s × CR_s × 客单价_s`` adds a ``mix`` factor; ``UV`` is then the
    sum of the segments' visitors (a visitor seen in two channels counts in
    both).

    Parameters
    ----------
    orders, sessions : pandas.DataFrame
        The orders and sessions tables.
    base, current : tuple of two dates
        ``(start, end)`` of each period, inclusive.
    method : {"lmdi", "shapley", "sequential"}, default="lmdi"
        See :func:`decompose_change`.
    by : str, optional
        A column present in both tables to split by (``"channel"``,
        ``"device"``).
    level : {"factor", "segment"}, default="factor"
        With ``by``: summed per factor, or per segment and factor.
    order : list, optional
        Factor order (rows; substitution order for ``"sequential"``).
    customer_id_col, paid_ts_col, paid_amount_col : str
        Columns of ``orders``.
    visitor_id_col, start_ts_col : str
        Columns of ``sessions``.

    Returns
    -------
    pandas.DataFrame
        Column ``target`` (always ``"paid_amount"``) then, without ``by``,
        ``factor`` (``uv``, ``pay_conversion``, ``revenue_per_buyer``),
        ``base``, ``current`` (NaN where a rate is undefined: no visitors or
        no buyers in that period), ``contribution``, ``share``. With ``by``, the
        columns of :func:`decompose_segments` for ``level``. ``contribution``
        sums to paid amount (current) − paid amount (base).
        ``result.attrs`` holds ``base_value`` and ``current_value``.

    Raises
    ------
    TypeError, ValueError
        Bad tables or columns, a period that is not a (start, end) pair, an
        unknown option; a period (or segment) with paying buyers but no
        visitors, which the identity cannot express (check that ``sessions``
        covers the period).

    See Also
    --------
    ecomkit.sales.sales_identity : the three factors per period.
    decompose_change, decompose_segments

    Examples
    --------
    >>> import pandas as pd
    >>> from ecomkit.diagnosis import gmv_change
    >>> orders = pd.DataFrame({
    ...     "customer_id": [1, 2, 3],
    ...     "paid_ts": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-02"]),
    ...     "paid_amount": [100.0, 100.0, 150.0],
    ... })
    >>> sessions = pd.DataFrame({
    ...     "visitor_id": [1, 2, 3, 4, 3, 5],
    ...     "start_ts": pd.to_datetime(["2024-01-01"] * 4 + ["2024-01-02"] * 2),
    ... })
    >>> res = gmv_change(orders, sessions, base=("2024-01-01", "2024-01-01"),
    ...                  current=("2024-01-02", "2024-01-02"))
    >>> res.round(2)
            target             factor   base  current  contribution  share
    0  paid_amount                 uv    4.0      2.0       -120.47   2.41
    1  paid_amount     pay_conversion    0.5      0.5          0.00   0.00
    2  paid_amount  revenue_per_buyer  100.0    150.0         70.47  -1.41
    >>> res.attrs["base_value"], res.attrs["current_value"]
    (200.0, 150.0)
    """
    func = "gmv_change"
    check_option(method, METHODS, func, param="method")
    check_option(level, LEVELS, func, param="level")
    b_lo, b_hi = _check_period(base, func, "base")
    c_lo, c_hi = _check_period(current, func, "current")
    if by is not None and not isinstance(by, str):
        raise TypeError(
            f"{func}(): `by` must be one column name such as 'channel', got {by!r}."
        )
    keys = check_by(by, orders, func, table="orders")
    check_by(by, sessions, func, table="sessions")
    cols = dict(customer_id_col=customer_id_col, paid_ts_col=paid_ts_col,
                paid_amount_col=paid_amount_col, visitor_id_col=visitor_id_col,
                start_ts_col=start_ts_col)
    parts = [
        _identity_parts(orders, sessions, func, start=lo, end=hi, keys=keys,
                        freq=None, **cols)
        for lo, hi in ((b_lo, b_hi), (c_lo, c_hi))
    ]
    for period, p in zip(("base", "current"), parts, strict=True):
        orphan = (p["uv"] == 0) & (p["paying_buyers"] > 0)
        if orphan.any():
            where = f" in {by}={p.loc[orphan, by].tolist()}" if keys else ""
            raise ValueError(
                f"{func}(): the {period} period has paying buyers but no visitors"
                f"{where}, so 支付转化率 (buyers ÷ visitors) is undefined and GMV "
                f"cannot be written as UV × conversion × 客单价. Check that "
                f"`sessions` covers the period (and the same {by or 'segments'})."
            )
    totals = [float(p["paid_amount"].sum()) for p in parts]
    if not keys:
        x = []
        for p in parts:
            uv, buyers, amount = (float(p[c].iloc[0]) for c in
                                  ("uv", "paying_buyers", "paid_amount"))
            x.append({"uv": uv, "pay_conversion": safe_divide(buyers, uv),
                      "revenue_per_buyer": safe_divide(amount, buyers)})
        names = _check_order(order, list(GMV_FACTORS), func)
        raw0 = np.array([x[0][n] for n in names])
        raw1 = np.array([x[1][n] for n in names])
        x0, x1 = _fill_undefined(raw0[None, :], raw1[None, :])
        out = _frame(names, raw0, raw1, _run(method, x0, x1)[0],
                     change=totals[1] - totals[0])
    else:
        seg_col = keys[0]
        segments = pd.concat([parts[0][seg_col], parts[1][seg_col]],
                             ignore_index=True).drop_duplicates()
        if isinstance(segments.dtype, pd.CategoricalDtype):
            segments = segments.sort_values()
        arrays = []
        for period, p in zip(("base", "current"), parts, strict=True):
            t = p.set_index(seg_col).reindex(segments.to_numpy())
            uv = t["uv"].fillna(0).to_numpy("float64")
            buyers = t["paying_buyers"].fillna(0).to_numpy("float64")
            amount = t["paid_amount"].fillna(0).to_numpy("float64")
            arrays.append(_segment_factors(
                uv, safe_divide(buyers, uv), safe_divide(amount, buyers), func,
                period, segments.to_numpy(),
            ))
        out = _segment_result(segments.reset_index(drop=True), seg_col, arrays[0],
                              arrays[1], method, order, level, func)
    out.insert(0, "target", "paid_amount")
    out.attrs.update(base_value=totals[0], current_value=totals[1])
    return out
