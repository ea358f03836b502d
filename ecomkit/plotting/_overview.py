"""Charts for the overview notebook (00_start_here): the metric map, the sales
identity tree, the shop's tables, the glossary and the three revenue bases.

Diagrams (boxes and arrows) are drawn with plain matplotlib patches on the
given Axes; bar charts use seaborn. Chart text is English, or "English 中文"
when a CJK font is installed (:func:`ecomkit.plotting._style.label`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.ticker import FuncFormatter

from ._style import label, new_axes, use_cjk_font

__all__ = [
    "glossary_table",
    "plot_family_counts",
    "plot_identity_tree",
    "plot_metric_map",
    "plot_revenue_bases",
    "plot_revenue_bridge",
    "plot_table_map",
    "plot_data_window",
    "plot_table_sizes",
]

#: families of the metric map: (x, y) of the box centre, English caption, 中文
_MAP_LAYOUT = {
    "traffic": ((0.0, 1.0), "Traffic", "流量"),
    "conversion": ((1.0, 1.0), "Conversion", "转化"),
    "sales": ((2.0, 1.0), "Sales", "交易"),
    "member": ((3.0, 1.0), "Members", "会员"),
    "finance": ((4.0, 1.0), "Finance", "财务"),
    "market": ((0.0, 2.1), "Market", "市场"),
    "marketing": ((1.0, 2.1), "Campaigns", "营销"),
    "diagnosis": ((2.0, 2.1), "GMV diagnosis", "归因"),
    "product": ((2.0, -0.1), "Products", "商品"),
    "clv": ((3.0, -0.1), "CLV", "客户价值"),
    "fulfilment": ((4.0, -0.1), "Fulfilment", "营运"),
}
#: the main chain, left to right
_CHAIN = ("traffic", "conversion", "sales", "member", "finance")
#: side boxes and the chain box each one feeds (or explains)
_SIDE_ARROWS = (
    ("market", "traffic"),
    ("marketing", "conversion"),
    ("marketing", "traffic"),
    ("diagnosis", "sales"),
    ("product", "sales"),
    ("clv", "member"),
    ("fulfilment", "finance"),
)


def _box(ax, xy, text, *, width, height, color, alpha=1.0, fontsize=9, weight="normal",
         edgecolor="0.3", linewidth=1.0):
    """A rounded box centred on ``xy`` with ``text`` in it."""
    x, y = xy
    patch = FancyBboxPatch(
        (x - width / 2, y - height / 2), width, height,
        boxstyle="round,pad=0.02,rounding_size=0.06",
        facecolor=color, edgecolor=edgecolor, linewidth=linewidth, alpha=alpha,
    )
    ax.add_patch(patch)
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, weight=weight)
    return patch


def _arrow(ax, a, b, *, color="0.35", style="-|>", linestyle="-", shrink=18):
    ax.add_patch(FancyArrowPatch(a, b, arrowstyle=style, mutation_scale=12, color=color,
                                 linestyle=linestyle, shrinkA=shrink, shrinkB=shrink,
                                 linewidth=1.2))


def _edge(center, toward, width, height, pad=0.04):
    """Where the line from a box's ``center`` toward ``toward`` leaves the box."""
    (x, y), (tx, ty) = center, toward
    dx, dy = tx - x, ty - y
    if dx == 0 and dy == 0:
        return center
    scale = min(((width / 2 + pad) / abs(dx)) if dx else np.inf,
                ((height / 2 + pad) / abs(dy)) if dy else np.inf)
    return (x + dx * scale, y + dy * scale)


def _link(ax, a, b, size_a, size_b, **kwargs):
    """An arrow from the edge of box ``a`` to the edge of box ``b`` (centres, sizes)."""
    _arrow(ax, _edge(a, b, *size_a), _edge(b, a, *size_b), shrink=0, **kwargs)


def _finish_diagram(ax, xlim, ylim, title):
    ax.set(xlim=xlim, ylim=ylim, title=title, xticks=[], yticks=[])
    ax.set_aspect("auto")
    for side in ax.spines.values():
        side.set_visible(False)
    use_cjk_font(ax)


