"""Tests of ecomkit.conversion: golden funnels and rates on hand-built tables,
a brute-force funnel oracle, edge cases, properties and bad inputs."""

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ecomkit.conversion as cv
import ecomkit.traffic as tr
from ecomkit import _schema

CH = pd.CategoricalDtype(list(_schema.CHANNELS), ordered=True)
DEV = pd.CategoricalDtype(list(_schema.DEVICES), ordered=True)
EV = pd.CategoricalDtype(list(_schema.EVENT_TYPES), ordered=True)
STEPS = ("product_view", "add_to_cart", "checkout", "payment")


def make_events():
    """Seven visits of five visitors on 2024-05-01 (times are HH:MM)."""
    rows = [
        (1, 10, "10:00", "product_view"),
        (1, 10, "10:01", "add_to_cart"),
        (1, 10, "10:02", "checkout"),
        (1, 10, "10:03", "payment"),  # all 4 steps
        (2, 10, "11:00", "add_to_cart"),
        (2, 10, "11:05", "product_view"),
        (2, 10, "11:10", "add_to_cart"),  # cart before AND after the view
        (3, 11, "12:00", "product_view"),
        (3, 11, "12:01", "checkout"),
        (3, 11, "12:02", "payment"),  # skipped the cart
        (4, 11, "13:00", "add_to_cart"),
        (4, 11, "13:00", "product_view"),
        (4, 11, "13:05", "checkout"),  # tie view / cart at 13:00
        (5, 12, "14:00", "checkout"),
        (5, 12, "14:01", "payment"),  # enters at 3
        (6, 13, "15:00", "add_to_cart"),
        (6, 13, "15:01", "checkout"),  # enters at 2
        (7, 14, "16:00", "home_view"),
        (7, 14, "16:01", "favorite"),  # no step
    ]
    e = pd.DataFrame(
        rows, columns=["session_id", "visitor_id", "event_ts", "event_type"]
    )
    e["event_ts"] = pd.to_datetime("2024-05-01 " + e["event_ts"])
    e["event_type"] = e["event_type"].astype(EV)
    return e


def make_funnel_sessions():
    return pd.DataFrame(
        {
            "session_id": [1, 2, 3, 4, 5, 6, 7],
            "visitor_id": [10, 10, 11, 11, 12, 13, 14],
            "start_ts": pd.to_datetime(["2024-05-01"] * 7),
            "channel": pd.Categorical(
                ["direct", "social", "direct", "social", "direct", "social", "direct"],
                dtype=CH,
            ),
        }
    )


def make_sessions():
    """Seven visits; session 6 (2024-05-03) is after the window 05-01..05-02."""
    return pd.DataFrame(
        {
            "session_id": [1, 2, 3, 4, 5, 6, 7],
            "visitor_id": [10, 11, 12, 13, 10, 14, 15],
            "start_ts": pd.to_datetime(
                [
                    "2024-05-01 09:00",
                    "2024-05-01 10:00",
                    "2024-05-01 11:00",
                    "2024-05-02 23:00",
                    "2024-05-02 09:00",
                    "2024-05-03 09:00",
                    "2024-05-02 10:00",
                ]
            ),
            "channel": pd.Categorical(
                ["direct", "direct", "social", "social", "direct", "direct", "social"],
                dtype=CH,
            ),
            "device": pd.Categorical(
                ["app", "pc", "app", "app", "app", "pc", "pc"], dtype=DEV
            ),
        }
    )


