"""Charts for the traffic notebook (01_traffic): trends with campaign periods,
channel and device mix, bounce rate under three 口径, keywords and the market
panel.

Chart text is English, or "English 中文" when a CJK font is installed
(:func:`ecomkit.plotting._style.label`). Data values that are Chinese text
(search keywords) are replaced by short codes when no CJK font is available:
:func:`safe_labels` gives the code table to print next to the chart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator, PercentFormatter

from ._style import cjk_font, label, new_axes, no_data, require_columns, use_cjk_font

__all__ = [
    "plot_bounce_rates",
    "plot_keyword_scatter",
    "plot_keywords",
    "plot_market_ranks",
    "plot_market_share",
    "plot_mix_over_time",
    "plot_traffic_explorer",
    "plot_traffic_trend",
    "safe_labels",
]

_METRIC_LABELS = {
    "uv": ("Visitors UV", "访客数"),
    "sessions": ("Sessions", "访问次数"),
    "pv": ("Page views PV", "浏览量"),
    "bounce_rate": ("Bounce rate", "跳出率"),
}
_BOUNCE_LABELS = {
    "single_page": "single page",
    "ga4": "GA4",
    "sycm": "sycm",
}


def _can_draw(text: str) -> bool:
    return str(text).isascii() or cjk_font() is not None


def safe_labels(values: Iterable, *, prefix: str = "K") -> dict:
    """Chart labels for data values: the value itself where the machine can
    draw it, else a short code (``K1``, ``K2``, ... in the given order).

    matplotlib has no Chinese font on many machines; a chart of Chinese
    search keywords would show empty boxes. Print the returned mapping next
    to the chart so the reader can decode it.

    Examples
    --------
    >>> safe_labels(["dress", "shoes"])
    {'dress': 'dress', 'shoes': 'shoes'}
    >>> lab = safe_labels(["瑜伽垫", "dress"])
    >>> lab["dress"], lab["瑜伽垫"] in ("瑜伽垫", "K1")
    ('dress', True)
    """
    out = {}
    for i, v in enumerate(dict.fromkeys(values), start=1):
        out[v] = str(v) if _can_draw(v) else f"{prefix}{i}"
    return out


def _shade_campaigns(ax, campaigns, lo, hi):
    """Shade pre-heat (light) and sale (darker) periods that overlap [lo, hi]."""
    if campaigns is None or len(campaigns) == 0:
        return []
    require_columns("plot_traffic_trend", campaigns, ["start", "end"])
    pal = sns.color_palette("Oranges", 5)
    pre_color, sale_color = pal[1], pal[3]
    drawn = set()
    pre = campaigns["preheat_start"] if "preheat_start" in campaigns else pd.Series(
        pd.NaT, index=campaigns.index)
    for p, s, e in zip(pre, campaigns["start"], campaigns["end"], strict=True):
        if pd.notna(p) and p < hi and s > lo:
            ax.axvspan(max(p, lo), min(s, hi), color=pre_color, alpha=0.35, lw=0, zorder=0)
            drawn.add("pre")
        if s < hi and e > lo:
            ax.axvspan(max(s, lo), min(e, hi), color=sale_color, alpha=0.45, lw=0, zorder=0)
            drawn.add("sale")
    handles = []
    if "pre" in drawn:
        handles.append(Patch(color=pre_color, alpha=0.35, label=label("pre-heat", "预热期")))
    if "sale" in drawn:
        handles.append(Patch(color=sale_color, alpha=0.45, label=label("campaign sale", "活动期")))
    return handles


def plot_traffic_trend(data, *, metrics: Sequence[str] = ("uv", "sessions", "pv"),
                       campaigns=None, period: str = "period", ax=None):
    """Traffic over time (UV, sessions, PV) with campaign periods shaded.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per period: ``period`` and the ``metrics`` columns, e.g.
        :func:`ecomkit.traffic_by_period` with ``by=None``.
    metrics : sequence of str, default=("uv", "sessions", "pv")
        Columns to draw, one line each.
    campaigns : pandas.DataFrame, optional
        ``shop.campaigns``: pre-heat (``preheat_start`` → ``start``) in a light
        shade, the sale (``start`` → ``end``) in a darker one.
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
    >>> trend = pd.DataFrame({"period": pd.date_range("2024-06-01", periods=4),
    ...                       "uv": [5, 6, 9, 4], "sessions": [6, 7, 12, 5]})
    >>> camp = pd.DataFrame({"preheat_start": pd.to_datetime(["2024-06-01"]),
    ...                      "start": pd.to_datetime(["2024-06-03"]),
    ...                      "end": pd.to_datetime(["2024-06-04"])})
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_traffic_trend(trend, metrics=["uv", "sessions"], campaigns=camp, ax=ax)
    >>> sum(len(line.get_xdata()) > 0 for line in ax.get_lines())  # one line per measure
    2
    >>> plt.close(fig)
    """
    ax = new_axes(ax)
    metrics = [metrics] if isinstance(metrics, str) else list(metrics)
    require_columns("plot_traffic_trend", data, [period, *metrics])
    if len(data) == 0:
        no_data(ax)
    else:
        long = data.melt(id_vars=[period], value_vars=metrics, var_name="metric",
                         value_name="value")
        long["metric"] = long["metric"].map(
            lambda m: label(*_METRIC_LABELS[m]) if m in _METRIC_LABELS else m)
        sns.lineplot(data=long, x=period, y="value", hue="metric", ax=ax, linewidth=1.2)
        lo, hi = data[period].min(), data[period].max()
        step = (hi - lo) / max(len(data) - 1, 1) if len(data) > 1 else pd.Timedelta(days=1)
        handles = _shade_campaigns(ax, campaigns, lo, hi + step)
        h, lab = ax.get_legend_handles_labels()
        ax.legend(h + handles, lab + [x.get_label() for x in handles], fontsize=8,
                  loc="upper left")
    ax.set(title=label("Traffic over time", "流量趋势"), xlabel=label("period", "日期"),
           ylabel=label("count", "数量"))
    ax.tick_params(axis="x", labelrotation=30)
    use_cjk_font(ax)
    return ax


def plot_mix_over_time(data, *, by: str = "channel", value: str = "uv",
                       period: str = "period", normalize: bool = True, ax=None):
    """Shares (or counts) of each group over time, as stacked areas.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format: ``period``, ``by`` and ``value`` columns (e.g.
        :func:`ecomkit.traffic_by_period` with ``by="channel"``).
    by : str, default="channel"
        The group column (stacked in its category order).
    value : str, default="uv"
        What to stack.
    period : str, default="period"
        The time column.
    normalize : bool, default=True
        Stack shares of each period (they add up to 100 %); ``False`` stacks
        the raw values.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"period": pd.to_datetime(["2024-01-01"] * 2 + ["2024-02-01"] * 2),
    ...                   "device": ["app", "pc"] * 2, "uv": [30, 10, 20, 20]})
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_mix_over_time(d, by="device", ax=ax)
    >>> len(ax.collections)
    2
    >>> plt.close(fig)
    """
    ax = new_axes(ax)
    require_columns("plot_mix_over_time", data, [period, by, value])
    if len(data) == 0:
        no_data(ax)
    else:
        wide = data.pivot_table(index=period, columns=by, values=value, aggfunc="sum",
                                observed=True, fill_value=0).sort_index()
        wide = wide.loc[:, wide.sum() > 0]
        if normalize:
            wide = wide.div(wide.sum(axis=1).replace(0, np.nan), axis=0).fillna(0)
        colors = sns.color_palette("tab10" if wide.shape[1] <= 10 else "husl", wide.shape[1])
        ax.stackplot(wide.index, *[wide[c].to_numpy(dtype=float) for c in wide.columns],
                     labels=[str(c) for c in wide.columns], colors=colors, alpha=0.85)
        ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.0, 0.5), reverse=True)
        ax.set_xlim(wide.index.min(), wide.index.max())
        if normalize:
            ax.set_ylim(0, 1)
            ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ylab = (label(f"share of {value}", "占比") if normalize else label(value, "数量"))
    title = f"Share of {value} by {by}" if normalize else f"{value} by {by}"
    ax.set(title=label(title, "结构趋势"),
           xlabel=label("period", "日期"), ylabel=ylab)
    ax.tick_params(axis="x", labelrotation=30)
    use_cjk_font(ax)
    return ax


def plot_bounce_rates(data, *, by: str | None = None, ax=None):
    """Bounce rate under its three 口径 side by side (overall or per group).

    Parameters
    ----------
    data : pandas.DataFrame
        Long format: ``method`` (single_page, ga4, sycm), ``bounce_rate``
        (fractions) and, when ``by`` is given, the ``by`` column.
    by : str, optional
        Group column on the x axis (e.g. ``"channel"``); ``None`` draws one
        bar per method.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"method": ["single_page", "ga4", "sycm"],
    ...                   "bounce_rate": [0.38, 0.12, 0.36]})
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_bounce_rates(d, ax=ax)
    >>> len(ax.patches) >= 3
    True
    >>> plt.close(fig)
    """
    ax = new_axes(ax)
    require_columns("plot_bounce_rates", data, ["method", "bounce_rate"] + ([by] if by else []))
    d = data.assign(method=data["method"].map(lambda m: _BOUNCE_LABELS.get(m, m)))
    order = [v for k, v in _BOUNCE_LABELS.items() if k in set(data["method"])]
    order += [m for m in d["method"].unique() if m not in order]
    if d["bounce_rate"].notna().sum() == 0:
        no_data(ax)
    elif by is None:
        sns.barplot(data=d, x="method", y="bounce_rate", hue="method", order=order,
                    hue_order=order, legend=False, ax=ax)
        for patch in ax.patches:
            if patch.get_height() > 0:
                ax.text(patch.get_x() + patch.get_width() / 2, patch.get_height(),
                        f"{patch.get_height():.1%}", ha="center", va="bottom", fontsize=9)
    else:
        sns.barplot(data=d, x=by, y="bounce_rate", hue="method", hue_order=order, ax=ax)
        ax.legend(title="method", fontsize=8)
        ax.tick_params(axis="x", labelrotation=30)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(title=label("Bounce rate, three definitions", "跳出率 三种口径"),
           xlabel="" if by is None else by, ylabel=label("bounce rate", "跳出率"))
    use_cjk_font(ax)
    return ax


def _top_keywords(data, metric, top):
    per = data.groupby("keyword", sort=False)[metric].sum()
    return per.sort_values(ascending=False, kind="mergesort").head(top).index.tolist()


def plot_keywords(data, *, metric: str = "clicks", top: int = 10, ax=None):
    """Top search keywords by a measure, organic and paid side by side.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`ecomkit.keyword_performance` by ``("keyword", "source")``.
    metric : str, default="clicks"
        Column to rank and draw (``clicks``, ``impressions``, ``buyers``...).
    top : int, default=10
        How many keywords (ranked by the sum over sources).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes
        Keywords the machine cannot draw are shown as codes from
        :func:`safe_labels` (in rank order).

    Examples
    --------
    >>> import pandas as pd
    >>> kp = pd.DataFrame({"keyword": ["dress", "dress", "shoes"],
    ...                    "source": ["organic", "paid", "organic"], "clicks": [30, 10, 5]})
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_keywords(kp, ax=ax)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['dress', 'shoes']
    >>> plt.close(fig)
    """
    ax = new_axes(ax)
    require_columns("plot_keywords", data, ["keyword", "source", metric])
    if len(data) == 0:
        return no_data(ax)
    keep = _top_keywords(data, metric, top)
    labels = safe_labels(keep)
    d = data[data["keyword"].isin(keep)].assign(
        keyword=lambda x: x["keyword"].map(labels))
    d = d.assign(source=d["source"].astype(str))
    sns.barplot(data=d, y="keyword", x=metric, hue="source", order=[labels[k] for k in keep],
                ax=ax)
    ax.set(title=label(f"Top {len(keep)} search keywords by {metric}", "搜索关键词"),
           xlabel=metric, ylabel=label("keyword", "关键词"))
    use_cjk_font(ax)
    return ax


def plot_keyword_scatter(data, *, min_clicks: int = 1, ax=None):
    """CTR against conversion per keyword and source; point size = clicks.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`ecomkit.keyword_performance` by ``("keyword", "source")``
        (``ctr``, ``conversion_rate``, ``clicks``, ``source``).
    min_clicks : int, default=1
        Leave out rows with fewer clicks (their rates are noise or NaN).
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> kp = pd.DataFrame({"keyword": ["a", "b"], "source": ["paid", "organic"],
    ...                    "clicks": [40, 10], "ctr": [0.05, 0.08],
    ...                    "conversion_rate": [0.02, 0.06]})
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_keyword_scatter(kp, ax=ax)
    >>> ax.get_xlabel()
    'CTR'
    >>> plt.close(fig)
    """
    ax = new_axes(ax)
    require_columns("plot_keyword_scatter", data, ["source", "clicks", "ctr", "conversion_rate"])
    d = data[(data["clicks"] >= min_clicks) & data["ctr"].notna()
             & data["conversion_rate"].notna()]
    if len(d) == 0:
        no_data(ax)
    else:
        d = d.assign(source=d["source"].astype(str))
        sns.scatterplot(data=d, x="ctr", y="conversion_rate", hue="source", size="clicks",
                        sizes=(15, 250), alpha=0.7, ax=ax)
        ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(title=label("Keywords: click-through vs conversion", "点击率 vs 转化率"),
           xlabel=label("CTR", "点击率"), ylabel=label("conversion rate", "转化率"))
    use_cjk_font(ax)
    return ax


def plot_market_share(data, *, ax=None):
    """The shop's user share and GMV share of the panel, month by month.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`ecomkit.market_position` for one shop: ``month``,
        ``user_share`` and (optionally) ``gmv_share``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> pos = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-02-01"]),
    ...                     "user_share": [0.11, 0.12], "gmv_share": [0.04, 0.07]})
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_market_share(pos, ax=ax)
    >>> sum(len(line.get_xdata()) > 0 for line in ax.get_lines())  # one line per measure
    2
    >>> plt.close(fig)
    """
    ax = new_axes(ax)
    require_columns("plot_market_share", data, ["month", "user_share"])
    cols = [c for c in ("user_share", "gmv_share") if c in data.columns]
    if len(data) == 0:
        no_data(ax)
    else:
        names = {"user_share": label("user share (UV)", "用户份额"),
                 "gmv_share": label("GMV share", "交易额份额")}
        long = data.melt(id_vars=["month"], value_vars=cols, var_name="share",
                         value_name="value").assign(share=lambda x: x["share"].map(names))
        sns.lineplot(data=long, x="month", y="value", hue="share", marker="o", ax=ax)
        ax.set_ylim(0, max(0.05, float(long["value"].max()) * 1.2))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.legend(fontsize=8)
    ax.set(title=label("Market share in the panel", "市场份额"),
           xlabel=label("month", "月份"), ylabel=label("share of the panel", "份额"))
    ax.tick_params(axis="x", labelrotation=30)
    use_cjk_font(ax)
    return ax


def plot_market_ranks(data, *, ax=None):
    """Traffic rank and GMV rank in the panel per month (1 = top, drawn at the top).

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`ecomkit.market_position` for one shop: ``month``,
        ``traffic_rank``, ``gmv_rank`` and optionally ``n_shops``.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> pos = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-02-01"]),
    ...                     "traffic_rank": [4, 3], "gmv_rank": [7, 5], "n_shops": [8, 8]})
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_market_ranks(pos, ax=ax)
    >>> bool(ax.yaxis_inverted())
    True
    >>> plt.close(fig)
    """
    ax = new_axes(ax)
    require_columns("plot_market_ranks", data, ["month", "traffic_rank", "gmv_rank"])
    if len(data) == 0:
        no_data(ax)
        ax.invert_yaxis()
    else:
        names = {"traffic_rank": label("traffic rank", "流量排名"),
                 "gmv_rank": label("GMV rank", "交易额排名")}
        long = data.melt(id_vars=["month"], value_vars=["traffic_rank", "gmv_rank"],
                         var_name="rank", value_name="value").assign(
            rank=lambda x: x["rank"].map(names))
        sns.lineplot(data=long, x="month", y="value", hue="rank", marker="o", ax=ax)
        worst = int(data["n_shops"].max()) if "n_shops" in data else int(long["value"].max())
        ax.set_ylim(worst + 0.5, 0.5)  # rank 1 at the top
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.legend(fontsize=8)
    ax.set(title=label("Rank in the panel (1 = largest)", "排名"),
           xlabel=label("month", "月份"), ylabel=label("rank", "名次"))
    ax.tick_params(axis="x", labelrotation=30)
    use_cjk_font(ax)
    return ax


def plot_traffic_explorer(sessions, events=None, *, channel: str = "all",
                          device: str = "all", metric: str = "uv", freq: str = "W",
                          campaigns=None, start=None, end=None, ax=None):
    """Explore traffic of one channel and device over time (for a widget).

    Filters ``sessions`` to the channel and device, computes
    :func:`ecomkit.traffic_by_period` and draws ``metric`` with the campaign
    periods shaded.

    Parameters
    ----------
    sessions : pandas.DataFrame
        ``shop.sessions``.
    events : pandas.DataFrame, optional
        ``shop.events``; needed for ``metric="pv"`` or ``"bounce_rate"``.
    channel, device : str, default="all"
        A value of the ``channel`` / ``device`` column, or ``"all"``.
    metric : {"uv", "sessions", "pv", "bounce_rate"}, default="uv"
        What to draw.
    freq : {"D", "W", "M"}, default="W"
        Period length.
    campaigns : pandas.DataFrame, optional
        ``shop.campaigns`` for the shading.
    start, end : date-like, optional
        Inclusive window on the visit start.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        Unknown ``metric``, or ``pv`` / ``bounce_rate`` without events.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"session_id": [1, 2, 3], "visitor_id": [1, 2, 1],
    ...     "start_ts": pd.to_datetime(["2024-05-01", "2024-05-02", "2024-05-09"]),
    ...     "channel": ["direct", "social", "direct"], "device": ["app", "pc", "app"]})
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_traffic_explorer(s, channel="direct", freq="D", ax=ax)
    >>> ax.get_lines()[0].get_ydata().tolist()
    [1.0, 1.0]
    >>> plt.close(fig)
    """
    from ..traffic import traffic_by_period

    ax = new_axes(ax)
    if metric not in _METRIC_LABELS:
        raise ValueError(f"plot_traffic_explorer(): unknown metric {metric!r}; use one of "
                         f"{list(_METRIC_LABELS)}.")
    if metric in ("pv", "bounce_rate") and events is None:
        raise ValueError(f"plot_traffic_explorer(): metric {metric!r} needs `events`.")
    keep = np.ones(len(sessions), dtype=bool)
    for col, value in (("channel", channel), ("device", device)):
        if value != "all":
            keep &= (sessions[col] == value).to_numpy()
    s = sessions.loc[keep]
    title = f"channel={channel}, device={device}"
    if len(s) == 0:
        no_data(ax, f"no visits for {title}")
        ax.set(title=title)
        return ax
    trend = traffic_by_period(s, events if metric in ("pv", "bounce_rate") else None,
                              freq=freq, by=None, start=start, end=end)
    plot_traffic_trend(trend, metrics=[metric], campaigns=campaigns, ax=ax)
    if metric == "bounce_rate":
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(title=label(f"{_METRIC_LABELS[metric][0]}: {title}", _METRIC_LABELS[metric][1]),
           ylabel=label(*_METRIC_LABELS[metric]))
    use_cjk_font(ax)
    return ax