# ------------------------------------------------------------ metric map ---
def plot_metric_map(data=None, *, highlight=None, ax=None):
    """The metric system as a map: traffic → conversion → sales → members →
    finance, with products, market, campaigns and the other families beside.

    Parameters
    ----------
    data : pandas.DataFrame, optional
        The glossary (:func:`ecomkit.glossary`); when given, each box shows
        how many catalog metrics its family has.
    highlight : str, optional
        A family to emphasise (e.g. the notebook's ``family`` parameter);
        ``None`` or ``"all"`` emphasises none.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> g = pd.DataFrame({"family": ["traffic", "traffic", "sales"]})
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_metric_map(g, highlight="sales", ax=ax)
    >>> any("2 metrics" in t.get_text() for t in ax.texts)
    True
    >>> plt.close(fig)
    """
    ax = new_axes(ax)
    counts = {}
    if data is not None:
        if "family" not in getattr(data, "columns", ()):
            raise ValueError("plot_metric_map(): `data` must be the glossary, a DataFrame "
                             "with a 'family' column (ecomkit.glossary()).")
        counts = data["family"].value_counts().to_dict()
    if highlight not in (None, "all") and highlight not in _MAP_LAYOUT:
        raise ValueError(f"plot_metric_map(): unknown family {highlight!r} in `highlight`; "
                         f"use one of {list(_MAP_LAYOUT)} or 'all'.")
    palette = sns.color_palette("pastel", 3)
    for fam, (xy, en, zh) in _MAP_LAYOUT.items():
        text = label(en, zh)
        if data is not None:
            n = int(counts.get(fam, 0))
            text += f"\n{n} metric" + ("" if n == 1 else "s")
        main = fam in _CHAIN
        emph = highlight == fam
        _box(ax, xy, text, width=0.82, height=0.55 if main else 0.5,
             color=palette[0] if main else palette[2],
             alpha=1.0 if (emph or highlight in (None, "all")) else 0.55,
             weight="bold" if (main or emph) else "normal",
             edgecolor="crimson" if emph else "0.3", linewidth=2.5 if emph else 1.0)
    main_size, side_size = (0.82, 0.55), (0.82, 0.5)
    for a, b in zip(_CHAIN[:-1], _CHAIN[1:], strict=True):
        _link(ax, _MAP_LAYOUT[a][0], _MAP_LAYOUT[b][0], main_size, main_size, color="0.2")
    for a, b in _SIDE_ARROWS:
        _link(ax, _MAP_LAYOUT[a][0], _MAP_LAYOUT[b][0], side_size, main_size, color="0.55",
              linestyle="--")
    _finish_diagram(ax, (-0.55, 4.55), (-0.55, 2.6),
                    "The metric system: from visitors to profit")
    return ax


# --------------------------------------------------------- identity tree ---
def _fmt_number(v, kind):
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "n/a"
    if kind == "pct":
        return f"{v:.2%}"
    if kind == "int":
        return f"{int(round(v)):,}"
    return f"{v:,.2f}"