def make_orders():
    return pd.DataFrame(
        {
            "order_id": [1, 2, 3, 4, 5, 6],
            "customer_id": [100, 100, 101, 102, 103, 104],
            "session_id": pd.array([1, 1, 2, 3, 6, 4], dtype="Int64"),
            "order_ts": pd.to_datetime(
                [
                    "2024-05-01 09:10",
                    "2024-05-01 09:20",
                    "2024-05-01 10:00",
                    "2024-05-01 11:00",
                    "2024-05-03 09:10",
                    "2024-05-02 23:50",
                ]
            ),
            "paid_ts": pd.to_datetime(
                [
                    "2024-05-01 09:11",
                    "2024-05-01 09:21",
                    None,
                    "2024-05-01 11:05",
                    "2024-05-03 09:11",
                    "2024-05-03 00:10",
                ]
            ),
            "status": ["paid", "paid", "unpaid", "paid", "paid", "paid"],
            "channel": pd.Categorical(
                ["direct", "direct", "direct", "social", "direct", "social"], dtype=CH
            ),
            "paid_amount": [50.0, 30.0, 0.0, 90.0, 70.0, 40.0],
        }
    )


WINDOW = {"start": "2024-05-01", "end": "2024-05-02"}


def funnel_frame(counts, entered, conv, overall, drop):
    return pd.DataFrame(
        {
            "step": pd.Categorical(list(STEPS), categories=list(STEPS), ordered=True),
            "step_number": np.arange(1, 5),
            "count": counts,
            "entered": entered,
            "step_conversion": conv,
            "overall_conversion": overall,
            "drop_off": drop,
        }
    )


# ---------------------------------------------------------- golden funnels ---
@pytest.mark.golden("funnel")
def test_closed_session_funnel_golden():
    got = cv.funnel(make_events())
    # step 1: s1 s2 s3 s4; step 2: s1, s2 (cart 11:10 after view 11:05), s4 (tie);
    # step 3: s1, s4; step 4: s1. s5 and s6 never viewed a product: not in it
    expected = funnel_frame(
        [4, 3, 2, 1],
        [4, 0, 0, 0],
        [1.0, 3 / 4, 2 / 3, 1 / 2],
        [1.0, 3 / 4, 2 / 4, 1 / 4],
        [0, 1, 1, 1],
    )
    pd.testing.assert_frame_equal(got, expected)


@pytest.mark.golden("funnel")
def test_open_session_funnel_golden():
    got = cv.funnel(make_events(), mode="open")
    # entrants: s1-s4 at step 1, s6 at step 2 (cart), s5 at step 3 (checkout)
    # reach: 1 {s1-s4}; 2 {s1, s2, s4} + s6; 3 {s1, s4, s6} + s5; 4 {s1, s5}
    expected = funnel_frame(
        [4, 4, 4, 2],
        [4, 1, 1, 0],
        [1.0, 3 / 4, 3 / 4, 2 / 4],  # units that went on ÷ previous count
        [4 / 6, 4 / 6, 4 / 6, 2 / 6],  # ÷ 6 entrants
        [0, 1, 1, 2],
    )
    pd.testing.assert_frame_equal(got, expected)


@pytest.mark.golden("funnel")
def test_visitor_funnel_with_and_without_window_golden():
    e = make_events()
    # v10: view 10:00, cart 10:01, checkout 10:02, pay 10:03 -> 4 steps
    # v11: view 12:00, cart 13:00, checkout 13:05, no payment after -> 3 steps
    got = cv.funnel(e, unit="visitor")
    assert got["count"].tolist() == [2, 2, 2, 1]
    # within 30 minutes of the first view, v11's cart (13:00) is too late
    got = cv.funnel(e, unit="visitor", window="30min")
    expected = funnel_frame(
        [2, 1, 1, 1],
        [2, 0, 0, 0],
        [1.0, 0.5, 1.0, 1.0],
        [1.0, 0.5, 0.5, 0.5],
        [0, 1, 0, 0],
    )
    pd.testing.assert_frame_equal(got, expected)
    # open visitor funnel: v12 enters at checkout (pays), v13 at cart (checks out)
    assert cv.funnel(e, unit="visitor", mode="open")["count"].tolist() == [2, 3, 4, 2]


