"""Tests of ecomkit.marketing on tiny hand-built tables (arithmetic in comments)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from ecomkit import marketing as mk

T = pd.Timestamp
NaT = pd.NaT


# ------------------------------------------------------------- campaigns ----
def make_campaigns():
    # c1: pre-heat Mar 5-8, sale Mar 8-10 (end exclusive)
    # c2: no pre-heat, flash sale on Mar 1 (inside c1's baseline)
    return pd.DataFrame({
        "campaign_id": [1, 2],
        "name": ["spring", "flash"],
        "kind": ["mega_sale", "flash_sale"],
        "preheat_start": [T("2024-03-05"), NaT],
        "start": [T("2024-03-08"), T("2024-03-01")],
        "end": [T("2024-03-10"), T("2024-03-02")],
        "discount_rate": [0.2, 0.3],
    })


def make_campaign_orders():
    return pd.DataFrame({
        "order_id": range(1, 9),
        "order_ts": pd.to_datetime([
            "2024-02-24 10:00", "2024-02-28 12:00", "2024-03-01 09:00",
            "2024-03-03 15:00", "2024-03-06 11:00", "2024-03-07 20:00",
            "2024-03-09 10:00", "2024-03-11 10:00"]),
        # o5 never paid; o6 placed in pre-heat, paid at the sale's start
        "paid_ts": pd.to_datetime([
            "2024-02-24 10:00", "2024-02-28 12:00", "2024-03-01 09:00",
            "2024-03-03 15:00", None, "2024-03-08 00:05", "2024-03-09 10:00",
            "2024-03-11 10:00"]),
        "order_amount": [100.0, 140.0, 500.0, 80.0, 300.0, 400.0, 600.0, 120.0],
        "paid_amount": [100.0, 140.0, 500.0, 80.0, 0.0, 400.0, 600.0, 120.0],
    })


def make_sessions():
    return pd.DataFrame({
        "session_id": range(6),
        "visitor_id": [1, 1, 1, 2, 3, 3],
        # v1 twice on Mar 8 (one visitor-day) and on Mar 9; v2 Mar 9; v3 Mar 3
        "start_ts": pd.to_datetime(["2024-03-08 10:00", "2024-03-08 15:00",
                                    "2024-03-09 09:00", "2024-03-09 11:00",
                                    "2024-03-03 08:00", "2024-03-03 09:00"]),
    })


def make_events():
    return pd.DataFrame({
        "event_ts": pd.to_datetime(["2024-03-06 12:00", "2024-03-06 12:01",
                                    "2024-03-09 12:00", "2024-03-09 12:05"]),
        "event_type": ["favorite", "add_to_cart", "add_to_cart", "product_view"],
    })


PH = pd.CategoricalDtype(["baseline", "preheat", "burst", "after"], ordered=True)


@pytest.mark.golden("campaign_phases")
def test_campaign_phases_golden():
    got = mk.campaign_phases(make_campaign_orders(), campaigns=make_campaigns(),
                             baseline_days=7, after_days=2)
    # c2 (starts Mar 1, listed first): baseline Feb 23-29, but the data start on
    #   Feb 24 (o1): 6 days Feb 24-29: o1 100 + o2 140
    #   no pre-heat; burst Mar 1: o3 500; after Mar 2-3: o4 80 over 2 days
    # c1: baseline = 7 slots Feb 27..Mar 4 minus Mar 1 (c2's sale) = 6 days:
    #   o2 140 + o4 80; pre-heat Mar 5-8 (3 days): placed o5 300 + o6 400, paid 0;
    #   burst (2 days): placed o7 600, paid o6 400 + o7 600; after: o8 120 / 2 days
    exp = pd.DataFrame({
        "campaign_id": [2, 2, 2, 2, 1, 1, 1, 1],
        "phase": pd.Categorical(list(PH.categories) * 2, dtype=PH),
        "phase_start": pd.to_datetime(["2024-02-24", NaT, "2024-03-01", "2024-03-02",
                                       "2024-02-27", "2024-03-05", "2024-03-08",
                                       "2024-03-10"]),
        "phase_end": pd.to_datetime(["2024-03-01", NaT, "2024-03-02", "2024-03-04",
                                     "2024-03-05", "2024-03-08", "2024-03-10",
                                     "2024-03-12"]),
        "days": [6.0, 0.0, 1.0, 2.0, 6.0, 3.0, 2.0, 2.0],
        "gmv": [240.0, np.nan, 500.0, 80.0, 220.0, 700.0, 600.0, 120.0],
        "paid_amount": [240.0, np.nan, 500.0, 80.0, 220.0, 0.0, 1000.0, 120.0],
        "gmv_per_day": [240 / 6, np.nan, 500.0, 40.0, 220 / 6, 700 / 3, 300.0, 60.0],
        "orders_per_day": [2 / 6, np.nan, 1.0, 0.5, 2 / 6, 2 / 3, 0.5, 0.5],
        "paid_amount_per_day": [240 / 6, np.nan, 500.0, 40.0, 220 / 6, 0.0, 500.0,
                                60.0],
        "paid_orders_per_day": [2 / 6, np.nan, 1.0, 0.5, 2 / 6, 0.0, 1.0, 0.5],
    })
    cols = list(exp.columns)
    pd.testing.assert_frame_equal(got[cols], exp, check_dtype=False)


@pytest.mark.golden("campaign_phases")
def test_campaign_phases_visitors_and_events():
    got = mk.campaign_phases(make_campaign_orders(), campaigns=make_campaigns(),
                             sessions=make_sessions(), events=make_events(),
                             baseline_days=7, after_days=2)
    c1 = got[got["campaign_id"] == 1].set_index("phase")
    # burst: visitor-days v1 Mar 8, v1 Mar 9, v2 Mar 9 = 3 over 2 days
    assert c1.loc["burst", "visitors_per_day"] == 1.5
    # baseline: v3 on Mar 3 (two visits, one visitor-day) over 6 days
    assert c1.loc["baseline", "visitors_per_day"] == pytest.approx(1 / 6)
    # pre-heat: 1 favourite, 1 add-to-cart over 3 days; burst 1 add-to-cart / 2
    assert c1.loc["preheat", "favorites_per_day"] == pytest.approx(1 / 3)
    assert c1.loc["preheat", "add_to_carts_per_day"] == pytest.approx(1 / 3)
    assert c1.loc["burst", "add_to_carts_per_day"] == 0.5
    assert c1.loc["burst", "favorites_per_day"] == 0.0


def test_campaign_phases_no_clean_baseline_and_window():
    # campaign 3 right after campaign 2 with a 1-day baseline that c2 covers
    camp = pd.concat([make_campaigns(), pd.DataFrame({
        "campaign_id": [3], "preheat_start": [NaT], "start": [T("2024-03-02")],
        "end": [T("2024-03-03")]})], ignore_index=True)
    got = mk.campaign_phases(make_campaign_orders(), campaigns=camp,
                             baseline_days=1, after_days=0, start="2024-03-02",
                             end="2024-03-02")
    assert got["campaign_id"].unique().tolist() == [3]
    base = got[got["phase"] == "baseline"].iloc[0]
    assert base["days"] == 0 and np.isnan(base["paid_amount_per_day"])
    up = mk.campaign_uplift(make_campaign_orders(), campaigns=camp, baseline_days=1,
                            start="2024-03-02", end="2024-03-02")
    assert np.isnan(up["uplift"].iloc[0])


@pytest.mark.golden("campaign_uplift")
def test_campaign_uplift_golden():
    got = mk.campaign_uplift(make_campaign_orders(), campaigns=make_campaigns(),
                             baseline_days=7)
    # c2: 500 / (240 / 6) - 1 (6 baseline days: the data start on Feb 24);
    # c1: 500 / (220 / 6) - 1
    exp = pd.DataFrame({
        "campaign_id": [2, 1],
        "baseline_days_used": [6.0, 6.0],
        "baseline_per_day": [240 / 6, 220 / 6],
        "campaign_per_day": [500.0, 500.0],
        "uplift": [500 / (240 / 6) - 1, 500 / (220 / 6) - 1],
    })
    pd.testing.assert_frame_equal(got, exp)
    pre = mk.campaign_uplift(make_campaign_orders(), campaigns=make_campaigns(),
                             baseline_days=7, include_preheat=True)
    # c1 pre-heat + sale: (0 + 1000) / (3 + 2) = 200 per day
    assert pre.loc[1, "campaign_per_day"] == 200.0
    gmv = mk.campaign_uplift(make_campaign_orders(), campaigns=make_campaigns(),
                             baseline_days=7, basis="gmv")
    # c1 burst GMV 600 / 2 = 300 per day
    assert gmv.loc[1, "uplift"] == pytest.approx(300 / (220 / 6) - 1)


@pytest.mark.golden("campaign_uplift", "campaign_phases")
def test_days_without_data_are_not_zero_sales():
    # a campaign 3 days after the first order: only those 3 days make its baseline
    camp = pd.DataFrame({"campaign_id": [1], "preheat_start": [NaT],
                         "start": [T("2024-01-04")], "end": [T("2024-01-05")]})
    ts = pd.to_datetime(["2024-01-01 10:00", "2024-01-02 10:00", "2024-01-04 10:00"])
    orders = pd.DataFrame({"order_ts": ts, "paid_ts": ts, "order_amount": [30.0, 30.0, 90.0],
                           "paid_amount": [30.0, 30.0, 90.0]})
    got = mk.campaign_uplift(orders, campaigns=camp, baseline_days=28).iloc[0]
    # baseline Jan 1-3: 60 over 3 days = 20 a day (not 60 over 28); sale 90 a day
    assert got["baseline_days_used"] == 3.0 and got["baseline_per_day"] == 20.0
    assert got["uplift"] == pytest.approx(90 / 20 - 1)
    # the after phase stops at the last day with data (Jan 4): nothing after the sale
    ph = mk.campaign_phases(orders, campaigns=camp, after_days=7).set_index("phase")
    assert ph.loc["after", "days"] == 0.0
    # a sale entirely before the data: no days, NaN, never a made-up zero
    early = camp.assign(start=T("2023-06-01"), end=T("2023-06-03"))
    assert np.isnan(mk.campaign_uplift(orders, campaigns=early)["uplift"].iloc[0])


def test_campaign_string_ids_tz_aware_unsorted_not_mutated():
    orders, camp = make_campaign_orders(), make_campaigns()
    base = mk.campaign_uplift(orders, campaigns=camp, baseline_days=7)
    o2 = orders.sample(frac=1, random_state=0)
    c2 = camp.iloc[::-1].assign(campaign_id=["B", "A"])
    for col in ("order_ts", "paid_ts"):
        o2[col] = o2[col].dt.tz_localize("Asia/Shanghai")
    before = (o2.copy(), c2.copy())
    got = mk.campaign_uplift(o2, campaigns=c2, baseline_days=7)
    assert got["campaign_id"].tolist() == ["B", "A"]
    np.testing.assert_allclose(got["uplift"], base["uplift"])
    pd.testing.assert_frame_equal(o2, before[0])
    pd.testing.assert_frame_equal(c2, before[1])


# --------------------------------------------------------------- A/B test ----
@pytest.mark.golden("ab_test")
def test_ab_test_golden():
    r = mk.ab_test(conversions_a=40, n_a=400, conversions_b=60, n_b=400)
    # p_A = .1, p_B = .15, diff .05; pooled p = 100/800 = .125
    # z = .05 / sqrt(.125 * .875 * (2/400)) = .05 / .0233854 = 2.13809
    assert r["rate_a"] == 0.1 and r["rate_b"] == 0.15
    assert r["diff"] == pytest.approx(0.05)
    assert r["relative_diff"] == pytest.approx(0.5)
    assert r["z"] == pytest.approx(2.13809, abs=1e-5)
    # Wald half-width 1.959964 * sqrt(.09/400 + .1275/400) = 1.959964 * .0233184
    # = .0457033
    assert r["ci_low"] == pytest.approx(0.05 - 0.0457033, abs=1e-6)
    assert r["ci_high"] == pytest.approx(0.05 + 0.0457033, abs=1e-6)
    assert r.name == "ab_test"
    assert list(r.index) == ["n_a", "conversions_a", "rate_a", "n_b",
                             "conversions_b", "rate_b", "diff", "relative_diff",
                             "ci_low", "ci_high", "z", "p_value"]


@pytest.mark.golden("ab_test")
@pytest.mark.parametrize(("xa", "na", "xb", "nb"),
                         [(40, 400, 60, 400), (200, 5000, 260, 5000), (3, 50, 9, 70),
                          (500, 1000, 480, 1000), (1, 10_000, 30, 20_000)])
def test_ab_test_matches_scipy(xa, na, xb, nb):
    r = mk.ab_test(conversions_a=xa, n_a=na, conversions_b=xb, n_b=nb)
    table = np.array([[xa, na - xa], [xb, nb - xb]])
    chi2, p, dof, _ = stats.chi2_contingency(table, correction=False)
    assert dof == 1
    assert r["p_value"] == pytest.approx(p, rel=1e-9)
    assert r["z"] ** 2 == pytest.approx(chi2, rel=1e-9)
    # the same p-value from the normal distribution directly
    assert r["p_value"] == pytest.approx(2 * stats.norm.sf(abs(r["z"])), rel=1e-9)
    pa, pb = xa / na, xb / nb
    half = stats.norm.ppf(0.95) * np.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
    r90 = mk.ab_test(conversions_a=xa, n_a=na, conversions_b=xb, n_b=nb, alpha=0.1)
    assert r90["ci_high"] - r90["diff"] == pytest.approx(half, rel=1e-9)


def test_ab_test_frame_equals_counts_and_groups_param():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"group": ["control"] * 300 + ["variant"] * 200,
                       "converted": rng.random(500) < 0.2})
    r = mk.ab_test(df)
    xa = int(df.loc[df["group"] == "control", "converted"].sum())
    xb = int(df.loc[df["group"] == "variant", "converted"].sum())
    pd.testing.assert_series_equal(
        r, mk.ab_test(conversions_a=xa, n_a=300, conversions_b=xb, n_b=200))
    # swapping the roles flips the sign of the difference
    flipped = mk.ab_test(df.assign(converted=df["converted"].astype(int)),
                         groups=("variant", "control"))
    assert flipped["diff"] == pytest.approx(-r["diff"])
    assert flipped["p_value"] == pytest.approx(r["p_value"])


def test_ab_test_no_variation_is_nan():
    r = mk.ab_test(conversions_a=0, n_a=100, conversions_b=0, n_b=100)
    assert np.isnan(r["p_value"]) and np.isnan(r["z"])
    assert np.isnan(r["relative_diff"]) and r["diff"] == 0


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 500), st.integers(1, 500), st.data())
def test_ab_test_properties(na, nb, data):
    xa = data.draw(st.integers(0, na))
    xb = data.draw(st.integers(0, nb))
    r = mk.ab_test(conversions_a=xa, n_a=na, conversions_b=xb, n_b=nb)
    assert 0 <= r["rate_a"] <= 1 and 0 <= r["rate_b"] <= 1
    assert r["ci_low"] <= r["diff"] <= r["ci_high"]
    if not np.isnan(r["p_value"]):
        assert 0 <= r["p_value"] <= 1


# ---------------------------------------------------------------- coupons ----
def make_coupons():
    return pd.DataFrame({
        "coupon_id": [1, 2, 3, 4, 5],
        "customer_id": [1, 2, 3, 4, 5],
        "campaign_id": pd.array([None] * 5, dtype="Int64"),
        "kind": ["threshold", "threshold", "threshold", "member", "win_back"],
        "face_value": [20.0, 20.0, 20.0, 10.0, 15.0],
        "min_spend": [100.0, 100.0, 100.0, 0.0, 0.0],
        "granted_ts": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-01-01",
                                      "2024-01-05", "2023-12-20"]),
        "expires_ts": pd.to_datetime(["2024-01-10", "2024-01-10", "2024-01-10",
                                      "2024-01-15", "2024-12-31"]),
        # coupon 3 was used on order 103, which was never paid
        "redeemed_order_id": pd.array([101, None, 103, 104, None], dtype="Int64"),
    })


def make_coupon_orders():
    return pd.DataFrame({
        "order_id": [101, 102, 103, 104, 105, 106],
        "customer_id": [1, 1, 3, 4, 6, 7],
        "paid_ts": pd.to_datetime(["2024-01-03", "2024-01-08", None, "2024-01-06",
                                   "2024-01-04", "2024-01-20"]),
        "paid_amount": [180.0, 60.0, 0.0, 90.0, 50.0, 70.0],
    })


def make_customers():
    return pd.DataFrame({
        "customer_id": [1, 2, 3, 4, 5, 6, 7],
        "signup_ts": pd.to_datetime(["2023-06-01"] * 6 + ["2024-01-05"]),
        "acquisition_channel": ["social", "social", "direct", "direct",
                                "paid_search", "paid_search", "direct"],
    })


JAN = dict(start="2024-01-01", end="2024-01-31")


@pytest.mark.golden("coupon_redemption_rate")
def test_redemption_rate_golden():
    c, o = make_coupons(), make_coupon_orders()
    got = mk.coupon_redemption_rate(c, orders=o, **JAN)
    # threshold: 3 granted, 1 redeemed on a paid order (103 unpaid); member 1/1
    exp = pd.DataFrame({"kind": ["member", "threshold"], "granted": [1, 3],
                        "redeemed": [1, 1], "redemption_rate": [1.0, 1 / 3]})
    pd.testing.assert_frame_equal(got, exp)
    # without orders every redeemed_order_id counts: threshold 2/3
    no_orders = mk.coupon_redemption_rate(c, **JAN)
    assert no_orders["redemption_rate"].tolist() == [1.0, 2 / 3]
    assert mk.coupon_redemption_rate(c, orders=o, by=None, **JAN) == 0.5
    assert mk.coupon_redemption_rate(c, by=None) == 3 / 5
    assert np.isnan(mk.coupon_redemption_rate(c, by=None, start="2030-01-01"))


@pytest.mark.golden("coupon_cost")
def test_coupon_cost_golden():
    c, o = make_coupons(), make_coupon_orders()
    got = mk.coupon_cost(c, orders=o, **JAN)
    exp = pd.DataFrame({"kind": ["member", "threshold"], "redeemed": [1, 1],
                        "coupon_cost": [10.0, 20.0],
                        "cost_per_redeemed": [10.0, 20.0]})
    pd.testing.assert_frame_equal(got, exp)
    # unpaid redemption of coupon 3 counts only without `orders`: 20 + 20 + 10
    assert mk.coupon_cost(c, by=None, **JAN) == 50.0


@pytest.mark.golden("coupon_incremental_gmv")
def test_coupon_incremental_gmv_golden():
    got = mk.coupon_incremental_gmv(make_coupons(), orders=make_coupon_orders(),
                                    customers=make_customers(), **JAN)
    # member: holder 4, Jan 5-15 (10 days), spent 90 -> 9/day. Comparison:
    #   customers 1,2,3,5,6,7 over Jan 5-15, 60 customer-days; only o102 (60)
    #   -> 1/day. incremental (9 - 1) * 10 = 80; cost 10 -> 8
    # threshold: holders 1,2,3, Jan 1-10 (9 days each, 27); spent 180 + 60 = 240.
    #   Comparison 4,5,6 (9 days each) + 7 (signed up Jan 5: 5 days) = 32 days;
    #   spent o104 90 + o105 50 = 140 -> 4.375/day.
    #   incremental = 240 - 4.375 * 27 = 121.875; cost 20 -> 6.09375
    exp = pd.DataFrame({
        "kind": ["member", "threshold"],
        "holders": [1, 3],
        "coupon_cost": [10.0, 20.0],
        "treated_paid_amount": [90.0, 240.0],
        "treated_days": [10.0, 27.0],
        "treated_per_day": [9.0, 240 / 27],
        "comparison_customers": [6, 4],
        "comparison_per_day": [1.0, 4.375],
        "incremental_gmv": [80.0, 121.875],
        "incremental_gmv_per_cost": [8.0, 6.09375],
    })
    pd.testing.assert_frame_equal(got, exp)


def test_coupon_incremental_gmv_with_holdout():
    got = mk.coupon_incremental_gmv(make_coupons(), orders=make_coupon_orders(),
                                    customers=make_customers(),
                                    control_customers=[6], **JAN)
    thr = got[got["kind"] == "threshold"].iloc[0]
    # holdout = customer 6 only: 50 over 9 days
    assert thr["comparison_customers"] == 1
    assert thr["comparison_per_day"] == pytest.approx(50 / 9)


def test_coupons_string_ids_same_answer():
    c, o, cu = make_coupons(), make_coupon_orders(), make_customers()
    c2, o2, cu2 = c.copy(), o.copy(), cu.copy()
    c2["customer_id"] = "u" + c2["customer_id"].astype(str)
    c2["redeemed_order_id"] = c2["redeemed_order_id"].map(
        lambda v: None if pd.isna(v) else f"o{v}")
    o2["customer_id"] = "u" + o2["customer_id"].astype(str)
    o2["order_id"] = "o" + o2["order_id"].astype(str)
    cu2["customer_id"] = "u" + cu2["customer_id"].astype(str)
    a = mk.coupon_incremental_gmv(c, orders=o, customers=cu, **JAN)
    b = mk.coupon_incremental_gmv(c2, orders=o2, customers=cu2, **JAN)
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(mk.coupon_redemption_rate(c, orders=o),
                                  mk.coupon_redemption_rate(c2, orders=o2))


# --------------------------------------------------------- private domain ----
def make_contacts():
    return pd.DataFrame({
        "contact_id": [1, 2, 3, 4, 5],
        "customer_id": [1, 2, 3, 4, 5],
        "invited_ts": pd.to_datetime(["2024-01-02", "2024-01-05", "2024-01-10",
                                      "2024-01-15", "2024-02-03"]),
        # contact 3 never accepted
        "added_ts": pd.to_datetime(["2024-01-02", "2024-01-06", None, "2024-01-15",
                                    "2024-02-04"]),
        # contact 2 left after 2 days; contact 4 after 10 days
        "removed_ts": pd.to_datetime([None, "2024-01-08", None, "2024-01-25", None]),
        "source": ["parcel_card", "parcel_card", "parcel_card", "live_stream",
                   "live_stream"],
    })


def make_pd_orders():
    return pd.DataFrame({
        "order_id": range(11),
        "customer_id": [1, 1, 1, 1, 2, 4, 4, 6, 6, 7, 3],
        "paid_ts": pd.to_datetime([
            "2024-01-01 00:00", "2024-01-10 10:00", "2024-01-10 18:00",
            "2024-02-20 00:00", "2024-01-20 00:00", "2024-01-16 00:00",
            "2024-02-10 00:00", "2024-01-03 00:00", "2024-02-15 00:00",
            "2024-01-04 00:00", None]),
        "paid_amount": [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0,
                        100.0, 0.0],
    })


@pytest.mark.golden("private_domain_funnel")
def test_private_domain_funnel_golden():
    got = mk.private_domain_funnel(make_contacts(), orders=make_pd_orders())
    # parcel_card: invited 3; added 2 (k1, k2); retained 1 (k2 left in 2 days);
    #   k1 bought after adding on Jan 10 (twice, one day) and Feb 20: 2 days
    # live_stream: k4 (stayed 10 days >= 7) bought Jan 16 and Feb 10; k5 never
    exp = pd.DataFrame({
        "source": ["live_stream", "parcel_card"],
        "invited": [2, 3], "added": [2, 2], "retained": [2, 1],
        "converted": [1, 1], "repurchased": [1, 1],
        "add_rate": [1.0, 2 / 3], "retention_rate": [1.0, 0.5],
        "conversion_rate": [0.5, 1.0], "repurchase_rate": [1.0, 1.0],
    })
    pd.testing.assert_frame_equal(got, exp)


@pytest.mark.golden("private_domain_funnel")
def test_private_domain_funnel_by_month_and_variants():
    c, o = make_contacts(), make_pd_orders()
    got = mk.private_domain_funnel(c, orders=o, by="month")
    # Jan invitations k1..k4: 4, 3, 2 (k1, k4), 2, 2. Feb: k5 added, bought nothing
    assert got["month"].tolist() == [T("2024-01-01"), T("2024-02-01")]
    assert got[["invited", "added", "retained", "converted",
                "repurchased"]].values.tolist() == [[4, 3, 2, 2, 2], [1, 1, 1, 0, 0]]
    assert got.loc[1, "conversion_rate"] == 0.0
    assert np.isnan(got.loc[1, "repurchase_rate"])
    # k1 before Feb: only Jan 10 (two orders, one day)
    jan_orders = o[o["paid_ts"] < T("2024-02-01")]
    days = mk.private_domain_funnel(c, orders=jan_orders, by=None)
    n_orders = mk.private_domain_funnel(c, orders=jan_orders, by=None,
                                        repeat_by="orders")
    assert days["repurchased"].iloc[0] == 0
    assert n_orders["repurchased"].iloc[0] == 1
    # a 14-day 承接 requirement drops k4 (removed after 10 days)
    strict = mk.private_domain_funnel(c, orders=o, by=None, retention_days=14)
    assert strict["retained"].iloc[0] == 2
    # window on invitation
    feb = mk.private_domain_funnel(c, orders=o, by=None, start="2024-02-01")
    assert feb["invited"].iloc[0] == 1


def test_funnel_categorical_source_and_duplicate_index():
    c = make_contacts()
    c["source"] = pd.Categorical(c["source"], categories=[
        "parcel_card", "customer_service", "live_stream", "checkout_page"],
        ordered=True)
    c.index = [0, 0, 1, 1, 2]
    got = mk.private_domain_funnel(c, orders=make_pd_orders())
    assert got["source"].tolist() == ["parcel_card", "live_stream"]
    assert got["invited"].tolist() == [3, 2]


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.booleans(), st.integers(0, 20),
                          st.integers(0, 3)), min_size=1, max_size=12))
def test_funnel_counts_non_increasing(rows):
    base = T("2024-01-01")
    contacts = pd.DataFrame({
        "customer_id": [r[0] for r in rows],
        "invited_ts": base,
        "added_ts": [base + pd.Timedelta(days=1) if r[1] else NaT for r in rows],
        "removed_ts": [base + pd.Timedelta(days=r[2]) if r[2] else NaT
                       for r in rows],
        "source": "parcel_card",
    })
    orders = pd.DataFrame({
        "customer_id": pd.Series([r[0] for r in rows for _ in range(r[3])],
                                 dtype="int64"),
        "paid_ts": pd.Series([base + pd.Timedelta(days=2 + k) for r in rows
                              for k in range(r[3])], dtype="datetime64[ns]"),
    })
    got = mk.private_domain_funnel(contacts, orders=orders).iloc[0]
    counts = got[["invited", "added", "retained", "converted", "repurchased"]]
    assert (np.diff(counts.to_numpy(dtype=float)) <= 0).all()
    rates = got[["add_rate", "retention_rate", "conversion_rate", "repurchase_rate"]]
    r = rates.to_numpy(dtype=float)
    r = r[~np.isnan(r)]
    assert ((r >= 0) & (r <= 1)).all()


@pytest.mark.golden("contact_repurchase_rate")
def test_contact_repurchase_comparison_golden():
    got = mk.contact_repurchase_comparison(make_contacts(), orders=make_pd_orders(),
                                           start="2024-02-01", end="2024-02-29")
    # buyers before Feb: 1, 2, 4, 6, 7. Contacts on Feb 1: only customer 1
    # (k2, k4 removed in January; k5 added Feb 4). Feb buyers: 1 (40), 4 (70),
    # 6 (90) -> contact 1/1, 40 per customer; others 2/4, 160 / 4 = 40
    exp = pd.DataFrame({"group": ["contact", "non_contact"], "customers": [1, 4],
                        "repurchasers": [1, 2], "repurchase_rate": [1.0, 0.5],
                        "paid_amount_per_customer": [40.0, 40.0]})
    pd.testing.assert_frame_equal(got, exp)


# ----------------------------------------------------------------- growth ----
@pytest.mark.golden("new_customer_acquisition")
def test_new_customer_acquisition_golden():
    o = make_pd_orders()
    got = mk.new_customer_acquisition(o)
    # first paid orders: 1 Jan 1, 6 Jan 3, 7 Jan 4, 4 Jan 16, 2 Jan 20 (3 unpaid)
    exp = pd.DataFrame({"period": [T("2024-01-01"), T("2024-02-01")],
                        "new_customers": [5, 0]})
    pd.testing.assert_frame_equal(got, exp, check_dtype=False)
    by = mk.new_customer_acquisition(o, customers=make_customers(),
                                     by="acquisition_channel")
    jan = by[by["period"] == T("2024-01-01")]
    # 1, 2 social; 4, 7 direct; 6 paid_search
    assert dict(zip(jan["acquisition_channel"], jan["new_customers"],
                    strict=True)) == {"direct": 2, "paid_search": 1, "social": 2}
    assert by.loc[by["period"] == T("2024-02-01"), "new_customers"].sum() == 0
    weekly = mk.new_customer_acquisition(o, freq="W", start="2024-01-01",
                                         end="2024-01-14")
    # weeks of Jan 1 (customers 1, 6, 7) and Jan 8 (none)
    assert weekly["new_customers"].tolist() == [3, 0]


def test_new_customers_empty_window_and_history_matters():
    o = make_pd_orders()
    feb = mk.new_customer_acquisition(o, start="2024-02-01", end="2024-02-29")
    assert feb["new_customers"].tolist() == [0]
    # window-only orders would wrongly call February's buyers new
    feb_only = o[o["paid_ts"] >= T("2024-02-01")]
    assert mk.new_customer_acquisition(feb_only)["new_customers"].sum() == 3


def make_react_orders():
    return pd.DataFrame({
        "customer_id": ["A", "A", "B", "B", "C", "C", "D"],
        "paid_ts": pd.to_datetime(["2024-01-05", "2024-04-10", "2024-01-20",
                                   "2024-02-15", "2023-12-01", "2024-04-02",
                                   "2024-04-05"]),
    })


@pytest.mark.golden("reactivation_rate")
def test_reactivation_rate_golden():
    got = mk.reactivation_rate(make_react_orders(), inactive_days=60,
                               start="2024-02-01", end="2024-04-30")
    # Feb 1: C lapsed (Dec 1 + 60 d = Jan 30); A (Mar 5), B not. Buyer B.
    # Mar 1: C lapsed; B's last order Feb 15. Nobody buys.
    # Apr 1: A (Jan 5 + 60 = Mar 5) and C lapsed; both buy in April; D is new.
    exp = pd.DataFrame({
        "period": [T("2024-02-01"), T("2024-03-01"), T("2024-04-01")],
        "buyers": [1, 0, 3],
        "lapsed_at_start": [1, 1, 2],
        "reactivated": [0, 0, 2],
        "reactivation_rate": [0.0, 0.0, 1.0],
        "reactivated_share": [0.0, np.nan, 2 / 3],
    })
    pd.testing.assert_frame_equal(got, exp)


def test_reactivation_int_ids_same_and_unsorted():
    o = make_react_orders()
    o2 = o.assign(customer_id=o["customer_id"].map({"A": 1, "B": 2, "C": 3,
                                                     "D": 4})).iloc[::-1]
    a = mk.reactivation_rate(o, inactive_days=60)
    b = mk.reactivation_rate(o2, inactive_days=60)
    pd.testing.assert_frame_equal(a, b)
    assert a["period"].iloc[0] == T("2023-12-01")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 400)), min_size=1,
                max_size=25), st.integers(1, 120))
def test_reactivation_matches_brute_force(rows, gap):
    base = T("2023-01-01")
    o = pd.DataFrame({"customer_id": [r[0] for r in rows],
                      "paid_ts": [base + pd.Timedelta(days=r[1]) for r in rows]})
    got = mk.reactivation_rate(o, inactive_days=gap)
    for _, row in got.iterrows():
        s = row["period"]
        e = s + pd.offsets.MonthBegin(1)
        before = o[o["paid_ts"] < s].groupby("customer_id")["paid_ts"].max()
        lapsed = set(before[before <= s - pd.Timedelta(days=gap)].index)
        buyers = set(o[(o["paid_ts"] >= s) & (o["paid_ts"] < e)]["customer_id"])
        assert row["lapsed_at_start"] == len(lapsed)
        assert row["reactivated"] == len(lapsed & buyers)
        assert row["buyers"] == len(buyers)
        if lapsed:
            assert 0 <= row["reactivation_rate"] <= 1


def make_winback():
    coupons = pd.DataFrame({
        "customer_id": [1, 2, 3, 5],
        "kind": ["win_back", "win_back", "win_back", "threshold"],
        "granted_ts": pd.to_datetime(["2024-06-01"] * 4),
        "expires_ts": pd.to_datetime(["2024-06-15"] * 4),
    })
    orders = pd.DataFrame({
        "customer_id": [1, 1, 2, 3, 3, 4, 4, 5, 5, 6],
        "paid_ts": pd.to_datetime(["2024-01-01", "2024-06-05", "2024-01-02",
                                   "2024-01-03", "2024-05-20", "2024-01-04",
                                   "2024-06-10", "2024-01-05", "2024-06-20",
                                   "2024-05-25"]),
    })
    return coupons, orders


@pytest.mark.golden("win_back_rate")
def test_win_back_rate_golden():
    coupons, orders = make_winback()
    got = mk.win_back_rate(coupons, orders=orders)
    # coupon: 1, 2 lapsed (last order <= Mar 3); 3 bought May 20 -> ignored.
    #   1 paid Jun 5 (inside Jun 1-15) -> 1 / 2
    # no coupon: lapsed on Jun 1 and not a holder: 4, 5 (6 bought May 25);
    #   4 paid Jun 10 (inside), 5 Jun 20 (outside) -> 1 / 2
    exp = pd.DataFrame({"group": ["coupon", "no_coupon"],
                        "lapsed_customers": [2, 2], "won_back": [1, 1],
                        "win_back_rate": [0.5, 0.5]})
    pd.testing.assert_frame_equal(got, exp)
    none = mk.win_back_rate(coupons, orders=orders, start="2025-01-01")
    assert none["lapsed_customers"].tolist() == [0, 0]
    assert none["win_back_rate"].isna().all()


# ------------------------------------------------------------- bad inputs ----
def _args():
    return dict(orders=make_campaign_orders(), campaigns=make_campaigns(),
                coupons=make_coupons(), corders=make_coupon_orders(),
                customers=make_customers(), contacts=make_contacts(),
                porders=make_pd_orders())


BAD_INPUTS = [
    (mk.campaign_phases, lambda a: (a["orders"],),
     lambda a: {"campaigns": a["campaigns"], "baseline_days": 0}, ValueError,
     r"campaign_phases\(\): `baseline_days` must be a positive integer"),
    (mk.campaign_phases, lambda a: (a["orders"],),
     lambda a: {"campaigns": a["campaigns"].assign(end=T("2024-01-01"))},
     ValueError, r"campaign_phases\(\): 2 campaign\(s\) do not satisfy"),
    (mk.campaign_phases, lambda a: (a["orders"],),
     lambda a: {"campaigns": a["campaigns"].assign(
         start=a["campaigns"]["start"].astype(str))},
     TypeError, r"campaign_phases\(\): column 'start' \(from `start_col`\)"),
    (mk.campaign_uplift, lambda a: (a["orders"],),
     lambda a: {"campaigns": a["campaigns"], "basis": "net"}, ValueError,
     r"campaign_uplift\(\): the value for `basis` must be one of"),
    (mk.campaign_uplift, lambda a: (a["orders"].assign(paid_amount=-1.0),),
     lambda a: {"campaigns": a["campaigns"]}, ValueError,
     r"campaign_uplift\(\): column 'paid_amount' \(from `paid_amount_col`\)"),
    (mk.campaign_uplift, lambda a: (a["orders"],),
     lambda a: {"campaigns": pd.concat([a["campaigns"]] * 2)}, ValueError,
     r"campaign_uplift\(\): `campaigns` has 2 duplicated campaign id"),
    (mk.ab_test, lambda a: (),
     lambda a: {"conversions_a": 11, "n_a": 10, "conversions_b": 1, "n_b": 10},
     ValueError, r"ab_test\(\): conversions_a \(11\) is larger than n_a"),
    (mk.ab_test, lambda a: (),
     lambda a: {"conversions_a": 1, "n_a": 10, "conversions_b": 1, "n_b": 10,
                "alpha": 1.5}, ValueError, r"ab_test\(\): `alpha` must be in"),
    (mk.ab_test, lambda a: (pd.DataFrame({"group": ["a", "b", "c"],
                                          "converted": [0, 1, 1]}),),
     lambda a: {}, ValueError, r"ab_test\(\): an A/B test needs exactly two groups"),
    (mk.ab_test, lambda a: (pd.DataFrame({"group": ["a", "b"],
                                          "converted": [0.5, 1]}),),
     lambda a: {}, ValueError,
     r"ab_test\(\): column 'converted' \(from `outcome_col`\) must hold 0/1"),
    (mk.ab_test, lambda a: (), lambda a: {"conversions_a": 1, "n_a": 10},
     ValueError, r"ab_test\(\): give `data` or all four counts"),
    (mk.ab_test, lambda a: (),
     lambda a: {"conversions_a": -1, "n_a": 10, "conversions_b": 1, "n_b": 10},
     ValueError, r"ab_test\(\): `conversions_a` must be a positive integer"),
    (mk.coupon_redemption_rate, lambda a: (a["coupons"].assign(
        granted_ts=a["coupons"]["granted_ts"].astype(str)),), lambda a: {},
     TypeError, r"coupon_redemption_rate\(\): column 'granted_ts' \(from "
                r"`granted_ts_col`\)"),
    (mk.coupon_redemption_rate, lambda a: (a["coupons"],),
     lambda a: {"by": "channel"}, ValueError,
     r"coupon_redemption_rate\(\): column 'channel' \(from `by`\) is not in "
     r"`coupons`"),
    (mk.coupon_cost, lambda a: (a["coupons"],), lambda a: {"orders": a},
     TypeError, r"coupon_cost\(\): `orders` must be one table"),
    (mk.coupon_cost, lambda a: (a["coupons"].assign(face_value=-1.0),),
     lambda a: {}, ValueError,
     r"coupon_cost\(\): column 'face_value' \(from `face_value_col`\)"),
    (mk.coupon_incremental_gmv, lambda a: (a["coupons"],),
     lambda a: {"orders": a["corders"],
                "customers": a["customers"].drop(columns="signup_ts")},
     ValueError, r"coupon_incremental_gmv\(\): column 'signup_ts' \(from "
                 r"`signup_ts_col`\) is not in `customers`"),
    (mk.coupon_incremental_gmv, lambda a: (a["coupons"],),
     lambda a: {"orders": a["corders"], "customers": a["customers"].assign(
         customer_id=a["customers"]["customer_id"].astype(str))},
     TypeError, r"coupon_incremental_gmv\(\): the ids in `coupons` are numbers but "
                r"the ids in `customers` are text"),
    (mk.private_domain_funnel, lambda a: (a["contacts"],),
     lambda a: {"orders": a["porders"], "repeat_by": "weeks"}, ValueError,
     r"private_domain_funnel\(\): the value for `repeat_by` must be one of"),
    (mk.private_domain_funnel, lambda a: (a["contacts"].drop(columns="added_ts"),),
     lambda a: {"orders": a["porders"]}, ValueError,
     r"private_domain_funnel\(\): column 'added_ts' \(from `added_ts_col`\)"),
    (mk.private_domain_funnel, lambda a: (a["contacts"],),
     lambda a: {"orders": a["porders"].assign(customer_id=None)}, ValueError,
     r"private_domain_funnel\(\): column 'customer_id' \(from `customer_id_col`\) "
     r"has 10 missing ids"),
    (mk.contact_repurchase_comparison, lambda a: (a["contacts"],),
     lambda a: {"orders": a["porders"]}, ValueError,
     r"contact_repurchase_comparison\(\): `start` is required"),
    (mk.new_customer_acquisition, lambda a: (a["porders"],),
     lambda a: {"freq": "H"}, ValueError,
     r"new_customer_acquisition\(\): the value for `freq` must be one of"),
    (mk.new_customer_acquisition, lambda a: (a["porders"],),
     lambda a: {"by": "acquisition_channel"}, ValueError,
     r"new_customer_acquisition\(\): `by='acquisition_channel'` is a column of "
     r"`customers`"),
    (mk.reactivation_rate, lambda a: (a["porders"],),
     lambda a: {"inactive_days": -5}, ValueError,
     r"reactivation_rate\(\): `inactive_days` must be a positive integer"),
    (mk.reactivation_rate, lambda a: (a,), lambda a: {}, TypeError,
     r"reactivation_rate\(\): `orders` must be one table"),
    (mk.win_back_rate, lambda a: (a["coupons"],),
     lambda a: {"orders": a["corders"], "inactive_days": 1.5}, TypeError,
     r"win_back_rate\(\): `inactive_days` must be a positive integer"),
]


@pytest.mark.parametrize(("func", "args", "kwargs", "exc", "match"), BAD_INPUTS)
def test_bad_inputs(func, args, kwargs, exc, match):
    a = _args()
    with pytest.raises(exc, match=match):
        func(*args(a), **kwargs(a))


def test_empty_windows():
    o, c = make_campaign_orders(), make_campaigns()
    far = dict(start="2030-01-01", end="2030-12-31")
    assert mk.campaign_phases(o, campaigns=c, **far).empty
    up = mk.campaign_uplift(o, campaigns=c, **far)
    assert up.empty and list(up.columns) == ["campaign_id", "baseline_days_used",
                                             "baseline_per_day", "campaign_per_day",
                                             "uplift"]
    one = mk.private_domain_funnel(make_contacts(), orders=make_pd_orders(), by=None,
                                   **far)
    assert one["invited"].tolist() == [0] and one["add_rate"].isna().all()
    assert mk.private_domain_funnel(make_contacts(), orders=make_pd_orders(),
                                    **far).empty
    assert mk.coupon_incremental_gmv(make_coupons(), orders=make_coupon_orders(),
                                     customers=make_customers(), **far).empty
    assert mk.coupon_cost(make_coupons(), by=None, **far) == 0.0
    # no orders in 2030, but the five paying customers are lapsed every month
    far_react = mk.reactivation_rate(make_pd_orders(), **far)
    assert len(far_react) == 12 and (far_react["buyers"] == 0).all()
    assert (far_react["lapsed_at_start"] == 5).all()
    assert (far_react["reactivation_rate"] == 0).all()
    assert far_react["reactivated_share"].isna().all()
    nca = mk.new_customer_acquisition(make_pd_orders(), start="2030-01-01",
                                      end="2030-02-28")
    assert nca["new_customers"].tolist() == [0, 0]


def test_missing_grant_time_is_an_error():
    c = make_coupons()
    c.loc[0, "granted_ts"] = NaT
    with pytest.raises(ValueError, match=r"coupon_redemption_rate\(\): column "
                       r"'granted_ts' \(from `granted_ts_col`\) has 1 missing grant"):
        mk.coupon_redemption_rate(c)
    with pytest.raises(ValueError, match=r"win_back_rate\(\): column 'granted_ts'"):
        mk.win_back_rate(c, orders=make_coupon_orders())
