"""Each planted story leaves its signature when on, and none when off.

The signatures are computed here with plain pandas, independently of the
metric library, so that the generator is checked against its documentation.
"""

import pandas as pd
import pytest

from ecomkit.datasets import make_shop

N = 4000


@pytest.fixture(scope="module")
def on():
    return make_shop(N, random_state=11)


@pytest.fixture(scope="module")
def off():
    return make_shop(N, random_state=11, stories="none")


def window(shop, story):
    row = shop.stories.set_index("id").loc[story]
    return row["start"], row["end"]


def paid(shop):
    return shop.orders[shop.orders["paid_ts"].notna()]


def test_stories_table_documents_each_story(on, off):
    st = on.stories
    assert st["enabled"].all() and not off.stories["enabled"].any()
    for col in ["title", "what", "where", "signature", "notebook"]:
        assert st[col].str.len().gt(10).all() or col == "notebook"
    assert (st["start"] < st["end"]).all()


def checkout_to_payment(shop, device, lo, hi):
    s = shop.sessions[(shop.sessions["device"] == device) & shop.sessions["start_ts"].between(lo, hi, inclusive="left")]
    e = shop.events[shop.events["session_id"].isin(s["session_id"])]
    ck = e.loc[e["event_type"] == "checkout", "session_id"].nunique()
    pay = e.loc[e["event_type"] == "payment", "session_id"].nunique()
    return pay / ck


def test_checkout_failure(on, off):
    lo, hi = window(on, "checkout_failure")
    assert checkout_to_payment(on, "mini_program", lo, hi) < 0.4
    assert checkout_to_payment(off, "mini_program", lo, hi) > 0.65
    for device in ["app", "pc"]:  # only the mini program broke
        assert checkout_to_payment(on, device, lo, hi) > 0.65
    # earlier steps unaffected: cart per visit on the mini program
    def cart_rate(shop):
        s = shop.sessions[(shop.sessions["device"] == "mini_program") & shop.sessions["start_ts"].between(lo, hi, inclusive="left")]
        e = shop.events[shop.events["session_id"].isin(s["session_id"])]
        return e.loc[e["event_type"] == "add_to_cart", "session_id"].nunique() / len(s)
    # the same shop with only this story off draws the same visits and carts
    only_off = make_shop(N, random_state=11, stories={"checkout_failure": False})
    assert cart_rate(on) == pytest.approx(cart_rate(only_off))
    assert checkout_to_payment(only_off, "mini_program", lo, hi) > 0.65


def cpc_ratio(shop, at):
    ps = shop.marketing_spend[shop.marketing_spend["channel"] == "paid_search"]
    before, after = ps[ps["date"] < at], ps[ps["date"] >= at]
    return (after["spend"].sum() / after["clicks"].sum()) / (before["spend"].sum() / before["clicks"].sum())


def test_cpc_inflation():
    # paid-search orders are few in a small shop: use a bigger one for ROAS
    on = make_shop(15000, random_state=5, stories=["cpc_inflation"])
    off = make_shop(15000, random_state=5, stories="none")
    at, _ = window(on, "cpc_inflation")
    assert cpc_ratio(on, at) > 1.5
    assert cpc_ratio(off, at) < 1.2

    def roas_ratio(shop):
        p = paid(shop)
        p = p[p["channel"] == "paid_search"]
        ms = shop.marketing_spend[shop.marketing_spend["channel"] == "paid_search"]
        r_before = p.loc[p["paid_ts"] < at, "paid_amount"].sum() / ms.loc[ms["date"] < at, "spend"].sum()
        r_after = p.loc[p["paid_ts"] >= at, "paid_amount"].sum() / ms.loc[ms["date"] >= at, "spend"].sum()
        return r_after / r_before

    # the season lifts sales per click after the date in both shops; the
    # inflation shows as a ROAS far below the uninflated shop's
    assert roas_ratio(on) < 0.75 * roas_ratio(off)


def refund_rates(shop):
    p = paid(shop)[["order_id"]]
    first = shop.order_items.groupby("order_id").head(1).merge(shop.products[["product_id", "category"]])
    p = p.merge(first[["order_id", "category"]], on="order_id")
    p["refunded"] = p["order_id"].isin(shop.refunds["order_id"])
    apparel = p.loc[p["category"] == "apparel", "refunded"].mean()
    others = p.loc[p["category"] != "apparel", "refunded"].mean()
    return apparel, others


