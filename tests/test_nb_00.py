"""Notebook 00_start_here: runs on the demo shop, another window and another shop."""

import numpy as np
import papermill as pm
import pytest

import ecomkit
from ecomkit._schema import TABLE_NAMES

pytestmark = pytest.mark.slow
NB = "00_start_here"


def stderr_text(nb):
    return "".join(
        "".join(o.get("text", ""))
        for c in nb["cells"] if c["cell_type"] == "code"
        for o in c.get("outputs", []) if o.get("name") == "stderr"
    )


@pytest.fixture(scope="module")
def demo(run_notebook):
    return run_notebook(NB)


def test_defaults_record_the_sales_identity(demo):
    nb, r = demo
    assert r["identity_holds"] is True
    assert r["uv"] > 0 and r["paying_buyers"] > 0
    assert 0 < r["pay_conversion"] < 1
    assert r["revenue_per_buyer"] > 0
    assert np.isclose(r["uv"] * r["pay_conversion"] * r["revenue_per_buyer"], r["paid_amount"])
    assert np.isclose(r["pay_conversion"], r["paying_buyers"] / r["uv"])


def test_defaults_match_the_library(demo):
    from ecomkit.datasets import load_demo_shop

    _, r = demo
    shop = load_demo_shop()
    row = ecomkit.sales_identity(shop.orders, shop.sessions).iloc[0]
    assert r["uv"] == row["uv"]
    assert np.isclose(r["paid_amount"], row["paid_amount"])
    assert np.isclose(r["gmv"], ecomkit.gmv(shop.orders))
    assert np.isclose(r["net_sales"], ecomkit.net_sales(shop.orders, shop.refunds))


def test_defaults_revenue_bases_and_bridge(demo):
    _, r = demo
    assert r["gmv"] >= r["paid_amount"] >= r["net_sales"] > 0
    b = r["revenue_bridge"]
    assert np.isclose(b["GMV"] + b["unpaid & cancelled"] + b["paid-date timing"], b["Paid amount"])
    assert np.isclose(b["Paid amount"] + b["shipping fees"] + b["refunds (goods)"], b["Net sales"])
    assert np.isclose(b["Net sales"], r["net_sales"], atol=0.01)


def test_defaults_tour_and_glossary(demo):
    _, r = demo
    assert r["tables"] == list(TABLE_NAMES)
    assert set(r["table_rows"]) == set(TABLE_NAMES)
    assert all(n > 0 for n in r["table_rows"].values())
    g = ecomkit.glossary()
    assert r["n_metrics"] == len(g) == r["n_metrics_selected"]
    assert sum(r["metrics_per_family"].values()) == r["n_metrics"]
    assert r["window"] == {"start": "2024-01-01", "end": "2024-12-31"}


def test_no_warnings_in_the_output(demo):
    nb, _ = demo
    text = stderr_text(nb)
    assert "Glyph" not in text and "Warning" not in text, text[:500]


def test_another_window_and_family(run_notebook):
    _, r = run_notebook(NB, {"family": "sales", "start": "2024-11-01", "end": "2024-11-30"})
    assert r["identity_holds"] is True
    assert r["window"] == {"start": "2024-11-01", "end": "2024-11-30"}
    g = ecomkit.glossary(family="sales")
    assert r["n_metrics_selected"] == len(g)
    assert r["n_metrics"] == len(ecomkit.glossary())
    assert 0 < r["pay_conversion"] < 1
    assert r["gmv"] >= r["paid_amount"]


def test_another_shop(run_notebook, other_shop_dir):
    nb, r = run_notebook(NB, {"data_dir": other_shop_dir})
    assert r["identity_holds"] is True
    assert r["window"]["start"].startswith("2023-03")
    assert r["window"]["end"].startswith("2023-12")
    assert set(r["tables"]) <= set(TABLE_NAMES) and "orders" in r["tables"]
    assert 0 < r["pay_conversion"] < 1
    assert r["gmv"] >= r["paid_amount"] >= r["net_sales"]
    assert "Glyph" not in stderr_text(nb)


def test_bad_parameter_fails_with_the_validator_message(run_notebook):
    with pytest.raises(pm.PapermillExecutionError,
                       match="notebook 00_start_here: parameter `family`"):
        run_notebook(NB, {"family": 7})
