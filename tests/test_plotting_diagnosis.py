"""Charts of the GMV diagnosis notebook (ecomkit.plotting._diagnosis)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

import ecomkit  # noqa: E402
from ecomkit.plotting import (  # noqa: E402
    factor_label,
    plot_factor_change,
    plot_order_dependence,
    plot_period_series,
    plot_segment_contributions,
    plot_waterfall,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


BASE = {"uv": 1000, "pay_conversion": 0.05, "revenue_per_buyer": 200}
CURRENT = {"uv": 1100, "pay_conversion": 0.04, "revenue_per_buyer": 190}


def decomposition():
    return ecomkit.decompose_change(BASE, CURRENT)


def series_frame():
    return pd.DataFrame({"period": pd.date_range("2024-07-01", periods=8, freq="7D"),
                         "paid_amount": [900.0, 950, 920, 940, 700, 650, 720, 690]})


def segment_frame():
    return pd.DataFrame({"device": ["app"] * 3 + ["mini_program"] * 3,
                         "factor": ["uv", "pay_conversion", "revenue_per_buyer"] * 2,
                         "contribution": [50.0, 20.0, -10.0, 10.0, -300.0, 5.0]})


def orders_frame():
    rows = []
    for order in (["uv", "pay_conversion", "revenue_per_buyer"],
                  ["pay_conversion", "uv", "revenue_per_buyer"]):
        r = ecomkit.decompose_change(BASE, CURRENT, method="sequential", order=order)
        rows.append(r[["factor", "contribution"]].assign(order=" → ".join(order)))
    return pd.concat(rows, ignore_index=True)


CASES = [
    (plot_period_series, series_frame, {}),
    (plot_factor_change, decomposition, {}),
    (plot_waterfall, decomposition, {"base_value": 10000.0, "current_value": 8360.0}),
    (plot_segment_contributions, segment_frame, {"segment_col": "device"}),
    (plot_order_dependence, orders_frame, {}),
]
IDS = [c[0].__name__ for c in CASES]


@pytest.mark.parametrize(("func", "make", "kw"), CASES, ids=IDS)
def test_returns_the_given_axes(func, make, kw):
    fig, ax = plt.subplots()
    assert func(make(), **kw, ax=ax) is ax
    assert ax.get_title()


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
    assert any("no data" in t.get_text() for t in ax.texts)


@pytest.mark.parametrize(("func", "make", "kw"), CASES, ids=IDS)
def test_missing_column_is_a_clear_error(func, make, kw):
    data = make()
    col = {"plot_period_series": "paid_amount", "plot_factor_change": "current"}.get(
        func.__name__, "contribution")
    with pytest.raises(ValueError, match=rf"{func.__name__}\(\).*{col}"):
        func(data.drop(columns=col), **kw)


def test_not_a_frame_is_a_type_error():
    with pytest.raises(TypeError, match="plot_waterfall"):
        plot_waterfall({"uv": 1.0}, base_value=1.0, current_value=2.0)


def test_factor_label():
    assert factor_label("uv").startswith("Visitors")
    assert factor_label("mix").startswith("Mix")
    assert factor_label("something") == "something"


def test_waterfall_bars_add_up():
    res = decomposition()
    v0 = float(np.prod(list(BASE.values())))
    v1 = float(np.prod(list(CURRENT.values())))
    ax = plot_waterfall(res, base_value=v0, current_value=v1)
    bars = ax.patches
    assert len(bars) == 5
    # the last factor bar ends where the current GMV bar ends
    last = bars[3]
    ends = {last.get_y(), last.get_y() + last.get_height()}
    assert any(np.isclose(e, v1) for e in ends)
    assert "residual" not in ax.get_title()
    texts = [t.get_text() for t in ax.texts]
    assert texts[0] == f"{v0:,.0f}" and texts[-1] == f"{v1:,.0f}"


def test_waterfall_warns_about_a_residual():
    ax = plot_waterfall(decomposition(), base_value=10000.0, current_value=5000.0)
    assert "residual" in ax.get_title()


def test_factor_change_labels():
    ax = plot_factor_change(decomposition())
    assert [t.get_text() for t in ax.texts] == ["+10.0%", "-20.0%", "-5.0%"]


def test_segment_heatmap_frames_the_worst_cell():
    ax = plot_segment_contributions(segment_frame(), segment_col="device")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["app", "mini_program"]
    frames = [p for p in ax.patches if not p.get_fill()]
    assert len(frames) == 1 and frames[0].get_xy() == (1, 1)  # mini_program × conversion
    assert "-300" in [t.get_text() for t in ax.texts]


def test_order_dependence_one_bar_per_order_and_factor():
    ax = plot_order_dependence(orders_frame())
    assert len([p for p in ax.patches if p.get_width() != 0]) == 6


def test_period_series_shades_both_periods():
    ax = plot_period_series(series_frame(), base=("2024-07-01", "2024-07-28"),
                            current=("2024-07-29", "2024-08-25"))
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0].startswith("base") and legend[1].startswith("current")
