"""Charts of the campaigns and private-domain notebook: Axes in, Axes out, no
mutation, Chinese campaign names drawable on any machine."""

import io

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ecomkit.plotting import (
    campaign_labels,
    plot_acquisition,
    plot_campaign_calendar,
    plot_campaign_timeline,
    plot_contact_repurchase,
    plot_coupon_kinds,
    plot_pd_funnel,
    plot_pd_launch,
    plot_phase_averages,
    plot_reactivation,
    plot_uplift,
    plot_win_back,
)
from ecomkit.plotting._style import cjk_font

matplotlib.use("Agg")

DAYS = pd.date_range("2024-05-01", "2024-06-30", freq="D")
rng = np.random.default_rng(0)
DAILY = pd.DataFrame({"date": DAYS, "visitors": rng.integers(30, 60, len(DAYS)),
                      "favorites": rng.integers(2, 6, len(DAYS)),
                      "paid_amount": rng.uniform(300, 900, len(DAYS))})
CAMPAIGNS = pd.DataFrame({
    "campaign_id": [9, 10], "name": ["618 年中大促", "会员日 2024-06"],
    "kind": ["mega_sale", "member_day"],
    "preheat_start": pd.to_datetime(["2024-05-31", None]),
    "start": pd.to_datetime(["2024-06-16", "2024-06-08"]),
    "end": pd.to_datetime(["2024-06-19", "2024-06-09"])})
PHASES = pd.DataFrame({
    "campaign_id": [9] * 4, "phase": ["baseline", "preheat", "burst", "after"],
    "phase_start": pd.to_datetime(["2024-05-03", "2024-05-31", "2024-06-16", "2024-06-19"]),
    "phase_end": pd.to_datetime(["2024-05-31", "2024-06-16", "2024-06-19", "2024-06-26"]),
    "days": [28.0, 16.0, 3.0, 7.0], "paid_amount_per_day": [500.0, 450.0, 3000.0, 800.0],
    "campaign": ["618"] * 4})
UPLIFT = pd.DataFrame({"campaign_id": [9, 10, 11], "campaign": ["618 年中大促", "B", "C"],
                       "uplift": [4.7, 0.2, np.nan]})
COUPONS = pd.DataFrame({"kind": ["member", "new_customer", "win_back"], "granted": [10, 5, 4],
                        "redeemed": [1, 2, 1], "redemption_rate": [0.1, 0.4, 0.25]})
ACQ = pd.DataFrame({"period": np.repeat(pd.date_range("2024-01-01", periods=2, freq="MS"), 2),
                    "acquisition_channel": ["social", "direct"] * 2,
                    "new_customers": [3, 2, 20, 4]})
WIN_BACK = pd.DataFrame({"group": ["coupon", "no_coupon"], "lapsed_customers": [100, 90],
                         "won_back": [12, 4], "win_back_rate": [0.12, 4 / 90]})
FUNNEL = pd.DataFrame({"source": ["parcel_card", "live_stream"], "add_rate": [0.4, 0.5],
                       "retention_rate": [0.99, 0.97], "conversion_rate": [0.6, 0.55],
                       "repurchase_rate": [0.5, 0.6]})
LAUNCH = pd.DataFrame({"month": pd.date_range("2024-05-01", periods=3, freq="MS"),
                       "contacts_invited": [0, 20, 15], "private_domain_sessions": [0, 10, 40]})
REACT = pd.DataFrame({"period": pd.date_range("2024-05-01", periods=3, freq="MS"),
                      "reactivation_rate": [0.05, 0.1, 0.03],
                      "reactivated_share": [0.01, 0.04, 0.02]})
CONTACTS = pd.DataFrame({"group": ["contact", "non_contact"], "repurchase_rate": [0.65, 0.1]})

CASES = [
    (plot_campaign_calendar, DAILY, {"campaigns": CAMPAIGNS}),
    (plot_campaign_timeline, DAILY, {"phases": PHASES,
                                     "measures": ["visitors", "favorites", "paid_amount"]}),
    (plot_phase_averages, PHASES, {}),
    (plot_uplift, UPLIFT, {"highlight": ["618 年中大促"]}),
    (plot_coupon_kinds, COUPONS, {}),
    (plot_acquisition, ACQ, {}),
    (plot_win_back, WIN_BACK, {}),
    (plot_pd_funnel, FUNNEL, {}),
    (plot_pd_launch, LAUNCH, {"launch": "2024-06"}),
    (plot_reactivation, REACT, {}),
    (plot_contact_repurchase, CONTACTS, {}),
]
IDS = [c[0].__name__ for c in CASES]
# the column each chart cannot do without
REQUIRED = {"plot_campaign_calendar": "paid_amount", "plot_campaign_timeline": "favorites",
            "plot_phase_averages": "paid_amount_per_day", "plot_uplift": "uplift",
            "plot_coupon_kinds": "redemption_rate", "plot_acquisition": "new_customers",
            "plot_win_back": "win_back_rate", "plot_pd_funnel": "add_rate",
            "plot_pd_launch": "month", "plot_reactivation": "reactivated_share",
            "plot_contact_repurchase": "repurchase_rate"}


