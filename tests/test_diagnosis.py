"""Tests for ecomkit.diagnosis: hand-worked LMDI / Shapley / sequential
examples, zeros, segments, the shop-table convenience, bad inputs, properties."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ecomkit.sales as es
from ecomkit._schema import CHANNELS, categorical
from ecomkit.diagnosis import decompose_change, decompose_segments, gmv_change

GMV_BASE = {"uv": 1000, "pay_conversion": 0.05, "revenue_per_buyer": 200}
GMV_CURRENT = {"uv": 800, "pay_conversion": 0.05, "revenue_per_buyer": 220}


def _contrib(res) -> dict:
    return dict(zip(res["factor"], res["contribution"], strict=True))


# ------------------------------------------------------ hand-worked ----
def test_lmdi_golden_uv_conversion_rpb():
    # V0 = 1000 × 0.05 × 200 = 10000, V1 = 800 × 0.05 × 220 = 8800, ΔV = -1200
    # L(8800, 10000) = -1200 / ln(0.88) = -1200 / -0.1278333715... = 9387.2201431
    # uv:  L × ln(800/1000) = 9387.2201431 × -0.2231435513 = -2094.6976397
    # cr:  L × ln(1) = 0
    # rpb: L × ln(220/200) = 9387.2201431 × 0.0953101798 = 894.6976397
    res = decompose_change(GMV_BASE, GMV_CURRENT)
    expected = pd.DataFrame({
        "factor": ["uv", "pay_conversion", "revenue_per_buyer"],
        "base": [1000.0, 0.05, 200.0],
        "current": [800.0, 0.05, 220.0],
        "contribution": [-2094.697639703149, 0.0, 894.6976397031501],
        "share": [-2094.697639703149 / -1200, 0.0, 894.6976397031501 / -1200],
    })
    pd.testing.assert_frame_equal(res, expected, rtol=0, atol=1e-9)
    assert res["contribution"].sum() == pytest.approx(-1200, abs=1e-9)


def test_lmdi_textbook_activity_structure_intensity():
    # The classic 3-factor IDA set-up (Ang 2004/2005): E = Σ_i Q × S_i × I_i with
    # activity Q, structure S_i = Q_i / Q and intensity I_i = E_i / Q_i. Our
    # segment identity is the same with Q = UV, S = mix, I = conversion and a
    # constant 客单价 of 1.
    #            year 0            year T
    # sector 1:  Q 60, E 30 (0.5)  Q 60, E 24 (0.4)
    # sector 2:  Q 40, E 10 (0.25) Q 90, E 27 (0.3)
    # Q 100 -> 150, E 40 -> 51, ΔE = 11
    # L1 = L(24, 30) = -6 / ln 0.8 = 26.8885207063; L2 = L(27, 10) = 17 / ln 2.7
    #    = 17.1154992741
    # activity  = (L1 + L2) × ln(150/100) = 44.0040199805 × 0.4054651081 = 17.8420947
    # structure = L1 × ln(0.4/0.6) + L2 × ln(0.6/0.4) = (L2 - L1) × 0.4054651081
    #           = -3.9626192
    # intensity = L1 × ln(0.8) + L2 × ln(1.2) = -6 + 3.1205245 = -2.8794755
    base = pd.DataFrame({"segment": ["s1", "s2"], "uv": [60.0, 40.0],
                         "pay_conversion": [0.5, 0.25],
                         "revenue_per_buyer": [1.0, 1.0]})
    current = pd.DataFrame({"segment": ["s1", "s2"], "uv": [60.0, 90.0],
                            "pay_conversion": [0.4, 0.3],
                            "revenue_per_buyer": [1.0, 1.0]})
    res = _contrib(decompose_segments(base, current))
    assert res["uv"] == pytest.approx(17.842094718583837, abs=1e-9)
    assert res["mix"] == pytest.approx(-3.9626191915516165, abs=1e-9)
    assert res["pay_conversion"] == pytest.approx(-2.8794755270322194, abs=1e-9)
    assert res["revenue_per_buyer"] == 0.0
    assert sum(res.values()) == pytest.approx(11.0, abs=1e-9)
    # 4-decimal check against the rounded hand arithmetic above
    assert round(res["uv"], 4) == 17.8421
    assert round(res["mix"], 4) == -3.9626
    assert round(res["pay_conversion"], 4) == -2.8795


def test_shapley_two_factors_is_the_midpoint_formula():
    # x 2 -> 5, y 3 -> 4: x gets Δx × (y0 + y1)/2 = 3 × 3.5 = 10.5,
    # y gets Δy × (x0 + x1)/2 = 1 × 3.5 = 3.5; total 20 - 6 = 14
    res = _contrib(decompose_change({"x": 2, "y": 3}, {"x": 5, "y": 4},
                                    method="shapley"))
    assert res == pytest.approx({"x": 10.5, "y": 3.5}, abs=1e-12)


@pytest.mark.golden("gmv_change_shapley")
def test_shapley_three_factors_golden():
    # x 2 -> 5, y 3 -> 4, z 1 -> 2: V 6 -> 40, ΔV = 34.
    # 3-factor Shapley: φ_x = Δx × [(y0 z0 + y1 z1)/3 + (y0 z1 + y1 z0)/6]
    #   x: 3 × [(3 + 8)/3 + (6 + 4)/6]  = 3 × (11/3 + 10/6) = 16
    #   y: 1 × [(2 + 10)/3 + (4 + 5)/6] = 4 + 1.5          = 5.5
    #   z: 1 × [(6 + 20)/3 + (8 + 15)/6] = 26/3 + 23/6      = 12.5
    res = _contrib(decompose_change({"x": 2, "y": 3, "z": 1},
                                    {"x": 5, "y": 4, "z": 2}, method="shapley"))
    assert res == pytest.approx({"x": 16.0, "y": 5.5, "z": 12.5}, abs=1e-12)


@pytest.mark.golden("gmv_change_sequential")
def test_sequential_depends_on_the_order():
    base, current = {"x": 2, "y": 3, "z": 1}, {"x": 5, "y": 4, "z": 2}
    # order x, y, z: x (5-2)·3·1 = 9, y 5·(4-3)·1 = 5, z 5·4·(2-1) = 20
    a = decompose_change(base, current, method="sequential")
    assert a["factor"].tolist() == ["x", "y", "z"]
    assert a["contribution"].tolist() == [9.0, 5.0, 20.0]
    # order z, y, x: z 2·3·(2-1) = 6, y 2·(4-3)·2 = 4, x (5-2)·4·2 = 24
    b = decompose_change(base, current, method="sequential", order=["z", "y", "x"])
    assert b["factor"].tolist() == ["z", "y", "x"]
    assert b["contribution"].tolist() == [6.0, 4.0, 24.0]
    # same total, different story: that is the lesson
    assert a["contribution"].sum() == b["contribution"].sum() == 34.0
    assert _contrib(a)["x"] != _contrib(b)["x"]


def test_shapley_is_the_average_of_all_sequential_orders():
    base = {"a": 3.0, "b": 0.2, "c": 50.0, "d": 1.5}
    current = {"a": 4.0, "b": 0.1, "c": 70.0, "d": 1.2}
    orders = list(itertools.permutations(base))
    total = dict.fromkeys(base, 0.0)
    for order in orders:
        for f, c in _contrib(decompose_change(base, current, method="sequential",
                                              order=list(order))).items():
            total[f] += c / len(orders)
    shapley = _contrib(decompose_change(base, current, method="shapley"))
    assert shapley == pytest.approx(total, abs=1e-9)


def test_order_sets_rows_but_not_values_for_lmdi_and_shapley():
    for method in ("lmdi", "shapley"):
        a = decompose_change(GMV_BASE, GMV_CURRENT, method=method)
        b = decompose_change(GMV_BASE, GMV_CURRENT, method=method,
                             order=["revenue_per_buyer", "uv", "pay_conversion"])
        assert b["factor"].tolist() == ["revenue_per_buyer", "uv", "pay_conversion"]
        assert _contrib(a) == pytest.approx(_contrib(b), abs=1e-9)


def test_series_input_and_no_change():
    s = pd.Series(GMV_BASE)
    res = decompose_change(s, s)
    assert res["contribution"].tolist() == [0.0, 0.0, 0.0]
    assert res["share"].isna().all()  # ΔV = 0: shares undefined


def test_lmdi_equal_values_use_the_limit_of_the_log_mean():
    # x doubles, y halves: V unchanged, L(V, V) = V = 6, contributions ±6 ln 2
    res = _contrib(decompose_change({"x": 2, "y": 3}, {"x": 4, "y": 1.5}))
    assert res["x"] == pytest.approx(6 * math.log(2), abs=1e-12)
    assert res["y"] == pytest.approx(-6 * math.log(2), abs=1e-12)


# ------------------------------------------------------------- zeros ----
def test_lmdi_factor_going_to_zero():
    # conversion 0.05 -> 0: V 10000 -> 0, the whole -10000 goes to conversion
    current = {**GMV_BASE, "pay_conversion": 0.0}
    res = _contrib(decompose_change(GMV_BASE, current))
    assert res == {"uv": 0.0, "pay_conversion": -10000.0, "revenue_per_buyer": 0.0}


def test_lmdi_zeros_split_equally_and_both_zero():
    # two factors start at 0: V 0 -> 12, 6 each (the ε-limit with one ε for both)
    res = _contrib(decompose_change({"a": 0, "b": 0, "c": 1}, {"a": 2, "b": 6,
                                                                "c": 1}))
    assert res == {"a": 6.0, "b": 6.0, "c": 0.0}
    # V 0 -> 0 (a zero in each period): nothing to attribute
    res = _contrib(decompose_change({"a": 0, "b": 5}, {"a": 2, "b": 0}))
    assert res == {"a": 0.0, "b": 0.0}


@pytest.mark.parametrize("eps", [1e-6, 1e-12, 1e-40])
def test_lmdi_zero_rule_is_the_limit_of_small_values(eps):
    # Ang & Liu (2007): replace 0 by ε and let ε -> 0; the analytical limit
    # gives a 12, b 0. The ε result converges slowly (like 1 / ln(1/ε)).
    limit = _contrib(decompose_change({"a": 0, "b": 5}, {"a": 2, "b": 6}))
    assert limit == {"a": 12.0, "b": 0.0}
    approx = _contrib(decompose_change({"a": eps, "b": 5}, {"a": 2, "b": 6}))
    gap = abs(approx["a"] - 12.0)
    assert gap <= 12.0 * abs(math.log(1.2)) / abs(math.log(eps / 2)) * 1.01
    assert math.fsum(approx.values()) == pytest.approx(12 - 5 * eps, abs=1e-9)


def test_segment_appearing_from_zero():
    # a new "mini" segment: 50 visitors × 0.04 × 50 = 100 of new GMV; its
    # conversion and 客单价 are undefined in the base (no visitors), so the whole
    # 100 is a mix effect (mix went 0 -> 0.2); UV 200 -> 250 lifts app and web
    base = pd.DataFrame({"segment": ["app", "web"], "uv": [100, 100],
                         "pay_conversion": [0.1, 0.02],
                         "revenue_per_buyer": [100.0, 100.0]})
    current = pd.DataFrame({"segment": ["app", "web", "mini"],
                            "uv": [100, 100, 50],
                            "pay_conversion": [0.1, 0.02, 0.04],
                            "revenue_per_buyer": [100.0, 100.0, 50.0]})
    res = decompose_segments(base, current, level="segment")
    mini = res[res["segment"] == "mini"].set_index("factor")
    assert mini.loc["mix", "contribution"] == 100.0
    assert mini.loc[["uv", "pay_conversion", "revenue_per_buyer"],
                    "contribution"].tolist() == [0.0, 0.0, 0.0]
    assert math.isnan(mini.loc["pay_conversion", "base"])
    # app: V 1000 -> 1000, uv ×1.25 and mix ×0.8 cancel: ±1000 ln 1.25
    app = res[res["segment"] == "app"].set_index("factor")["contribution"]
    assert app["uv"] == pytest.approx(1000 * math.log(1.25), abs=1e-9)
    assert app["mix"] == pytest.approx(-1000 * math.log(1.25), abs=1e-9)
    assert np.isfinite(res["contribution"]).all()
    assert res["contribution"].sum() == pytest.approx(100.0, abs=1e-9)
    # and the reverse: the segment disappears, losing its 100 through mix
    back = decompose_segments(current, base)
    assert back["contribution"].sum() == pytest.approx(-100.0, abs=1e-9)
    for method in ("shapley", "sequential"):
        r = decompose_segments(base, current, method=method)
        assert r["contribution"].sum() == pytest.approx(100.0, abs=1e-9)


def test_segments_with_no_buyers_and_no_traffic():
    # web had visitors but no buyers (CR 0, 客单价 undefined) and gains buyers:
    # its whole 200 is a conversion effect
    base = pd.DataFrame({"segment": ["app", "web"], "uv": [100, 100],
                         "pay_conversion": [0.1, 0.0],
                         "revenue_per_buyer": [100.0, np.nan]})
    current = base.assign(pay_conversion=[0.1, 0.02],
                          revenue_per_buyer=[100.0, 100.0])
    res = decompose_segments(base, current, level="segment")
    web = res[res["segment"] == "web"].set_index("factor")["contribution"]
    assert web.to_dict() == {"uv": 0.0, "mix": 0.0, "pay_conversion": 200.0,
                             "revenue_per_buyer": 0.0}
    # no traffic at all in the base: everything is a traffic (uv) effect
    empty = base.assign(uv=[0, 0], pay_conversion=np.nan, revenue_per_buyer=np.nan)
    res = _contrib(decompose_segments(empty, current))
    assert res == {"uv": 1200.0, "mix": 0.0, "pay_conversion": 0.0,
                   "revenue_per_buyer": 0.0}


# ------------------------------------------------------ shop tables ----
def make_shop():
    """Two days. Day 1 (base): app 4 visitors, 2 buyers, 200; web 4 visitors,
    1 buyer, 50. Day 2 (current): app 2 visitors, 1 buyer, 120; web 6
    visitors, 1 buyer, 60."""
    sessions = pd.DataFrame({
        "visitor_id": [1, 2, 3, 4, 5, 6, 7, 8,
                       1, 2, 3, 4, 5, 6, 7, 8],
        "start_ts": pd.to_datetime(["2024-01-01 10:00"] * 8
                                   + ["2024-01-02 10:00"] * 8),
        "channel": categorical(["app"] * 4 + ["web"] * 4
                               + ["app"] * 2 + ["web"] * 6,
                               ("app", "web")),
    })
    orders = pd.DataFrame({
        "order_id": [1, 2, 3, 4, 5, 6],
        "customer_id": [1, 2, 2, 5, 1, 3],
        "paid_ts": pd.to_datetime(["2024-01-01 11:00", "2024-01-01 12:00",
                                   "2024-01-01 13:00", "2024-01-01 14:00",
                                   "2024-01-02 11:00", "2024-01-02 12:00"]),
        "channel": categorical(["app", "app", "app", "web", "app", "web"],
                               ("app", "web")),
        "paid_amount": [120.0, 50.0, 30.0, 50.0, 120.0, 60.0],
    })
    return orders, sessions


DAY1 = ("2024-01-01", "2024-01-01")
DAY2 = ("2024-01-02", "2024-01-02")


@pytest.mark.golden("gmv_change_lmdi")
def test_gmv_change_golden():
    orders, sessions = make_shop()
    res = gmv_change(orders, sessions, base=DAY1, current=DAY2)
    # day 1: UV 8, buyers 3 (1, 2, 5), paid 250 -> CR 3/8, 客单价 250/3
    # day 2: UV 8, buyers 2 (1, 3), paid 180 -> CR 2/8, 客单价 90
    # L(180, 250) = -70 / ln(0.72) = -70 / -0.3285040670 = 213.0871640
    # uv: ln(8/8) = 0
    # CR: L × ln((2/8) / (3/8)) = 213.0871640 × -0.4054651081 = -86.3994100
    # 客单价: L × ln(90 / (250/3)) = 213.0871640 × ln(1.08) = 213.0871640 ×
    #   0.0769610411 = 16.3994100; sum -70
    L = -70 / math.log(180 / 250)
    assert res.columns.tolist() == ["target", "factor", "base", "current",
                                    "contribution", "share"]
    assert (res["target"] == "paid_amount").all()
    assert res["base"].tolist() == pytest.approx([8, 3 / 8, 250 / 3])
    assert res["current"].tolist() == pytest.approx([8, 2 / 8, 90])
    c = _contrib(res)
    assert c["uv"] == 0.0
    assert c["pay_conversion"] == pytest.approx(L * math.log(2 / 3), abs=1e-9)
    assert c["revenue_per_buyer"] == pytest.approx(L * math.log(1.08), abs=1e-9)
    assert round(c["pay_conversion"], 4) == -86.3994
    assert round(c["revenue_per_buyer"], 4) == 16.3994
    assert res["contribution"].sum() == pytest.approx(-70.0, abs=1e-9)
    assert res.attrs == {"base_value": 250.0, "current_value": 180.0}


def test_gmv_change_by_channel_golden():
    orders, sessions = make_shop()
    # UV 8 -> 8 (no traffic effect)
    # app: mix 0.5 -> 0.25, CR 0.5 -> 0.5, 客单价 100 -> 120, V 200 -> 120
    #   L = -80 / ln 0.6 = 156.6092151; mix L ln 0.5 = -108.5532359,
    #   客单价 L ln 1.2 = 28.5532359
    # web: mix 0.5 -> 0.75, CR 0.25 -> 1/6, 客单价 50 -> 60, V 50 -> 60
    #   L = 10 / ln 1.2 = 54.8481495; mix L ln 1.5 = 22.2390109,
    #   CR L ln(2/3) = -22.2390109, 客单价 L ln 1.2 = 10
    res = gmv_change(orders, sessions, base=DAY1, current=DAY2, by="channel")
    expected = pd.DataFrame({
        "target": "paid_amount",
        "factor": ["uv", "mix", "pay_conversion", "revenue_per_buyer"],
        "contribution": [0.0, -108.55323590853791 + 22.23901085741545,
                         -22.239010857415455, 28.553235908537918 + 10.0],
        "share": [0.0, 86.31422505112246 / 70, 22.239010857415455 / 70,
                  -38.553235908537914 / 70],
    })
    pd.testing.assert_frame_equal(res, expected, rtol=0, atol=1e-9)
    seg = gmv_change(orders, sessions, base=DAY1, current=DAY2, by="channel",
                     level="segment")
    assert seg.columns.tolist() == ["target", "channel", "factor", "base",
                                    "current", "contribution", "share"]
    app = seg[seg["channel"] == "app"].set_index("factor")
    assert app["base"].tolist() == [8.0, 0.5, 0.5, 100.0]
    assert app["current"].tolist() == [8.0, 0.25, 0.5, 120.0]
    assert app["contribution"].sum() == pytest.approx(-80.0, abs=1e-9)


def test_gmv_change_matches_sales_identity_and_decompose_change():
    orders, sessions = make_shop()
    rows = [es.sales_identity(orders, sessions, start=lo, end=hi).iloc[0]
            for lo, hi in (DAY1, DAY2)]
    names = ["uv", "pay_conversion", "revenue_per_buyer"]
    for method in ("lmdi", "shapley", "sequential"):
        direct = decompose_change(
            {n: float(rows[0][n]) for n in names},
            {n: float(rows[1][n]) for n in names}, method=method,
        )
        res = gmv_change(orders, sessions, base=DAY1, current=DAY2, method=method)
        assert res["contribution"].tolist() == pytest.approx(
            direct["contribution"].tolist(), abs=1e-9)


def test_gmv_change_empty_period_and_new_channel():
    orders, sessions = make_shop()
    # a base day with no traffic and no orders: GMV 0 -> 180 is all traffic
    res = _contrib(gmv_change(orders, sessions, base=("2023-12-01", "2023-12-01"),
                              current=DAY2))
    assert res == {"uv": 180.0, "pay_conversion": 0.0, "revenue_per_buyer": 0.0}
    # web only in the current period (filter it out of day 1)
    keep_s = ~((sessions["channel"] == "web")
               & (sessions["start_ts"] < "2024-01-02")).to_numpy()
    keep_o = ~((orders["channel"] == "web")
               & (orders["paid_ts"] < "2024-01-02")).to_numpy()
    seg = gmv_change(orders[keep_o], sessions[keep_s], base=DAY1, current=DAY2,
                     by="channel", level="segment")
    web = seg[seg["channel"] == "web"].set_index("factor")["contribution"]
    assert web["mix"] == 60.0 and web.drop("mix").abs().sum() == 0.0
    assert seg["contribution"].sum() == pytest.approx(180.0 - 200.0, abs=1e-9)


def test_gmv_change_string_ids_unsorted_and_not_mutated():
    orders, sessions = make_shop()
    before = (orders.copy(), sessions.copy())
    a = gmv_change(orders, sessions, base=DAY1, current=DAY2, by="channel",
                   level="segment")
    o, s = orders.copy(), sessions.copy()
    o["customer_id"] = "c" + o["customer_id"].astype(str)
    s["visitor_id"] = "v" + s["visitor_id"].astype(str)
    o, s = o.iloc[::-1], s.sample(frac=1, random_state=1)
    b = gmv_change(o, s, base=DAY1, current=DAY2, by="channel", level="segment")
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(orders, before[0])
    pd.testing.assert_frame_equal(sessions, before[1])


@pytest.mark.golden("gmv_change_lmdi", "gmv_change_shapley", "gmv_change_sequential")
def test_catalog_entries():
    from ecomkit.catalog import get_metric

    for method in ("lmdi", "shapley", "sequential"):
        m = get_metric(f"gmv_change_{method}")
        assert m.family == "diagnosis" and m.basis == "paid_amount"
        assert m.function is gmv_change


# -------------------------------------------------------- bad inputs ----
SEG = pd.DataFrame({"segment": ["app", "web"], "uv": [100, 100],
                    "pay_conversion": [0.1, 0.02],
                    "revenue_per_buyer": [100.0, 100.0]})

BAD_INPUTS = [
    (decompose_change, (GMV_BASE, GMV_CURRENT), {"method": "ols"}, ValueError,
     r"decompose_change\(\): the value for `method` must be one of"),
    (decompose_change, (GMV_BASE, {"uv": 1, "pay_conversion": 1}), {}, ValueError,
     r"decompose_change\(\): `base` and `current` must have the same factors"),
    (decompose_change, ({"a": -1, "b": 2}, {"a": 1, "b": 2}), {}, ValueError,
     r"decompose_change\(\): method='lmdi' needs factor values >= 0.*shapley"),
    (decompose_change, (pd.DataFrame({"uv": [1]}), GMV_CURRENT), {}, TypeError,
     r"decompose_change\(\): `base` must map each factor.*decompose_segments"),
    (decompose_change, (GMV_BASE, [1, 2, 3]), {}, TypeError,
     r"decompose_change\(\): `current` must be a non-empty dict or Series"),
    (decompose_change, ({"a": 1, "b": "2"}, {"a": 1, "b": 2}), {}, TypeError,
     r"decompose_change\(\): `base\['b'\]` must be a number"),
    (decompose_change, ({"a": 1, "b": np.nan}, {"a": 1, "b": 2}), {}, ValueError,
     r"decompose_change\(\): `base\['b'\]` must be a finite number"),
    (decompose_change, (GMV_BASE, GMV_CURRENT), {"order": ["uv", "uv", "x"]},
     ValueError, r"decompose_change\(\): `order` must list every factor"),
    (decompose_change, ({f"f{i}": 1.0 for i in range(13)},
                        {f"f{i}": 2.0 for i in range(13)}), {"method": "shapley"},
     ValueError, r"decompose_change\(\): method='shapley' .* at most 12 factors"),
    (decompose_segments, (SEG, SEG.drop(columns="uv")), {}, ValueError,
     r"decompose_segments\(\): column 'uv' \(from `uv_col`\) is not in `current`"),
    (decompose_segments, (pd.concat([SEG, SEG]), SEG), {}, ValueError,
     r"decompose_segments\(\): `base` has repeated segments"),
    (decompose_segments, (SEG, SEG.assign(uv=[-1, 5])), {}, ValueError,
     r"decompose_segments\(\): column 'uv' \(from `uv_col`\) has 1 negative"),
    (decompose_segments, (SEG, SEG.assign(pay_conversion=[np.nan, 0.1])), {},
     ValueError, r"decompose_segments\(\): the current period has visitors but "
     r"no conversion rate for segment\(s\) \['app'\]"),
    (decompose_segments, (SEG, SEG), {"level": "channel"}, ValueError,
     r"decompose_segments\(\): the value for `level` must be one of"),
    (decompose_segments, ({"base": SEG}, SEG), {}, TypeError,
     r"decompose_segments\(\): `base` must be one table"),
    (gmv_change, make_shop(), {"base": "2024-01-01", "current": DAY2}, TypeError,
     r"gmv_change\(\): `base` must be a \(start, end\) pair"),
    (gmv_change, make_shop(), {"base": DAY1, "current": ("2024-01-02", "x")},
     ValueError, r"gmv_change\(\): `current\[1\]` must be a date"),
    (gmv_change, make_shop(), {"base": ("2024-01-02", "2024-01-01"),
                               "current": DAY2}, ValueError,
     r"gmv_change\(\): `base` is empty"),
    (gmv_change, make_shop(), {"base": DAY1, "current": DAY2, "by": "device"},
     ValueError, r"gmv_change\(\): column 'device' \(from `by`\) is not in "
     r"`orders`"),
    (gmv_change, make_shop(), {"base": DAY1, "current": DAY2,
                               "by": ["channel", "device"]}, TypeError,
     r"gmv_change\(\): `by` must be one column name"),
    (gmv_change, (make_shop()[0], {"sessions": make_shop()[1]}),
     {"base": DAY1, "current": DAY2}, TypeError,
     r"gmv_change\(\): `sessions` must be one table.*shop\.sessions"),
    (gmv_change, (make_shop()[0], make_shop()[1].iloc[:8]),
     {"base": DAY1, "current": DAY2}, ValueError,
     r"gmv_change\(\): the current period has paying buyers but no visitors"),
    (gmv_change, make_shop(), {"base": DAY1, "current": DAY2, "method": "dea"},
     ValueError, r"gmv_change\(\): the value for `method` must be one of"),
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
positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False,
                     allow_infinity=False)


@settings(max_examples=50, deadline=None)
@given(st.integers(2, 6).flatmap(
    lambda n: st.tuples(st.lists(positive, min_size=n, max_size=n),
                        st.lists(positive, min_size=n, max_size=n))),
    st.sampled_from(["lmdi", "shapley", "sequential"]))
def test_property_contributions_sum_to_the_change(values, method):
    x0, x1 = values
    base = {f"f{i}": v for i, v in enumerate(x0)}
    current = {f"f{i}": v for i, v in enumerate(x1)}
    res = decompose_change(base, current, method=method)
    v0, v1 = math.prod(x0), math.prod(x1)
    # rounding is relative to the values the method multiplies: the end points
    # for LMDI, the largest mixed product for Shapley and sequential
    top = max(v0, v1) if method == "lmdi" else math.prod(map(max, x0, x1))
    assert math.fsum(res["contribution"]) == pytest.approx(
        v1 - v0, rel=1e-9, abs=1e-9 * top)
    if method == "lmdi":
        # each contribution has the sign of its factor's change
        signs = np.sign(np.array(x1) - np.array(x0))
        c = res["contribution"].to_numpy()
        assert np.all((c * signs >= 0) | (np.abs(c) <= 1e-9 * max(v0, v1)))


segment_rows = st.lists(
    st.tuples(st.integers(0, 500), st.floats(0, 1), st.floats(0, 500)),
    min_size=1, max_size=5,
)


def _segment_table(rows):
    uv = [r[0] for r in rows]
    cr = [r[1] if r[0] > 0 else np.nan for r in rows]
    rpb = [r[2] if (r[0] > 0 and r[1] > 0) else np.nan for r in rows]
    return pd.DataFrame({"segment": [f"s{i}" for i in range(len(rows))], "uv": uv,
                         "pay_conversion": cr, "revenue_per_buyer": rpb})


def _gmv(table):
    return float((table["uv"] * table["pay_conversion"].fillna(0)
                  * table["revenue_per_buyer"].fillna(0)).sum())


@settings(max_examples=50, deadline=None)
@given(segment_rows, segment_rows, st.sampled_from(["lmdi", "shapley",
                                                    "sequential"]))
def test_property_segments_sum_to_the_change(rows0, rows1, method):
    base, current = _segment_table(rows0), _segment_table(rows1)
    res = decompose_segments(base, current, method=method, level="segment")
    change = _gmv(current) - _gmv(base)
    scale = max(_gmv(current), _gmv(base), 1.0)
    assert np.isfinite(res["contribution"]).all()
    assert math.fsum(res["contribution"]) == pytest.approx(change, abs=1e-9 * scale)
    summed = decompose_segments(base, current, method=method)
    assert math.fsum(summed["contribution"]) == pytest.approx(change,
                                                              abs=1e-9 * scale)


@settings(max_examples=50, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([None, "channel"]))
def test_property_gmv_change_sums_to_paid_amount_change(seed, by):
    rng = np.random.default_rng(seed)
    n_s, n_o = 60, 25
    t0 = pd.Timestamp("2024-01-01")
    sessions = pd.DataFrame({
        "visitor_id": rng.integers(0, 30, n_s),
        "start_ts": t0 + pd.to_timedelta(rng.integers(0, 14 * 24, n_s), unit="h"),
        "channel": categorical(rng.choice(["social", "direct"], n_s), CHANNELS),
    })
    # every order comes from a session (same channel, paid an hour later), so no
    # period or channel has buyers without visitors
    pick = rng.integers(0, n_s, n_o)
    orders = pd.DataFrame({
        "customer_id": sessions["visitor_id"].to_numpy()[pick],
        "paid_ts": sessions["start_ts"].to_numpy()[pick]
        + pd.Timedelta(minutes=30),
        "channel": sessions["channel"].to_numpy()[pick],
        "paid_amount": rng.integers(100, 90_000, n_o) / 100,
    })
    base, current = ("2024-01-01", "2024-01-07"), ("2024-01-08", "2024-01-14")
    res = gmv_change(orders, sessions, base=base, current=current, by=by)
    change = (es.paid_amount(orders, start=current[0], end=current[1])
              - es.paid_amount(orders, start=base[0], end=base[1]))
    assert math.fsum(res["contribution"]) == pytest.approx(change, abs=1e-6)
    assert res.attrs["current_value"] - res.attrs["base_value"] == pytest.approx(
        change, abs=1e-9)
