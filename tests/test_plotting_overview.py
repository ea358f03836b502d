"""Charts of the overview notebook (ecomkit.plotting._overview)."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

import ecomkit
from ecomkit.plotting import (
    glossary_table,
    plot_data_window,
    plot_family_counts,
    plot_identity_tree,
    plot_metric_map,
    plot_revenue_bases,
    plot_revenue_bridge,
    plot_table_map,
    plot_table_sizes,
)


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


@pytest.fixture(scope="module")
def glossary():
    return ecomkit.glossary()


def identity_row():
    orders = pd.DataFrame({
        "customer_id": [1, 1, 2],
        "paid_ts": pd.to_datetime(["2024-01-01"] * 3),
        "paid_amount": [100.0, 50.0, 90.0],
    })
    sessions = pd.DataFrame({"visitor_id": [1, 2, 3, 4],
                             "start_ts": pd.to_datetime(["2024-01-01"] * 4)})
    return ecomkit.sales_identity(orders, sessions)


def texts(ax):
    return " ".join(t.get_text() for t in ax.texts)


# ---------------------------------------------------------------- metric map --
def test_metric_map_draws_every_family_with_counts(ax, glossary):
    before = glossary.copy()
    out = plot_metric_map(glossary, highlight="traffic", ax=ax)
    assert out is ax
    text = texts(ax)
    for fam, n in glossary["family"].value_counts().items():
        assert f"{n} metric" in text, fam
    for name in ("Traffic", "Conversion", "Sales", "Members", "Finance", "Products", "Market",
                 "Campaigns"):
        assert name in text
    pd.testing.assert_frame_equal(glossary, before)


def test_metric_map_without_data_and_bad_highlight(ax):
    plot_metric_map(ax=ax)
    assert "metric" not in texts(ax)
    with pytest.raises(ValueError, match="unknown family"):
        plot_metric_map(highlight="nope", ax=ax)
    with pytest.raises(ValueError, match="family"):
        plot_metric_map(pd.DataFrame({"x": [1]}), ax=ax)


def test_metric_map_without_ax_makes_a_figure():
    out = plot_metric_map()
    assert isinstance(out, Axes)
    plt.close(out.figure)


# ------------------------------------------------------------- identity tree --
def test_identity_tree_shows_the_numbers(ax):
    row = identity_row()
    before = row.copy()
    out = plot_identity_tree(row, ax=ax)
    assert out is ax
    text = texts(ax)
    assert "240.00" in text and "50.00%" in text and "120.00" in text and "4" in text
    pd.testing.assert_frame_equal(row, before)


def test_identity_tree_accepts_a_series_and_refuses_several_rows(ax):
    row = identity_row()
    plot_identity_tree(row.iloc[0], ax=ax)
    with pytest.raises(ValueError, match="one row"):
        plot_identity_tree(pd.concat([row, row]), ax=ax)
    with pytest.raises(ValueError, match="needs the fields"):
        plot_identity_tree({"uv": 3}, ax=ax)


def test_identity_tree_with_no_buyers_says_na(ax):
    row = {"uv": 10, "paying_buyers": 0, "pay_conversion": 0.0,
           "revenue_per_buyer": np.nan, "paid_amount": 0.0}
    plot_identity_tree(row, ax=ax)
    assert "n/a" in texts(ax)


# ------------------------------------------------------------------- tables --
def sizes():
    return pd.DataFrame({"table": ["orders", "customers", "market"], "rows": [10, 4, np.nan]})


def test_table_sizes_skips_missing_tables(ax):
    d = sizes()
    before = d.copy()
    out = plot_table_sizes(d, ax=ax)
    assert out is ax
    assert [t.get_text() for t in ax.get_yticklabels()] == ["orders", "customers"]
    assert ax.get_xscale() == "log"
    pd.testing.assert_frame_equal(d, before)


def test_table_sizes_empty_and_bad_input(ax):
    plot_table_sizes(pd.DataFrame({"table": [], "rows": []}), ax=ax)
    assert "no tables" in texts(ax)
    with pytest.raises(ValueError, match="columns"):
        plot_table_sizes(pd.DataFrame({"name": ["x"]}), ax=ax)


def test_table_map_boxes_arrows_and_missing_tables(ax):
    rel = pd.DataFrame({"table": ["orders"], "column": ["customer_id"], "parent": ["customers"]})
    out = plot_table_map(sizes(), relations=rel, ax=ax)
    assert out is ax
    text = texts(ax)
    assert "orders\n10 rows" in text and "market\n(missing)" in text
    assert len(ax.patches) == 4  # three boxes, one arrow


def test_table_map_places_unknown_tables(ax):
    d = pd.DataFrame({"table": ["orders", "my_extra_table"], "rows": [3, 5]})
    plot_table_map(d, ax=ax)
    assert "my_extra_table" in texts(ax)
    with pytest.raises(ValueError, match="columns"):
        plot_table_map(pd.DataFrame({"x": [1]}), ax=ax)


# ----------------------------------------------------------------- glossary --
def test_glossary_table_filters(glossary):
    assert len(glossary_table("all")) == len(glossary)
    sales = glossary_table("sales")
    assert set(sales["family"]) == {"sales"}
    assert len(sales) == (glossary["family"] == "sales").sum()
    hit = glossary_table("all", search="客单价")
    assert "revenue_per_buyer" in set(hit["id"])
    assert glossary_table("all", search="no such metric anywhere").empty
    assert list(glossary_table("traffic", columns=("id", "name_zh")).columns) == ["id", "name_zh"]


def test_glossary_table_uses_given_data_without_changing_it(glossary):
    g = glossary.head(5).copy()
    before = g.copy()
    out = glossary_table(g["family"].iloc[0], data=g)
    assert len(out) <= 5
    pd.testing.assert_frame_equal(g, before)
    with pytest.raises(ValueError, match="unknown family"):
        glossary_table("nope")


def test_family_counts_in_catalog_order(ax, glossary):
    out = plot_family_counts(glossary, highlight="sales", ax=ax)
    assert out is ax
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[:3] == ["traffic", "conversion", "sales"]
    assert len(ax.patches) == glossary["family"].nunique()


def test_family_counts_empty_and_bad(ax):
    plot_family_counts(pd.DataFrame({"family": []}), ax=ax)
    assert "no metrics" in texts(ax)
    with pytest.raises(ValueError, match="family"):
        plot_family_counts(pd.DataFrame({"x": [1]}), ax=ax)


# ------------------------------------------------------------ revenue bases --
def test_revenue_bases_in_basis_order(ax):
    data = pd.Series({"net_sales": 85.0, "gmv": 120.0, "paid_amount": 100.0})
    before = data.copy()
    out = plot_revenue_bases(data, ax=ax)
    assert out is ax
    assert [round(p.get_height()) for p in ax.patches] == [120, 100, 85]
    pd.testing.assert_series_equal(data, before)
    with pytest.raises(ValueError, match="empty"):
        plot_revenue_bases({}, ax=ax)


def test_revenue_bridge_floats_the_steps(ax):
    steps = pd.DataFrame({"step": ["GMV", "unpaid", "Paid", "refunds", "Net"],
                          "amount": [120.0, -20.0, 100.0, -15.0, 85.0],
                          "total": [True, False, True, False, True]})
    before = steps.copy()
    out = plot_revenue_bridge(steps, ax=ax)
    assert out is ax
    bars = ax.patches
    assert len(bars) == 5
    assert bars[1].get_y() == pytest.approx(100) and bars[1].get_height() == pytest.approx(20)
    assert bars[3].get_y() == pytest.approx(85) and bars[3].get_height() == pytest.approx(15)
    pd.testing.assert_frame_equal(steps, before)
    with pytest.raises(ValueError, match="step"):
        plot_revenue_bridge(pd.DataFrame({"step": [], "amount": [], "total": []}), ax=ax)


# ------------------------------------------------------------------- window --
def test_data_window_shades_the_window(ax):
    d = pd.DataFrame({"period": pd.date_range("2024-01-01", periods=6, freq="W-MON"),
                      "paid_amount": [1.0, 2, 3, 2, 1, 4]})
    before = d.copy()
    out = plot_data_window(d, start="2024-01-08", end="2024-01-21", ax=ax)
    assert out is ax
    assert len(ax.patches) == 1
    pd.testing.assert_frame_equal(d, before)


def test_data_window_empty_and_bad(ax):
    plot_data_window(pd.DataFrame({"period": pd.to_datetime([]), "paid_amount": []}), ax=ax)
    assert "no data" in texts(ax)
    with pytest.raises(ValueError, match="lacks the column"):
        plot_data_window(pd.DataFrame({"period": []}), ax=ax)
