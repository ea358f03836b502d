"""make_shop: determinism, schema, relations, sizes, behaviour and bad arguments."""

import numpy as np
import pandas as pd
import pytest

from ecomkit import _schema as S
from ecomkit.datasets import make_shop


@pytest.fixture(scope="module")
def shop():
    return make_shop(1500, random_state=7)


# ------------------------------------------------------------ determinism --
def test_same_seed_gives_identical_tables():
    a = make_shop(300, random_state=3)
    b = make_shop(300, random_state=3)
    for name in S.TABLE_NAMES:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


def test_different_seeds_differ():
    a = make_shop(300, random_state=3)
    b = make_shop(300, random_state=4)
    assert not a.orders["order_ts"].equals(b.orders["order_ts"])


def test_generator_never_uses_numpy_global_state():
    np.random.seed(0)
    before = np.random.get_state()[1].copy()
    make_shop(200, random_state=1)
    assert np.array_equal(np.random.get_state()[1], before)


def test_accepts_a_generator():
    a = make_shop(200, random_state=np.random.default_rng(5))
    b = make_shop(200, random_state=np.random.default_rng(5))
    pd.testing.assert_frame_equal(a.events, b.events)


# ----------------------------------------------------------------- schema --
def test_every_table_has_the_schema_columns_and_dtypes(shop):
    for name, table in S.TABLES.items():
        frame = shop[name]
        assert list(frame.columns) == table.column_names, name
        for col in table.columns:
            expected = S.dtype_for(col)
            got = frame[col.name].dtype
            if col.kind == "str":
                assert pd.api.types.is_string_dtype(got), (name, col.name, got)
            else:
                assert got == expected, (name, col.name, got, expected)


def test_category_levels_are_in_documented_order(shop):
    assert list(shop.events["event_type"].cat.categories) == list(S.EVENT_TYPES)
    assert list(shop.sessions["channel"].cat.categories) == list(S.CHANNELS)
    assert list(shop.customers["member_level"].cat.categories) == list(S.MEMBER_LEVELS)
    assert shop.customers["city_tier"].cat.ordered


def test_keys_are_unique(shop):
    for name, table in S.TABLES.items():
        frame = shop[name]
        if not table.unique_key:
            continue  # two actions can share a second
        assert not frame.duplicated(list(table.key)).any(), name


def test_bunch_has_descr_stories_and_params(shop):
    assert "Column dictionary" in shop.DESCR and "event_type" in shop.DESCR
    assert set(shop.stories["id"]) == {
        "checkout_failure",
        "cpc_inflation",
        "refund_prone_category",
        "carrier_price_increase",
        "discount_cohort_churn",
        "private_domain_launch",
    }
    assert shop.params["n_customers"] == 1500
    assert "orders" in dir(shop)


# -------------------------------------------------------------- relations --
def test_orders_reference_customers_and_lines_reference_orders(shop):
    assert shop.orders["customer_id"].isin(shop.customers["customer_id"]).all()
    assert shop.order_items["order_id"].isin(shop.orders["order_id"]).all()
    assert shop.order_items["product_id"].isin(shop.products["product_id"]).all()
    assert set(shop.orders["order_id"]) == set(shop.order_items["order_id"])


def test_paid_order_session_belongs_to_buyer_and_has_checkout_and_payment(shop):
    paid = shop.orders[shop.orders["paid_ts"].notna()]
    s = shop.sessions.set_index("session_id").loc[paid["session_id"].to_numpy()]
    assert (s["customer_id"].to_numpy() == paid["customer_id"].to_numpy()).all()
    ev = shop.events[shop.events["session_id"].isin(paid["session_id"])]
    kinds = ev.groupby("session_id", observed=True)["event_type"].agg(set)
    assert kinds.map(lambda k: {"checkout", "payment"} <= k).all()
    assert (paid["paid_ts"] >= paid["order_ts"]).all()


def test_money_adds_up_on_orders_and_lines(shop):
    o = shop.orders
    np.testing.assert_allclose(
        o["order_amount"], o["list_amount"] - o["discount_amount"] + o["shipping_fee"], atol=0.011
    )
    paid = o["paid_ts"].notna()
    np.testing.assert_allclose(o.loc[paid, "paid_amount"], o.loc[paid, "order_amount"])
    assert (o.loc[~paid, "paid_amount"] == 0).all()
    items = shop.order_items.assign(v=lambda d: d["quantity"] * d["unit_price"])
    by_order = items.groupby("order_id")[["v", "discount_amount"]].sum()
    o2 = o.set_index("order_id").loc[by_order.index]
    np.testing.assert_allclose(by_order["v"], o2["list_amount"], atol=0.011)
    np.testing.assert_allclose(by_order["discount_amount"], o2["discount_amount"], atol=0.011)
    assert (o["discount_amount"] <= o["list_amount"]).all()


