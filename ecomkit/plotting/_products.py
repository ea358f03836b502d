"""Charts for the products notebook (05_products): the Pareto chart of ABC
classes, hot items, category comparisons, stock-out days and refund reasons.

Every function takes the result of an ecomkit metric function (or the shop
table it describes), draws on the given Axes and returns it. Chart text is
English, or "English 中文" when a CJK font is installed
(:func:`ecomkit.plotting._style.label`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, PercentFormatter

from ._style import label, new_axes, no_data, require_columns, use_cjk_font

__all__ = [
    "plot_category_bars",
    "plot_hot_items",
    "plot_pareto",
    "plot_refund_reasons",
    "plot_stockout_heatmap",
]

_CLASS_COLORS = {"A": "#4c72b0", "B": "#dd8452", "C": "#a5a5a5"}


# ------------------------------------------------------------------ Pareto ----
def plot_pareto(data, *, value="paid_amount", thresholds=(0.8, 0.95), ax=None):
    """Pareto chart of ABC classes: sorted bars and the cumulative share line.

    Bars: each product's value (line paid amount 商品支付金额, or units),
    largest first, coloured by ABC class. Line (right axis): the cumulative
    share of the total, with the A and B thresholds as dashed lines; where
    the line crosses the first threshold the A class ends.

    Parameters
    ----------
    data : pandas.DataFrame
        ``ecomkit.abc_classes(...)``: columns ``value``, ``cumulative_share``
        and ``abc_class``, sorted by value descending.
    value : str, default="paid_amount"
        The value column (``"units"`` for ``abc_classes(by="units")``).
    thresholds : tuple of two floats, default=(0.8, 0.95)
        The A and B cut-offs used for the classes (drawn as lines).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted. The cumulative line is on
        a twin axis; the returned Axes is the bars'.

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
    >>> abc = pd.DataFrame({"product_id": [1, 2, 3, 4],
    ...     "paid_amount": [70.0, 20.0, 6.0, 4.0],
    ...     "cumulative_share": [0.7, 0.9, 0.96, 1.0],
    ...     "abc_class": ["A", "A", "B", "C"]})
    >>> ax = plot_pareto(abc, ax=Figure().subplots())
    >>> len(ax.patches)
    4
    """
    func = "plot_pareto"
    require_columns(func, data, (value, "cumulative_share", "abc_class"),
          what="ecomkit.abc_classes(...)")
    ax = new_axes(ax)
    frame = data.dropna(subset=["abc_class"])
    if len(frame) == 0:
        return no_data(ax, "nothing sold in this window")
    frame = frame.sort_values(value, ascending=False, kind="mergesort")
    x = np.arange(1, len(frame) + 1)
    classes = frame["abc_class"].astype(str).to_numpy()
    ax.bar(x, frame[value].to_numpy(dtype=float), width=0.85,
           color=[_CLASS_COLORS.get(c, "0.5") for c in classes])
    handles = [Patch(color=color, label=f"class {cls}")  # the classes present
               for cls, color in _CLASS_COLORS.items() if cls in classes]
    twin = ax.twinx()
    twin.plot(x, frame["cumulative_share"].to_numpy(dtype=float), color="0.15",
              marker="." if len(frame) <= 60 else None, linewidth=1.5)
    for t in thresholds:
        twin.axhline(t, color="0.4", linestyle="--", linewidth=0.9)
        twin.text(len(frame) * 0.98, t, f"{t:.0%}", ha="right", va="bottom",
                  fontsize=8, color="0.3")
    twin.set_ylim(0, 1.05)
    twin.yaxis.set_major_formatter(PercentFormatter(1.0))
    twin.set_ylabel(label("cumulative share", "累计占比"))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.set_xlim(0.3, len(frame) + 0.7)
    ax.legend(handles=handles, loc="center right", fontsize=8)
    ax.set(title=label("Pareto chart of products (ABC)", "帕累托图 / ABC 分类"),
           xlabel=label("product rank", "商品排名"),
           ylabel=label(value.replace("_", " "), "商品支付金额"
                        if value == "paid_amount" else "销量"))
    use_cjk_font(ax)
    use_cjk_font(twin)
    return ax


# ---------------------------------------------------------------- hot items ----
def plot_hot_items(data, *, ax=None):
    """Every product's paid amount within its category, hot items 爆款 highlighted.

    Parameters
    ----------
    data : pandas.DataFrame
        ``ecomkit.hot_items(...)`` (``method="category_top"``): columns
        ``category``, ``paid_amount``, ``is_hot``.
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
    >>> hot = pd.DataFrame({"product_id": [1, 2, 3], "category": ["shoes"] * 3,
    ...     "paid_amount": [90.0, 50.0, 10.0], "is_hot": [True, False, False]})
    >>> ax = plot_hot_items(hot, ax=Figure().subplots())
    >>> ax.get_xlabel().startswith("paid amount")
    True
    """
    func = "plot_hot_items"
    require_columns(func, data, ("category", "paid_amount", "is_hot"),
          what="ecomkit.hot_items(...)")
    ax = new_axes(ax)
    if len(data) == 0:
        return no_data(ax)
    frame = data.assign(
        category=data["category"].astype(str),
        item=np.where(data["is_hot"].astype(bool), "hot item", "other"),
    )
    order = (frame.groupby("category", sort=False)["paid_amount"].sum()
             .sort_values(ascending=False).index.tolist())
    sns.stripplot(data=frame, x="paid_amount", y="category", hue="item",
                  hue_order=["other", "hot item"], order=order,
                  palette={"other": "#a5a5a5", "hot item": "#c44e52"},
                  jitter=0.2, size=5, ax=ax)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.legend(title="", fontsize=8)
    ax.set(title=label("Hot items by category", "爆款"),
           xlabel=label("paid amount", "商品支付金额"), ylabel=label("category", "类目"))
    use_cjk_font(ax)
    return ax


# ------------------------------------------------------------- categories ----
def plot_category_bars(data, *, value, highlight=None, percent=False, ref=None,
                       ref_label=None, title=None, xlabel=None, ax=None):
    """One metric per category as horizontal bars, one category highlighted.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per category: a ``category`` column and ``value``.
    value : str
        The value column (sell-through, turnover, refund rate ...).
    highlight : str, optional
        A category drawn in the accent colour (the one a story is about, or
        the one the notebook focuses on).
    percent : bool, default=False
        Format the axis as a percentage (``value`` holds fractions).
    ref : float, optional
        A reference level drawn as a dashed line (e.g. the shop average).
    ref_label : str, optional
        Text next to it.
    title, xlabel : str, optional
        Chart title and value-axis label.
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
    >>> t = pd.DataFrame({"category": ["apparel", "shoes"],
    ...                   "order_refund_rate": [0.21, 0.09]})
    >>> ax = plot_category_bars(t, value="order_refund_rate", highlight="apparel",
    ...                         percent=True, ax=Figure().subplots())
    >>> len(ax.patches)
    2
    """
    func = "plot_category_bars"
    require_columns(func, data, ("category", value), what="one row per category")
    ax = new_axes(ax)
    frame = data.dropna(subset=[value])
    if len(frame) == 0:
        return no_data(ax)
    frame = frame.assign(category=frame["category"].astype(str))
    frame = frame.sort_values(value, ascending=False, kind="mergesort")
    colors = {c: ("#c44e52" if c == highlight else "#4c72b0")
              for c in frame["category"]}
    sns.barplot(data=frame, x=value, y="category", hue="category", palette=colors,
                legend=False, ax=ax)
    fmt = (lambda v: f"{v:.1%}") if percent else (lambda v: f"{v:,.1f}")
    for i, v in enumerate(frame[value].to_numpy(dtype=float)):
        ax.text(v, i, " " + fmt(v), va="center", fontsize=8)
    if ref is not None and np.isfinite(ref):
        ax.axvline(ref, color="0.3", linestyle="--", linewidth=1)
        if ref_label:
            ax.annotate(ref_label, xy=(ref, 1.0), xycoords=("data", "axes fraction"),
                        xytext=(3, -10), textcoords="offset points", fontsize=8)
    if percent:
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.margins(x=0.15)
    ax.set(title=title or value, xlabel=xlabel or value,
           ylabel=label("category", "类目"))
    use_cjk_font(ax)
    return ax


# -------------------------------------------------------------- stock-outs ----
def plot_stockout_heatmap(data, *, products, start=None, end=None, ax=None):
    """Which products were out of stock 缺货, and when: one row per product,
    one column per day, dark where ``on_hand_units`` was 0 at the end of the day.

    Parameters
    ----------
    data : pandas.DataFrame
        ``shop.inventory``: columns ``date``, ``product_id``, ``on_hand_units``.
    products : sequence
        The product ids to show, top to bottom (e.g. the most affected ones).
    start, end : date-like, optional
        Inclusive window on ``date``.
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
    >>> inv = pd.DataFrame({"date": pd.to_datetime(["2024-01-01", "2024-01-02"] * 2),
    ...     "product_id": [1, 1, 2, 2], "on_hand_units": [5, 0, 0, 3]})
    >>> ax = plot_stockout_heatmap(inv, products=[1, 2], ax=Figure().subplots())
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['1', '2']
    """
    func = "plot_stockout_heatmap"
    require_columns(func, data, ("date", "product_id", "on_hand_units"), what="shop.inventory")
    ax = new_axes(ax)
    ids = list(products)
    dates = pd.to_datetime(data["date"])
    keep = data["product_id"].isin(ids).to_numpy()
    if start is not None:
        keep = keep & (dates >= pd.Timestamp(start)).to_numpy()
    if end is not None:
        keep = keep & (dates <= pd.Timestamp(end)).to_numpy()
    rows = data.loc[keep]
    if len(rows) == 0 or not ids:
        return no_data(ax, "no inventory rows for these products")
    out = pd.DataFrame({"product_id": rows["product_id"].to_numpy(),
                        "date": dates[keep].dt.normalize().to_numpy(),
                        "out": (rows["on_hand_units"] == 0).to_numpy(dtype=float)})
    wide = out.pivot_table(index="product_id", columns="date", values="out",
                           aggfunc="max")
    days = pd.date_range(wide.columns.min(), wide.columns.max(), freq="D")
    wide = wide.reindex(index=[i for i in ids if i in wide.index], columns=days)
    sns.heatmap(wide, cmap=sns.color_palette(["#e8eef5", "#c44e52"], as_cmap=True),
                vmin=0, vmax=1, cbar=False, ax=ax)
    ax.set_facecolor("#bdbdbd")  # days without a row (not launched yet): grey
    ax.grid(False)
    firsts = [i for i, d in enumerate(days) if d.day == 1] or [0]
    ax.set_xticks([i + 0.5 for i in firsts],
                  [days[i].strftime("%Y-%m") for i in firsts], rotation=45, ha="right")
    ax.set_yticks(np.arange(len(wide)) + 0.5, [str(i) for i in wide.index],
                  rotation=0)
    ax.set(title=label("Out-of-stock days (red; grey = no stock record)", "缺货天数"),
           xlabel=label("day", "日期"), ylabel=label("product", "商品"))
    use_cjk_font(ax)
    return ax


# -------------------------------------------------------------- refunds ----
def plot_refund_reasons(data, *, highlight=None, ax=None):
    """Refund reasons 退款原因 by category: each row's shares sum to 100 %.

    Rows keep the order of their first appearance in ``data``; each row label
    carries the number of refunds behind its shares.

    Parameters
    ----------
    data : pandas.DataFrame
        Long frame with columns ``category``, ``reason`` and ``refunds`` (a
        count or an amount per category and reason).
    highlight : str, optional
        A category whose label is drawn in bold (the refund-prone one).
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
    >>> d = pd.DataFrame({"category": ["apparel", "apparel", "shoes"],
    ...     "reason": ["size_fit", "quality", "quality"], "refunds": [8, 2, 3]})
    >>> ax = plot_refund_reasons(d, highlight="apparel", ax=Figure().subplots())
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['apparel (n=10)', 'shoes (n=3)']
    """
    func = "plot_refund_reasons"
    require_columns(func, data, ("category", "reason", "refunds"),
          what="refunds per category and reason")
    ax = new_axes(ax)
    if len(data) == 0 or float(data["refunds"].sum()) == 0:
        return no_data(ax, "no refunds in this window")
    frame = data.assign(category=data["category"].astype(str),
                        reason=data["reason"].astype(str))
    rows = list(dict.fromkeys(frame["category"]))
    cols = list(dict.fromkeys(frame["reason"]))
    wide = frame.pivot_table(index="category", columns="reason", values="refunds",
                             aggfunc="sum", fill_value=0).reindex(index=rows,
                                                                  columns=cols)
    n = wide.sum(axis=1)
    share = wide.div(n.where(n > 0), axis=0)
    share.index = [f"{c} (n={v:,.0f})" for c, v in n.items()]
    sns.heatmap(share, annot=True, fmt=".0%", cmap="rocket_r", vmin=0, vmax=1,
                cbar=False, annot_kws={"fontsize": 8}, linewidths=0.5, ax=ax)
    ax.tick_params(axis="y", labelrotation=0)
    ax.tick_params(axis="x", labelrotation=30)
    if highlight is not None:
        for t in ax.get_yticklabels():
            if t.get_text().split(" (n=")[0] == str(highlight):
                t.set_fontweight("bold")
                t.set_color("#c44e52")
    ax.set(title=label("Refund reasons by category (share of its refunds)",
                       "各类目退款原因占比"),
           xlabel=label("reason", "退款原因"), ylabel=label("category", "类目"))
    use_cjk_font(ax)
    return ax
