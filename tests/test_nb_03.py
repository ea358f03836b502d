"""03_members: runs with its defaults, another window and segment, and another
shop; finds the churn-prone acquisition cohort and the private-domain gap."""

import math
import re

import papermill as pm
import pytest

pytestmark = pytest.mark.slow

NB = "03_members"
ALTERNATIVE = {"lookback_days": 365, "segment": "Champions", "start": "2024-04-01",
               "end": "2024-12-31"}
PROMISED = ["buyers", "new_buyers", "returning_buyers", "arpu", "arppu", "repurchase_rates",
            "month1_retention_mean", "churn_threshold_p90", "rfm_segment_counts",
            "bgnbd_params", "mean_p_alive", "churn_cohort", "churn_cohort_repurchase",
            "other_cohorts_repurchase", "contact_repurchase", "noncontact_repurchase"]
METHODS = {"customers", "orders", "n_day", "next_period", "shopify", "rolling"}


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
    """What must hold on any shop and window."""
    assert r["buyers"] == r["new_buyers"] + r["returning_buyers"] + r["reactivated_buyers"]
    assert r["arppu"] >= r["arpu"] > 0
    assert set(r["repurchase_rates"]) == METHODS
    assert all(is_rate(v) for v in r["repurchase_rates"].values())
    assert is_rate(r["month1_retention_mean"])
    assert r["churn_threshold_p90"] >= r["churn_threshold_p80"] > 0
    assert sum(r["rfm_segment_counts"].values()) > 0
    assert set(r["bgnbd_params"]) == {"r", "alpha", "a", "b"}
    assert all(v > 0 for v in r["bgnbd_params"].values())
    assert is_rate(r["mean_p_alive"])
    assert r["lifecycle_identity_holds"] is True
    assert r["bgnbd_fit_seconds"] < 2.0  # BG/NBD + Gamma-Gamma stay fast
    for key in ("contact_repurchase", "noncontact_repurchase", "churn_cohort_repurchase",
                "other_cohorts_repurchase"):
        assert r.get(key) is None or is_rate(r[key])


def test_defaults_record_what_the_notebook_promises(defaults):
    missing = [k for k in PROMISED if k not in defaults]
    assert not missing
    check_sane(defaults)


def test_defaults_have_no_returning_buyers_before_the_data_starts(defaults):
    # the default window starts with the data: nobody can have bought before it
    assert defaults["returning_buyers"] == 0
    assert defaults["new_buyers"] == defaults["buyers"] > 0
    assert 0 < defaults["last_month_returning_share"] < 1


def test_repurchase_definitions_differ_as_taught(defaults):
    r = defaults["repurchase_rates"]
    assert r["shopify"] > r["customers"]  # counts orders before the window too
    assert r["rolling"] >= r["customers"]  # same window, orders instead of days


def test_finds_the_churn_prone_discount_cohort(defaults):
    assert defaults["churn_cohort"] == "2024-04"
    assert defaults["churn_cohort_repurchase"] < 0.6 * defaults["other_cohorts_repurchase"]
    # it came in big, through a heavy new-customer coupon
    assert defaults["churn_cohort_size"] > 2 * defaults["median_cohort_size"]
    assert defaults["churn_cohort_coupon_face_value"] > 2 * defaults["other_cohorts_coupon_face_value"]


def test_finds_the_private_domain_gap(defaults):
    assert defaults["pd_launch_month"] == "2024-07"
    assert defaults["contact_repurchase"] > defaults["noncontact_repurchase"]


def test_rfm_and_clv_are_consistent(defaults):
    counts = defaults["rfm_segment_counts"]
    assert sum(counts.values()) == defaults["buyers"]
    assert "segment_customers" not in defaults  # segment="all": no focus


def test_another_window_lookback_and_segment(alternative, defaults):
    check_sane(alternative)
    # history before April exists now: some buyers are returning (365-day look-back)
    assert alternative["returning_buyers"] > 0
    assert alternative["segment_customers"] == alternative["rfm_segment_counts"]["Champions"]
    assert alternative["repurchase_reference_window"][0] >= "2024-04-01"
    assert alternative["churn_cohort"] == "2024-04"


def test_runs_on_another_shop(other_shop):
    check_sane(other_shop)
    assert other_shop["pd_launch_month"].startswith("2023-")
    cohort = other_shop["churn_cohort"]
    assert cohort is None or re.fullmatch(r"2023-\d\d", cohort)
    assert not math.isnan(other_shop["mean_predicted_clv"])


def test_a_bad_parameter_fails_with_the_validator_message(run_notebook):
    with pytest.raises(pm.PapermillExecutionError,
                       match="notebook 03_members: parameter `segment`"):
        run_notebook(NB, {"segment": 7})