@pytest.mark.golden("funnel")
def test_funnel_by_session_channel_golden():
    got = cv.funnel(make_events(), by="channel", sessions=make_funnel_sessions())
    # direct: s1 (4 steps), s3 (1); social: s2 (2), s4 (3)
    assert got["channel"].astype(str).tolist() == ["social"] * 4 + ["direct"] * 4
    assert got["count"].tolist() == [2, 2, 1, 0, 2, 1, 1, 1]
    assert got["overall_conversion"].tolist() == [1, 1, 0.5, 0, 1, 0.5, 0.5, 0.5]
    assert isinstance(got["channel"].dtype, pd.CategoricalDtype)
    # by visitor and channel: v10 is in direct (s1) and social (s2)
    vis = cv.funnel(
        make_events(), unit="visitor", by="channel", sessions=make_funnel_sessions()
    )
    assert vis["count"].tolist() == [2, 2, 1, 0, 2, 1, 1, 1]


@pytest.mark.golden("funnel")
def test_funnel_by_event_column_and_custom_steps():
    e = make_events()
    e["product_id"] = pd.array(
        [1, 1, 1, None, 2, 2, 2, 1, 1, None, 1, 1, 1, 3, None, 2, 2, None, None],
        dtype="Int64",
    )
    got = cv.funnel(e, steps=["product_view", "add_to_cart"], by="product_id")
    # product 1: s1 view+cart, s3 view, s4 view+cart(tie); product 2: s2 view 11:05,
    # cart 11:10 -> 2 of 2; product 3 and NaN: only checkouts/payments, never enter
    assert got["product_id"].tolist() == [1, 1, 2, 2]
    assert got["count"].tolist() == [3, 2, 1, 1]


# ------------------------------------------------------------ funnel oracle ---
def brute_force_funnel(events, steps, unit, mode, window=None):
    """Per unit, try every chain of events: no greedy shortcut."""
    col = "session_id" if unit == "session" else "visitor_id"
    counts = [0] * len(steps)
    for _, g in events.groupby(col):
        times = {
            k: sorted(g.loc[g["event_type"] == s, "event_ts"])
            for k, s in enumerate(steps)
        }
        present = [k for k in range(len(steps)) if times[k]]
        if not present or (mode == "closed" and 0 not in present):
            continue
        entry = min(present)
        anchor = times[entry][0]
        best = entry
        for k in range(entry + 1, len(steps)):
            ok = False
            for chain in itertools.product(*(times[j] for j in range(entry, k + 1))):
                if chain[0] != anchor and window is not None:
                    continue
                ordered = all(a <= b for a, b in zip(chain, chain[1:], strict=False))
                inside = window is None or chain[-1] - chain[0] <= window
                if ordered and inside:
                    ok = True
                    break
            if not ok:
                break
            best = k
        for k in range(entry, best + 1):
            counts[k] += 1
    return counts


@st.composite
def event_logs(draw):
    m = draw(st.integers(1, 25))
    return pd.DataFrame(
        {
            "session_id": draw(st.lists(st.integers(1, 6), min_size=m, max_size=m)),
            "event_ts": pd.Timestamp("2024-05-01")
            + pd.to_timedelta(
                draw(st.lists(st.integers(0, 12), min_size=m, max_size=m)), "min"
            ),
            "event_type": pd.Categorical(
                draw(
                    st.lists(
                        st.sampled_from(["home_view", *STEPS]), min_size=m, max_size=m
                    )
                ),
                dtype=EV,
            ),
        }
    ).assign(visitor_id=lambda d: d["session_id"] % 3)


