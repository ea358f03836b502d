"""Tests of ecomkit.traffic: golden values on a hand-built shop, edge cases,
properties and bad inputs."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ecomkit.traffic as tr
from ecomkit import _schema

CH = pd.CategoricalDtype(list(_schema.CHANNELS), ordered=True)
DEV = pd.CategoricalDtype(list(_schema.DEVICES), ordered=True)
EV = pd.CategoricalDtype(list(_schema.EVENT_TYPES), ordered=True)
WINDOW = {"start": "2024-05-01", "end": "2024-05-03"}


def make_sessions():
    """8 visits of 5 visitors; session 8 is before the window (2024-04-30)."""
    return pd.DataFrame(
        {
            "session_id": [1, 2, 3, 4, 5, 6, 7, 8],
            "visitor_id": [10, 10, 11, 12, 10, 13, 11, 11],
            "customer_id": pd.array(
                [100, 100, None, None, 100, None, 101, 101], dtype="Int64"
            ),
            "start_ts": pd.to_datetime(
                [
                    "2024-05-01 09:00:00",
                    "2024-05-01 20:00:00",
                    "2024-05-01 10:00:00",
                    "2024-05-02 08:00:00",
                    "2024-05-02 12:00:00",
                    "2024-05-02 23:59:00",
                    "2024-05-03 09:00:00",
                    "2024-04-30 10:00:00",
                ]
            ),
            # durations 5, 120, 30, 8, 300, 120, 20, 10 seconds
            "end_ts": pd.to_datetime(
                [
                    "2024-05-01 09:00:05",
                    "2024-05-01 20:02:00",
                    "2024-05-01 10:00:30",
                    "2024-05-02 08:00:08",
                    "2024-05-02 12:05:00",
                    "2024-05-03 00:01:00",
                    "2024-05-03 09:00:20",
                    "2024-04-30 10:00:10",
                ]
            ),
            "channel": pd.Categorical(
                [
                    "direct",
                    "paid_search",
                    "social",
                    "direct",
                    "direct",
                    "social",
                    "paid_search",
                    "direct",
                ],
                dtype=CH,
            ),
            "device": pd.Categorical(
                ["app", "app", "pc", "app", "pc", "app", "pc", "app"], dtype=DEV
            ),
        }
    )


def make_events():
    """PV per session: 1, 2, 1, 1, 3, 1, 0, 1; events: 1, 5, 2, 1, 4, 2, 0, 1."""
    rows = [
        (1, 10, "2024-05-01 09:00:00", "home_view"),
        (2, 10, "2024-05-01 20:00:00", "search"),
        (2, 10, "2024-05-01 20:01:00", "product_view"),
        (2, 10, "2024-05-01 20:01:30", "add_to_cart"),
        (2, 10, "2024-05-01 20:01:40", "checkout"),
        (2, 10, "2024-05-01 20:01:50", "payment"),
        (3, 11, "2024-05-01 10:00:00", "product_view"),
        (3, 11, "2024-05-01 10:00:20", "favorite"),
        (4, 12, "2024-05-02 08:00:00", "campaign_view"),
        (5, 10, "2024-05-02 12:00:00", "home_view"),
        (5, 10, "2024-05-02 12:01:00", "product_view"),
        (5, 10, "2024-05-02 12:02:00", "product_view"),
        (5, 10, "2024-05-02 12:03:00", "add_to_cart"),
        (6, 13, "2024-05-02 23:59:00", "product_view"),
        (6, 13, "2024-05-03 00:00:30", "add_to_cart"),
        (8, 11, "2024-04-30 10:00:00", "home_view"),
    ]
    e = pd.DataFrame(
        rows, columns=["session_id", "visitor_id", "event_ts", "event_type"]
    )
    e["event_ts"] = pd.to_datetime(e["event_ts"])
    e["event_type"] = e["event_type"].astype(EV)
    return e


def as_strings(sessions, events):
    """The same shop with text ids."""
    s = sessions.assign(
        session_id=sessions["session_id"].map(lambda i: f"s{i}"),
        visitor_id=sessions["visitor_id"].map(lambda i: f"v{i}"),
    )
    e = events.assign(
        session_id=events["session_id"].map(lambda i: f"s{i}"),
        visitor_id=events["visitor_id"].map(lambda i: f"v{i}"),
    )
    return s, e


# ----------------------------------------------------------------- golden ---
@pytest.mark.golden("uv", "sessions", "pv")
def test_counts_golden():
    s, e = make_sessions(), make_events()
    # visitors 10, 11, 12, 13 in the window; session 8 (2024-04-30) is outside
    assert tr.unique_visitors(s, **WINDOW) == 4
    assert tr.unique_visitors(s) == 4  # visitor 11 already counted
    assert tr.session_count(s, **WINDOW) == 7
    assert tr.page_views(s, e, **WINDOW) == 1 + 2 + 1 + 1 + 3 + 1 + 0
    # daily UV: 05-01 {10, 11}, 05-02 {12, 10, 13}, 05-03 {11} -> 6 / 3 days
    assert tr.unique_visitors(s, **WINDOW, how="daily_mean") == pytest.approx(2.0)
    # sessions 3, 3, 1 over 3 days; PV 4, 5, 0
    assert tr.session_count(s, **WINDOW, how="daily_mean") == pytest.approx(7 / 3)
    assert tr.page_views(s, e, **WINDOW, how="daily_mean") == pytest.approx(3.0)
    # a 5-day window with 2 empty days divides by 5
    assert tr.unique_visitors(
        s, start="2024-05-01", end="2024-05-05", how="daily_mean"
    ) == pytest.approx(6 / 5)


@pytest.mark.golden("uv", "sessions", "pv")
def test_counts_by_channel_golden():
    s, e = make_sessions(), make_events()
    idx = pd.CategoricalIndex(
        ["paid_search", "social", "direct"], dtype=CH, name="channel"
    )  # channel level order
    # direct: s1 (v10), s4 (v12), s5 (v10); paid_search: s2 (v10), s7 (v11);
    # social: s3 (v11), s6 (v13)
    pd.testing.assert_series_equal(
        tr.unique_visitors(s, **WINDOW, by="channel"),
        pd.Series([2, 2, 2], index=idx, name="uv"),
    )
    pd.testing.assert_series_equal(
        tr.session_count(s, **WINDOW, by="channel"),
        pd.Series([2, 2, 3], index=idx, name="sessions"),
    )
    pd.testing.assert_series_equal(
        tr.page_views(s, e, **WINDOW, by="channel"),
        pd.Series([2, 2, 5], index=idx, name="pv"),
    )


@pytest.mark.golden("pv_per_visitor", "views_per_session")
def test_depth_golden():
    s, e = make_sessions(), make_events()
    assert tr.pv_per_visitor(s, e, **WINDOW) == pytest.approx(9 / 4)
    assert tr.views_per_session(s, e, **WINDOW) == pytest.approx(9 / 7)
    # daily: 4 PV / 2 UV, 5 / 3, 0 / 1 -> mean (2 + 5/3 + 0) / 3
    assert tr.pv_per_visitor(s, e, **WINDOW, how="daily_mean") == pytest.approx(11 / 9)
    # daily: 4 / 3 sessions, 5 / 3, 0 / 1
    assert tr.views_per_session(s, e, **WINDOW, how="daily_mean") == pytest.approx(
        (4 / 3 + 5 / 3 + 0) / 3
    )
    got = tr.pv_per_visitor(s, e, **WINDOW, by="device")
    # app: s1, s2, s4, s6 -> PV 1+2+1+1 = 5, UV {10, 12, 13}
    # pc: s3, s5, s7 -> PV 4, UV {11, 10}
    assert got.to_dict() == {"app": pytest.approx(5 / 3), "pc": pytest.approx(2.0)}


@pytest.mark.golden("avg_session_duration", "avg_stay_time_sycm")
def test_time_golden():
    s = make_sessions()
    # 5 + 120 + 30 + 8 + 300 + 120 + 20 = 603 s over 7 sessions and 4 visitors
    assert tr.avg_session_duration(s, **WINDOW) == pytest.approx(603 / 7)
    assert tr.avg_stay_time(s, **WINDOW) == pytest.approx(603 / 4)
    # daily stay: (5+120+30) / 2, (8+300+120) / 3, 20 / 1
    assert tr.avg_stay_time(s, **WINDOW, how="daily_mean") == pytest.approx(
        (155 / 2 + 428 / 3 + 20) / 3
    )
    assert tr.avg_session_duration(s, **WINDOW, how="daily_mean") == pytest.approx(
        (155 / 3 + 428 / 3 + 20) / 3
    )


@pytest.mark.golden("bounce_rate")
def test_bounce_rate_three_methods_golden():
    s, e = make_sessions(), make_events()
    # single page: sessions with exactly 1 PV: s1, s3, s4, s6 (s7 has none)
    assert tr.bounce_rate(s, e, **WINDOW) == pytest.approx(4 / 7)
    # ga4: not engaged = <= 10 s and < 2 PV and no payment: s1 (5 s), s4 (8 s)
    assert tr.bounce_rate(s, e, **WINDOW, method="ga4") == pytest.approx(2 / 7)
    # a 6-second timer makes s4 (8 s) engaged; with 30 s s7 (20 s) and s3 (30 s,
    # not longer than 30) bounce too
    assert tr.bounce_rate(
        s, e, **WINDOW, method="ga4", engaged_seconds=6
    ) == pytest.approx(1 / 7)
    assert tr.bounce_rate(
        s, e, **WINDOW, method="ga4", engaged_seconds=30
    ) == pytest.approx(4 / 7)
    # sycm, per day: 05-01 v10 (6 events), v11 (2) -> 0/2; 05-02 v12 (1 event),
    # v10 (4), v13 (2) -> 1/3; 05-03 v11 (no event) -> 1/1; mean of the days
    assert tr.bounce_rate(s, e, **WINDOW, method="sycm") == pytest.approx(4 / 9)
    # pooled sycm: events over the window v10 10, v11 2, v12 1, v13 2 -> 1/4
    assert tr.bounce_rate(s, e, **WINDOW, method="sycm", how="pooled") == pytest.approx(
        1 / 4
    )
    # daily single page: 05-01 2/3, 05-02 2/3, 05-03 0/1
    assert tr.bounce_rate(s, e, **WINDOW, how="daily_mean") == pytest.approx(4 / 9)


@pytest.mark.golden("bounce_rate")
def test_bounce_rate_by_channel_golden():
    s, e = make_sessions(), make_events()
    got = tr.bounce_rate(s, e, **WINDOW, by="channel")
    # direct s1 (1 PV), s4 (1), s5 (3); paid_search s2 (2), s7 (0); social s3, s6
    expected = pd.Series(
        [0.0, 1.0, 2 / 3],
        index=pd.CategoricalIndex(
            ["paid_search", "social", "direct"], dtype=CH, name="channel"
        ),
        name="bounce_rate",
    )
    pd.testing.assert_series_equal(got, expected)


@pytest.mark.golden("traffic_by_period")
def test_traffic_by_period_daily_golden():
    s, e = make_sessions(), make_events()
    got = tr.traffic_by_period(s, e)
    expected = pd.DataFrame(
        {
            "period": pd.to_datetime(
                [
                    "2024-04-30",
                    "2024-05-01",
                    "2024-05-01",
                    "2024-05-01",
                    "2024-05-02",
                    "2024-05-02",
                    "2024-05-03",
                ]
            ),
            "channel": pd.Categorical(
                [
                    "direct",
                    "paid_search",
                    "social",
                    "direct",
                    "social",
                    "direct",
                    "paid_search",
                ],
                dtype=CH,
            ),
            "uv": [1, 1, 1, 1, 1, 2, 1],
            "sessions": [1, 1, 1, 1, 1, 2, 1],
            "pv": [1, 2, 1, 1, 1, 4, 0],
            "bounce_rate": [1.0, 0.0, 1.0, 1.0, 1.0, 0.5, 0.0],
        }
    )
    # rows sorted by period, then channel level order (direct is the last level)
    expected["period"] = expected["period"].astype(s["start_ts"].dtype)
    pd.testing.assert_frame_equal(got, expected)


@pytest.mark.golden("traffic_by_period")
def test_traffic_by_period_monthly_no_events_golden():
    s, e = make_sessions(), make_events()
    got = tr.traffic_by_period(s, freq="M", by=None)
    expected = pd.DataFrame(
        {
            "period": pd.to_datetime(["2024-04-01", "2024-05-01"]).astype(
                s["start_ts"].dtype
            ),
            "uv": [1, 4],
            "sessions": [1, 7],
        }
    )
    pd.testing.assert_frame_equal(got, expected)
    with_events = tr.traffic_by_period(s, e, freq="M", by=None)
    assert with_events["pv"].tolist() == [1, 9]
    assert with_events["bounce_rate"].tolist() == pytest.approx([1.0, 4 / 7])
    # weekly: 2024-04-29 is the Monday of every visit here
    weekly = tr.traffic_by_period(s, e, freq="W", by=None)
    assert weekly["period"].tolist() == [pd.Timestamp("2024-04-29")]
    assert weekly["uv"].tolist() == [4]


@pytest.mark.golden("new_vs_returning_visitor")
def test_new_vs_returning_golden():
    s = make_sessions()
    got = tr.new_vs_returning_visitors(s, **WINDOW)
    # v11 first came on 04-30: returning; v10, v12, v13 are new
    expected = pd.DataFrame(
        {
            "visitor_type": pd.Categorical(["new", "returning"], ordered=True),
            "visitors": [3, 1],
            "share": [0.75, 0.25],
        }
    )
    pd.testing.assert_frame_equal(got, expected)
    daily = tr.new_vs_returning_visitors(s, freq="D")
    # 04-30 v11 new; 05-01 v10 new, v11 ret; 05-02 v12, v13 new, v10 ret; 05-03 v11
    assert daily["visitors"].tolist() == [1, 0, 1, 1, 2, 1, 0, 1]
    assert daily["share"].tolist() == pytest.approx(
        [1, 0, 0.5, 0.5, 2 / 3, 1 / 3, 0, 1]
    )
    assert daily["period"].nunique() == 4


@pytest.mark.golden("traffic_mix")
def test_traffic_mix_golden():
    s = make_sessions()
    got = tr.traffic_mix(s, by="device", **WINDOW)
    # app: s1, s2 (v10), s4 (v12), s6 (v13); pc: s3, s7 (v11), s5 (v10)
    expected = pd.DataFrame(
        {
            "device": pd.Categorical(["app", "pc"], dtype=DEV),
            "uv": [3, 2],
            "uv_share": [0.6, 0.4],
            "sessions": [4, 3],
            "session_share": [4 / 7, 3 / 7],
        }
    )
    pd.testing.assert_frame_equal(got, expected)


@pytest.mark.golden("free_traffic_share")
def test_free_traffic_share_golden():
    s = make_sessions()
    # free = direct: {10, 12}; paid = paid_search, social: {10, 11, 13}
    assert tr.free_traffic_share(s, **WINDOW) == pytest.approx(2 / 5)
    assert tr.free_traffic_share(s, **WINDOW, basis="sessions") == pytest.approx(3 / 7)
    # social counted as free now: free {10, 12, 11, 13}, paid {10, 11}
    assert tr.free_traffic_share(
        s, **WINDOW, paid_channels=["paid_search"]
    ) == pytest.approx(4 / 6)
    by = tr.free_traffic_share(s, **WINDOW, by="device")
    # app: free {10, 12}, paid {10, 13}; pc: free {10}, paid {11}
    assert by.to_dict() == {"app": 0.5, "pc": 0.5}


@pytest.mark.golden("keyword_performance")
def test_keyword_performance_golden():
    kw = pd.DataFrame(
        {
            "date": pd.to_datetime(
                ["2024-05-01", "2024-05-02", "2024-05-01", "2024-05-01", "2024-06-01"]
            ),
            "keyword": ["dress", "dress", "dress", "shoes", "dress"],
            "source": pd.Categorical(
                ["paid", "paid", "organic", "organic", "paid"],
                categories=["organic", "paid"],
                ordered=True,
            ),
            "impressions": [1000, 1000, 400, 0, 999],
            "clicks": [30, 10, 20, 0, 99],
            "visitors": [25, 8, 18, 0, 99],
            "buyers": [2, 1, 3, 0, 99],
            "spend": [30.0, 14.0, 0.0, 0.0, 99.0],
        }
    )
    got = tr.keyword_performance(kw, start="2024-05-01", end="2024-05-31")
    expected = pd.DataFrame(
        {
            "keyword": ["dress", "dress", "shoes"],
            "source": pd.Categorical(
                ["organic", "paid", "organic"],
                categories=["organic", "paid"],
                ordered=True,
            ),
            "impressions": [400, 2000, 0],
            "clicks": [20, 40, 0],
            "ctr": [20 / 400, 40 / 2000, np.nan],
            "visitors": [18, 33, 0],
            "buyers": [3, 3, 0],
            "conversion_rate": [3 / 18, 3 / 33, np.nan],
            "spend": [0.0, 44.0, 0.0],
            "cpc": [0.0, 44 / 40, np.nan],
        }
    )
    pd.testing.assert_frame_equal(got, expected)
    total = tr.keyword_performance(kw, by=None, start="2024-05-01", end="2024-05-31")
    assert total[["impressions", "clicks", "spend"]].iloc[0].tolist() == [
        2400,
        60,
        44.0,
    ]
    assert total["cpc"].iloc[0] == pytest.approx(44 / 60)


# ------------------------------------------------------------ sessionize ---
def test_sessionize_gaps_10_and_40_minutes_give_two_sessions():
    log = pd.DataFrame(
        {
            "visitor_id": [1, 1, 1],
            "event_ts": pd.to_datetime(
                ["2024-05-01 10:00", "2024-05-01 10:10", "2024-05-01 10:50"]
            ),
        }
    )
    out = tr.sessionize(log)
    assert out["session_id"].tolist() == [1, 1, 2]
    assert "session_id" not in log.columns  # input untouched


def test_sessionize_custom_timeout_midnight_and_order():
    log = pd.DataFrame(
        {
            "visitor_id": ["b", "a", "a", "a", "b"],
            "event_ts": pd.to_datetime(
                [
                    "2024-05-01 23:50",
                    "2024-05-01 10:50",
                    "2024-05-01 10:00",
                    "2024-05-01 10:10",
                    "2024-05-02 00:05",
                ]
            ),
            "page": ["x", "y", "z", "w", "v"],
        }
    )
    # 60 min: a's gaps 10 and 40 min stay in one visit; b's 15 min too
    out = tr.sessionize(log, timeout="60min")
    assert out["session_id"].tolist() == [2, 1, 1, 1, 2]
    assert out["page"].tolist() == log["page"].tolist()  # rows keep their order
    # 5 minutes: every gap breaks
    assert tr.sessionize(log, timeout=pd.Timedelta(minutes=5))[
        "session_id"
    ].tolist() == [4, 3, 1, 2, 5]
    # a gap of exactly the timeout starts a new session
    assert tr.sessionize(log, timeout="10min")["session_id"].tolist() == [4, 3, 1, 2, 5]
    assert tr.sessionize(log, timeout="11min")["session_id"].tolist() == [3, 2, 1, 1, 4]
    # Shopify style: midnight ends b's visit
    assert tr.sessionize(log, timeout="60min", split_at_midnight=True)[
        "session_id"
    ].tolist() == [2, 1, 1, 1, 3]


def test_sessionize_other_column_name_and_ties():
    log = pd.DataFrame(
        {
            "visitor_id": [1, 1, 1],
            "event_ts": pd.to_datetime(["2024-05-01 10:00"] * 3),
            "session_id": [9, 9, 9],
        }
    )
    out = tr.sessionize(log, session_id_col="visit")
    assert out["visit"].tolist() == [1, 1, 1]
    assert out["session_id"].tolist() == [9, 9, 9]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 300)), min_size=1, max_size=40
    ),
    st.integers(1, 60),
)
def test_sessionize_properties(rows, timeout_min):
    log = pd.DataFrame(rows, columns=["visitor_id", "minute"])
    log["event_ts"] = pd.Timestamp("2024-05-01") + pd.to_timedelta(log["minute"], "min")
    out = tr.sessionize(log, timeout=f"{timeout_min}min")
    # one visitor per session
    assert (out.groupby("session_id")["visitor_id"].nunique() == 1).all()
    # sessions = visitors + gaps of at least the timeout
    gaps = (
        log.sort_values(["visitor_id", "minute"])
        .groupby("visitor_id")["minute"]
        .diff()
        .ge(timeout_min)
        .sum()
    )
    assert out["session_id"].nunique() == log["visitor_id"].nunique() + gaps
    assert sorted(out["session_id"].unique()) == list(
        range(1, out["session_id"].max() + 1)
    )


# ------------------------------------------------------------- edge cases ---
def test_empty_window_counts_zero_rates_nan():
    s, e = make_sessions(), make_events()
    empty = {"start": "2025-01-01", "end": "2025-01-31"}
    assert tr.unique_visitors(s, **empty) == 0
    assert tr.session_count(s, **empty) == 0
    assert tr.page_views(s, e, **empty) == 0
    for value in (
        tr.pv_per_visitor(s, e, **empty),
        tr.views_per_session(s, e, **empty),
        tr.avg_session_duration(s, **empty),
        tr.avg_stay_time(s, **empty),
        tr.free_traffic_share(s, **empty),
        *(
            tr.bounce_rate(s, e, **empty, method=m)
            for m in ("single_page", "ga4", "sycm")
        ),
    ):
        assert np.isnan(value)
    # a daily mean over 31 empty days is 0 visitors a day, but an undefined ratio
    assert tr.unique_visitors(s, **empty, how="daily_mean") == 0.0
    assert np.isnan(tr.pv_per_visitor(s, e, **empty, how="daily_mean"))
    assert tr.unique_visitors(s, **empty, by="channel").empty
    assert tr.traffic_by_period(s, e, **empty).empty
    assert list(tr.traffic_by_period(s, e, **empty).columns) == [
        "period",
        "channel",
        "uv",
        "sessions",
        "pv",
        "bounce_rate",
    ]
    nvr = tr.new_vs_returning_visitors(s, **empty)
    assert nvr["visitors"].tolist() == [0, 0] and nvr["share"].isna().all()


def test_empty_tables():
    s, e = make_sessions().iloc[:0], make_events().iloc[:0]
    assert tr.unique_visitors(s) == 0
    assert np.isnan(tr.bounce_rate(s, e))
    assert np.isnan(tr.unique_visitors(s, how="daily_mean"))  # no days at all
    assert tr.traffic_by_period(s, e).empty


def test_one_visitor():
    s, e = make_sessions(), make_events()
    one = s[s["visitor_id"] == 12]
    assert tr.unique_visitors(one) == 1
    assert tr.pv_per_visitor(one, e) == 1.0
    assert tr.bounce_rate(one, e) == 1.0
    assert tr.bounce_rate(one, e, method="sycm") == 1.0
    assert tr.bounce_rate(one, e, method="ga4") == 1.0


def test_string_ids_give_the_same_answers():
    s, e = make_sessions(), make_events()
    s2, e2 = as_strings(s, e)
    for method in ("single_page", "ga4", "sycm"):
        assert tr.bounce_rate(s2, e2, method=method) == tr.bounce_rate(
            s, e, method=method
        )
    assert tr.pv_per_visitor(s2, e2, how="daily_mean") == tr.pv_per_visitor(
        s, e, how="daily_mean"
    )
    pd.testing.assert_frame_equal(
        tr.traffic_by_period(s2, e2), tr.traffic_by_period(s, e)
    )
    pd.testing.assert_frame_equal(
        tr.new_vs_returning_visitors(s2, freq="D"),
        tr.new_vs_returning_visitors(s, freq="D"),
    )


def test_sparse_int_ids_use_the_hash_path():
    s, e = make_sessions(), make_events()
    big = 10**12
    s2 = s.assign(session_id=s["session_id"] * big, visitor_id=s["visitor_id"] * big)
    e2 = e.assign(session_id=e["session_id"] * big)
    pd.testing.assert_frame_equal(
        tr.traffic_by_period(s2, e2), tr.traffic_by_period(s, e)
    )


def test_unsorted_input_gives_the_same_answers():
    s, e = make_sessions(), make_events()
    rs, re_ = s.sample(frac=1, random_state=1), e.sample(frac=1, random_state=2)
    pd.testing.assert_frame_equal(
        tr.traffic_by_period(rs, re_), tr.traffic_by_period(s, e)
    )
    assert tr.bounce_rate(rs, re_, method="sycm") == tr.bounce_rate(s, e, method="sycm")
    pd.testing.assert_frame_equal(
        tr.new_vs_returning_visitors(rs, freq="D"),
        tr.new_vs_returning_visitors(s, freq="D"),
    )


def test_inputs_are_not_mutated():
    s, e = make_sessions(), make_events()
    s0, e0 = s.copy(), e.copy()
    tr.traffic_by_period(s, e, by=["channel", "device"], freq="W")
    tr.bounce_rate(s, e, method="sycm", by="device")
    tr.new_vs_returning_visitors(s, freq="M")
    tr.sessionize(e.drop(columns="session_id"))
    pd.testing.assert_frame_equal(s, s0)
    pd.testing.assert_frame_equal(e, e0)


def test_tz_aware_times_match_naive_local_times():
    s, e = make_sessions(), make_events()
    sa = s.assign(
        start_ts=s["start_ts"].dt.tz_localize("Asia/Shanghai"),
        end_ts=s["end_ts"].dt.tz_localize("Asia/Shanghai"),
    )
    got = tr.traffic_by_period(sa, e)
    want = tr.traffic_by_period(s, e)
    assert got["period"].dt.tz is not None
    pd.testing.assert_frame_equal(
        got.assign(period=got["period"].dt.tz_localize(None)), want
    )
    assert tr.bounce_rate(sa, e, method="sycm", **WINDOW) == pytest.approx(4 / 9)
    assert tr.avg_stay_time(sa, how="daily_mean", **WINDOW) == tr.avg_stay_time(
        s, how="daily_mean", **WINDOW
    )


def test_multi_column_by_and_missing_group_values():
    s = make_sessions()
    got = tr.traffic_mix(s, by=["channel", "device"], **WINDOW)
    assert got["sessions"].sum() == 7 and got["session_share"].sum() == pytest.approx(1)
    s2 = s.assign(channel=s["channel"].where(s["session_id"] != 1))
    uv = tr.unique_visitors(s2, by="channel", **WINDOW)
    # paid_search 2, social 2, direct {12, 10}, NaN {10}
    assert uv.sum() == 7 and uv.index.hasnans  # NaN channel kept as its own group


def test_events_of_unknown_sessions_are_ignored():
    s, e = make_sessions(), make_events()
    extra = pd.DataFrame(
        {
            "session_id": [99],
            "visitor_id": [99],
            "event_ts": pd.to_datetime(["2024-05-01"]),
            "event_type": pd.Categorical(["home_view"], dtype=EV),
        }
    )
    assert tr.page_views(s, pd.concat([e, extra])) == tr.page_views(s, e)


def test_events_without_a_session_id_are_ignored():
    s, e = make_sessions(), make_events()
    e2 = e.assign(session_id=e["session_id"].astype("Int64"))
    e2.loc[0, "session_id"] = pd.NA  # session 1's only page view
    assert tr.page_views(s, e2) == tr.page_views(s, e) - 1
    assert tr.bounce_rate(s, e2, method="sycm", how="pooled") == pytest.approx(
        tr.bounce_rate(s, e, method="sycm", how="pooled")
    )  # v10 still clicked


def test_sessionize_is_a_transformer_not_a_metric():
    assert "sessionize" in tr.__all__
    assert tr.__not_metrics__ == ("sessionize",)


def test_custom_page_view_events_and_plain_string_types():
    s, e = make_sessions(), make_events()
    e2 = e.assign(event_type=e["event_type"].astype(str))
    assert tr.page_views(s, e2) == tr.page_views(s, e) == 10
    assert tr.page_views(s, e, page_view_events=["product_view"]) == 5


def test_daily_mean_uses_calendar_days_of_open_windows():
    s = make_sessions()
    # no window: 04-30 .. 05-03 = 4 days; daily UV 1, 2, 3, 1
    assert tr.unique_visitors(s, how="daily_mean") == pytest.approx(7 / 4)


# --------------------------------------------------------------- properties ---
@st.composite
def shops(draw):
    n = draw(st.integers(1, 12))
    sessions = pd.DataFrame(
        {
            "session_id": np.arange(1, n + 1),
            "visitor_id": draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)),
            "start_ts": pd.Timestamp("2024-05-01")
            + pd.to_timedelta(
                draw(st.lists(st.integers(0, 4 * 24 * 60), min_size=n, max_size=n)),
                "min",
            ),
            "channel": pd.Categorical(
                draw(
                    st.lists(
                        st.sampled_from(["direct", "social", "paid_search"]),
                        min_size=n,
                        max_size=n,
                    )
                ),
                dtype=CH,
            ),
        }
    )
    sessions["end_ts"] = sessions["start_ts"] + pd.to_timedelta(
        draw(st.lists(st.integers(0, 600), min_size=n, max_size=n)), "s"
    )
    m = draw(st.integers(1, 30))
    events = pd.DataFrame(
        {
            "session_id": draw(st.lists(st.integers(1, n), min_size=m, max_size=m)),
            "event_type": pd.Categorical(
                draw(
                    st.lists(
                        st.sampled_from(_schema.EVENT_TYPES), min_size=m, max_size=m
                    )
                ),
                dtype=EV,
            ),
        }
    )
    events.loc[0, "event_type"] = "home_view"  # at least one page view
    return sessions, events


@settings(max_examples=50, deadline=None)
@given(shops(), st.sampled_from(["pooled", "daily_mean"]))
def test_bounce_rates_are_fractions(shop, how):
    s, e = shop
    for method in ("single_page", "ga4", "sycm"):
        value = tr.bounce_rate(s, e, method=method, how=how)
        assert 0.0 <= value <= 1.0
        by = tr.bounce_rate(s, e, method=method, how=how, by="channel")
        assert ((by >= 0) & (by <= 1)).all()
    assert 0.0 <= tr.free_traffic_share(s) <= 1.0


@settings(max_examples=50, deadline=None)
@given(shops(), st.sampled_from(["D", "W", "M"]))
def test_traffic_by_period_adds_up(shop, freq):
    s, e = shop
    table = tr.traffic_by_period(s, e, freq=freq)
    assert table["sessions"].sum() == tr.session_count(s)
    assert table["pv"].sum() == tr.page_views(s, e)
    # UV: a visitor counts once per period, so period UVs add up to at least the UV
    assert table["uv"].sum() >= tr.unique_visitors(s)
    assert (table["uv"] <= table["sessions"]).all()
    whole = tr.traffic_by_period(s, e, freq=freq, by=None)
    per_day = whole.set_index("period")["uv"]
    if freq == "D":
        for day, uv in per_day.items():
            assert uv == tr.unique_visitors(s, start=day, end=day)
    nvr = tr.new_vs_returning_visitors(s, freq=freq)
    assert nvr.groupby("period")["visitors"].sum().tolist() == per_day.tolist()


# ---------------------------------------------------------------- bad input ---
S, E = make_sessions(), make_events()
BAD_INPUTS = [
    (
        tr.page_views,
        (S.assign(session_id=S["session_id"].astype("Int64").where(S.index != 2)), E),
        {},
        ValueError,
        r"page_views\(\): column 'session_id' \(from `session_id_col`\) of `sessions` "
        r"has 1 missing session ids",
    ),
    (
        tr.unique_visitors,
        (S,),
        {"visitor_id_col": "visitor"},
        ValueError,
        r"unique_visitors\(\): column 'visitor' \(from `visitor_id_col`\) is not in "
        r"`sessions`",
    ),
    (
        tr.unique_visitors,
        ({"sessions": S},),
        {},
        TypeError,
        r"unique_visitors\(\): `sessions` must be one table.*shop\.sessions",
    ),
    (
        tr.session_count,
        (S.assign(start_ts=S["start_ts"].astype(str)),),
        {},
        TypeError,
        r"session_count\(\): column 'start_ts' \(from `start_ts_col`\) must hold "
        r"datetimes.*pd\.to_datetime",
    ),
    (
        tr.unique_visitors,
        (S,),
        {"how": "mean"},
        ValueError,
        r"unique_visitors\(\): the value for `how` must be one of",
    ),
    (
        tr.bounce_rate,
        (S, E),
        {"method": "ga5"},
        ValueError,
        r"bounce_rate\(\): the value for `method` must be one of",
    ),
    (
        tr.bounce_rate,
        (S, E),
        {"method": "ga4", "engaged_seconds": -1},
        ValueError,
        r"bounce_rate\(\): `engaged_seconds` must be in",
    ),
    (
        tr.unique_visitors,
        (S,),
        {"start": "2024-05-03", "end": "2024-05-01"},
        ValueError,
        r"unique_visitors\(\): the window is empty",
    ),
    (
        tr.page_views,
        (S, E),
        {"start": "first of may"},
        ValueError,
        r"page_views\(\): `start` must be a date",
    ),
    (
        tr.traffic_by_period,
        (S, E),
        {"freq": "H"},
        ValueError,
        r"traffic_by_period\(\): the value for `freq` must be one of",
    ),
    (
        tr.traffic_by_period,
        (S, E),
        {"by": "campaign"},
        ValueError,
        r"traffic_by_period\(\): column 'campaign' \(from `by`\) is not in `sessions`",
    ),
    (
        tr.unique_visitors,
        (
            S.assign(
                visitor_id=S["visitor_id"].astype("Int64").where(S["session_id"] != 3)
            ),
        ),
        {},
        ValueError,
        r"unique_visitors\(\): column 'visitor_id' \(from `visitor_id_col`\) has 1 "
        r"missing visitor ids",
    ),
    (
        tr.page_views,
        (pd.concat([S, S.iloc[:1]]), E),
        {},
        ValueError,
        r"page_views\(\): column 'session_id' \(from `session_id_col`\) of `sessions` "
        r"has duplicated session ids",
    ),
    (
        tr.page_views,
        (S, E.assign(session_id=E["session_id"].astype(str))),
        {},
        TypeError,
        r"page_views\(\): column 'session_id' \(from `session_id_col`\) "
        r"holds integers in `sessions` but text",
    ),
    (
        tr.page_views,
        (S, E.assign(event_type="page_view")),
        {},
        ValueError,
        r"page_views\(\): no event in `events` is a page view.*page_view_events",
    ),
    (
        tr.avg_session_duration,
        (S.assign(end_ts=S["start_ts"] - pd.Timedelta("1s")),),
        {},
        ValueError,
        r"avg_session_duration\(\): 8 session\(s\) end before they start",
    ),
    (
        tr.keyword_performance,
        (
            pd.DataFrame(
                {
                    "date": pd.to_datetime(["2024-05-01"]),
                    "keyword": ["a"],
                    "source": ["paid"],
                    "impressions": [1],
                    "clicks": [1],
                    "visitors": [1],
                    "buyers": [0],
                    "spend": [-3.0],
                }
            ),
        ),
        {},
        ValueError,
        r"keyword_performance\(\): column 'spend' \(from `spend_col`\) has "
        r"1 negative",
    ),
    (
        tr.keyword_performance,
        (
            pd.DataFrame(
                {
                    "date": pd.to_datetime(["2024-05-01"]),
                    "keyword": ["a"],
                    "source": ["paid"],
                    "impressions": [1],
                    "clicks": ["1"],
                    "visitors": [1],
                    "buyers": [0],
                    "spend": [3.0],
                }
            ),
        ),
        {},
        TypeError,
        r"keyword_performance\(\): column 'clicks' \(from `clicks_col`\) "
        r"must be numeric",
    ),
    (
        tr.sessionize,
        (E,),
        {},
        ValueError,
        r"sessionize\(\): `events` already has a column 'session_id'",
    ),
    (
        tr.sessionize,
        (E.drop(columns="session_id"),),
        {"timeout": "-5min"},
        ValueError,
        r"sessionize\(\): `timeout` must be a positive duration",
    ),
    (
        tr.sessionize,
        (E.drop(columns="session_id"),),
        {"timeout": "soon"},
        ValueError,
        r"sessionize\(\): `timeout` must be a positive duration",
    ),
    (
        tr.free_traffic_share,
        (S,),
        {"basis": "orders"},
        ValueError,
        r"free_traffic_share\(\): the value for `basis` must be one of",
    ),
    (
        tr.free_traffic_share,
        (S,),
        {"paid_channels": "social"},
        TypeError,
        r"free_traffic_share\(\): `paid_channels` must be a list",
    ),
    (
        tr.traffic_mix,
        (S,),
        {"by": None},
        ValueError,
        r"traffic_mix\(\): `by` must name a column of `sessions`",
    ),
    (
        tr.new_vs_returning_visitors,
        (S,),
        {"freq": "fortnight"},
        ValueError,
        r"new_vs_returning_visitors\(\): the value for `freq` must be one of",
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
