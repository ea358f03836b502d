"""ex03 — members (会员): 客单价, 复购率, new vs returning, cohorts, RFM, churn, 私域."""

import numpy as np
import pandas as pd

import ecomkit

from .._questions import Alternative, Question

Q3 = ("2024-07-01", "2024-09-30")
H2 = ("2024-07-01", "2024-12-31")
Q4 = ("2024-10-01", "2024-12-31")
YEAR = ("2024-01-01", "2024-12-31")
LOOKBACK = 90  # days; in a shop with one year of data a 365-day look-back is all history
RETENTION_COHORT = "2024-09"  # the first-purchase cohort of ex03.q5
AS_OF = "2024-12-31"
SEGMENT = "At risk"
#: cohorts with three months of follow-up inside 2024 (ex03.q6)
COHORT_CHOICES = [f"2024-{m:02d}" for m in range(1, 10)]


def _paid(shop, start=None, end=None):
    """Paid orders (paid_ts set), optionally paid in [start, end] (whole days)."""
    o = shop.orders
    o = o[o["paid_ts"].notna()]
    if start is not None:
        end_excl = pd.Timestamp(end) + pd.Timedelta(days=1)
        o = o[(o["paid_ts"] >= start) & (o["paid_ts"] < end_excl)]
    return o


# ---------------------------------------------------------------- q1 ------
def _rpb_q3(shop):
    return ecomkit.revenue_per_buyer(shop.orders, start=Q3[0], end=Q3[1])


def _placed_customers_q3(shop):
    """Paid amount ÷ every customer who placed an order in Q3 (paid or not)."""
    o = shop.orders
    placed = o[(o["order_ts"] >= Q3[0]) & (o["order_ts"] < "2024-10-01")]
    return float(_paid(shop, *Q3)["paid_amount"].sum() / placed["customer_id"].nunique())


# ---------------------------------------------------------------- q2/q3 ---
def _rep(method, window=H2):
    return lambda shop: ecomkit.repurchase_rate(shop.orders, start=window[0], end=window[1], method=method)


def _orders_of_repeat_buyers_h2(shop):
    """Share of H2 paid orders placed by buyers with ≥ 2 paid orders in H2."""
    n = _paid(shop, *H2).groupby("customer_id").size()
    return float(n[n >= 2].sum() / n.sum())


# ---------------------------------------------------------------- q4 ------
def _nvr(shop, lookback=LOOKBACK):
    t = ecomkit.new_vs_returning(shop.orders, start=Q4[0], end=Q4[1], lookback=lookback)
    return t.set_index("customer_type")


# ---------------------------------------------------------------- q5 ------
def _retention(shop, period, calculation="standard"):
    r = ecomkit.cohort_retention(shop.orders, freq="M", calculation=calculation)
    cell = r[(r["cohort"] == pd.Timestamp(RETENTION_COHORT + "-01")) & (r["period"] == period)]
    return float(cell["retention"].iloc[0])


def _sep_buyers_back_in_oct(shop):
    """All September buyers (not only first-time ones) who bought again in October."""
    sep = set(_paid(shop, "2024-09-01", "2024-09-30")["customer_id"])
    octo = set(_paid(shop, "2024-10-01", "2024-10-31")["customer_id"])
    return len(sep & octo) / len(sep)


def _n_day_sep(shop):
    return ecomkit.repurchase_rate(shop.orders, start="2024-09-01", end="2024-09-30", method="n_day", n_days=30)


# ---------------------------------------------------------------- q6/q7 ---
def _worst_cohort(shop, calculation="cumulative"):
    r = ecomkit.cohort_retention(shop.orders, freq="M", calculation=calculation)
    k3 = r[(r["period"] == 3) & r["cohort"].dt.strftime("%Y-%m").isin(COHORT_CHOICES)]
    return k3.loc[k3["retention"].idxmin(), "cohort"].strftime("%Y-%m")


def _first_orders(shop):
    """Each customer's first paid order, with its coupon's kind, face value and min spend."""
    paid = _paid(shop).sort_values(["paid_ts", "order_id"]).drop_duplicates("customer_id")
    coupons = shop.coupons.set_index("coupon_id")
    return paid.assign(
        cohort=paid["paid_ts"].dt.strftime("%Y-%m"),
        kind=paid["coupon_id"].map(coupons["kind"]).astype("object"),
        face_value=paid["coupon_id"].map(coupons["face_value"]),
        min_spend=paid["coupon_id"].map(coupons["min_spend"]),
    )


