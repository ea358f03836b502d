"""ex04 — finance (财务): net sales, margins, cost ratios, carrier and CPC stories, ROAS vs ROI."""

import numpy as np
import pandas as pd

import ecomkit

from .._questions import Alternative, Question

DEC = {"start": "2024-12-01", "end": "2024-12-31"}
Q4 = {"start": "2024-10-01", "end": "2024-12-31"}
YEAR = {"start": "2024-01-01", "end": "2024-12-31"}
MONTHS = [f"2024-{m:02d}" for m in range(2, 13)]  # months that have a previous month
#: affiliate (淘宝客) is paid per sale: its "CPC" is no price, so ex04.q7 leaves it out
CPS_CHANNELS = ("affiliate",)
ACTIONS = ("cut", "raise", "keep", "carrier")


def _in_month(ts: pd.Series, month: str) -> pd.Series:
    start = pd.Timestamp(month + "-01")
    return (ts >= start) & (ts < start + pd.offsets.MonthBegin(1))


def _paid_dec(shop):
    o = shop.orders
    return o[o["paid_ts"].notna() & _in_month(o["paid_ts"], "2024-12")]


def _refunds_dec(shop):
    r = shop.refunds
    return float(r.loc[_in_month(r["refund_ts"], "2024-12"), "refund_amount"].sum())


# ---------------------------------------------------------------- q1 ------
def _net_sales_dec(shop, **kwargs):
    return ecomkit.net_sales(shop.orders, shop.refunds, **DEC, **kwargs)


def _goods_dec(shop):
    p = _paid_dec(shop)
    return float((p["list_amount"] - p["discount_amount"]).sum())


# ---------------------------------------------------------------- q2 ------
def _gm_dec(shop, refunds=True, **kwargs):
    return ecomkit.gross_margin(shop.orders, shop.order_items, shop.refunds if refunds else None, **DEC, **kwargs)


def _gp_over_paid_dec(shop):
    row = ecomkit.pnl_table(shop.orders, shop.order_items, shop.refunds, shop.costs,
                            shop.marketing_spend, freq="M", **DEC).iloc[0]
    return float(row["gross_profit"] / row["paid_amount"])


# ---------------------------------------------------------------- q3 ------
def _logistics_dec(shop, base="net_sales"):
    return ecomkit.cost_ratio(shop.orders, shop.refunds, kind="logistics", base=base, **DEC)


def _shipping_fee_ratio_dec(shop):
    return float(_paid_dec(shop)["shipping_fee"].sum() / _net_sales_dec(shop))


def _shipped_dec_ratio(shop):
    o = shop.orders
    shipped = o.loc[o["shipped_ts"].notna() & _in_month(o["shipped_ts"], "2024-12"), "shipping_cost"]
    return float(shipped.sum() / _net_sales_dec(shop))


# ---------------------------------------------------------------- q4/q5 ---
def _per_order(shop, by="shipped_ts", what="mean"):
    """Shipping cost per shipped order (or total), by month of ``by``."""
    o = shop.orders
    shipped = o[o["shipped_ts"].notna()]
    month = shipped[by].dt.strftime("%Y-%m")
    return shipped.groupby(month)["shipping_cost"].agg(what)


def _carrier_month(shop):
    return str(_per_order(shop).pct_change().idxmax())


def _month_before(month: str) -> str:
    return (pd.Period(month, "M") - 1).strftime("%Y-%m")


def _ratio_jump_month(shop):
    r = ecomkit.cost_ratio(shop.orders, shop.refunds, kind="logistics", freq="M")
    return r.pct_change().idxmax().strftime("%Y-%m")


def _carrier_change(shop, by="shipped_ts", what="mean", ratio=False):
    s = _per_order(shop, by, what)
    m = _carrier_month(shop)
    value = float(s[m] / s[_month_before(m)])
    return value if ratio else value - 1


# ---------------------------------------------------------------- q6 ------
def _ps(series):
    return float(series["paid_search"])


def _roi_dec(shop, refunds=True):
    return _ps(ecomkit.roi(shop.orders, shop.order_items, shop.marketing_spend,
                           refunds=shop.refunds if refunds else None, **DEC))


