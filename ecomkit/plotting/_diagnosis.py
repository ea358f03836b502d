"""Charts for the GMV diagnosis notebook (07_gmv_diagnosis): the GMV series
with the compared periods, the change of each driver, the waterfall of
contributions, the drill-down by segment and the order dependence of
sequential substitution (连环替代法).

Chart text is English, or "English 中文" when a CJK font is installed
(:func:`ecomkit.plotting._style.label`); the notebook's markdown carries both.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, PercentFormatter

from ._style import label, new_axes, no_data, require_columns, use_cjk_font

__all__ = [
    "factor_label",
    "plot_factor_change",
    "plot_order_dependence",
    "plot_period_series",
    "plot_segment_contributions",
    "plot_waterfall",
]

_FACTORS = {
    "uv": ("Visitors", "访客数"),
    "mix": ("Mix", "结构"),
    "pay_conversion": ("Conversion", "支付转化率"),
    "revenue_per_buyer": ("Rev. per buyer", "客单价"),
}
_UP, _DOWN, _TOTAL = "#2ca02c", "#d62728", "#6b8cba"


def factor_label(factor: str) -> str:
    """Chart label of a GMV driver (``uv`` → "Visitors", or "Visitors 访客数"
    with a CJK font); other names are returned unchanged.

    Examples
    --------
    >>> factor_label("uv") in ("Visitors", "Visitors 访客数")
    True
    >>> factor_label("other")
    'other'
    """
    return label(*_FACTORS[factor]) if factor in _FACTORS else str(factor)


def _money(v: float) -> str:
    return f"{v:+,.0f}"


def plot_period_series(data, *, period_col: str = "period", value_col: str = "paid_amount",
                       base: Sequence | None = None, current: Sequence | None = None,
                       ax=None):
    """A revenue series (e.g. weekly 支付金额) with the base and current
    periods of a comparison shaded.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per period: ``period_col`` (datetime) and ``value_col``.
    period_col, value_col : str
        Column names.
    base, current : (start, end), optional
        Inclusive dates of the two compared periods.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> w = pd.DataFrame({"period": pd.date_range("2024-07-01", periods=4, freq="W-MON"),
    ...                   "paid_amount": [900.0, 950.0, 600.0, 620.0]})
    >>> ax = plot_period_series(w, base=("2024-07-01", "2024-07-14"),
    ...                         current=("2024-07-15", "2024-07-28"))
    >>> len(ax.get_lines())
    1
    """
    func = "plot_period_series"
    ax = new_axes(ax)
    require_columns(func, data, [period_col, value_col])
    title = label("Weekly paid amount and the compared periods", "周支付金额与对比期")
    d = data[[period_col, value_col]].dropna()
    if len(d) == 0:
        return no_data(ax, "no data to draw", title=title)
    sns.lineplot(data=d, x=period_col, y=value_col, marker="o", markersize=3,
                 linewidth=1.3, color="#444444", ax=ax)
    handles, names = [], []
    for span, color, text in ((base, "#6b8cba", label("base", "基期")),
                              (current, "#d62728", label("current", "当期"))):
        if span is None:
            continue
        lo, hi = pd.Timestamp(span[0]), pd.Timestamp(span[1]) + pd.Timedelta(days=1)
        ax.axvspan(lo, hi, color=color, alpha=0.15, lw=0, zorder=0)
        handles.append(Patch(color=color, alpha=0.15))
        names.append(text)
    if handles:
        ax.legend(handles, names, fontsize=8, loc="upper left")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set(title=title, xlabel=label("week (Monday)", "周"),
           ylabel=label(value_col.replace("_", " "), "支付金额"))
    ax.tick_params(axis="x", labelrotation=30)
    use_cjk_font(ax)
    return ax


def plot_factor_change(data, *, factor_col: str = "factor", base_col: str = "base",
                       current_col: str = "current", ax=None):
    """Relative change of each driver between the periods (current ÷ base − 1).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per factor with base and current values, e.g.
        :func:`ecomkit.gmv_change` output.
    factor_col, base_col, current_col : str
        Column names.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"factor": ["uv", "pay_conversion"], "base": [100, 0.1],
    ...                   "current": [110, 0.08]})
    >>> ax = plot_factor_change(d)
    >>> len(ax.patches)
    2
    """
    func = "plot_factor_change"
    ax = new_axes(ax)
    require_columns(func, data, [factor_col, base_col, current_col])
    title = label("How much each driver changed", "各因素变化率")
    base = data[base_col].to_numpy(dtype=float)
    cur = data[current_col].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.where(base != 0, cur / base - 1, np.nan)
    names = [factor_label(f) for f in data[factor_col]]
    if len(data) == 0 or not np.isfinite(change).any():
        return no_data(ax, "no data to draw", title=title)
    colors = [_DOWN if c < 0 else _UP for c in np.nan_to_num(change)]
    ax.bar(names, np.nan_to_num(change), color=colors, width=0.6)
    for i, c in enumerate(change):
        if np.isfinite(c):
            ax.text(i, c, f"{c:+.1%}", ha="center", va="bottom" if c >= 0 else "top", fontsize=9)
    ax.axhline(0, color="black", lw=0.8)
    ax.margins(y=0.2)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(title=title, xlabel=label("driver", "因素"),
           ylabel=label("change, current vs base", "环比变化"))
    use_cjk_font(ax)
    return ax


def plot_waterfall(data, *, base_value: float, current_value: float,
                   factor_col: str = "factor", value_col: str = "contribution",
                   ax=None):
    """Waterfall from base GMV to current GMV through each driver's contribution.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per factor with its contribution (:func:`ecomkit.gmv_change`
        or :func:`ecomkit.decompose_change` output).
    base_value, current_value : float
        GMV of the base and current periods (the first and last bars).
    factor_col, value_col : str
        Column names.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes
        The drawing warns in the title when the contributions do not add up
        to ``current_value − base_value``.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"factor": ["uv", "pay_conversion", "revenue_per_buyer"],
    ...                   "contribution": [100.0, -400.0, 50.0]})
    >>> ax = plot_waterfall(c, base_value=1000.0, current_value=750.0)
    >>> len(ax.patches)
    5
    """
    func = "plot_waterfall"
    ax = new_axes(ax)
    require_columns(func, data, [factor_col, value_col])
    title = label("GMV change by driver", "GMV变化归因")
    if len(data) == 0:
        return no_data(ax, "no data to draw", title=title)
    vals = data[value_col].to_numpy(dtype=float)
    names = ([label("base GMV", "基期")] + [factor_label(f) for f in data[factor_col]]
             + [label("current GMV", "当期")])
    bottoms, heights, colors = [0.0], [float(base_value)], [_TOTAL]
    level = float(base_value)
    for v in vals:
        bottoms.append(level if v >= 0 else level + v)
        heights.append(abs(v))
        colors.append(_UP if v >= 0 else _DOWN)
        level += v
    bottoms.append(0.0)
    heights.append(float(current_value))
    colors.append(_TOTAL)
    x = np.arange(len(names))
    ax.bar(x, heights, bottom=bottoms, color=colors, width=0.6)
    texts = [f"{base_value:,.0f}"] + [_money(v) for v in vals] + [f"{current_value:,.0f}"]
    for i, t in enumerate(texts):
        ax.text(i, bottoms[i] + heights[i], t, ha="center", va="bottom", fontsize=9)
    running = float(base_value) + np.cumsum(vals)
    for i, y in enumerate([float(base_value), *running[:-1]]):
        ax.plot([i + 0.3, i + 0.7], [y, y], color="grey", lw=0.8)
    gap = float(base_value) + vals.sum() - float(current_value)
    if abs(gap) > 1e-6 * max(abs(base_value), abs(current_value), 1.0):
        title += f" (residual {gap:,.2f}!)"
    lo = min(min(bottoms[1:-1], default=0.0), float(current_value), float(base_value))
    hi = max(b + h for b, h in zip(bottoms, heights, strict=True))
    pad = 0.15 * (hi - lo if hi > lo else max(hi, 1.0))
    ax.set_ylim(max(0.0, lo - pad) if lo > 0.5 * hi else 0.0, hi + pad)
    ax.set_xticks(x, names)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set(title=title, xlabel="", ylabel=label("paid amount", "支付金额"))
    use_cjk_font(ax)
    return ax


def plot_segment_contributions(data, *, segment_col: str, factor_col: str = "factor",
                               value_col: str = "contribution", ax=None):
    """Contributions per segment and driver as a diverging heat map, with
    each segment's total; the cell that lost most is framed.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`ecomkit.gmv_change` with ``by=segment_col, level="segment"``
        (one row per segment and factor).
    segment_col : str
        The segment column (``"channel"``, ``"device"``).
    factor_col, value_col : str
        Column names.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"device": ["app", "app", "pc", "pc"],
    ...                   "factor": ["uv", "pay_conversion"] * 2,
    ...                   "contribution": [50.0, 20.0, 10.0, -300.0]})
    >>> ax = plot_segment_contributions(d, segment_col="device")
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['app', 'pc']
    """
    func = "plot_segment_contributions"
    ax = new_axes(ax)
    require_columns(func, data, [segment_col, factor_col, value_col])
    title = label(f"Contribution to ΔGMV by {segment_col} and driver", "分维度归因")
    if len(data) == 0:
        return no_data(ax, "no data to draw", title=title)
    d = data[[segment_col, factor_col, value_col]].copy()
    seg_order = [str(s) for s in dict.fromkeys(d[segment_col].astype(str))]
    fac_order = list(dict.fromkeys(d[factor_col].astype(str)))
    d[segment_col] = d[segment_col].astype(str)
    d[factor_col] = d[factor_col].astype(str)
    wide = d.pivot_table(index=segment_col, columns=factor_col, values=value_col,
                         aggfunc="sum").reindex(index=seg_order, columns=fac_order)
    wide.columns = [factor_label(c) for c in wide.columns]
    wide[label("total", "合计")] = wide.sum(axis=1)
    vmax = float(np.nanmax(np.abs(wide.to_numpy()))) or 1.0
    sns.heatmap(wide, annot=True, fmt=",.0f", cmap="RdBu", vmin=-vmax, vmax=vmax,
                cbar_kws={"label": label("contribution", "贡献")}, linewidths=0.5, ax=ax,
                annot_kws={"fontsize": 8})
    body = wide.iloc[:, :-1].to_numpy()
    if np.isfinite(body).any() and np.nanmin(body) < 0:
        r, c = np.unravel_index(np.nanargmin(body), body.shape)
        ax.add_patch(Rectangle((c, r), 1, 1, fill=False, edgecolor="black", lw=2.2))
    ax.set(title=title, xlabel=label("driver", "因素"), ylabel=segment_col)
    ax.tick_params(axis="x", labelrotation=20)
    ax.tick_params(axis="y", labelrotation=0)
    use_cjk_font(ax)
    return ax


def plot_order_dependence(data, *, order_col: str = "order", factor_col: str = "factor",
                          value_col: str = "contribution", ax=None):
    """One driver's contribution under each substitution order (连环替代法),
    to show that sequential substitution depends on the order.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per order and factor (``order`` a text such as
        ``"uv → pay_conversion → revenue_per_buyer"``); may include rows for
        order-free methods (e.g. ``order="LMDI"``) to compare.
    order_col, factor_col, value_col : str
        Column names.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"order": ["a", "a", "b", "b"],
    ...                   "factor": ["uv", "pay_conversion"] * 2,
    ...                   "contribution": [100.0, -300.0, 80.0, -280.0]})
    >>> ax = plot_order_dependence(d)
    >>> len(ax.patches) >= 4
    True
    """
    func = "plot_order_dependence"
    ax = new_axes(ax)
    require_columns(func, data, [order_col, factor_col, value_col])
    title = label("Same data, different orders, different answers", "连环替代法的顺序依赖")
    if len(data) == 0:
        return no_data(ax, "no data to draw", title=title)
    d = data[[order_col, factor_col, value_col]].copy()
    d[factor_col] = d[factor_col].map(factor_label)
    d[order_col] = d[order_col].astype(str)
    order = list(dict.fromkeys(d[order_col]))
    sns.barplot(data=d, y=factor_col, x=value_col, hue=order_col, hue_order=order,
                errorbar=None, ax=ax, palette="viridis")
    ax.axvline(0, color="black", lw=0.8)
    ax.legend(fontsize=7, title=label("substitution order", "替代顺序"),
              loc="center left", bbox_to_anchor=(1.0, 0.5))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set(title=title, xlabel=label("contribution to ΔGMV", "贡献"),
           ylabel=label("driver", "因素"))
    use_cjk_font(ax)
    return ax