def plot_identity_tree(data, *, ax=None):
    """销售额 = 访客数 × 支付转化率 × 客单价 as a tree, with the numbers in the boxes.

    Parameters
    ----------
    data : pandas.DataFrame or pandas.Series or mapping
        One row of :func:`ecomkit.sales_identity` (a one-row frame is
        accepted): ``uv``, ``paying_buyers``, ``pay_conversion``,
        ``revenue_per_buyer``, ``paid_amount`` and optionally
        ``uv_x_conversion_x_rpb``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        More than one row, or a missing field.

    Examples
    --------
    >>> row = {"uv": 4, "paying_buyers": 2, "pay_conversion": 0.5,
    ...        "revenue_per_buyer": 120.0, "paid_amount": 240.0}
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_identity_tree(row, ax=ax)
    >>> any("240.00" in t.get_text() for t in ax.texts)
    True
    >>> plt.close(fig)
    """
    ax = new_axes(ax)
    if isinstance(data, pd.DataFrame):
        if len(data) != 1:
            raise ValueError(f"plot_identity_tree(): `data` must be one row of "
                             f"sales_identity(), got {len(data)} rows; select one first.")
        data = data.iloc[0]
    row = dict(data) if isinstance(data, (Mapping, pd.Series)) else None
    need = ("uv", "paying_buyers", "pay_conversion", "revenue_per_buyer", "paid_amount")
    if row is None or any(k not in row for k in need):
        raise ValueError(f"plot_identity_tree(): `data` needs the fields {list(need)} "
                         f"(one row of ecomkit.sales_identity()).")
    uv, buyers = row["uv"], row["paying_buyers"]
    cr, rpb, paid = row["pay_conversion"], row["revenue_per_buyer"], row["paid_amount"]
    product = row.get("uv_x_conversion_x_rpb", uv * cr * rpb)
    pal = sns.color_palette("pastel", 4)
    top = (1.5, 2.0)
    kids = {"uv": (0.0, 1.0), "cr": (1.5, 1.0), "rpb": (3.0, 1.0)}
    _box(ax, top, label("Sales = paid amount", "销售额 支付金额") + f"\n{_fmt_number(paid, 'money')}",
         width=1.5, height=0.5, color=pal[0], weight="bold", fontsize=10)
    _box(ax, kids["uv"], label("Visitors UV", "访客数") + f"\n{_fmt_number(uv, 'int')}",
         width=1.2, height=0.5, color=pal[1])
    _box(ax, kids["cr"], label("Pay conversion", "支付转化率") + f"\n{_fmt_number(cr, 'pct')}",
         width=1.2, height=0.5, color=pal[2])
    _box(ax, kids["rpb"], label("Revenue per buyer", "客单价") + f"\n{_fmt_number(rpb, 'money')}",
         width=1.2, height=0.5, color=pal[3])
    for k in kids.values():  # from the bottom edge of the top box to each child's top
        _arrow(ax, (top[0] + 0.25 * (k[0] - top[0]), top[1] - 0.27), (k[0], k[1] + 0.27),
               style="-", shrink=0)
    for x in (0.75, 2.25):
        ax.text(x, 1.0, "×", ha="center", va="center", fontsize=16, weight="bold")
    # how the two rates are made
    _box(ax, (1.5, 0.05),
         label("paying buyers", "支付买家数") + f" {_fmt_number(buyers, 'int')}\n"
         + "÷ " + label("visitors", "访客数") + f" {_fmt_number(uv, 'int')}",
         width=1.3, height=0.5, color="white", fontsize=8)
    _box(ax, (3.0, 0.05),
         label("paid amount", "支付金额") + f" {_fmt_number(paid, 'money')}\n"
         + "÷ " + label("paying buyers", "支付买家数") + f" {_fmt_number(buyers, 'int')}",
         width=1.3, height=0.5, color="white", fontsize=8)
    for x in (1.5, 3.0):
        _arrow(ax, (x, 1.0 - 0.27), (x, 0.05 + 0.27), style="-", linestyle=":", shrink=0)
    check = ("UV × CR × RPB = " + _fmt_number(product, "money"))
    ax.text(0.0, 0.05, check, ha="center", va="center", fontsize=8, style="italic")
    _finish_diagram(ax, (-0.7, 3.7), (-0.35, 2.4), "Sales identity: UV × conversion × revenue per buyer")
    return ax


# ----------------------------------------------------------- table sizes ---
def plot_table_sizes(data, *, ax=None):
    """Rows per table of a shop, on a log scale (missing tables are left out).

    Parameters
    ----------
    data : pandas.DataFrame
        Columns ``table`` and ``rows`` (NaN or 0 for a table the shop lacks).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_table_sizes(pd.DataFrame({"table": ["orders", "events"], "rows": [20, 900]}), ax=ax)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['orders', 'events']
    >>> plt.close(fig)
    """
    ax = new_axes(ax)
    for col in ("table", "rows"):
        if col not in getattr(data, "columns", ()):
            raise ValueError(f"plot_table_sizes(): `data` needs the columns 'table' and "
                             f"'rows', got {list(getattr(data, 'columns', []))}.")
    d = data[data["rows"].fillna(0) > 0]
    if d.empty:
        ax.text(0.5, 0.5, "no tables", ha="center", va="center", transform=ax.transAxes)
    else:
        sns.barplot(data=d, y="table", x="rows", color=sns.color_palette()[0], ax=ax)
        ax.set_xscale("log")
        for patch, n in zip(ax.patches, d["rows"], strict=False):
            ax.text(patch.get_width() * 1.1, patch.get_y() + patch.get_height() / 2,
                    f"{int(n):,}", va="center", fontsize=8)
    ax.set(title=label("Rows per table", "各表行数"), xlabel=label("rows (log scale)", "行数"),
           ylabel=label("table", "表"))
    use_cjk_font(ax)
    return ax