def render(ax):
    """Draw for real: glyph warnings only appear at drawing time."""
    ax.figure.savefig(io.BytesIO(), format="png")


@pytest.mark.parametrize(("func", "data", "opts"), CASES, ids=IDS)
def test_draws_on_the_given_axes_and_returns_it(func, data, opts):
    ax = Figure().subplots()
    assert func(data, **opts, ax=ax) is ax
    assert ax.get_title()
    render(ax)  # Chinese names must not raise "Glyph missing" (warnings are errors)


@pytest.mark.parametrize(("func", "data", "opts"), CASES, ids=IDS)
def test_without_axes_makes_its_own(func, data, opts):
    assert isinstance(func(data, **opts), Axes)


@pytest.mark.parametrize(("func", "data", "opts"), CASES, ids=IDS)
def test_does_not_mutate_its_input(func, data, opts):
    before = data.copy(deep=True)
    extra = {k: v.copy(deep=True) for k, v in opts.items() if isinstance(v, pd.DataFrame)}
    func(data, **opts, ax=Figure().subplots())
    pd.testing.assert_frame_equal(data, before)
    for k, v in extra.items():
        pd.testing.assert_frame_equal(opts[k], v)


@pytest.mark.parametrize(("func", "data", "opts"), CASES, ids=IDS)
def test_empty_input_says_no_data(func, data, opts):
    ax = func(data.iloc[:0], **opts, ax=Figure().subplots())
    assert any(t.get_text() == "no data" for t in ax.texts)


@pytest.mark.parametrize(("func", "data", "opts"), CASES, ids=IDS)
def test_missing_column_is_a_clear_error(func, data, opts):
    with pytest.raises(ValueError, match=func.__name__):
        func(data.drop(columns=REQUIRED[func.__name__]), **opts, ax=Figure().subplots())


def test_campaign_labels_are_unique_and_drawable():
    c = pd.concat([CAMPAIGNS, CAMPAIGNS.assign(campaign_id=[19, 20])], ignore_index=True)
    labels = campaign_labels(c)
    assert labels.index.tolist() == [9, 10, 19, 20]
    assert labels.is_unique
    if cjk_font() is None:
        assert labels[9] == "618 mid-year sale #9"
        assert all(s.isascii() for s in labels)


def test_timeline_normalises_to_the_baseline():
    ax = plot_campaign_timeline(DAILY, phases=PHASES, measures=["paid_amount"],
                                ax=Figure().subplots())
    base = DAILY[(DAILY["date"] >= "2024-05-03") & (DAILY["date"] < "2024-05-31")]
    y = ax.lines[0].get_ydata()
    first = DAILY.loc[DAILY["date"] == "2024-05-03", "paid_amount"].iloc[0]
    assert y[0] == pytest.approx(first / base["paid_amount"].mean())
    raw = plot_campaign_timeline(DAILY, phases=PHASES, measures=["paid_amount"],
                                 normalize=False, ax=Figure().subplots())
    assert raw.lines[0].get_ydata()[0] == pytest.approx(first)


def test_uplift_sorts_drops_nan_and_highlights():
    ax = plot_uplift(UPLIFT, highlight=["B"], ax=Figure().subplots())
    names = [t.get_text() for t in ax.get_yticklabels()]
    assert len(names) == 2 and names[1] == "B"
    widths = sorted(float(p.get_width()) for p in ax.patches if p.get_width() != 0)
    assert widths == [0.2, 4.7]


def test_launch_line_and_funnel_steps():
    ax = plot_pd_launch(LAUNCH, launch="2024-06", ax=Figure().subplots())
    assert any("launch 2024-06" == t.get_text() for t in ax.get_legend().get_texts())
    ax = plot_pd_funnel(FUNNEL, ax=Figure().subplots())
    assert [t.get_text().split()[0] for t in ax.get_xticklabels()] == [
        "added", "stayed", "bought", "rebought"]
    one = plot_pd_funnel(FUNNEL.drop(columns="source"), by=None, ax=Figure().subplots())
    assert len([p for p in one.patches if p.get_height() > 0]) == 4  # one funnel, 4 steps
