"""Notebook 02_conversion: funnels, the checkout-failure hunt, pre-heat vs burst,
conversion-rate 口径, cart abandonment and an A/B comparison."""

import math

import papermill as pm
import pytest

pytestmark = pytest.mark.slow

NB = "02_conversion"
ALT = {"unit": "visitor", "device": "app", "start": "2024-05-01", "end": "2024-09-30"}


@pytest.fixture(scope="module")
def demo_stories():
    from ecomkit.datasets import load_demo_shop

    return load_demo_shop().stories.set_index("id")


@pytest.fixture(scope="module")
def default(run_notebook):
    return run_notebook(NB)[1]


@pytest.fixture(scope="module")
def alt(run_notebook):
    return run_notebook(NB, ALT)[1]


@pytest.fixture(scope="module")
def other(run_notebook, other_shop_dir):
    return run_notebook(NB, {"data_dir": other_shop_dir})[1]


def is_rate(x):
    return isinstance(x, float) and 0.0 <= x <= 1.0


def check_common(r):
    counts = r["funnel_counts"]
    assert len(counts) == 4 and all(isinstance(c, int) for c in counts)
    assert counts == sorted(counts, reverse=True) and counts[-1] > 0
    assert all(o >= c for o, c in zip(r["funnel_open_counts"], counts, strict=True))
    for name in ("pay_conversion", "session_conversion", "order_placement_conversion",
                 "cart_abandonment", "checkout_abandonment", "preheat_cart_rate",
                 "burst_cart_rate", "preheat_pay_per_cart", "burst_pay_per_cart"):
        assert is_rate(r[name]), name
    assert r["order_conversion"] >= 0  # the wrong-denominator 口径 may exceed 1
    assert r["order_placement_conversion"] >= r["pay_conversion"]
    assert 0.0 <= r["ab_p_value"] <= 1.0


def test_defaults_record_the_promised_results(default):
    check_common(default)
    assert default["funnel_counts"] == [17923, 4205, 1641, 1358]
    assert default["pay_conversion"] == pytest.approx(0.129)
    assert default["session_conversion"] < default["pay_conversion"]
    assert default["buy_now_units"] > 0 and default["cart_without_view_units"] > 0
    assert default["funnel_visitor_overall"] > default["funnel_session_overall"]


def test_defaults_find_the_checkout_failure(default, demo_stories):
    truth = demo_stories.loc["checkout_failure"]
    assert default["checkout_failure_device"] == "mini_program"
    assert default["checkout_failure_start"] == f"{truth['start']:%Y-%m-%d}"  # 2024-07-29
    assert default["checkout_failure_end"] == "2024-08-19"  # Monday of the last affected week
    assert default["checkout_failure_last_day"] < f"{truth['end']:%Y-%m-%d}"
    assert default["checkout_failure_weeks"] == 4
    assert default["checkout_failure_rate_drop"] > 0.5
    assert default["checkout_failure_worst_week"]["device"] == "mini_program"


def test_defaults_show_preheat_then_burst(default):
    assert default["mega_sales"] and len(default["mega_sales"]) == 2
    assert default["preheat_cart_rate"] > default["baseline_cart_rate"]
    assert default["preheat_favourite_rate"] > default["baseline_favourite_rate"]
    assert default["preheat_pay_per_cart"] < 0.5 * default["burst_pay_per_cart"]


def test_defaults_ab_test(default):
    assert default["ab_groups"] == ["app", "mini_program"]
    assert default["ab_p_value"] < 1e-6 and default["ab_diff"] < -0.5
    assert default["ab_p_value_before"] > 0.05


def test_another_window_unit_and_device(alt, default):
    check_common(alt)
    # the funnel sections follow the device and unit ...
    assert alt["funnel_counts"][0] < default["funnel_counts"][0]
    assert alt["pay_conversion"] != default["pay_conversion"]
    # ... the failure hunt compares all devices, inside the window
    assert alt["checkout_failure_device"] == "mini_program"
    assert alt["checkout_failure_start"] == "2024-07-29"
    assert len(alt["mega_sales"]) == 1  # only 618 starts in May..September


def test_other_shop_finds_its_own_failure(other, other_shop_dir):
    from ecomkit.datasets import read_shop

    check_common(other)
    truth = read_shop(other_shop_dir, tables=["campaigns"]).stories.set_index("id").loc["checkout_failure"]
    assert other["checkout_failure_device"] == "mini_program"
    assert other["checkout_failure_start"] == f"{truth['start']:%Y-%m-%d}"
    assert other["checkout_failure_start"].startswith("2023")
    assert other["checkout_failure_last_day"] < f"{truth['end']:%Y-%m-%d}"
    assert other["checkout_failure_rate_drop"] > 0.4
    assert not math.isnan(other["ab_p_value"]) and other["ab_p_value"] < 0.01


def test_bad_parameter_fails_with_the_validators_message(run_notebook):
    with pytest.raises(pm.PapermillExecutionError, match="notebook 02_conversion: parameter `device`"):
        run_notebook(NB, {"device": 7})
