"""Charts for the campaigns and private-domain notebook (06): 大促 phases,
uplift, coupons, growth (拉新/促活/召回) and the 私域 funnel.

Each function draws one seaborn chart on the given Axes and returns it.
Campaign names in the shop are Chinese; :func:`campaign_labels` gives chart
labels that every machine can draw (romanised when no CJK font is installed).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import PercentFormatter

from ._members import _axes, _month_labels, display_text
from ._style import label, no_data, require_columns, use_cjk_font

__all__ = [
    "campaign_labels",
    "plot_acquisition",
    "plot_campaign_calendar",
    "plot_campaign_timeline",
    "plot_contact_repurchase",
    "plot_coupon_kinds",
    "plot_pd_funnel",
    "plot_pd_launch",
    "plot_phase_averages",
    "plot_reactivation",
    "plot_uplift",
    "plot_win_back",
]

_PHASE_COLORS = {"baseline": "#e5e5e5", "preheat": "#fdd49e", "burst": "#fc8d59",
                 "after": "#d9f0d3"}


def campaign_labels(campaigns: pd.DataFrame, *, name_col: str = "name",
                    id_col: str = "campaign_id") -> pd.Series:
    """Chart labels of campaigns, indexed by campaign id, unique and drawable.

    The name as is when it can be drawn, else its romanised form
    (:func:`display_text`); ``" #<id>"`` is appended to repeated labels.

    Examples
    --------
    >>> import pandas as pd
    >>> c = pd.DataFrame({"campaign_id": [1, 2], "name": ["Spring", "Spring"]})
    >>> campaign_labels(c).tolist()
    ['Spring #1', 'Spring #2']
    """
    require_columns("campaign_labels", campaigns, [id_col])
    names = (campaigns[name_col] if name_col in campaigns.columns
             else campaigns[id_col].astype(str))
    text = pd.Series([display_text(n, fallback=f"campaign {i}")
                      for n, i in zip(names, campaigns[id_col], strict=True)],
                     index=pd.Index(campaigns[id_col], name=id_col), name="label")
    dup = text.duplicated(keep=False).to_numpy()
    ids = text.index.astype(str)
    return text.where(~dup, text + " #" + ids)


def plot_campaign_calendar(daily: pd.DataFrame, *, campaigns: pd.DataFrame,
                           value: str = "paid_amount", label_kinds=("mega_sale",),
                           ax=None):
    """Daily values over the whole window with every campaign's sale shaded.

    Pre-heat periods are shaded lightly, sales strongly; campaigns whose
    ``kind`` is in ``label_kinds`` get a text label.

    Parameters
    ----------
    daily : pandas.DataFrame
        A ``date`` column (days) and ``value``.
    campaigns : pandas.DataFrame
        ``campaign_id, preheat_start, start, end`` (``name``, ``kind`` optional).
    value : str, default="paid_amount"
    label_kinds : tuple of str
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"date": pd.date_range("2024-06-01", periods=30),
    ...                   "paid_amount": range(30)})
    >>> c = pd.DataFrame({"campaign_id": [1], "name": ["618"], "kind": ["mega_sale"],
    ...     "preheat_start": pd.to_datetime(["2024-06-05"]),
    ...     "start": pd.to_datetime(["2024-06-16"]), "end": pd.to_datetime(["2024-06-19"])})
    >>> len(plot_campaign_calendar(d, campaigns=c).patches)
    2
    """
    func = "plot_campaign_calendar"
    require_columns(func, daily, ["date", value])
    require_columns(func, campaigns, ["campaign_id", "start", "end"])
    ax = _axes(ax, figsize=(10, 3.5))
    title = label("Daily paid amount and campaigns", "活动日历")
    if daily.empty:
        return no_data(ax, "no data", title=title)
    d = daily.sort_values("date")
    sns.lineplot(data=d, x="date", y=value, color="#4c72b0", linewidth=1, ax=ax)
    labels = campaign_labels(campaigns)
    top = float(np.nanmax(d[value].to_numpy(dtype=float))) if len(d) else 1.0
    for _, c in campaigns.iterrows():
        if "preheat_start" in campaigns.columns and pd.notna(c["preheat_start"]):
            ax.axvspan(c["preheat_start"], c["start"], color=_PHASE_COLORS["preheat"],
                       alpha=0.5, linewidth=0)
        ax.axvspan(c["start"], c["end"], color=_PHASE_COLORS["burst"], alpha=0.6,
                   linewidth=0)
        if "kind" in campaigns.columns and c["kind"] in label_kinds:
            ax.text(c["start"], top * 1.02, labels[c["campaign_id"]], fontsize=8,
                    ha="right", va="bottom")
    ax.set_ylim(0, top * 1.15 if top > 0 else 1)
    ax.set(title=title, xlabel="", ylabel=label("Paid amount", "支付金额")
           if value == "paid_amount" else value)
    use_cjk_font(ax)
    return ax


def plot_campaign_timeline(daily: pd.DataFrame, *, phases: pd.DataFrame,
                           measures=("visitors", "favorites", "add_to_carts",
                                     "paid_orders", "paid_amount"),
                           normalize: bool = True, title: str | None = None, ax=None):
    """One campaign day by day, its phases (日常/预热/爆发/余热) shaded.

    Each measure is drawn as a line; with ``normalize`` it is divided by its
    mean over the baseline days, so 1 = a normal day and every measure fits
    on one scale (pre-heat 蓄水 shows as favourites and carts rising before
    orders do).

    Parameters
    ----------
    daily : pandas.DataFrame
        ``date`` (days) and the ``measures`` columns.
    phases : pandas.DataFrame
        The campaign's rows of :func:`ecomkit.campaign_phases`: ``phase,
        phase_start, phase_end`` (one campaign only).
    measures : sequence of str
    normalize : bool, default=True
    title : str, optional
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> d = pd.DataFrame({"date": pd.date_range("2024-06-01", periods=10),
    ...                   "paid_amount": [1.0] * 5 + [3.0] * 5})
    >>> ph = pd.DataFrame({"phase": ["baseline", "burst"],
    ...     "phase_start": pd.to_datetime(["2024-06-01", "2024-06-06"]),
    ...     "phase_end": pd.to_datetime(["2024-06-06", "2024-06-11"])})
    >>> ax = plot_campaign_timeline(d, phases=ph, measures=["paid_amount"])
    >>> float(ax.lines[0].get_ydata()[-1])
    3.0
    """
    func = "plot_campaign_timeline"
    measures = list(measures)
    require_columns(func, daily, ["date", *measures])
    require_columns(func, phases, ["phase", "phase_start", "phase_end"])
    ax = _axes(ax, figsize=(9, 4))
    title = title or label("Campaign day by day", "活动分阶段")
    ph = phases[phases["days"] > 0] if "days" in phases.columns else phases
    ph = ph.dropna(subset=["phase_start", "phase_end"])
    if daily.empty or ph.empty:
        return no_data(ax, "no data", title=title)
    lo, hi = ph["phase_start"].min().normalize(), ph["phase_end"].max()
    d = daily[(daily["date"] >= lo) & (daily["date"] < hi)].sort_values("date")
    base = ph[ph["phase"].astype(str) == "baseline"]
    long = []
    for m in measures:
        y = d[m].astype(float)
        if normalize and len(base):
            b = base.iloc[0]
            ref = daily.loc[(daily["date"] >= b["phase_start"].normalize())
                            & (daily["date"] < b["phase_end"]), m].astype(float).mean()
            y = y / ref if ref and np.isfinite(ref) else y * np.nan
        long.append(pd.DataFrame({"date": d["date"].to_numpy(), "value": y.to_numpy(),
                                  "measure": m}))
    long = pd.concat(long, ignore_index=True)
    for _, p in ph.iterrows():
        name = str(p["phase"])
        ax.axvspan(p["phase_start"], p["phase_end"], color=_PHASE_COLORS.get(name, "#eeeeee"),
                   alpha=0.6, linewidth=0)
        ax.text(p["phase_start"] + (p["phase_end"] - p["phase_start"]) / 2, 0.98, name,
                transform=ax.get_xaxis_transform(), ha="center", va="top", fontsize=8)
    sns.lineplot(data=long, x="date", y="value", hue="measure", ax=ax, linewidth=1.4)
    if normalize:
        ax.axhline(1, color="grey", linewidth=0.8, linestyle=":")
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(0.0, 0.93))
    ax.set_ylim(top=float(np.nanmax(long["value"].to_numpy(dtype=float), initial=1.0)) * 1.15)
    ax.tick_params(axis="x", rotation=30)
    ax.set(title=title, xlabel="",
           ylabel="x normal day (baseline mean = 1)" if normalize else "per day")
    use_cjk_font(ax)
    return ax


def plot_phase_averages(phases: pd.DataFrame, *, measure: str = "paid_amount_per_day",
                        label_col: str = "campaign", ax=None):
    """Per-day average of one measure in each phase, campaigns side by side.

    Parameters
    ----------
    phases : pandas.DataFrame
        Output of :func:`ecomkit.campaign_phases` with a ``label_col`` column
        naming the campaign (e.g. from :func:`campaign_labels`).
    measure : str, default="paid_amount_per_day"
    label_col : str, default="campaign"
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"campaign": ["618"] * 2, "phase": ["baseline", "burst"],
    ...                   "paid_amount_per_day": [100.0, 400.0]})
    >>> len(plot_phase_averages(t).patches) >= 2
    True
    """
    require_columns("plot_phase_averages", phases, [label_col, "phase", measure])
    ax = _axes(ax)
    title = label(f"{measure.replace('_per_day', '').replace('_', ' ').capitalize()} per day by phase",
                  "分阶段日均")
    if phases.empty:
        return no_data(ax, "no data", title=title)
    d = phases[[label_col, "phase", measure]].copy()
    d["phase"] = d["phase"].astype(str)
    d[label_col] = d[label_col].map(display_text)
    sns.barplot(data=d, errorbar=None, x="phase", y=measure, hue=label_col, ax=ax,
                order=[p for p in _PHASE_COLORS if p in set(d["phase"])])
    ax.legend(frameon=False, fontsize=8, title="")
    ax.set(title=title, xlabel=label("Phase", "阶段"), ylabel="per day")
    use_cjk_font(ax)
    return ax


def plot_uplift(uplift: pd.DataFrame, *, label_col: str = "campaign",
                value: str = "uplift", highlight=None, ax=None):
    """Horizontal bars of campaign uplift (活动提升率), sorted, some highlighted.

    Parameters
    ----------
    uplift : pandas.DataFrame
        Output of :func:`ecomkit.campaign_uplift` with a ``label_col`` column.
    label_col, value : str
    highlight : collection of labels, optional
        Bars drawn in a strong colour (e.g. the mega sales).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"campaign": ["A", "B", "C"], "uplift": [0.5, 2.0, None]})
    >>> ax = plot_uplift(t, highlight=["B"])
    >>> [x.get_text() for x in ax.get_yticklabels()]
    ['B', 'A']
    """
    require_columns("plot_uplift", uplift, [label_col, value])
    ax = _axes(ax, figsize=(7, 5))
    title = label("Uplift over the baseline (paid amount per day)", "活动提升率")
    d = uplift[[label_col, value]].dropna().sort_values(value, ascending=False)
    if d.empty:
        return no_data(ax, "no data", title=title)
    d = pd.DataFrame({"campaign": d[label_col].map(display_text).to_numpy(),
                      "uplift": d[value].to_numpy(dtype=float)})
    hi = {display_text(h) for h in (highlight or [])}
    d["kind"] = np.where(d["campaign"].isin(hi), "highlight", "other")
    sns.barplot(data=d, errorbar=None, y="campaign", x="uplift", hue="kind", dodge=False, orient="h",
                palette={"highlight": "#c44e52", "other": "#8da0cb"}, legend=False, ax=ax)
    for cont in ax.containers:
        ax.bar_label(cont, fmt="{:+.0%}", padding=2, fontsize=7)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set(title=title, xlabel=label("Uplift", "提升率"), ylabel="")
    use_cjk_font(ax)
    return ax


def plot_coupon_kinds(table: pd.DataFrame, *, value: str = "redemption_rate",
                      kind_col: str = "kind", ax=None):
    """Bars of one coupon measure per coupon kind (核销率, 券成本, ...).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per kind, e.g. :func:`ecomkit.coupon_redemption_rate` or
        :func:`ecomkit.coupon_cost` output.
    value : str, default="redemption_rate"
        Rates (``*_rate``) are shown as percentages.
    kind_col : str, default="kind"
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"kind": ["member", "win_back"], "redemption_rate": [0.01, 0.1]})
    >>> len(plot_coupon_kinds(t).patches)
    2
    """
    require_columns("plot_coupon_kinds", table, [kind_col, value])
    ax = _axes(ax, figsize=(5, 3.5))
    rate = value.endswith("rate")
    titles = {"redemption_rate": ("Redemption rate by coupon kind", "核销率"),
              "coupon_cost": ("Coupon cost by kind", "优惠券成本"),
              "incremental_gmv_per_cost": ("Incremental GMV per unit of cost", "券投入产出")}
    title = label(*titles.get(value, (f"{value} by coupon kind", "优惠券")))
    if table.empty:
        return no_data(ax, "no data", title=title)
    d = pd.DataFrame({"kind": table[kind_col].astype(str).map(display_text).to_numpy(),
                      "value": table[value].to_numpy(dtype=float)})
    sns.barplot(data=d, errorbar=None, x="kind", y="value", hue="kind", legend=False, palette="Set2",
                ax=ax)
    for cont in ax.containers:
        ax.bar_label(cont, fmt="{:.1%}" if rate else "{:,.0f}", padding=2, fontsize=8)
    if rate:
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set(title=title, xlabel="", ylabel=value)
    use_cjk_font(ax)
    return ax


def plot_acquisition(table: pd.DataFrame, *, by: str = "acquisition_channel",
                     value: str = "new_customers", ax=None):
    """Stacked bars of new customers (拉新) per month, split by a channel column.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`ecomkit.new_customer_acquisition` with ``by``
        (``period, <by>, new_customers``).
    by, value : str
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"period": pd.to_datetime(["2024-01-01"] * 2),
    ...                   "acquisition_channel": ["social", "direct"],
    ...                   "new_customers": [3, 2]})
    >>> len(plot_acquisition(t).patches)
    2
    """
    require_columns("plot_acquisition", table, ["period", by, value])
    ax = _axes(ax, figsize=(9, 4))
    title = label("New customers per month by channel", "拉新人数")
    if table.empty:
        return no_data(ax, "no data", title=title)
    wide = table.pivot_table(index="period", columns=by, values=value, aggfunc="sum",
                             observed=True, fill_value=0).sort_index()
    wide = wide.loc[:, wide.sum().sort_values(ascending=False).index]
    x = np.arange(len(wide))
    bottom = np.zeros(len(wide))
    colors = sns.color_palette("tab10", n_colors=max(len(wide.columns), 1))
    for color, col in zip(colors, wide.columns, strict=False):
        vals = wide[col].to_numpy(dtype=float)
        ax.bar(x, vals, bottom=bottom, color=color, label=display_text(col), width=0.8)
        bottom += vals
    ax.set_xticks(x, _month_labels(wide.index), rotation=45, ha="right")
    ax.legend(frameon=False, fontsize=8, ncol=2)
    ax.set(title=title, xlabel="", ylabel=label("New customers", "新客数"))
    use_cjk_font(ax)
    return ax


def plot_win_back(table: pd.DataFrame, *, ax=None):
    """Win-back rate (流失召回率) of lapsed customers with and without a 召回券.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`ecomkit.win_back_rate` (``group, lapsed_customers,
        won_back, win_back_rate``).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"group": ["coupon", "no_coupon"], "lapsed_customers": [10, 20],
    ...                   "won_back": [2, 1], "win_back_rate": [0.2, 0.05]})
    >>> len(plot_win_back(t).patches)
    2
    """
    require_columns("plot_win_back", table, ["group", "win_back_rate"])
    ax = _axes(ax, figsize=(4.5, 3.5))
    title = label("Win-back rate of lapsed customers", "流失召回率")
    if table.empty:
        return no_data(ax, "no data", title=title)
    d = table.assign(group=table["group"].astype(str))
    sns.barplot(data=d, errorbar=None, x="group", y="win_back_rate", hue="group", legend=False,
                palette={"coupon": "#c44e52", "no_coupon": "#8da0cb"}, ax=ax)
    for cont in ax.containers:
        ax.bar_label(cont, fmt="{:.1%}", padding=2, fontsize=8)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set(title=title, xlabel="", ylabel=label("Won back", "召回率"))
    use_cjk_font(ax)
    return ax


_PD_STEPS = {"add_rate": ("added", "引流"), "retention_rate": ("stayed", "承接"),
             "conversion_rate": ("bought", "转化"), "repurchase_rate": ("rebought", "复购")}


def plot_pd_funnel(funnel: pd.DataFrame, *, by: str | None = "source", ax=None):
    """Step rates of the private-domain funnel 引流 → 承接 → 转化 → 复购.

    Parameters
    ----------
    funnel : pandas.DataFrame
        Output of :func:`ecomkit.private_domain_funnel` (``add_rate,
        retention_rate, conversion_rate, repurchase_rate`` and the ``by`` column).
    by : str or None, default="source"
        The column that gives one bar colour per group; None for one funnel.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"source": ["parcel_card"], "add_rate": [0.4],
    ...     "retention_rate": [0.9], "conversion_rate": [0.6], "repurchase_rate": [0.5]})
    >>> len(plot_pd_funnel(t).patches) >= 4
    True
    """
    require_columns("plot_pd_funnel", funnel, list(_PD_STEPS) + ([by] if by else []))
    ax = _axes(ax, figsize=(8, 4))
    title = label("Private-domain funnel step rates", "私域漏斗")
    if funnel.empty:
        return no_data(ax, "no data", title=title)
    keys = [by] if by else []
    long = funnel[keys + list(_PD_STEPS)].melt(id_vars=keys, var_name="step",
                                                value_name="rate")
    steps = {k: label(*v) for k, v in _PD_STEPS.items()}
    long["step"] = long["step"].map(steps)
    if by:
        long[by] = long[by].astype(str).map(display_text)
    sns.barplot(data=long, errorbar=None, x="step", y="rate", hue=by if by else None,
                order=list(steps.values()), ax=ax,
                palette="Set2" if by else None, color=None if by else "#4c72b0")
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    if by:
        ax.legend(frameon=False, fontsize=8, title="")
    ax.set(title=title, xlabel=label("Step (rate vs the previous step)", "环节"),
           ylabel=label("Step rate", "环节转化率"))
    use_cjk_font(ax)
    return ax


def plot_pd_launch(monthly: pd.DataFrame, *, launch=None, ax=None):
    """Private-domain activity per month (sessions, invitations), launch marked.

    Parameters
    ----------
    monthly : pandas.DataFrame
        ``month`` (dates) and one column per measure (e.g.
        ``private_domain_sessions``, ``contacts_invited``).
    launch : date-like or str, optional
        The launch month, drawn as a dashed line.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame({"month": pd.to_datetime(["2024-06-01", "2024-07-01"]),
    ...                   "private_domain_sessions": [0, 30], "contacts_invited": [0, 12]})
    >>> ax = plot_pd_launch(m, launch="2024-07")
    >>> len(ax.patches) >= 2
    True
    """
    require_columns("plot_pd_launch", monthly, ["month"])
    ax = _axes(ax, figsize=(8, 3.5))
    title = label("Private-domain activity per month", "私域启动")
    measures = [c for c in monthly.columns if c != "month"]
    if monthly.empty or not measures:
        return no_data(ax, "no data", title=title)
    long = monthly.melt(id_vars="month", value_vars=measures, var_name="measure",
                        value_name="count")
    months = sorted(monthly["month"].unique())
    long["month"] = _month_labels(long["month"])
    order = _month_labels(months)
    sns.barplot(data=long, errorbar=None, x="month", y="count", hue="measure", order=order, ax=ax)
    if launch is not None:
        key = pd.Timestamp(str(launch)).strftime("%Y-%m")
        if key in order:
            i = order.index(key)
            ax.axvline(i - 0.5, color="#c44e52", linestyle="--", label=f"launch {key}")
    ax.legend(frameon=False, fontsize=8)
    ax.tick_params(axis="x", rotation=45)
    ax.set(title=title, xlabel="", ylabel=label("Count", "数量"))
    use_cjk_font(ax)
    return ax


def plot_contact_repurchase(table: pd.DataFrame, *, value: str = "repurchase_rate",
                            group_col: str = "group", ax=None):
    """Repurchase of private-domain contacts vs non-contacts (私域复购对比).

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`ecomkit.contact_repurchase_comparison` (``group``,
        ``repurchase_rate``), possibly with extra rows (e.g. a fairer base).
    value, group_col : str
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"group": ["contact", "non_contact"], "repurchase_rate": [0.6, 0.1]})
    >>> len(plot_contact_repurchase(t).patches)
    2
    """
    require_columns("plot_contact_repurchase", table, [group_col, value])
    ax = _axes(ax, figsize=(5, 3.5))
    title = label("Repurchase: contacts vs non-contacts", "私域用户复购")
    if table.empty:
        return no_data(ax, "no data", title=title)
    d = pd.DataFrame({"group": table[group_col].astype(str).map(display_text).to_numpy(),
                      "rate": table[value].to_numpy(dtype=float)})
    # contacts in one colour, non-contacts in another, whatever the row labels say
    d["kind"] = np.where(d["group"].str.contains(r"non|never", case=False), "non-contact",
                         "contact")
    sns.barplot(data=d, errorbar=None, x="group", y="rate", hue="kind", legend=False,
                palette={"contact": "#55a868", "non-contact": "#8da0cb"}, ax=ax)
    for cont in ax.containers:
        ax.bar_label(cont, fmt="{:.0%}", padding=2, fontsize=8)
    top = np.nanmax(d["rate"].to_numpy()) if d["rate"].notna().any() else 1.0
    ax.set_ylim(0, max(top * 1.15, 0.05))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.tick_params(axis="x", rotation=15)
    ax.set(title=title, xlabel="", ylabel=label("Repurchase rate", "复购率"))
    use_cjk_font(ax)
    return ax


def plot_reactivation(table: pd.DataFrame, *, ax=None):
    """Reactivation (回流 / 促活) per month: the rate among lapsed customers and
    the share of the month's buyers who came back from dormancy.

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`ecomkit.reactivation_rate` (``period,
        reactivation_rate, reactivated_share``).
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"period": pd.to_datetime(["2024-05-01", "2024-06-01"]),
    ...                   "reactivation_rate": [0.05, 0.1], "reactivated_share": [0.01, 0.03]})
    >>> [t.get_text() for t in plot_reactivation(t).get_legend().get_texts()]
    ['reactivation_rate', 'reactivated_share']
    """
    cols = ["period", "reactivation_rate", "reactivated_share"]
    require_columns("plot_reactivation", table, cols)
    ax = _axes(ax, figsize=(8, 3.5))
    title = label("Reactivation per month", "回流率")
    if table.empty:
        return no_data(ax, "no data", title=title)
    long = table[cols].melt(id_vars="period", var_name="measure", value_name="rate")
    sns.lineplot(data=long, x="period", y="rate", hue="measure", style="measure",
                 markers=True, dashes=False, ax=ax)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.legend(frameon=False, fontsize=8, title="")
    ax.tick_params(axis="x", rotation=30)
    ax.set(title=title, xlabel="", ylabel=label("Rate", "比率"))
    use_cjk_font(ax)
    return ax
