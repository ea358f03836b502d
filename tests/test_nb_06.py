"""06_campaigns_and_private_domain: runs with its defaults, one campaign and a
short baseline, and another shop; finds the private-domain launch, the win-back
gap and the contacts' repurchase gap."""

import papermill as pm
import pytest

pytestmark = pytest.mark.slow

NB = "06_campaigns_and_private_domain"
DOUBLE_11 = "双11 全球狂欢节"  # a campaign name of make_shop's calendar (every year)
ALTERNATIVE = {"baseline_days": 14, "campaign": DOUBLE_11}
PROMISED = ["mega_sales", "uplift", "best_campaign", "redemption_rates", "coupon_cost_total",
            "win_back_rate_with_coupon", "win_back_rate_without", "private_domain_launch_month",
            "contact_repurchase", "noncontact_repurchase", "pd_funnel"]
STEPS = {"引流", "承接", "转化", "复购"}


@pytest.fixture(scope="module")
def defaults(run_notebook):
    return run_notebook(NB)[1]


@pytest.fixture(scope="module")
def alternative(run_notebook):
    return run_notebook(NB, ALTERNATIVE)[1]


@pytest.fixture(scope="module")
def other_shop(run_notebook, other_shop_dir):
    return run_notebook(NB, {"data_dir": other_shop_dir})[1]


def is_rate(x):
    return x is not None and 0 <= x <= 1


def check_sane(r):
    assert DOUBLE_11 in r["mega_sales"] and "618 年中大促" in r["mega_sales"]
    assert set(r["mega_sales"]) <= set(r["uplift"])
    known = {k: v for k, v in r["uplift"].items() if v is not None}
    assert known and r["best_campaign"] == max(known, key=known.get)
    assert all(is_rate(v) for v in r["redemption_rates"].values())
    assert r["coupon_cost_total"] == pytest.approx(sum(r["coupon_cost_by_kind"].values()))
    assert is_rate(r["win_back_rate_with_coupon"]) and is_rate(r["win_back_rate_without"])
    assert set(r["pd_funnel"]) == STEPS and all(is_rate(v) for v in r["pd_funnel"].values())
    assert is_rate(r["contact_repurchase"]) and is_rate(r["noncontact_repurchase"])


def test_defaults_record_what_the_notebook_promises(defaults):
    missing = [k for k in PROMISED if k not in defaults]
    assert not missing
    check_sane(defaults)
    assert set(defaults["redemption_rates"]) == {"member", "new_customer", "threshold", "win_back"}


def test_mega_sales_lift_the_shop(defaults):
    for name in defaults["mega_sales"]:
        assert defaults["uplift"][name] > 1  # more than twice a normal day
    assert defaults["preheat_favorites_lift"] > 1.3  # pre-heat fills the reservoir


def test_uplift_without_an_observed_baseline_is_left_out(defaults):
    # the January member day's baseline lies before the first day of the data
    assert defaults["uplift"]["会员日 2024-01"] is None


def test_win_back_coupon_beats_no_coupon(defaults):
    assert defaults["win_back_rate_with_coupon"] > defaults["win_back_rate_without"]


def test_finds_the_private_domain_launch_and_gap(defaults):
    assert defaults["private_domain_launch_month"] == "2024-07"
    assert defaults["contact_repurchase"] > defaults["noncontact_repurchase"]
    # the selection check: future contacts already bought more before the launch
    assert defaults["future_contact_pre_rate"] > defaults["never_contact_pre_rate"]


def test_finds_the_acquisition_push(defaults):
    assert defaults["acquisition_peak_month"] == "2024-04"
    assert set(defaults["acquisition_peak_channels"]) == {"social", "live_stream"}


def test_one_campaign_and_a_short_baseline(alternative, defaults):
    check_sane(alternative)
    assert alternative["uplift"][DOUBLE_11] != defaults["uplift"][DOUBLE_11]
    assert alternative["private_domain_launch_month"] == "2024-07"


def test_runs_on_another_shop(other_shop):
    check_sane(other_shop)
    assert other_shop["private_domain_launch_month"].startswith("2023-")


@pytest.mark.parametrize(("params", "name"), [({"baseline_days": 0}, "baseline_days"),
                                              ({"campaign": "no such sale"}, "campaign")])
def test_a_bad_parameter_fails_with_the_validator_message(run_notebook, params, name):
    with pytest.raises(pm.PapermillExecutionError,
                       match=f"notebook 06_campaigns_and_private_domain: parameter `{name}`"):
        run_notebook(NB, params)
