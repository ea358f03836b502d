"""Notebook 04_finance: runs on the demo shop, another window/base/month and another
shop, and finds the carrier price step and the paid-search CPC jump from the data."""

import numpy as np
import papermill as pm
import pytest

import ecomkit as ek
from ecomkit._schema import CHANNELS

pytestmark = pytest.mark.slow
NB = "04_finance"
ALT = {"base": "gmv", "month": "2024-06", "start": "2024-01-01", "end": "2024-11-30"}


def stderr_text(nb):
    return "".join(
        "".join(o.get("text", ""))
        for c in nb["cells"] if c["cell_type"] == "code"
        for o in c.get("outputs", []) if o.get("name") == "stderr"
    )


def story_month(shop, story_id):
    """The month a planted story starts, from the shop's own stories table."""
    row = shop.stories.set_index("id").loc[story_id]
    assert row["enabled"]
    return f"{row['start']:%Y-%m}"


@pytest.fixture(scope="module")
def demo(run_notebook):
    return run_notebook(NB)


@pytest.fixture(scope="module")
def demo_shop():
    from ecomkit.datasets import load_demo_shop

    return load_demo_shop()


# ------------------------------------------------------------------ defaults ----
def test_defaults_pnl_matches_the_library(demo, demo_shop):
    _, r = demo
    s = demo_shop
    assert r["window"] == ["2024-01-01", "2024-12-31"]
    assert r["waterfall_month"] == "2024-12"  # the last full month
    assert np.isclose(r["net_sales"],
                      ek.net_sales(s.orders, s.refunds))  # one net sales: refunded goods only
    assert np.isclose(r["gross_margin"],
                      ek.gross_margin(s.orders, s.order_items, s.refunds))
    assert np.isclose(r["contribution_margin"], ek.contribution_margin(
        s.orders, s.order_items, s.refunds, s.costs, s.marketing_spend))
    assert r["gmv"] > r["net_sales"] > r["contribution"] > 0
    assert 0 < r["contribution_margin"] < r["gross_margin"] < 1
    assert np.isclose(r["contribution"], r["contribution_margin"] * r["net_sales"])


def test_defaults_cost_ratios(demo):
    _, r = demo
    by_month = r["logistics_ratio_by_month"]
    assert list(by_month) == [f"2024-{m:02d}" for m in range(1, 13)]
    assert all(0 < v < 1 for v in by_month.values())
    assert r["ratio_base"] == "net_sales"


def test_defaults_find_the_carrier_price_step(demo, demo_shop):
    _, r = demo
    assert r["carrier_jump_month"] == story_month(demo_shop, "carrier_price_increase")
    assert r["carrier_jump_month"] == "2024-10"
    assert 1.15 < r["carrier_jump_ratio"] < 1.5  # the carrier raised prices by ~30 %
    # the logistics ratio is higher after the step than before it
    ratios = r["logistics_ratio_by_month"]
    before = np.mean([v for k, v in ratios.items() if k < "2024-10"])
    after = np.mean([v for k, v in ratios.items() if k >= "2024-10"])
    assert after > 1.1 * before


def test_defaults_roas_is_not_roi(demo):
    _, r = demo
    roas, roi, cac = r["roas_by_channel"], r["roi_by_channel"], r["cac_by_channel"]
    assert set(roas) == set(roi) == set(cac)
    assert set(roas) <= set(CHANNELS) and "paid_search" in roas
    assert "direct" not in roas  # no spend, no ROAS
    for ch in roas:
        assert roas[ch] > 0 and cac[ch] > 0
        assert roi[ch] < roas[ch] - 1  # ROI subtracts the cost of the goods first


def test_defaults_find_the_cpc_jump(demo, demo_shop):
    _, r = demo
    assert r["cpc_jump_channel"] == "paid_search"
    assert r["cpc_jump_month"] == story_month(demo_shop, "cpc_inflation") == "2024-09"
    assert 0.4 < r["cpc_jump"] < 1.2  # CPC rose by ~70 %
    assert r["cpc_jump_roas_after"] < 0.8 * r["cpc_jump_roas_before"]


def test_defaults_unit_economics(demo):
    _, r = demo
    assert r["break_even_roas"] > 1
    assert "paid_search" in r["below_break_even"]
    assert set(r["ltv_cac_by_channel"]) <= set(r["roas_by_channel"])
    assert all(v > 0 for v in r["ltv_cac_by_channel"].values())
    assert all(v > 0 for v in r["payback_months_by_channel"].values())