@settings(max_examples=50, deadline=None)
@given(
    event_logs(),
    st.sampled_from(["session", "visitor"]),
    st.sampled_from(["closed", "open"]),
    st.sampled_from([None, 3]),
)
def test_funnel_matches_brute_force_and_is_monotone(events, unit, mode, window_min):
    window = None if window_min is None else pd.Timedelta(minutes=window_min)
    got = cv.funnel(events, unit=unit, mode=mode, window=window)
    assert got["count"].tolist() == brute_force_funnel(
        events, STEPS, unit, mode, window
    )
    counts = got["count"].to_numpy()
    went_on = counts - got["entered"].to_numpy()
    assert (went_on[1:] <= counts[:-1]).all()  # nobody continues from nowhere
    if mode == "closed":
        assert (np.diff(counts) <= 0).all()  # closed counts never increase
    for col in ("step_conversion", "overall_conversion"):
        rates = got[col].dropna()
        assert ((rates >= 0) & (rates <= 1)).all()
    assert (got["drop_off"] >= 0).all()
    if mode == "open":
        closed = cv.funnel(events, unit=unit, window=window)["count"].to_numpy()
        assert (counts >= closed).all()


@settings(max_examples=50, deadline=None)
@given(event_logs())
def test_event_rates_are_fractions(events):
    for func in (
        cv.add_to_cart_rate,
        cv.favorite_rate,
        cv.cart_abandonment_rate,
        cv.checkout_abandonment_rate,
    ):
        for unit in ("visitor", "session"):
            value = func(events, unit=unit)
            assert np.isnan(value) or 0.0 <= value <= 1.0


# ------------------------------------------------------- golden conversion ---
@pytest.mark.golden("pay_conversion_rate")
def test_conversion_rate_three_methods_golden():
    o, s = make_orders(), make_sessions()
    # UV in the window: {10, 11, 12, 13, 15} = 5 (session 6 is on 05-03)
    # buyers paid in the window: 100 (orders 1, 2), 102 -> 2; order 6 paid 05-03
    assert cv.conversion_rate(o, s, **WINDOW) == pytest.approx(2 / 5)
    # sessions 1-5, 7 = 6; with a paid order: s1, s3, s4 (order 6, paid later)
    assert cv.conversion_rate(o, s, **WINDOW, method="session") == pytest.approx(3 / 6)
    # paid orders in the window: 1, 2, 4 -> 3 ÷ 6 sessions
    assert cv.conversion_rate(o, s, **WINDOW, method="order") == pytest.approx(3 / 6)


@pytest.mark.golden("pay_conversion_rate")
def test_conversion_rate_by_channel_golden():
    o, s = make_orders(), make_sessions()
    idx = pd.CategoricalIndex(["social", "direct"], dtype=CH, name="channel")
    # direct: UV {10, 11}, buyers {100}; social: UV {12, 13, 15}, buyers {102}
    pd.testing.assert_series_equal(
        cv.conversion_rate(o, s, **WINDOW, by="channel"),
        pd.Series([1 / 3, 1 / 2], index=idx, name="conversion_rate"),
    )
    # session: direct s1 of {s1, s2, s5}; social s3, s4 of {s3, s4, s7}
    pd.testing.assert_series_equal(
        cv.conversion_rate(o, s, **WINDOW, by="channel", method="session"),
        pd.Series([2 / 3, 1 / 3], index=idx, name="conversion_rate"),
    )
    # order: direct orders 1, 2 ÷ 3 sessions; social order 4 ÷ 3
    pd.testing.assert_series_equal(
        cv.conversion_rate(o, s, **WINDOW, by="channel", method="order"),
        pd.Series([1 / 3, 2 / 3], index=idx, name="conversion_rate"),
    )


@pytest.mark.golden("order_conversion_rate")
def test_order_conversion_rate_golden():
    o, s = make_orders(), make_sessions()
    # placed 05-01..05-02, any status: 100, 101 (unpaid), 102, 104 -> 4 ÷ 5 UV
    assert cv.order_conversion_rate(o, s, **WINDOW) == pytest.approx(4 / 5)
    by = cv.order_conversion_rate(o, s, **WINDOW, by="channel")
    assert by.to_dict() == {"social": pytest.approx(2 / 3), "direct": 1.0}
    assert cv.order_conversion_rate(o, s, **WINDOW) >= cv.conversion_rate(
        o, s, **WINDOW
    )


