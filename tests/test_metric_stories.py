"""The planted stories of the demo shop are visible through the metric library.

tests/test_stories.py checks the generator with plain pandas; this file checks
that a trainee using ecomkit's functions on the demo shop finds each story.
"""

import pandas as pd
import pytest

import ecomkit
from ecomkit.datasets import load_demo_shop

DAY = pd.Timedelta(days=1)


@pytest.fixture(scope="module")
def shop():
    return load_demo_shop()


def story(shop, sid):
    row = shop.stories.set_index("id").loc[sid]
    return row["start"], row["end"] - DAY  # inclusive last day


def test_device_funnel_shows_the_checkout_failure(shop):
    lo, hi = story(shop, "checkout_failure")
    during = ecomkit.funnel(shop.events, sessions=shop.sessions, by="device", start=lo, end=hi)
    before = ecomkit.funnel(shop.events, sessions=shop.sessions, by="device", start=lo - 28 * DAY, end=lo - DAY)
    pay_during = during[during["step"] == "payment"].set_index("device")["step_conversion"]
    pay_before = before[before["step"] == "payment"].set_index("device")["step_conversion"]
    drop = pay_before - pay_during
    assert drop.idxmax() == "mini_program"
    assert pay_during["mini_program"] < 0.4 < 0.7 < pay_before["mini_program"]
    # the steps before checkout did not break
    cart_during = during[during["step"] == "add_to_cart"].set_index("device")["step_conversion"]
    cart_before = before[before["step"] == "add_to_cart"].set_index("device")["step_conversion"]
    assert abs(cart_during["mini_program"] - cart_before["mini_program"]) < 0.15


def test_gmv_decomposition_puts_the_failure_on_conversion(shop):
    lo, hi = story(shop, "checkout_failure")
    base, current = (lo - 28 * DAY, lo - DAY), (lo, hi)
    factors = ecomkit.gmv_change(shop.orders, shop.sessions, base=base, current=current)
    contrib = factors.set_index("factor")["contribution"]
    assert contrib.sum() < 0
    assert contrib.idxmin() == "pay_conversion"
    shapley = ecomkit.gmv_change(shop.orders, shop.sessions, base=base, current=current, method="shapley")
    assert shapley.set_index("factor")["contribution"].idxmin() == "pay_conversion"
    seg = ecomkit.gmv_change(
        shop.orders, shop.sessions, base=base, current=current, by="device", level="segment"
    )
    worst = seg.loc[seg["contribution"].idxmin()]
    assert worst["device"] == "mini_program" and worst["factor"] == "pay_conversion"


def test_cpc_jumps_and_roas_falls_on_paid_search(shop):
    at, last = story(shop, "cpc_inflation")
    cpc = ecomkit.cpc(shop.marketing_spend, by="channel", freq="M")
    ps = cpc.xs("paid_search", level="channel") if isinstance(cpc.index, pd.MultiIndex) else cpc
    jump = (ps / ps.shift()).idxmax()
    assert pd.Timestamp(jump) == at
    before = ecomkit.roas(shop.orders, shop.marketing_spend, start=at - pd.DateOffset(months=4), end=at - DAY)
    after = ecomkit.roas(shop.orders, shop.marketing_spend, start=at, end=last)
    assert after["paid_search"] < 0.75 * before["paid_search"]


def test_refund_rate_by_category_finds_apparel(shop):
    rates = ecomkit.product_refund_rate(
        shop.order_items, orders=shop.orders, refunds=shop.refunds, products=shop.products
    ).set_index("category")["order_refund_rate"]
    assert rates.idxmax() == "apparel"
    assert rates["apparel"] > 1.8 * rates.drop("apparel").median()


def test_logistics_cost_ratio_steps_up_with_the_carrier_price(shop):
    at, _ = story(shop, "carrier_price_increase")
    ratio = ecomkit.cost_ratio(shop.orders, shop.refunds, shop.costs, shop.marketing_spend, kind="logistics", freq="M")
    assert ratio[ratio.index >= at].mean() > 1.15 * ratio[ratio.index < at].mean()


def test_discount_cohort_has_the_worst_retention(shop):
    lo, _ = story(shop, "discount_cohort_churn")
    ret = ecomkit.cohort_retention(shop.orders)
    early = ret[ret["period"].between(1, 3)].groupby("cohort")["retention"].mean()
    early = early[early.index <= pd.Timestamp("2024-09-01")]  # cohorts with 3 months to return
    assert early.idxmin() == lo
    assert early[lo] < 0.5 * early.drop(lo).median()
    rate_cohort = ecomkit.repurchase_rate(
        shop.orders[shop.orders["customer_id"].isin(
            shop.customers.loc[shop.customers["signup_ts"].dt.to_period("M").dt.start_time == lo, "customer_id"]
        )]
    )
    assert rate_cohort < 0.7 * ecomkit.repurchase_rate(shop.orders)


def test_private_domain_contacts_repurchase_more(shop):
    launch, last = story(shop, "private_domain_launch")
    assert ecomkit.unique_visitors(shop.sessions[shop.sessions["channel"] == "private_domain"], end=launch - DAY) == 0
    comparison = ecomkit.contact_repurchase_comparison(
        shop.contacts, orders=shop.orders, start=launch + pd.DateOffset(months=3)
    ).set_index("group")
    assert comparison.loc["contact", "repurchase_rate"] > 1.3 * comparison.loc["non_contact", "repurchase_rate"]
    funnel = ecomkit.private_domain_funnel(shop.contacts, orders=shop.orders, by=None)
    assert len(funnel) > 0
