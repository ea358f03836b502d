"""ex05 — GMV diagnosis (GMV诊断): three revenue bases, 销售额 = 访客数 × 支付转化率 × 客单价, LMDI.

Windows: June 2024 for the revenue bases; for the diagnosis the four
checkout-failure weeks ("during", read from ``shop.stories``) against the four
weeks before them ("before"). GMV in the identity and the decomposition is
支付金额 (paid amount), the basis on which the identity is exact.
"""

import pandas as pd

import ecomkit
from ecomkit._schema import DEVICES

from .._questions import Alternative, Question
from .ex02 import failure_weeks, weeks_before

JUNE = ("2024-06-01", "2024-06-30")
_JUNE_END_EXCL = "2024-07-01"
FACTORS = ["uv", "pay_conversion", "revenue_per_buyer"]


# ------------------------------------------------------------- helpers ----
def _june_paid(shop):
    o = shop.orders
    return o[o["paid_ts"].between(JUNE[0], _JUNE_END_EXCL, inclusive="left")]


def _june_refunds(shop):
    r = shop.refunds
    return r[r["refund_ts"].between(JUNE[0], _JUNE_END_EXCL, inclusive="left")]


def _periods(shop):
    return {"base": weeks_before(shop), "current": failure_weeks(shop)}


def _factors(shop, period, *, per_order=False, per_session=False):
    """UV, 支付转化率, 客单价 of a period (or the per-order / per-session mistakes)."""
    lo, hi = period
    s, o = shop.sessions, shop.orders
    visits = s[(s["start_ts"] >= lo) & (s["start_ts"] < hi + pd.Timedelta(days=1))]
    paid = o[(o["paid_ts"] >= lo) & (o["paid_ts"] < hi + pd.Timedelta(days=1))]
    uv = len(visits) if per_session else visits["visitor_id"].nunique()
    buyers = paid["customer_id"].nunique()
    amount = float(paid["paid_amount"].sum())
    if per_order:  # 支付转化率 as paid orders ÷ UV and 笔单价 (AOV) instead of 客单价
        return {"uv": uv, "pay_conversion": len(paid) / uv, "revenue_per_buyer": amount / len(paid)}
    return {"uv": uv, "pay_conversion": buyers / uv, "revenue_per_buyer": amount / buyers}


def _change(shop, method="lmdi", **kw):
    p = _periods(shop)
    return ecomkit.gmv_change(shop.orders, shop.sessions, base=p["base"], current=p["current"],
                              method=method, **kw)


def _contribution(shop, factor="pay_conversion", method="lmdi", column="contribution", **kw):
    return float(_change(shop, method, **kw).set_index("factor").loc[factor, column])


def _paid_change(shop, swap=False):
    p = _periods(shop)
    v0, v1 = (ecomkit.paid_amount(shop.orders, start=lo, end=hi) for lo, hi in (p["base"], p["current"]))
    return v0 - v1 if swap else v1 - v0


def _lmdi_per_order(shop):
    """LMDI conversion contribution with orders ÷ UV as 'conversion' (and 笔单价)."""
    p = _periods(shop)
    x0, x1 = _factors(shop, p["base"], per_order=True), _factors(shop, p["current"], per_order=True)
    return float(ecomkit.decompose_change(x0, x1).set_index("factor").loc["pay_conversion", "contribution"])


def _sequential(shop, order):
    return _contribution(shop, method="sequential", order=order)


_FIRST = ["pay_conversion", "uv", "revenue_per_buyer"]
_LAST = ["uv", "revenue_per_buyer", "pay_conversion"]


def _devices(shop):
    p = _periods(shop)
    seg = ecomkit.gmv_change(shop.orders, shop.sessions, base=p["base"], current=p["current"],
                             by="device", level="segment")
    seg["device"] = seg["device"].astype(str)
    return seg


def _device_conversion_driver(shop):
    seg = _devices(shop)
    return str(seg[seg["factor"] == "pay_conversion"].set_index("device")["contribution"].idxmin())