@pytest.mark.golden("uv_value")
def test_uv_value_golden_and_identity():
    o, s = make_orders(), make_sessions()
    # paid in the window: 50 + 30 + 90 = 170 over 5 visitors
    assert cv.uv_value(o, s, **WINDOW) == pytest.approx(34.0)
    # UV价值 = 支付转化率 × 客单价 (客单价 = paid amount ÷ paying buyers = 170 / 2)
    assert cv.uv_value(o, s, **WINDOW) == pytest.approx(
        cv.conversion_rate(o, s, **WINDOW) * 170 / 2
    )
    by = cv.uv_value(o, s, **WINDOW, by="channel")
    assert by.to_dict() == {
        "social": pytest.approx(30.0),
        "direct": pytest.approx(40.0),
    }


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 5),
            st.integers(0, 3),
            st.booleans(),
            st.floats(0, 500, allow_nan=False),
        ),
        min_size=1,
        max_size=15,
    )
)
def test_uv_value_is_conversion_times_revenue_per_buyer(rows):
    s = make_sessions()
    o = pd.DataFrame(rows, columns=["customer_id", "day", "paid", "paid_amount"])
    o["paid_ts"] = (pd.Timestamp("2024-05-01") + pd.to_timedelta(o["day"], "D")).where(
        o["paid"]
    )
    o["paid_amount"] = o["paid_amount"].where(o["paid"], 0.0)
    paid = o[o["paid_ts"].between("2024-05-01", "2024-05-02 23:59")]
    buyers = paid["customer_id"].nunique()
    uvv = cv.uv_value(o, s, **WINDOW)
    cr = cv.conversion_rate(o, s, **WINDOW)
    if buyers:
        assert uvv == pytest.approx(cr * paid["paid_amount"].sum() / buyers)
    else:
        assert uvv == 0.0 and cr == 0.0


def test_order_based_conversion_can_exceed_one_visitor_based_cannot():
    s = pd.DataFrame(
        {
            "session_id": [1],
            "visitor_id": [7],
            "start_ts": pd.to_datetime(["2024-05-01 09:00"]),
        }
    )
    o = pd.DataFrame(
        {
            "customer_id": [70, 70],
            "session_id": [1, 1],
            "paid_ts": pd.to_datetime(["2024-05-01 09:05", "2024-05-01 09:09"]),
        }
    )
    assert cv.conversion_rate(o, s, method="order") == 2.0  # 2 orders ÷ 1 visit
    assert cv.conversion_rate(o, s) == 1.0  # 1 buyer ÷ 1 visitor
    assert cv.conversion_rate(o, s, method="session") == 1.0


# ------------------------------------------------------ golden event rates ---
@pytest.mark.golden("add_to_cart_rate_visitor", "favorite_rate")
def test_add_to_cart_and_favorite_rates_golden():
    e = make_events()
    # visitors 10-14 all have events; carts: 10, 11 (s4), 13
    assert cv.add_to_cart_rate(e) == pytest.approx(3 / 5)
    # sessions with a cart: s1, s2, s4, s6 of 7
    assert cv.add_to_cart_rate(e, unit="session") == pytest.approx(4 / 7)
    assert cv.favorite_rate(e) == pytest.approx(1 / 5)  # visitor 14
    by = cv.add_to_cart_rate(e, by="channel", sessions=make_funnel_sessions())
    # direct: s1, s3, s5, s7 -> visitors 10, 11, 12, 14, carts 10; social: s2, s4,
    # s6 -> visitors 10, 11, 13, all with a cart
    assert by.to_dict() == {"social": 1.0, "direct": 0.25}
    # a window that keeps only the morning: visitor 10 (s1 10:00-10:03, s2 11:00..)
    assert (
        cv.add_to_cart_rate(e, start="2024-05-01 00:00", end="2024-05-01 10:30") == 1.0
    )