#: where each canonical table sits in the schema diagram (column, row)
_TABLE_LAYOUT = {
    "contacts": (0, 3), "coupons": (1, 3), "campaigns": (2, 3), "marketing_spend": (3, 3),
    "keywords": (4, 3),
    "customers": (0, 2), "sessions": (1, 2), "events": (2, 2), "market": (4, 2),
    "orders": (1, 1), "order_items": (2, 1), "products": (3, 1),
    "refunds": (1, 0), "inventory": (3, 0), "costs": (4, 0),
}


def plot_table_map(data, *, relations=None, ax=None):
    """The shop's tables as boxes (with their row counts) and the keys that
    join them as arrows (child table → the table whose key it holds).

    Parameters
    ----------
    data : pandas.DataFrame
        Columns ``table`` and ``rows`` (NaN for a table the shop lacks: drawn
        grey). Canonical tables have fixed places; others go in a bottom row.
    relations : pandas.DataFrame, optional
        Columns ``table`` (child), ``column`` and ``parent``: one arrow each.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> sizes = pd.DataFrame({"table": ["orders", "customers"], "rows": [10, 4]})
    >>> rel = pd.DataFrame({"table": ["orders"], "column": ["customer_id"],
    ...                     "parent": ["customers"]})
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_table_map(sizes, relations=rel, ax=ax)
    >>> len(ax.patches)  # two boxes and one arrow
    3
    >>> plt.close(fig)
    """
    ax = new_axes(ax)
    for col in ("table", "rows"):
        if col not in getattr(data, "columns", ()):
            raise ValueError("plot_table_map(): `data` needs the columns 'table' and 'rows'.")
    pos = {}
    extra = 0
    for t in data["table"]:
        if t in _TABLE_LAYOUT:
            pos[t] = _TABLE_LAYOUT[t]
        else:
            pos[t] = (extra % 5, -1 - extra // 5)
            extra += 1
    rows = dict(zip(data["table"], data["rows"], strict=True))
    pal = sns.color_palette("pastel", 2)
    if relations is not None:
        for r in relations.itertuples(index=False):
            if r.table in pos and r.parent in pos and r.table != r.parent:
                _link(ax, pos[r.table], pos[r.parent], (0.74, 0.42), (0.74, 0.42),
                      color="0.45")
    for t, xy in pos.items():
        n = rows.get(t)
        have = n is not None and not pd.isna(n)
        text = f"{t}\n{int(n):,} rows" if have else f"{t}\n(missing)"
        _box(ax, xy, text, width=0.74, height=0.42, color=pal[0] if have else "0.9",
             fontsize=8, edgecolor="0.3" if have else "0.7")
    low = min([y for _, y in pos.values()], default=0)
    _finish_diagram(ax, (-0.6, 4.6), (low - 0.5, 3.5),
                    "The shop's tables and the keys that join them")
    return ax


# -------------------------------------------------------- glossary views ---
def glossary_table(family="all", search="", *, data=None,
                   columns=("id", "name", "name_zh", "family", "formula", "unit")):
    """The bilingual glossary filtered by family and a search text (for widgets).

    Parameters
    ----------
    family : str, default="all"
        A catalog family (``"traffic"``, ``"sales"``, ...) or ``"all"``.
    search : str, default=""
        Keep metrics whose id, names, formula or notes contain it
        (case-insensitive, either language); ``""`` keeps all.
    data : pandas.DataFrame, optional
        A glossary to filter; default :func:`ecomkit.glossary` ``()``.
    columns : sequence of str
        Columns to return.

    Returns
    -------
    pandas.DataFrame
        The matching rows, index reset. The input is not modified.

    Examples
    --------
    >>> glossary_table("market")["id"].tolist()
    ['gmv_rank', 'gmv_share', 'traffic_rank', 'user_share']
    >>> "revenue_per_buyer" in set(glossary_table("sales", search="客单价")["id"])
    True
    """
    from ..catalog import FAMILIES, glossary

    if family != "all" and family not in FAMILIES:
        raise ValueError(f"glossary_table(): unknown family {family!r}; use 'all' or one "
                         f"of {list(FAMILIES)}.")
    g = glossary() if data is None else data
    keep = np.ones(len(g), dtype=bool)
    if family != "all":
        keep &= (g["family"] == family).to_numpy()
    if search:
        needle = str(search).lower()
        hay = pd.Series("", index=g.index)
        for col in ("id", "name", "name_zh", "formula", "notes", "variants"):
            if col in g.columns:
                hay = hay + " " + g[col].fillna("").astype(str)
        keep &= hay.str.lower().str.contains(needle, regex=False).to_numpy()
    return g.loc[keep, [c for c in columns if c in g.columns]].reset_index(drop=True)


def plot_family_counts(data, *, highlight=None, ax=None):
    """How many catalog metrics each family has (bars in the catalog's family order).

    Parameters
    ----------
    data : pandas.DataFrame
        The glossary (a ``family`` column).
    highlight : str, optional
        A family to draw in a stronger colour (``None``/``"all"``: none).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_family_counts(pd.DataFrame({"family": ["sales", "sales", "traffic"]}), ax=ax)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['traffic', 'sales']
    >>> plt.close(fig)
    """
    from ..catalog import FAMILIES

    ax = new_axes(ax)
    if "family" not in getattr(data, "columns", ()):
        raise ValueError("plot_family_counts(): `data` must be the glossary (a 'family' column).")
    counts = data["family"].value_counts()
    order = [f for f in FAMILIES if f in counts.index] + sorted(
        f for f in counts.index if f not in FAMILIES)
    d = pd.DataFrame({"family": order, "metrics": [int(counts[f]) for f in order]})
    if d.empty:
        ax.text(0.5, 0.5, "no metrics", ha="center", va="center", transform=ax.transAxes)
    else:
        base, strong = sns.color_palette("pastel")[0], sns.color_palette()[3]
        colors = {f: (strong if f == highlight else base) for f in order}
        sns.barplot(data=d, y="family", x="metrics", hue="family", palette=colors,
                    legend=False, ax=ax)
        for patch, n in zip(ax.patches, d["metrics"], strict=False):
            ax.text(patch.get_width() + 0.2, patch.get_y() + patch.get_height() / 2,
                    str(n), va="center", fontsize=8)
    ax.set(title=label("Metrics per family in the catalog", "各类指标数"),
           xlabel=label("metrics", "指标数"), ylabel=label("family", "指标族"))
    use_cjk_font(ax)
    return ax


# ---------------------------------------------------------- revenue bases ---
_BASIS_LABELS = {
    "gmv": ("GMV (placed)", "拍下金额"),
    "paid_amount": ("Paid amount", "支付金额"),
    "net_sales": ("Net sales", "净销售额"),
}


def _money_axis(axis):
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))


