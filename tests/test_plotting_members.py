"""Charts of the members notebook: Axes in, Axes out, no mutation, no glyph warnings."""

import io

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from ecomkit.plotting import (
    display_text,
    plot_buyer_profile,
    plot_cohort_heatmap,
    plot_cohort_repurchase,
    plot_gap_distribution,
    plot_lifecycle_flows,
    plot_new_vs_returning,
    plot_p_alive,
    plot_repurchase_methods,
    plot_rfm_segments,
    plot_value_concentration,
)
from ecomkit.plotting._style import cjk_font

matplotlib.use("Agg")


def months(n):
    return pd.date_range("2024-01-01", periods=n, freq="MS")


PROFILE = pd.DataFrame({"province": ["广东", "浙江", "北京"], "buyers": [5, 3, 2],
                        "buyer_share": [0.5, 0.3, 0.2]})
NVR = pd.DataFrame({"period": np.repeat(months(2), 3),
                    "customer_type": ["new", "returning", "reactivated"] * 2,
                    "buyers": [10, 0, 0, 6, 3, 1]})
RETENTION = pd.DataFrame({"cohort": pd.to_datetime(["2024-01-01"] * 3 + ["2024-02-01"] * 2
                                                   + ["2024-03-01"]),
                          "period": [0, 1, 2, 0, 1, 0],
                          "retention": [1.0, 0.2, 0.1, 1.0, 0.05, 1.0]})
LIFECYCLE = pd.DataFrame({"period": months(3), "new": [5, 3, 4], "retained": [0, 2, 1],
                          "reactivated": [0, 0, 1], "active": [5, 5, 6],
                          "churned": [0, 3, 2]})
SEGMENTS = pd.DataFrame({"customer_id": [1, 2, 3, 4],
                         "segment": pd.Categorical(["New", "Champions", "New", "Dormant"],
                                                   categories=["Champions", "New", "Dormant",
                                                               "Loyal"], ordered=True)})
BTYD = pd.DataFrame({"customer_id": [1, 2, 3, 4], "frequency": [0.0, 1.0, 2.0, 5.0],
                     "recency": [0.0, 4.0, 10.0, 30.0], "T": [20.0, 20.0, 40.0, 40.0],
                     "p_alive": [1.0, 0.6, 0.3, 0.9],
                     "segment": ["New", "Loyal", "At risk", "Champions"]})
COHORTS = pd.DataFrame({"cohort": ["2024-03", "2024-04", "2024-05"],
                        "repurchase_rate": [0.35, 0.08, 0.4]})

# (function, data, options): every chart of the module on a small typical input
CASES = [
    (plot_buyer_profile, PROFILE, {}),
    (plot_new_vs_returning, NVR, {}),
    (plot_cohort_heatmap, RETENTION, {"highlight": "2024-02"}),
    (plot_lifecycle_flows, LIFECYCLE, {}),
    (plot_rfm_segments, SEGMENTS, {"highlight": "New"}),
    (plot_p_alive, BTYD, {"segment": "Loyal"}),
    (plot_cohort_repurchase, COHORTS, {"highlight": "2024-04", "reference": 0.37}),
]
IDS = [c[0].__name__ for c in CASES]


def render(ax):
    """Draw the figure for real: glyph warnings only appear at drawing time."""
    ax.figure.savefig(io.BytesIO(), format="png")


@pytest.mark.parametrize(("func", "data", "opts"), CASES, ids=IDS)
def test_draws_on_the_given_axes_and_returns_it(func, data, opts):
    ax = Figure().subplots()
    out = func(data, **opts, ax=ax)
    assert out is ax
    assert ax.get_title()
    render(ax)


@pytest.mark.parametrize(("func", "data", "opts"), CASES, ids=IDS)
def test_without_axes_makes_its_own(func, data, opts):
    ax = func(data, **opts)
    assert isinstance(ax, Axes)


@pytest.mark.parametrize(("func", "data", "opts"), CASES, ids=IDS)
def test_does_not_mutate_its_input(func, data, opts):
    before = data.copy(deep=True)
    func(data, **opts, ax=Figure().subplots())
    pd.testing.assert_frame_equal(data, before)