@pytest.mark.golden("cart_abandonment_rate", "checkout_abandonment_rate")
def test_abandonment_rates_golden():
    e = make_events()
    # carts: 10, 11, 13; payers: 10, 11 (s3), 12 -> 13 abandoned
    assert cv.cart_abandonment_rate(e) == pytest.approx(1 / 3)
    # sessions with a cart s1, s2, s4, s6; with a payment s1, s3, s5
    assert cv.cart_abandonment_rate(e, unit="session") == pytest.approx(3 / 4)
    # checkouts: 10, 11, 12, 13 -> 13 did not pay
    assert cv.checkout_abandonment_rate(e) == pytest.approx(1 / 4)
    # sessions with a checkout s1, s3, s4, s5, s6 -> s4, s6 without payment
    assert cv.checkout_abandonment_rate(e, unit="session") == pytest.approx(2 / 5)


# -------------------------------------------------------------- edge cases ---
def test_zero_visitors_give_nan():
    o, s = make_orders(), make_sessions()
    empty = {"start": "2030-01-01", "end": "2030-01-31"}
    for value in (
        cv.conversion_rate(o, s, **empty),
        cv.conversion_rate(o, s, **empty, method="session"),
        cv.conversion_rate(o, s, **empty, method="order"),
        cv.order_conversion_rate(o, s, **empty),
        cv.uv_value(o, s, **empty),
        cv.add_to_cart_rate(make_events(), **empty),
        cv.cart_abandonment_rate(make_events(), **empty),
    ):
        assert np.isnan(value)
    got = cv.funnel(make_events(), **empty)
    assert got["count"].tolist() == [0, 0, 0, 0]
    assert (
        got["step_conversion"].isna().all() and got["overall_conversion"].isna().all()
    )
    assert cv.funnel(
        make_events(), **empty, by="channel", sessions=make_funnel_sessions()
    ).empty


def test_group_with_orders_but_no_visitors_is_nan():
    o, s = make_orders(), make_sessions()
    s = s[s["channel"] == "direct"]
    got = cv.conversion_rate(o, s, **WINDOW, by="channel")
    assert np.isnan(got["social"]) and got["direct"] == 0.5


def test_one_visitor():
    e = make_events()
    one = e[e["visitor_id"] == 10]
    assert cv.funnel(one, unit="visitor")["count"].tolist() == [1, 1, 1, 1]
    assert cv.add_to_cart_rate(one) == 1.0
    assert cv.cart_abandonment_rate(one) == 0.0


def test_string_ids_give_the_same_answers():
    e = make_events()
    e2 = e.assign(
        session_id="s" + e["session_id"].astype(str),
        visitor_id="v" + e["visitor_id"].astype(str),
    )
    s = make_funnel_sessions()
    s2 = s.assign(session_id="s" + s["session_id"].astype(str))
    for kw in ({}, {"mode": "open"}, {"unit": "visitor", "window": "30min"}):
        pd.testing.assert_frame_equal(cv.funnel(e2, **kw), cv.funnel(e, **kw))
    pd.testing.assert_frame_equal(
        cv.funnel(e2, by="channel", sessions=s2), cv.funnel(e, by="channel", sessions=s)
    )
    assert cv.add_to_cart_rate(e2) == cv.add_to_cart_rate(e)
    o, ss = make_orders(), make_sessions()
    o2 = o.assign(customer_id="c" + o["customer_id"].astype(str))
    ss2 = ss.assign(visitor_id="v" + ss["visitor_id"].astype(str))
    assert cv.conversion_rate(o2, ss2, **WINDOW) == cv.conversion_rate(o, ss, **WINDOW)


def test_unsorted_events_and_string_types_give_the_same_funnel():
    e = make_events()
    shuffled = e.sample(frac=1, random_state=3)
    for kw in ({}, {"mode": "open"}, {"unit": "visitor", "window": "30min"}):
        pd.testing.assert_frame_equal(cv.funnel(shuffled, **kw), cv.funnel(e, **kw))
    as_text = e.assign(event_type=e["event_type"].astype(str))
    pd.testing.assert_frame_equal(cv.funnel(as_text), cv.funnel(e))