def plot_revenue_bases(data, *, ax=None):
    """GMV vs 支付金额 vs net sales for one window, side by side.

    Parameters
    ----------
    data : mapping or pandas.Series
        ``{"gmv": ..., "paid_amount": ..., "net_sales": ...}`` (any subset,
        shown in that order; other names are shown as they are).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_revenue_bases({"gmv": 120.0, "paid_amount": 100.0, "net_sales": 85.0}, ax=ax)
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['GMV (placed)', 'Paid amount', 'Net sales']
    >>> plt.close(fig)
    """
    ax = new_axes(ax)
    values = pd.Series(dict(data), dtype="float64")
    if values.empty:
        raise ValueError("plot_revenue_bases(): `data` is empty; pass e.g. "
                         "{'gmv': ..., 'paid_amount': ..., 'net_sales': ...}.")
    order = [k for k in _BASIS_LABELS if k in values.index] + [
        k for k in values.index if k not in _BASIS_LABELS]
    names = [label(*_BASIS_LABELS[k]) if k in _BASIS_LABELS else str(k) for k in order]
    d = pd.DataFrame({"basis": names, "amount": values[order].to_numpy()})
    sns.barplot(data=d, x="basis", y="amount", hue="basis", legend=False,
                palette=sns.color_palette("muted", len(d)), ax=ax)
    for patch, v in zip(ax.patches, d["amount"], strict=False):
        ax.text(patch.get_x() + patch.get_width() / 2, patch.get_height(), f"{v:,.0f}",
                ha="center", va="bottom", fontsize=9)
    _money_axis(ax.yaxis)
    ax.set(title=label("Three revenue bases, same window", "三种销售额口径"),
           xlabel="", ylabel=label("amount (shop currency)", "金额"))
    use_cjk_font(ax)
    return ax