# ----------------------------------------------------------- questions ----
QUESTIONS = [
    Question(
        "ex05.q1",
        "GMV (拍下金额) of June 2024: Σ order_amount of every order PLACED in June (order_ts), paid "
        "or not, in currency",
        lambda shop: ecomkit.gmv(shop.orders, start=JUNE[0], end=JUNE[1]),
        kind="number",
        rtol=0,
        atol=0.01,
        alternatives=[
            Alternative("that counts only PAID orders (支付金额); GMV 拍下金额 counts every order placed "
                        "in June, unpaid and cancelled ones too.",
                        lambda shop: ecomkit.paid_amount(shop.orders, start=JUNE[0], end=JUNE[1])),
            Alternative("that is net sales (净销售额: after discounts and refunds, without shipping); "
                        "GMV is the placed amount.",
                        lambda shop: ecomkit.net_sales(shop.orders, shop.refunds, start=JUNE[0], end=JUNE[1])),
            Alternative("that sums list prices (`list_amount`); GMV is `order_amount` = list − discount + "
                        "shipping fee.",
                        lambda shop: float(shop.orders.loc[shop.orders["order_ts"].between(
                            JUNE[0], _JUNE_END_EXCL, inclusive="left"), "list_amount"].sum())),
        ],
        hint="Σ `order_amount` of orders with `order_ts` in June, whatever their `status`.",
    ),
    Question(
        "ex05.q2",
        "net sales (净销售额, Shopify 口径) of June 2024: Σ (list_amount − discount_amount) of orders "
        "PAID in June minus the goods part of refunds booked in June (refund_ts), shipping excluded",
        lambda shop: ecomkit.net_sales(shop.orders, shop.refunds, start=JUNE[0], end=JUNE[1]),
        kind="number",
        rtol=0,
        atol=0.01,
        alternatives=[
            Alternative("that is 支付金额 (paid amount: shipping included, refunds not deducted).",
                        lambda shop: ecomkit.paid_amount(shop.orders, start=JUNE[0], end=JUNE[1])),
            Alternative("refunds are missing: subtract the refunds booked in June.",
                        lambda shop: float((_june_paid(shop)["list_amount"]
                                            - _june_paid(shop)["discount_amount"]).sum())),
            Alternative("that is 支付金额 − refunds: net sales excludes shipping, so start from "
                        "list − discount, not from the paid amount.",
                        lambda shop: float(_june_paid(shop)["paid_amount"].sum()
                                           - _june_refunds(shop)["refund_amount"].sum())),
            Alternative("that books refunds on the payment date of their order; the question books "
                        "them on the day of the refund (`refund_ts`).",
                        lambda shop: ecomkit.net_sales(shop.orders, shop.refunds, refund_dating="order",
                                                       start=JUNE[0], end=JUNE[1])),
            Alternative("that is GMV (拍下金额).",
                        lambda shop: ecomkit.gmv(shop.orders, start=JUNE[0], end=JUNE[1])),
        ],
        hint="goods of June-paid orders (list − discount) minus `refund_amount` of June refunds.",
    ),
    Question(
        "ex05.q3",
        "the sales identity in the failure weeks: {'uv': 访客数, 'pay_conversion': paying buyers ÷ UV, "
        "'revenue_per_buyer': 支付金额 ÷ paying buyers (客单价)}",
        lambda shop: _factors(shop, failure_weeks(shop)),
        kind="mapping",
        rtol=1e-6,
        alternatives=[
            Alternative("that uses paid ORDERS where the identity needs BUYERS: 支付转化率 = paying "
                        "buyers ÷ UV and 客单价 = 支付金额 ÷ paying buyers (not 笔单价 per order).",
                        lambda shop: _factors(shop, failure_weeks(shop), per_order=True)),
            Alternative("that counts sessions as visitors: 访客数 is distinct `visitor_id`.",
                        lambda shop: _factors(shop, failure_weeks(shop), per_session=True)),
            Alternative("those are the four weeks BEFORE the failure; the question asks the failure weeks.",
                        lambda shop: _factors(shop, weeks_before(shop))),
        ],
        hint="UV, buyers and 支付金额 of the window; their product uv × pay_conversion × "
             "revenue_per_buyer must equal 支付金额.",
    ),
    Question(
        "ex05.q4",
        "ΔGMV on the 支付金额 basis: paid amount of the failure weeks − paid amount of the four weeks "
        "before, in currency",
        _paid_change,
        kind="number",
        rtol=0,
        atol=0.01,
        alternatives=[
            Alternative("the sign is reversed: current (failure weeks) − base (weeks before).",
                        lambda shop: _paid_change(shop, swap=True)),
            Alternative("that is the change of GMV 拍下金额 (placed orders); the identity and the "
                        "decomposition use 支付金额.",
                        lambda shop: ecomkit.gmv(shop.orders, start=failure_weeks(shop)[0], end=failure_weeks(shop)[1])
                        - ecomkit.gmv(shop.orders, start=weeks_before(shop)[0], end=weeks_before(shop)[1])),
            Alternative("that is the change of net sales; the identity and the decomposition use 支付金额.",
                        lambda shop: ecomkit.net_sales(shop.orders, shop.refunds, start=failure_weeks(shop)[0],
                                                       end=failure_weeks(shop)[1])
                        - ecomkit.net_sales(shop.orders, shop.refunds, start=weeks_before(shop)[0],
                                            end=weeks_before(shop)[1])),
        ],
        hint="Σ `paid_amount` with `paid_ts` in the failure weeks minus the same for the weeks before.",
    ),
    Question(
        "ex05.q5",
        "LMDI-I contribution of 支付转化率 to ΔGMV (支付金额, failure weeks vs the four weeks before), "
        "in currency; your own implementation is accepted within 0.001 %",
        lambda shop: _contribution(shop),
        kind="number",
        rtol=1e-5,
        atol=0.01,
        alternatives=[
            Alternative("that is the Shapley contribution (Q6); LMDI weights ln(CR1 / CR0) with the "
                        "logarithmic mean L(GMV1, GMV0).", lambda shop: _contribution(shop, method="shapley")),
            Alternative("that is sequential substitution (连环替代, order uv → conversion → 客单价), which "
                        "depends on the order; the question asks LMDI.",
                        lambda shop: _contribution(shop, method="sequential")),
            Alternative("that is the SHARE of ΔGMV; the question asks the contribution in currency.",
                        lambda shop: _contribution(shop, column="share")),
            Alternative("the sign is reversed: base = the weeks before, current = the failure weeks.",
                        lambda shop: -_contribution(shop)),
            Alternative("that uses paid orders ÷ UV as conversion (and 笔单价); the identity needs paying "
                        "buyers ÷ UV and 客单价.", _lmdi_per_order),
        ],
        hint="L(a, b) = (a − b) / (ln a − ln b) of the two periods' 支付金额, times ln(CR_current / CR_base); "
             "or `ecomkit.gmv_change(orders, sessions, base=..., current=...)`.",
        hidden=True,
    ),
    Question(
        "ex05.q6",
        "Shapley contribution of 支付转化率 to the same ΔGMV, in currency; your own implementation is "
        "accepted within 0.001 %",
        lambda shop: _contribution(shop, method="shapley"),
        kind="number",
        rtol=1e-5,
        atol=0.01,
        alternatives=[
            Alternative("that is the LMDI contribution (Q5); Shapley averages conversion's marginal "
                        "effect over the 6 orders of switching the factors.", lambda shop: _contribution(shop)),
            Alternative("that is sequential substitution in ONE order (uv → conversion → 客单价); Shapley "
                        "averages over all six orders.", lambda shop: _contribution(shop, method="sequential")),
            Alternative("that is the SHARE of ΔGMV; the question asks the contribution in currency.",
                        lambda shop: _contribution(shop, method="shapley", column="share")),
        ],
        hint="`ecomkit.gmv_change(..., method='shapley')`, or average the six sequential orders.",
    ),
    Question(
        "ex05.q7",
        "the factor with the largest ABSOLUTE LMDI contribution to ΔGMV at shop level "
        "('uv', 'pay_conversion' or 'revenue_per_buyer')",
        lambda shop: str(_change(shop).set_index("factor")["contribution"].abs().idxmax()),
        kind="choice",
        choices=FACTORS,
        alternatives=[
            Alternative("that factor has the most NEGATIVE contribution; the question asks the largest "
                        "in absolute value, up or down.",
                        lambda shop: str(_change(shop).set_index("factor")["contribution"].idxmin())),
        ],
        hint="compare |contribution| of the three rows of Q5's decomposition.",
    ),
    Question(
        "ex05.q8",
        "device drill-down (gmv_change by='device', level='segment', LMDI): the device whose "
        "pay_conversion contribution is the most negative",
        _device_conversion_driver,
        kind="choice",
        choices=list(DEVICES),
        alternatives=[
            Alternative("that device's TOTAL contribution (all four factors) is the most negative; the "
                        "question asks its pay_conversion contribution.",
                        lambda shop: str(_devices(shop).groupby("device")["contribution"].sum().idxmin())),
            Alternative("that device's MIX contribution (traffic moving between devices) is the most "
                        "negative; the question asks pay_conversion.",
                        lambda shop: str(_devices(shop).query("factor == 'mix'")
                                         .set_index("device")["contribution"].idxmin())),
        ],
        hint="keep the rows with factor == 'pay_conversion' and take the device with the smallest "
             "contribution.",
    ),
    Question(
        "ex05.q9",
        "sequential substitution (连环替代法): conversion's contribution when it is switched FIRST "
        "(order pay_conversion, uv, revenue_per_buyer) minus when it is switched LAST (order uv, "
        "revenue_per_buyer, pay_conversion), in currency",
        lambda shop: _sequential(shop, _FIRST) - _sequential(shop, _LAST),
        kind="number",
        rtol=1e-5,
        atol=0.01,
        alternatives=[
            Alternative("the sign is reversed: first minus last.",
                        lambda shop: _sequential(shop, _LAST) - _sequential(shop, _FIRST)),
            Alternative("that compares conversion FIRST with the default order (uv, pay_conversion, "
                        "revenue_per_buyer), where it is second; the question asks first vs LAST.",
                        lambda shop: _sequential(shop, _FIRST) - _sequential(shop, FACTORS)),
        ],
        hint="first: ΔCR × UV0 × 客单价0; last: ΔCR × UV1 × 客单价1 (or "
             "`gmv_change(..., method='sequential', order=[...])`).",
        hidden=True,
    ),
    Question(
        "ex05.q10",
        "the recommended action (A, B, C or D; see the notebook for the options)",
        lambda shop: "B",
        kind="choice",
        choices=["A", "B", "C", "D"],
        alternatives=[
            Alternative("traffic is not what broke: the drill-down puts the loss on one device's "
                        "conversion.", lambda shop: "A"),
            Alternative("客单价 is not what broke: the buyers who could pay spent as usual; the loss "
                        "is buyers who could not pay on one device.", lambda shop: "C"),
            Alternative("the shop total can hide an incident behind noise in traffic and 客单价; the "
                        "device drill-down shows a real loss on one device.", lambda shop: "D"),
        ],
    ),
]

