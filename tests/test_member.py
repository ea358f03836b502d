"""Tests of ecomkit.member: hand-computed golden values, edge cases, properties and
bad inputs.

The shop below has 5 customers and 11 orders (2 of them never paid). Paid orders,
by customer (amounts in brackets):

    c1: 2024-01-03 10:00 (100), 2024-01-03 15:00 (50), 2024-02-10 09:00 (80)
    c2: 2023-12-20 12:00 (60),  2024-01-15 12:00 (40), 2024-01-28 20:00 (20)
    c3: 2024-01-20 08:00 (30),  2024-03-05 10:00 (70)     (+ an unpaid order 01-25)
    c4: 2024-02-02 11:00 (200)
    c5: only a cancelled, never-paid order

Purchase days: c1 {01-03, 02-10}, c2 {12-20, 01-15, 01-28}, c3 {01-20, 03-05},
c4 {02-02}. January buyers: c1, c2, c3.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ecomkit.member as mb
from ecomkit import _schema

JAN = {"start": "2024-01-01", "end": "2024-01-31"}
GENDER = pd.CategoricalDtype(list(_schema.GENDERS), ordered=True)
RISK = pd.CategoricalDtype(list(_schema.RISK_LEVELS), ordered=True)


def make_orders():
    return pd.DataFrame(
        {
            "order_id": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
            "customer_id": [1, 1, 1, 2, 2, 3, 3, 3, 4, 5, 2],
            "order_ts": pd.to_datetime(
                [
                    "2024-01-03 09:50",
                    "2024-01-03 14:50",
                    "2024-02-10 08:50",
                    "2023-12-20 11:50",
                    "2024-01-15 11:50",
                    "2024-01-20 07:50",
                    "2024-01-25 10:00",
                    "2024-03-05 09:50",
                    "2024-02-02 10:50",
                    "2024-02-20 10:00",
                    "2024-01-28 19:50",
                ]
            ),
            "paid_ts": pd.to_datetime(
                [
                    "2024-01-03 10:00",
                    "2024-01-03 15:00",
                    "2024-02-10 09:00",
                    "2023-12-20 12:00",
                    "2024-01-15 12:00",
                    "2024-01-20 08:00",
                    None,
                    "2024-03-05 10:00",
                    "2024-02-02 11:00",
                    None,
                    "2024-01-28 20:00",
                ]
            ),
            "status": pd.Categorical(
                [
                    "paid",
                    "paid",
                    "paid",
                    "paid",
                    "paid",
                    "paid",
                    "unpaid",
                    "paid",
                    "paid",
                    "cancelled",
                    "paid",
                ],
                categories=list(_schema.ORDER_STATUSES),
                ordered=True,
            ),
            "paid_amount": [
                100.0,
                50.0,
                80.0,
                60.0,
                40.0,
                30.0,
                0.0,
                70.0,
                200.0,
                0.0,
                20.0,
            ],
        }
    )


def make_customers():
    return pd.DataFrame(
        {
            "customer_id": [1, 2, 3, 4, 5],
            "gender": pd.Categorical(
                ["female", "male", "female", "male", "unknown"], dtype=GENDER
            ),
            "age": [24, 31, 45, 52, 17],
            "city_tier": pd.Categorical(
                ["tier1", "tier2", "tier1", "tier3", "tier1"],
                dtype=pd.CategoricalDtype(list(_schema.CITY_TIERS), ordered=True),
            ),
            "risk_level": pd.Categorical(
                ["low", "high", "low", "medium", "low"], dtype=RISK
            ),
        }
    )


def make_sessions():
    """Identified visits: c1 first visits in Nov 2023, c6 visits but never buys."""
    return pd.DataFrame(
        {
            "session_id": [1, 2, 3, 4, 5, 6, 7, 8],
            "visitor_id": [11, 11, 12, 13, 13, 13, 16, 14],
            "customer_id": pd.array([1, 1, 2, None, 3, 3, 6, 4], dtype="Int64"),
            "start_ts": pd.to_datetime(
                [
                    "2023-11-15 10:00",
                    "2024-01-03 09:40",
                    "2023-12-19 10:00",
                    "2023-10-01 10:00",
                    "2024-01-19 10:00",
                    "2024-02-14 10:00",
                    "2024-03-01 10:00",
                    "2024-02-02 10:30",
                ]
            ),
        }
    )


ORDERS = make_orders()
C = make_customers()
S = make_sessions()
M = pd.Timestamp  # shorthand for month labels


def with_str_ids(frame):
    return frame.assign(customer_id=frame["customer_id"].map(lambda v: f"C{v:02d}"))


def cohort_frame(rows):
    cohort, period, size, active = zip(*rows, strict=True)
    active = np.array(active, dtype=np.int64)
    size = np.array(size, dtype=np.int64)
    return pd.DataFrame(
        {
            "cohort": pd.to_datetime(list(cohort)),
            "period": np.array(period, dtype=np.int64),
            "cohort_size": size,
            "active": active,
            "retention": active / size,
        }
    )


# --------------------------------------------------------- buyer profile ----


@pytest.mark.golden("buyer_profile")
def test_buyer_profile_by_gender():
    # January buyers: c1 female (orders 100+50), c2 male (40+20), c3 female (30)
    # female: 2 buyers, 3 orders, 180 -> 客单价 90; male: 1, 2, 60 -> 60; unknown: none
    got = mb.buyer_profile(ORDERS, C, by="gender", **JAN)
    want = pd.DataFrame(
        {
            "gender": pd.Categorical(["female", "male", "unknown"], dtype=GENDER),
            "buyers": np.array([2, 1, 0], dtype=np.int64),
            "buyer_share": [2 / 3, 1 / 3, 0.0],
            "orders": np.array([3, 2, 0], dtype=np.int64),
            "paid_amount": [180.0, 60.0, 0.0],
            "revenue_per_buyer": [90.0, 60.0, np.nan],
        }
    )
    pd.testing.assert_frame_equal(got, want)


@pytest.mark.golden("buyer_profile")
def test_buyer_profile_by_age_band_and_risk():
    # ages 24 (c1) -> 18-25, 31 (c2) -> 31-35, 45 (c3) -> 41-50
    got = mb.buyer_profile(ORDERS, C, by="age_band", **JAN)
    assert list(got["age_band"].astype(str)) == [
        "<18",
        "18-25",
        "26-30",
        "31-35",
        "36-40",
        "41-50",
        "51+",
    ]
    assert got["buyers"].tolist() == [0, 1, 0, 1, 0, 1, 0]
    assert got["paid_amount"].tolist() == [0.0, 150.0, 0.0, 60.0, 0.0, 30.0, 0.0]
    # whole history, by risk level: c1 230 + c3 100 low, c4 200 medium, c2 120 high
    risk = mb.buyer_profile(ORDERS, C, by="risk_level")
    assert risk["buyers"].tolist() == [2, 1, 1]
    assert risk["paid_amount"].tolist() == [330.0, 200.0, 120.0]
    assert risk["revenue_per_buyer"].tolist() == [165.0, 200.0, 120.0]


def test_buyer_profile_keeps_buyers_missing_from_customers():
    # without c3 in the customers table its 30 appears under a missing key
    got = mb.buyer_profile(ORDERS, C[C["customer_id"] != 3], by="gender", **JAN)
    assert got["buyers"].tolist() == [1, 1, 0, 1]
    assert got["gender"].isna().tolist() == [False, False, False, True]
    assert got["buyer_share"].sum() == pytest.approx(1.0)


def test_buyer_profile_empty_window_gives_nan_shares():
    got = mb.buyer_profile(ORDERS, C, by="gender", start="2025-01-01", end="2025-01-31")
    assert got["buyers"].tolist() == [0, 0, 0]
    assert got["buyer_share"].isna().all() and got["revenue_per_buyer"].isna().all()


# ------------------------------------------------------ new vs returning ----


@pytest.mark.golden("new_customers", "returning_customers")
def test_new_vs_returning_all_history():
    # new: c1 (first 01-03) and c3 (first 01-20): orders 100+50+30 = 180
    # returning: c2 (paid 2023-12-20): orders 40+20 = 60; total 240
    got = mb.new_vs_returning(ORDERS, **JAN)
    want = pd.DataFrame(
        {
            "customer_type": pd.Categorical(
                ["new", "returning", "reactivated"],
                categories=["new", "returning", "reactivated"],
                ordered=True,
            ),
            "buyers": np.array([2, 1, 0], dtype=np.int64),
            "buyer_share": [2 / 3, 1 / 3, 0.0],
            "orders": np.array([3, 2, 0], dtype=np.int64),
            "paid_amount": [180.0, 60.0, 0.0],
            "paid_amount_share": [0.75, 0.25, 0.0],
            "revenue_per_buyer": [90.0, 60.0, np.nan],
        }
    )
    pd.testing.assert_frame_equal(got, want)


@pytest.mark.golden("returning_customers")
def test_returning_with_lookback():
    # 10-day look-back = [2023-12-22, 2024-01-01): c2's 12-20 is 12 days before,
    # so c2 is reactivated; with 365 days (生意参谋) c2 is 老买家 again
    short = mb.new_vs_returning(ORDERS, lookback=10, **JAN)
    assert short["buyers"].tolist() == [2, 0, 1]
    sycm = mb.new_vs_returning(ORDERS, lookback=365, **JAN)
    assert sycm["buyers"].tolist() == [2, 1, 0]


def test_new_vs_returning_without_start_everyone_is_new():
    got = mb.new_vs_returning(ORDERS)
    assert got["buyers"].tolist() == [4, 0, 0]
    assert got["paid_amount"].iloc[0] == pytest.approx(650.0)


# ------------------------------------------------------ repurchase rate ----


@pytest.mark.golden("repeat_purchase_rate")
@pytest.mark.parametrize(
    ("method", "kwargs", "want"),
    [
        # c2 buys on 2 January days (15, 28); c1's two orders are on one day -> 1 / 3
        ("customers", JAN, 1 / 3),
        # 5 January orders, 3 buyers -> (5 - 3) / 5
        ("orders", JAN, 0.4),
        # first-time January buyers c1, c3; next purchase day after 38 and 45 days
        ("n_day", {**JAN, "n_days": 30}, 0.0),
        ("n_day", {**JAN, "n_days": 40}, 0.5),
        ("n_day", {**JAN, "n_days": 45}, 1.0),
        # next 31 days [02-01, 03-03): only c1 (02-10) of c1, c2, c3
        ("next_period", JAN, 1 / 3),
        # paid orders up to 01-31: c1 2, c2 3, c3 1 -> 2 / 3
        ("shopify", JAN, 2 / 3),
        # 30 days ending 01-31 = [01-02, 02-01): c1 2 orders, c2 2, c3 1 -> 2 / 3
        ("rolling", {"end": "2024-01-31"}, 2 / 3),
        # 10 days [01-22, 02-01): only c2's 01-28 order -> 0 / 1
        ("rolling", {"end": "2024-01-31", "n_days": 10}, 0.0),
    ],
)
def test_repurchase_rate_every_method(method, kwargs, want):
    assert mb.repurchase_rate(ORDERS, method=method, **kwargs) == pytest.approx(want)


def test_rolling_defaults_to_the_last_paid_day():
    # last paid day 03-05: 30 days [02-05, 03-06) hold c1 02-10 and c3 03-05 -> 0 / 2
    assert mb.repurchase_rate(ORDERS, method="rolling") == 0.0
    # 90 days [12-07, 03-06): c1 3 orders, c2 3, c3 2, c4 1 -> 3 / 4
    assert mb.repurchase_rate(ORDERS, method="rolling", n_days=90) == pytest.approx(
        0.75
    )


@pytest.mark.parametrize(
    "method", ["customers", "orders", "n_day", "next_period", "shopify", "rolling"]
)
def test_repurchase_rate_empty_window_is_nan(method):
    window = (
        {"end": "2025-06-30"}
        if method == "rolling"
        else {"start": "2025-06-01", "end": "2025-06-30"}
    )
    assert np.isnan(mb.repurchase_rate(ORDERS, method=method, **window))


def test_repurchase_rate_ignores_unpaid_orders():
    # an unpaid second order does not make c3 a repeat buyer
    extra = pd.DataFrame(
        {"customer_id": [3], "paid_ts": [pd.NaT], "paid_amount": [0.0]}
    )
    more = pd.concat([ORDERS, extra], ignore_index=True)
    assert mb.repurchase_rate(more, **JAN) == pytest.approx(1 / 3)
    assert mb.repurchase_rate(more, method="orders", **JAN) == pytest.approx(0.4)


# ----------------------------------------------------- cohort retention ----


@pytest.mark.golden("cohort_retention")
def test_cohort_retention_standard():
    # cohorts by first paid month: Dec {c2}, Jan {c1, c3}, Feb {c4}; last month Mar
    # Dec: Jan c2 -> [1, 1, 0, 0]; Jan: Feb c1, Mar c3 -> [2, 1, 1]; Feb: [1, 0]
    want = cohort_frame(
        [
            ("2023-12-01", 0, 1, 1),
            ("2023-12-01", 1, 1, 1),
            ("2023-12-01", 2, 1, 0),
            ("2023-12-01", 3, 1, 0),
            ("2024-01-01", 0, 2, 2),
            ("2024-01-01", 1, 2, 1),
            ("2024-01-01", 2, 2, 1),
            ("2024-02-01", 0, 1, 1),
            ("2024-02-01", 1, 1, 0),
        ]
    )
    pd.testing.assert_frame_equal(mb.cohort_retention(ORDERS), want)


@pytest.mark.golden("cohort_retention")
def test_cohort_retention_rolling_and_cumulative():
    # rolling (active in every period 1..k): Jan k=2 needs Feb and Mar -> nobody
    rolling = mb.cohort_retention(ORDERS, calculation="rolling")
    assert rolling["active"].tolist() == [1, 1, 0, 0, 2, 1, 0, 1, 0]
    # cumulative (active in any of 1..k): Dec stays 1; Jan k=2: c1 or c3 -> 2
    cumulative = mb.cohort_retention(ORDERS, calculation="cumulative")
    assert cumulative["active"].tolist() == [1, 1, 1, 1, 2, 1, 2, 1, 0]
    assert cumulative["retention"].tolist() == [1, 1, 1, 1, 1, 0.5, 1, 1, 0]


@pytest.mark.golden("cohort_retention")
def test_cohort_retention_first_visit_inclusion():
    # first identified visits: c1 Nov, c2 Dec, c3 Jan, c4 Feb, c6 Mar (never buys)
    # c1 buys Jan (k=2) and Feb (k=3); c2 Dec (k=0) and Jan (k=1); c3 Jan, Mar (k=2)
    got = mb.cohort_retention(ORDERS, inclusion="first_visit", sessions=S)
    want = cohort_frame(
        [
            ("2023-11-01", 0, 1, 1),
            ("2023-11-01", 1, 1, 0),
            ("2023-11-01", 2, 1, 1),
            ("2023-11-01", 3, 1, 1),
            ("2023-11-01", 4, 1, 0),
            ("2023-12-01", 0, 1, 1),
            ("2023-12-01", 1, 1, 1),
            ("2023-12-01", 2, 1, 0),
            ("2023-12-01", 3, 1, 0),
            ("2024-01-01", 0, 1, 1),
            ("2024-01-01", 1, 1, 0),
            ("2024-01-01", 2, 1, 1),
            ("2024-02-01", 0, 1, 1),
            ("2024-02-01", 1, 1, 0),
            ("2024-03-01", 0, 1, 1),
        ]
    )
    pd.testing.assert_frame_equal(got, want)


@pytest.mark.golden("cohort_retention")
def test_cohort_retention_visit_as_return_event():
    # purchase cohorts; visits: c3 visits in Feb (k=1); c1's Nov visit is before
    got = mb.cohort_retention(ORDERS, returning="visit", sessions=S, values="count")
    assert list(got.columns) == ["cohort", "period", "cohort_size", "active"]
    assert got["active"].tolist() == [1, 0, 0, 0, 2, 1, 0, 1, 0]


def test_cohort_retention_window_and_observation_end():
    # start: only cohorts first buying from 2024-01-01; end: March is unseen
    got = mb.cohort_retention(ORDERS, start="2024-01-01", end="2024-02-29")
    want = cohort_frame(
        [("2024-01-01", 0, 2, 2), ("2024-01-01", 1, 2, 1), ("2024-02-01", 0, 1, 1)]
    )
    pd.testing.assert_frame_equal(got, want)


def test_cohort_retention_weekly_labels_start_on_monday():
    got = mb.cohort_retention(ORDERS, freq="W", start="2024-01-01", end="2024-01-07")
    # c1's first purchase on Wed 2024-01-03 -> week of Monday 2024-01-01
    assert got["cohort"].unique().tolist() == [M("2024-01-01")]
    assert got["period"].tolist() == [0]


def test_cohort_retention_empty():
    got = mb.cohort_retention(ORDERS, start="2025-01-01", end="2025-03-31")
    assert got.empty
    assert list(got.columns) == [
        "cohort",
        "period",
        "cohort_size",
        "active",
        "retention",
    ]


# ------------------------------------------------------- cohort revenue ----


@pytest.mark.golden("cohort_revenue")
def test_cohort_revenue():
    # Dec {c2}: 60 | Jan 40+20 = 60 | 0 | 0       -> cumulative 60, 120, 120, 120
    # Jan {c1, c3}: 100+50+30 = 180 | Feb 80 | Mar 70 -> 180, 260, 330
    #                                  (per customer: 90, 130, 165)
    # Feb {c4}: 200 | 0                           -> 200, 200
    got = mb.cohort_revenue(ORDERS)
    want = pd.DataFrame(
        {
            "cohort": pd.to_datetime(
                ["2023-12-01"] * 4 + ["2024-01-01"] * 3 + ["2024-02-01"] * 2
            ),
            "period": np.array([0, 1, 2, 3, 0, 1, 2, 0, 1], dtype=np.int64),
            "cohort_size": np.array([1, 1, 1, 1, 2, 2, 2, 1, 1], dtype=np.int64),
            "paid_amount": [60.0, 60.0, 0.0, 0.0, 180.0, 80.0, 70.0, 200.0, 0.0],
            "cumulative_paid_amount": [
                60.0,
                120.0,
                120.0,
                120.0,
                180.0,
                260.0,
                330.0,
                200.0,
                200.0,
            ],
            "cumulative_per_customer": [
                60.0,
                120.0,
                120.0,
                120.0,
                90.0,
                130.0,
                165.0,
                200.0,
                200.0,
            ],
        }
    )
    pd.testing.assert_frame_equal(got, want)


# ------------------------------------------------------------- lifecycle ----


@pytest.mark.golden("lifecycle_state")
def test_lifecycle_table():
    # c1 active Jan, Feb; c2 Dec, Jan; c3 Jan, Mar; c4 Feb; last month Mar
    got = mb.lifecycle_table(ORDERS)
    want = pd.DataFrame(
        {
            "customer_id": [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4],
            "period": pd.to_datetime(
                [
                    "2024-01-01",
                    "2024-02-01",
                    "2024-03-01",
                    "2023-12-01",
                    "2024-01-01",
                    "2024-02-01",
                    "2024-01-01",
                    "2024-02-01",
                    "2024-03-01",
                    "2024-02-01",
                    "2024-03-01",
                ]
            ),
            "state": pd.Categorical(
                [
                    "new",
                    "retained",
                    "churned",
                    "new",
                    "retained",
                    "churned",
                    "new",
                    "churned",
                    "reactivated",
                    "new",
                    "churned",
                ],
                categories=["new", "retained", "reactivated", "churned"],
                ordered=True,
            ),
        }
    )
    pd.testing.assert_frame_equal(got, want)


@pytest.mark.golden("lifecycle_counts")
def test_lifecycle_counts():
    # Dec: new c2 | Jan: new c1 c3, retained c2 | Feb: new c4, retained c1,
    # churned c2 c3 | Mar: reactivated c3, churned c1 c4
    got = mb.lifecycle_counts(ORDERS)
    want = pd.DataFrame(
        {
            "period": pd.to_datetime(
                ["2023-12-01", "2024-01-01", "2024-02-01", "2024-03-01"]
            ),
            "new": np.array([1, 2, 1, 0], dtype=np.int64),
            "retained": np.array([0, 1, 1, 0], dtype=np.int64),
            "reactivated": np.array([0, 0, 0, 1], dtype=np.int64),
            "churned": np.array([0, 0, 2, 2], dtype=np.int64),
            "active": np.array([1, 3, 2, 1], dtype=np.int64),
        }
    )
    pd.testing.assert_frame_equal(got, want)


def test_lifecycle_window_uses_history_and_cuts_at_end():
    got = mb.lifecycle_counts(ORDERS, start="2024-02-01", end="2024-02-29")
    # Feb only; March (c3's return) unseen, Feb churns still count
    assert got["period"].tolist() == [M("2024-02-01")]
    assert got[["new", "retained", "reactivated", "churned"]].iloc[0].tolist() == [
        1,
        1,
        0,
        2,
    ]
    table = mb.lifecycle_table(ORDERS, start="2024-03-01")
    # c3 is reactivated in March (its January purchase is before the window)
    assert table.loc[table["customer_id"] == 3, "state"].tolist() == ["reactivated"]


def test_lifecycle_counts_empty():
    got = mb.lifecycle_counts(ORDERS.assign(paid_ts=pd.NaT))
    assert got.empty and list(got.columns) == [
        "period",
        "new",
        "retained",
        "reactivated",
        "churned",
        "active",
    ]


# ------------------------------------------------- churn thresholds/status ----


@pytest.mark.golden("churn_threshold")
def test_churn_thresholds():
    # gaps between purchase days: c1 38 (01-03 -> 02-10), c2 26 and 13,
    # c3 45 (01-20 -> 03-05, 2024 is a leap year); sorted 13, 26, 38, 45
    # q0.8: position 2.4 -> 38 + 0.4 * 7 = 40.8; q0.9: 2.7 -> 38 + 0.7 * 7 = 42.9
    got = mb.churn_thresholds(ORDERS)
    want = pd.Series(
        [40.8, 42.9], index=pd.Index([0.8, 0.9], name="quantile"), name="gap_days"
    )
    pd.testing.assert_series_equal(got, want)
    # last gaps only: c1 38, c2 13, c3 45 -> median 38
    assert mb.churn_thresholds(ORDERS, quantiles=0.5, gaps="last").tolist() == [38.0]


def test_churn_thresholds_without_repeat_buyers_is_nan():
    one_each = ORDERS.drop_duplicates("customer_id")
    assert mb.churn_thresholds(one_each).isna().all()


@pytest.mark.golden("customer_status")
def test_customer_status():
    # as of 03-31: c1 last 02-10 -> 50 days (silent), c2 01-28 -> 63 (churned),
    # c3 03-05 -> 26 (active), c4 02-02 -> 58 (silent)
    got = mb.customer_status(ORDERS, as_of="2024-03-31", silent_days=30, churn_days=60)
    want = pd.DataFrame(
        {
            "customer_id": [1, 2, 3, 4],
            "last_paid_ts": pd.to_datetime(
                [
                    "2024-02-10 09:00",
                    "2024-01-28 20:00",
                    "2024-03-05 10:00",
                    "2024-02-02 11:00",
                ]
            ),
            "days_since_last": np.array([50, 63, 26, 58], dtype=np.int64),
            "status": pd.Categorical(
                ["silent", "churned", "active", "silent"],
                categories=["active", "silent", "churned"],
                ordered=True,
            ),
        }
    )
    pd.testing.assert_frame_equal(got, want)


def test_customer_status_ignores_later_orders():
    got = mb.customer_status(ORDERS, as_of="2024-01-20")
    # c4 only buys in February; c3 bought on the as_of day itself -> 0 days
    assert got["customer_id"].tolist() == [1, 2, 3]
    assert got["days_since_last"].tolist() == [17, 5, 0]


# ------------------------------------------------------------------ RFM ----

RFM_WANT = pd.DataFrame(
    {
        "customer_id": [1, 2, 3, 4],
        # as of 03-31: last purchase 02-10, 01-28, 03-05, 02-02
        "recency_days": np.array([50, 63, 26, 58], dtype=np.int64),
        "frequency": np.array([3, 3, 2, 1], dtype=np.int64),
        "monetary": [230.0, 120.0, 100.0, 200.0],
        # score = 1 + (5 * (rank_min - 1)) // 4, ranks from worst:
        # R: 63 (1), 58 (2), 50 (3), 26 (4) -> c2 1, c4 2, c1 3, c3 4
        "r_score": np.array([3, 1, 4, 2], dtype=np.int64),
        # F: 1 (1), 2 (2), 3 and 3 tie at rank 3 -> 1 + 10 // 4 = 3 for both
        "f_score": np.array([3, 3, 2, 1], dtype=np.int64),
        # M: 100 (1), 120 (2), 200 (3), 230 (4)
        "m_score": np.array([4, 2, 1, 3], dtype=np.int64),
        "rfm_score": ["334", "132", "421", "213"],
    }
)


@pytest.mark.golden("rfm_score")
def test_rfm_table_quintiles():
    pd.testing.assert_frame_equal(mb.rfm_table(ORDERS, as_of="2024-03-31"), RFM_WANT)


@pytest.mark.golden("rfm_score")
def test_rfm_table_frequency_in_days():
    # purchase days: c1 2, c2 3, c3 2, c4 1 -> ranks c4 1, c1 = c3 2, c2 4
    got = mb.rfm_table(ORDERS, as_of="2024-03-31", frequency="days")
    assert got["frequency"].tolist() == [2, 3, 2, 1]
    assert got["f_score"].tolist() == [2, 4, 2, 1]


@pytest.mark.golden("rfm_score")
def test_rfm_table_fixed_thresholds():
    cuts = {
        "recency": [30, 45, 60, 90],
        "frequency": [2, 3, 4, 5],
        "monetary": [100, 150, 200, 250],
    }
    got = mb.rfm_table(ORDERS, as_of="2024-03-31", scores="thresholds", thresholds=cuts)
    # R = 5 - #(cuts < recency): 50 -> 3, 63 -> 2, 26 -> 5, 58 -> 3
    # F = 1 + #(cuts <= f): 3 -> 3, 3 -> 3, 2 -> 2, 1 -> 1
    # M = 1 + #(cuts <= m): 230 -> 4, 120 -> 2, 100 -> 2, 200 -> 4
    assert got["rfm_score"].tolist() == ["334", "232", "522", "314"]


def test_rfm_quintile_ties_get_identical_scores():
    # 8 one-order buyers tie at rank 1 -> F = 1; the 2- and 5-order buyers rank 9
    # and 10 of 10 -> 1 + 40 // 10 = 5 and 1 + 45 // 10 = 5
    n_orders = [1] * 8 + [2, 5]
    ids = np.repeat(np.arange(10), n_orders)
    orders = pd.DataFrame(
        {
            "customer_id": ids,
            "paid_ts": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(np.arange(len(ids)), unit="D"),
            "paid_amount": 10.0,
        }
    )
    got = mb.rfm_table(orders, as_of="2024-03-01")
    assert got["f_score"].tolist() == [1] * 8 + [5, 5]
    # equal spend of the 8 one-order buyers -> equal M scores
    assert got["m_score"].iloc[:8].nunique() == 1


def test_rfm_five_distinct_values_give_scores_one_to_five():
    orders = pd.DataFrame(
        {
            "customer_id": [1, 2, 3, 4, 5],
            "paid_ts": pd.to_datetime(
                ["2024-01-05", "2024-01-04", "2024-01-03", "2024-01-02", "2024-01-01"]
            ),
            "paid_amount": [50.0, 40.0, 30.0, 20.0, 10.0],
        }
    )
    got = mb.rfm_table(orders, as_of="2024-01-10")
    assert got["r_score"].tolist() == [5, 4, 3, 2, 1]
    assert got["m_score"].tolist() == [5, 4, 3, 2, 1]
    assert got["f_score"].tolist() == [1] * 5


SEGMENT_CASES = [
    # (r, f, m) -> FM = (f + m + 1) // 2 -> segment
    ((5, 5, 5), 5, "Champions"),
    ((5, 1, 1), 1, "New"),
    ((5, 1, 2), 2, "Promising"),
    ((4, 3, 3), 3, "Active"),
    ((3, 3, 3), 3, "Needs attention"),
    ((3, 4, 5), 5, "Loyal"),
    ((2, 1, 1), 1, "Almost lost"),
    ((2, 3, 4), 4, "At risk"),
    ((2, 5, 5), 5, "Previously loyal"),
    ((1, 5, 4), 5, "Previously loyal"),
    ((1, 2, 3), 3, "Dormant"),
    ((4, 1, 1), 1, "Promising"),
]


@pytest.mark.golden("rfm_segment")
def test_rfm_segments_default_grid():
    r, f, m = (list(x) for x in zip(*[c[0] for c in SEGMENT_CASES], strict=True))
    rfm = pd.DataFrame(
        {"customer_id": range(len(r)), "r_score": r, "f_score": f, "m_score": m}
    )
    got = mb.rfm_segments(rfm)
    assert got["fm_score"].tolist() == [c[1] for c in SEGMENT_CASES]
    assert got["segment"].astype(str).tolist() == [c[2] for c in SEGMENT_CASES]
    assert list(got["segment"].cat.categories) == list(mb.RFM_SEGMENTS)
    assert (got["action"].str.len() > 0).all()
    pd.testing.assert_frame_equal(got[rfm.columns], rfm)  # input columns untouched


@pytest.mark.golden("rfm_segment")
def test_rfm_segments_on_the_rfm_table():
    # c1 R3 FM (3+4+1)//2 = 4 -> Loyal; c2 R1 FM 3 -> Dormant; c3 R4 FM 2 -> Promising;
    # c4 R2 FM 2 -> Almost lost
    got = mb.rfm_segments(mb.rfm_table(ORDERS, as_of="2024-03-31"))
    assert got["segment"].astype(str).tolist() == [
        "Loyal",
        "Dormant",
        "Promising",
        "Almost lost",
    ]


def test_default_mapping_covers_every_cell_and_custom_mapping_works():
    every = pd.DataFrame(
        [(r, f, f) for r in range(1, 6) for f in range(1, 6)],
        columns=["r_score", "f_score", "m_score"],
    )
    assert mb.rfm_segments(every)["segment"].notna().all()
    two = {
        "Recent": {"r": (3, 5), "fm": (1, 5), "action": "keep"},
        "Lapsed": {"r": (1, 5), "fm": (1, 5)},
    }  # first match wins
    got = mb.rfm_segments(every, mapping=two)
    assert got["segment"].astype(str).tolist() == ["Lapsed"] * 10 + ["Recent"] * 15
    assert got["action"].tolist() == [""] * 10 + ["keep"] * 15


# -------------------------------------------------------------- edge cases ----


def test_string_ids_give_the_same_answers():
    so = with_str_ids(ORDERS)
    sc = with_str_ids(C)
    ss = S.assign(
        customer_id=S["customer_id"].map(lambda v: None if pd.isna(v) else f"C{v:02d}")
    )
    for method in ["customers", "orders", "n_day", "next_period", "shopify"]:
        assert mb.repurchase_rate(so, method=method, **JAN) == pytest.approx(
            mb.repurchase_rate(ORDERS, method=method, **JAN)
        )
    pd.testing.assert_frame_equal(mb.cohort_retention(so), mb.cohort_retention(ORDERS))
    pd.testing.assert_frame_equal(
        mb.cohort_retention(so, inclusion="first_visit", sessions=ss),
        mb.cohort_retention(ORDERS, inclusion="first_visit", sessions=S),
    )
    pd.testing.assert_frame_equal(mb.lifecycle_counts(so), mb.lifecycle_counts(ORDERS))
    pd.testing.assert_frame_equal(
        mb.new_vs_returning(so, **JAN), mb.new_vs_returning(ORDERS, **JAN)
    )
    pd.testing.assert_frame_equal(
        mb.buyer_profile(so, sc, **JAN), mb.buyer_profile(ORDERS, C, **JAN)
    )
    rfm = mb.rfm_table(so, as_of="2024-03-31")
    assert rfm["customer_id"].tolist() == ["C01", "C02", "C03", "C04"]
    pd.testing.assert_frame_equal(
        rfm.drop(columns="customer_id"), RFM_WANT.drop(columns="customer_id")
    )
    table = mb.lifecycle_table(so)
    assert table["customer_id"].tolist()[:3] == ["C01"] * 3


def test_unsorted_input_gives_the_same_answers():
    shuffled = ORDERS.sample(frac=1, random_state=3)
    pd.testing.assert_frame_equal(mb.rfm_table(shuffled, as_of="2024-03-31"), RFM_WANT)
    pd.testing.assert_frame_equal(
        mb.cohort_retention(shuffled, calculation="rolling"),
        mb.cohort_retention(ORDERS, calculation="rolling"),
    )
    pd.testing.assert_frame_equal(
        mb.lifecycle_table(shuffled), mb.lifecycle_table(ORDERS)
    )
    pd.testing.assert_series_equal(
        mb.churn_thresholds(shuffled), mb.churn_thresholds(ORDERS)
    )
    assert mb.repurchase_rate(shuffled, method="n_day", n_days=40, **JAN) == 0.5


def test_inputs_are_not_mutated():
    orders, customers, sessions = ORDERS.copy(), C.copy(), S.copy()
    mb.buyer_profile(orders, customers, by="age_band", **JAN)
    mb.new_vs_returning(orders, lookback=30, **JAN)
    mb.cohort_retention(orders, inclusion="first_visit", sessions=sessions)
    mb.cohort_revenue(orders)
    mb.lifecycle_table(orders)
    mb.customer_status(orders, as_of="2024-03-31")
    rfm = mb.rfm_table(orders, as_of="2024-03-31")
    rfm_copy = rfm.copy()
    mb.rfm_segments(rfm)
    pd.testing.assert_frame_equal(orders, ORDERS)
    pd.testing.assert_frame_equal(customers, C)
    pd.testing.assert_frame_equal(sessions, S)
    pd.testing.assert_frame_equal(rfm, rfm_copy)


def test_one_customer_with_a_single_purchase():
    one = ORDERS[ORDERS["order_id"] == 9]  # c4, 2024-02-02, 200
    # one first-time buyer who never comes back: 0 / 1, not NaN
    assert mb.repurchase_rate(one, method="n_day") == 0.0
    assert mb.repurchase_rate(one) == 0.0
    assert mb.cohort_retention(one)["retention"].tolist() == [1.0]
    got = mb.rfm_table(one, as_of="2024-02-29")
    assert got[["r_score", "f_score", "m_score"]].iloc[0].tolist() == [1, 1, 1]
    assert mb.lifecycle_counts(one)["new"].tolist() == [1]


def test_timezone_aware_timestamps():
    tz = ORDERS.assign(paid_ts=ORDERS["paid_ts"].dt.tz_localize("Asia/Shanghai"))
    assert mb.repurchase_rate(tz, **JAN) == pytest.approx(1 / 3)
    got = mb.cohort_retention(tz)
    assert str(got["cohort"].dt.tz) == "Asia/Shanghai"
    pd.testing.assert_frame_equal(
        got.assign(cohort=got["cohort"].dt.tz_localize(None)),
        mb.cohort_retention(ORDERS),
    )
    pd.testing.assert_frame_equal(mb.rfm_table(tz, as_of="2024-03-31"), RFM_WANT)


# -------------------------------------------------------------- properties ----


@st.composite
def random_orders(draw):
    n = draw(st.integers(1, 40))
    cust = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    day = draw(st.lists(st.integers(0, 150), min_size=n, max_size=n))
    paid = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    ts = pd.Timestamp("2024-01-01") + pd.to_timedelta(
        np.array(day) * 86400 + 3600, unit="s"
    )
    return pd.DataFrame(
        {
            "customer_id": cust,
            "paid_ts": pd.Series(ts).where(np.array(paid) | (np.arange(n) == 0)),
            "paid_amount": np.array(day, dtype=float) + 1.0,
        }
    )


@settings(max_examples=50, deadline=None)
@given(
    random_orders(),
    st.sampled_from(["standard", "rolling", "cumulative"]),
    st.sampled_from(["D", "W", "M"]),
)
def test_cohort_properties(orders, calculation, freq):
    got = mb.cohort_retention(orders, freq=freq, calculation=calculation)
    assert (got.loc[got["period"] == 0, "retention"] == 1.0).all()
    assert got["retention"].between(0, 1).all()
    standard = mb.cohort_retention(orders, freq=freq)
    for _, g in got.groupby("cohort"):
        r = g["retention"].to_numpy()
        if calculation == "cumulative":
            # period 0 is 100 % by definition; from period 1 on it never falls
            assert (np.diff(r[1:]) >= 0).all()
        if calculation == "rolling":
            assert (np.diff(r) <= 0).all()
    if calculation == "rolling":
        assert (got["active"].to_numpy() <= standard["active"].to_numpy()).all()
    if calculation == "cumulative":
        assert (got["active"].to_numpy() >= standard["active"].to_numpy()).all()


@settings(max_examples=50, deadline=None)
@given(
    random_orders(),
    st.sampled_from(
        ["customers", "orders", "n_day", "next_period", "shopify", "rolling"]
    ),
    st.integers(1, 60),
)
def test_repurchase_rates_are_fractions(orders, method, n_days):
    window = (
        {"end": "2024-03-31"}
        if method == "rolling"
        else {"start": "2024-02-01", "end": "2024-03-31"}
    )
    rate = mb.repurchase_rate(orders, method=method, n_days=n_days, **window)
    assert np.isnan(rate) or 0.0 <= rate <= 1.0


@settings(max_examples=50, deadline=None)
@given(random_orders(), st.sampled_from(["W", "M"]))
def test_lifecycle_flow_identity(orders, freq):
    got = mb.lifecycle_counts(orders, freq=freq)
    active = got["active"].to_numpy()
    flow = (
        active[:-1]
        + got["new"].to_numpy()[1:]
        + got["reactivated"].to_numpy()[1:]
        - got["churned"].to_numpy()[1:]
    )
    assert (flow == active[1:]).all()


@settings(max_examples=50, deadline=None)
@given(random_orders())
def test_rfm_scores_are_monotone_and_tie_consistent(orders):
    got = mb.rfm_table(orders, as_of="2024-06-30")
    for value, score, better in [
        ("recency_days", "r_score", -1),
        ("frequency", "f_score", 1),
        ("monetary", "m_score", 1),
    ]:
        assert got[score].between(1, 5).all()
        # identical values -> identical scores; better value -> score not lower
        assert (got.groupby(value)[score].nunique() == 1).all()
        ordered = got.sort_values(value, ascending=better > 0)
        assert (np.diff(ordered[score].to_numpy()) >= 0).all()


# -------------------------------------------------------------- bad inputs ----

NEG = ORDERS.assign(
    paid_amount=ORDERS["paid_amount"].where(ORDERS["order_id"] != 1, -5.0)
)
GAP = {"Top": {"r": (5, 5), "fm": (1, 5)}}

BAD_INPUTS = [
    (
        mb.repurchase_rate,
        ({"orders": ORDERS},),
        {},
        TypeError,
        r"repurchase_rate\(\): `orders` must be one table.*shop\.orders",
    ),
    (
        mb.repurchase_rate,
        (ORDERS.drop(columns="customer_id"),),
        {},
        ValueError,
        r"repurchase_rate\(\): column 'customer_id' \(from `customer_id_col`\) is not in "
        r"`orders`",
    ),
    (
        mb.cohort_retention,
        (ORDERS.assign(paid_ts=ORDERS["paid_ts"].astype(str)),),
        {},
        TypeError,
        r"cohort_retention\(\): column 'paid_ts' \(from `paid_ts_col`\) must hold "
        r"datetimes.*pd\.to_datetime",
    ),
    (
        mb.rfm_table,
        (NEG,),
        {"as_of": "2024-03-31"},
        ValueError,
        r"rfm_table\(\): column 'paid_amount' \(from `paid_amount_col`\) has 1 negative",
    ),
    (
        mb.rfm_table,
        (ORDERS.assign(paid_amount=ORDERS["paid_amount"].astype(str)),),
        {"as_of": "2024-03-31"},
        TypeError,
        r"rfm_table\(\): column 'paid_amount' \(from `paid_amount_col`\) must be numeric",
    ),
    (
        mb.repurchase_rate,
        (ORDERS,),
        {"method": "weekly"},
        ValueError,
        r"repurchase_rate\(\): the value for `method` must be one of",
    ),
    (
        mb.repurchase_rate,
        (ORDERS,),
        {"start": "2024-02-01", "end": "2024-01-01"},
        ValueError,
        r"repurchase_rate\(\): the window is empty",
    ),
    (
        mb.repurchase_rate,
        (ORDERS,),
        {"start": "yesterday-ish"},
        ValueError,
        r"repurchase_rate\(\): `start` must be a date",
    ),
    (
        mb.cohort_retention,
        (ORDERS,),
        {"freq": "H"},
        ValueError,
        r"cohort_retention\(\): the value for `freq` must be one of",
    ),
    (
        mb.repurchase_rate,
        (ORDERS,),
        {"n_days": 0},
        ValueError,
        r"repurchase_rate\(\): `n_days` must be a positive integer",
    ),
    (
        mb.repurchase_rate,
        (ORDERS,),
        {"method": "next_period", "start": "2024-01-01"},
        ValueError,
        r"repurchase_rate\(\): method='next_period' needs both `start`",
    ),
    (
        mb.repurchase_rate,
        (ORDERS,),
        {"method": "rolling", "start": "2024-01-01"},
        ValueError,
        r"repurchase_rate\(\): `start` is not used with method='rolling'",
    ),
    (
        mb.repurchase_rate,
        (
            ORDERS.assign(
                customer_id=ORDERS["customer_id"].where(ORDERS["order_id"] != 1)
            ),
        ),
        {},
        ValueError,
        r"repurchase_rate\(\): column 'customer_id' \(from `customer_id_col`\) has 1 "
        r"missing customer ids",
    ),
    (
        mb.cohort_retention,
        (ORDERS,),
        {"inclusion": "first_visit"},
        ValueError,
        r"cohort_retention\(\): inclusion='first_visit'.*`sessions=shop\.sessions`",
    ),
    (
        mb.cohort_retention,
        (ORDERS,),
        {"calculation": "exact"},
        ValueError,
        r"cohort_retention\(\): the value for `calculation` must be one of",
    ),
    (
        mb.cohort_retention,
        (ORDERS,),
        {"values": "percent"},
        ValueError,
        r"cohort_retention\(\): the value for `values` must be one of",
    ),
    (
        mb.cohort_retention,
        (ORDERS,),
        {"returning": "visit", "sessions": S.assign(start_ts="2024-01-01")},
        TypeError,
        r"cohort_retention\(\): column 'start_ts' \(from `start_ts_col`\) must "
        r"hold datetimes",
    ),
    (
        mb.cohort_retention,
        (ORDERS,),
        {"returning": "visit", "sessions": with_str_ids(S.dropna())},
        TypeError,
        r"cohort_retention\(\): customer ids in `orders`",
    ),
    (
        mb.customer_status,
        (ORDERS,),
        {"as_of": "2024-03-31", "silent_days": 90, "churn_days": 60},
        ValueError,
        r"customer_status\(\): `churn_days` \(60\) must be larger than `silent_days`",
    ),
    (mb.rfm_table, (ORDERS,), {}, TypeError, r"rfm_table\(\): `as_of` is required"),
    (
        mb.rfm_table,
        (ORDERS,),
        {
            "as_of": "2024-03-31",
            "scores": "thresholds",
            "thresholds": {"recency": [1, 2, 3, 4]},
        },
        ValueError,
        r"rfm_table\(\): scores='thresholds' needs `thresholds`",
    ),
    (
        mb.rfm_table,
        (ORDERS,),
        {
            "as_of": "2024-03-31",
            "scores": "thresholds",
            "thresholds": {
                "recency": [1, 2, 3, 4],
                "frequency": [4, 3, 2, 1],
                "monetary": [1, 2, 3, 4],
            },
        },
        ValueError,
        r"rfm_table\(\): `thresholds\['frequency'\]` must be 4 strictly increasing",
    ),
    (
        mb.rfm_segments,
        (RFM_WANT.assign(r_score=0),),
        {},
        ValueError,
        r"rfm_segments\(\): column 'r_score' \(from `r_score_col`\) must hold whole scores",
    ),
    (
        mb.rfm_segments,
        (RFM_WANT.drop(columns="m_score"),),
        {},
        ValueError,
        r"rfm_segments\(\): column 'm_score' \(from `m_score_col`\) is not in `rfm`",
    ),
    (
        mb.rfm_segments,
        (RFM_WANT,),
        {"mapping": GAP},
        ValueError,
        r"rfm_segments\(\): `mapping` leaves \(R, FM\) cells without a segment",
    ),
    (
        mb.rfm_segments,
        (RFM_WANT,),
        {"mapping": {"X": {"r": (0, 5), "fm": (1, 5)}}},
        ValueError,
        r"rfm_segments\(\): `mapping\['X'\]\['r'\]` must be an inclusive range",
    ),
    (
        mb.buyer_profile,
        (ORDERS, pd.concat([C, C.iloc[:1]])),
        {},
        ValueError,
        r"buyer_profile\(\): `customers` has 1 repeated customer id",
    ),
    (
        mb.buyer_profile,
        (ORDERS, C),
        {"by": "hobby"},
        ValueError,
        r"buyer_profile\(\): column 'hobby' \(from `by`\) is not in `customers`",
    ),
    (
        mb.buyer_profile,
        (ORDERS, {"customers": C}),
        {},
        TypeError,
        r"buyer_profile\(\): `customers` must be one table.*shop\.customers",
    ),
    (
        mb.buyer_profile,
        (ORDERS, with_str_ids(C)),
        {},
        TypeError,
        r"buyer_profile\(\): customer ids in `orders` \(int64\) and `customers`",
    ),
    (
        mb.churn_thresholds,
        (ORDERS,),
        {"quantiles": (0.8, 1.5)},
        ValueError,
        r"churn_thresholds\(\): `quantiles` must be in \(0, 1\)",
    ),
    (
        mb.churn_thresholds,
        (ORDERS,),
        {"gaps": "first"},
        ValueError,
        r"churn_thresholds\(\): the value for `gaps` must be one of",
    ),
    (
        mb.new_vs_returning,
        (ORDERS,),
        {"lookback": -30},
        ValueError,
        r"new_vs_returning\(\): `lookback` must be a positive integer",
    ),
    (
        mb.lifecycle_table,
        (ORDERS,),
        {"freq": "month"},
        ValueError,
        r"lifecycle_table\(\): the value for `freq` must be one of",
    ),
    (
        mb.cohort_revenue,
        (ORDERS.drop(columns="paid_amount"),),
        {},
        ValueError,
        r"cohort_revenue\(\): column 'paid_amount' \(from `paid_amount_col`\) is not in "
        r"`orders`",
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


def test_empty_window_keeps_money_as_float():
    got = mb.new_vs_returning(ORDERS, start="2025-01-01", end="2025-01-31")
    assert got["paid_amount"].dtype == np.float64
    assert got["buyers"].tolist() == [0, 0, 0] and got["buyer_share"].isna().all()
    none_paid = ORDERS.assign(paid_ts=pd.NaT)
    assert mb.rfm_table(none_paid, as_of="2024-03-31")["monetary"].dtype == np.float64
