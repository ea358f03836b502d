"""Tests of ecomkit.finance: the P&L waterfall, margins, cost ratios, ad economics.

The tiny shop below is small enough to compute every number by hand; the
arithmetic sits next to each expected value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecomkit import finance as F
from ecomkit._validation import period_start

T = pd.Timestamp


# ------------------------------------------------------------------ data ----
def tiny_shop() -> dict:
    """Six orders over Jan-Feb 2024, three refunds (one in March), costs, ads.

    order  cust  paid           channel      list  disc  fee  paid_amt  ship_cost  COGS
    1      10    01-03 10:00    paid_search  200   20    0    180       10         2×40 = 80
    2      11    01-10 12:00    social       100    0   10    110        8         1×30 = 30
    3      12    (unpaid)       direct        50    0    0      0        0         1×20 = 20
    4      10    02-02 09:00    paid_search  300   30    0    270       12         3×40 = 120
    5      13    02-14 20:00    direct        80    0    0     80        6         2×15 = 30
    6      14    02-28 10:00    social       120   10    5    115        7         1×50 = 50
    """
    orders = pd.DataFrame({
        "order_id": [1, 2, 3, 4, 5, 6],
        "customer_id": [10, 11, 12, 10, 13, 14],
        "order_ts": pd.to_datetime([
            "2024-01-03 09:00", "2024-01-10 11:00", "2024-01-20 08:00",
            "2024-02-02 08:00", "2024-02-14 19:00", "2024-02-27 23:00"]),
        "paid_ts": pd.to_datetime([
            "2024-01-03 10:00", "2024-01-10 12:00", None,
            "2024-02-02 09:00", "2024-02-14 20:00", "2024-02-28 10:00"]),
        "status": ["paid", "paid", "unpaid", "paid", "paid", "paid"],
        "channel": pd.Categorical(
            ["paid_search", "social", "direct", "paid_search", "direct", "social"],
            categories=["organic_search", "paid_search", "social", "direct"],
            ordered=True),
        "device": ["app", "pc", "app", "app", "mini_program", "app"],
        "campaign_id": pd.array([7, None, None, 8, None, 9], dtype="Int64"),
        "list_amount": [200.0, 100.0, 50.0, 300.0, 80.0, 120.0],
        "discount_amount": [20.0, 0.0, 0.0, 30.0, 0.0, 10.0],
        "shipping_fee": [0.0, 10.0, 0.0, 0.0, 0.0, 5.0],
        "order_amount": [180.0, 110.0, 50.0, 270.0, 80.0, 115.0],
        "paid_amount": [180.0, 110.0, 0.0, 270.0, 80.0, 115.0],
        "shipping_cost": [10.0, 8.0, 0.0, 12.0, 6.0, 7.0],
        "shipped_ts": pd.to_datetime([
            "2024-01-04 08:00", "2024-01-13 12:00", None,
            "2024-02-03 09:00", "2024-02-16 20:00", None]),
        "delivered_ts": pd.to_datetime([
            "2024-01-06 22:00", "2024-01-17 12:00", None,
            "2024-02-05 09:00", "2024-02-22 20:00", None]),
    })
    order_items = pd.DataFrame({
        "order_id": [1, 2, 3, 4, 5, 6],
        "product_id": [101, 102, 103, 101, 104, 102],
        "quantity": [2, 1, 1, 3, 2, 1],
        "unit_price": [100.0, 100.0, 50.0, 100.0, 40.0, 120.0],
        "discount_amount": [20.0, 0.0, 0.0, 30.0, 0.0, 10.0],
        "unit_cost": [40.0, 30.0, 20.0, 40.0, 15.0, 50.0],
    })
    refunds = pd.DataFrame({
        "refund_id": [1, 2, 3],
        "order_id": [2, 4, 5],
        "refund_ts": pd.to_datetime(["2024-01-20", "2024-02-10", "2024-03-02"]),
        # r1 = all goods of order 2; r2 = 20 % of order 4's goods (270); r3 no return
        "refund_amount": [100.0, 54.0, 20.0],
        "reason": ["late_delivery", "size_fit", "quality"],
        "is_return": [True, True, False],
    })
    costs = pd.DataFrame({
        "date": pd.to_datetime(["2024-01-31"] * 6 + ["2024-02-29"] * 6),
        "cost_type": ["warehousing", "platform_fee", "payment_fee", "packaging",
                      "staff", "other"] * 2,
        "amount": [30.0, 12.0, 3.0, 4.0, 100.0, 10.0,
                   30.0, 20.0, 5.0, 6.0, 100.0, 0.0],
    })
    marketing_spend = pd.DataFrame({
        "date": pd.to_datetime(["2024-01-05", "2024-01-15", "2024-02-10",
                                "2024-02-20"]),
        "channel": pd.Categorical(
            ["paid_search", "social", "paid_search", "social"],
            categories=["organic_search", "paid_search", "social", "direct"],
            ordered=True),
        "campaign_id": pd.array([7, None, 8, 9], dtype="Int64"),
        "spend": [40.0, 20.0, 60.0, 55.0],
        "impressions": [2000, 4000, 3000, 1000],
        "clicks": [40, 20, 60, 10],
    })
    customers = pd.DataFrame({
        "customer_id": [10, 11, 12, 13, 14],
        "province": ["广东", "浙江", "广东", "浙江", "上海"],
    })
    return {"orders": orders, "order_items": order_items, "refunds": refunds,
            "costs": costs, "marketing_spend": marketing_spend,
            "customers": customers}


@pytest.fixture
def shop():
    return tiny_shop()


def _pnl(shop, **kw):
    return F.pnl_table(shop["orders"], shop["order_items"], shop["refunds"],
                       shop["costs"], shop["marketing_spend"], **kw)


def _months(*days):
    return pd.DatetimeIndex(pd.to_datetime(list(days))).astype("datetime64[ns]")


# ------------------------------------------------------------- P&L golden ----
#                  Jan                        Feb                     Mar
# gmv              180+110+50 = 340           270+80+115 = 465        0
# paid_amount      180+110 = 290              465                     0
# shipping_fee     10                         5                       0
# gross_sales      200+100 = 300              300+80+120 = 500        0
# discounts        20                         30+10 = 40              0
# goods_sales      280                        460                     0
# refunds          100 (r1)                   54 (r2)                 20 (r3)
# net_sales        180                        406                     -20
# cogs             80+30 - 30 (r1 back) = 80  120+30+50 - 24 = 176    0
# gross_profit     100                        230                     -20
# logistics        18                         25                      0
# warehousing      30                         30
# packaging        4                          6
# platform_fee     12                         20
# payment_fee      3                          5
# marketing        60                         115
# contribution     100-18-30-4-12-3-60 = -27  230-25-30-6-20-5-115=29 -20
# staff / other    100 / 10                   100 / 0
# operating_profit -137                       -71                     -20
EXPECTED_PNL = pd.DataFrame({
    "period": _months("2024-01-01", "2024-02-01", "2024-03-01"),
    "gmv": [340.0, 465.0, 0.0],
    "paid_amount": [290.0, 465.0, 0.0],
    "shipping_fee": [10.0, 5.0, 0.0],
    "gross_sales": [300.0, 500.0, 0.0],
    "discounts": [20.0, 40.0, 0.0],
    "goods_sales": [280.0, 460.0, 0.0],
    "refunds": [100.0, 54.0, 20.0],
    "net_sales": [180.0, 406.0, -20.0],
    "cogs": [80.0, 176.0, 0.0],
    "gross_profit": [100.0, 230.0, -20.0],
    "logistics": [18.0, 25.0, 0.0],
    "warehousing": [30.0, 30.0, 0.0],
    "packaging": [4.0, 6.0, 0.0],
    "platform_fee": [12.0, 20.0, 0.0],
    "payment_fee": [3.0, 5.0, 0.0],
    "marketing": [60.0, 115.0, 0.0],
    "contribution": [-27.0, 29.0, -20.0],
    "staff": [100.0, 100.0, 0.0],
    "other": [10.0, 0.0, 0.0],
    "operating_profit": [-137.0, -71.0, -20.0],
    # March: net sales -20 (only a refund) -> margins NaN, not (-20)/(-20) = 1
    "gross_margin": [100 / 180, 230 / 406, np.nan],
    "contribution_margin": [-27 / 180, 29 / 406, np.nan],
    "operating_margin": [-137 / 180, -71 / 406, np.nan],
})


@pytest.mark.golden("pnl")
def test_pnl_table_golden(shop):
    pd.testing.assert_frame_equal(_pnl(shop), EXPECTED_PNL)


@pytest.mark.golden("pnl")
def test_pnl_write_off_keeps_returned_cogs(shop):
    got = _pnl(shop, returned_goods="write_off")
    # no cost comes back: Jan 80 + 30 = 110, Feb 120 + 30 + 50 = 200
    assert got["cogs"].tolist() == [110.0, 200.0, 0.0]
    assert got["gross_profit"].tolist() == [70.0, 206.0, -20.0]


@pytest.mark.golden("pnl")
def test_pnl_window_and_filled_periods(shop):
    feb = _pnl(shop, start="2024-02-01", end="2024-02-29")
    pd.testing.assert_frame_equal(
        feb, EXPECTED_PNL.iloc[[1]].reset_index(drop=True))
    # with both bounds every month of the window is shown, empty ones as 0
    wide = _pnl(shop, start="2024-01-01", end="2024-04-30")
    assert wide["period"].tolist() == list(
        _months("2024-01-01", "2024-02-01", "2024-03-01", "2024-04-01"))
    assert (wide.iloc[3][list(F.PNL_LINES)] == 0).all()
    assert np.isnan(wide.iloc[3]["gross_margin"])


@pytest.mark.golden("pnl")
def test_pnl_quarterly_and_yearly_sum_months(shop):
    q = _pnl(shop, freq="Q")
    assert q["period"].tolist() == list(_months("2024-01-01"))
    money = list(F.PNL_LINES)
    np.testing.assert_allclose(q[money].iloc[0].to_numpy(dtype=float),
                               EXPECTED_PNL[money].sum().to_numpy(dtype=float))
    y = _pnl(shop, freq="Y")
    assert y["net_sales"].tolist() == [566.0]  # 180 + 406 - 20


@pytest.mark.golden("pnl")
def test_pnl_weekly_periods_start_monday(shop):
    w = _pnl(shop, freq="W")
    assert (w["period"].dt.day_of_week == 0).all()
    # paid 2024-01-03 (Wed) is in the week of Monday 2024-01-01
    assert w.loc[w["period"] == T("2024-01-01"), "paid_amount"].item() == 180.0
    assert w["net_sales"].sum() == 566.0


def test_pnl_waterfall_adds_up_exactly(shop):
    p = _pnl(shop)
    assert (p["goods_sales"] == p["gross_sales"] - p["discounts"]).all()
    assert (p["net_sales"] == p["goods_sales"] - p["refunds"]).all()
    assert (p["gross_profit"] == p["net_sales"] - p["cogs"]).all()
    contribution = (p["net_sales"] - p["cogs"] - p["logistics"] - p["warehousing"]
                    - p["packaging"] - p["platform_fee"] - p["payment_fee"]
                    - p["marketing"])
    assert (p["contribution"] == contribution).all()
    assert (p["operating_profit"] == p["contribution"] - p["staff"]
            - p["other"]).all()


def test_pnl_long_golden(shop):
    p = _pnl(shop)
    long = F.pnl_long(p)
    assert list(long.columns) == ["period", "line", "amount"]
    assert len(long) == 3 * len(F.PNL_LINES)
    assert list(long["line"].cat.categories) == list(F.PNL_LINES)
    jan = long[long["period"] == T("2024-01-01")]
    assert jan["line"].tolist() == list(F.PNL_LINES)  # waterfall order
    assert jan.set_index("line")["amount"]["contribution"] == -27.0
    sub = F.pnl_long(p, lines=["cogs", "net_sales"])
    expected = pd.DataFrame({
        "period": _months("2024-01-01", "2024-01-01", "2024-02-01", "2024-02-01",
                          "2024-03-01", "2024-03-01"),
        "line": pd.Categorical(["net_sales", "cogs"] * 3,
                               categories=["net_sales", "cogs"], ordered=True),
        "amount": [180.0, 80.0, 406.0, 176.0, -20.0, 0.0],
    })
    pd.testing.assert_frame_equal(sub, expected)


# --------------------------------------------------------------- margins ----
# whole data: net sales 180 + 406 - 20 = 566; COGS 80 + 176 = 256
@pytest.mark.golden("gross_margin")
def test_gross_margin_golden(shop):
    gm = F.gross_margin(shop["orders"], shop["order_items"], shop["refunds"])
    assert gm == pytest.approx((566 - 256) / 566)
    by_month = F.gross_margin(shop["orders"], shop["order_items"], shop["refunds"],
                              freq="M")
    expected = pd.Series([100 / 180, 230 / 406, np.nan], name="gross_margin",
                         index=_months("2024-01-01", "2024-02-01",
                                       "2024-03-01").rename("period"))
    pd.testing.assert_series_equal(by_month, expected)
    # without refunds: net = 280 + 460 = 740, COGS = 80+30+120+30+50 = 310
    assert F.gross_margin(shop["orders"], shop["order_items"], None) == \
        pytest.approx((740 - 310) / 740)


@pytest.mark.golden("contribution_margin")
def test_contribution_margin_golden(shop):
    o, it, r, co, ms = (shop[k] for k in ("orders", "order_items", "refunds",
                                          "costs", "marketing_spend"))
    # contribution -27 + 29 - 20 = -18 on net sales 566
    assert F.contribution_margin(o, it, r, co, ms) == pytest.approx(-18 / 566)
    # before marketing: add back 60 + 115 = 175 -> 157
    assert F.contribution_margin(o, it, r, co, method="before_marketing") == \
        pytest.approx(157 / 566)
    feb = F.contribution_margin(o, it, r, co, ms, start="2024-02-01",
                                end="2024-02-29")
    assert feb == pytest.approx(29 / 406)


@pytest.mark.golden("break_even_roas")
def test_break_even_roas_golden(shop):
    o, it, r, co = (shop[k] for k in ("orders", "order_items", "refunds", "costs"))
    # 1 / (157 / 566)
    assert F.break_even_roas(o, it, r, co) == pytest.approx(566 / 157)
    by_month = F.break_even_roas(o, it, r, co, freq="M")
    # Jan: CM before marketing = (100-18-30-4-12-3)/180 = 33/180 -> 180/33
    # Feb: (230-25-30-6-20-5)/406 = 144/406 -> 406/144; Mar: net sales < 0 -> NaN
    expected = pd.Series([180 / 33, 406 / 144, np.nan], name="break_even_roas",
                         index=_months("2024-01-01", "2024-02-01",
                                       "2024-03-01").rename("period"))
    pd.testing.assert_series_equal(by_month, expected)


def test_break_even_roas_nan_when_orders_lose_money():
    orders = pd.DataFrame({"order_id": [1], "paid_ts": [T("2024-01-01")],
                           "list_amount": [100.0], "discount_amount": [0.0],
                           "shipping_cost": [10.0]})
    items = pd.DataFrame({"order_id": [1], "quantity": [1], "unit_cost": [95.0]})
    costs = pd.DataFrame({"date": [T("2024-01-01")], "cost_type": ["other"],
                          "amount": [0.0]})
    # CM before marketing = (100 - 95 - 10) / 100 < 0: no ROAS breaks even
    assert np.isnan(F.break_even_roas(orders, items, None, costs))


# ----------------------------------------------------------- cost ratios ----
@pytest.mark.golden("logistics_cost_ratio", "warehousing_cost_ratio",
                    "marketing_cost_ratio")
def test_cost_ratios_golden(shop):
    o, r, co, ms = (shop[k] for k in ("orders", "refunds", "costs",
                                      "marketing_spend"))
    # logistics 18 + 25 = 43; warehousing 30 + 30 = 60; marketing 175
    assert F.cost_ratio(o, r, kind="logistics") == pytest.approx(43 / 566)
    assert F.cost_ratio(o, r, co, kind="warehousing") == pytest.approx(60 / 566)
    assert F.cost_ratio(o, r, marketing_spend=ms, kind="marketing") == \
        pytest.approx(175 / 566)
    # other bases: GMV 340 + 465 = 805, paid amount 290 + 465 = 755
    assert F.cost_ratio(o, kind="logistics", base="gmv") == pytest.approx(43 / 805)
    assert F.cost_ratio(o, kind="logistics", base="paid_amount") == \
        pytest.approx(43 / 755)
    assert F.cost_ratio(o, r, co, kind="platform_fee") == pytest.approx(32 / 566)
    by_month = F.cost_ratio(o, r, kind="logistics", freq="M")
    expected = pd.Series([18 / 180, 25 / 406, np.nan], name="logistics_cost_ratio",
                         index=_months("2024-01-01", "2024-02-01",
                                       "2024-03-01").rename("period"))
    pd.testing.assert_series_equal(by_month, expected)


def test_cost_ratio_matches_pnl_lines(shop):
    p = _pnl(shop)
    o, r, co, ms = (shop[k] for k in ("orders", "refunds", "costs",
                                      "marketing_spend"))
    for kind in ("logistics", "warehousing", "packaging", "marketing"):
        got = F.cost_ratio(o, r, co, ms, kind=kind, freq="M")
        np.testing.assert_allclose(
            got.to_numpy(), (p[kind] / p["net_sales"].where(p["net_sales"] > 0))
            .to_numpy(), equal_nan=True)


@pytest.mark.golden("fulfilment_cost_per_order")
def test_fulfilment_cost_per_order_golden(shop):
    o, co = shop["orders"], shop["costs"]
    # shipped orders 1, 2, 4, 5: shipping 10+8+12+6 = 36; packaging 4+6;
    # warehousing 30+30: (36 + 10 + 60) / 4
    assert F.fulfilment_cost_per_order(o, co) == pytest.approx(106 / 4)
    by_month = F.fulfilment_cost_per_order(o, co, freq="M")
    # Jan (10+8+4+30)/2 = 26; Feb (12+6+6+30)/2 = 27
    expected = pd.Series([26.0, 27.0], name="fulfilment_cost_per_order",
                         index=_months("2024-01-01", "2024-02-01")
                         .rename("period"))
    pd.testing.assert_series_equal(by_month, expected)


def test_fulfilment_cost_per_order_nan_without_shipments(shop):
    o = shop["orders"].assign(shipped_ts=pd.NaT)
    assert np.isnan(F.fulfilment_cost_per_order(o, shop["costs"]))


# -------------------------------------------------------------- ROAS, ROI ----
CHANNEL_INDEX = pd.Index(["paid_search", "social", "direct"], name="channel")


@pytest.mark.golden("roas")
def test_roas_golden(shop):
    o, ms, r = shop["orders"], shop["marketing_spend"], shop["refunds"]
    # paid_search: orders 1, 4 = 180 + 270 = 450 on spend 40 + 60 = 100
    # social: orders 2, 6 = 110 + 115 = 225 on spend 20 + 55 = 75
    # direct: order 5 = 80, no spend -> NaN
    expected = pd.Series([4.5, 3.0, np.nan], index=CHANNEL_INDEX, name="roas")
    pd.testing.assert_series_equal(F.roas(o, ms), expected)
    # overall last click: (450 + 225) / 175; blended: 755 / 175
    assert F.roas(o, ms, by=None) == pytest.approx(675 / 175)
    assert F.roas(o, ms, by=None, attribution="blended") == pytest.approx(755 / 175)
    # net sales basis: paid_search 180 + (270 - 54) = 396; social (100 - 100) + 110
    net = F.roas(o, ms, refunds=r, basis="net_sales")
    pd.testing.assert_series_equal(
        net, pd.Series([3.96, 110 / 75, np.nan], index=CHANNEL_INDEX, name="roas"))


@pytest.mark.golden("roas")
def test_roas_by_campaign_and_month(shop):
    o, ms = shop["orders"], shop["marketing_spend"]
    # campaign 7: order 1 (180) / 40; 8: order 4 (270) / 60; 9: order 6 (115) / 55
    got = F.roas(o, ms, by="campaign_id")
    expected = pd.Series([180 / 40, 270 / 60, 115 / 55], name="roas",
                         index=pd.Index([7, 8, 9], name="campaign_id",
                                        dtype="Int64"))
    pd.testing.assert_series_equal(got, expected, check_index_type=False)
    monthly = F.roas(o, ms, freq="M")
    # Jan: paid_search 180/40, social 110/20; Feb: paid_search 270/60,
    # social 115/55, direct 80/0
    assert monthly.loc[(T("2024-01-01"), "social")] == pytest.approx(5.5)
    assert monthly.loc[(T("2024-02-01"), "paid_search")] == pytest.approx(4.5)
    assert np.isnan(monthly.loc[(T("2024-02-01"), "direct")])
    assert monthly.index.names == ["period", "channel"]


@pytest.mark.golden("roi")
def test_roi_golden(shop):
    o, it, ms, r = (shop[k] for k in ("orders", "order_items", "marketing_spend",
                                      "refunds"))
    # gross profit, no refunds: o1 180-80=100, o4 270-120=150 -> paid_search 250
    # o2 100-30=70, o6 110-50=60 -> social 130; direct: o5 80-30 = 50, no spend
    expected = pd.Series([(250 - 100) / 100, (130 - 75) / 75, np.nan],
                         index=CHANNEL_INDEX, name="roi")
    pd.testing.assert_series_equal(F.roi(o, it, ms), expected)
    # with refunds (restock): o2 = 100 - 30 - 100 + 30 = 0; o4 = 270 - 120 - 54
    # + 0.2 * 120 = 120 -> paid_search 220, social 60
    with_r = F.roi(o, it, ms, refunds=r)
    pd.testing.assert_series_equal(
        with_r, pd.Series([1.2, -0.2, np.nan], index=CHANNEL_INDEX, name="roi"))
    # overall last click: (380 - 175) / 175
    assert F.roi(o, it, ms, by=None) == pytest.approx(205 / 175)


@pytest.mark.golden("roas", "roi")
def test_roas_3_at_40_percent_margin_is_roi_0_2():
    # one order: goods 300, cost 180 (margin 0.4), shipping 0; spend 100
    orders = pd.DataFrame({
        "order_id": [1], "channel": ["social"], "paid_ts": [T("2024-03-01")],
        "paid_amount": [300.0], "list_amount": [300.0], "discount_amount": [0.0]})
    items = pd.DataFrame({"order_id": [1], "quantity": [3], "unit_cost": [60.0]})
    spend = pd.DataFrame({"date": [T("2024-03-01")], "channel": ["social"],
                          "spend": [100.0]})
    assert F.roas(orders, spend, by=None) == pytest.approx(3.0)
    assert F.gross_margin(orders, items, None) == pytest.approx(0.4)
    # ROI = ROAS x margin - 1 = 3 x 0.4 - 1 = 0.2, while "ROI" in 国内运营 speech = 3
    assert F.roi(orders, items, spend, by=None) == pytest.approx(0.2)


def test_roas_and_roi_notes_say_roi_means_roas_in_chinese_usage():
    from ecomkit._catalog import _REGISTRY

    for mid in ("roas", "roi"):
        notes = _REGISTRY[mid].notes
        assert "国内运营" in notes and "ROAS" in notes and "ROI" in notes
    assert "ROI" in F.roas.__doc__ and "国内运营" in F.roi.__doc__


def test_roas_zero_spend_is_nan(shop):
    ms = shop["marketing_spend"].assign(spend=0.0)
    assert np.isnan(F.roas(shop["orders"], ms, by=None))
    assert np.isnan(F.roas(shop["orders"], ms, by=None, attribution="blended"))
    assert F.roas(shop["orders"], ms).isna().all()
    assert np.isnan(F.roi(shop["orders"], shop["order_items"], ms, by=None))


# --------------------------------------------------------- ad delivery ----
@pytest.mark.golden("cpc", "cpm", "ctr")
def test_cpc_cpm_ctr_golden(shop):
    ms = shop["marketing_spend"]
    # spend 175, clicks 130, impressions 10,000
    assert F.cpc(ms) == pytest.approx(175 / 130)
    assert F.cpm(ms) == pytest.approx(17.5)
    assert F.ctr(ms) == pytest.approx(0.013)
    idx = pd.Index(["paid_search", "social"], name="channel")
    # paid_search: 100 / 100 clicks / 5000 imp; social 75 / 30 clicks / 5000 imp
    pd.testing.assert_series_equal(
        F.cpc(ms, by="channel"), pd.Series([1.0, 2.5], index=idx, name="cpc"))
    pd.testing.assert_series_equal(
        F.cpm(ms, by="channel"), pd.Series([20.0, 15.0], index=idx, name="cpm"))
    pd.testing.assert_series_equal(
        F.ctr(ms, by="channel"), pd.Series([0.02, 0.006], index=idx, name="ctr"))
    monthly = F.ctr(ms, freq="M")
    # Jan 60 / 6000, Feb 70 / 4000
    assert monthly.tolist() == pytest.approx([0.01, 0.0175])


def test_ad_ratios_nan_without_clicks_or_impressions(shop):
    ms = shop["marketing_spend"].assign(clicks=0, impressions=0)
    assert np.isnan(F.cpc(ms)) and np.isnan(F.cpm(ms)) and np.isnan(F.ctr(ms))


# -------------------------------------------------------------------- CAC ----
@pytest.mark.golden("cac")
def test_cac_golden(shop):
    o, ms = shop["orders"], shop["marketing_spend"]
    # first paid orders: 10 -> o1 paid_search (Jan); 11 -> o2 social (Jan);
    # 13 -> o5 direct (Feb); 14 -> o6 social (Feb); 12 never paid
    expected = pd.Series([100 / 1, 75 / 2, 0.0], index=CHANNEL_INDEX, name="cac")
    pd.testing.assert_series_equal(F.cac(o, ms), expected)
    # overall: 175 / 3 customers of paid channels; blended: 175 / 4
    assert F.cac(o, ms, by=None) == pytest.approx(175 / 3)
    assert F.cac(o, ms, by=None, attribution="blended") == pytest.approx(43.75)
    # February only: customer 10 is not new (first order in January), so
    # paid_search spent 60 on nobody; social 55 on customer 14
    feb = F.cac(o, ms, start="2024-02-01", end="2024-02-29")
    assert np.isnan(feb["paid_search"]) and feb["social"] == 55.0
    assert F.cac(o, ms, by=None, start="2024-02-01", end="2024-02-29") == 115.0


@pytest.mark.golden("ltv_cac")
def test_ltv_cac_golden():
    assert F.ltv_cac(300.0, cac=100.0) == 3.0
    assert np.isnan(F.ltv_cac(300.0, cac=0.0))
    assert np.isnan(F.ltv_cac(300.0, cac=float("nan")))
    idx = pd.Index(["social", "paid_search"], name="channel")
    got = F.ltv_cac(pd.Series([90.0, 120.0], index=idx),
                    cac=pd.Series([30.0, 0.0], index=idx))
    pd.testing.assert_series_equal(
        got, pd.Series([3.0, np.nan], index=idx, name="ltv_cac"))
    assert F.ltv_cac(-50.0, cac=100.0) == -0.5  # customers who lose money


@pytest.mark.golden("cac_payback_months")
def test_cac_payback_months_golden():
    # 120 / (100 x 0.4) = 3 months
    assert F.cac_payback_months(120.0, monthly_revenue_per_customer=100.0,
                                gross_margin=0.4) == pytest.approx(3.0)
    # no gross profit -> never paid back
    assert np.isnan(F.cac_payback_months(120.0, monthly_revenue_per_customer=100.0,
                                         gross_margin=-0.1))
    got = F.cac_payback_months(pd.Series([60.0, 90.0]),
                               monthly_revenue_per_customer=pd.Series([50.0, 0.0]),
                               gross_margin=0.5)
    pd.testing.assert_series_equal(
        got, pd.Series([2.4, np.nan], name="cac_payback_months"))


# ------------------------------------------------------------ edge cases ----
def _all_metrics(shop):
    """Every finance metric on a shop, as plain Python values for comparison."""
    o, it, r, co, ms = (shop[k] for k in ("orders", "order_items", "refunds",
                                          "costs", "marketing_spend"))
    return {
        "pnl": F.pnl_table(o, it, r, co, ms),
        "gm": F.gross_margin(o, it, r, freq="M"),
        "cm": F.contribution_margin(o, it, r, co, ms),
        "be": F.break_even_roas(o, it, r, co),
        "lcr": F.cost_ratio(o, r, kind="logistics"),
        "fcpo": F.fulfilment_cost_per_order(o, co),
        "roas": F.roas(o, ms, refunds=r, basis="net_sales"),
        "roi": F.roi(o, it, ms, refunds=r),
        "cac": F.cac(o, ms),
        "cac_all": F.cac(o, ms, by=None, freq="M"),
    }


def _assert_same(a: dict, b: dict):
    for k in a:
        if isinstance(a[k], pd.DataFrame):
            pd.testing.assert_frame_equal(a[k], b[k], obj=k)
        elif isinstance(a[k], pd.Series):
            pd.testing.assert_series_equal(a[k], b[k], obj=k)
        else:
            np.testing.assert_allclose(a[k], b[k], err_msg=k)


def test_string_ids_give_the_same_answer(shop):
    text = {k: v.copy() for k, v in shop.items()}
    for k in ("orders", "order_items", "refunds"):
        text[k]["order_id"] = "ORD-" + text[k]["order_id"].astype(str)
    for k in ("orders", "customers"):
        text[k]["customer_id"] = "C" + text[k]["customer_id"].astype(str)
    _assert_same(_all_metrics(shop), _all_metrics(text))


def test_unsorted_input_and_repeated_index_give_the_same_answer(shop):
    rng = np.random.default_rng(1)
    shuffled = {k: v.sample(frac=1, random_state=rng).set_axis([0] * len(v))
                for k, v in shop.items()}
    _assert_same(_all_metrics(shop), _all_metrics(shuffled))


def test_tz_aware_timestamps_consistent(shop):
    aware = {k: v.copy() for k, v in shop.items()}
    for v in aware.values():
        for col in v.columns:
            if pd.api.types.is_datetime64_dtype(v[col].dtype):
                v[col] = v[col].dt.tz_localize("Asia/Shanghai")
    _assert_same(_all_metrics(shop), _all_metrics(aware))


def test_mixed_time_zones_rejected(shop):
    o = shop["orders"].assign(
        order_ts=shop["orders"]["order_ts"].dt.tz_localize("UTC"))
    with pytest.raises(ValueError, match=r"pnl_table\(\).*mix time zones"):
        F.pnl_table(o, shop["order_items"], shop["refunds"], shop["costs"],
                    shop["marketing_spend"])


def test_inputs_not_mutated(shop):
    before = {k: v.copy(deep=True) for k, v in shop.items()}
    _all_metrics(shop)
    F.cpc(shop["marketing_spend"], by="channel")
    for k in shop:
        pd.testing.assert_frame_equal(shop[k], before[k])


def test_empty_window(shop):
    o, it, r, co, ms = (shop[k] for k in ("orders", "order_items", "refunds",
                                          "costs", "marketing_spend"))
    window = {"start": "2023-01-01", "end": "2023-01-31"}
    p = F.pnl_table(o, it, r, co, ms, **window)
    assert len(p) == 1 and (p[list(F.PNL_LINES)] == 0).all(axis=None)
    assert p[["gross_margin", "contribution_margin"]].isna().all(axis=None)
    assert np.isnan(F.gross_margin(o, it, r, **window))
    assert np.isnan(F.cost_ratio(o, r, kind="logistics", **window))
    assert np.isnan(F.roas(o, ms, by=None, **window))
    assert F.roas(o, ms, **window).empty
    assert np.isnan(F.cac(o, ms, by=None, **window))
    assert np.isnan(F.cpc(ms, **window))
    assert np.isnan(F.fulfilment_cost_per_order(o, co, **window))
    # no bounds and no rows at all: an empty P&L with all its columns
    empty = F.pnl_table(o.iloc[:0], it.iloc[:0], r.iloc[:0], co.iloc[:0],
                        ms.iloc[:0])
    assert empty.empty and list(empty.columns) == list(EXPECTED_PNL.columns)


def test_one_customer_one_order():
    orders = pd.DataFrame({
        "order_id": [1], "customer_id": [1], "channel": ["social"],
        "paid_ts": [T("2024-05-01 12:00")], "paid_amount": [50.0]})
    spend = pd.DataFrame({"date": [T("2024-05-01")], "channel": ["social"],
                          "spend": [25.0]})
    assert F.cac(orders, spend, by=None) == 25.0
    assert F.roas(orders, spend, by=None) == 2.0


def test_cac_tie_on_first_payment_goes_to_smaller_order_id():
    orders = pd.DataFrame({
        "order_id": [9, 3], "customer_id": [1, 1],
        "channel": ["direct", "social"],
        "paid_ts": [T("2024-05-01 12:00")] * 2})
    spend = pd.DataFrame({"date": [T("2024-05-01")], "channel": ["social"],
                          "spend": [25.0]})
    assert F.cac(orders, spend).to_dict() == {"social": 25.0}


def test_partial_returns_never_give_back_more_than_cogs():
    # one order, goods 100 (+10 shipping), COGS 60; two returns of 60 and 50
    # would be 110 % of the goods: the second only gives back the last 40 %
    orders = pd.DataFrame({"order_id": [1], "paid_ts": [T("2024-01-01")],
                           "list_amount": [100.0], "discount_amount": [0.0]})
    items = pd.DataFrame({"order_id": [1], "quantity": [1], "unit_cost": [60.0]})
    refunds = pd.DataFrame({"order_id": [1, 1],
                            "refund_ts": [T("2024-02-03"), T("2024-01-05")],
                            "refund_amount": [50.0, 60.0],
                            "is_return": [True, True]})
    gm = F.gross_margin(orders, items, refunds, freq="M")
    # Jan: net 100 - 60 = 40, COGS 60 - 36 = 24; Feb: net -50, COGS -24
    assert gm.tolist()[0] == pytest.approx((40 - 24) / 40)
    books = F.pnl_table(orders.assign(order_ts=orders["paid_ts"], order_amount=100.0,
                                      paid_amount=100.0, shipping_fee=0.0,
                                      shipping_cost=0.0),
                        items, refunds, pd.DataFrame(
                            {"date": [T("2024-01-01")], "cost_type": ["other"],
                             "amount": [0.0]}),
                        pd.DataFrame({"date": [T("2024-01-01")], "spend": [0.0]}))
    assert books["cogs"].tolist() == [24.0, -24.0]
    assert books["cogs"].sum() == 0.0  # all goods came back, all cost with them


# ------------------------------------------------------------- hypothesis ----
@st.composite
def random_books(draw):
    n = draw(st.integers(1, 12))
    money = st.floats(0, 500, allow_nan=False).map(lambda x: round(x, 2))
    lists = draw(st.lists(money, min_size=n, max_size=n))
    disc = [round(x * draw(st.floats(0, 0.5)), 2) for x in lists]
    paid = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    days = draw(st.lists(st.integers(0, 120), min_size=n, max_size=n))
    ts = pd.to_datetime("2024-01-01") + pd.to_timedelta(days, unit="D")
    chans = draw(st.lists(st.sampled_from(["social", "paid_search", "direct"]),
                          min_size=n, max_size=n))
    orders = pd.DataFrame({
        "order_id": range(n), "customer_id": draw(
            st.lists(st.integers(0, 4), min_size=n, max_size=n)),
        "order_ts": ts, "paid_ts": pd.Series(ts).where(paid),
        "channel": chans, "list_amount": lists, "discount_amount": disc,
        "shipping_fee": 0.0,
        "order_amount": [a - b for a, b in zip(lists, disc, strict=True)],
        "paid_amount": [a - b if p else 0.0
                        for a, b, p in zip(lists, disc, paid, strict=True)],
        "shipping_cost": draw(st.lists(money, min_size=n, max_size=n)),
    })
    m = draw(st.integers(0, 15))
    items = pd.DataFrame({
        "order_id": draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m)),
        "quantity": draw(st.lists(st.integers(1, 4), min_size=m, max_size=m)),
        "unit_cost": draw(st.lists(money, min_size=m, max_size=m)),
    })
    k = draw(st.integers(0, 5))
    refunds = pd.DataFrame({
        "order_id": draw(st.lists(st.integers(0, n - 1), min_size=k, max_size=k)),
        "refund_ts": ts[:1].repeat(k) + pd.to_timedelta(
            draw(st.lists(st.integers(0, 150), min_size=k, max_size=k)), unit="D"),
        "refund_amount": draw(st.lists(money, min_size=k, max_size=k)),
        "is_return": draw(st.lists(st.booleans(), min_size=k, max_size=k)),
    })
    j = draw(st.integers(0, 8))
    costs = pd.DataFrame({
        "date": ts[:1].repeat(j) + pd.to_timedelta(
            draw(st.lists(st.integers(0, 120), min_size=j, max_size=j)), unit="D"),
        "cost_type": draw(st.lists(st.sampled_from(
            ["warehousing", "platform_fee", "payment_fee", "packaging", "staff",
             "other"]), min_size=j, max_size=j)),
        "amount": draw(st.lists(money, min_size=j, max_size=j)),
    })
    spend = pd.DataFrame({
        "date": ts[:1].repeat(j) + pd.to_timedelta(
            draw(st.lists(st.integers(0, 120), min_size=j, max_size=j)), unit="D"),
        "channel": draw(st.lists(st.sampled_from(["social", "paid_search"]),
                                 min_size=j, max_size=j)),
        "spend": draw(st.lists(money, min_size=j, max_size=j)),
        "impressions": draw(st.lists(st.integers(100, 1000), min_size=j,
                                     max_size=j)),
        "clicks": draw(st.lists(st.integers(0, 100), min_size=j, max_size=j)),
    })
    return orders, items, refunds, costs, spend


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(random_books(), st.sampled_from(["W", "M", "Q"]),
       st.sampled_from(["restock", "write_off"]))
def test_pnl_identity_on_random_books(books, freq, returned_goods):
    orders, items, refunds, costs, spend = books
    p = F.pnl_table(orders, items, refunds, costs, spend, freq=freq,
                    returned_goods=returned_goods, refund_cap="none")
    lhs = p["net_sales"] - p["cogs"] - p["logistics"] - p["warehousing"] \
        - p["packaging"] - p["platform_fee"] - p["payment_fee"] - p["marketing"]
    np.testing.assert_allclose(p["contribution"], lhs, atol=1e-9)
    # the periods sum to the whole-window totals of each table
    np.testing.assert_allclose(p["refunds"].sum(), refunds["refund_amount"].sum())
    np.testing.assert_allclose(p["marketing"].sum(), spend["spend"].sum())
    np.testing.assert_allclose(p["gmv"].sum(), orders["order_amount"].sum())
    # restocked cost never exceeds what was sold
    sold = (items["quantity"] * items["unit_cost"])[
        items["order_id"].isin(orders.loc[orders["paid_ts"].notna(), "order_id"])
    ].sum()
    assert -1e-9 <= p["cogs"].sum() <= sold + 1e-9
    assert (p["period"].diff().dropna() > pd.Timedelta(0)).all()


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(random_books(), st.sampled_from(["W", "M"]))
def test_pnl_refunds_take_back_at_most_the_goods(books, freq):
    orders, items, refunds, costs, spend = books
    paid = orders[orders["paid_ts"].notna()]
    refunds = refunds[refunds["order_id"].isin(paid["order_id"])]  # refunds of paid orders
    p = F.pnl_table(orders, items, refunds, costs, spend, freq=freq)
    goods = (paid["list_amount"] - paid["discount_amount"]).set_axis(paid["order_id"])
    per_order = refunds.groupby("order_id")["refund_amount"].sum()
    # each order gives back at most its goods value, whatever the order of its refunds
    want = np.minimum(per_order, goods.reindex(per_order.index)).sum()
    np.testing.assert_allclose(p["refunds"].sum(), want, atol=1e-9)
    np.testing.assert_allclose(
        p["net_sales"].sum(),
        F.pnl_table(orders, items, refunds, costs, spend, freq=freq,
                    refund_cap="none")["net_sales"].sum()
        + refunds["refund_amount"].sum() - want, atol=1e-9)


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(random_books())
def test_rates_in_range_and_roi_roas_identity(books):
    orders, items, refunds, costs, spend = books
    ctr = F.ctr(spend, by="channel")
    assert ((ctr >= 0) & (ctr <= 1) | ctr.isna()).all()
    gm = F.gross_margin(orders, items, None, returned_goods="write_off")
    assert np.isnan(gm) or gm <= 1
    # blended, shipping_fee 0, no refunds: ROI = ROAS x gross margin - 1
    roas = F.roas(orders, spend, by=None, attribution="blended")
    roi = F.roi(orders, items, spend, by=None, attribution="blended")
    if np.isfinite(roas) and np.isfinite(gm):
        assert roi == pytest.approx(roas * gm - 1, abs=1e-9)
    else:
        assert np.isnan(roi) or np.isnan(gm)
    # last-click ROAS per channel is blended ROAS restricted to the channel
    assert (F.roas(orders, spend).dropna() >= 0).all()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(-10**6, 3 * 10**6), min_size=1, max_size=30),
       st.sampled_from(["D", "W", "M", "Q", "Y"]))
def test_window_keys_match_period_start(minutes, freq):
    ts = pd.Series(pd.to_datetime("2024-01-01")
                   + pd.to_timedelta(minutes, unit="min"))
    win = F._Window.make("t", freq, None, None)
    expected = period_start(ts, freq).to_numpy(dtype="datetime64[ns]")
    np.testing.assert_array_equal(win.keys(ts), expected)


# ------------------------------------------------------------- bad inputs ----
def _tables():
    s = tiny_shop()
    return s["orders"], s["order_items"], s["refunds"], s["costs"], \
        s["marketing_spend"]


ORD, IT, R, CO, MS = _tables()

BAD_INPUTS = [
    # a whole shop instead of one table
    (F.pnl_table, (tiny_shop(), IT, R, CO, MS), {}, TypeError,
     r"pnl_table\(\): `orders` must be one table.*shop\.orders"),
    # missing column, named with the parameter and the available columns
    (F.gross_margin, (ORD.drop(columns="list_amount"), IT, R), {}, ValueError,
     r"gross_margin\(\): column 'list_amount' \(from `list_amount_col`\).*"
     r"Available"),
    # string timestamps
    (F.pnl_table, (ORD.assign(paid_ts=ORD["paid_ts"].astype(str)), IT, R, CO, MS), {},
     TypeError, r"pnl_table\(\): column 'paid_ts' \(from `paid_ts_col`\).*"
     r"pd.to_datetime"),
    # negative money
    (F.cost_ratio, (ORD.assign(shipping_cost=-ORD["shipping_cost"]), R),
     {"kind": "logistics"}, ValueError,
     r"cost_ratio\(\): column 'shipping_cost' \(from `shipping_cost_col`\).*"
     r"negative"),
    (F.roas, (ORD, MS.assign(spend=-1.0)), {}, ValueError,
     r"roas\(\): column 'spend' \(from `spend_col`\).*negative"),
    # non-numeric money
    (F.pnl_table, (ORD, IT, R.assign(refund_amount="12"), CO, MS), {}, TypeError,
     r"pnl_table\(\): column 'refund_amount' \(from `refund_amount_col`\) must be "
     r"numeric"),
    # unknown cost type
    (F.contribution_margin, (ORD, IT, R, CO.replace({"cost_type": {"other": "rent"}}),
                             MS), {}, ValueError,
     r"contribution_margin\(\): column 'cost_type' \(from `cost_type_col`\).*"
     r"unknown cost type.*'rent'"),
    # wrong option values
    (F.cost_ratio, (ORD, R), {"kind": "logistics", "base": "revenue"}, ValueError,
     r"cost_ratio\(\): the value for `base` must be one of"),
    (F.cost_ratio, (ORD, R), {"kind": "rent"}, ValueError,
     r"cost_ratio\(\): the value for `kind` must be one of"),
    (F.roas, (ORD, MS), {"attribution": "first_click"}, ValueError,
     r"roas\(\): the value for `attribution` must be one of"),
    (F.pnl_table, (ORD, IT, R, CO, MS), {"returned_goods": "keep"}, ValueError,
     r"pnl_table\(\): the value for `returned_goods` must be one of"),
    (F.contribution_margin, (ORD, IT, R, CO, MS), {"method": "gross"}, ValueError,
     r"contribution_margin\(\): the value for `method` must be one of"),
    # bad freq and window
    (F.pnl_table, (ORD, IT, R, CO, MS), {"freq": "month"}, ValueError,
     r"pnl_table\(\): the value for `freq` must be one of"),
    (F.gross_margin, (ORD, IT, R), {"start": "2024-03-01", "end": "2024-01-01"},
     ValueError, r"gross_margin\(\): the window is empty: `end`"),
    (F.cpc, (MS,), {"start": "not a date"}, ValueError,
     r"cpc\(\): `start` must be a date"),
    # a table the option needs is missing
    (F.cost_ratio, (ORD,), {"kind": "logistics"}, ValueError,
     r"cost_ratio\(\): `refunds` is required for base='net_sales'"),
    (F.cost_ratio, (ORD, R), {"kind": "warehousing"}, ValueError,
     r"cost_ratio\(\): `costs` is required for kind='warehousing'"),
    (F.roas, (ORD, MS), {"basis": "net_sales"}, ValueError,
     r"roas\(\): `refunds` is required for basis='net_sales'"),
    (F.contribution_margin, (ORD, IT, R, CO), {}, ValueError,
     r"contribution_margin\(\): `marketing_spend` is required"),
    # blended attribution cannot be split
    (F.cac, (ORD, MS), {"attribution": "blended"}, ValueError,
     r"cac\(\): attribution='blended'.*cannot be split `by`"),
    # by column missing in one table
    (F.roas, (ORD, MS.drop(columns="channel")), {}, ValueError,
     r"roas\(\): column 'channel' \(from `by`\) is not in `marketing_spend`"),
    # ids that can never match
    (F.gross_margin, (ORD, IT.assign(order_id=IT["order_id"].astype(str)), R), {},
     TypeError, r"gross_margin\(\): column 'order_id' \(from `order_id_col`\) "
     r"holds ids of different types"),
    # duplicated and missing order ids
    (F.pnl_table, (pd.concat([ORD, ORD.iloc[:1]]), IT, R, CO, MS), {}, ValueError,
     r"pnl_table\(\): column 'order_id' \(from `order_id_col`\).*repeated"),
    (F.cac, (ORD.assign(customer_id=ORD["customer_id"].astype(float)
                      .where(ORD["order_id"] != 1)), MS), {}, ValueError,
     r"cac\(\): column 'customer_id' \(from `customer_id_col`\) has 1 missing"),
    # refunds of orders that are not in `orders` (their goods value is unknown)
    (F.gross_margin, (ORD[ORD["order_id"] != 2], IT, R), {}, ValueError,
     r"gross_margin\(\): 1 refund\(s\) refer to an order that is not a paid order "
     r"in `orders`, e.g. order ids \[2\].*full orders table\.$"),
    (F.pnl_table, (ORD[ORD["order_id"] != 2], IT, R, CO, MS), {}, ValueError,
     r"pnl_table\(\): 1 refund\(s\) .* or refund_cap='none'"),
    (F.pnl_table, (ORD, IT, R, CO, MS), {"refund_cap": "all"}, ValueError,
     r"pnl_table\(\): .*refund_cap"),
    # clicks > impressions
    (F.ctr, (MS.assign(clicks=5000),), {}, ValueError,
     r"ctr\(\): 4 row\(s\) of `marketing_spend` have more clicks"),
    # bad is_return and scalar arguments
    (F.pnl_table, (ORD, IT, R.assign(is_return=["y", "n", "n"]), CO, MS), {},
     TypeError, r"pnl_table\(\): column 'is_return' \(from `is_return_col`\)"),
    (F.ltv_cac, (300.0,), {"cac": -1.0}, ValueError,
     r"ltv_cac\(\): `cac` must be in \[0.0, None\]"),
    (F.cac_payback_months, (100.0,), {"monthly_revenue_per_customer": 50.0,
                                      "gross_margin": 40}, ValueError,
     r"cac_payback_months\(\): `gross_margin` must be a fraction"),
    (F.cac_payback_months, ("100",), {"monthly_revenue_per_customer": 50.0,
                                      "gross_margin": 0.4}, TypeError,
     r"cac_payback_months\(\): `cac` must be a number"),
    (F.pnl_long, (ORD,), {}, ValueError,
     r"pnl_long\(\): column 'period' \(from `pnl`\) is not in `pnl`"),
    (F.pnl_long, (pd.DataFrame({"period": []}),), {"lines": ["revenue"]},
     ValueError, r"pnl_long\(\): the value for `lines` must be one of"),
]


@pytest.mark.parametrize(
    ("func", "args", "kwargs", "exc", "match"), BAD_INPUTS,
    ids=[f"{i}-{b[0].__name__}" for i, b in enumerate(BAD_INPUTS)],
)
def test_bad_inputs(func, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        func(*args, **kwargs)
