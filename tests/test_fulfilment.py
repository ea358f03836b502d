"""Tests of ecomkit.fulfilment (营运): shipping speed, delivery days, late deliveries."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecomkit import fulfilment as U

T = pd.Timestamp


def tiny_orders() -> dict:
    """Six orders; five paid, four shipped and delivered.

    order  paid           shipped (lag)        delivered (paid -> delivered)
    1      01-03 10:00    01-04 08:00 (22 h)   01-06 22:00 (3.5 d)
    2      01-10 12:00    01-13 12:00 (72 h)   01-17 12:00 (7 d)
    3      unpaid
    4      02-02 09:00    02-03 09:00 (24 h)   02-05 09:00 (3 d)
    5      02-14 20:00    02-16 20:00 (48 h)   02-22 20:00 (8 d)
    6      02-28 10:00    not shipped
    """
    orders = pd.DataFrame({
        "order_id": [1, 2, 3, 4, 5, 6],
        "customer_id": [10, 11, 12, 10, 13, 14],
        "paid_ts": pd.to_datetime([
            "2024-01-03 10:00", "2024-01-10 12:00", None,
            "2024-02-02 09:00", "2024-02-14 20:00", "2024-02-28 10:00"]),
        "device": pd.Categorical(
            ["app", "pc", "app", "app", "mini_program", "app"],
            categories=["app", "mini_program", "mobile_web", "pc"], ordered=True),
        "shipped_ts": pd.to_datetime([
            "2024-01-04 08:00", "2024-01-13 12:00", None,
            "2024-02-03 09:00", "2024-02-16 20:00", None]),
        "delivered_ts": pd.to_datetime([
            "2024-01-06 22:00", "2024-01-17 12:00", None,
            "2024-02-05 09:00", "2024-02-22 20:00", None]),
    })
    refunds = pd.DataFrame({
        "refund_id": [1, 2, 3],
        "order_id": [2, 4, 5],
        "refund_ts": pd.to_datetime(["2024-01-20", "2024-02-10", "2024-03-02"]),
        "refund_amount": [100.0, 54.0, 20.0],
        "reason": ["late_delivery", "size_fit", "quality"],
        "is_return": [True, True, False],
    })
    customers = pd.DataFrame({
        "customer_id": [10, 11, 12, 13, 14],
        "province": ["广东", "浙江", "广东", "浙江", "上海"],
    })
    return {"orders": orders, "refunds": refunds, "customers": customers}


@pytest.fixture
def shop():
    return tiny_orders()


def _period_index(*days):
    return pd.DatetimeIndex(pd.to_datetime(list(days)), name="period").astype(
        "datetime64[ns]")


# ---------------------------------------------------------------- shipping ----
@pytest.mark.golden("ship_within_48h_rate")
def test_ship_within_rate_golden(shop):
    o = shop["orders"]
    # shipped: 22 h, 72 h, 24 h, 48 h (inclusive) -> 3 of 4 within 48 h
    assert U.ship_within_rate(o) == pytest.approx(0.75)
    # within 24 h: 22 h and 24 h -> 2 of 4
    assert U.ship_within_rate(o, hours=24) == pytest.approx(0.5)
    # Jan: 1 of 2; Feb: 2 of 2 (order 6 is not shipped, not in the denominator)
    pd.testing.assert_series_equal(
        U.ship_within_rate(o, freq="M"),
        pd.Series([0.5, 1.0], index=_period_index("2024-01-01", "2024-02-01"),
                  name="ship_within_rate"))


@pytest.mark.golden("ship_within_48h_rate")
def test_ship_within_rate_by_device_and_province(shop):
    o, cu = shop["orders"], shop["customers"]
    # app: orders 1, 4 shipped in time (6 not shipped); mini_program: 5; pc: 2 late
    pd.testing.assert_series_equal(
        U.ship_within_rate(o, by="device"),
        pd.Series([1.0, 1.0, 0.0], name="ship_within_rate",
                  index=pd.Index(["app", "mini_program", "pc"], name="device")))
    # 广东 = customer 10 (orders 1, 4); 浙江 = 11 (2, late), 13 (5, in time);
    # 上海 = 14 (order 6 not shipped) -> NaN, not 0
    got = U.ship_within_rate(o, by="province", customers=cu)
    pd.testing.assert_series_equal(
        got, pd.Series([np.nan, 1.0, 0.5], name="ship_within_rate",
                       index=pd.Index(["上海", "广东", "浙江"], name="province")),
        check_index_type=False)


def test_ship_within_rate_nan_without_shipped_orders(shop):
    o = shop["orders"].assign(shipped_ts=pd.NaT, delivered_ts=pd.NaT)
    assert np.isnan(U.ship_within_rate(o))
    assert U.ship_within_rate(o, by="device").isna().all()


# ---------------------------------------------------------------- delivery ----
@pytest.mark.golden("delivery_days")
def test_delivery_days_golden(shop):
    o = shop["orders"]
    # (3.5 + 7 + 3 + 8) / 4
    assert U.delivery_days(o) == pytest.approx(5.375)
    assert U.delivery_days(o, stat="median") == pytest.approx((3.5 + 7) / 2)
    # carrier only: 2 d 14 h, 4 d, 2 d, 6 d
    assert U.delivery_days(o, leg="shipped_to_delivered") == pytest.approx(
        (2 + 14 / 24 + 4 + 2 + 6) / 4)
    # warehouse only: 22 h, 3 d, 1 d, 2 d
    assert U.delivery_days(o, leg="paid_to_shipped") == pytest.approx(
        (22 / 24 + 3 + 1 + 2) / 4)
    pd.testing.assert_series_equal(
        U.delivery_days(o, freq="M"),
        pd.Series([(3.5 + 7) / 2, (3 + 8) / 2], name="delivery_days",
                  index=_period_index("2024-01-01", "2024-02-01")))
    pd.testing.assert_series_equal(
        U.delivery_days(o, by="device"),
        pd.Series([3.25, 8.0, 7.0], name="delivery_days",
                  index=pd.Index(["app", "mini_program", "pc"], name="device")))


@pytest.mark.golden("delivery_days")
def test_delivery_days_distribution(shop):
    got = U.delivery_days(shop["orders"], stat="distribution")
    # days rounded up: 3.5 -> 4, 7, 3, 8
    expected = pd.DataFrame({"days": [3, 4, 7, 8], "orders": [1, 1, 1, 1],
                             "share": [0.25] * 4})
    pd.testing.assert_frame_equal(got, expected)
    monthly = U.delivery_days(shop["orders"], stat="distribution", freq="M")
    expected = pd.DataFrame({
        "period": pd.to_datetime(["2024-01-01", "2024-01-01", "2024-02-01",
                                  "2024-02-01"]).astype("datetime64[ns]"),
        "days": [4, 7, 3, 8], "orders": [1, 1, 1, 1], "share": [0.5] * 4})
    pd.testing.assert_frame_equal(monthly, expected)


def test_delivery_days_median_with_ties():
    orders = pd.DataFrame({
        "paid_ts": pd.to_datetime(["2024-01-01"] * 4),
        "delivered_ts": pd.to_datetime(["2024-01-03", "2024-01-03", "2024-01-03",
                                        "2024-01-09"])})
    assert U.delivery_days(orders, stat="median") == 2.0
    assert U.delivery_days(orders) == pytest.approx((2 * 3 + 8) / 4)


# ---------------------------------------------------------- late delivery ----
@pytest.mark.golden("late_delivery_refund_share")
def test_late_delivery_refund_share_golden(shop):
    o, r = shop["orders"], shop["refunds"]
    # late (> 5 days): orders 2 (7 d) and 5 (8 d); refunded: 2, 4, 5 -> 2 of 3
    assert U.late_delivery_refund_share(o, r) == pytest.approx(2 / 3)
    # by amount: (100 + 20) / (100 + 54 + 20)
    assert U.late_delivery_refund_share(o, r, unit="amount") == pytest.approx(
        120 / 174)
    # late only above 7.5 days: order 5 -> 1 of 3
    assert U.late_delivery_refund_share(o, r, late_days=7.5) == pytest.approx(1 / 3)
    # exactly 7 days (order 2) is not late: "more than late_days"
    assert U.late_delivery_refund_share(o, r, late_days=7) == pytest.approx(1 / 3)
    assert U.late_delivery_refund_share(o, r, late_days=10) == 0.0
    # Jan: refunded order 2 is late -> 1; Feb: 4 on time, 5 late -> 1/2
    pd.testing.assert_series_equal(
        U.late_delivery_refund_share(o, r, freq="M"),
        pd.Series([1.0, 0.5], name="late_delivery_refund_share",
                  index=_period_index("2024-01-01", "2024-02-01")))


@pytest.mark.golden("refund_rate_by_delivery")
def test_refund_rate_by_delivery_golden(shop):
    o, r = shop["orders"], shop["refunds"]
    levels = pd.CategoricalDtype(["on_time", "late"], ordered=True)
    # on time: orders 1, 4 (4 refunded); late: 2, 5 (both refunded)
    expected = pd.DataFrame({
        "delivery": pd.Series(["on_time", "late"], dtype=levels),
        "orders": [2, 2], "refunded_orders": [1, 2], "refund_rate": [0.5, 1.0]})
    pd.testing.assert_frame_equal(U.refund_rate_by_delivery(o, r), expected)
    by_device = U.refund_rate_by_delivery(o, r, by="device")
    expected = pd.DataFrame({
        "device": ["app", "app", "mini_program", "mini_program", "pc", "pc"],
        "delivery": pd.Series(["on_time", "late"] * 3, dtype=levels),
        "orders": [2, 0, 0, 1, 0, 1],
        "refunded_orders": [1, 0, 0, 1, 0, 1],
        "refund_rate": [0.5, np.nan, np.nan, 1.0, np.nan, 1.0]})
    pd.testing.assert_frame_equal(by_device, expected)


def test_no_refunds_share_is_nan(shop):
    r = shop["refunds"].iloc[:0]
    assert np.isnan(U.late_delivery_refund_share(shop["orders"], r))
    assert U.refund_rate_by_delivery(shop["orders"], r)["refund_rate"].tolist() == [
        0.0, 0.0]


# -------------------------------------------------------------- edge cases ----
def _all(shop):
    o, r, cu = shop["orders"], shop["refunds"], shop["customers"]
    return {
        "ship": U.ship_within_rate(o, by="province", customers=cu),
        "ship_m": U.ship_within_rate(o, freq="M"),
        "days": U.delivery_days(o, by="device"),
        "dist": U.delivery_days(o, stat="distribution", freq="W"),
        "median": U.delivery_days(o, stat="median"),
        "late": U.late_delivery_refund_share(o, r, unit="amount"),
        "rate": U.refund_rate_by_delivery(o, r, by="province", customers=cu),
    }


def _assert_same(a, b):
    for k in a:
        if isinstance(a[k], pd.DataFrame):
            pd.testing.assert_frame_equal(a[k], b[k], obj=k)
        elif isinstance(a[k], pd.Series):
            pd.testing.assert_series_equal(a[k], b[k], obj=k)
        else:
            np.testing.assert_allclose(a[k], b[k], err_msg=k)


def test_string_ids_same_answer(shop):
    text = {k: v.copy() for k, v in shop.items()}
    for k in ("orders", "refunds"):
        text[k]["order_id"] = "o" + text[k]["order_id"].astype(str)
    for k in ("orders", "customers"):
        text[k]["customer_id"] = "c" + text[k]["customer_id"].astype(str)
    _assert_same(_all(shop), _all(text))


def test_unsorted_and_repeated_index_same_answer(shop):
    rng = np.random.default_rng(3)
    shuffled = {k: v.sample(frac=1, random_state=rng).set_axis([5] * len(v))
                for k, v in shop.items()}
    _assert_same(_all(shop), _all(shuffled))


def test_tz_aware_same_answer_and_mixed_rejected(shop):
    aware = {k: v.copy() for k, v in shop.items()}
    for col in ("paid_ts", "shipped_ts", "delivered_ts"):
        aware["orders"][col] = aware["orders"][col].dt.tz_localize("Asia/Shanghai")
    _assert_same(_all(shop), _all(aware))
    mixed = aware["orders"].assign(
        shipped_ts=aware["orders"]["shipped_ts"].dt.tz_convert("UTC"))
    with pytest.raises(ValueError, match=r"ship_within_rate\(\).*mix time zones"):
        U.ship_within_rate(mixed)


def test_inputs_not_mutated(shop):
    before = {k: v.copy(deep=True) for k, v in shop.items()}
    _all(shop)
    for k in shop:
        pd.testing.assert_frame_equal(shop[k], before[k])


def test_empty_window(shop):
    o, r = shop["orders"], shop["refunds"]
    window = {"start": "2025-01-01", "end": "2025-12-31"}
    assert np.isnan(U.ship_within_rate(o, **window))
    assert np.isnan(U.delivery_days(o, **window))
    assert np.isnan(U.delivery_days(o, stat="median", **window))
    assert U.delivery_days(o, stat="distribution", **window).empty
    assert np.isnan(U.late_delivery_refund_share(o, r, **window))
    assert U.refund_rate_by_delivery(o, r, **window).empty
    assert U.ship_within_rate(o, by="device", **window).empty


def test_window_is_on_payment_time(shop):
    # order 2 is paid in January but shipped 72 h later; the window keeps it
    assert U.ship_within_rate(shop["orders"], start="2024-01-10",
                              end="2024-01-10") == 0.0


# -------------------------------------------------------------- hypothesis ----
@st.composite
def random_orders(draw):
    n = draw(st.integers(1, 15))
    paid_h = draw(st.lists(st.integers(0, 24 * 60), min_size=n, max_size=n))
    ship_h = draw(st.lists(st.one_of(st.none(), st.integers(0, 120)),
                           min_size=n, max_size=n))
    transit_h = draw(st.lists(st.one_of(st.none(), st.integers(0, 240)),
                              min_size=n, max_size=n))
    paid = pd.Timestamp("2024-01-01") + pd.to_timedelta(paid_h, unit="h")
    shipped = [p + pd.Timedelta(hours=s) if s is not None else pd.NaT
               for p, s in zip(paid, ship_h, strict=True)]
    delivered = [s + pd.Timedelta(hours=t) if t is not None and s is not pd.NaT
                 else pd.NaT for s, t in zip(shipped, transit_h, strict=True)]
    orders = pd.DataFrame({
        "order_id": range(n),
        "paid_ts": paid,
        "shipped_ts": pd.to_datetime(pd.Series(shipped, dtype="datetime64[ns]")),
        "delivered_ts": pd.to_datetime(pd.Series(delivered,
                                                 dtype="datetime64[ns]")),
        "device": draw(st.lists(st.sampled_from(["app", "pc"]), min_size=n,
                                max_size=n)),
    })
    k = draw(st.integers(0, 6))
    refunds = pd.DataFrame({
        "order_id": draw(st.lists(st.integers(0, n - 1), min_size=k, max_size=k)),
        "refund_amount": draw(st.lists(st.floats(0, 100), min_size=k, max_size=k)),
    })
    return orders, refunds


@settings(max_examples=50, deadline=None)
@given(random_orders(), st.integers(1, 96), st.sampled_from([None, "W", "M"]))
def test_rates_in_unit_interval(books, hours, freq):
    orders, refunds = books
    for value in (
        U.ship_within_rate(orders, hours=hours, freq=freq, by="device"),
        U.late_delivery_refund_share(orders, refunds, late_days=hours / 24,
                                     freq=freq),
        U.refund_rate_by_delivery(orders, refunds, late_days=hours / 24,
                                  freq=freq)["refund_rate"],
    ):
        arr = np.atleast_1d(np.asarray(value, dtype=float))
        arr = arr[~np.isnan(arr)]
        assert ((arr >= 0) & (arr <= 1)).all()
    # a longer promise never lowers the rate
    a = U.ship_within_rate(orders, hours=hours)
    b = U.ship_within_rate(orders, hours=hours + 24)
    assert np.isnan(a) or b >= a


@settings(max_examples=50, deadline=None)
@given(random_orders(), st.sampled_from([None, "D", "M"]))
def test_delivery_distribution_consistent_with_mean(books, freq):
    orders, _ = books
    dist = U.delivery_days(orders, stat="distribution", freq=freq)
    groups = ["period"] if freq else []
    if dist.empty:
        assert np.isnan(U.delivery_days(orders))
        return
    shares = dist.groupby(groups)["share"].sum() if groups else dist["share"].sum()
    np.testing.assert_allclose(shares, 1.0)
    assert dist["orders"].sum() == (orders["delivered_ts"].notna()).sum()
    # rounded-up days bound the exact mean from above, by less than a day
    mean = U.delivery_days(orders)
    up = (dist["days"] * dist["orders"]).sum() / dist["orders"].sum()
    assert mean <= up + 1e-9 and up - mean < 1 + 1e-9


# -------------------------------------------------------------- bad inputs ----
ORD, R, CU = (tiny_orders()[k] for k in ("orders", "refunds", "customers"))

BAD_INPUTS = [
    (U.ship_within_rate, (tiny_orders(),), {}, TypeError,
     r"ship_within_rate\(\): `orders` must be one table.*shop\.orders"),
    (U.ship_within_rate, (ORD.drop(columns="shipped_ts"),), {}, ValueError,
     r"ship_within_rate\(\): column 'shipped_ts' \(from `shipped_ts_col`\) is not "
     r"in `orders`"),
    (U.ship_within_rate, (ORD.assign(paid_ts=ORD["paid_ts"].astype(str)),), {},
     TypeError, r"ship_within_rate\(\): column 'paid_ts' \(from `paid_ts_col`\) "
     r"must hold datetimes.*pd.to_datetime"),
    (U.ship_within_rate, (ORD,), {"hours": 0}, ValueError,
     r"ship_within_rate\(\): `hours` must be in \(0"),
    (U.ship_within_rate, (ORD,), {"hours": "48"}, TypeError,
     r"ship_within_rate\(\): `hours` must be a number"),
    (U.ship_within_rate, (ORD.assign(shipped_ts=ORD["paid_ts"] - pd.Timedelta("1h")),),
     {}, ValueError, r"ship_within_rate\(\): 5 order\(s\) have 'shipped_ts' "
     r"\(from `shipped_ts_col`\) before 'paid_ts'"),
    (U.ship_within_rate, (ORD,), {"by": "province"}, ValueError,
     r"ship_within_rate\(\): column 'province' \(from `by`\) is not in `orders`.*"
     r"customers=shop.customers"),
    (U.ship_within_rate, (ORD,), {"by": "province",
                                "customers": CU[CU["customer_id"] != 14]},
     ValueError, r"ship_within_rate\(\): 1 order\(s\) have a customer that is not "
     r"in `customers`"),
    (U.delivery_days, (ORD,), {"stat": "mode"}, ValueError,
     r"delivery_days\(\): the value for `stat` must be one of"),
    (U.delivery_days, (ORD,), {"leg": "order_to_delivered"}, ValueError,
     r"delivery_days\(\): the value for `leg` must be one of"),
    (U.delivery_days, (ORD,), {"freq": "H"}, ValueError,
     r"delivery_days\(\): the value for `freq` must be one of"),
    (U.delivery_days, (ORD,), {"start": "2024-02-01", "end": "2024-01-01"},
     ValueError, r"delivery_days\(\): the window is empty"),
    (U.late_delivery_refund_share, (ORD, R), {"late_days": -1}, ValueError,
     r"late_delivery_refund_share\(\): `late_days` must be in \[0"),
    (U.late_delivery_refund_share, (ORD, R), {"unit": "customers"}, ValueError,
     r"late_delivery_refund_share\(\): the value for `unit` must be one of"),
    (U.late_delivery_refund_share, (ORD, R.assign(refund_amount=-R["refund_amount"])),
     {"unit": "amount"}, ValueError,
     r"late_delivery_refund_share\(\): column 'refund_amount' \(from "
     r"`refund_amount_col`\) has 3 negative"),
    (U.late_delivery_refund_share, (ORD, R.assign(order_id=R["order_id"].astype(str))),
     {}, TypeError, r"late_delivery_refund_share\(\): column 'order_id' \(from "
     r"`order_id_col`\) holds ids of different types"),
    (U.refund_rate_by_delivery, (ORD, {"refunds": R}), {}, TypeError,
     r"refund_rate_by_delivery\(\): `refunds` must be one table.*shop\.refunds"),
    (U.refund_rate_by_delivery, (pd.concat([ORD, ORD.iloc[:1]]), R), {}, ValueError,
     r"refund_rate_by_delivery\(\): column 'order_id' \(from `order_id_col`\).*"
     r"repeated"),
]


@pytest.mark.parametrize(
    ("func", "args", "kwargs", "exc", "match"), BAD_INPUTS,
    ids=[f"{i}-{b[0].__name__}" for i, b in enumerate(BAD_INPUTS)],
)
def test_bad_inputs(func, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        func(*args, **kwargs)