def _top_coupon(firsts):
    """(kind, face value, min spend) of the most common coupon on these orders."""
    used = firsts[firsts["kind"].notna()]
    return used.groupby(["kind", "face_value", "min_spend"]).size().idxmax()


def _cohort_coupon(shop, field):
    firsts = _first_orders(shop)
    top = _top_coupon(firsts[firsts["cohort"] == _worst_cohort(shop)])
    return float(top[{"face_value": 1, "min_spend": 2}[field]])


def _year_first_order_coupon(shop):
    return float(_top_coupon(_first_orders(shop))[1])


def _cohort_mean_face_value(shop):
    firsts = _first_orders(shop)
    return float(firsts.loc[firsts["cohort"] == _worst_cohort(shop), "face_value"].mean())


# ---------------------------------------------------------------- q8 ------
def _segments(shop, as_of=AS_OF, **kwargs):
    return ecomkit.rfm_segments(ecomkit.rfm_table(shop.orders, as_of=as_of, **kwargs))


def _at_risk(shop, **kwargs):
    return int((_segments(shop, **kwargs)["segment"] == SEGMENT).sum())


def _at_risk_orders(shop):
    seg = _segments(shop)
    return int(seg.loc[seg["segment"] == SEGMENT, "frequency"].sum())


# ---------------------------------------------------------------- q9 ------
def _gap_p90(shop, **kwargs):
    return float(ecomkit.churn_thresholds(shop.orders, quantiles=0.9, **kwargs).iloc[0])


def _gaps_unmerged(shop):
    """Gaps between consecutive paid orders, from the timestamps (same-day orders kept)."""
    p = _paid(shop).sort_values(["customer_id", "paid_ts"])
    return p.groupby("customer_id")["paid_ts"].diff().dt.days.dropna()


def _gap_mean(shop):
    p = _paid(shop)
    days = p.assign(day=p["paid_ts"].dt.normalize())[["customer_id", "day"]].drop_duplicates()
    return float(days.sort_values(["customer_id", "day"]).groupby("customer_id")["day"].diff().dt.days.mean())


# ---------------------------------------------------------------- q10 -----
def _contact_table(shop):
    t = ecomkit.contact_repurchase_comparison(shop.contacts, orders=shop.orders, start=Q4[0], end=Q4[1])
    return t.set_index("group")["repurchase_rate"]


def _contact_rate_if(shop, member):
    """Q4 repurchase of the pre-Q4 buyers selected by ``member(contacts)``."""
    c = shop.contacts
    ids = set(c.loc[member(c), "customer_id"])
    base = set(_paid(shop, "2024-01-01", "2024-09-30")["customer_id"])
    back = set(_paid(shop, *Q4)["customer_id"])
    group = base & ids
    return len(group & back) / len(group)


def _invited_rate(shop):
    return _contact_rate_if(shop, lambda c: c["invited_ts"] < Q4[0])


def _contacts_by_end_rate(shop):
    return _contact_rate_if(
        shop, lambda c: (c["added_ts"] < "2025-01-01") & ~(c["removed_ts"] < "2025-01-01")
    )