def test_ties_in_timestamps_count_as_in_order():
    e = make_events()
    tie = e[e["session_id"] == 4]  # cart and view at the same minute
    assert cv.funnel(tie)["count"].tolist() == [1, 1, 1, 0]


def test_uses_the_traffic_uv_function():
    o, s = make_orders(), make_sessions()
    assert cv.conversion_rate(o, s, **WINDOW) == pytest.approx(
        2 / tr.unique_visitors(s, **WINDOW)
    )


def test_inputs_are_not_mutated():
    e, s = make_events(), make_funnel_sessions()
    o, ss = make_orders(), make_sessions()
    copies = [x.copy() for x in (e, s, o, ss)]
    cv.funnel(e, by="channel", sessions=s, mode="open")
    cv.conversion_rate(o, ss, by="channel", method="session")
    cv.uv_value(o, ss, by="channel")
    cv.cart_abandonment_rate(e, by="channel", sessions=s)
    for before, after in zip(copies, (e, s, o, ss), strict=True):
        pd.testing.assert_frame_equal(before, after)


def test_tz_aware_event_times():
    e = make_events()
    ea = e.assign(event_ts=e["event_ts"].dt.tz_localize("Asia/Shanghai"))
    pd.testing.assert_frame_equal(
        cv.funnel(ea, unit="visitor", window="30min"),
        cv.funnel(e, unit="visitor", window="30min"),
    )
    assert cv.add_to_cart_rate(ea, start="2024-05-01", end="2024-05-01") == 0.6


