"""Charts for the members notebook (03_members): who buys, who comes back.

Each function takes the result of a member / CLV metric function (or a small
frame derived from it), draws one seaborn chart on the given Axes and returns
it (with ``ax=None``, on a new Figure that pyplot does not track). Chart text
is English, with the Chinese term added when the machine has a CJK font
(:func:`ecomkit.plotting._style.label`); labels that come from the data
(provinces, campaign names) are romanised by :func:`display_text` when it has
none, so no "Glyph missing" warning is raised.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import PercentFormatter

from ._style import cjk_font, label, no_data, require_columns, use_cjk_font

__all__ = [
    "display_text",
    "plot_buyer_profile",
    "plot_cohort_heatmap",
    "plot_cohort_repurchase",
    "plot_value_concentration",
    "plot_gap_distribution",
    "plot_lifecycle_flows",
    "plot_new_vs_returning",
    "plot_p_alive",
    "plot_repurchase_methods",
    "plot_rfm_segments",
]

#: romanised names used on charts when no CJK font is installed
_ROMAN = {
    # provinces and municipalities
    "北京": "Beijing", "天津": "Tianjin", "上海": "Shanghai", "重庆": "Chongqing",
    "河北": "Hebei", "山西": "Shanxi", "辽宁": "Liaoning", "吉林": "Jilin",
    "黑龙江": "Heilongjiang", "江苏": "Jiangsu", "浙江": "Zhejiang", "安徽": "Anhui",
    "福建": "Fujian", "江西": "Jiangxi", "山东": "Shandong", "河南": "Henan",
    "湖北": "Hubei", "湖南": "Hunan", "广东": "Guangdong", "海南": "Hainan",
    "四川": "Sichuan", "贵州": "Guizhou", "云南": "Yunnan", "陕西": "Shaanxi",
    "甘肃": "Gansu", "青海": "Qinghai", "台湾": "Taiwan", "内蒙古": "Inner Mongolia",
    "广西": "Guangxi", "西藏": "Tibet", "宁夏": "Ningxia", "新疆": "Xinjiang",
    "香港": "Hong Kong", "澳门": "Macau",
    # campaign names of the synthetic shop
    "会员日": "Member day", "春季上新": "Spring new arrivals",
    "秋季上新": "Autumn new arrivals", "春日限时秒杀": "Spring flash sale",
    "夏日限时秒杀": "Summer flash sale", "618 年中大促": "618 mid-year sale",
    "老客召回季": "Win-back season", "双11 全球狂欢节": "Double 11",
    "双12 限时秒杀": "Double 12 flash sale",
}


def display_text(text, fallback: str | None = None) -> str:
    """Text safe to draw: as is when it is ASCII or a CJK font exists, else romanised.

    Known Chinese names (provinces, the synthetic shop's campaigns; a leading
    known name keeps its suffix, e.g. ``"会员日 2024-03"``) are translated;
    other non-ASCII text becomes ``fallback`` (default: the text with its
    non-ASCII characters dropped, or ``"?"``).

    Examples
    --------
    >>> display_text("tier1")
    'tier1'
    >>> display_text("广东") in ("广东", "Guangdong")
    True
    """
    s = str(text)
    if s.isascii() or cjk_font() is not None:
        return s
    if s in _ROMAN:
        return _ROMAN[s]
    for zh in sorted(_ROMAN, key=len, reverse=True):
        rest = s[len(zh):]
        if s.startswith(zh) and rest.isascii():
            return _ROMAN[zh] + rest
    if fallback is not None:
        return fallback
    kept = "".join(ch for ch in s if ch.isascii()).strip()
    return kept or "?"


def _axes(ax, figsize=(7, 4)):
    """The given Axes, or one on a new Figure that pyplot does not track (no
    global state, nothing left open; show it with ``display(ax.figure)``)."""
    if ax is None:
        from matplotlib.figure import Figure

        ax = Figure(figsize=figsize).add_subplot()
    return ax


def _month_labels(values) -> list[str]:
    return [pd.Timestamp(v).strftime("%Y-%m") for v in values]


def plot_buyer_profile(profile: pd.DataFrame, *, by: str | None = None,
                       value: str = "buyer_share", ax=None):
    """Horizontal bars of a buyer profile (买家画像): one bar per group.

    Parameters
    ----------
    profile : pandas.DataFrame
        Output of :func:`ecomkit.buyer_profile` (one ``by`` column, then
        ``buyers, buyer_share, orders, paid_amount, revenue_per_buyer``).
    by : str, optional
        The group column; default: the first column.
    value : str, default="buyer_share"
        The column drawn; ``buyer_share`` is shown as a percentage.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"gender": ["female", "male"], "buyers": [3, 1],
    ...                   "buyer_share": [0.75, 0.25]})
    >>> plot_buyer_profile(t).get_title()
    'Buyers by gender'
    """
    func = "plot_buyer_profile"
    if isinstance(profile, pd.DataFrame) and by is None and len(profile.columns):
        by = profile.columns[0]
    require_columns(func, profile, [by, value])
    ax = _axes(ax)
    title = f"Buyers by {by}"
    if profile.empty:
        return no_data(ax, "no data", title=title)
    d = pd.DataFrame({
        "group": [display_text(v) if pd.notna(v) else "(missing)" for v in profile[by]],
        "value": profile[value].to_numpy(dtype=float),
    })
    sns.barplot(data=d, errorbar=None, y="group", x="value", hue="group", legend=False,
                palette="crest", ax=ax, orient="h")
    share = value.endswith("share") or value.endswith("rate")
    if share:
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    for cont in ax.containers:
        ax.bar_label(cont, fmt="{:.0%}" if share else "{:,.0f}", padding=2, fontsize=8)
    ax.set(title=title, xlabel=label("Share of buyers", "买家占比") if value == "buyer_share"
           else value, ylabel="")
    use_cjk_font(ax)
    return ax


def plot_new_vs_returning(table: pd.DataFrame, *, period_col: str = "period",
                          type_col: str = "customer_type", value: str = "buyers",
                          ax=None):
    """Stacked bars of new, returning (老买家) and reactivated buyers per period.

    Parameters
    ----------
    table : pandas.DataFrame
        Long frame: ``period``, ``customer_type`` and ``buyers`` — e.g.
        :func:`ecomkit.new_vs_returning` run per month and concatenated with a
        ``period`` column.
    period_col, type_col, value : str
        Column names.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"period": pd.to_datetime(["2024-01-01"] * 2 + ["2024-02-01"] * 2),
    ...                   "customer_type": ["new", "returning"] * 2,
    ...                   "buyers": [10, 0, 6, 4]})
    >>> ax = plot_new_vs_returning(t)
    >>> len(ax.patches)
    4
    """
    func = "plot_new_vs_returning"
    require_columns(func, table, [period_col, type_col, value])
    ax = _axes(ax)
    title = label("Buyers per month: new vs returning", "新老买家")
    if table.empty:
        return no_data(ax, "no data", title=title)
    wide = table.pivot_table(index=period_col, columns=type_col, values=value,
                             aggfunc="sum", observed=False, fill_value=0).sort_index()
    x = np.arange(len(wide))
    bottom = np.zeros(len(wide))
    colors = sns.color_palette("deep", n_colors=max(len(wide.columns), 3))
    for color, col in zip(colors, wide.columns, strict=False):
        vals = wide[col].to_numpy(dtype=float)
        ax.bar(x, vals, bottom=bottom, color=color, label=str(col), width=0.8)
        bottom += vals
    labels = (_month_labels(wide.index) if isinstance(wide.index, pd.DatetimeIndex)
              else [str(v) for v in wide.index])
    ax.set_xticks(x, labels, rotation=45, ha="right")
    ax.legend(title="", frameon=False)
    ax.set(title=title, xlabel="", ylabel=label("Paying buyers", "支付买家数"))
    use_cjk_font(ax)
    return ax


def plot_repurchase_methods(rates, *, highlight: str | None = "customers", ax=None):
    """Bars of one repurchase rate (复购率) per 口径, the default highlighted.

    Parameters
    ----------
    rates : dict or pandas.Series
        ``method -> rate`` (fractions), e.g. from
        :func:`ecomkit.repurchase_rate` called with every ``method``.
    highlight : str, optional
        The method drawn in a strong colour (the ecomkit default 口径).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_repurchase_methods({"customers": 0.2, "orders": 0.3})
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['customers', 'orders']
    """
    if isinstance(rates, Mapping):
        rates = pd.Series(dict(rates), dtype=float)
    if not isinstance(rates, pd.Series):
        raise TypeError(
            f"plot_repurchase_methods(): `rates` must be a dict or Series method -> rate, "
            f"got {type(rates).__name__}."
        )
    ax = _axes(ax)
    title = label("Repurchase rate by definition", "复购率的不同口径")
    if rates.empty:
        return no_data(ax, "no data", title=title)
    d = pd.DataFrame({"method": [str(m) for m in rates.index],
                      "rate": rates.to_numpy(dtype=float)})
    d["kind"] = np.where(d["method"] == highlight, "default", "variant")
    sns.barplot(data=d, errorbar=None, y="method", x="rate", hue="kind", dodge=False, ax=ax,
                palette={"default": "#c44e52", "variant": "#8da0cb"}, orient="h",
                legend=False)
    for cont in ax.containers:
        ax.bar_label(cont, fmt="{:.1%}", padding=2, fontsize=8)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    top = np.nanmax(d["rate"].to_numpy()) if d["rate"].notna().any() else 1.0
    ax.set_xlim(0, max(top * 1.2, 0.05))
    ax.set(title=title, xlabel=label("Rate", "比率"), ylabel="")
    use_cjk_font(ax)
    return ax


def plot_cohort_heatmap(retention: pd.DataFrame, *, value: str = "retention",
                        max_periods: int | None = None, highlight=None,
                        title: str | None = None, ax=None):
    """Cohort triangle as a heatmap (同期群留存): cohorts down, periods across.

    Period 0 (always 100 %) is left out of the colour scale so that the
    small later values keep their contrast.

    Parameters
    ----------
    retention : pandas.DataFrame
        Long output of :func:`ecomkit.cohort_retention` (``cohort, period`` and
        ``value``).
    value : str, default="retention"
    max_periods : int, optional
        Show periods 0..max_periods only.
    highlight : date-like or str, optional
        A cohort (e.g. ``"2024-04"``) framed in red.
    title : str, optional
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"cohort": pd.to_datetime(["2024-01-01"] * 2 + ["2024-02-01"]),
    ...                   "period": [0, 1, 0], "retention": [1.0, 0.2, 1.0]})
    >>> plot_cohort_heatmap(t, highlight="2024-02").get_ylabel()
    'Cohort (first purchase month)'
    """
    func = "plot_cohort_heatmap"
    require_columns(func, retention, ["cohort", "period", value])
    ax = _axes(ax, figsize=(8, 5))
    title = title or label("Cohort retention", "同期群留存率")
    if retention.empty:
        return no_data(ax, "no data", title=title)
    wide = retention.pivot(index="cohort", columns="period", values=value).sort_index()
    if max_periods is not None:
        wide = wide.loc[:, [c for c in wide.columns if c <= max_periods]]
    later = wide.loc[:, [c for c in wide.columns if c >= 1]].to_numpy(dtype=float)
    vmax = float(np.nanmax(later)) if later.size and np.isfinite(later).any() else 1.0
    rows = (_month_labels(wide.index) if isinstance(wide.index, pd.DatetimeIndex)
            else [str(v) for v in wide.index])
    wide.index = rows
    sns.heatmap(wide, annot=True, fmt=".0%", cmap="Blues", vmin=0, vmax=max(vmax, 0.01),
                cbar=False, ax=ax, annot_kws={"fontsize": 7}, linewidths=0.5,
                linecolor="white")
    if highlight is not None:
        key = pd.Timestamp(str(highlight)).strftime("%Y-%m")
        if key in rows:
            from matplotlib.patches import Rectangle

            i = rows.index(key)
            ax.add_patch(Rectangle((0, i), wide.shape[1], 1, fill=False,
                                   edgecolor="#c44e52", linewidth=2.5))
    ax.set(title=title, xlabel=label("Months since first purchase", "距首购月数"),
           ylabel="Cohort (first purchase month)")
    use_cjk_font(ax)
    return ax


_LIFECYCLE_COLORS = {"new": "#4c72b0", "retained": "#55a868", "reactivated": "#dd8452",
                     "churned": "#c44e52"}


def plot_lifecycle_flows(counts: pd.DataFrame, *, ax=None):
    """Lifecycle flows per period (生命周期): new, retained and reactivated
    stacked above zero, churned (流失) below it, active as a line.

    Parameters
    ----------
    counts : pandas.DataFrame
        Output of :func:`ecomkit.lifecycle_counts` (``period, new, retained,
        reactivated, churned``; ``active`` optional).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"period": pd.to_datetime(["2024-01-01", "2024-02-01"]),
    ...                   "new": [5, 3], "retained": [0, 2], "reactivated": [0, 0],
    ...                   "churned": [0, 3]})
    >>> ax = plot_lifecycle_flows(t)
    >>> ax.get_legend() is not None
    True
    """
    func = "plot_lifecycle_flows"
    states = ["new", "retained", "reactivated", "churned"]
    require_columns(func, counts, ["period", *states])
    ax = _axes(ax, figsize=(8, 4.5))
    title = label("Customer lifecycle flows per month", "生命周期流转")
    if counts.empty:
        return no_data(ax, "no data", title=title)
    d = counts.sort_values("period")
    x = np.arange(len(d))
    bottom = np.zeros(len(d))
    for state in states[:3]:
        vals = d[state].to_numpy(dtype=float)
        ax.bar(x, vals, bottom=bottom, color=_LIFECYCLE_COLORS[state], label=state,
               width=0.8)
        bottom += vals
    ax.bar(x, -d["churned"].to_numpy(dtype=float), color=_LIFECYCLE_COLORS["churned"],
           label="churned (below 0)", width=0.8)
    active = d["active"] if "active" in d else d[states[:3]].sum(axis=1)
    sns.lineplot(x=x, y=active.to_numpy(dtype=float), color="black", marker="o",
                 label="active", ax=ax)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, _month_labels(d["period"]), rotation=45, ha="right")
    ax.legend(frameon=False, fontsize=8, ncol=3)
    ax.set(title=title, xlabel="", ylabel=label("Customers", "人数"))
    use_cjk_font(ax)
    return ax


def plot_gap_distribution(gaps, *, thresholds=None, binwidth: float | None = None,
                          ax=None):
    """Histogram of repurchase gaps in days with the silent / churn thresholds.

    Parameters
    ----------
    gaps : array-like
        Days between consecutive purchase days of the same customer.
    thresholds : pandas.Series or dict, optional
        ``quantile -> days`` (output of :func:`ecomkit.churn_thresholds`),
        drawn as vertical lines.
    binwidth : float, optional
        Days per bar (default: about 40 bars).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_gap_distribution([3, 10, 12, 40, 90], thresholds={0.8: 50.0, 0.9: 70.0})
    >>> len(ax.lines)
    2
    """
    values = pd.Series(np.asarray(gaps, dtype=float)).dropna()
    ax = _axes(ax)
    title = label("Days between purchases", "复购间隔分布")
    if values.empty:
        return no_data(ax, "no data", title=title)
    if binwidth is None:
        binwidth = max(1.0, float(np.ceil(values.max() / 40)))
    sns.histplot(x=values, binwidth=binwidth, color="#8da0cb", ax=ax)
    if thresholds is not None:
        items = thresholds.items() if hasattr(thresholds, "items") else thresholds
        colors = ["#dd8452", "#c44e52", "#8172b3", "#937860"]
        for (q, days), color in zip(items, colors, strict=False):
            if pd.notna(days):
                ax.axvline(days, color=color, linestyle="--",
                           label=f"P{round(float(q) * 100)} = {days:.0f} days")
        ax.legend(frameon=False)
    ax.set(title=title, xlabel=label("Gap (days)", "间隔天数"),
           ylabel=label("Repeat purchases", "复购次数"))
    use_cjk_font(ax)
    return ax


def plot_rfm_segments(segments: pd.DataFrame, *, segment_col: str = "segment",
                      highlight: str | None = None, ax=None):
    """Customers per RFM segment (RFM 客户分群), in the mapping's order.

    Parameters
    ----------
    segments : pandas.DataFrame
        Output of :func:`ecomkit.rfm_segments` (one row per customer).
    segment_col : str, default="segment"
    highlight : str, optional
        A segment drawn in a strong colour.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"segment": pd.Categorical(["New", "New", "Loyal"],
    ...                                             categories=["Loyal", "New"])})
    >>> [float(p.get_width()) for p in plot_rfm_segments(t).patches]
    [1.0, 2.0]
    """
    require_columns("plot_rfm_segments", segments, [segment_col])
    ax = _axes(ax)
    title = label("Customers per RFM segment", "RFM 客户分群")
    if segments.empty:
        return no_data(ax, "no data", title=title)
    counts = segments[segment_col].value_counts(sort=False)
    if isinstance(segments[segment_col].dtype, pd.CategoricalDtype):
        counts = counts.reindex(segments[segment_col].cat.categories, fill_value=0)
    d = pd.DataFrame({"segment": [str(s) for s in counts.index],
                      "customers": counts.to_numpy(dtype=float)})
    d["kind"] = np.where(d["segment"] == highlight, "focus", "other")
    sns.barplot(data=d, errorbar=None, y="segment", x="customers", hue="kind", dodge=False, orient="h",
                palette={"focus": "#c44e52", "other": "#4c72b0"}, legend=False, ax=ax)
    for cont in ax.containers:
        ax.bar_label(cont, fmt="{:,.0f}", padding=2, fontsize=8)
    ax.set(title=title, xlabel=label("Customers", "人数"), ylabel="")
    use_cjk_font(ax)
    return ax


def plot_p_alive(summary: pd.DataFrame, *, p_alive_col: str = "p_alive",
                 segment: str | None = None, segment_col: str = "segment", ax=None):
    """P(alive) 存活概率 against time since the last purchase, by frequency.

    x = ``T − recency`` (periods since the last purchase, in the BTYD
    summary's unit), y = P(alive), colour = repeat purchases (0, 1, 2, 3+).
    With ``segment`` the other customers are drawn in grey.

    Parameters
    ----------
    summary : pandas.DataFrame
        ``frequency, recency, T`` and ``p_alive`` (e.g. :func:`ecomkit.btyd_summary`
        with :func:`ecomkit.p_alive` added), plus ``segment_col`` for ``segment``.
    p_alive_col : str, default="p_alive"
    segment : str, optional
        An RFM segment to focus on; ``None`` or ``"all"`` shows everyone.
    segment_col : str, default="segment"
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"frequency": [0, 1, 3], "recency": [0.0, 5.0, 20.0],
    ...                   "T": [30.0, 30.0, 30.0], "p_alive": [1.0, 0.4, 0.8]})
    >>> plot_p_alive(s).get_ylabel()
    'P(alive)'
    """
    func = "plot_p_alive"
    require_columns(func, summary, ["frequency", "recency", "T", p_alive_col])
    ax = _axes(ax)
    unit = summary.attrs.get("freq", "W") if hasattr(summary, "attrs") else "W"
    unit_name = {"D": "days", "W": "weeks", "M": "months"}.get(unit, "periods")
    title = label("P(alive) vs time since last purchase", "存活概率")
    focus = segment not in (None, "all")
    if focus:
        require_columns(func, summary, [segment_col])
        title += f" — {segment}"
    if summary.empty:
        return no_data(ax, "no data", title=title)
    d = pd.DataFrame({
        "since": (summary["T"] - summary["recency"]).to_numpy(dtype=float),
        "p_alive": summary[p_alive_col].to_numpy(dtype=float),
        "repeat purchases": pd.cut(summary["frequency"].to_numpy(dtype=float),
                                   [-0.5, 0.5, 1.5, 2.5, np.inf],
                                   labels=["0", "1", "2", "3+"]),
    })
    if focus:
        mask = (summary[segment_col].astype(str) == str(segment)).to_numpy()
        sns.scatterplot(data=d[~mask], x="since", y="p_alive", color="lightgrey",
                        s=12, ax=ax, linewidth=0)
        d = d[mask]
    if len(d):
        sns.scatterplot(data=d, x="since", y="p_alive", hue="repeat purchases",
                        palette="viridis_r", s=18, ax=ax, linewidth=0, alpha=0.8)
    ax.set_ylim(-0.03, 1.03)
    ax.set(title=title, xlabel=f"{unit_name.capitalize()} since last purchase (T - recency)",
           ylabel="P(alive)")
    use_cjk_font(ax)
    return ax


def plot_cohort_repurchase(table: pd.DataFrame, *, cohort_col: str = "cohort",
                           value_col: str = "repurchase_rate", highlight=None,
                           reference: float | None = None, title: str | None = None,
                           ylabel: str | None = None, percent: bool = True, ax=None):
    """Bars of a repurchase rate per first-purchase cohort, one cohort highlighted.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per cohort: ``cohort`` (text like ``"2024-04"`` or a date) and
        ``value_col`` (a fraction).
    cohort_col, value_col : str
    highlight : str, optional
        The cohort drawn in red (e.g. the churn-prone one).
    reference : float, optional
        A rate drawn as a dashed line (e.g. the other cohorts' pooled rate).
    title, ylabel : str, optional
        Default: the 90-day repurchase rate's.
    percent : bool, default=True
        Show values as percentages (False: plain numbers, e.g. money).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"cohort": ["2024-03", "2024-04"], "repurchase_rate": [0.3, 0.1]})
    >>> ax = plot_cohort_repurchase(t, highlight="2024-04", reference=0.3)
    >>> len(ax.patches)
    2
    """
    require_columns("plot_cohort_repurchase", table, [cohort_col, value_col])
    ax = _axes(ax)
    title = title or label("90-day repurchase rate by first-purchase cohort", "首购同期群复购率")
    if table.empty:
        return no_data(ax, "no data", title=title)
    cohorts = [pd.Timestamp(c).strftime("%Y-%m") if not isinstance(c, str) else c
               for c in table[cohort_col]]
    d = pd.DataFrame({"cohort": cohorts, "rate": table[value_col].to_numpy(dtype=float)})
    d["kind"] = np.where(d["cohort"] == (str(highlight) if highlight is not None else None),
                         "highlight", "other")
    sns.barplot(data=d, errorbar=None, x="cohort", y="rate", hue="kind", dodge=False, legend=False,
                palette={"highlight": "#c44e52", "other": "#4c72b0"}, ax=ax)
    for cont in ax.containers:
        ax.bar_label(cont, fmt="{:.0%}" if percent else "{:,.1f}", padding=2, fontsize=8)
    if reference is not None and np.isfinite(reference):
        ref = f"{reference:.0%}" if percent else f"{reference:,.1f}"
        ax.axhline(reference, color="black", linestyle="--", linewidth=1,
                   label=f"other cohorts: {ref}")
        ax.legend(frameon=False)
    top = np.nanmax(d["rate"].to_numpy()) if d["rate"].notna().any() else 0.0
    ax.set_ylim(0, max(top * 1.15, reference or 0, 1e-9))
    if percent:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.tick_params(axis="x", rotation=45)
    ax.set(title=title, xlabel=label("First-purchase month", "首购月份"),
           ylabel=ylabel or label("Repurchase rate", "复购率"))
    use_cjk_font(ax)
    return ax


def plot_value_concentration(values, *, ax=None):
    """Concentration curve of customer value: share of customers (best first)
    against their cumulative share of the total (the 二八法则 / Pareto view).

    Parameters
    ----------
    values : array-like
        One value per customer (e.g. historic CLV gross profit). Negative
        values are kept, so the curve can pass 100 % and come back.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_value_concentration([100.0, 10.0, 5.0, 5.0])
    >>> round(float(ax.lines[0].get_ydata()[1]), 2)
    0.83
    """
    v = pd.Series(np.asarray(values, dtype=float)).dropna()
    ax = _axes(ax, figsize=(5, 4))
    title = label("Value concentration", "客户价值集中度")
    total = float(v.sum())
    if v.empty or total == 0:
        return no_data(ax, "no data", title=title)
    v = v.sort_values(ascending=False).to_numpy()
    x = np.r_[0.0, np.arange(1, len(v) + 1) / len(v)]
    y = np.r_[0.0, np.cumsum(v) / total]
    sns.lineplot(x=x, y=y, color="#4c72b0", ax=ax)
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1)
    i20 = int(np.ceil(0.2 * len(v)))
    ax.axvline(0.2, color="#c44e52", linestyle="--", linewidth=1,
               label=f"top 20% hold {y[i20]:.0%}")
    ax.legend(frameon=False)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set(title=title, xlabel=label("Share of customers (most valuable first)", "客户占比"),
           ylabel=label("Cumulative share of value", "累计价值占比"))
    use_cjk_font(ax)
    return ax