def test_status_matches_payment(shop):
    o = shop.orders
    assert ((o["status"] == "paid") == o["paid_ts"].notna()).all()
    assert set(o["status"].unique()) == {"paid", "cancelled", "unpaid"}


def test_refunds_only_for_paid_orders_and_never_exceed_payment(shop):
    r = shop.refunds.merge(shop.orders[["order_id", "paid_ts", "paid_amount"]], on="order_id")
    assert len(r) == len(shop.refunds)
    assert r["paid_ts"].notna().all()
    total = r.groupby("order_id").agg(refund=("refund_amount", "sum"), paid=("paid_amount", "first"))
    assert (total["refund"] <= total["paid"] + 1e-9).all()
    assert (r["refund_ts"] >= r["paid_ts"]).all()


def test_sessions_with_customer_belong_to_that_customers_visitor(shop):
    s = shop.sessions.dropna(subset=["customer_id"])
    visitor = shop.customers.set_index("customer_id")["visitor_id"]
    assert (visitor.loc[s["customer_id"].astype("int64")].to_numpy() == s["visitor_id"].to_numpy()).all()


def test_anonymous_visitors_who_later_register(shop):
    s = shop.sessions
    registered_visitors = set(shop.customers["visitor_id"])
    anon = s[s["customer_id"].isna()]
    assert anon["visitor_id"].isin(registered_visitors).any()  # came before signup
    assert (~anon["visitor_id"].isin(registered_visitors)).any()  # never registered


def test_private_domain_orders_come_from_contacts(shop):
    o = shop.orders[shop.orders["channel"] == "private_domain"]
    assert len(o) > 0
    c = shop.contacts.dropna(subset=["added_ts"]).groupby("customer_id")["added_ts"].min()
    joined = o["customer_id"].map(c)
    assert joined.notna().all()
    assert (o["order_ts"] >= joined).all()


def test_coupons_redeemed_on_the_holders_paid_orders(shop):
    cp = shop.coupons.dropna(subset=["redeemed_order_id"])
    assert len(cp) > 0
    o = shop.orders.set_index("order_id").loc[cp["redeemed_order_id"].astype("int64")]
    assert (o["customer_id"].to_numpy() == cp["customer_id"].to_numpy()).all()
    assert o["paid_ts"].notna().all()
    assert (o["order_ts"].to_numpy() >= cp["granted_ts"].to_numpy()).all()
    assert (o["order_ts"].to_numpy() < cp["expires_ts"].to_numpy()).all()
    assert not cp["redeemed_order_id"].duplicated().any()
    kinds = set(shop.coupons["kind"].unique())
    assert kinds == {"new_customer", "threshold", "member", "win_back"}


def test_events_lie_inside_their_session(shop):
    e = shop.events.merge(shop.sessions[["session_id", "start_ts", "end_ts"]], on="session_id")
    assert (e["event_ts"] >= e["start_ts"]).all() and (e["event_ts"] <= e["end_ts"]).all()
    first = e.groupby("session_id")["event_ts"].min()
    start = shop.sessions.set_index("session_id")["start_ts"].loc[first.index]
    assert (first == start).all()


def test_everything_happens_inside_the_window(shop):
    lo, hi = pd.Timestamp("2024-01-01"), pd.Timestamp("2025-01-01")
    for table, col in [
        ("sessions", "start_ts"),
        ("sessions", "end_ts"),
        ("events", "event_ts"),
        ("orders", "order_ts"),
        ("orders", "delivered_ts"),
        ("refunds", "refund_ts"),
        ("customers", "signup_ts"),
        ("coupons", "granted_ts"),
        ("contacts", "invited_ts"),
    ]:
        ts = shop[table][col].dropna()
        assert ts.between(lo, hi, inclusive="left").all(), (table, col)


def test_shipping_follows_payment(shop):
    o = shop.orders.dropna(subset=["shipped_ts"])
    assert (o["shipped_ts"] >= o["paid_ts"]).all()
    d = o.dropna(subset=["delivered_ts"])
    assert (d["delivered_ts"] > d["shipped_ts"]).all()
    assert (shop.orders.loc[shop.orders["shipped_ts"].isna(), "shipping_cost"] == 0).all()


def test_inventory_balances_and_never_goes_negative(shop):
    inv = shop.inventory.sort_values(["product_id", "date"])
    assert (inv["on_hand_units"] >= 0).all()
    paid = shop.orders.dropna(subset=["paid_ts"])[["order_id", "paid_ts"]]
    sold = (
        shop.order_items.merge(paid, on="order_id")
        .assign(date=lambda d: d["paid_ts"].dt.normalize())
        .groupby(["product_id", "date"])["quantity"].sum()
    )
    inv = inv.set_index(["product_id", "date"])
    inv["sold"] = sold.reindex(inv.index, fill_value=0)
    prev = inv.groupby(level=0)["on_hand_units"].shift()
    ok = prev.isna() | (inv["on_hand_units"] == prev + inv["received_units"] - inv["sold"])
    assert ok.all()
    # sales need stock: nothing sells on a day that ends with zero stock and no delivery
    out = inv[(inv["on_hand_units"] == 0) & (inv["received_units"] == 0)]
    assert (out["sold"] == 0).mean() > 0.5
    assert (inv["on_hand_units"] == 0).any()  # some stock-outs exist


