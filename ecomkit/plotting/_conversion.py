"""Charts for the conversion notebook (02_conversion): funnels and their
drop-off, step rates by week with an incident flagged, campaign days around a
mega sale, rates side by side and an A/B comparison.

Chart text is English, or "English 中文" when a CJK font is installed
(:func:`ecomkit.plotting._style.label`); the notebook's markdown carries both.
Rates are fractions; percentages appear only in the axis format and labels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from statistics import NormalDist

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from ._style import label, new_axes, no_data, require_columns, use_cjk_font

__all__ = [
    "plot_ab_test",
    "plot_campaign_days",
    "plot_drop_off",
    "plot_funnel",
    "plot_funnel_explorer",
    "plot_rates",
    "plot_step_conversion",
    "plot_weekly_rate",
]


def _as_text(values: pd.Series) -> pd.Series:
    """Category labels as plain text, keeping a categorical's order."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        cats = [str(c) for c in values.cat.categories]
        return pd.Series(pd.Categorical(values.astype(str), categories=cats, ordered=True),
                         index=values.index)
    return values.astype(str)


def _order(values: pd.Series) -> list[str]:
    """Drawing order: a categorical's categories that occur, else first appearance."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(values.astype(str))
        return [str(c) for c in values.cat.categories if str(c) in present]
    return list(dict.fromkeys(values.astype(str)))


# ---------------------------------------------------------------- funnels ---
def plot_funnel(data, *, step_col: str = "step", count_col: str = "count",
                hue: str | None = None, ax=None):
    """Units reaching each funnel step, as horizontal bars (optionally several
    funnels side by side, e.g. closed vs open or session vs visitor).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per step (per ``hue`` value): :func:`ecomkit.funnel` output,
        or several stacked with a column naming the variant.
    step_col, count_col : str
        The step (categorical order is kept) and the unit count.
    hue : str, optional
        Column naming the funnel variant or group; one bar per value.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"step": ["view", "cart", "pay"], "count": [100, 30, 12]})
    >>> ax = plot_funnel(f)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['view', 'cart', 'pay']
    """
    func = "plot_funnel"
    ax = new_axes(ax)
    require_columns(func, data, [step_col, count_col, hue])
    title = label("Conversion funnel", "转化漏斗")
    if len(data) == 0:
        return no_data(ax, "no data to draw", title=title)
    d = data[[c for c in (step_col, count_col, hue) if c]].copy()
    order = _order(d[step_col])
    d[step_col] = d[step_col].astype(str)
    if hue:
        d[hue] = d[hue].astype(str)
        sns.barplot(data=d, y=step_col, x=count_col, hue=hue, order=order, ax=ax,
                    errorbar=None)
        ax.legend(fontsize=8, loc="lower right")
    else:
        sns.barplot(data=d, y=step_col, x=count_col, hue=step_col, order=order,
                    hue_order=order, legend=False, ax=ax, errorbar=None, palette="Blues_r")
    for container in ax.containers:
        ax.bar_label(container, fmt="{:,.0f}", fontsize=8, padding=2)
    ax.set(title=title, xlabel=label("units reaching the step", "到达该步的单位数"),
           ylabel=label("step", "步骤"))
    ax.margins(x=0.12)
    use_cjk_font(ax)
    return ax


def plot_drop_off(data, *, step_col: str = "step", count_col: str = "count",
                  drop_col: str = "drop_off", ax=None):
    """Where units leave the funnel: units lost between consecutive steps,
    labelled with the share of the previous step that left.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`ecomkit.funnel` output for one funnel (one row per step, in
        funnel order).
    step_col, count_col, drop_col : str
        Step, units reaching it, units of the previous step that did not go on.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"step": ["view", "cart", "pay"], "count": [100, 30, 12],
    ...                   "drop_off": [0, 70, 18]})
    >>> ax = plot_drop_off(f)
    >>> [t.get_text().split()[-1] for t in ax.get_xticklabels()]  # "view → cart", ...
    ['cart', 'pay']
    """
    func = "plot_drop_off"
    ax = new_axes(ax)
    require_columns(func, data, [step_col, count_col, drop_col])
    title = label("Where units drop out", "流失环节")
    if len(data) < 2:
        return no_data(ax, "no data to draw", title=title)
    steps = data[step_col].astype(str).tolist()
    counts = data[count_col].to_numpy(dtype=float)
    drops = data[drop_col].to_numpy(dtype=float)[1:]
    prev = counts[:-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(prev > 0, drops / prev, np.nan)
    d = pd.DataFrame({"transition": [f"{a}\n→ {b}" for a, b in zip(steps[:-1], steps[1:], strict=True)],
                      "lost": drops})
    worst = int(np.nanargmax(share)) if np.isfinite(share).any() else -1
    colors = ["#d62728" if i == worst else "#9ecae1" for i in range(len(d))]
    sns.barplot(data=d, x="transition", y="lost", hue="transition", palette=colors,
                legend=False, ax=ax, errorbar=None)
    for patch, s in zip(ax.patches, share, strict=False):
        if np.isfinite(s):
            ax.text(patch.get_x() + patch.get_width() / 2, patch.get_height(),
                    f"{s:.0%} left", ha="center", va="bottom", fontsize=9)
    ax.set(title=title, xlabel=label("step transition", "环节"),
           ylabel=label("units lost", "流失单位数"))
    ax.margins(y=0.12)
    use_cjk_font(ax)
    return ax


def plot_step_conversion(data, *, step_col: str = "step",
                         rate_col: str = "overall_conversion", hue: str | None = None,
                         ax=None):
    """A funnel's conversion down the steps, one line per group (device,
    channel), to compare where each group loses its visitors.

    Parameters
    ----------
    data : pandas.DataFrame
        :func:`ecomkit.funnel` output, with ``by`` columns when comparing.
    step_col : str, default="step"
        The step (categorical order is kept).
    rate_col : str, default="overall_conversion"
        Rate to draw (``overall_conversion`` or ``step_conversion``).
    hue : str, optional
        Group column; one line per value.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"device": ["app"] * 3 + ["pc"] * 3,
    ...                   "step": ["view", "cart", "pay"] * 2,
    ...                   "overall_conversion": [1, 0.3, 0.1, 1, 0.2, 0.05]})
    >>> ax = plot_step_conversion(f, hue="device")
    >>> len(ax.get_lines()) >= 2
    True
    """
    func = "plot_step_conversion"
    ax = new_axes(ax)
    require_columns(func, data, [step_col, rate_col, hue])
    title = label("Conversion down the funnel", "漏斗各步转化率")
    d = data[[c for c in (step_col, rate_col, hue) if c]].dropna(subset=[rate_col])
    if len(d) == 0:
        return no_data(ax, "no data to draw", title=title)
    order = _order(d[step_col])
    d = d.assign(**{step_col: d[step_col].astype(str)})
    if hue:
        d = d.assign(**{hue: _as_text(d[hue])})
    sns.pointplot(data=d, x=step_col, y=rate_col, hue=hue, order=order, ax=ax,
                  errorbar=None, markersize=4, linewidth=1.5)
    if hue:
        ax.legend(fontsize=8, title=hue, loc="upper right")
    ax.set_yscale("log")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set(title=title, xlabel=label("step", "步骤"),
           ylabel=label(rate_col.replace("_", " ") + " (log scale)", "转化率"))
    use_cjk_font(ax)
    return ax


# ------------------------------------------------------- weekly incident ---
def plot_weekly_rate(data, *, week_col: str = "week", rate_col: str = "rate",
                     group_col: str = "device", count_col: str | None = None,
                     min_count: int = 0, shade: Sequence | None = None,
                     flag: Sequence | None = None, ax=None):
    """A rate per week and group (e.g. checkout → payment by device), with an
    incident period shaded and its worst group-week flagged.

    Parameters
    ----------
    data : pandas.DataFrame
        One row per week and group: ``week`` (datetime), ``group_col`` and
        ``rate_col`` (fractions).
    week_col, rate_col, group_col : str
        Column names.
    count_col : str, optional
        The rate's denominator (e.g. checkouts), used with ``min_count``.
    min_count : int, default=0
        Leave out group-weeks whose ``count_col`` is below this: a rate of
        1 out of 2 is noise, not a signal.
    shade : (start, end), optional
        Period to shade (inclusive dates), e.g. the affected weeks.
    flag : (group, week), optional
        The group-week to mark with a red circle and its rate.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> w = pd.DataFrame({"week": pd.to_datetime(["2024-01-01", "2024-01-08"] * 2),
    ...                   "device": ["app", "app", "pc", "pc"],
    ...                   "rate": [0.8, 0.82, 0.85, 0.2]})
    >>> ax = plot_weekly_rate(w, flag=("pc", pd.Timestamp("2024-01-08")),
    ...                       shade=("2024-01-08", "2024-01-14"))
    >>> len(ax.get_lines()) >= 2
    True
    """
    func = "plot_weekly_rate"
    ax = new_axes(ax)
    require_columns(func, data, [week_col, rate_col, group_col, count_col])
    title = label(f"{rate_col.replace('_', ' ')} by week and {group_col}", "周度转化率")
    d = data[[c for c in (week_col, rate_col, group_col, count_col) if c]]
    d = d.dropna(subset=[rate_col])
    if count_col and min_count > 0:
        d = d[d[count_col] >= min_count]
    if len(d) == 0:
        return no_data(ax, "no data to draw", title=title)
    groups = d[group_col]
    hue_order = (_order(groups) if isinstance(groups.dtype, pd.CategoricalDtype)
                 else sorted(groups.astype(str).unique()))
    d = d.assign(**{group_col: groups.astype(str)})
    sns.lineplot(data=d, x=week_col, y=rate_col, hue=group_col, hue_order=hue_order,
                 marker="o", markersize=4, linewidth=1.3, ax=ax)
    handles, names = ax.get_legend_handles_labels()
    if shade is not None:
        lo = pd.Timestamp(shade[0])
        hi = pd.Timestamp(shade[1]) + pd.Timedelta(days=1)
        ax.axvspan(lo, hi, color="#d62728", alpha=0.12, lw=0, zorder=0)
        handles.append(Patch(color="#d62728", alpha=0.12))
        names.append(label("affected weeks", "受影响周"))
    if flag is not None:
        group, week = str(flag[0]), pd.Timestamp(flag[1])
        hit = d[(d[group_col].astype(str) == group) & (d[week_col] == week)]
        if len(hit):
            y = float(hit[rate_col].iloc[0])
            ax.scatter([week], [y], s=160, facecolors="none", edgecolors="#d62728",
                       linewidths=2, zorder=5)
            ax.annotate(f"{group} {week:%Y-%m-%d}: {y:.0%}", (week, y),
                        xytext=(12, 4), textcoords="offset points", fontsize=8,
                        color="#d62728", fontweight="bold")
    ax.legend(handles, names, fontsize=8, loc="lower left", title=group_col)
    ax.set_ylim(-0.02, 1.05)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(title=title, xlabel=label("week (Monday)", "周"),
           ylabel=label(rate_col.replace("_", " "), "转化率"))
    ax.tick_params(axis="x", labelrotation=30)
    use_cjk_font(ax)
    return ax


# ---------------------------------------------------------- campaign days ---
def plot_campaign_days(data, *, date_col: str = "date", metric_col: str = "metric",
                       value_col: str = "value", phases: Mapping | None = None,
                       title: str | None = None, ax=None):
    """Daily rates around a campaign, with its pre-heat and sale shaded.

    Parameters
    ----------
    data : pandas.DataFrame
        Long format: one row per day and metric (``date``, ``metric``,
        ``value`` as fractions).
    date_col, metric_col, value_col : str
        Column names.
    phases : mapping, optional
        ``{"preheat": (start, end_exclusive), "burst": (start, end_exclusive)}``
        (timestamps); each present phase is shaded.
    title : str, optional
        Chart title (e.g. the campaign's name); a generic one when omitted.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> days = pd.date_range("2024-06-01", periods=4)
    >>> d = pd.DataFrame({"date": list(days) * 2, "metric": ["cart"] * 4 + ["pay"] * 4,
    ...                   "value": [0.2, 0.3, 0.3, 0.2, 0.4, 0.1, 0.6, 0.4]})
    >>> ph = {"preheat": (days[1], days[2]), "burst": (days[2], days[3])}
    >>> ax = plot_campaign_days(d, phases=ph)
    >>> len(ax.get_lines()) >= 2
    True
    """
    func = "plot_campaign_days"
    ax = new_axes(ax)
    require_columns(func, data, [date_col, metric_col, value_col])
    title = title or label("Daily rates around the campaign", "大促前后日度指标")
    d = data[[date_col, metric_col, value_col]].dropna(subset=[value_col])
    if len(d) == 0:
        return no_data(ax, "no data to draw", title=title)
    d = d.assign(**{metric_col: _as_text(d[metric_col])})
    sns.lineplot(data=d, x=date_col, y=value_col, hue=metric_col, marker="o",
                 markersize=3, linewidth=1.3, ax=ax)
    handles, names = ax.get_legend_handles_labels()
    colors = {"preheat": ("#fdae6b", label("pre-heat", "预热期")),
              "burst": ("#e6550d", label("burst (sale)", "爆发期"))}
    for key, (lo, hi) in (phases or {}).items():
        if lo is None or hi is None or pd.isna(lo) or pd.isna(hi):
            continue
        color, text = colors.get(key, ("#bdbdbd", str(key)))
        ax.axvspan(pd.Timestamp(lo), pd.Timestamp(hi), color=color, alpha=0.25, lw=0, zorder=0)
        handles.append(Patch(color=color, alpha=0.25))
        names.append(text)
    ax.legend(handles, names, fontsize=8, loc="upper left")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set(title=title, xlabel=label("day", "日期"), ylabel=label("rate", "比率"))
    ax.tick_params(axis="x", labelrotation=30)
    use_cjk_font(ax)
    return ax


# ------------------------------------------------------------ rate bars ---
def plot_rates(data, *, x: str, y: str = "rate", hue: str | None = None,
               title: str | None = None, ax=None):
    """Rates as labelled bars (several 口径 of one rate, a rate by device,
    before vs during an incident).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per bar: ``x``, ``y`` (fractions) and optionally ``hue``.
    x, y : str
        Category and rate columns.
    hue : str, optional
        Second grouping (side-by-side bars).
    title : str, optional
        Chart title.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"method": ["visitor", "session"], "rate": [0.13, 0.075]})
    >>> ax = plot_rates(d, x="method")
    >>> len(ax.patches) >= 2
    True
    """
    func = "plot_rates"
    ax = new_axes(ax)
    require_columns(func, data, [x, y, hue])
    title = title or label(f"{y.replace('_', ' ')} by {x}", "比率对比")
    d = data[[c for c in (x, y, hue) if c]].dropna(subset=[y])
    if len(d) == 0:
        return no_data(ax, "no data to draw", title=title)
    order = _order(d[x])
    d = d.assign(**{x: d[x].astype(str)})
    if hue:
        d = d.assign(**{hue: _as_text(d[hue])})
        sns.barplot(data=d, x=x, y=y, hue=hue, order=order, ax=ax, errorbar=None)
        ax.legend(fontsize=8, title=hue, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    else:
        sns.barplot(data=d, x=x, y=y, hue=x, order=order, hue_order=order, legend=False,
                    ax=ax, errorbar=None)
    for container in ax.containers:
        ax.bar_label(container, labels=[f"{v:.1%}" for v in container.datavalues],
                     fontsize=8, padding=2)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.margins(y=0.12)
    ax.set(title=title, xlabel=x.replace("_", " "), ylabel=y.replace("_", " "))
    if len(order) > 4:
        ax.tick_params(axis="x", labelrotation=30)
    use_cjk_font(ax)
    return ax


def plot_ab_test(result, *, labels: Sequence[str] = ("A", "B"), alpha: float = 0.05,
                 ax=None):
    """Two conversion rates with their confidence intervals, and the test's
    difference, interval and p-value in the title.

    Parameters
    ----------
    result : pandas.Series
        :func:`ecomkit.ab_test` output (``n_a, rate_a, n_b, rate_b, diff,
        ci_low, ci_high, p_value``).
    labels : (str, str), default=("A", "B")
        Names of group A (control) and B (variant).
    alpha : float, default=0.05
        1 − confidence level of each group's (Wald) interval.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import ecomkit
    >>> r = ecomkit.ab_test(conversions_a=80, n_a=100, conversions_b=20, n_b=100)
    >>> ax = plot_ab_test(r, labels=("app", "mini_program"))
    >>> len(ax.patches)
    2
    """
    func = "plot_ab_test"
    ax = new_axes(ax)
    need = ["n_a", "rate_a", "n_b", "rate_b", "diff", "ci_low", "ci_high", "p_value"]
    if not isinstance(result, pd.Series):
        raise TypeError(f"{func}(): `result` must be the Series returned by ecomkit.ab_test(), "
                        f"got {type(result).__name__}.")
    missing = [k for k in need if k not in result.index]
    if missing:
        raise ValueError(f"{func}(): `result` lacks {missing}; pass ecomkit.ab_test() output.")
    if len(labels) != 2:
        raise ValueError(f"{func}(): `labels` must name the two groups, got {labels!r}.")
    z = NormalDist().inv_cdf(1 - alpha / 2)
    rates = np.array([result["rate_a"], result["rate_b"]], dtype=float)
    ns = np.array([result["n_a"], result["n_b"]], dtype=float)
    half = z * np.sqrt(rates * (1 - rates) / ns)
    names = [str(v) for v in labels]
    ax.bar(names, rates, color=sns.color_palette("Set2", 2), width=0.55)
    ax.errorbar(names, rates, yerr=half, fmt="none", ecolor="black", capsize=6, lw=1.2)
    for i, (r, n) in enumerate(zip(rates, ns, strict=True)):
        ax.text(i, r + half[i], f"{r:.1%}\n(n={n:,.0f})", ha="center", va="bottom", fontsize=8)
    ax.set_ylim(0, min(1.15, max(1e-9, float(np.nanmax(rates + half))) * 1.3))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    p = result["p_value"]
    ptxt = "p n/a" if pd.isna(p) else ("p < 0.0001" if p < 1e-4 else f"p = {p:.4f}")
    ax.set(title=(f"{names[1]} − {names[0]}: {result['diff']:+.1%} "
                  f"[{result['ci_low']:+.1%}, {result['ci_high']:+.1%}], {ptxt}"),
           xlabel=label("group", "组别"), ylabel=label("conversion rate", "转化率"))
    use_cjk_font(ax)
    return ax


def plot_funnel_explorer(events, sessions, *, device: str = "all", channel: str = "all",
                         unit: str = "session", mode: str = "closed", start=None, end=None,
                         ax=None):
    """Explore the funnel of one device and channel (for a widget): units
    reaching each step, labelled with the step conversion.

    Filters ``sessions`` to the device and channel, keeps the events of those
    sessions, computes :func:`ecomkit.funnel` and draws it.

    Parameters
    ----------
    events, sessions : pandas.DataFrame
        ``shop.events`` and ``shop.sessions``.
    device, channel : str, default="all"
        A value of the sessions' ``device`` / ``channel`` column, or ``"all"``.
    unit : {"session", "visitor"}, default="session"
        Funnel unit.
    mode : {"closed", "open"}, default="closed"
        Funnel type.
    start, end : date-like, optional
        Inclusive window on the event time.
    ax : matplotlib.axes.Axes, optional
        Where to draw; a new figure when omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"session_id": [1, 2], "visitor_id": [7, 8],
    ...                   "device": ["app", "pc"], "channel": ["direct", "direct"]})
    >>> e = pd.DataFrame({"session_id": [1, 1, 2], "visitor_id": [7, 7, 8],
    ...     "event_ts": pd.to_datetime(["2024-05-01 10:00", "2024-05-01 10:01",
    ...                                 "2024-05-01 11:00"]),
    ...     "event_type": ["product_view", "add_to_cart", "product_view"]})
    >>> ax = plot_funnel_explorer(e, s, device="app")
    >>> [round(p.get_width()) for p in ax.patches][:2]
    [1, 1]
    """
    from ..conversion import funnel

    func = "plot_funnel_explorer"
    ax = new_axes(ax)
    require_columns(func, sessions, ["session_id", "device", "channel"])
    require_columns(func, events, ["session_id", "event_type", "event_ts"])
    keep = np.ones(len(sessions), dtype=bool)
    for col, value in (("device", device), ("channel", channel)):
        if value != "all":
            keep &= (sessions[col].astype(str) == str(value)).to_numpy()
    ids = sessions.loc[keep, "session_id"]
    ev = events[events["session_id"].isin(ids)]
    who = " · ".join(v for v in (device, channel) if v != "all") or "all visits"
    title = label(f"{mode.capitalize()} {unit} funnel: {who}", "转化漏斗")
    if len(ev) == 0:
        return no_data(ax, "no data to draw", title=title)
    f = funnel(ev, unit=unit, mode=mode, start=start, end=end)
    order = _order(f["step"])
    d = f.assign(step=f["step"].astype(str))
    sns.barplot(data=d, y="step", x="count", hue="step", order=order, hue_order=order,
                legend=False, palette="Blues_r", errorbar=None, ax=ax)
    texts = [f"{c:,}" if i == 0 else f"{c:,} ({r:.0%} of previous)"
             for i, (c, r) in enumerate(zip(d["count"], d["step_conversion"], strict=True))]
    for patch, t in zip(ax.patches, texts, strict=False):
        ax.text(patch.get_width(), patch.get_y() + patch.get_height() / 2, " " + t,
                va="center", fontsize=8)
    ax.margins(x=0.35)
    ax.set(title=title, xlabel=label(f"{unit}s reaching the step", "到达该步的单位数"),
           ylabel=label("step", "步骤"))
    use_cjk_font(ax)
    return ax