def test_refund_prone_category(on, off):
    a, o = refund_rates(on)
    assert a > 2.5 * o
    a, o = refund_rates(off)
    assert a < 1.8 * o
    reasons = on.refunds.merge(on.order_items.groupby("order_id").head(1)).merge(on.products)
    apparel = reasons[reasons["category"] == "apparel"]["reason"].value_counts()
    assert apparel.index[0] == "size_fit"


def ship_cost_ratio(shop, at):
    o = shop.orders[shop.orders["shipped_ts"].notna()]
    return o.loc[o["shipped_ts"] >= at, "shipping_cost"].mean() / o.loc[o["shipped_ts"] < at, "shipping_cost"].mean()


def test_carrier_price_increase(on, off):
    at, _ = window(on, "carrier_price_increase")
    assert ship_cost_ratio(on, at) > 1.2
    assert ship_cost_ratio(off, at) < 1.08


def cohort_repeat(shop, lo, hi):
    c = shop.customers
    p = paid(shop).merge(c[["customer_id", "signup_ts"]], on="customer_id")
    days = p.groupby("customer_id").agg(
        days=("paid_ts", lambda t: t.dt.normalize().nunique()), signup=("signup_ts", "first")
    )
    in_cohort = days["signup"].between(lo, hi, inclusive="left")
    # compare with cohorts that had a similar time to come back
    end = shop.sessions["start_ts"].max()
    comparable = ~in_cohort & (days["signup"] < end - pd.Timedelta(days=150))
    return (days.loc[in_cohort, "days"] >= 2).mean(), (days.loc[comparable, "days"] >= 2).mean()


def test_discount_cohort_churns(on, off):
    lo, hi = window(on, "discount_cohort_churn")
    cohort, others = cohort_repeat(on, lo, hi)
    assert cohort < 0.6 * others
    cohort, others = cohort_repeat(off, lo, hi)
    assert cohort > 0.75 * others
    # its first orders carried the heavy coupon
    heavy = on.coupons[(on.coupons["kind"] == "new_customer") & (on.coupons["face_value"] == 50)]
    assert heavy["redeemed_order_id"].notna().mean() > 0.3
    assert (off.coupons["face_value"] == 50).sum() == 0


def test_private_domain_launch(on, off):
    launch, _ = window(on, "private_domain_launch")
    assert len(off.contacts) == 0
    assert (off.sessions["channel"] == "private_domain").sum() == 0
    ct = on.contacts
    assert len(ct) > 100 and (ct["invited_ts"] >= launch).all()
    assert set(ct["source"].unique()) == {"parcel_card", "customer_service", "live_stream", "checkout_page"}
    pd_sessions = on.sessions[on.sessions["channel"] == "private_domain"]
    assert (pd_sessions["start_ts"] >= launch).all()
    # contacts repurchase more than other customers who bought after launch
    p = paid(on)
    after = p[p["paid_ts"] >= launch]
    buyers_before = set(p.loc[p["paid_ts"] < launch, "customer_id"])
    joined = ct.dropna(subset=["added_ts"]).groupby("customer_id")["added_ts"].min()
    n_orders = after.groupby("customer_id")["paid_ts"].agg(lambda t: t.dt.normalize().nunique())
    is_contact = n_orders.index.isin(joined.index)
    had_history = n_orders.index.isin(buyers_before)
    contact_rate = (n_orders[is_contact & had_history] >= 2).mean()
    other_rate = (n_orders[~is_contact & had_history] >= 2).mean()
    assert contact_rate > 1.5 * other_rate


def test_stories_switch_independently():
    only = make_shop(1500, random_state=2, stories=["carrier_price_increase"])
    assert only.stories.set_index("id")["enabled"].sum() == 1
    assert len(only.contacts) == 0
    at, _ = window(only, "carrier_price_increase")
    assert ship_cost_ratio(only, at) > 1.2
    also = make_shop(1500, random_state=2, stories={"private_domain_launch": False})
    assert len(also.contacts) == 0
    assert also.stories.set_index("id")["enabled"].sum() == 5