def test_defaults_fulfilment(demo, demo_shop):
    _, r = demo
    assert 0.5 < r["ship_within_48h"] <= 1
    assert np.isclose(r["ship_within_48h"], ek.ship_within_rate(demo_shop.orders))
    assert 1 < r["delivery_days"] < 10
    assert 0 <= r["ontime_refund_rate"] <= 1 and 0 <= r["late_refund_rate"] <= 1
    assert 0 < r["late_delivery_refund_share"] < 1


def test_no_warnings_in_the_output(demo):
    nb, _ = demo
    text = stderr_text(nb)
    assert "Glyph" not in text and "Warning" not in text, text[:500]


# ------------------------------------------- another window, base and month ----
def test_gmv_base_other_month_shorter_window(run_notebook, demo):
    _, r = run_notebook(NB, ALT)
    _, full = demo
    assert r["window"] == ["2024-01-01", "2024-11-30"]
    assert r["waterfall_month"] == "2024-06"
    assert r["ratio_base"] == "gmv"
    assert list(r["logistics_ratio_by_month"]) == [f"2024-{m:02d}"
                                                   for m in range(1, 12)]
    for month, v in r["logistics_ratio_by_month"].items():
        assert 0 < v < full["logistics_ratio_by_month"][month]  # GMV > net sales
    assert r["net_sales"] < full["net_sales"]
    assert r["carrier_jump_month"] == "2024-10"
    assert (r["cpc_jump_channel"], r["cpc_jump_month"]) == ("paid_search", "2024-09")
    assert 0 <= r["ontime_refund_rate"] <= 1 and 0 <= r["late_refund_rate"] <= 1


# --------------------------------------------------------------- another shop ----
def test_another_shop_finds_its_own_story_months(run_notebook, other_shop_dir):
    from ecomkit.datasets import read_shop

    nb, r = run_notebook(NB, {"data_dir": other_shop_dir})
    other = read_shop(other_shop_dir)
    assert r["window"][0].startswith("2023-03") and r["window"][1].startswith("2023-12")
    assert r["carrier_jump_month"] == story_month(other, "carrier_price_increase")
    assert r["cpc_jump_channel"] == "paid_search"
    assert r["cpc_jump_month"] == story_month(other, "cpc_inflation")
    assert r["carrier_jump_month"] != "2024-10"  # not the demo's dates
    assert len(r["logistics_ratio_by_month"]) == 10
    assert 0 < r["contribution_margin"] < r["gross_margin"] < 1
    assert 0 <= r["ship_within_48h"] <= 1
    assert 0 <= r["ontime_refund_rate"] <= 1 and 0 <= r["late_refund_rate"] <= 1
    assert r["break_even_roas"] > 1
    assert "Glyph" not in stderr_text(nb)


# ----------------------------------------------------- a shop without costs ----
@pytest.fixture(scope="module")
def shop_without_costs(other_shop_dir, tmp_path_factory):
    import pathlib
    import shutil

    folder = tmp_path_factory.mktemp("shop_without_costs")
    for f in pathlib.Path(other_shop_dir).iterdir():
        if not f.name.startswith("costs."):
            shutil.copy(f, folder / f.name)
    return str(folder)


def test_a_shop_without_costs_skips_the_pnl_but_finds_the_stories(run_notebook,
                                                                  shop_without_costs):
    from ecomkit.datasets import read_shop

    nb, r = run_notebook(NB, {"data_dir": shop_without_costs})
    text = "".join("".join(o.get("text", "")) for c in nb["cells"]
                   for o in c.get("outputs", []) if o.get("name") == "stdout")
    assert "this shop has no `costs` table" in text
    assert "net_sales" not in r and "break_even_roas" not in r  # skipped sections
    other = read_shop(shop_without_costs)
    assert r["carrier_jump_month"] == story_month(other, "carrier_price_increase")
    assert r["cpc_jump_month"] == story_month(other, "cpc_inflation")
    assert 0 <= r["ship_within_48h"] <= 1


# ------------------------------------------------------------ bad parameters ----
@pytest.mark.parametrize("params, name", [
    ({"base": "revenue"}, "base"),
    ({"base": 7}, "base"),
    ({"month": "2023-05"}, "month"),  # outside the demo's window
    ({"start": "2024-13-01"}, "start"),
])
def test_bad_parameter_fails_with_the_validator_message(run_notebook, params, name):
    with pytest.raises(pm.PapermillExecutionError,
                       match=f"notebook 04_finance: parameter `{name}`"):
        run_notebook(NB, params)
