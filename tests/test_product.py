"""Tests of ecomkit.product on a tiny hand-built shop (arithmetic in comments)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecomkit import product as ep

T = pd.Timestamp


# ------------------------------------------------------------------ data ----
# products: 1, 2 shoes; 3, 4 home; 5 beauty (launches in February)
def make_products():
    return pd.DataFrame({
        "product_id": [1, 2, 3, 4, 5],
        "category": ["shoes", "shoes", "home", "home", "beauty"],
        "list_price": [100.0, 50.0, 30.0, 20.0, 10.0],
        "unit_cost": [40.0, 20.0, 10.0, 5.0, 2.0],
        "launch_date": pd.to_datetime(["2023-01-01", "2023-01-01", "2023-01-01",
                                       "2024-01-15", "2024-02-01"]),
    })


# orders 1, 2, 3, 6 paid in January; 4 never paid; 5 paid in February
def make_orders():
    return pd.DataFrame({
        "order_id": [1, 2, 3, 4, 5, 6],
        "customer_id": [10, 11, 10, 12, 13, 14],
        "paid_ts": pd.to_datetime(["2024-01-02 10:00", "2024-01-05 09:00",
                                   "2024-01-20 12:00", None, "2024-02-03 08:00",
                                   "2024-01-25 18:00"]),
        # order 1: lines 90 + 60 + shipping 10
        "paid_amount": [160.0, 100.0, 140.0, 0.0, 20.0, 20.0],
    })


def make_items():
    return pd.DataFrame({
        "order_id": [1, 1, 2, 3, 3, 4, 5, 6],
        "product_id": [1, 3, 2, 1, 2, 3, 4, 4],
        "quantity": [1, 2, 2, 1, 1, 5, 1, 1],
        "unit_price": [100.0, 30.0, 50.0, 100.0, 50.0, 30.0, 20.0, 20.0],
        "discount_amount": [10.0, 0.0, 0.0, 0.0, 10.0, 0.0, 0.0, 0.0],
        "unit_cost": [40.0, 10.0, 20.0, 40.0, 20.0, 10.0, 5.0, 5.0],
    })


# end-of-day stock on three days of January; product 1 had December stock
def make_inventory():
    return pd.DataFrame({
        "date": pd.to_datetime(["2024-01-01", "2024-01-16", "2024-01-31"] * 4),
        "product_id": [1] * 3 + [2] * 3 + [3] * 3 + [4] * 3,
        "on_hand_units": [10, 14, 13, 5, 3, 2, 2, 0, 0, 0, 4, 3],
        "received_units": [0, 5, 0, 5, 0, 0, 2, 0, 0, 0, 4, 0],
    })


def make_refunds():
    return pd.DataFrame({
        "refund_id": [1, 2, 3],
        "order_id": [1, 3, 3],
        "refund_ts": pd.to_datetime(["2024-01-10", "2024-02-05", "2024-02-06"]),
        "refund_amount": [80.0, 20.0, 10.0],
        "reason": ["quality", "size_fit", "size_fit"],
        "is_return": [True, False, False],
    })


def make_events():
    # product views: p1 by v1 (twice), v2, v3, v4; p2 by v1, v5; p3 by v1..v6;
    # p4 by v9; plus an add_to_cart and a view outside January (both ignored)
    rows = ([("v1", 1), ("v1", 1), ("v2", 1), ("v3", 1), ("v4", 1),
             ("v1", 2), ("v5", 2)]
            + [(f"v{i}", 3) for i in range(1, 7)] + [("v9", 4)])
    ev = pd.DataFrame({
        "visitor_id": [r[0] for r in rows],
        "event_ts": T("2024-01-10"),
        "event_type": "product_view",
        "product_id": [r[1] for r in rows],
    })
    extra = pd.DataFrame({
        "visitor_id": ["v7", "v8"],
        "event_ts": [T("2024-01-11"), T("2024-03-01")],
        "event_type": ["add_to_cart", "product_view"],
        "product_id": [4, 4],
    })
    return pd.concat([ev, extra], ignore_index=True)


JAN = dict(start="2024-01-01", end="2024-01-31")


def shop():
    return dict(products=make_products(), orders=make_orders(), items=make_items(),
                inventory=make_inventory(), refunds=make_refunds(),
                events=make_events())


def as_str_ids(s):
    """The same shop with string ids everywhere."""
    s = {k: v.copy() for k, v in s.items()}
    for k in ("products", "items", "inventory", "events"):
        s[k]["product_id"] = "p" + s[k]["product_id"].astype(str)
    for k in ("orders", "items", "refunds"):
        s[k]["order_id"] = "o" + s[k]["order_id"].astype(str)
    s["orders"]["customer_id"] = "c" + s["orders"]["customer_id"].astype(str)
    return s


# ------------------------------------------------------------ product sales ----
@pytest.mark.golden("product_sales")
def test_product_sales_golden():
    s = shop()
    got = ep.product_sales(s["items"], orders=s["orders"], **JAN)
    # Jan paid lines: p1 90 (o1) + 100 (o3) = 190, 2 units, cogs 80 -> gp 110
    # p2 100 (o2) + 40 (o3) = 140, 3 units, cogs 60 -> 80; p3 60, cogs 20 -> 40
    # p4 20 (o6), cogs 5 -> 15. Total 410.
    exp = pd.DataFrame({
        "product_id": [1, 2, 3, 4],
        "units": [2, 3, 2, 1],
        "orders": [2, 2, 1, 1],
        "paid_amount": [190.0, 140.0, 60.0, 20.0],
        "gross_profit": [110.0, 80.0, 40.0, 15.0],
        "share": [190 / 410, 140 / 410, 60 / 410, 20 / 410],
    })
    pd.testing.assert_frame_equal(got, exp)
    # line paid amount sums to paid_amount - shipping of the same orders
    assert got["paid_amount"].sum() == (160 - 10) + 100 + 140 + 20


@pytest.mark.golden("product_sales")
def test_product_sales_by_category_with_zero_rows():
    s = shop()
    got = ep.product_sales(s["items"], orders=s["orders"], products=s["products"],
                           level="category", **JAN)
    # shoes = p1 + p2: 5 units, orders {1, 2, 3}, 330, gp 190
    # home = p3 + p4: 3 units, orders {1, 6}, 80, gp 55; beauty sold nothing
    exp = pd.DataFrame({
        "category": ["shoes", "home", "beauty"],
        "units": [5, 3, 0],
        "orders": [3, 2, 0],
        "paid_amount": [330.0, 80.0, 0.0],
        "gross_profit": [190.0, 55.0, 0.0],
        "share": [330 / 410, 80 / 410, 0.0],
    })
    pd.testing.assert_frame_equal(got, exp)


def test_product_sales_with_products_lists_unsold_with_category():
    s = shop()
    got = ep.product_sales(s["items"], orders=s["orders"], products=s["products"],
                           **JAN)
    assert got["product_id"].tolist() == [1, 2, 3, 4, 5]
    assert got["category"].tolist() == ["shoes", "shoes", "home", "home", "beauty"]
    assert got.loc[4, ["units", "orders", "paid_amount"]].tolist() == [0, 0, 0.0]


def test_product_sales_categorical_category_keeps_dtype():
    s = shop()
    cat = pd.CategoricalDtype(["shoes", "beauty", "home"], ordered=True)
    s["products"]["category"] = s["products"]["category"].astype(cat)
    got = ep.product_sales(s["items"], orders=s["orders"], products=s["products"],
                           level="category", **JAN)
    assert got["category"].dtype == cat
    by_product = ep.product_sales(s["items"], orders=s["orders"],
                                  products=s["products"], **JAN)
    assert by_product["category"].dtype == cat
    refund = ep.product_refund_rate(s["items"], orders=s["orders"],
                                    refunds=s["refunds"], products=s["products"],
                                    **JAN)
    # categorical order: shoes before home
    assert refund["category"].tolist() == ["shoes", "home"]
    assert refund["category"].dtype == cat


def test_product_sales_empty_window():
    s = shop()
    got = ep.product_sales(s["items"], orders=s["orders"], start="2025-01-01",
                           end="2025-01-31")
    assert got.empty
    assert list(got.columns) == ["product_id", "units", "orders", "paid_amount",
                                 "gross_profit", "share"]


def test_product_sales_string_ids_and_unsorted_and_not_mutated():
    s = shop()
    base = ep.product_sales(s["items"], orders=s["orders"], **JAN)
    t = as_str_ids(s)
    copies = {k: v.copy() for k, v in t.items()}
    got = ep.product_sales(t["items"].sample(frac=1, random_state=1),
                           orders=t["orders"].iloc[::-1], **JAN)
    assert got["product_id"].tolist() == ["p1", "p2", "p3", "p4"]
    pd.testing.assert_frame_equal(got.drop(columns="product_id"),
                                  base.drop(columns="product_id"))
    for k, v in copies.items():
        pd.testing.assert_frame_equal(t[k], v)


def test_custom_column_names():
    s = shop()
    items = s["items"].rename(columns={"product_id": "sku", "quantity": "qty"})
    inv = s["inventory"].rename(columns={"product_id": "sku"})
    got = ep.product_sales(items, orders=s["orders"], product_id_col="sku",
                           quantity_col="qty", **JAN)
    assert got.columns[0] == "sku" and got["units"].tolist() == [2, 3, 2, 1]
    rate = ep.sell_through_rate(inv, order_items=items, orders=s["orders"],
                                product_id_col="sku", quantity_col="qty", **JAN)
    assert rate == pytest.approx(8 / 26)


# -------------------------------------------------------------------- ABC ----
@pytest.mark.golden("abc_class")
def test_abc_golden():
    s = shop()
    got = ep.abc_classes(s["items"], orders=s["orders"], products=s["products"],
                         **JAN)
    # values 190, 140, 60, 20, 0 (total 410); share of products above:
    # p1 0 -> A; p2 190/410 = .463 -> A; p3 330/410 = .805 -> B (>= .8)
    # p4 390/410 = .951 -> C (>= .95); p5 1.0 -> C
    exp = pd.DataFrame({
        "product_id": [1, 2, 3, 4, 5],
        "category": ["shoes", "shoes", "home", "home", "beauty"],
        "paid_amount": [190.0, 140.0, 60.0, 20.0, 0.0],
        "share": [190 / 410, 140 / 410, 60 / 410, 20 / 410, 0.0],
        "cumulative_share": [190 / 410, 330 / 410, 390 / 410, 1.0, 1.0],
        "abc_class": pd.Categorical(["A", "A", "B", "C", "C"],
                                    categories=["A", "B", "C"], ordered=True),
    })
    pd.testing.assert_frame_equal(got, exp)


def _abc_from_values(values, ids=None, **kw):
    n = len(values)
    ids = list(range(1, n + 1)) if ids is None else ids
    orders = pd.DataFrame({"order_id": range(n), "paid_ts": T("2024-01-02")})
    items = pd.DataFrame({"order_id": range(n), "product_id": ids, "quantity": 1,
                          "unit_price": [float(v) for v in values],
                          "discount_amount": 0.0, "unit_cost": 0.0})
    return ep.abc_classes(items, orders=orders, **kw)


@pytest.mark.golden("abc_class")
def test_abc_ties_share_a_class_whatever_the_ids():
    # 80, 10, 10: before = 0, .8, .8 -> A, B, B (the tie is not split by id)
    got = _abc_from_values([80, 10, 10])
    assert got["abc_class"].tolist() == ["A", "B", "B"]
    got = _abc_from_values([10, 80, 10], ids=[3, 1, 2])
    assert got["product_id"].tolist() == [1, 2, 3]
    assert got["abc_class"].tolist() == ["A", "B", "B"]
    # inclusive cumulative share follows id order inside the tie
    assert got["cumulative_share"].tolist() == pytest.approx([0.8, 0.9, 1.0])


def test_abc_best_seller_is_always_a_and_thresholds_param():
    assert _abc_from_values([99, 1])["abc_class"].tolist() == ["A", "C"]
    got = _abc_from_values([50, 30, 20], thresholds=(0.5, 0.9))
    # before: 0 -> A, .5 -> B (not < .5), .8 -> B
    assert got["abc_class"].tolist() == ["A", "B", "B"]


def test_abc_by_units():
    s = shop()
    got = ep.abc_classes(s["items"], orders=s["orders"], by="units", **JAN)
    # units 3 (p2), 2 (p1), 2 (p3), 1 (p4); total 8; before .375 for the tie
    assert got["product_id"].tolist() == [2, 1, 3, 4]
    assert got["abc_class"].tolist() == ["A", "A", "A", "B"]


def test_abc_no_sales_is_missing_class():
    s = shop()
    got = ep.abc_classes(s["items"], orders=s["orders"], products=s["products"],
                         start="2025-01-01", end="2025-01-02")
    assert len(got) == 5
    assert got["share"].isna().all() and got["abc_class"].isna().all()


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=12))
def test_abc_monotone_in_revenue(values):
    got = _abc_from_values(values)
    codes = got["abc_class"].cat.codes.to_numpy()
    vals = got["paid_amount"].to_numpy()
    if vals.sum() == 0:
        assert got["abc_class"].isna().all()
        return
    # sorted by value descending: classes never get better further down,
    # equal values get equal classes, the top product is A
    assert (np.diff(codes) >= 0).all()
    for v in np.unique(vals):
        assert len(set(codes[vals == v])) == 1
    assert got["abc_class"].iloc[0] == "A"
    assert got["cumulative_share"].iloc[-1] == pytest.approx(1.0)


# -------------------------------------------------------------- hot items ----
@pytest.mark.golden("hot_item_flag")
def test_hot_items_category_top_golden():
    s = shop()
    got = ep.hot_items(s["items"], orders=s["orders"], products=s["products"],
                       **JAN)
    # beauty: p5 sold nothing -> not hot though rank 1 of 1
    # home: p3 60 (rank 1 of 2, 0/2 above < .2) hot; p4 20 (1/2 above) not
    # shoes: p1 190 hot; p2 140 not
    exp = pd.DataFrame({
        "product_id": [5, 3, 4, 1, 2],
        "category": ["beauty", "home", "home", "shoes", "shoes"],
        "paid_amount": [0.0, 60.0, 20.0, 190.0, 140.0],
        "category_rank": [1, 1, 2, 1, 2],
        "category_products": [1, 2, 2, 2, 2],
        "is_hot": [False, True, False, True, False],
    })
    pd.testing.assert_frame_equal(got, exp)
    # top 60 %: 1/2 above < .6 -> p2 and p4 become hot too
    wide = ep.hot_items(s["items"], orders=s["orders"], products=s["products"],
                        top_fraction=0.6, **JAN)
    assert wide.loc[wide["is_hot"], "product_id"].tolist() == [3, 4, 1, 2]


@pytest.mark.golden("hot_item_flag")
def test_hot_items_traffic_conversion_golden():
    s = shop()
    got = ep.hot_items(s["items"], orders=s["orders"], products=s["products"],
                       events=s["events"], method="traffic_conversion", **JAN)
    # visitors 4, 2, 6, 1, 0 (median 2); buyers p1 {10}, p2 {11, 10}, p3 {10},
    # p4 {14}; CR .25, 1, 1/6, 1, NaN; median CR of (1/6, .25, 1, 1) = .625
    exp = pd.DataFrame({
        "product_id": [1, 2, 3, 4, 5],
        "category": ["shoes", "shoes", "home", "home", "beauty"],
        "visitors": [4, 2, 6, 1, 0],
        "buyers": [1, 2, 1, 1, 0],
        "conversion_rate": [0.25, 1.0, 1 / 6, 1.0, np.nan],
        "high_traffic": [True, True, True, False, False],
        "high_conversion": [False, True, False, True, False],
        "quadrant": pd.Categorical(
            ["problem", "hot", "problem", "potential", "long_tail"],
            categories=["hot", "problem", "potential", "long_tail"], ordered=True),
        "is_hot": [False, True, False, False, False],
    })
    pd.testing.assert_frame_equal(got, exp)


# ----------------------------------------------------------- sell-through ----
@pytest.mark.golden("sell_through_rate")
def test_sell_through_golden():
    s = shop()
    kw = dict(order_items=s["items"], orders=s["orders"], **JAN)
    # sold 2 + 3 + 2 + 1 = 8; on hand Jan 31: 13 + 2 + 0 + 3 = 18 -> 8 / 26
    assert ep.sell_through_rate(s["inventory"], **kw) == pytest.approx(8 / 26)
    # received 5 + 5 + 2 + 4 = 16 -> 8 / 16
    assert ep.sell_through_rate(s["inventory"], method="received", **kw) == 0.5
    got = ep.sell_through_rate(s["inventory"], by="product", **kw)
    exp = pd.DataFrame({
        "product_id": [1, 2, 3, 4],
        "units_sold": [2, 3, 2, 1],
        "ending_on_hand": [13, 2, 0, 3],
        "received_units": [5, 5, 2, 4],
        # 2/15, 3/5, 2/2, 1/4
        "sell_through_rate": [2 / 15, 0.6, 1.0, 0.25],
    })
    pd.testing.assert_frame_equal(got, exp, check_dtype=False)
    cat = ep.sell_through_rate(s["inventory"], by="category",
                               products=s["products"], **kw)
    # home: sold 3, ending 3 -> .5; shoes: sold 5, ending 15 -> .25
    assert cat["category"].tolist() == ["home", "shoes"]
    assert cat["sell_through_rate"].tolist() == [0.5, 0.25]


def test_sell_through_empty_window_is_nan():
    s = shop()
    got = ep.sell_through_rate(s["inventory"], order_items=s["items"],
                               orders=s["orders"], start="2025-01-01",
                               end="2025-01-31")
    assert np.isnan(got)


# ---------------------------------------------------------------- turnover ----
@pytest.mark.golden("inventory_turnover", "days_of_inventory")
def test_inventory_turnover_golden():
    s = shop()
    kw = dict(order_items=s["items"], orders=s["orders"], products=s["products"],
              **JAN)
    # value Jan 1: 10*40 + 5*20 + 2*10 + 0 = 520; Jan 31: 13*40 + 2*20 + 0 + 3*5
    # = 575; average 547.5. COGS 80 + 60 + 20 + 5 = 165. days = 31.
    assert ep.inventory_turnover(s["inventory"], **kw) == pytest.approx(165 / 547.5)
    assert ep.days_of_inventory(s["inventory"], **kw) == pytest.approx(
        547.5 * 31 / 165)
    # daily mean: Jan 16 = 14*40 + 3*20 + 0 + 4*5 = 640 -> (520 + 640 + 575) / 3
    assert ep.inventory_turnover(s["inventory"], method="daily_mean", **kw) == (
        pytest.approx(165 / ((520 + 640 + 575) / 3)))
    got = ep.inventory_turnover(s["inventory"], by="category", **kw)
    # home: begin 20, end 15 -> 17.5, cogs 25; shoes: 500, 560 -> 530, cogs 140
    exp = pd.DataFrame({
        "category": ["home", "shoes"],
        "cogs": [25.0, 140.0],
        "avg_inventory_value": [17.5, 530.0],
        "days": [31, 31],
        "inventory_turnover": [25 / 17.5, 140 / 530],
        "days_of_inventory": [17.5 * 31 / 25, 530 * 31 / 140],
    })
    pd.testing.assert_frame_equal(got, exp, check_dtype=False)
    prod = ep.days_of_inventory(s["inventory"], by="product", **kw)
    assert prod["product_id"].tolist() == [1, 2, 3, 4]
    # p3: begin 20, end 0 -> 10; cogs 20 -> 2 turns
    assert prod.loc[2, "inventory_turnover"] == 2.0


def test_turnover_no_sales_days_nan():
    s = shop()
    kw = dict(order_items=s["items"], orders=s["orders"].assign(paid_ts=pd.NaT),
              products=s["products"], **JAN)
    assert ep.inventory_turnover(s["inventory"], **kw) == 0.0
    assert np.isnan(ep.days_of_inventory(s["inventory"], **kw))


# ----------------------------------------------------------------- stockout ----
@pytest.mark.golden("stockout_rate")
def test_stockout_golden():
    s = shop()
    inv = s["inventory"]
    # without launch dates: 12 SKU-days, zeros p3 x2 and p4 on Jan 1 -> 3/12
    assert ep.stockout_rate(inv) == 0.25
    # p4 launches Jan 15: its Jan 1 row is not listed -> 11 SKU-days, 2 out
    assert ep.stockout_rate(inv, products=s["products"]) == pytest.approx(2 / 11)
    got = ep.stockout_rate(inv, products=s["products"], by="category")
    exp = pd.DataFrame({"category": ["home", "shoes"], "sku_days": [5, 6],
                        "stockout_days": [2, 0], "stockout_rate": [0.4, 0.0]})
    pd.testing.assert_frame_equal(got, exp)


@pytest.mark.golden("stockout_rate")
def test_stockout_counts_only_the_products_given():
    s = shop()
    inv, products = s["inventory"], s["products"]
    home = products[products["category"] == "home"]
    # the home products alone: 5 listed SKU-days, 2 out (as in the category table above)
    assert ep.stockout_rate(inv, products=home) == pytest.approx(2 / 5)
    # the same as restricting the inventory by hand
    assert ep.stockout_rate(inv[inv["product_id"].isin(home["product_id"])],
                            products=home) == pytest.approx(2 / 5)
    per = ep.stockout_rate(inv, products=home, by="product")
    assert set(per["product_id"]) == set(home["product_id"]) & set(inv["product_id"])


def test_sell_through_counts_only_the_products_given():
    s = shop()
    home = s["products"][s["products"]["category"] == "home"]
    kw = dict(order_items=s["items"], orders=s["orders"], **JAN)
    got = ep.sell_through_rate(s["inventory"], products=home, **kw)
    table = ep.sell_through_rate(s["inventory"], products=s["products"], by="category", **kw)
    assert got == pytest.approx(table.set_index("category").loc["home", "sell_through_rate"])
    # by hand: the home products' inventory rows and order lines only
    inv = s["inventory"][s["inventory"]["product_id"].isin(home["product_id"])]
    items = s["items"][s["items"]["product_id"].isin(home["product_id"])]
    assert got == pytest.approx(ep.sell_through_rate(inv, order_items=items, orders=s["orders"], **JAN))


def test_stockout_empty_window_nan():
    assert np.isnan(ep.stockout_rate(make_inventory(), start="2030-01-01"))


# ------------------------------------------------------------------- 动销率 ----
@pytest.mark.golden("sku_dynamic_sales_rate")
def test_dynamic_sales_golden():
    s = shop()
    kw = dict(order_items=s["items"], orders=s["orders"])
    w = dict(start="2024-01-10", end="2024-01-31")
    # on sale by Jan 31: p1..p4; sold (o3 Jan 20, o6 Jan 25): p1, p2, p4 -> 3/4
    assert ep.sku_dynamic_sales_rate(s["products"], **kw, **w) == 0.75
    got = ep.sku_dynamic_sales_rate(s["products"], by="category", **kw, **w)
    exp = pd.DataFrame({"category": ["home", "shoes"], "skus_on_sale": [2, 2],
                        "skus_sold": [1, 2], "sku_dynamic_sales_rate": [0.5, 1.0]})
    pd.testing.assert_frame_equal(got, exp)
    # 新品: launched in the window -> p4 only, sold -> 1.0
    assert ep.sku_dynamic_sales_rate(s["products"], scope="new", **kw, **w) == 1.0
    # February: all 5 on sale, only p4 sold -> 0.2
    feb = ep.sku_dynamic_sales_rate(s["products"], start="2024-02-01",
                                    end="2024-02-29", **kw)
    assert feb == 0.2


def test_dynamic_sales_zero_vs_nan():
    s = shop()
    kw = dict(order_items=s["items"], orders=s["orders"])
    # listed SKUs, no sale -> 0, not NaN
    assert ep.sku_dynamic_sales_rate(s["products"], start="2024-03-01",
                                     end="2024-03-31", **kw) == 0.0
    # nothing listed yet -> NaN
    assert np.isnan(ep.sku_dynamic_sales_rate(s["products"], start="2022-01-01",
                                              end="2022-12-31", **kw))


# ------------------------------------------------------------- refund rate ----
@pytest.mark.golden("refund_rate")
def test_refund_rate_golden():
    s = shop()
    got = ep.product_refund_rate(s["items"], orders=s["orders"], refunds=s["refunds"],
                                 products=s["products"], **JAN)
    # o1 (160 paid, lines 90 shoes / 60 home -> .6 / .4) refunded 80
    # o3 (140, all shoes) refunded 20 + 10 in February (cohort: still counts)
    # shoes: orders o1, o2, o3; paid 96 + 100 + 140 = 336; refund 48 + 30 = 78
    # home: orders o1, o6; paid 64 + 20 = 84; refund 32
    exp = pd.DataFrame({
        "category": ["home", "shoes"],
        "paid_orders": [2, 3],
        "refunded_orders": [1, 2],
        "order_refund_rate": [0.5, 2 / 3],
        "paid_amount": [84.0, 336.0],
        "refund_amount": [32.0, 78.0],
        "amount_refund_rate": [32 / 84, 78 / 336],
    })
    pd.testing.assert_frame_equal(got, exp)


@pytest.mark.golden("refund_rate")
def test_refund_rate_dated_by_refund():
    s = shop()
    kw = dict(orders=s["orders"], refunds=s["refunds"], products=s["products"],
              date_by="refund")
    jan = ep.product_refund_rate(s["items"], **kw, **JAN)
    # only the Jan 10 refund of o1 is in January
    assert jan["refunded_orders"].tolist() == [1, 1]
    assert jan["refund_amount"].tolist() == [32.0, 48.0]
    feb = ep.product_refund_rate(s["items"], start="2024-02-01", end="2024-02-29",
                                 **kw)
    # Feb: paid o5 (home, 20); refunds of o3 (paid in Jan, shoes)
    assert feb["category"].tolist() == ["home", "shoes"]
    assert feb["paid_orders"].tolist() == [1, 0]
    assert feb["refunded_orders"].tolist() == [0, 1]
    assert feb.loc[0, "order_refund_rate"] == 0.0
    assert np.isnan(feb.loc[1, "order_refund_rate"])


def test_refund_rate_string_ids_same_answer():
    s = shop()
    t = as_str_ids(s)
    kw = dict(by="product", **JAN)
    a = ep.product_refund_rate(s["items"], orders=s["orders"], refunds=s["refunds"],
                               **kw)
    b = ep.product_refund_rate(t["items"], orders=t["orders"], refunds=t["refunds"],
                               **kw)
    pd.testing.assert_frame_equal(a.drop(columns="product_id"),
                                  b.drop(columns="product_id"))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 3),
                          st.floats(0, 1), st.booleans()), min_size=1, max_size=10))
def test_rates_in_unit_interval(rows):
    # random orders: (product, quantity, refunded share, paid?)
    n = len(rows)
    orders = pd.DataFrame({
        "order_id": range(n),
        "paid_ts": [T("2024-01-05") if r[3] else pd.NaT for r in rows],
        "paid_amount": [10.0 * r[1] for r in rows],
    })
    items = pd.DataFrame({"order_id": range(n), "product_id": [r[0] for r in rows],
                          "quantity": [r[1] for r in rows], "unit_price": 10.0,
                          "discount_amount": 0.0, "unit_cost": 4.0})
    refunds = pd.DataFrame({"order_id": range(n),
                            "refund_ts": T("2024-01-06"),
                            "refund_amount": [10.0 * r[1] * r[2] for r in rows]})
    rr = ep.product_refund_rate(items, orders=orders, refunds=refunds, by="product")
    for c in ("order_refund_rate", "amount_refund_rate"):
        v = rr[c].dropna()
        assert ((v >= 0) & (v <= 1 + 1e-12)).all()
    products = make_products()
    dyn = ep.sku_dynamic_sales_rate(products, order_items=items, orders=orders)
    assert 0 <= dyn <= 1
    st_rate = ep.sell_through_rate(make_inventory(), order_items=items,
                                   orders=orders, by="product")
    assert st_rate["sell_through_rate"].dropna().between(0, 1).all()


# -------------------------------------------------------------- bad inputs ----
def _s():
    return shop()


BAD_INPUTS = [
    (ep.product_sales, lambda s: (s["items"].drop(columns="quantity"),),
     lambda s: {"orders": s["orders"]}, ValueError,
     r"product_sales\(\): column 'quantity' \(from `quantity_col`\)"),
    (ep.product_sales, lambda s: (s["items"],),
     lambda s: {"orders": s["orders"].assign(paid_ts=s["orders"]["paid_ts"]
                                             .astype(str))},
     TypeError, r"product_sales\(\): column 'paid_ts' \(from `paid_ts_col`\).*"
                r"pd.to_datetime"),
    (ep.product_sales, lambda s: (s,), lambda s: {"orders": s["orders"]}, TypeError,
     r"product_sales\(\): `order_items` must be one table"),
    (ep.product_sales, lambda s: (s["items"].assign(unit_price=-1.0),),
     lambda s: {"orders": s["orders"]}, ValueError,
     r"product_sales\(\): column 'unit_price' \(from `unit_price_col`\).*negative"),
    (ep.product_sales, lambda s: (s["items"].assign(unit_price="12"),),
     lambda s: {"orders": s["orders"]}, TypeError,
     r"product_sales\(\): column 'unit_price' \(from `unit_price_col`\) must be "
     r"numeric"),
    (ep.product_sales, lambda s: (s["items"],),
     lambda s: {"orders": s["orders"], "level": "sku"}, ValueError,
     r"product_sales\(\): the value for `level` must be one of"),
    (ep.product_sales, lambda s: (s["items"],),
     lambda s: {"orders": s["orders"], "level": "category"}, ValueError,
     r"product_sales\(\): `level='category'` needs `products`"),
    (ep.product_sales, lambda s: (s["items"],),
     lambda s: {"orders": s["orders"].assign(order_id=s["orders"]["order_id"]
                                             .astype(str))},
     TypeError, r"product_sales\(\): the ids in `order_items` are numbers but the "
                r"ids in `orders` are text"),
    (ep.product_sales, lambda s: (s["items"],),
     lambda s: {"orders": s["orders"], "start": "2024-02-01", "end": "2024-01-01"},
     ValueError, r"product_sales\(\): the window is empty: `end`"),
    (ep.product_sales, lambda s: (s["items"],),
     lambda s: {"orders": s["orders"], "products": s["products"].iloc[:3]},
     ValueError, r"product_sales\(\): .* product that is not in `products`"),
    (ep.abc_classes, lambda s: (s["items"],),
     lambda s: {"orders": s["orders"], "thresholds": (0.9, 0.8)}, ValueError,
     r"abc_classes\(\): `thresholds` must be increasing"),
    (ep.abc_classes, lambda s: (s["items"],),
     lambda s: {"orders": s["orders"], "thresholds": 0.8}, ValueError,
     r"abc_classes\(\): `thresholds` must be two cumulative shares"),
    (ep.hot_items, lambda s: (s["items"],),
     lambda s: {"orders": s["orders"], "products": s["products"],
                "top_fraction": 0}, ValueError,
     r"hot_items\(\): `top_fraction` must be in \(0"),
    (ep.hot_items, lambda s: (s["items"],),
     lambda s: {"orders": s["orders"], "products": s["products"],
                "method": "traffic_conversion"}, ValueError,
     r"hot_items\(\): `method='traffic_conversion'` needs `events`"),
    (ep.sell_through_rate, lambda s: (s["inventory"],),
     lambda s: {"order_items": s["items"], "orders": s["orders"], "by": "sku"},
     ValueError, r"sell_through_rate\(\): the value for `by` must be one of"),
    (ep.stockout_rate, lambda s: (s["inventory"],), lambda s: {"by": "category"},
     ValueError, r"stockout_rate\(\): `by='category'` needs `products`"),
    (ep.stockout_rate, lambda s: (s["inventory"].assign(on_hand_units=-1),),
     lambda s: {}, ValueError,
     r"stockout_rate\(\): column 'on_hand_units' \(from `on_hand_units_col`\)"),
    (ep.inventory_turnover, lambda s: (s["inventory"],),
     lambda s: {"order_items": s["items"], "orders": s["orders"],
                "products": s["products"], "method": "fifo"}, ValueError,
     r"inventory_turnover\(\): the value for `method` must be one of"),
    (ep.inventory_turnover, lambda s: (s["inventory"],),
     lambda s: {"order_items": s["items"], "orders": s["orders"],
                "products": s["products"].drop(columns="unit_cost")}, ValueError,
     r"inventory_turnover\(\): column 'unit_cost' \(from `unit_cost_col`\) is not "
     r"in `products`"),
    (ep.sku_dynamic_sales_rate,
     lambda s: (pd.concat([s["products"], s["products"].iloc[:1]]),),
     lambda s: {"order_items": s["items"], "orders": s["orders"]}, ValueError,
     r"sku_dynamic_sales_rate\(\): `products` has 1 duplicated value\(s\) in "
     r"'product_id' \(from `product_id_col`\)"),
    (ep.sku_dynamic_sales_rate,
     lambda s: (s["products"].assign(launch_date="2024-01-01"),),
     lambda s: {"order_items": s["items"], "orders": s["orders"]}, TypeError,
     r"sku_dynamic_sales_rate\(\): column 'launch_date' \(from `launch_date_col`\)"),
    (ep.product_refund_rate, lambda s: (s["items"],),
     lambda s: {"orders": s["orders"], "refunds": s["refunds"].assign(
         refund_amount=-5.0), "products": s["products"]}, ValueError,
     r"product_refund_rate\(\): column 'refund_amount' \(from `refund_amount_col`\)"),
    (ep.product_refund_rate, lambda s: (s["items"],),
     lambda s: {"orders": s["orders"], "refunds": s["refunds"],
                "products": s["products"].assign(category=None)}, ValueError,
     r"product_refund_rate\(\): column 'category' \(from `category_col`\) has 5 "
     r"missing categories"),
]


@pytest.mark.parametrize(("func", "args", "kwargs", "exc", "match"), BAD_INPUTS)
def test_bad_inputs(func, args, kwargs, exc, match):
    s = _s()
    with pytest.raises(exc, match=match):
        func(*args(s), **kwargs(s))


def test_positional_only_table():
    s = shop()
    with pytest.raises(TypeError):
        ep.product_sales(s["items"], s["orders"])  # orders is keyword-only


def test_abc_does_not_need_costs():
    s = shop()
    got = ep.abc_classes(s["items"].drop(columns="unit_cost"), orders=s["orders"],
                         **JAN)
    assert got["abc_class"].tolist() == ["A", "A", "B", "C"]
