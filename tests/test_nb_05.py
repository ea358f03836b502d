"""Notebook 05_products: runs on the demo shop, one category with another A threshold
and another shop, and finds the refund-prone category and its reason from the data."""

import re

import numpy as np
import papermill as pm
import pytest

import ecomkit as ek
from ecomkit._schema import PRODUCT_CATEGORIES, REFUND_REASONS

pytestmark = pytest.mark.slow
NB = "05_products"


def stderr_text(nb):
    return "".join(
        "".join(o.get("text", ""))
        for c in nb["cells"] if c["cell_type"] == "code"
        for o in c.get("outputs", []) if o.get("name") == "stderr"
    )


def refund_story(shop):
    """(category, reason) of the planted refund story, from the shop's stories table."""
    row = shop.stories.set_index("id").loc["refund_prone_category"]
    assert row["enabled"]
    category = re.search(r"category = (\w+)", row["where"]).group(1)
    reason = re.search(r"reason (\w+) dominating", row["signature"]).group(1)
    return category, reason


@pytest.fixture(scope="module")
def demo(run_notebook):
    return run_notebook(NB)


@pytest.fixture(scope="module")
def demo_shop():
    from ecomkit.datasets import load_demo_shop

    return load_demo_shop()


# ------------------------------------------------------------------ defaults ----
def test_defaults_sales_and_abc(demo, demo_shop):
    _, r = demo
    assert r["category"] == "all"
    assert r["n_products"] == len(demo_shop.products)
    assert np.isclose(sum(r["sales_share_by_category"].values()), 1)
    assert 0 < r["a_share_of_products"] < 0.5  # a minority of products ...
    assert 0.8 <= r["a_share_of_revenue"] < 0.95  # ... makes at least 80 % of revenue
    abc = ek.abc_classes(demo_shop.order_items, orders=demo_shop.orders,
                         products=demo_shop.products)
    assert np.isclose(r["a_share_of_products"], (abc["abc_class"] == "A").mean())


def test_defaults_hot_items(demo, demo_shop):
    _, r = demo
    hot = r["hot_items"]
    assert hot and set(hot) <= set(demo_shop.products["product_id"])
    cats = demo_shop.products.set_index("product_id").loc[hot, "category"]
    assert cats.nunique() == len(PRODUCT_CATEGORIES)  # every category has its 爆款
    assert 0 < r["hot_items_revenue_share"] < 1


def test_defaults_inventory(demo):
    _, r = demo
    for key in ("sell_through_by_category", "turnover_by_category",
                "days_of_inventory_by_category"):
        assert set(r[key]) == set(PRODUCT_CATEGORIES), key
    assert all(0 <= v <= 1 for v in r["sell_through_by_category"].values())
    for cat, turns in r["turnover_by_category"].items():
        assert turns > 0
        assert np.isclose(r["days_of_inventory_by_category"][cat] * turns, 366)
    assert 0 < r["stockout_rate"] < 1
    assert r["most_stockout_products"]
    assert set(r["hot_items_out_of_stock"]) <= set(r["hot_items"])
    assert 0 < r["dynamic_sales_rate"] <= 1
    assert r["n_new_products"] > 0 and 0 <= r["new_dynamic_sales_rate"] <= 1


def test_defaults_find_the_refund_prone_category(demo, demo_shop):
    _, r = demo
    found = (r["refund_prone_category"], r["refund_prone_reason"])
    assert found == refund_story(demo_shop)
    assert r["refund_prone_category"] == "apparel"
    assert r["refund_prone_reason"] == "size_fit"
    rates = r["refund_rate_by_category"]
    assert set(rates) == set(PRODUCT_CATEGORIES)
    assert all(0 <= v <= 1 for v in rates.values())
    assert max(rates, key=rates.get) == "apparel"
    assert r["refund_prone_vs_others"] > 1.5
    assert 0.5 < r["refund_prone_reason_share"] <= 1


def test_no_warnings_in_the_output(demo):
    nb, _ = demo
    text = stderr_text(nb)
    assert "Glyph" not in text and "Warning" not in text, text[:500]


# --------------------------------------------- one category, other A threshold ----
def test_one_category_and_a_lower_a_threshold(run_notebook, demo, demo_shop):
    _, r = run_notebook(NB, {"category": "shoes", "abc_a": 0.7})
    _, full = demo
    products = demo_shop.products
    shoes = products.loc[products["category"] == "shoes", "product_id"]
    assert r["category"] == "shoes"
    assert r["n_products"] == len(shoes)
    assert r["hot_items"] and set(r["hot_items"]) <= set(shoes)
    assert 0.7 <= r["a_share_of_revenue"] < 0.95
    assert 0 < r["a_share_of_products"] < 1
    # category comparisons still cover every category, and the story is still found
    assert r["sell_through_by_category"] == pytest.approx(
        full["sell_through_by_category"])
    found = (r["refund_prone_category"], r["refund_prone_reason"])
    assert found == ("apparel", "size_fit")
    assert 0 <= r["stockout_rate"] <= 1


# --------------------------------------------------------------- another shop ----
def test_another_shop(run_notebook, other_shop_dir):
    from ecomkit.datasets import read_shop

    nb, r = run_notebook(NB, {"data_dir": other_shop_dir})
    other = read_shop(other_shop_dir)
    assert r["window"][0].startswith("2023-03") and r["window"][1].startswith("2023-12")
    assert r["n_products"] == len(other.products)
    assert (r["refund_prone_category"], r["refund_prone_reason"]) == refund_story(other)
    assert r["refund_prone_reason"] in REFUND_REASONS
    assert all(0 <= v <= 1 for v in r["refund_rate_by_category"].values())
    assert all(0 <= v <= 1 for v in r["sell_through_by_category"].values())
    assert 0 <= r["stockout_rate"] <= 1 and 0 <= r["dynamic_sales_rate"] <= 1
    assert r["a_share_of_revenue"] >= 0.8
    assert "Glyph" not in stderr_text(nb)


# ------------------------------------------------- a shop without inventory ----
@pytest.fixture(scope="module")
def shop_without_inventory(other_shop_dir, tmp_path_factory):
    import pathlib
    import shutil

    folder = tmp_path_factory.mktemp("shop_without_inventory")
    for f in pathlib.Path(other_shop_dir).iterdir():
        if not f.name.startswith("inventory."):
            shutil.copy(f, folder / f.name)
    return str(folder)


def test_a_shop_without_inventory_skips_stock_sections(run_notebook,
                                                       shop_without_inventory):
    from ecomkit.datasets import read_shop

    nb, r = run_notebook(NB, {"data_dir": shop_without_inventory})
    text = "".join("".join(o.get("text", "")) for c in nb["cells"]
                   for o in c.get("outputs", []) if o.get("name") == "stdout")
    assert "this shop has no `inventory` table" in text
    assert "stockout_rate" not in r and "sell_through_by_category" not in r
    other = read_shop(shop_without_inventory)
    assert (r["refund_prone_category"], r["refund_prone_reason"]) == refund_story(other)
    assert 0 < r["dynamic_sales_rate"] <= 1


# ------------------------------------------------------------ bad parameters ----
@pytest.mark.parametrize("params, name", [
    ({"category": "toys"}, "category"),
    ({"category": 7}, "category"),
    ({"abc_a": 0.99}, "abc_a"),
    ({"abc_a": "high"}, "abc_a"),
])
def test_bad_parameter_fails_with_the_validator_message(run_notebook, params, name):
    with pytest.raises(pm.PapermillExecutionError,
                       match=f"notebook 05_products: parameter `{name}`"):
        run_notebook(NB, params)
