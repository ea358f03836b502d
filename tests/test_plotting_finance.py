"""Charts of the finance notebook: they draw on the given Axes, return it, handle
empty frames, reject bad input clearly and never modify their input."""

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

import ecomkit as ek
from ecomkit.plotting import (
    plot_channel_heatmap,
    plot_channel_ratios,
    plot_cost_ratios,
    plot_delivery_days,
    plot_margins,
    plot_pnl_waterfall,
    plot_refund_by_delivery,
    plot_trend,
)

matplotlib.use("Agg")

MONTHS = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"])
LINES = {"gmv": 120.0, "paid_amount": 110.0, "shipping_fee": 10.0, "goods_sales": 100.0,
         "refunds": 10.0, "net_sales": 90.0, "cogs": 40.0, "gross_profit": 50.0,
         "logistics": 5.0, "warehousing": 3.0, "packaging": 1.0, "platform_fee": 4.0,
         "payment_fee": 1.0, "marketing": 10.0, "contribution": 26.0}


def new_ax():
    return Figure().subplots()


def pnl_long():
    rows = [{"period": m, "line": k, "amount": v * (i + 1)}
            for i, m in enumerate(MONTHS) for k, v in LINES.items()]
    return pd.DataFrame(rows)


def pnl_wide():
    return pd.DataFrame({"period": MONTHS, "gross_margin": [0.5, 0.48, 0.52],
                         "contribution_margin": [0.2, 0.25, 0.3]})


def ratios():
    return pd.DataFrame({"period": list(MONTHS) * 2,
                         "cost": ["logistics"] * 3 + ["marketing"] * 3,
                         "ratio": [0.02, 0.02, 0.03, 0.08, 0.07, 0.09]})


def channels():
    return pd.DataFrame({"channel": ["paid_search", "social", "direct"],
                         "roas": [2.4, 7.3, np.nan], "roi": [0.0, 2.0, np.nan]})


def heat():
    return pd.DataFrame({"period": list(MONTHS) * 2,
                         "channel": ["paid_search"] * 3 + ["social"] * 3,
                         "cpc": [3.0, 3.1, 6.0, 2.0, 2.1, 2.0]})


def by_delivery():
    return pd.DataFrame({"delivery": pd.Categorical(["on_time", "late"],
                                                    categories=["on_time", "late"]),
                         "orders": [100, 20], "refunded_orders": [9, 4],
                         "refund_rate": [0.09, 0.2]})


def distribution():
    return pd.DataFrame({"days": [2, 3, 4, 6], "orders": [5, 3, 2, 1],
                         "share": [5 / 11, 3 / 11, 2 / 11, 1 / 11]})


CASES = [
    (plot_pnl_waterfall, pnl_long, {"period": "2024-02"}),
    (plot_margins, pnl_wide, {}),
    (plot_cost_ratios, ratios, {"mark": "2024-03-01", "mark_label": "step"}),
    (plot_trend, lambda: ratios()[ratios()["cost"] == "logistics"], {"y": "ratio"}),
    (plot_trend, ratios, {"y": "ratio", "hue": "cost", "percent": True}),
    (plot_channel_ratios, channels, {"metrics": ["roas", "roi"], "ref": 2.8}),
    (plot_channel_heatmap, heat, {"value": "cpc"}),
    (plot_channel_heatmap, heat, {"value": "cpc", "relative": False}),
    (plot_refund_by_delivery, by_delivery, {}),
    (plot_delivery_days, distribution, {"late_days": 3}),
]
IDS = [f"{f.__name__}-{i}" for i, (f, _, _) in enumerate(CASES)]


@pytest.mark.parametrize("func, make, kwargs", CASES, ids=IDS)
def test_draws_on_the_given_axes_and_returns_it(func, make, kwargs):
    ax = new_ax()
    out = func(make(), **kwargs, ax=ax)
    assert out is ax and isinstance(out, Axes)
    assert out.get_title() or out.get_ylabel()
    assert out.has_data() or out.patches or out.collections or out.texts


@pytest.mark.parametrize("func, make, kwargs", CASES, ids=IDS)
def test_does_not_modify_its_input(func, make, kwargs):
    data = make()
    before = data.copy(deep=True)
    func(data, **kwargs, ax=new_ax())
    pd.testing.assert_frame_equal(data, before)


