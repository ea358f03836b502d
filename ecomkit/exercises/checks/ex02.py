"""ex02 — conversion (转化): 支付转化率 in three 口径, funnels, carts, UV价值, a broken checkout.

Windows: May 2024 for the rates; the checkout-failure weeks and the four weeks
before them for the incident. The failure weeks are read from the shop's own
story table (``shop.stories``: the Monday at 58 % of the year, four weeks), so
the checks follow the generator if its dates ever move.
"""

import numpy as np
import pandas as pd

import ecomkit
from ecomkit._schema import DEVICES

from .._questions import Alternative, Question

MAY = ("2024-05-01", "2024-05-31")
_MAY_END_EXCL = "2024-06-01"


# ------------------------------------------------------------- helpers ----
def _may_sessions(shop):
    s = shop.sessions
    return s[s["start_ts"].between(MAY[0], _MAY_END_EXCL, inclusive="left")]


def _may_paid(shop):
    o = shop.orders
    return o[o["paid_ts"].between(MAY[0], _MAY_END_EXCL, inclusive="left")]


def _may_events(shop):
    e = shop.events
    return e[e["event_ts"].between(MAY[0], _MAY_END_EXCL, inclusive="left")]


def _uv(shop):
    return _may_sessions(shop)["visitor_id"].nunique()


def _cr(shop, method="visitor", **window):
    window = window or {"start": MAY[0], "end": MAY[1]}
    return ecomkit.conversion_rate(shop.orders, shop.sessions, method=method, **window)


def failure_weeks(shop):
    """(first day, last day) of the checkout failure, from ``shop.stories``."""
    row = shop.stories.set_index("id").loc["checkout_failure"]
    return pd.Timestamp(row["start"]), pd.Timestamp(row["end"]) - pd.Timedelta(days=1)


def weeks_before(shop):
    """The four weeks before the failure: (first day, last day)."""
    first, _ = failure_weeks(shop)
    return first - pd.Timedelta(days=28), first - pd.Timedelta(days=1)


def _checkout_pay(shop, start=None, end=None, unit="session", steps=("checkout", "payment")):
    """Per device: units with a checkout (``n``) and those that went on to pay (``paid``)."""
    f = ecomkit.funnel(shop.events, steps=steps, unit=unit, by="device", sessions=shop.sessions,
                       start=start, end=end)
    wide = f.pivot(index="device", columns="step", values="count").rename(
        columns={steps[-2]: "n", steps[-1]: "paid"})[["n", "paid"]]
    wide.index = wide.index.astype(str)
    wide.columns = wide.columns.astype(str)
    return wide.assign(rate=wide["paid"] / wide["n"])


def _failure_device(shop):
    during = _checkout_pay(shop, *failure_weeks(shop))["rate"]
    before = _checkout_pay(shop, *weeks_before(shop))["rate"]
    return str((before - during).idxmax())


def _ab(shop, device=None, unit="session", steps=("checkout", "payment"), swap=False, pooled=False):
    t = _checkout_pay(shop, *failure_weeks(shop), unit=unit, steps=steps)
    a, b = "app", device or _failure_device(shop)
    if swap:
        a, b = b, a
    res = ecomkit.ab_test(conversions_a=int(t.loc[a, "paid"]), n_a=int(t.loc[a, "n"]),
                          conversions_b=int(t.loc[b, "paid"]), n_b=int(t.loc[b, "n"]))
    if pooled:
        p = (res["conversions_a"] + res["conversions_b"]) / (res["n_a"] + res["n_b"])
        se = np.sqrt(p * (1 - p) * (1 / res["n_a"] + 1 / res["n_b"]))
        return float(res["diff"] + 1.959963984540054 * se)
    return res


def _step(shop, **kw):
    f = ecomkit.funnel(shop.events, start=MAY[0], end=MAY[1], **kw)
    return float(f["step_conversion"].iloc[-1])