@pytest.mark.parametrize(("func", "data", "opts"), CASES, ids=IDS)
def test_empty_input_says_no_data(func, data, opts):
    ax = func(data.iloc[:0], **opts, ax=Figure().subplots())
    assert any(t.get_text() == "no data" for t in ax.texts)
    render(ax)


@pytest.mark.parametrize(("func", "data", "opts"), CASES, ids=IDS)
def test_missing_column_is_a_clear_error(func, data, opts):
    with pytest.raises(ValueError, match=func.__name__):
        func(data.drop(columns=data.columns[-1]), **opts, ax=Figure().subplots())


def test_series_and_dict_charts():
    rates = {"customers": 0.2, "orders": 0.31, "shopify": np.nan}
    ax = plot_repurchase_methods(rates, ax=Figure().subplots())
    assert [t.get_text() for t in ax.get_yticklabels()] == list(rates)
    render(ax)
    assert plot_repurchase_methods(pd.Series(rates), ax=Figure().subplots()).patches
    empty = plot_repurchase_methods({}, ax=Figure().subplots())
    assert empty.texts[0].get_text() == "no data"
    with pytest.raises(TypeError, match="plot_repurchase_methods"):
        plot_repurchase_methods([0.1, 0.2])


def test_gap_distribution_marks_the_thresholds():
    gaps = np.array([1, 3, 5, 8, 13, 21, 34, 55, 89, 144], dtype=float)
    th = pd.Series([60.0, 100.0], index=pd.Index([0.8, 0.9], name="quantile"))
    ax = plot_gap_distribution(gaps, thresholds=th, ax=Figure().subplots())
    assert [ln.get_xdata()[0] for ln in ax.lines] == [60.0, 100.0]
    assert "P80 = 60 days" in [t.get_text() for t in ax.get_legend().get_texts()]
    render(ax)
    assert plot_gap_distribution([], ax=Figure().subplots()).texts[0].get_text() == "no data"


def test_value_concentration_starts_at_zero_and_ends_at_one():
    ax = plot_value_concentration(pd.Series([50.0, 30.0, 10.0, 10.0]), ax=Figure().subplots())
    y = ax.lines[0].get_ydata()
    assert y[0] == 0 and np.isclose(y[-1], 1.0) and np.isclose(y[1], 0.5)
    assert plot_value_concentration([], ax=Figure().subplots()).texts


def test_heatmap_frames_the_highlighted_cohort_and_skips_period_zero_in_the_scale():
    ax = plot_cohort_heatmap(RETENTION, highlight="2024-02", ax=Figure().subplots())
    frames = [p for p in ax.patches if isinstance(p, Rectangle) and p.get_edgecolor()[0] > 0.7]
    assert len(frames) == 1 and frames[0].get_y() == 1
    assert ax.collections[0].norm.vmax == pytest.approx(0.2)


def test_p_alive_focus_greys_out_the_others():
    ax = plot_p_alive(BTYD, segment="Loyal", ax=Figure().subplots())
    assert len(ax.collections) == 2  # the others in grey, the segment in colour
    assert "Loyal" in ax.get_title()
    assert len(plot_p_alive(BTYD, ax=Figure().subplots()).collections) == 1


def test_chinese_labels_are_drawable():
    ax = plot_buyer_profile(PROFILE, ax=Figure().subplots())
    labels = [t.get_text() for t in ax.get_yticklabels()]
    if cjk_font() is None:
        assert labels == ["Guangdong", "Zhejiang", "Beijing"]
    render(ax)  # no "Glyph missing" warning (warnings are errors in the tests)


def test_display_text():
    assert display_text("tier1") == "tier1"
    if cjk_font() is None:
        assert display_text("会员日 2024-03") == "Member day 2024-03"
        assert display_text("双11 全球狂欢节") == "Double 11"
        assert display_text("某某", fallback="campaign 3") == "campaign 3"
        assert display_text("某某 x1") == "x1"
