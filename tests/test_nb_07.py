"""Notebook 07_gmv_diagnosis: periods found from the data, the metric tree, LMDI
and Shapley, the drill-down by device and channel, sequential substitution."""

import papermill as pm
import pytest

pytestmark = pytest.mark.slow

NB = "07_gmv_diagnosis"
EXPLICIT = {"base_start": "2024-07-01", "base_end": "2024-07-28",
            "current_start": "2024-07-29", "current_end": "2024-08-25", "method": "shapley"}
FACTORS = {"uv", "pay_conversion", "revenue_per_buyer"}


@pytest.fixture(scope="module")
def default(run_notebook):
    return run_notebook(NB)[1]


@pytest.fixture(scope="module")
def explicit(run_notebook):
    return run_notebook(NB, EXPLICIT)[1]


@pytest.fixture(scope="module")
def other(run_notebook, other_shop_dir):
    return run_notebook(NB, {"data_dir": other_shop_dir})[1]


def check_common(r):
    assert r["delta"] == pytest.approx(r["gmv_current"] - r["gmv_base"])
    assert set(r["contributions"]) == FACTORS
    assert sum(r["contributions"].values()) == pytest.approx(r["delta"], abs=1e-6)
    assert sum(r["lmdi_contributions"].values()) == pytest.approx(r["delta"], abs=1e-6)
    assert sum(r["shapley_contributions"].values()) == pytest.approx(r["delta"], abs=1e-6)
    assert r["lmdi_sum_equals_delta"] is True
    assert r["sequential_orders_differ"] is True
    assert r["main_driver"] == min(r["contributions"], key=r["contributions"].get)
    assert sum(r["device_contributions"].values()) == pytest.approx(r["delta"], abs=1e-6)
    assert r["main_device"] == min(r["device_contributions"], key=r["device_contributions"].get)
    assert r["textbook_sequential_uv"] == pytest.approx([5000.0, 3000.0])


def test_defaults_find_the_failure_weeks_and_their_cause(default):
    check_common(default)
    # "" dates: found from the data = the 4 weeks before the checkout failure vs its 4 weeks
    assert default["base_period"] == ["2024-07-01", "2024-07-28"]
    assert default["current_period"] == ["2024-07-29", "2024-08-25"]
    assert default["gmv_current"] < default["gmv_base"]
    assert default["method"] == "lmdi"
    assert default["main_driver"] == "pay_conversion"
    assert default["main_device"] == "mini_program"
    assert default["main_device_factor"] == "pay_conversion"
    assert default["main_device_pay_step_change"] < -0.5
    # the naive rule (largest GMV fall) would have picked something else
    assert default["largest_gmv_drop_current_start"] != default["current_period"][0]


def test_explicit_periods_and_shapley(explicit, default):
    check_common(explicit)
    assert explicit["period_rule"] == "your parameters"
    assert explicit["method"] == "shapley"
    assert explicit["contributions"] == pytest.approx(explicit["shapley_contributions"])
    assert explicit["gmv_base"] == pytest.approx(default["gmv_base"])
    assert explicit["main_driver"] == "pay_conversion"
    assert explicit["main_device"] == "mini_program"


def test_other_shop_finds_its_failure_without_hard_coded_dates(other, other_shop_dir):
    from ecomkit.datasets import read_shop

    check_common(other)
    truth = read_shop(other_shop_dir, tables=["campaigns"]).stories.set_index("id").loc["checkout_failure"]
    assert other["current_period"][0] == f"{truth['start']:%Y-%m-%d}"
    assert other["current_period"][0].startswith("2023")
    assert other["main_driver"] == "pay_conversion"
    assert other["main_device"] == "mini_program"


def test_bad_method_fails_with_the_validators_message(run_notebook):
    with pytest.raises(pm.PapermillExecutionError,
                       match="notebook 07_gmv_diagnosis: parameter `method`"):
        run_notebook(NB, {"method": "sequential"})


def test_dates_must_be_given_together(run_notebook):
    with pytest.raises(pm.PapermillExecutionError, match="must be all set or all empty"):
        run_notebook(NB, {"base_start": "2024-07-01"})