def test_products_on_sale_only_after_launch(shop):
    e = shop.events.dropna(subset=["product_id"]).merge(
        shop.products[["product_id", "launch_date"]], on="product_id"
    )
    assert (e["event_ts"] >= e["launch_date"]).all()


def test_keywords_match_search_sessions(shop):
    kw = shop.keywords
    assert set(kw["source"].unique()) == {"organic", "paid"}
    assert (kw["clicks"] <= kw["impressions"]).all()
    assert (kw["buyers"] <= kw["visitors"]).all() and (kw["visitors"] <= kw["clicks"]).all()
    paid_kw = kw[kw["source"] == "paid"]["clicks"].sum()
    paid_sessions = (
        (shop.sessions["channel"] == "paid_search") & (shop.sessions["landing_page"] == "search")
    ).sum()
    assert paid_kw == paid_sessions
    assert (kw.loc[kw["source"] == "organic", "spend"] == 0).all()


def test_marketing_clicks_are_paid_visits(shop):
    ms = shop.marketing_spend
    assert set(ms["channel"].unique()) == set(S.PAID_CHANNELS)
    clicks = ms.groupby("channel", observed=True)["clicks"].sum()
    visits = shop.sessions["channel"].value_counts()
    for ch in S.PAID_CHANNELS:
        assert clicks[ch] == visits[ch]
    assert (ms["spend"] >= 0).all() and (ms["clicks"] <= ms["impressions"]).all()


def test_market_panel_contains_us_with_our_numbers(shop):
    m = shop.market
    assert m.groupby("month")["is_us"].sum().eq(1).all()
    us = m[m["is_us"]].set_index("month")
    gmv = shop.orders.groupby(shop.orders["order_ts"].dt.to_period("M").dt.start_time)["order_amount"].sum()
    np.testing.assert_allclose(us["gmv"].to_numpy(), gmv.to_numpy(), rtol=1e-9, atol=0.01)
    assert m["shop"].nunique() == 8
    assert m["month"].nunique() == 12  # every month of the window, no more


# -------------------------------------------------------------- behaviour --
def test_funnel_counts_never_increase(shop):
    """Closed session funnel product_view -> add_to_cart -> checkout -> payment."""
    steps = ["product_view", "add_to_cart", "checkout", "payment"]
    e = shop.events[shop.events["event_type"].isin(steps)]
    first = e.groupby(["session_id", "event_type"], observed=True)["event_ts"].min().unstack()
    reached = first[steps[0]].notna()
    counts = [int(reached.sum())]
    last = first[steps[0]]
    for step in steps[1:]:
        reached &= first[step].notna() & (first[step] >= last)
        last = first[step]
        counts.append(int(reached.sum()))
    assert counts == sorted(counts, reverse=True)
    assert counts[-1] > 0


def test_some_orders_are_split(shop):
    """拆单: a few visits end in two orders, so orders per session differ from sessions."""
    o = shop.orders
    twice = o["session_id"].duplicated(keep=False)
    assert 0.01 < twice.mean() < 0.2
    pairs = o[twice].groupby("session_id").agg(n=("order_id", "size"), t=("order_ts", "nunique"))
    assert (pairs["n"] == 2).all() and (pairs["t"] == 1).all()


def test_open_and_closed_funnels_differ(shop):
    """Some visits cart without a product view, some check out without a cart."""
    kinds = shop.events.groupby("session_id")["event_type"].agg(set)
    assert kinds.map(lambda k: "add_to_cart" in k and "product_view" not in k).any()
    assert kinds.map(lambda k: "checkout" in k and "add_to_cart" not in k).any()


def test_campaign_days_outsell_normal_days(shop):
    paid = shop.orders.dropna(subset=["paid_ts"])
    daily = paid.groupby(paid["paid_ts"].dt.normalize())["paid_amount"].sum()
    days = pd.date_range("2024-01-01", "2024-12-31")
    daily = daily.reindex(days, fill_value=0.0)
    mega = shop.campaigns[shop.campaigns["kind"] == "mega_sale"]
    burst = np.zeros(len(days), bool)
    busy = np.zeros(len(days), bool)
    for r in shop.campaigns.itertuples():
        first = r.preheat_start if pd.notna(r.preheat_start) else r.start
        busy |= (days >= first) & (days < r.end)
    for r in mega.itertuples():
        burst |= (days >= r.start) & (days < r.end)
    assert daily[burst].mean() > 2.5 * daily[~busy].mean()