@pytest.mark.parametrize("func, make, kwargs", CASES, ids=IDS)
def test_empty_frame_gives_an_empty_chart(func, make, kwargs):
    empty = make().iloc[:0]
    ax = func(empty, **kwargs, ax=new_ax())
    assert isinstance(ax, Axes)
    assert any("no data" in t.get_text() for t in ax.texts)


@pytest.mark.parametrize("func, make, kwargs", CASES, ids=IDS)
def test_not_a_frame_is_a_clear_type_error(func, make, kwargs):
    with pytest.raises(TypeError, match=rf"{func.__name__}\(\): `data` must be"):
        func({"period": [1]}, **kwargs, ax=new_ax())


@pytest.mark.parametrize("func, make, kwargs", CASES, ids=IDS)
def test_missing_column_names_it(func, make, kwargs):
    data = make()
    col = [c for c in data.columns if c not in ("orders", "refunded_orders")][-1]
    with pytest.raises(ValueError, match=rf"{func.__name__}\(\).*lacks.*{col}"):
        func(data.drop(columns=col), **kwargs, ax=new_ax())


def test_waterfall_steps_add_up_to_the_totals():
    ax = plot_pnl_waterfall(pnl_long(), period="2024-01-01", ax=new_ax())
    bars = ax.patches
    assert len(bars) == 16
    # the last bar is the contribution, standing on zero
    assert bars[-1].get_y() == 0 and np.isclose(bars[-1].get_height(), 26.0)
    # the floating COGS bar goes from gross profit up to net sales
    cogs = bars[7]
    assert np.isclose(cogs.get_y(), 50.0) and np.isclose(cogs.get_height(), 40.0)
    assert "2024-01" in ax.get_title()


def test_waterfall_defaults_to_the_last_month_and_rejects_an_unknown_one():
    ax = plot_pnl_waterfall(pnl_long(), ax=new_ax())
    assert "2024-03" in ax.get_title()
    with pytest.raises(ValueError, match="period 2023-05 is not in `data`"):
        plot_pnl_waterfall(pnl_long(), period="2023-05", ax=new_ax())
    with pytest.raises(ValueError, match="lacks the P&L line"):
        plot_pnl_waterfall(pnl_long().query("line != 'cogs'"), ax=new_ax())


def test_waterfall_of_a_real_pnl_matches_the_table():
    from ecomkit.datasets import load_demo_shop

    shop = load_demo_shop()
    pnl = ek.pnl_table(shop.orders, shop.order_items, shop.refunds, shop.costs,
                       shop.marketing_spend, freq="M")
    ax = plot_pnl_waterfall(ek.pnl_long(pnl), period=pnl["period"].iloc[5], ax=new_ax())
    row = pnl.iloc[5]
    heights = [p.get_height() for p in ax.patches]
    assert np.isclose(heights[0], row["gmv"])
    assert np.isclose(heights[6], row["net_sales"])
    assert np.isclose(heights[-1], row["contribution"])


def test_channel_ratios_drop_channels_without_values_and_draw_the_reference():
    ax = plot_channel_ratios(channels(), metrics=["roas", "roi"], ref=2.8,
                             ref_label="break-even", ax=new_ax())
    assert [t.get_text() for t in ax.get_xticklabels()] == ["paid_search", "social"]
    assert any(np.allclose(line.get_ydata(), 2.8) for line in ax.lines)


def test_heatmap_keeps_the_channel_order_and_annotates_values():
    ax = plot_channel_heatmap(heat(), value="cpc", ax=new_ax())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["paid_search", "social"]
    assert "6.00" in [t.get_text() for t in ax.texts]


def test_delivery_days_marks_late_days_in_another_colour():
    ax = plot_delivery_days(distribution(), late_days=3, ax=new_ax())
    colours = {tuple(p.get_facecolor()) for p in ax.patches}
    assert len(colours) == 2


def test_new_figure_when_no_axes_given():
    import matplotlib.pyplot as plt

    ax = plot_margins(pnl_wide())
    assert isinstance(ax, Axes)
    plt.close(ax.figure)
