"""Tests for ecomkit.sales: golden values on a hand-built shop, edge cases,
bad inputs and properties."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ecomkit.sales as es
from ecomkit._schema import CHANNELS, DEVICES, categorical


# ------------------------------------------------------------ fixtures ----
# Eight orders in January 2024 (order 8 is placed on Jan 31 and paid on Feb 1).
#
# id cust placed       paid         status    channel list disc ship order paid
#  1  101 01-01 09:00  01-01 09:05  paid      social  100   10   5    95    95
#  2  101 01-01 20:00  01-02 08:00  paid      direct   60    0   5    65    65
#  3  102 01-02 10:00  -            unpaid    social   80    0   0    80     0
#  4  103 01-02 11:00  01-02 11:01  paid      social  200   20   0   180   180
#  5  104 01-03 09:00  -            cancelled direct   40    0  10    50     0
#  6  105 01-03 12:00  01-03 12:30  paid      direct   50    0  10    60    60
#  7  103 01-04 18:00  01-04 18:05  paid      social  120   20   0   100   100
#  8  106 01-31 23:50  02-01 00:05  paid      direct   30    0   5    35    35
def make_orders() -> pd.DataFrame:
    orders = pd.DataFrame({
        "order_id": [1, 2, 3, 4, 5, 6, 7, 8],
        "customer_id": [101, 101, 102, 103, 104, 105, 103, 106],
        "order_ts": pd.to_datetime([
            "2024-01-01 09:00", "2024-01-01 20:00", "2024-01-02 10:00",
            "2024-01-02 11:00", "2024-01-03 09:00", "2024-01-03 12:00",
            "2024-01-04 18:00", "2024-01-31 23:50",
        ]),
        "paid_ts": pd.to_datetime([
            "2024-01-01 09:05", "2024-01-02 08:00", None, "2024-01-02 11:01",
            None, "2024-01-03 12:30", "2024-01-04 18:05", "2024-02-01 00:05",
        ]),
        "status": categorical(["paid", "paid", "unpaid", "paid", "cancelled",
                               "paid", "paid", "paid"],
                              ("paid", "cancelled", "unpaid")),
        "channel": categorical(["social", "direct", "social", "social", "direct",
                                "direct", "social", "direct"], CHANNELS),
        "device": categorical(["app", "pc", "app", "mini_program", "pc", "app",
                               "app", "pc"], DEVICES),
        "list_amount": [100.0, 60.0, 80.0, 200.0, 40.0, 50.0, 120.0, 30.0],
        "discount_amount": [10.0, 0.0, 0.0, 20.0, 0.0, 0.0, 20.0, 0.0],
        "shipping_fee": [5.0, 5.0, 0.0, 0.0, 10.0, 10.0, 0.0, 5.0],
    })
    orders["order_amount"] = (orders["list_amount"] - orders["discount_amount"]
                              + orders["shipping_fee"])
    orders["paid_amount"] = orders["order_amount"].where(orders["paid_ts"].notna(),
                                                         0.0)
    return orders


# units: order 1: 3, 2: 1, 3: 4 (unpaid), 4: 4, 5: 1 (cancelled), 6: 1, 7: 3, 8: 2
def make_items() -> pd.DataFrame:
    return pd.DataFrame({
        "order_id": [1, 1, 2, 3, 4, 4, 5, 6, 7, 7, 7, 8],
        "product_id": [1, 2, 3, 1, 4, 2, 5, 2, 1, 3, 4, 5],
        "quantity": [2, 1, 1, 4, 2, 2, 1, 1, 1, 1, 1, 2],
        "unit_price": [30.0, 40.0, 60.0, 20.0, 50.0, 50.0, 40.0, 50.0, 40.0,
                       40.0, 40.0, 15.0],
    })


# r1: order 1 (goods 90), 40 on 01-03 -> all goods
# r2: order 1, 55 on 02-02 -> goods left 90 - 40 = 50, so 50 goods + 5 shipping
# r3: order 4 (goods 180), 180 on 01-05 -> a full refund, all goods
# r4: order 8 (goods 30, shipping 5), 35 on 02-03 -> 30 goods + 5 shipping
def make_refunds() -> pd.DataFrame:
    return pd.DataFrame({
        "refund_id": [1, 2, 3, 4],
        "order_id": [1, 1, 4, 8],
        "refund_ts": pd.to_datetime(["2024-01-03 10:00", "2024-02-02 09:00",
                                     "2024-01-05 15:00", "2024-02-03 12:00"]),
        "refund_amount": [40.0, 55.0, 180.0, 35.0],
        "is_return": [True, True, True, False],
    })


# Jan visitors v1..v10 (UV 10); Feb: v11.
# social in Jan: v1 v2 v3 v6 v7 v9 (6); direct in Jan: v1 v4 v5 v8 v10 (5)
def make_sessions() -> pd.DataFrame:
    return pd.DataFrame({
        "session_id": list(range(1, 14)),
        "visitor_id": [1, 1, 2, 3, 4, 5, 6, 7, 3, 8, 9, 10, 11],
        "start_ts": pd.to_datetime([
            "2024-01-01 09:00", "2024-01-02 07:50", "2024-01-01 10:00",
            "2024-01-02 11:00", "2024-01-02 12:00", "2024-01-03 12:00",
            "2024-01-03 13:00", "2024-01-04 18:00", "2024-01-04 17:50",
            "2024-01-10 10:00", "2024-01-20 10:00", "2024-01-31 23:45",
            "2024-02-01 10:00",
        ]),
        "channel": categorical(["social", "direct", "social", "social", "direct",
                                "direct", "social", "social", "social", "direct",
                                "social", "direct", "direct"], CHANNELS),
        "device": categorical(["app"] * 13, DEVICES),
    })


@pytest.fixture
def orders():
    return make_orders()


@pytest.fixture
def items():
    return make_items()


@pytest.fixture
def refunds():
    return make_refunds()


@pytest.fixture
def sessions():
    return make_sessions()


JAN = {"start": "2024-01-01", "end": "2024-01-31"}
FEB = {"start": "2024-02-01", "end": "2024-02-29"}


def _series(values: dict, name: str, index_name="channel", dtype="float64"):
    idx = pd.CategoricalIndex(list(values), categories=list(CHANNELS), ordered=True,
                              name=index_name)
    return pd.Series(list(values.values()), index=idx, name=name, dtype=dtype)


# ------------------------------------------------------------- golden ----
@pytest.mark.golden("gmv")
def test_gmv_golden(orders):
    # all orders placed in January, paid or not: 95+65+80+180+50+60+100+35
    assert es.gmv(orders, **JAN) == 665.0
    assert es.gmv(orders, **FEB) == 0.0
    # Jan 1-2: orders 1, 2, 3 (unpaid), 4 -> 95 + 65 + 80 + 180
    assert es.gmv(orders, start="2024-01-01", end="2024-01-02") == 420.0
    # social: 95 + 80 + 180 + 100 = 455; direct: 65 + 50 + 60 + 35 = 210
    pd.testing.assert_series_equal(
        es.gmv(orders, by="channel"),
        _series({"social": 455.0, "direct": 210.0}, "gmv"),
    )


@pytest.mark.golden("pay_amount")
def test_paid_amount_golden(orders):
    # paid in January: 95 + 65 + 180 + 60 + 100 (order 8 is paid on Feb 1)
    assert es.paid_amount(orders, **JAN) == 500.0
    assert es.paid_amount(orders, **FEB) == 35.0
    assert es.paid_amount(orders) == 535.0
    # social: 95 + 180 + 100; direct: 65 + 60
    pd.testing.assert_series_equal(
        es.paid_amount(orders, by="channel", **JAN),
        _series({"social": 375.0, "direct": 125.0}, "paid_amount"),
    )


def test_unpaid_in_gmv_not_in_paid_amount(orders):
    # Jan 2: placed = orders 3 (unpaid, 80) and 4 (180); paid = orders 2 (65) and 4
    day = {"start": "2024-01-02", "end": "2024-01-02"}
    assert es.gmv(orders, **day) == 260.0
    assert es.paid_amount(orders, **day) == 245.0


@pytest.mark.golden("net_sales")
def test_net_sales_golden(orders, refunds):
    # goods (list - discount) of orders paid in Jan: 90 + 60 + 180 + 50 + 100 = 480
    # refunds dated in Jan: r1 40 + r3 180 = 220 -> 260
    assert es.net_sales(orders, refunds, **JAN) == 260.0
    # Feb: goods of order 8 = 30; refunds in Feb: r2 goods 50 (of 55), r4 goods 30
    # (of 35) -> 30 - 80 = -50: a month can be negative when booked by refund date
    assert es.net_sales(orders, refunds, **FEB) == -50.0
    # refunds booked on the order's payment date: Jan 480 - (40 + 50 + 180) = 210,
    # Feb 30 - 30 = 0
    assert es.net_sales(orders, refunds, refund_dating="order", **JAN) == 210.0
    assert es.net_sales(orders, refunds, refund_dating="order", **FEB) == 0.0
    # no cap: refunds deducted in full, Feb 30 - (55 + 35) = -60
    assert es.net_sales(orders, refunds, refund_cap="none", **FEB) == -60.0
    # by channel in Jan: social 90 + 180 + 100 - 40 - 180 = 150; direct 60 + 50
    pd.testing.assert_series_equal(
        es.net_sales(orders, refunds, by="channel", **JAN),
        _series({"social": 150.0, "direct": 110.0}, "net_sales"),
    )


def test_net_sales_full_refund_nets_zero(orders, refunds):
    # order 4 (goods 180) fully refunded; order 1 refunded 95 = goods 90 + ship 5
    both = orders[orders["order_id"].isin([1, 4])]
    assert es.net_sales(both, refunds[refunds["order_id"].isin([1, 4])],
                        refund_dating="order") == 0.0


def test_net_sales_without_refunds(orders, refunds):
    # an empty refunds table (even with object dtypes) means goods only: 480 in Jan
    empty = pd.DataFrame(columns=["order_id", "refund_ts", "refund_amount"])
    assert es.net_sales(orders, empty, **JAN) == 480.0
    assert es.net_sales(orders, refunds.iloc[:0], **JAN) == 480.0


@pytest.mark.golden("paid_orders", "paying_buyers")
def test_counts_golden(orders):
    # Jan: orders 1, 2, 4, 6, 7 paid; buyers 101, 103, 105
    assert es.paid_orders(orders, **JAN) == 5
    assert es.paying_buyers(orders, **JAN) == 3
    assert isinstance(es.paid_orders(orders, **JAN), int)
    # by channel buyers add up to more than the total: 101 bought in both
    pd.testing.assert_series_equal(
        es.paying_buyers(orders, by="channel", **JAN),
        _series({"social": 2, "direct": 2}, "paying_buyers", dtype="int64"),
    )
    pd.testing.assert_series_equal(
        es.paid_orders(orders, by="channel", **JAN),
        _series({"social": 3, "direct": 2}, "paid_orders", dtype="int64"),
    )


@pytest.mark.golden("revenue_per_buyer", "aov", "arppu")
def test_per_buyer_and_per_order_golden(orders):
    # 客单价 = 500 / 3 buyers; 笔单价 = 500 / 5 orders
    assert es.revenue_per_buyer(orders, **JAN) == pytest.approx(500 / 3, rel=1e-12)
    assert es.aov(orders, **JAN) == 100.0
    assert es.arppu(orders, **JAN) == pytest.approx(500 / 3, rel=1e-12)
    # social 375 / 2 buyers, direct 125 / 2; per order 375 / 3, 125 / 2
    pd.testing.assert_series_equal(
        es.revenue_per_buyer(orders, by="channel", **JAN),
        _series({"social": 187.5, "direct": 62.5}, "revenue_per_buyer"),
    )
    pd.testing.assert_series_equal(
        es.aov(orders, by="channel", **JAN),
        _series({"social": 125.0, "direct": 62.5}, "aov"),
    )


@pytest.mark.golden("units_per_transaction")
def test_units_per_order_golden(orders, items):
    # paid in Jan: orders 1 (3 units), 2 (1), 4 (4), 6 (1), 7 (3) -> 12 / 5
    assert es.units_per_order(orders, items, **JAN) == 2.4
    # social: orders 1, 4, 7 -> 10 / 3; direct: 2, 6 -> 2 / 2
    pd.testing.assert_series_equal(
        es.units_per_order(orders, items, by="channel", **JAN),
        _series({"social": 10 / 3, "direct": 1.0}, "units_per_order"),
    )
    # a paid order without lines counts with 0 units: drop order 7's lines
    assert es.units_per_order(
        orders, items[items["order_id"] != 7], **JAN
    ) == pytest.approx(9 / 5)


@pytest.mark.golden("arpu")
def test_arpu_golden(orders, sessions):
    # Jan: 500 paid / 10 visitors
    assert es.arpu(orders, sessions, **JAN) == 50.0
    # social 375 / 6, direct 125 / 5
    pd.testing.assert_series_equal(
        es.arpu(orders, sessions, by="channel", **JAN),
        _series({"social": 62.5, "direct": 25.0}, "arpu"),
    )
    # a group with visitors but no orders gives 0, one with orders but no
    # visitors NaN
    s = sessions.copy()
    s["channel"] = categorical(["email_sms"] + ["social"] * 12, CHANNELS)
    res = es.arpu(orders, s, by="channel", start="2024-01-01", end="2024-01-01")
    # Jan 1: paid order 1 (social, 95); sessions v1 (email_sms) and v2 (social)
    pd.testing.assert_series_equal(
        res, _series({"social": 95.0, "email_sms": 0.0}, "arpu")
    )


def test_sales_identity_golden(orders, sessions):
    res = es.sales_identity(orders, sessions, **JAN)
    # uv 10, buyers 3, conversion 0.3, 客单价 500/3, paid 500, 10 × 0.3 × 500/3
    expected = pd.DataFrame({
        "uv": [10], "paying_buyers": [3], "pay_conversion": [0.3],
        "revenue_per_buyer": [500 / 3], "paid_amount": [500.0],
        "uv_x_conversion_x_rpb": [500.0],
        "identity_holds": pd.array([True], dtype="boolean"),
    })
    pd.testing.assert_frame_equal(res, expected, rtol=1e-12)


def test_sales_identity_by_period_and_channel(orders, sessions):
    res = es.sales_identity(orders, sessions, freq="D", start="2024-01-01",
                            end="2024-01-04")
    # day  visitors          paid orders (buyer, amount)
    # 1    v1 v2             o1 (101, 95)
    # 2    v1 v3 v4          o2 (101, 65), o4 (103, 180)
    # 3    v5 v6             o6 (105, 60)
    # 4    v7 v3             o7 (103, 100)
    assert res["period"].dt.day.tolist() == [1, 2, 3, 4]
    assert res["uv"].tolist() == [2, 3, 2, 2]
    assert res["paying_buyers"].tolist() == [1, 2, 1, 1]
    assert res["paid_amount"].tolist() == [95.0, 245.0, 60.0, 100.0]
    assert res["pay_conversion"].tolist() == [0.5, 2 / 3, 0.5, 0.5]
    assert res["identity_holds"].tolist() == [True] * 4

    by = es.sales_identity(orders, sessions, by="channel", **JAN)
    # social: uv 6, buyers 2, paid 375; direct: uv 5, buyers 2, paid 125
    assert by["channel"].tolist() == ["social", "direct"]
    assert by["uv"].tolist() == [6, 5]
    assert by["pay_conversion"].tolist() == pytest.approx([1 / 3, 0.4])
    assert by["revenue_per_buyer"].tolist() == [187.5, 62.5]
    assert by["identity_holds"].all()


def test_sales_identity_no_buyers_and_no_visitors(orders, sessions):
    # Jan 10: one visitor, no orders -> 0 = 1 × 0 × (undefined), holds
    res = es.sales_identity(orders, sessions, start="2024-01-10", end="2024-01-10")
    assert res["uv"].iloc[0] == 1 and res["paying_buyers"].iloc[0] == 0
    assert np.isnan(res["revenue_per_buyer"].iloc[0])
    assert res["uv_x_conversion_x_rpb"].iloc[0] == 0.0
    assert res["identity_holds"].iloc[0]
    # paid orders but no sessions at all: conversion undefined, check <NA>
    res = es.sales_identity(orders, sessions.iloc[:0], **JAN)
    assert np.isnan(res["pay_conversion"].iloc[0])
    assert res["identity_holds"].isna().iloc[0]


@pytest.mark.golden("gmv", "pay_amount", "net_sales")
def test_revenue_by_period_golden(orders, refunds):
    days = {"start": "2024-01-01", "end": "2024-01-04"}
    gmv = es.revenue_by_period(orders, freq="D", basis="gmv", **days)
    # placed: d1 95 + 65, d2 80 + 180, d3 50 + 60, d4 100
    expected = pd.DataFrame({
        "period": pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-03",
                                  "2024-01-04"]).astype(gmv["period"].dtype),
        "gmv": [160.0, 260.0, 110.0, 100.0],
    })
    pd.testing.assert_frame_equal(gmv, expected)
    paid = es.revenue_by_period(orders, freq="D", basis="paid_amount", **days)
    # paid: d1 95, d2 65 + 180, d3 60, d4 100
    assert paid["paid_amount"].tolist() == [95.0, 245.0, 60.0, 100.0]
    # monthly net sales over Jan-Feb: 260 and -50 (see test_net_sales_golden)
    net = es.revenue_by_period(orders, refunds, freq="M", basis="net_sales",
                               start="2024-01-01", end="2024-02-29")
    assert net["net_sales"].tolist() == [260.0, -50.0]
    assert net["period"].tolist() == [pd.Timestamp("2024-01-01"),
                                      pd.Timestamp("2024-02-01")]


def test_revenue_by_period_fills_empty_periods_and_groups(orders):
    res = es.revenue_by_period(orders, freq="W", basis="paid_amount",
                               by="channel", start="2024-01-01", end="2024-01-21")
    # weeks start Monday 01-01, 01-08, 01-15; both channels in every week
    assert res.columns.tolist() == ["period", "channel", "paid_amount"]
    assert res["period"].dt.day.tolist() == [1, 1, 8, 8, 15, 15]
    assert res["channel"].tolist() == ["social", "direct"] * 3
    # week 1 social 95 + 180 + 100, direct 65 + 60; later weeks 0
    assert res["paid_amount"].tolist() == [375.0, 125.0, 0.0, 0.0, 0.0, 0.0]


def test_revenue_by_period_sums_to_window_total(orders, refunds):
    for basis, total in (("gmv", es.gmv(orders, **JAN)),
                         ("paid_amount", es.paid_amount(orders, **JAN)),
                         ("net_sales", es.net_sales(orders, refunds, **JAN))):
        res = es.revenue_by_period(orders, refunds, freq="W", basis=basis, **JAN)
        assert res[basis].sum() == pytest.approx(total)


# ------------------------------------------------------------- edges ----
def test_empty_window_gives_zero_and_nan(orders, items, sessions):
    w = {"start": "2023-01-01", "end": "2023-01-31"}
    assert es.gmv(orders, **w) == 0.0
    assert es.paid_amount(orders, **w) == 0.0
    assert es.paid_orders(orders, **w) == 0
    assert es.paying_buyers(orders, **w) == 0
    for value in (es.revenue_per_buyer(orders, **w), es.aov(orders, **w),
                  es.arppu(orders, **w), es.units_per_order(orders, items, **w),
                  es.arpu(orders, sessions, **w)):
        assert isinstance(value, float) and math.isnan(value)
    assert es.revenue_per_buyer(orders, by="channel", **w).empty


def test_no_paid_orders_gives_nan_per_buyer(orders):
    unpaid = orders[orders["paid_ts"].isna()]
    assert math.isnan(es.revenue_per_buyer(unpaid))
    assert math.isnan(es.aov(unpaid))
    assert es.gmv(unpaid) == 130.0  # orders 3 and 5 still count in GMV


def test_one_customer(orders):
    one = orders[orders["customer_id"] == 103]
    # orders 4 (180) and 7 (100): one buyer, two orders
    assert es.paying_buyers(one) == 1
    assert es.revenue_per_buyer(one) == 280.0
    assert es.aov(one) == 140.0


def test_string_ids_give_the_same_answers(orders, items, refunds, sessions):
    o, i, r, s = orders.copy(), items.copy(), refunds.copy(), sessions.copy()
    o["customer_id"] = "c" + o["customer_id"].astype(str)
    o["order_id"] = "o" + o["order_id"].astype(str)
    i["order_id"] = "o" + i["order_id"].astype(str)
    r["order_id"] = "o" + r["order_id"].astype(str)
    s["visitor_id"] = "v" + s["visitor_id"].astype(str)
    assert es.paying_buyers(o, **JAN) == es.paying_buyers(orders, **JAN)
    assert es.revenue_per_buyer(o, **JAN) == es.revenue_per_buyer(orders, **JAN)
    assert es.units_per_order(o, i, **JAN) == es.units_per_order(orders, items, **JAN)
    assert es.net_sales(o, r, **FEB) == es.net_sales(orders, refunds, **FEB)
    assert es.arpu(o, s, **JAN) == es.arpu(orders, sessions, **JAN)
    pd.testing.assert_frame_equal(es.sales_identity(o, s, freq="D"),
                                  es.sales_identity(orders, sessions, freq="D"))


def test_unsorted_input_gives_the_same_answers(orders, items, refunds, sessions):
    rng = np.random.default_rng(0)
    o = orders.iloc[rng.permutation(len(orders))]
    r = refunds.iloc[rng.permutation(len(refunds))]
    s = sessions.iloc[rng.permutation(len(sessions))]
    i = items.iloc[rng.permutation(len(items))]
    assert es.net_sales(o, r, **FEB) == es.net_sales(orders, refunds, **FEB)
    assert es.units_per_order(o, i, **JAN) == es.units_per_order(orders, items, **JAN)
    pd.testing.assert_series_equal(es.aov(o, by="channel"),
                                   es.aov(orders, by="channel"))
    pd.testing.assert_frame_equal(
        es.revenue_by_period(o, r, basis="net_sales", by="device"),
        es.revenue_by_period(orders, refunds, basis="net_sales", by="device"),
    )
    pd.testing.assert_frame_equal(es.sales_identity(o, s, freq="W", by="channel"),
                                  es.sales_identity(orders, sessions, freq="W",
                                                    by="channel"))


def test_inputs_not_mutated(orders, items, refunds, sessions):
    before = [t.copy() for t in (orders, items, refunds, sessions)]
    es.gmv(orders, by="channel")
    es.net_sales(orders, refunds, by=["channel", "device"])
    es.revenue_by_period(orders, refunds, basis="net_sales", freq="M", by="channel")
    es.units_per_order(orders, items, by="channel")
    es.sales_identity(orders, sessions, freq="D", by="channel")
    es.arpu(orders, sessions, by="device")
    for b, t in zip(before, (orders, items, refunds, sessions), strict=True):
        pd.testing.assert_frame_equal(b, t)


def test_tz_aware_times_give_the_same_answers(orders, refunds, sessions):
    o, r, s = orders.copy(), refunds.copy(), sessions.copy()
    for frame, col in ((o, "order_ts"), (o, "paid_ts"), (r, "refund_ts"),
                       (s, "start_ts")):
        frame[col] = frame[col].dt.tz_localize("Asia/Shanghai")
    assert es.paid_amount(o, **FEB) == 35.0
    assert es.net_sales(o, r, **FEB) == -50.0
    res = es.revenue_by_period(o, r, basis="net_sales", freq="M",
                               start="2024-01-01", end="2024-02-29")
    assert res["net_sales"].tolist() == [260.0, -50.0]
    assert str(res["period"].dt.tz) == "Asia/Shanghai"
    assert es.sales_identity(o, s, **JAN)["uv"].iloc[0] == 10


def test_by_list_and_missing_group(orders):
    o = orders.copy()
    o["region"] = ["n", "s", "n", None, "s", "n", "s", "n"]
    res = es.paid_amount(o, by="region", **JAN)
    # a missing group value forms its own group so groups add up to the total
    assert res.sum() == 500.0
    assert res.index.isna().sum() == 1
    two = es.paid_orders(orders, by=["channel", "device"], **JAN)
    assert two.index.names == ["channel", "device"]
    assert two.sum() == 5


def test_refund_of_an_unknown_order_is_an_error(orders, refunds):
    with pytest.raises(ValueError, match=r"net_sales\(\): 1 refund\(s\) refer"):
        es.net_sales(orders[orders["order_id"] != 8], refunds)


def test_refund_dating_changes_only_where_refunds_cross_periods(orders, refunds):
    # over the whole history both datings agree: 510 goods - 300 refunded goods
    a = es.net_sales(orders, refunds, refund_dating="refund")
    b = es.net_sales(orders, refunds, refund_dating="order")
    assert a == b == 510.0 - 300.0


# -------------------------------------------------------- bad inputs ----
def _bad_orders(**changes):
    o = make_orders()
    for col, values in changes.items():
        o[col] = values
    return o


BAD_INPUTS = [
    (es.gmv, ({"orders": make_orders()},), {}, TypeError,
     r"gmv\(\): `orders` must be one table.*shop\.orders"),
    (es.gmv, (make_orders().drop(columns="order_amount"),), {}, ValueError,
     r"gmv\(\): column 'order_amount' \(from `order_amount_col`\) is not in "
     r"`orders`"),
    (es.gmv, (_bad_orders(order_ts=make_orders()["order_ts"].astype(str)),), {},
     TypeError, r"gmv\(\): column 'order_ts' \(from `order_ts_col`\) must hold "
     r"datetimes.*pd\.to_datetime"),
    (es.gmv, (make_orders(),), {"start": "not a date"}, ValueError,
     r"gmv\(\): `start` must be a date"),
    (es.paid_amount, (_bad_orders(paid_amount=[-1.0] + [0.0] * 7),), {},
     ValueError, r"paid_amount\(\): column 'paid_amount' \(from `paid_amount_col`\)"
     r" has 1 negative"),
    (es.paid_amount, (_bad_orders(paid_amount=["95"] * 8),), {}, TypeError,
     r"paid_amount\(\): column 'paid_amount' \(from `paid_amount_col`\) must be "
     r"numeric"),
    (es.aov, (make_orders(),), {"start": "2024-02-01", "end": "2024-01-01"},
     ValueError, r"aov\(\): the window is empty: `end`"),
    (es.paid_orders, (make_orders(),), {"by": "region"}, ValueError,
     r"paid_orders\(\): column 'region' \(from `by`\) is not in `orders`"),
    (es.paying_buyers, (_bad_orders(customer_id=[None] + [1.0] * 7),), {},
     ValueError, r"paying_buyers\(\): column 'customer_id' \(from "
     r"`customer_id_col`\) has 1 missing"),
    (es.revenue_by_period, (make_orders(),), {"freq": "H"}, ValueError,
     r"revenue_by_period\(\): the value for `freq` must be one of"),
    (es.revenue_by_period, (make_orders(),), {"basis": "paid"}, ValueError,
     r"revenue_by_period\(\): the value for `basis` must be one of"),
    (es.revenue_by_period, (make_orders(),), {"basis": "net_sales"}, ValueError,
     r"revenue_by_period\(\): basis='net_sales' needs the refunds table.*"
     r"`refunds="),
    (es.net_sales, (make_orders(), make_refunds()), {"refund_dating": "paid"},
     ValueError, r"net_sales\(\): the value for `refund_dating` must be one of"),
    (es.net_sales, (make_orders(), make_refunds()), {"refund_cap": "shipping"},
     ValueError, r"net_sales\(\): the value for `refund_cap` must be one of"),
    (es.net_sales, (make_orders(), make_orders()), {}, ValueError,
     r"net_sales\(\): column 'refund_ts' \(from `refund_ts_col`\) is not in "
     r"`refunds`"),
    (es.net_sales, (make_orders(), make_refunds().assign(refund_amount=-5.0)), {},
     ValueError, r"net_sales\(\): column 'refund_amount' \(from "
     r"`refund_amount_col`\) has 4 negative"),
    (es.net_sales, (make_orders(), make_refunds().assign(
        order_id=lambda d: d["order_id"].astype(str))), {}, TypeError,
     r"net_sales\(\): column 'order_id' holds int64 ids in `orders` but"),
    (es.net_sales, (pd.concat([make_orders(), make_orders()]), make_refunds()),
     {}, ValueError, r"net_sales\(\): column 'order_id' \(from `order_id_col`\) "
     r"has \d+ rows with a repeated order id"),
    (es.units_per_order, (make_orders(), make_items().drop(columns="quantity")),
     {}, ValueError, r"units_per_order\(\): column 'quantity' \(from "
     r"`quantity_col`\) is not in `order_items`"),
    (es.arpu, (make_orders(), make_sessions().drop(columns="channel")),
     {"by": "channel"}, ValueError,
     r"arpu\(\): column 'channel' \(from `by`\) is not in `sessions`"),
    (es.arpu, (make_orders(), [1, 2, 3]), {}, TypeError,
     r"arpu\(\): `sessions` must be a pandas DataFrame, got list"),
    (es.sales_identity, (make_orders(), make_sessions()), {"freq": "hour"},
     ValueError, r"sales_identity\(\): the value for `freq` must be one of"),
    (es.sales_identity, (make_orders(), make_sessions().assign(visitor_id=None)),
     {}, ValueError, r"sales_identity\(\): column 'visitor_id' \(from "
     r"`visitor_id_col`\) has 13 missing visitor ids"),
]


@pytest.mark.parametrize(
    ("func", "args", "kwargs", "exc", "match"), BAD_INPUTS,
    ids=[f"{i}-{case[0].__name__}" for i, case in enumerate(BAD_INPUTS)],
)
def test_bad_inputs(func, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        func(*args, **kwargs)


def test_bad_inputs_table_is_large_enough():
    assert len(BAD_INPUTS) >= 12


# -------------------------------------------------------- properties ----
@st.composite
def shops(draw):
    """Random small orders and sessions tables for one week."""
    seed = draw(st.integers(0, 2**32 - 1))
    n_orders = draw(st.integers(0, 40))
    n_sessions = draw(st.integers(0, 60))
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp("2024-03-04")
    minutes = rng.integers(0, 7 * 24 * 60, n_orders)
    placed = t0 + pd.to_timedelta(minutes, unit="min")
    paid = rng.random(n_orders) < 0.7
    paid_ts = pd.Series(placed + pd.to_timedelta(rng.integers(0, 600, n_orders),
                                                 unit="min"))
    paid_ts[~paid] = pd.NaT
    amount = rng.integers(1, 50_000, n_orders) / 100
    orders = pd.DataFrame({
        "order_id": np.arange(n_orders),
        "customer_id": rng.integers(0, 15, n_orders),
        "order_ts": placed,
        "paid_ts": paid_ts,
        "channel": categorical(rng.choice(["social", "direct", "email_sms"],
                                          n_orders), CHANNELS),
        "order_amount": amount,
        "paid_amount": np.where(paid, amount, 0.0),
    })
    sessions = pd.DataFrame({
        "visitor_id": rng.integers(0, 25, n_sessions),
        "start_ts": t0 + pd.to_timedelta(rng.integers(0, 7 * 24 * 60, n_sessions),
                                         unit="min"),
        "channel": categorical(rng.choice(["social", "direct", "email_sms"],
                                          n_sessions), CHANNELS),
    })
    return orders, sessions


@settings(max_examples=50, deadline=None)
@given(shops(), st.sampled_from([None, "D", "W"]), st.sampled_from([None, "channel"]))
def test_property_sales_identity_holds(shop, freq, by):
    orders, sessions = shop
    res = es.sales_identity(orders, sessions, freq=freq, by=by)
    defined = res["identity_holds"].notna()
    assert res.loc[defined, "identity_holds"].all()
    # <NA> only where there are no visitors
    assert (res.loc[~defined, "uv"] == 0).all()
    assert res["paid_amount"].sum() == pytest.approx(es.paid_amount(orders), abs=1e-6)


@settings(max_examples=50, deadline=None)
@given(shops())
def test_property_counts_and_totals(shop):
    orders, _ = shop
    buyers = es.paying_buyers(orders)
    assert 0 <= buyers <= es.paid_orders(orders)
    assert es.paid_amount(orders) <= es.gmv(orders) + 1e-9
    by = es.paid_amount(orders, by="channel")
    assert by.sum() == pytest.approx(es.paid_amount(orders), abs=1e-6)
    daily = es.revenue_by_period(orders, freq="D", basis="paid_amount")
    assert daily["paid_amount"].sum() == pytest.approx(es.paid_amount(orders),
                                                       abs=1e-6)
    if buyers:
        # 客单价 >= 笔单价 because buyers <= orders
        assert es.revenue_per_buyer(orders) >= es.aov(orders) - 1e-9