def _roas_dec(shop):
    return _ps(ecomkit.roas(shop.orders, shop.marketing_spend, **DEC))


# ---------------------------------------------------------------- q7 ------
def _cpc_jump(shop, drop=CPS_CHANNELS, before=False):
    cpc = ecomkit.cpc(shop.marketing_spend, by="channel", freq="M").unstack("channel")
    cpc = cpc.drop(columns=[c for c in drop if c in cpc.columns])
    cpc = cpc.where(cpc > 0)  # a month with free clicks has no click price
    jump = (cpc / cpc.shift() - 1).replace([np.inf, -np.inf], np.nan).stack()
    period, channel = jump.idxmax()
    month = period.strftime("%Y-%m")
    return [str(channel), _month_before(month) if before else month]


# ---------------------------------------------------------------- q8/q10 --
def _break_even(shop, window=Q4):
    return ecomkit.break_even_roas(shop.orders, shop.order_items, shop.refunds, shop.costs, **window)


def _action(shop):
    roas_ns = _ps(ecomkit.roas(shop.orders, shop.marketing_spend, refunds=shop.refunds,
                               basis="net_sales", **Q4))
    return "cut" if roas_ns < _break_even(shop) else "raise"


# ---------------------------------------------------------------- q9 ------
def _ship48(shop, hours=48):
    return ecomkit.ship_within_rate(shop.orders, hours=hours, **DEC)


def _ship48_all_paid(shop):
    p = _paid_dec(shop)
    return float(((p["shipped_ts"] - p["paid_ts"]) <= pd.Timedelta(hours=48)).sum() / len(p))


def _ship48_by_ship_month(shop):
    o = shop.orders
    s = o[o["shipped_ts"].notna() & _in_month(o["shipped_ts"], "2024-12")]
    return float(((s["shipped_ts"] - s["paid_ts"]) <= pd.Timedelta(hours=48)).mean())


