"""Charts for the finance notebook (04_finance): the P&L waterfall, margins and
cost ratios over months, ad economics by channel and fulfilment.

Every function takes the result of an ecomkit metric function (or a small
frame built from one), draws on the given Axes and returns it. Chart text is
English, or "English 中文" when a CJK font is installed
(:func:`ecomkit.plotting._style.label`); the notebook's markdown always
carries both.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.dates import DateFormatter
from matplotlib.ticker import FuncFormatter, PercentFormatter

from ._style import label, new_axes, no_data, require_columns, use_cjk_font

__all__ = [
    "plot_channel_heatmap",
    "plot_channel_ratios",
    "plot_cost_ratios",
    "plot_delivery_days",
    "plot_margins",
    "plot_pnl_waterfall",
    "plot_refund_by_delivery",
    "plot_trend",
]

#: The waterfall from GMV to contribution: (kind, English, 中文, how).
#: ``total`` bars stand on 0 and show the line itself; ``step`` bars float and
#: show the change from the previous total (a cost is drawn going down).
_WATERFALL = (
    ("total", "gmv", "GMV", "拍下金额"),
    ("step", "-unpaid", "not paid", "未支付"),
    ("total", "paid_amount", "Paid amount", "支付金额"),
    ("step", "-shipping_fee", "shipping charged", "运费收入"),
    ("total", "goods_sales", "Goods sales", "商品成交额"),
    ("step", "-refunds", "refunds", "退款"),
    ("total", "net_sales", "Net sales", "净销售额"),
    ("step", "-cogs", "COGS", "销售成本"),
    ("total", "gross_profit", "Gross profit", "毛利"),
    ("step", "-logistics", "logistics", "物流费"),
    ("step", "-warehousing", "warehousing", "仓储费"),
    ("step", "-packaging", "packaging", "包材费"),
    ("step", "-platform_fee", "platform fee", "平台佣金"),
    ("step", "-payment_fee", "payment fee", "支付手续费"),
    ("step", "-marketing", "marketing", "推广费"),
    ("total", "contribution", "Contribution", "边际贡献"),
)
_WATERFALL_LINES = (
    "gmv", "paid_amount", "shipping_fee", "goods_sales", "refunds", "net_sales",
    "cogs", "gross_profit", "logistics", "warehousing", "packaging", "platform_fee",
    "payment_fee", "marketing", "contribution",
)
_NAMES = {
    "gross_margin": ("gross margin", "毛利率"),
    "contribution_margin": ("contribution margin", "边际贡献率"),
    "operating_margin": ("operating margin", "经营利润率"),
    "roas": ("ROAS", "投产比"),
    "roi": ("ROI", "投资回报率"),
    "cac": ("CAC", "获客成本"),
    "ltv": ("LTV", "客户终身价值"),
}


# ------------------------------------------------------------------ helpers ----
def _month_label(values) -> list[str]:
    return [pd.Timestamp(v).strftime("%Y-%m") for v in values]


def _period(value, func: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(f"{func}(): `period` must be a date such as '2024-10' or "
                         f"'2024-10-01', got {value!r}.") from None
    return ts.to_period("M").start_time


def _month_axis(ax) -> None:
    """Dates on the x axis as ``2024-10``, slanted so that they never collide."""
    ax.xaxis.set_major_formatter(DateFormatter("%Y-%m"))
    ax.tick_params(axis="x", labelrotation=30)


def _money(ax_axis) -> None:
    ax_axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))


def _mark(ax, mark, text: str | None = None) -> None:
    """A dashed vertical line at the period ``mark`` (dates on the x axis)."""
    if mark is None:
        return
    x = pd.Timestamp(mark)
    ax.axvline(x, color="0.3", linestyle="--", linewidth=1)
    if text:
        ax.annotate(text, xy=(x, 1.0), xycoords=("data", "axes fraction"),
                    xytext=(3, -12), textcoords="offset points", fontsize=8,
                    color="0.2")


# ---------------------------------------------------------------- waterfall ----
def plot_pnl_waterfall(data, *, period=None, ax=None):
    """The P&L of one month as a waterfall, from GMV down to contribution.

    Totals (GMV 拍下金额, paid amount 支付金额, goods sales, net sales 净销售额,
    gross profit 毛利, contribution 边际贡献) stand on zero; each step between
    them floats and shows what was taken off: the GMV that was not paid, the
    shipping charged to buyers (in paid amount, not in net sales), refunds,
    COGS and every variable cost including marketing.

    Parameters
    ----------
    data : pandas.DataFrame
        The P&L in long form, ``ecomkit.pnl_long(ecomkit.pnl_table(...))``:
        columns ``period``, ``line``, ``amount``.
    period : date-like, optional
        The month to draw (``"2024-10"``); default the last period in ``data``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError
        ``data`` is not a DataFrame.
    ValueError
        A missing column or P&L line, or ``period`` not in ``data``.

    Examples
    --------
    >>> import pandas as pd
    >>> from matplotlib.figure import Figure
    >>> lines = {"gmv": 120.0, "paid_amount": 110.0, "shipping_fee": 10.0,
    ...     "goods_sales": 100.0, "refunds": 10.0, "net_sales": 90.0, "cogs": 40.0,
    ...     "gross_profit": 50.0, "logistics": 5.0, "warehousing": 3.0,
    ...     "packaging": 1.0, "platform_fee": 4.0, "payment_fee": 1.0,
    ...     "marketing": 10.0, "contribution": 26.0}
    >>> long = pd.DataFrame({"period": pd.Timestamp("2024-01-01"),
    ...                      "line": list(lines), "amount": list(lines.values())})
    >>> ax = plot_pnl_waterfall(long, ax=Figure().subplots())
    >>> len(ax.patches)
    16
    """
    func = "plot_pnl_waterfall"
    require_columns(func, data, ("period", "line", "amount"),
          what="ecomkit.pnl_long(ecomkit.pnl_table(...))")
    ax = new_axes(ax)
    if len(data) == 0:
        return no_data(ax)
    periods = pd.to_datetime(data["period"])
    when = periods.max() if period is None else _period(period, func)
    rows = data.loc[(periods == when).to_numpy()]
    if rows.empty:
        raise ValueError(
            f"{func}(): period {when:%Y-%m} is not in `data`; it has "
            f"{sorted(set(_month_label(periods.unique())))}."
        )
    amount = rows.groupby(rows["line"].astype(str), sort=False)["amount"].sum()
    missing = [x for x in _WATERFALL_LINES if x not in amount.index]
    if missing:
        raise ValueError(f"{func}(): `data` lacks the P&L line(s) {missing}; pass "
                         f"pnl_long(pnl_table(...)) with all lines.")
    amount = amount.astype(float).to_dict()
    amount["-unpaid"] = amount["paid_amount"] - amount["gmv"]
    pal = sns.color_palette("muted")
    level = 0.0
    labels = []
    for i, (kind, key, en, zh) in enumerate(_WATERFALL):
        if kind == "total":
            value = amount[key]
            ax.bar(i, value, color=pal[0], width=0.65)
            level, top, text = value, max(value, 0.0), f"{value:,.0f}"
        else:
            # a cost line is positive in the P&L and takes the level down
            change = amount[key] if key == "-unpaid" else -amount[key.lstrip("-")]
            bottom = level if change >= 0 else level + change
            ax.bar(i, abs(change), bottom=bottom, width=0.65,
                   color=pal[2] if change >= 0 else pal[3])
            level += change
            top, text = max(level, level - change), f"{change:+,.0f}"
        ax.text(i, top, text, ha="center", va="bottom", fontsize=7)
        labels.append(label(en, zh))
    ax.axhline(0, color="0.3", linewidth=0.8)
    ax.set_xticks(range(len(_WATERFALL)), labels, rotation=35, ha="right")
    _money(ax.yaxis)
    ax.set(title=label(f"P&L waterfall, {when:%Y-%m}", "利润瀑布"), xlabel="",
           ylabel=label("amount (shop currency)", "金额"))
    use_cjk_font(ax)
    return ax


# ------------------------------------------------------------ over months ----
def plot_margins(data, *, margins=("gross_margin", "contribution_margin"),
                 mark=None, ax=None):
    """Margins over months: gross margin 毛利率 and contribution margin 边际贡献率.

    Parameters
    ----------
    data : pandas.DataFrame
        ``ecomkit.pnl_table(...)``: a ``period`` column and the margin columns.
    margins : sequence of str, default=("gross_margin", "contribution_margin")
        Which margin columns to draw (fractions; shown as percentages).
    mark : date-like, optional
        A month to mark with a dashed line.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError, ValueError
        ``data`` is not a DataFrame or lacks a column.

    Examples
    --------
    >>> import pandas as pd
    >>> from matplotlib.figure import Figure
    >>> pnl = pd.DataFrame({"period": pd.to_datetime(["2024-01-01", "2024-02-01"]),
    ...     "gross_margin": [0.5, 0.48], "contribution_margin": [0.2, 0.25]})
    >>> ax = plot_margins(pnl, ax=Figure().subplots())
    >>> len(ax.get_legend().get_texts())
    2
    """
    func = "plot_margins"
    margins = [margins] if isinstance(margins, str) else list(margins)
    require_columns(func, data, ["period", *margins], what="ecomkit.pnl_table(...)")
    ax = new_axes(ax)
    if len(data) == 0:
        return no_data(ax)
    long = data.melt(id_vars="period", value_vars=margins, var_name="margin",
                     value_name="value")
    long["margin"] = [label(*_NAMES.get(m, (m, None))) for m in long["margin"]]
    long["period"] = pd.to_datetime(long["period"])
    sns.lineplot(data=long, x="period", y="value", hue="margin", marker="o",
                 errorbar=None, ax=ax)
    _month_axis(ax)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    _mark(ax, mark)
    ax.set(title=label("Margins by month", "月度毛利率与边际贡献率"),
           xlabel=label("month", "月份"), ylabel=label("share of net sales", "占净销售额"))
    ax.legend(title="")
    use_cjk_font(ax)
    return ax


def plot_cost_ratios(data, *, mark=None, mark_label=None, base="net_sales", ax=None):
    """Cost ratios over months: 物流费占比, 仓储费占比, 推广费占比 ...

    Parameters
    ----------
    data : pandas.DataFrame
        Long frame with columns ``period``, ``cost`` (its name) and ``ratio``
        (a fraction), e.g. ``ecomkit.cost_ratio(..., freq="M")`` of each kind
        stacked together.
    mark : date-like, optional
        A month to mark with a dashed line (e.g. the carrier price step).
    mark_label : str, optional
        Text next to the mark.
    base : str, default="net_sales"
        The denominator, for the axis label.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError, ValueError
        ``data`` is not a DataFrame or lacks a column.

    Examples
    --------
    >>> import pandas as pd
    >>> from matplotlib.figure import Figure
    >>> r = pd.DataFrame({"period": pd.to_datetime(["2024-01-01", "2024-02-01"] * 2),
    ...     "cost": ["logistics"] * 2 + ["marketing"] * 2,
    ...     "ratio": [0.02, 0.03, 0.08, 0.07]})
    >>> ax = plot_cost_ratios(r, mark="2024-02-01", ax=Figure().subplots())
    >>> len(ax.get_legend().get_texts())
    2
    """
    func = "plot_cost_ratios"
    require_columns(func, data, ("period", "cost", "ratio"),
          what="long frame of ecomkit.cost_ratio(..., freq='M') results")
    ax = new_axes(ax)
    if len(data) == 0:
        return no_data(ax)
    frame = data.assign(period=pd.to_datetime(data["period"]),
                        cost=data["cost"].astype(str))
    sns.lineplot(data=frame, x="period", y="ratio", hue="cost", marker="o",
                 errorbar=None, ax=ax)
    _month_axis(ax)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    _mark(ax, mark, mark_label)
    ax.set(title=label("Cost ratios by month", "费用占比"),
           xlabel=label("month", "月份"), ylabel=f"cost ÷ {base}")
    ax.legend(title="")
    use_cjk_font(ax)
    return ax


def plot_trend(data, *, y, hue=None, mark=None, mark_label=None, percent=False,
               title=None, ylabel=None, ax=None):
    """One metric over months (optionally one line per channel), with a marked month.

    Parameters
    ----------
    data : pandas.DataFrame
        Columns ``period`` (month start), ``y`` and, optionally, ``hue``.
    y : str
        The value column.
    hue : str, optional
        A column splitting the lines (e.g. ``"channel"``).
    mark : date-like, optional
        A month to mark with a dashed line (where a story starts).
    mark_label : str, optional
        Text next to the mark.
    percent : bool, default=False
        Format the y axis as a percentage (``y`` holds fractions).
    title, ylabel : str, optional
        Chart title and y-axis label (default: the column name).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError, ValueError
        ``data`` is not a DataFrame or lacks a column.

    Examples
    --------
    >>> import pandas as pd
    >>> from matplotlib.figure import Figure
    >>> d = pd.DataFrame({"period": pd.to_datetime(["2024-01-01", "2024-02-01"]),
    ...                   "cost_per_order": [6.1, 8.0]})
    >>> ax = plot_trend(d, y="cost_per_order", mark="2024-02-01",
    ...                 ax=Figure().subplots())
    >>> ax.get_ylabel()
    'cost_per_order'
    """
    func = "plot_trend"
    require_columns(func, data, ["period", y] + ([hue] if hue else []),
          what="a monthly table")
    ax = new_axes(ax)
    if len(data) == 0:
        return no_data(ax)
    frame = data.assign(period=pd.to_datetime(data["period"]))
    if hue:
        frame[hue] = frame[hue].astype(str)
    sns.lineplot(data=frame, x="period", y=y, hue=hue, marker="o", errorbar=None,
                 ax=ax)
    _month_axis(ax)
    if percent:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
    _mark(ax, mark, mark_label)
    ax.set(title=title or y, xlabel=label("month", "月份"), ylabel=ylabel or y)
    if hue:
        ax.legend(title="", fontsize=8)
    use_cjk_font(ax)
    return ax


# -------------------------------------------------------------- by channel ----
def plot_channel_ratios(data, *, metrics, ref=None, ref_label=None, percent=False,
                        title=None, ylabel=None, ax=None):
    """Several ratios side by side per channel (ROAS vs ROI, LTV vs CAC ...).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per channel: a ``channel`` column and the ``metrics`` columns.
        Rows where every metric is NaN (e.g. organic channels) are dropped.
    metrics : sequence of str
        The columns to draw as grouped bars.
    ref : float, optional
        A reference level drawn as a dashed line (e.g. the break-even ROAS).
    ref_label : str, optional
        Its legend entry.
    percent : bool, default=False
        Format the y axis as a percentage.
    title, ylabel : str, optional
        Chart title and y-axis label.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError, ValueError
        ``data`` is not a DataFrame or lacks a column.

    Examples
    --------
    >>> import pandas as pd
    >>> from matplotlib.figure import Figure
    >>> t = pd.DataFrame({"channel": ["paid_search", "social", "direct"],
    ...                   "roas": [2.4, 7.3, float("nan")],
    ...                   "roi": [0.0, 2.0, float("nan")]})
    >>> ax = plot_channel_ratios(t, metrics=["roas", "roi"], ref=2.8,
    ...                          ax=Figure().subplots())
    >>> len(ax.get_xticklabels())
    2
    """
    func = "plot_channel_ratios"
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    require_columns(func, data, ["channel", *metrics], what="one row per channel")
    ax = new_axes(ax)
    frame = data.dropna(subset=metrics, how="all")
    if len(frame) == 0:
        return no_data(ax)
    long = frame.melt(id_vars="channel", value_vars=metrics, var_name="metric",
                      value_name="value")
    long["channel"] = long["channel"].astype(str)
    long["metric"] = [label(*_NAMES.get(m, (m, None))) for m in long["metric"]]
    sns.barplot(data=long, x="channel", y="value", hue="metric", ax=ax)
    ax.axhline(0, color="0.3", linewidth=0.8)
    if ref is not None and np.isfinite(ref):
        ax.axhline(ref, color="0.2", linestyle="--", linewidth=1.2,
                   label=ref_label or f"{ref:.2f}")
    if percent:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.tick_params(axis="x", labelrotation=20)
    ax.set(title=title or " vs ".join(metrics), xlabel=label("channel", "渠道"),
           ylabel=ylabel or "")
    ax.legend(title="", fontsize=8)
    use_cjk_font(ax)
    return ax


def plot_channel_heatmap(data, *, value, fmt=".2f", relative=True, title=None,
                         ax=None):
    """A channel × month heatmap of one metric (CPC, ROAS ...), annotated.

    The cells show the values; with ``relative=True`` the colours compare each
    month with the channel's own median, so a price change in one channel
    stands out even when channels have very different levels.

    Parameters
    ----------
    data : pandas.DataFrame
        Long frame with columns ``period``, ``channel`` and ``value``
        (e.g. ``ecomkit.cpc(spend, by="channel", freq="M").reset_index()``).
    value : str
        The value column.
    fmt : str, default=".2f"
        Format of the annotations.
    relative : bool, default=True
        Colour by value ÷ the channel's median (else by the value itself).
    title : str, optional
        Chart title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError, ValueError
        ``data`` is not a DataFrame or lacks a column.

    Examples
    --------
    >>> import pandas as pd
    >>> from matplotlib.figure import Figure
    >>> d = pd.DataFrame({"period": pd.to_datetime(["2024-01-01", "2024-02-01"] * 2),
    ...     "channel": ["paid_search"] * 2 + ["social"] * 2,
    ...     "cpc": [3.0, 6.1, 2.0, 2.1]})
    >>> ax = plot_channel_heatmap(d, value="cpc", ax=Figure().subplots())
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['paid_search', 'social']
    """
    func = "plot_channel_heatmap"
    require_columns(func, data, ("period", "channel", value), what="a long channel × month table")
    ax = new_axes(ax)
    if len(data) == 0:
        return no_data(ax)
    frame = data.assign(period=pd.to_datetime(data["period"]).dt.strftime("%Y-%m"),
                        channel=data["channel"].astype(str))
    order = list(dict.fromkeys(frame["channel"]))
    wide = frame.pivot_table(index="channel", columns="period", values=value,
                             aggfunc="sum", observed=True, dropna=False)
    wide = wide.reindex(order)
    if relative:  # each row against its own median: 1 = a usual month
        colour = wide.div(wide.median(axis=1).where(lambda m: m > 0), axis=0)
        sns.heatmap(colour, annot=wide, fmt=fmt, cmap="vlag", vmin=0,
                    vmax=2, cbar=False, annot_kws={"fontsize": 7}, linewidths=0.5,
                    ax=ax)
    else:
        sns.heatmap(wide, annot=True, fmt=fmt, cmap="rocket_r", cbar=False,
                    annot_kws={"fontsize": 7}, linewidths=0.5, ax=ax)
    ax.set(title=title or value, xlabel=label("month", "月份"),
           ylabel=label("channel", "渠道"))
    ax.tick_params(axis="y", labelrotation=0)
    ax.tick_params(axis="x", labelrotation=45)
    use_cjk_font(ax)
    return ax


# ---------------------------------------------------------------- fulfilment ----
def plot_refund_by_delivery(data, *, ax=None):
    """Refund rate 退款率 of on-time vs late deliveries, as bars.

    Parameters
    ----------
    data : pandas.DataFrame
        ``ecomkit.refund_rate_by_delivery(orders, refunds)`` without ``by`` or
        ``freq``: columns ``delivery``, ``orders``, ``refunded_orders``,
        ``refund_rate``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError, ValueError
        ``data`` is not a DataFrame or lacks a column.

    Examples
    --------
    >>> import pandas as pd
    >>> from matplotlib.figure import Figure
    >>> t = pd.DataFrame({"delivery": ["on_time", "late"], "orders": [100, 20],
    ...     "refunded_orders": [9, 4], "refund_rate": [0.09, 0.2]})
    >>> ax = plot_refund_by_delivery(t, ax=Figure().subplots())
    >>> len(ax.patches)
    2
    """
    func = "plot_refund_by_delivery"
    require_columns(func, data, ("delivery", "orders", "refund_rate"),
          what="ecomkit.refund_rate_by_delivery(...)")
    ax = new_axes(ax)
    if len(data) == 0:
        return no_data(ax)
    frame = data.assign(delivery=data["delivery"].astype(str))
    sns.barplot(data=frame, x="delivery", y="refund_rate", hue="delivery",
                palette=["#4c72b0", "#c44e52"][: len(frame)], legend=False, ax=ax)
    for i, r in enumerate(frame.itertuples(index=False)):
        if pd.notna(r.refund_rate):
            ax.text(i, r.refund_rate, f"{r.refund_rate:.1%}\n(n={r.orders:,})",
                    ha="center", va="bottom", fontsize=8)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.margins(y=0.2)
    ax.set(title=label("Refund rate: on-time vs late deliveries", "超时送达退款率"),
           xlabel=label("delivery", "送达"), ylabel=label("refund rate", "退款率"))
    use_cjk_font(ax)
    return ax


def plot_delivery_days(data, *, late_days=None, ax=None):
    """Distribution of delivery days 送达天数: share of orders per whole day.

    Parameters
    ----------
    data : pandas.DataFrame
        ``ecomkit.delivery_days(orders, stat="distribution")``: columns
        ``days`` and ``share``.
    late_days : float, optional
        The late threshold, drawn as a dashed line between the bars.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    TypeError, ValueError
        ``data`` is not a DataFrame or lacks a column.

    Examples
    --------
    >>> import pandas as pd
    >>> from matplotlib.figure import Figure
    >>> d = pd.DataFrame({"days": [2, 3, 4], "orders": [5, 3, 2],
    ...                   "share": [0.5, 0.3, 0.2]})
    >>> ax = plot_delivery_days(d, late_days=3, ax=Figure().subplots())
    >>> len(ax.patches)
    3
    """
    func = "plot_delivery_days"
    require_columns(func, data, ("days", "share"),
          what="ecomkit.delivery_days(stat='distribution')")
    ax = new_axes(ax)
    if len(data) == 0:
        return no_data(ax)
    frame = data.groupby("days", as_index=False)["share"].sum()
    frame["late"] = frame["days"] > (late_days if late_days is not None else np.inf)
    sns.barplot(data=frame, x="days", y="share", hue="late",
                palette={False: "#4c72b0", True: "#c44e52"}, legend=False, ax=ax)
    if late_days is not None:
        pos = float(np.searchsorted(frame["days"].to_numpy(), late_days, side="right"))
        ax.axvline(pos - 0.5, color="0.3", linestyle="--", linewidth=1)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(title=label("Days from payment to delivery", "送达天数分布"),
           xlabel=label("days (rounded up)", "天"),
           ylabel=label("share of delivered orders", "订单占比"))
    use_cjk_font(ax)
    return ax
