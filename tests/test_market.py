"""Tests of ecomkit.market on a four-shop, two-month panel."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecomkit import market as em

JAN, FEB = pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01")


def make_market():
    # Jan: UV 200/500/200/100 (total 1000), GMV 3000/4000/2000/1000 (10000)
    # Feb: UV 300/300/300/100 (1000),     GMV 5000/3000/1000/1000 (10000)
    return pd.DataFrame({
        "month": [JAN] * 4 + [FEB] * 4,
        "shop": ["us", "a", "b", "c"] * 2,
        "is_us": [True, False, False, False] * 2,
        "uv": [200, 500, 200, 100, 300, 300, 300, 100],
        "gmv": [3000.0, 4000.0, 2000.0, 1000.0, 5000.0, 3000.0, 1000.0, 1000.0],
        "orders": [30, 40, 20, 10, 50, 30, 10, 10],
    })


def _series(values, name, dtype="float64"):
    return pd.Series(values, index=pd.Index([JAN, FEB], name="month"), name=name,
                     dtype=dtype)


@pytest.mark.golden("user_share")
def test_user_share_golden():
    m = make_market()
    pd.testing.assert_series_equal(em.user_share(m), _series([0.2, 0.3], "user_share"))
    # pooled: (200 + 300) / 2000
    assert em.user_share(m, pooled=True) == 0.25
    assert em.user_share(m, shop="a", pooled=True) == 0.4
    pd.testing.assert_series_equal(em.user_share(m, start="2024-02-01"),
                                   _series([0.2, 0.3], "user_share").iloc[1:])


@pytest.mark.golden("gmv_share")
def test_gmv_share_golden():
    m = make_market()
    pd.testing.assert_series_equal(em.gmv_share(m), _series([0.3, 0.5], "gmv_share"))
    # pooled: 8000 / 20000
    assert em.gmv_share(m, pooled=True) == 0.4


@pytest.mark.golden("gmv_rank")
def test_gmv_rank_golden_with_ties():
    m = make_market()
    # Jan: a 4000 > us 3000 -> 2; Feb: us first
    pd.testing.assert_series_equal(em.gmv_rank(m), _series([2, 1], "gmv_rank",
                                                           "int64"))
    # Feb: b and c tie at 1000 behind 5000, 3000 -> both 3 ("min")
    assert em.gmv_rank(m, shop="c").tolist() == [4, 3]


@pytest.mark.golden("traffic_rank")
def test_traffic_rank_golden_with_ties():
    m = make_market()
    # Jan: a 500; us and b tie at 200 -> 2, 2; c 4. Feb: three tie at 300 -> 1
    pd.testing.assert_series_equal(em.traffic_rank(m),
                                   _series([2, 1], "traffic_rank", "int64"))
    assert em.traffic_rank(m, shop="c").tolist() == [4, 4]


@pytest.mark.golden("user_share", "gmv_share", "gmv_rank", "traffic_rank")
def test_market_position_golden():
    got = em.market_position(make_market())
    exp = pd.DataFrame({
        "month": [JAN, FEB],
        "shop": ["us", "us"],
        "uv": [200, 300],
        "gmv": [3000.0, 5000.0],
        "user_share": [0.2, 0.3],
        "gmv_share": [0.3, 0.5],
        "traffic_rank": [2, 1],
        "gmv_rank": [2, 1],
        "n_shops": [4, 4],
    })
    pd.testing.assert_frame_equal(got, exp)


def test_market_position_all_shops_sorted_by_gmv_rank():
    got = em.market_position(make_market(), all_shops=True)
    assert got["shop"].tolist() == ["a", "us", "b", "c", "us", "a", "b", "c"]
    assert got.groupby("month")["user_share"].sum().tolist() == [1.0, 1.0]


def test_string_shop_names_unsorted_input_not_mutated():
    m = make_market()
    before = m.copy()
    shuffled = m.sample(frac=1, random_state=3)
    pd.testing.assert_frame_equal(em.market_position(shuffled),
                                  em.market_position(m))
    pd.testing.assert_frame_equal(m, before)


def test_custom_columns_and_month_without_our_shop():
    m = make_market().rename(columns={"uv": "visitors", "shop": "store"})
    m = m[~((m["store"] == "us") & (m["month"] == FEB))]
    got = em.user_share(m, uv_col="visitors", shop_col="store")
    assert got.index.tolist() == [JAN]


def test_zero_uv_month_is_nan():
    m = make_market()
    m.loc[m["month"] == FEB, "uv"] = 0
    got = em.user_share(m)
    assert got.iloc[0] == 0.2 and np.isnan(got.iloc[1])


def test_empty_window():
    got = em.market_position(make_market(), start="2025-01-01")
    assert got.empty
    assert em.user_share(make_market(), start="2025-01-01").empty


@settings(max_examples=50, deadline=None)
@given(st.lists(st.lists(st.integers(1, 10_000), min_size=1, max_size=8,
                         unique=True), min_size=1, max_size=4))
def test_shares_sum_to_one_and_ranks_permutation(months):
    rows = []
    for i, values in enumerate(months):
        for j, v in enumerate(values):
            rows.append({"month": pd.Timestamp(2024, i + 1, 1), "shop": f"s{j}",
                         "is_us": j == 0, "uv": v, "gmv": float(v * 3 % 997 + j)})
    m = pd.DataFrame(rows)
    t = em.market_position(m, all_shops=True)
    for _, g in t.groupby("month"):
        assert g["user_share"].sum() == pytest.approx(1.0)
        assert g["gmv_share"].sum() == pytest.approx(1.0)
        n = len(g)
        # distinct UVs: the traffic ranks are exactly 1..n
        assert sorted(g["traffic_rank"]) == list(range(1, n + 1))
        assert g["user_share"].between(0, 1).all()
        # rank 1 has the largest value
        assert g.loc[g["traffic_rank"].idxmin(), "uv"] == g["uv"].max()
        # min-ranks: k - 1 shops strictly above
        for _, row in g.iterrows():
            assert row["gmv_rank"] == 1 + (g["gmv"] > row["gmv"]).sum()


BAD_INPUTS = [
    (em.user_share, lambda m: (pd.concat([m, m.iloc[:1]]),), {}, ValueError,
     r"user_share\(\): `market` has 1 duplicated \(month, shop\)"),
    (em.gmv_rank, lambda m: (m.assign(gmv=-m["gmv"]),), {}, ValueError,
     r"gmv_rank\(\): column 'gmv' \(from `gmv_col`\) has 8 negative"),
    (em.market_position, lambda m: (m,), {"shop": "zzz"}, ValueError,
     r"market_position\(\): `shop` 'zzz' is not in column 'shop'"),
    (em.user_share, lambda m: (m.assign(is_us=True),), {}, ValueError,
     r"user_share\(\): column 'is_us' must flag exactly one shop"),
    (em.user_share, lambda m: (m.assign(is_us=1),), {}, TypeError,
     r"user_share\(\): column 'is_us' \(from `is_us_col`\) must be boolean"),
    (em.traffic_rank, lambda m: (m.drop(columns="uv"),), {}, ValueError,
     r"traffic_rank\(\): column 'uv' \(from `uv_col`\) is not in `market`"),
    (em.gmv_share, lambda m: (m.assign(month=m["month"].astype(str)),), {},
     TypeError, r"gmv_share\(\): column 'month' \(from `month_col`\)"),
    (em.market_position, lambda m: ({"market": m},), {}, TypeError,
     r"market_position\(\): `market` must be one table"),
    (em.user_share, lambda m: (m,), {"start": "2024-03-01", "end": "2024-01-01"},
     ValueError, r"user_share\(\): the window is empty"),
    (em.gmv_share, lambda m: (m.assign(gmv="1"),), {}, TypeError,
     r"gmv_share\(\): column 'gmv' \(from `gmv_col`\) must be numeric"),
]


@pytest.mark.parametrize(("func", "args", "kwargs", "exc", "match"), BAD_INPUTS)
def test_bad_inputs(func, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        func(*args(make_market()), **kwargs)