QUESTIONS = [
    Question(
        "ex04.q1",
        "net sales 净销售额 of December 2024, P&L 口径: Σ (list_amount − discount_amount) of orders paid in "
        "December − the goods refunded in December (refunds completed by refund_ts, each capped at what is "
        "left of its order's goods value); shipping excluded",
        _net_sales_dec,
        kind="number",
        rtol=0,
        atol=0.01,
        alternatives=[
            Alternative("that deducts every refund in full, so the shipping fees given back come off "
                        "too; net sales never contained shipping: count a refund only up to what is left "
                        "of its order's goods value (list − discount).",
                        lambda shop: _net_sales_dec(shop, refund_cap="none")),
            Alternative("that deducts the refunds of December's ORDERS (dated by payment); the P&L books "
                        "a refund on its refund date (refund_ts), whatever order it belongs to.",
                        lambda shop: _net_sales_dec(shop, refund_dating="order")),
            Alternative("the refunds are missing: net sales = list − discount − refunds.", _goods_dec),
            Alternative("that is 支付金额 (paid amount): it includes shipping and ignores refunds.",
                        lambda shop: ecomkit.paid_amount(shop.orders, **DEC)),
            Alternative("that still contains the shipping fees charged to buyers: start from list − "
                        "discount, not from paid_amount.",
                        lambda shop: float(_paid_dec(shop)["paid_amount"].sum() - _refunds_dec(shop))),
        ],
        hint="orders paid in December: (list_amount − discount_amount).sum(); minus the refunds with refund_ts in "
             "December, each at most what is left of its order's list − discount (earlier refunds first).",
    ),
    Question(
        "ex04.q2",
        "gross margin 毛利率 of December 2024: (net sales − COGS) ÷ net sales, COGS less the cost of goods "
        "returned in December (ecomkit.gross_margin / pnl_table defaults)",
        _gm_dec,
        kind="rate",
        rtol=1e-6,
        alternatives=[
            Alternative("that keeps returned goods in COGS (returned_goods='write_off'); by default goods "
                        "that came back leave COGS on the refund date.",
                        lambda shop: _gm_dec(shop, returned_goods="write_off")),
            Alternative("that ignores refunds (and the goods that came back): pass shop.refunds.",
                        lambda shop: _gm_dec(shop, refunds=False)),
            Alternative("that divides gross profit by 支付金额; margins are shares of NET SALES.",
                        _gp_over_paid_dec),
        ],
        hint="ecomkit.gross_margin(orders, order_items, refunds, start=..., end=...), or gross_profit ÷ "
             "net_sales in pnl_table.",
        hidden=True,
    ),
    Question(
        "ex04.q3",
        "logistics cost ratio 物流费占比 of December 2024: Σ shipping_cost (the carrier's fee) of orders paid "
        "in December ÷ December net sales (the P&L 口径 of Q1)",
        _logistics_dec,
        kind="rate",
        rtol=1e-6,
        alternatives=[
            Alternative("that divides by GMV (拍下金额, all placed orders): a larger base, so a smaller ratio. "
                        "The default base is net sales.", lambda shop: _logistics_dec(shop, "gmv")),
            Alternative("that divides by 支付金额 (paid amount); the default base is net sales.",
                        lambda shop: _logistics_dec(shop, "paid_amount")),
            Alternative("that uses shipping_fee (what BUYERS paid for shipping); the cost is shipping_cost, "
                        "what the shop pays the carrier.", _shipping_fee_ratio_dec),
            Alternative("that takes the orders SHIPPED in December; the P&L books the carrier fee of an "
                        "order on its payment date.", _shipped_dec_ratio),
        ],
        hint="ecomkit.cost_ratio(orders, refunds, kind='logistics', start=..., end=...).",
    ),
    Question(
        "ex04.q4",
        "the month ('YYYY-MM') in which shipping cost per shipped order (Σ shipping_cost ÷ orders, by "
        "month of shipped_ts) rose most over the month before",
        _carrier_month,
        kind="choice",
        choices=MONTHS,
        alternatives=[
            Alternative("that month the logistics RATIO jumped most, but a ratio also moves when net sales "
                        "move; cost per shipped order shows the carrier's price alone.", _ratio_jump_month),
            Alternative("that is the last month at the old price; the step shows in the month after it.",
                        lambda shop: _month_before(_carrier_month(shop))),
        ],
        hint="group shipped orders by shipped_ts month, mean shipping_cost, .pct_change().idxmax().",
    ),
    Question(
        "ex04.q5",
        "by how much shipping cost per shipped order changed in the month of Q4 against the month before "
        "(a fraction: after ÷ before − 1; months of shipped_ts)",
        _carrier_change,
        kind="number",
        rtol=1e-6,
        alternatives=[
            Alternative("that is the ratio after ÷ before; the change is that ratio − 1.",
                        lambda shop: _carrier_change(shop, ratio=True)),
            Alternative("that groups orders by the month they were PAID; the carrier bills when the parcel "
                        "ships (shipped_ts).", lambda shop: _carrier_change(shop, by="paid_ts")),
            Alternative("that is the change of the TOTAL shipping cost, which also moves with the number of "
                        "parcels: divide by the orders shipped.",
                        lambda shop: _carrier_change(shop, what="sum")),
        ],
        hint="cost per shipped order of the jump month ÷ that of the month before − 1.",
    ),
    Question(
        "ex04.q6",
        "ROI 投资回报率 of paid_search in December 2024 (last click): (gross profit of its paid orders, "
        "after their refunds − spend) ÷ spend",
        _roi_dec,
        kind="number",
        rtol=1e-6,
        atol=1e-6,
        alternatives=[
            Alternative("that is ROAS 投产比 (paid amount ÷ spend) — the number 直通车 and most Chinese "
                        "operators call \"ROI\". Profit-based ROI = (gross profit − spend) ÷ spend.",
                        _roas_dec),
            Alternative("that is (revenue − spend) ÷ spend = ROAS − 1: ROI subtracts the cost of the goods "
                        "too — use gross profit, not revenue.", lambda shop: _roas_dec(shop) - 1),
            Alternative("that is gross profit ÷ spend: subtract the spend first, ROI = (gross profit − "
                        "spend) ÷ spend.", lambda shop: _roi_dec(shop) + 1),
            Alternative("that ignores the refunds of those orders (refunds=shop.refunds).",
                        lambda shop: _roi_dec(shop, refunds=False)),
        ],
        hint="ecomkit.roi(orders, order_items, marketing_spend, refunds=refunds, start=..., end=...)['paid_search'].",
    ),
    Question(
        "ex04.q7",
        "the channel and month whose CPC (Σ spend ÷ Σ clicks per channel and month) rose most over the "
        "channel's previous month, as a list [channel, 'YYYY-MM']; leave out affiliate (paid per sale)",
        _cpc_jump,
        kind="list",
        alternatives=[
            Alternative("affiliate (淘宝客) is paid a commission per SALE: its spend ÷ clicks is no click "
                        "price (some months it has clicks and no spend). Leave it out.",
                        lambda shop: _cpc_jump(shop, drop=())),
            Alternative("that is the month BEFORE the jump: the jump shows in the month whose CPC is higher "
                        "than the previous month's.", lambda shop: _cpc_jump(shop, before=True)),
        ],
        hint="ecomkit.cpc(marketing_spend, by='channel', freq='M').unstack(); divide by .shift(), − 1.",
    ),
    Question(
        "ex04.q8",
        "break-even ROAS 盈亏平衡投产比 of Q4 2024 (2024-10-01 .. 2024-12-31): 1 ÷ contribution margin "
        "before marketing",
        _break_even,
        kind="number",
        rtol=1e-6,
        alternatives=[
            Alternative("that is 1 ÷ gross margin: before the ads, logistics, warehousing, packaging and "
                        "the platform and payment fees are paid too.",
                        lambda shop: 1 / ecomkit.gross_margin(shop.orders, shop.order_items, shop.refunds, **Q4)),
            Alternative("that is 1 ÷ contribution margin AFTER marketing; break-even ROAS asks what the ads "
                        "may cost, so use the margin BEFORE marketing.",
                        lambda shop: 1 / ecomkit.contribution_margin(shop.orders, shop.order_items, shop.refunds,
                                                                     shop.costs, shop.marketing_spend, **Q4)),
            Alternative("that is the contribution margin before marketing itself; break-even ROAS is 1 ÷ it.",
                        lambda shop: 1 / _break_even(shop)),
            Alternative("that is the whole year's break-even ROAS; use Q4 only.",
                        lambda shop: _break_even(shop, YEAR)),
        ],
        hint="ecomkit.break_even_roas(orders, order_items, refunds, costs, start=..., end=...).",
        hidden=True,
    ),
    Question(
        "ex04.q9",
        "ship-within-48h rate 48小时发货率 of December 2024: orders paid in December shipped within 48 h of "
        "payment ÷ orders paid in December that have shipped",
        _ship48,
        kind="rate",
        rtol=1e-6,
        alternatives=[
            Alternative("that is the 24-hour rate; the promise here is 48 h.", lambda shop: _ship48(shop, 24)),
            Alternative("the denominator holds paid orders that have not shipped yet (late in December); "
                        "their lag is unknown, so they are left out.", _ship48_all_paid),
            Alternative("that takes the orders SHIPPED in December; the rate follows the orders PAID in "
                        "December.", _ship48_by_ship_month),
        ],
        hint="(shipped_ts − paid_ts) <= 48 h among December-paid orders with shipped_ts set.",
    ),
    Question(
        "ex04.q10",
        "the action for paid search after Q4 2024: 'cut' (lower bids on the contested keywords, move budget "
        "to channels above break-even), 'raise' (raise its budget), 'keep' (ROAS > 1, nothing to do) or "
        "'carrier' (no ad change: renegotiate the carrier instead)",
        _action,
        kind="choice",
        choices=ACTIONS,
        alternatives=[
            Alternative("ROAS > 1 only means revenue exceeds spend; after COGS, logistics and fees the ads "
                        "must clear the break-even ROAS of Q8.", lambda shop: "keep"),
            Alternative("compare paid_search ROAS on NET SALES in Q4 (ecomkit.roas(..., basis='net_sales')) "
                        "with the break-even ROAS of Q8.",
                        lambda shop: "raise" if _action(shop) == "cut" else "cut"),
            Alternative("the carrier step raised the cost of every order, but paid search fell because its "
                        "clicks got dearer (Q7) without bringing more sales.", lambda shop: "carrier"),
        ],
        hint="is paid_search's Q4 ROAS on net sales above or below the break-even ROAS?",
    ),
]
