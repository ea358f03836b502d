"""Charts of the conversion notebook (ecomkit.plotting._conversion)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

import ecomkit  # noqa: E402
from ecomkit.plotting import (  # noqa: E402
    plot_ab_test,
    plot_campaign_days,
    plot_drop_off,
    plot_funnel,
    plot_funnel_explorer,
    plot_rates,
    plot_step_conversion,
    plot_weekly_rate,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


STEPS = pd.Categorical(["product_view", "add_to_cart", "checkout", "payment"],
                       categories=["product_view", "add_to_cart", "checkout", "payment"],
                       ordered=True)


def funnel_frame():
    return pd.DataFrame({"step": STEPS, "count": [100, 30, 12, 10], "entered": [100, 0, 0, 0],
                         "step_conversion": [1.0, 0.3, 0.4, 0.833],
                         "overall_conversion": [1.0, 0.3, 0.12, 0.1],
                         "drop_off": [0, 70, 18, 2]})


def weekly_frame():
    weeks = pd.to_datetime(["2024-07-01", "2024-07-08", "2024-07-15"])
    return pd.DataFrame({"week": list(weeks) * 2, "device": ["app"] * 3 + ["mini_program"] * 3,
                         "rate": [0.8, 0.85, 0.82, 0.9, 0.1, 0.85],
                         "checkouts": [20, 22, 19, 10, 3, 12]})


def campaign_frame():
    days = pd.date_range("2024-06-01", periods=6)
    return pd.DataFrame({"date": list(days) * 2, "metric": ["cart"] * 6 + ["pay"] * 6,
                         "value": [0.2, 0.3, 0.3, 0.3, 0.2, 0.2, 0.4, 0.1, 0.1, 0.6, 0.4, 0.4]})


def rates_frame():
    return pd.DataFrame({"device": ["app", "app", "pc", "pc"],
                         "period": ["before", "during"] * 2, "rate": [0.8, 0.82, 0.9, 0.2]})


def tiny_shop():
    sessions = pd.DataFrame({"session_id": [1, 2, 3], "visitor_id": [7, 8, 9],
                             "device": ["app", "pc", "app"],
                             "channel": ["direct", "direct", "social"]})
    events = pd.DataFrame({
        "session_id": [1, 1, 1, 2, 3, 3], "visitor_id": [7, 7, 7, 8, 9, 9],
        "event_ts": pd.to_datetime(["2024-05-01 10:00", "2024-05-01 10:01", "2024-05-01 10:02",
                                    "2024-05-01 11:00", "2024-05-02 09:00", "2024-05-02 09:01"]),
        "event_type": ["product_view", "add_to_cart", "checkout", "product_view",
                       "product_view", "add_to_cart"]})
    return events, sessions


# (function, data factory, keyword options)
CASES = [
    (plot_funnel, funnel_frame, {}),
    (plot_drop_off, funnel_frame, {}),
    (plot_step_conversion, funnel_frame, {}),
    (plot_weekly_rate, weekly_frame, {"count_col": "checkouts", "min_count": 5}),
    (plot_campaign_days, campaign_frame, {}),
    (plot_rates, rates_frame, {"x": "device", "hue": "period"}),
]
IDS = [c[0].__name__ for c in CASES]


@pytest.mark.parametrize(("func", "make", "kw"), CASES, ids=IDS)
def test_returns_the_given_axes(func, make, kw):
    fig, ax = plt.subplots()
    out = func(make(), **kw, ax=ax)
    assert out is ax
    assert ax.get_title()
    assert ax.has_data() or ax.patches or ax.collections


@pytest.mark.parametrize(("func", "make", "kw"), CASES, ids=IDS)
def test_creates_axes_when_none_given(func, make, kw):
    assert isinstance(func(make(), **kw), Axes)


@pytest.mark.parametrize(("func", "make", "kw"), CASES, ids=IDS)
def test_does_not_mutate_input(func, make, kw):
    data = make()
    before = data.copy(deep=True)
    func(data, **kw)
    pd.testing.assert_frame_equal(data, before)


@pytest.mark.parametrize(("func", "make", "kw"), CASES, ids=IDS)
def test_empty_frame_draws_a_note(func, make, kw):
    ax = func(make().iloc[0:0], **kw)
    assert isinstance(ax, Axes)
    assert any("no data" in t.get_text() for t in ax.texts)


@pytest.mark.parametrize(("func", "make", "kw"), CASES, ids=IDS)
def test_missing_column_is_a_clear_error(func, make, kw):
    data = make()
    col = {"plot_step_conversion": "overall_conversion", "plot_weekly_rate": "rate",
           "plot_campaign_days": "value", "plot_rates": "rate"}.get(func.__name__, "count")
    with pytest.raises(ValueError, match=rf"{func.__name__}\(\).*{col}"):
        func(data.drop(columns=col), **kw)


def test_not_a_frame_is_a_type_error():
    with pytest.raises(TypeError, match="plot_funnel"):
        plot_funnel([1, 2, 3])


def test_funnel_keeps_step_order_and_labels_counts():
    ax = plot_funnel(funnel_frame())
    assert [t.get_text() for t in ax.get_yticklabels()] == list(STEPS.categories)
    assert "100" in [t.get_text() for t in ax.texts]


def test_funnel_with_hue_draws_one_bar_per_variant():
    f = pd.concat([funnel_frame().assign(variant="closed"), funnel_frame().assign(variant="open")])
    ax = plot_funnel(f, hue="variant")
    assert len([p for p in ax.patches if p.get_width() > 0]) == 8


def test_drop_off_marks_the_worst_transition():
    ax = plot_drop_off(funnel_frame())
    labels = [t.get_text() for t in ax.texts]
    assert labels == ["70% left", "60% left", "17% left"]
    colors = [p.get_facecolor() for p in ax.patches]
    assert colors[0] != colors[1]  # the worst share stands out


def test_weekly_rate_shades_flags_and_drops_small_weeks():
    data = weekly_frame()
    ax = plot_weekly_rate(data, count_col="checkouts", min_count=5,
                          shade=("2024-07-08", "2024-07-14"),
                          flag=("mini_program", pd.Timestamp("2024-07-15")))
    ys = np.concatenate([line.get_ydata() for line in ax.get_lines()])
    assert 0.1 not in ys  # 3 checkouts: left out
    assert any("mini_program 2024-07-15" in t.get_text() for t in ax.texts)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "affected weeks" in " ".join(legend)


def test_campaign_days_shades_phases():
    days = pd.date_range("2024-06-01", periods=6)
    ax = plot_campaign_days(campaign_frame(), phases={"preheat": (days[1], days[3]),
                                                      "burst": (days[3], days[4])})
    legend = " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert "pre-heat" in legend and "burst" in legend


def test_rates_bar_labels_are_percentages():
    ax = plot_rates(pd.DataFrame({"method": ["visitor", "session"], "rate": [0.129, 0.075]}),
                    x="method")
    assert [t.get_text() for t in ax.texts] == ["12.9%", "7.5%"]


def test_ab_test_chart():
    r = ecomkit.ab_test(conversions_a=80, n_a=100, conversions_b=20, n_b=100)
    fig, ax = plt.subplots()
    assert plot_ab_test(r, labels=("app", "mini_program"), ax=ax) is ax
    assert "p < 0.0001" in ax.get_title()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["app", "mini_program"]
    with pytest.raises(TypeError, match="plot_ab_test"):
        plot_ab_test(r.to_frame())
    with pytest.raises(ValueError, match="plot_ab_test"):
        plot_ab_test(r.drop("p_value"))


def test_funnel_explorer_filters_device_and_channel():
    events, sessions = tiny_shop()
    ev_before, s_before = events.copy(), sessions.copy()
    fig, ax = plt.subplots()
    assert plot_funnel_explorer(events, sessions, device="app", ax=ax) is ax
    widths = [round(p.get_width()) for p in ax.patches]
    assert widths == [2, 2, 1, 0]  # sessions 1 and 3
    ax2 = plot_funnel_explorer(events, sessions, device="app", channel="social", unit="visitor")
    assert [round(p.get_width()) for p in ax2.patches][:2] == [1, 1]
    ax3 = plot_funnel_explorer(events, sessions, device="mobile_web")
    assert any("no data" in t.get_text() for t in ax3.texts)
    pd.testing.assert_frame_equal(events, ev_before)
    pd.testing.assert_frame_equal(sessions, s_before)


def test_explorer_runs_on_the_demo_shop():
    from ecomkit.datasets import load_demo_shop

    shop = load_demo_shop()
    ax = plot_funnel_explorer(shop.events, shop.sessions, device="mini_program",
                              channel="private_domain")
    counts = [p.get_width() for p in ax.patches]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0