# ---------------------------------------------------------------- bad input ---
EVENTS, ORDERS, SESSIONS = make_events(), make_orders(), make_sessions()
BAD_INPUTS = [
    (
        cv.funnel,
        (EVENTS,),
        {"unit": "user"},
        ValueError,
        r"funnel\(\): the value for `unit` must be one of",
    ),
    (
        cv.funnel,
        (EVENTS,),
        {"mode": "strict"},
        ValueError,
        r"funnel\(\): the value for `mode` must be one of",
    ),
    (
        cv.funnel,
        (EVENTS,),
        {"steps": "product_view"},
        TypeError,
        r"funnel\(\): `steps` must be a list of event types",
    ),
    (
        cv.funnel,
        (EVENTS,),
        {"steps": ["product_view", "product_view"]},
        ValueError,
        r"funnel\(\): `steps` lists an event type twice",
    ),
    (
        cv.funnel,
        (EVENTS,),
        {"steps": ["product_view", "add_to_card"]},
        ValueError,
        r"funnel\(\): step 'add_to_card' \(from `steps`\) is not an event type",
    ),
    (
        cv.funnel,
        (EVENTS,),
        {"window": "0min"},
        ValueError,
        r"funnel\(\): `window` must be a positive duration",
    ),
    (
        cv.funnel,
        (EVENTS,),
        {"by": "channel"},
        ValueError,
        r"funnel\(\): column 'channel' \(from `by`\) is not in `events`",
    ),
    (
        cv.funnel,
        (EVENTS.assign(event_ts=EVENTS["event_ts"].astype(str)),),
        {},
        TypeError,
        r"funnel\(\): column 'event_ts' \(from `event_ts_col`\) must hold datetimes",
    ),
    (
        cv.funnel,
        ({"events": EVENTS},),
        {},
        TypeError,
        r"funnel\(\): `events` must be one table.*shop\.events",
    ),
    (
        cv.funnel,
        (EVENTS.drop(columns="session_id"),),
        {},
        ValueError,
        r"funnel\(\): column 'session_id' \(from `session_id_col`\) is not in `events`",
    ),
    (
        cv.funnel,
        (
            EVENTS.assign(
                session_id=EVENTS["session_id"].astype("Int64").where(EVENTS.index != 0)
            ),
        ),
        {},
        ValueError,
        r"funnel\(\): column 'session_id' \(from `session_id_col`\) has 1 missing",
    ),
    (
        cv.funnel,
        (EVENTS,),
        {
            "by": "channel",
            "sessions": SESSIONS.assign(session_id=SESSIONS["session_id"].astype(str)),
        },
        TypeError,
        r"funnel\(\): column 'session_id' \(from `session_id_col`\) holds "
        r"text or mixed in `sessions` but integers in `events`",
    ),
    (
        cv.conversion_rate,
        (ORDERS, SESSIONS),
        {"method": "user"},
        ValueError,
        r"conversion_rate\(\): the value for `method` must be one of",
    ),
    (
        cv.conversion_rate,
        (ORDERS, SESSIONS),
        {"by": "device"},
        ValueError,
        r"conversion_rate\(\): column 'device' \(from `by`\) is not in `orders`",
    ),
    (
        cv.conversion_rate,
        (ORDERS.assign(paid_ts=ORDERS["paid_ts"].astype(str)), SESSIONS),
        {},
        TypeError,
        r"conversion_rate\(\): column 'paid_ts' \(from `paid_ts_col`\) must "
        r"hold datetimes",
    ),
    (
        cv.conversion_rate,
        (ORDERS, SESSIONS.drop(columns="visitor_id")),
        {},
        ValueError,
        r"conversion_rate\(\): column 'visitor_id' \(from `visitor_id_col`\) is not in "
        r"`sessions`",
    ),
    (
        cv.conversion_rate,
        (ORDERS, SESSIONS),
        {"start": "2024-05-09", "end": "2024-05-01"},
        ValueError,
        r"conversion_rate\(\): the window is empty",
    ),
    (
        cv.conversion_rate,
        (ORDERS, {"sessions": SESSIONS}),
        {},
        TypeError,
        r"conversion_rate\(\): `sessions` must be one table.*shop\.sessions",
    ),
    (
        cv.uv_value,
        (ORDERS.assign(paid_amount=-ORDERS["paid_amount"] - 1), SESSIONS),
        {},
        ValueError,
        r"uv_value\(\): column 'paid_amount' \(from `paid_amount_col`\) has 6 negative",
    ),
    (
        cv.uv_value,
        (ORDERS.assign(paid_amount=ORDERS["paid_amount"].astype(str)), SESSIONS),
        {},
        TypeError,
        r"uv_value\(\): column 'paid_amount' \(from `paid_amount_col`\) must "
        r"be numeric",
    ),
    (
        cv.order_conversion_rate,
        (ORDERS.drop(columns="order_ts"), SESSIONS),
        {},
        ValueError,
        r"order_conversion_rate\(\): column 'order_ts' \(from `order_ts_col`\) is not "
        r"in `orders`",
    ),
    (
        cv.add_to_cart_rate,
        (EVENTS,),
        {"unit": "order"},
        ValueError,
        r"add_to_cart_rate\(\): the value for `unit` must be one of",
    ),
    (
        cv.cart_abandonment_rate,
        (EVENTS,),
        {"start": 20240501},
        TypeError,
        r"cart_abandonment_rate\(\): `start` must be a date",
    ),
    (
        cv.favorite_rate,
        (EVENTS,),
        {"by": "channel", "sessions": SESSIONS.drop(columns="channel")},
        ValueError,
        r"favorite_rate\(\): column 'channel' \(from `by`\) is not in "
        r"`events or sessions`",
    ),
]


@pytest.mark.parametrize(
    ("func", "args", "kwargs", "exc", "match"),
    BAD_INPUTS,
    ids=[f"{b[0].__name__}-{i}" for i, b in enumerate(BAD_INPUTS)],
)
def test_bad_inputs(func, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        func(*args, **kwargs)
