"""Charts of the products notebook: they draw on the given Axes, return it, handle
empty frames, reject bad input clearly and never modify their input."""

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

import ecomkit as ek
from ecomkit.plotting import (
    plot_category_bars,
    plot_hot_items,
    plot_pareto,
    plot_refund_reasons,
    plot_stockout_heatmap,
)

matplotlib.use("Agg")


def new_ax():
    return Figure().subplots()


def abc():
    return pd.DataFrame({
        "product_id": [1, 2, 3, 4, 5],
        "paid_amount": [70.0, 20.0, 6.0, 4.0, 0.0],
        "share": [0.7, 0.2, 0.06, 0.04, 0.0],
        "cumulative_share": [0.7, 0.9, 0.96, 1.0, 1.0],
        "abc_class": pd.Categorical(["A", "A", "B", "C", "C"],
                                    categories=["A", "B", "C"], ordered=True),
    })


def hot():
    return pd.DataFrame({"product_id": [1, 2, 3, 4],
                         "category": ["shoes"] * 2 + ["food"] * 2,
                         "paid_amount": [90.0, 50.0, 10.0, 3.0],
                         "is_hot": [True, False, True, False]})


def bars():
    return pd.DataFrame({"category": ["apparel", "shoes", "food"],
                         "order_refund_rate": [0.21, 0.09, np.nan]})


def inventory():
    return pd.DataFrame({
        "date": pd.to_datetime(["2024-01-30", "2024-01-31", "2024-02-01"] * 2),
        "product_id": [1, 1, 1, 2, 2, 2],
        "on_hand_units": [5, 0, 0, 0, 3, 3],
        "received_units": [0, 0, 0, 0, 3, 0],
    })


def reasons():
    return pd.DataFrame({"category": ["apparel", "apparel", "shoes"],
                         "reason": ["size_fit", "quality", "quality"],
                         "refunds": [8, 2, 3]})


CASES = [
    (plot_pareto, abc, {}),
    (plot_pareto, abc, {"thresholds": (0.7, 0.95)}),
    (plot_hot_items, hot, {}),
    (plot_category_bars, bars, {"value": "order_refund_rate", "highlight": "apparel",
                                "percent": True, "ref": 0.1, "ref_label": "others"}),
    (plot_stockout_heatmap, inventory, {"products": [1, 2]}),
    (plot_refund_reasons, reasons, {"highlight": "apparel"}),
]
IDS = [f"{f.__name__}-{i}" for i, (f, _, _) in enumerate(CASES)]


@pytest.mark.parametrize("func, make, kwargs", CASES, ids=IDS)
def test_draws_on_the_given_axes_and_returns_it(func, make, kwargs):
    ax = new_ax()
    out = func(make(), **kwargs, ax=ax)
    assert out is ax and isinstance(out, Axes)
    assert out.get_title()


@pytest.mark.parametrize("func, make, kwargs", CASES, ids=IDS)
def test_does_not_modify_its_input(func, make, kwargs):
    data = make()
    before = data.copy(deep=True)
    func(data, **kwargs, ax=new_ax())
    pd.testing.assert_frame_equal(data, before)


@pytest.mark.parametrize("func, make, kwargs", CASES, ids=IDS)
def test_empty_frame_gives_an_empty_chart(func, make, kwargs):
    ax = func(make().iloc[:0], **kwargs, ax=new_ax())
    assert isinstance(ax, Axes)
    assert any(t.get_text().startswith(("no ", "nothing")) for t in ax.texts)


@pytest.mark.parametrize("func, make, kwargs", CASES, ids=IDS)
def test_not_a_frame_is_a_clear_type_error(func, make, kwargs):
    with pytest.raises(TypeError, match=rf"{func.__name__}\(\): `data` must be"):
        func([1, 2, 3], **kwargs, ax=new_ax())


@pytest.mark.parametrize("func, make, kwargs", CASES, ids=IDS)
def test_missing_column_names_it(func, make, kwargs):
    data = make()
    col = {"plot_pareto": "cumulative_share", "plot_hot_items": "is_hot",
           "plot_category_bars": "category", "plot_stockout_heatmap": "on_hand_units",
           "plot_refund_reasons": "reason"}[func.__name__]
    with pytest.raises(ValueError, match=rf"{func.__name__}\(\).*lacks.*{col}"):
        func(data.drop(columns=col), **kwargs, ax=new_ax())


def test_pareto_bars_are_sorted_and_the_line_is_on_a_twin_axis():
    shuffled = abc().sample(frac=1, random_state=1)
    ax = plot_pareto(shuffled, ax=new_ax())
    heights = [p.get_height() for p in ax.patches]
    assert heights == sorted(heights, reverse=True)
    twins = [a for a in ax.figure.axes if a is not ax]
    assert len(twins) == 1
    assert np.allclose(twins[0].lines[0].get_ydata(), [0.7, 0.9, 0.96, 1.0, 1.0])


def test_pareto_of_a_real_abc_table():
    from ecomkit.datasets import load_demo_shop

    shop = load_demo_shop()
    table = ek.abc_classes(shop.order_items, orders=shop.orders, products=shop.products)
    ax = plot_pareto(table, ax=new_ax())
    assert len(ax.patches) == len(table)


def test_pareto_with_nothing_sold():
    none = pd.Categorical([None] * 5, categories=["A", "B", "C"])
    table = abc().assign(abc_class=none)
    ax = plot_pareto(table, ax=new_ax())
    assert any("nothing sold" in t.get_text() for t in ax.texts)


def test_category_bars_highlight_one_and_skip_nan():
    ax = plot_category_bars(bars(), value="order_refund_rate", highlight="apparel",
                            ax=new_ax())
    assert len(ax.patches) == 2
    colours = [tuple(p.get_facecolor()) for p in ax.patches]
    assert colours[0] != colours[1]


def test_stockout_heatmap_rows_follow_the_products_and_window():
    ax = plot_stockout_heatmap(inventory(), products=[2, 1], start="2024-01-31",
                               ax=new_ax())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["2", "1"]
    mesh = ax.collections[0].get_array().reshape(2, -1)
    assert mesh.shape == (2, 2)  # two days from 2024-01-31
    assert np.allclose(mesh, [[0, 0], [1, 1]])
    assert "2024-02" in [t.get_text() for t in ax.get_xticklabels()]


def test_stockout_heatmap_unknown_products():
    ax = plot_stockout_heatmap(inventory(), products=[99], ax=new_ax())
    assert any("no inventory rows" in t.get_text() for t in ax.texts)


def test_refund_reasons_rows_sum_to_one_and_bold_the_highlight():
    ax = plot_refund_reasons(reasons(), highlight="apparel", ax=new_ax())
    values = ax.collections[0].get_array().reshape(2, 2)
    assert np.allclose(np.nansum(values, axis=1), 1.0)
    bold = [t.get_text() for t in ax.get_yticklabels() if t.get_fontweight() == "bold"]
    assert bold == ["apparel (n=10)"]


def test_new_figure_when_no_axes_given():
    import matplotlib.pyplot as plt

    ax = plot_hot_items(hot())
    assert isinstance(ax, Axes)
    plt.close(ax.figure)