QUESTIONS = [
    Question(
        "ex03.q1",
        "客单价 (paid amount ÷ paying buyers) of Q3 2024 (orders paid 2024-07-01 .. 2024-09-30)",
        _rpb_q3,
        kind="number",
        rtol=1e-6,
        alternatives=[
            Alternative("that is 笔单价 (AOV): paid amount ÷ paid ORDERS. 客单价 divides by paying "
                        "BUYERS: a buyer with three orders counts once.",
                        lambda shop: ecomkit.aov(shop.orders, start=Q3[0], end=Q3[1])),
            Alternative("that is the whole year's 客单价: keep only orders paid in Q3 (July to September).",
                        lambda shop: ecomkit.revenue_per_buyer(shop.orders, start=YEAR[0], end=YEAR[1])),
            Alternative("the denominator counts customers who placed an order, paid or not: a paying "
                        "buyer has a PAID order (paid_ts set) in the window.",
                        _placed_customers_q3),
        ],
        hint="Σ paid_amount of the orders paid in Q3 ÷ the number of distinct customer_id among them.",
    ),
    Question(
        "ex03.q2",
        "复购率 in H2 2024 (2024-07-01 .. 2024-12-31), default 口径: buyers with paid orders on ≥ 2 "
        "different days in H2 ÷ buyers with a paid order in H2",
        _rep("customers"),
        kind="rate",
        rtol=1e-6,
        alternatives=[
            Alternative("that is the by-orders 口径 ((orders − buyers) ÷ orders); this question counts "
                        "PEOPLE: buyers with ≥ 2 purchase days ÷ buyers.", _rep("orders")),
            Alternative("that is Shopify's returning-customer rate: it also counts orders BEFORE H2. "
                        "Look only inside the window.", _rep("shopify")),
            Alternative("that is the whole year's rate: keep only orders paid in H2.", _rep("customers", YEAR)),
        ],
        hint="per buyer of H2, count distinct payment DAYS (paid_ts.dt.normalize()) in H2; share with ≥ 2.",
    ),
    Question(
        "ex03.q3",
        "复购率 by orders (按订单) in H2 2024: (paid orders − buyers) ÷ paid orders, i.e. the share of "
        "H2 paid orders that are not a buyer's first order of H2",
        _rep("orders"),
        kind="rate",
        rtol=1e-6,
        alternatives=[
            Alternative("that is the default by-person 口径 (buyers with ≥ 2 purchase days ÷ buyers); "
                        "this one divides ORDERS.", _rep("customers")),
            Alternative("that is the share of orders placed by repeat buyers: it counts their first "
                        "orders too. Only the orders after a buyer's first one are repeat orders.",
                        _orders_of_repeat_buyers_h2),
            Alternative("that is the whole year's by-orders rate: keep only orders paid in H2.",
                        _rep("orders", YEAR)),
        ],
        hint="repeat orders = paid orders in H2 − distinct buyers in H2 (each buyer has one first order).",
    ),
    Question(
        "ex03.q4",
        f"returning buyers (老买家) of Q4 2024 with a {LOOKBACK}-day look-back: buyers with a paid order "
        f"in Q4 AND one in the {LOOKBACK} days before 2024-10-01",
        lambda shop: int(_nvr(shop).loc["returning", "buyers"]),
        kind="count",
        rtol=0,
        atol=0,
        alternatives=[
            Alternative("that uses the all-history look-back (any paid order before Q4); with a "
                        f"{LOOKBACK}-day look-back, buyers whose earlier purchase is older are "
                        "reactivated (回流), not returning.",
                        lambda shop: int(_nvr(shop, None).loc["returning", "buyers"])),
            Alternative("that is the number of NEW buyers (first ever paid order in Q4).",
                        lambda shop: int(_nvr(shop).loc["new", "buyers"])),
            Alternative("that counts the returning buyers' ORDERS; the question asks for people.",
                        lambda shop: int(_nvr(shop).loc["returning", "orders"])),
            Alternative("that is the number of reactivated buyers (回流: paid before, but longer ago "
                        f"than {LOOKBACK} days).",
                        lambda shop: int(_nvr(shop).loc["reactivated", "buyers"])),
        ],
        hint=f"Q4 buyers whose customer_id also has a paid order in [2024-10-01 − {LOOKBACK} days, 2024-10-01).",
    ),
    Question(
        "ex03.q5",
        f"month-1 retention of the {RETENTION_COHORT} first-purchase cohort: customers whose first ever "
        "paid order is in September 2024 and who have a paid order in October 2024 ÷ cohort size",
        lambda shop: _retention(shop, 1),
        kind="rate",
        rtol=1e-6,
        alternatives=[
            Alternative("that is month 2 (November); month 1 is the month right after the cohort month.",
                        lambda shop: _retention(shop, 2)),
            Alternative("that divides by ALL September buyers; a cohort holds only the customers whose "
                        "FIRST paid order is in September.", _sep_buyers_back_in_oct),
            Alternative("that is the 30-day repurchase (N日复购率, 30 days after each first purchase); "
                        "retention counts calendar month k after the cohort month.", _n_day_sep),
        ],
        hint="ecomkit.cohort_retention(orders, freq='M'): the row with cohort 2024-09-01 and period 1.",
        hidden=True,
    ),
    Question(
        "ex03.q6",
        "the first-purchase cohort (month, 'YYYY-MM', among 2024-01 .. 2024-09) with the lowest 3-month "
        "retention: share of the cohort with a paid order in at least one of months 1, 2 or 3 after it",
        _worst_cohort,
        kind="choice",
        choices=COHORT_CHOICES,
        alternatives=[
            Alternative("that cohort is lowest in month 3 ALONE (standard retention); the question asks "
                        "who came back at least once in months 1-3 (cumulative retention).",
                        lambda shop: _worst_cohort(shop, "standard")),
        ],
        hint="ecomkit.cohort_retention(orders, freq='M', calculation='cumulative'), period 3.",
    ),
    Question(
        "ex03.q7",
        "the face value (减 amount) of the coupon (kind, face value, min spend) used most often on the "
        "first paid orders of the cohort of Q6",
        lambda shop: _cohort_coupon(shop, "face_value"),
        kind="number",
        rtol=0,
        atol=1e-9,
        alternatives=[
            Alternative("that is the coupon's threshold (min_spend, the 满 of 满减); the question asks "
                        "its face value (the 减).", lambda shop: _cohort_coupon(shop, "min_spend")),
            Alternative("that is the most common coupon on the first orders of ALL cohorts; look only at "
                        "the cohort of Q6.", _year_first_order_coupon),
            Alternative("that is the mean face value over the cohort's first orders; the question asks "
                        "for the most common coupon.", _cohort_mean_face_value),
        ],
        hint="join each first paid order's coupon_id to `coupons`; count (kind, face_value, min_spend).",
    ),
    Question(
        "ex03.q8",
        f"the number of customers in the RFM segment '{SEGMENT}' at as_of={AS_OF} "
        "(ecomkit.rfm_table with default quintile scores, then ecomkit.rfm_segments)",
        _at_risk,
        kind="count",
        rtol=0,
        atol=0,
        alternatives=[
            Alternative("that counts the segment's paid ORDERS (the F column summed); the question asks "
                        "for customers.", _at_risk_orders),
            Alternative(f"that is the segment at another date (2024-09-30); score at as_of={AS_OF}.",
                        lambda shop: _at_risk(shop, as_of="2024-09-30")),
            Alternative("that scores only H2 orders (start='2024-07-01'); use the whole history up to as_of.",
                        lambda shop: _at_risk(shop, start="2024-07-01")),
        ],
        hint=f"seg = ecomkit.rfm_segments(ecomkit.rfm_table(orders, as_of='{AS_OF}')); count segment == '{SEGMENT}'.",
        hidden=True,
    ),
    Question(
        "ex03.q9",
        "the churn threshold (流失阈值): the 90th percentile of the gaps, in days, between consecutive "
        "purchase DAYS of the same customer over 2024 (same-day orders merged; numpy's default linear quantile)",
        _gap_p90,
        kind="number",
        rtol=0,
        atol=0.01,
        alternatives=[
            Alternative("that is the 80th percentile (the silent / 沉默 threshold); the churn threshold is "
                        "the 90th.", lambda shop: float(ecomkit.churn_thresholds(shop.orders, quantiles=0.8).iloc[0])),
            Alternative("that uses only each customer's LAST gap; the question uses every gap.",
                        lambda shop: _gap_p90(shop, gaps="last")),
            Alternative("those gaps come from timestamps with same-day orders kept: merge orders to purchase "
                        "DAYS (paid_ts.dt.normalize()) first, then take day differences.",
                        lambda shop: float(np.quantile(_gaps_unmerged(shop), 0.9))),
            Alternative("that is the mean gap; the threshold is the 90th percentile.", _gap_mean),
        ],
        hint="purchase days per customer → .diff() in days → np.quantile(gaps, 0.9).",
    ),
    Question(
        "ex03.q10",
        "Q4 2024 repurchase rate of private-domain contacts: among customers with a paid order before "
        "2024-10-01 who were contacts on 2024-10-01 (added_ts before it, not removed before it), the share "
        "with a paid order in Q4",
        lambda shop: float(_contact_table(shop)["contact"]),
        kind="rate",
        rtol=1e-6,
        alternatives=[
            Alternative("that is the NON-contacts' rate (the comparison group).",
                        lambda shop: float(_contact_table(shop)["non_contact"])),
            Alternative("that counts everyone INVITED as a contact; a contact is someone who accepted "
                        "(added_ts set) and was still there on 2024-10-01.", _invited_rate),
            Alternative("that takes the contacts at the END of Q4; customers who joined during Q4 often "
                        "joined right after a Q4 purchase. Fix the groups on 2024-10-01.", _contacts_by_end_rate),
            Alternative("that is the gap contacts − non-contacts; the question asks the contacts' rate.",
                        lambda shop: float(_contact_table(shop)["contact"] - _contact_table(shop)["non_contact"])),
        ],
        hint="ecomkit.contact_repurchase_comparison(contacts, orders=orders, start='2024-10-01', end='2024-12-31').",
    ),
]