def test_preheat_carts_rise_while_payments_wait(shop):
    e = shop.events.merge(shop.sessions[["session_id"]], on="session_id")
    day = e["event_ts"].dt.normalize()
    days = pd.date_range("2024-01-01", "2024-12-31")
    phase = pd.Series("normal", index=days)
    for r in shop.campaigns[shop.campaigns["kind"] == "mega_sale"].itertuples():
        phase[(days >= r.preheat_start) & (days < r.start)] = "preheat"
    e = e.assign(phase=day.map(phase))
    by = e.groupby(["phase", "event_type"], observed=True).size().unstack()
    cart_per_view = by["add_to_cart"] / by["product_view"]
    pay_per_cart = by["payment"] / by["add_to_cart"]
    assert cart_per_view["preheat"] > 1.2 * cart_per_view["normal"]
    assert pay_per_cart["preheat"] < 0.8 * pay_per_cart["normal"]


def test_channels_and_devices_differ(shop):
    s = shop.sessions
    paid = shop.orders.dropna(subset=["paid_ts"])
    sess_per_channel = s["channel"].value_counts()
    assert sess_per_channel.min() > 0 and sess_per_channel.max() > 3 * sess_per_channel.min()
    aov = paid.groupby("device", observed=True)["paid_amount"].mean()
    assert aov.max() > 1.1 * aov.min()


def test_rows_follow_size_parameters():
    small = make_shop(200, random_state=0)
    big = make_shop(800, random_state=0)
    assert len(small.customers) == 200 and len(big.customers) == 800
    assert 3 < len(big.events) / len(small.events) < 5
    assert len(make_shop(200, n_products=77, random_state=0).products) == 77
    days = 366
    assert len(small.costs) == days * len(S.COST_TYPES)
    assert len(small.marketing_spend) == days * len(S.PAID_CHANNELS)
    shorter = make_shop(200, start="2024-03-01", end="2024-04-30", random_state=0)
    assert shorter.sessions["start_ts"].min() >= pd.Timestamp("2024-03-01")
    assert shorter.sessions["start_ts"].max() < pd.Timestamp("2024-05-01")
    none_anonymous = make_shop(200, anonymous_visitors=0, random_state=0)
    assert none_anonymous.sessions["visitor_id"].max() <= 200


def test_meaningful_numbers_for_the_catalog(shop):
    """Every family gets a non-degenerate number (not 0, not 1, not NaN)."""
    paid = shop.orders.dropna(subset=["paid_ts"])
    uv = shop.sessions["visitor_id"].nunique()
    cr = paid["customer_id"].nunique() / uv
    assert 0.01 < cr < 0.3
    repeat = paid.groupby("customer_id")["paid_ts"].agg(lambda t: t.dt.normalize().nunique())
    assert 0.1 < (repeat >= 2).mean() < 0.7
    spend = shop.marketing_spend["spend"].sum()
    assert 0.03 < spend / paid["paid_amount"].sum() < 0.3
    assert 0.02 < len(shop.refunds) / len(paid) < 0.3
    assert shop.contacts["added_ts"].notna().mean() > 0.2


# ----------------------------------------------------------- bad arguments --
@pytest.mark.parametrize(
    "kwargs, exc, match",
    [
        ({"n_customers": -5}, ValueError, r"make_shop\(\): `n_customers` must be a positive integer"),
        ({"n_customers": 0}, ValueError, r"`n_customers` must be a positive integer"),
        ({"n_customers": 10.5}, TypeError, r"`n_customers` must be a positive integer"),
        ({"n_products": -1}, ValueError, r"`n_products`"),
        ({"start": "2024-05-01", "end": "2024-04-01"}, ValueError, r"`end` .* is before `start`"),
        ({"start": "2024-05-01", "end": "2024-05-10"}, ValueError, r"at least 28 days"),
        ({"start": "not a date"}, ValueError, r"`start` must be a date"),
        ({"stories": ["checkout_failure", "aliens"]}, ValueError, r"unknown story id.*aliens"),
        ({"stories": {"nope": True}}, ValueError, r"unknown story id"),
        ({"stories": 3}, TypeError, r"`stories` must be"),
        ({"random_state": "seed"}, TypeError, r"random_state must be"),
        ({"random_state": -1}, ValueError, r"random_state must be a non-negative"),
        ({"anonymous_visitors": -1}, ValueError, r"`anonymous_visitors`"),
    ],
)
def test_bad_arguments_name_the_parameter(kwargs, exc, match):
    args = {"n_customers": 100, "random_state": 0, **kwargs}
    n = args.pop("n_customers")
    with pytest.raises(exc, match=match):
        make_shop(n, **args)