def plot_revenue_bridge(data, *, ax=None):
    """A waterfall from GMV to net sales: totals as full bars, each
    difference as a floating bar (red down, green up).

    Parameters
    ----------
    data : pandas.DataFrame
        Columns ``step`` (label), ``amount`` and ``total`` (bool): a total is
        drawn from 0 to ``amount``; a step moves the running level by
        ``amount``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        Missing columns or an empty frame.

    Examples
    --------
    >>> import pandas as pd
    >>> steps = pd.DataFrame({"step": ["GMV", "unpaid", "Paid"],
    ...                       "amount": [120.0, -20.0, 100.0],
    ...                       "total": [True, False, True]})
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_revenue_bridge(steps, ax=ax)
    >>> len(ax.patches)
    3
    >>> plt.close(fig)
    """
    ax = new_axes(ax)
    need = ("step", "amount", "total")
    if any(c not in getattr(data, "columns", ()) for c in need) or len(data) == 0:
        raise ValueError("plot_revenue_bridge(): `data` needs rows with the columns "
                         "'step', 'amount' and 'total'.")
    pal = sns.color_palette("muted")
    level = 0.0
    for i, r in enumerate(data.itertuples(index=False)):
        amount = float(r.amount)
        if bool(r.total):
            ax.bar(i, amount, color=pal[0], width=0.6)
            level = amount
            top = amount
        else:
            bottom = level if amount >= 0 else level + amount
            ax.bar(i, abs(amount), bottom=bottom, width=0.6,
                   color=pal[2] if amount >= 0 else pal[3])
            level += amount
            top = max(level, level - amount)
        ax.text(i, top, f"{amount:+,.0f}" if not r.total else f"{amount:,.0f}",
                ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(data)), list(data["step"]), rotation=20, ha="right")
    _money_axis(ax.yaxis)
    ax.set(title=label("From GMV to net sales", "从拍下金额到净销售额"),
           xlabel="", ylabel=label("amount (shop currency)", "金额"))
    use_cjk_font(ax)
    return ax


# ------------------------------------------------------------ the window ---
def plot_data_window(data, *, start=None, end=None, value: str = "paid_amount",
                     period: str = "period", ax=None):
    """A measure over the whole data with the analysis window shaded.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per period: ``period`` and ``value`` (e.g.
        :func:`ecomkit.revenue_by_period` over all the data).
    start, end : date-like, optional
        The window (``end`` inclusive); not shaded when both are None.
    value : str, default="paid_amount"
        The column to draw.
    period : str, default="period"
        The time column.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"period": pd.date_range("2024-01-01", periods=5, freq="W-MON"),
    ...                   "paid_amount": [5.0, 8.0, 6.0, 9.0, 7.0]})
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_data_window(d, start="2024-01-08", end="2024-01-21", ax=ax)
    >>> len(ax.patches)  # the shaded window
    1
    >>> plt.close(fig)
    """
    ax = new_axes(ax)
    for col in (period, value):
        if col not in getattr(data, "columns", ()):
            raise ValueError(f"plot_data_window(): `data` lacks the column {col!r}.")
    if len(data) == 0:
        ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
    else:
        sns.lineplot(data=data, x=period, y=value, ax=ax, color=sns.color_palette()[0])
        if start is not None or end is not None:
            lo = pd.Timestamp(start) if start is not None else data[period].min()
            hi = (pd.Timestamp(end) + pd.Timedelta(days=1) if end is not None
                  else data[period].max())
            ax.axvspan(lo, hi, color=sns.color_palette("pastel")[2], alpha=0.5, lw=0,
                       zorder=0, label=label("analysis window", "分析窗口"))
            ax.legend(fontsize=8, loc="upper left")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:,.0f}"))
    ax.set(title=label("The data and the analysis window", "数据范围与分析窗口"),
           xlabel=label("period", "日期"), ylabel=value)
    ax.tick_params(axis="x", labelrotation=30)
    use_cjk_font(ax)
    return ax