# ----------------------------------------------------------- questions ----
QUESTIONS = [
    Question(
        "ex02.q1",
        "支付转化率 of May 2024, the default (生意参谋) 口径: paying buyers ÷ visitors (UV), a fraction",
        lambda shop: _cr(shop),
        kind="rate",
        rtol=1e-6,
        alternatives=[
            Alternative("that is the per-session 口径 (sessions with a paid order ÷ sessions, Shopify; in "
                        "this shop also paid orders ÷ sessions, the old Universal Analytics rate); the "
                        "question asks paying buyers ÷ visitors.", lambda shop: _cr(shop, "session")),
            Alternative("that divides paying buyers by sessions: people over visits. Divide by visitors "
                        "(distinct `visitor_id` of the May sessions).",
                        lambda shop: _may_paid(shop)["customer_id"].nunique() / len(_may_sessions(shop))),
            Alternative("that counts paid orders, not paying buyers: a buyer who paid twice counts once.",
                        lambda shop: len(_may_paid(shop)) / _uv(shop)),
            Alternative("that is 下单转化率 (buyers who PLACED an order, paid or not); 支付转化率 counts "
                        "buyers with an order PAID in May (`paid_ts`).",
                        lambda shop: ecomkit.order_conversion_rate(shop.orders, shop.sessions,
                                                                   start=MAY[0], end=MAY[1])),
            Alternative("that divides by logged-in customers only; UV counts every visitor, anonymous "
                        "ones too (`visitor_id`, not `customer_id`).",
                        lambda shop: _may_paid(shop)["customer_id"].nunique()
                        / _may_sessions(shop)["customer_id"].nunique()),
            Alternative("that is the whole year's rate: keep payments and visits of May only.",
                        lambda shop: _cr(shop, start=None, end=None)),
        ],
        hint="distinct `customer_id` of orders with `paid_ts` in May ÷ distinct `visitor_id` of "
             "sessions with `start_ts` in May.",
    ),
    Question(
        "ex02.q2",
        "支付转化率 of May 2024 per session (Shopify 口径): sessions started in May in which a paid "
        "order was placed ÷ sessions started in May, a fraction",
        lambda shop: _cr(shop, "session"),
        kind="rate",
        rtol=1e-6,
        alternatives=[
            Alternative("that is the per-visitor 口径 of Q1; here the unit is the session.",
                        lambda shop: _cr(shop)),
            Alternative("that divides paying BUYERS by sessions; the numerator must be sessions too: "
                        "sessions with a paid order (`orders.session_id`).",
                        lambda shop: _may_paid(shop)["customer_id"].nunique() / len(_may_sessions(shop))),
            Alternative("that counts sessions with ANY order, unpaid and cancelled ones too; count "
                        "sessions with a paid order (`paid_ts` set).",
                        lambda shop: _may_sessions(shop)["session_id"]
                        .isin(shop.orders["session_id"].dropna()).mean()),
        ],
        hint="`sessions.session_id.isin(paid_orders.session_id)` over the May sessions, then the mean.",
    ),
    Question(
        "ex02.q3",
        "reconciling the two tools: the per-visitor rate (Q1) ÷ the per-session rate (Q2) in May 2024",
        lambda shop: _cr(shop) / _cr(shop, "session"),
        kind="number",
        rtol=1e-6,
        alternatives=[
            Alternative("that is the inverse: divide the visitor rate by the session rate (it is > 1).",
                        lambda shop: _cr(shop, "session") / _cr(shop)),
            Alternative("that is sessions per visitor: it explains most of the ratio, but not all. "
                        "Divide the two rates.",
                        lambda shop: len(_may_sessions(shop)) / _uv(shop)),
            Alternative("that is the difference of the rates; the question asks their ratio.",
                        lambda shop: _cr(shop) - _cr(shop, "session")),
        ],
        hint="(buyers ÷ UV) ÷ (converting sessions ÷ sessions) = sessions per visitor × buyers per "
             "converting session.",
    ),
    Question(
        "ex02.q4",
        "checkout → payment step conversion of the closed session funnel product_view → add_to_cart → "
        "checkout → payment, events of May 2024, a fraction",
        lambda shop: _step(shop),
        kind="rate",
        rtol=1e-6,
        alternatives=[
            Alternative("that counts every checkout, buy-now (立即购买) ones without a cart too "
                        "(payment events ÷ checkout events, or a checkout → payment funnel); the "
                        "closed 4-step funnel counts only sessions that viewed, carted, then checked out.",
                        lambda shop: _step(shop, steps=("checkout", "payment"))),
            Alternative("that is the OPEN funnel (sessions may enter at any step); the question asks "
                        "the closed one.", lambda shop: _step(shop, mode="open")),
            Alternative("that is the VISITOR funnel; the question asks sessions.",
                        lambda shop: _step(shop, unit="visitor")),
            Alternative("that is the overall conversion (payment ÷ product_view); the question asks "
                        "the step from checkout to payment.",
                        lambda shop: float(ecomkit.funnel(shop.events, start=MAY[0], end=MAY[1])
                                           ["overall_conversion"].iloc[-1])),
        ],
        hint="`ecomkit.funnel(events, start=..., end=...)`: the `step_conversion` of the payment row.",
        hidden=True,
    ),
    Question(
        "ex02.q5",
        "add-to-cart rate (加购率) of May 2024 per visitor: visitors with an add_to_cart event ÷ "
        "visitors with any event in May, a fraction",
        lambda shop: ecomkit.add_to_cart_rate(shop.events, start=MAY[0], end=MAY[1]),
        kind="rate",
        rtol=1e-6,
        alternatives=[
            Alternative("that is the per-session rate; the question asks visitors.",
                        lambda shop: ecomkit.add_to_cart_rate(shop.events, unit="session",
                                                              start=MAY[0], end=MAY[1])),
            Alternative("that counts add_to_cart EVENTS (a visitor who carted three items counts three "
                        "times); count visitors who carted.",
                        lambda shop: (_may_events(shop)["event_type"] == "add_to_cart").sum()
                        / _may_events(shop)["visitor_id"].nunique()),
            Alternative("that is the whole year's rate: keep the events of May.",
                        lambda shop: ecomkit.add_to_cart_rate(shop.events)),
        ],
        hint="distinct `visitor_id` of May add_to_cart events ÷ distinct `visitor_id` of all May events.",
    ),
    Question(
        "ex02.q6",
        "cart abandonment rate (加购未支付率) of May 2024 per visitor: visitors who added to cart and "
        "had no payment event in May ÷ visitors who added to cart in May, a fraction",
        lambda shop: ecomkit.cart_abandonment_rate(shop.events, start=MAY[0], end=MAY[1]),
        kind="rate",
        rtol=1e-6,
        alternatives=[
            Alternative("that is the per-session rate; the question asks visitors (a visitor who "
                        "carted on Monday and paid on Thursday did not abandon).",
                        lambda shop: ecomkit.cart_abandonment_rate(shop.events, unit="session",
                                                                   start=MAY[0], end=MAY[1])),
            Alternative("that is the share who DID pay (1 − abandonment).",
                        lambda shop: 1 - ecomkit.cart_abandonment_rate(shop.events, start=MAY[0],
                                                                       end=MAY[1])),
            Alternative("that is checkout abandonment (弃单率, out of visitors who checked out); the "
                        "question starts from the cart.",
                        lambda shop: ecomkit.checkout_abandonment_rate(shop.events, start=MAY[0],
                                                                       end=MAY[1])),
        ],
        hint="set of May carters minus set of May payers, divided by the number of May carters.",
    ),
    Question(
        "ex02.q7",
        "UV价值 (revenue per visitor) of May 2024: 支付金额 of orders paid in May ÷ UV of May, in "
        "currency per visitor",
        lambda shop: ecomkit.uv_value(shop.orders, shop.sessions, start=MAY[0], end=MAY[1]),
        kind="number",
        rtol=1e-6,
        alternatives=[
            Alternative("that is 支付转化率 × 笔单价 (AOV, per ORDER); UV价值 = 支付转化率 × 客单价 "
                        "(per BUYER) = 支付金额 ÷ UV.",
                        lambda shop: _cr(shop) * ecomkit.aov(shop.orders, start=MAY[0], end=MAY[1])),
            Alternative("that uses GMV 拍下金额 (every placed order, paid or not); UV价值 uses 支付金额.",
                        lambda shop: ecomkit.gmv(shop.orders, start=MAY[0], end=MAY[1]) / _uv(shop)),
            Alternative("that divides by sessions; UV价值 divides by visitors.",
                        lambda shop: _may_paid(shop)["paid_amount"].sum() / len(_may_sessions(shop))),
            Alternative("that uses net sales (净销售额, after refunds, without shipping); UV价值 uses "
                        "支付金额.",
                        lambda shop: ecomkit.net_sales(shop.orders, shop.refunds, start=MAY[0],
                                                       end=MAY[1]) / _uv(shop)),
        ],
        hint="Σ `paid_amount` of orders with `paid_ts` in May ÷ May UV; it equals Q1 × 客单价.",
    ),
    Question(
        "ex02.q8",
        "the device whose closed checkout → payment rate (sessions) fell the most, in points, in the "
        "four failure weeks (2024-07-29 .. 2024-08-25) compared with the four weeks before",
        _failure_device,
        kind="choice",
        choices=list(DEVICES),
        alternatives=[
            Alternative("that device has the lowest checkout → payment rate over the whole YEAR; compare "
                        "the failure weeks with the weeks before.",
                        lambda shop: str(_checkout_pay(shop)["rate"].idxmin())),
            Alternative("that device has the most checkouts in those weeks; the question asks whose "
                        "RATE fell.",
                        lambda shop: str(_checkout_pay(shop, *failure_weeks(shop))["n"].idxmax())),
        ],
        hint="per device: sessions with a checkout and those that then paid, in both windows; "
             "compare the rates.",
    ),
    Question(
        "ex02.q9",
        "A/B-style comparison in the failure weeks, closed checkout → payment per session: the upper "
        "end of the 95 % Wald interval of rate(failing device) − rate(app)",
        lambda shop: float(_ab(shop)["ci_high"]),
        kind="number",
        rtol=0,
        atol=5e-4,
        alternatives=[
            Alternative("that is app − failing device; the question asks failing device − app "
                        "(B = the failing device, A = app).",
                        lambda shop: float(_ab(shop, swap=True)["ci_high"])),
            Alternative("that is the LOWER end of the interval; the question asks the upper end.",
                        lambda shop: float(_ab(shop)["ci_low"])),
            Alternative("that interval uses the pooled standard error (that is for the z-test); the "
                        "Wald interval uses each group's own rate.",
                        lambda shop: _ab(shop, pooled=True)),
            Alternative("that counts visitors; the question asks sessions.",
                        lambda shop: float(_ab(shop, unit="visitor")["ci_high"])),
        ],
        hint="`ecomkit.ab_test(conversions_a=..., n_a=..., conversions_b=..., n_b=...)` with A = app "
             "and B = the failing device, counts from the failure weeks.",
        hidden=True,
    ),
    Question(
        "ex02.q10",
        "the recommended action (A, B, C or D; see the notebook for the options)",
        lambda shop: "B",
        kind="choice",
        choices=["A", "B", "C", "D"],
        alternatives=[
            Alternative("more traffic does not help: visitors kept coming and carting, the payment "
                        "step failed. Fix the payment first.", lambda shop: "A"),
            Alternative("a coupon cannot fix a payment that fails: buyers who wanted to pay could not.",
                        lambda shop: "C"),
            Alternative("the earlier steps (view → cart → checkout) did not move; only checkout → "
                        "payment on one device collapsed.", lambda shop: "D"),
        ],
    ),
]
