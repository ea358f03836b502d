"""Tests of ecomkit.clv: the published CDNOW references, hand-worked BTYD summaries,
historic CLV, properties and bad inputs.

Reference data: tests/data/cdnow_customers_summary_with_transactions.csv (see
tests/data/README.md for source, licence and the published values).
"""

import pathlib

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ecomkit.clv as clv

DATA = pathlib.Path(__file__).parent / "data"


def load_cdnow():
    raw = pd.read_csv(DATA / "cdnow_customers_summary_with_transactions.csv")
    return raw.rename(
        columns={
            "ID": "customer_id",
            "x": "frequency",
            "t_x": "recency",
            "zbar": "monetary_value",
        }
    )


CDNOW = load_cdnow()
BG = clv.fit_bgnbd(CDNOW, freq="W")
GG = clv.fit_gamma_gamma(CDNOW)
# the published estimates, as printed
PUBLISHED_BG = clv.BGNBDFit(
    r=0.243,
    alpha=4.414,
    a=0.793,
    b=2.426,
    log_likelihood=-9582.4,
    n_customers=2357,
    freq="W",
)
PUBLISHED_GG = clv.GammaGammaFit(
    p=6.25, q=3.74, v=15.44, log_likelihood=-4055.9, n_customers=946
)


# --------------------------------------------------- published references ----


def test_cdnow_file_is_complete():
    assert len(CDNOW) == 2357
    assert int((CDNOW["frequency"] > 0).sum()) == 946
    assert int(CDNOW["frequency"].sum()) == 2457
    assert (CDNOW["recency"] <= CDNOW["T"]).all()


def test_bgnbd_reproduces_fader_hardie_lee_2005():
    # Marketing Science 24(2): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426,
    # log-likelihood -9582.4
    assert round(BG.r, 3) == 0.243
    assert round(BG.alpha, 3) == 4.414
    assert round(BG.a, 3) == 0.793
    assert round(BG.b, 3) == 2.426
    assert round(BG.log_likelihood, 1) == -9582.4
    assert BG.converged and BG.n_customers == 2357 and BG.freq == "W"


def test_gamma_gamma_reproduces_fader_hardie_2013():
    # note 025: p = 6.25, q = 3.74, gamma = 15.44 on the 946 repeat buyers. The exact
    # maximum has gamma = 15.447 (lifetimes prints 15.45), so gamma is compared with
    # numpy's decimal=2 tolerance (1.5e-2), as lifetimes' own test does.
    assert GG.n_customers == 946
    assert round(GG.p, 2) == 6.25
    assert round(GG.q, 2) == 3.74
    np.testing.assert_almost_equal(GG.v, 15.44, decimal=2)
    assert GG.converged


@pytest.mark.golden("expected_purchases")
def test_expected_purchases_published_example():
    # FHL 2005: x = 2, t_x = 30.43, T = 38.86 -> 1.226 purchases in the next 39 weeks
    one = pd.DataFrame(
        {"customer_id": [1], "frequency": [2], "recency": [30.43], "T": [38.86]}
    )
    got = clv.expected_purchases(one, model=PUBLISHED_BG, t=39)
    assert got.name == "expected_purchases" and got.index.tolist() == [1]
    assert round(float(got.iloc[0]), 3) == 1.226
    # the same with our own fit (it is customer 1 of the file)
    assert (
        round(float(clv.expected_purchases(CDNOW.iloc[:1], model=BG, t=39).iloc[0]), 3)
        == 1.226
    )


@pytest.mark.golden("clv_predicted")
def test_predicted_clv_matches_lifetimes_quickstart():
    # lifetimes Quickstart: customer_lifetime_value(time=12, discount_rate=0.01) on
    # this file prints 140.096218, 18.943466, 38.180575 x 3. Its default freq="D"
    # reads the weekly periods as days (30 per month), so freq="D" here.
    got = clv.predicted_clv(CDNOW.iloc[:5], bgnbd=BG, gamma_gamma=GG, freq="D")
    np.testing.assert_allclose(
        got["clv"], [140.096218, 18.943466, 38.180575, 38.180575, 38.180575], atol=0.01
    )
    assert got["customer_id"].tolist() == [1, 2, 3, 4, 5]


# ------------------------------------------------------- hand-worked values ----


@pytest.mark.golden("p_alive")
def test_p_alive_by_hand():
    # x = 2, t_x = 30.43, T = 38.86 with the published parameters:
    # a / (b + x - 1) = 0.793 / 3.426 = 0.231465
    # ((alpha + T) / (alpha + t_x))^(r + x) = (43.274 / 34.844)^2.243 = 1.625829
    # P(alive) = 1 / (1 + 0.231465 * 1.625829) = 0.726572; x = 0 -> 1
    s = pd.DataFrame(
        {
            "customer_id": ["A", "B"],
            "frequency": [2, 0],
            "recency": [30.43, 0.0],
            "T": [38.86, 20.0],
        }
    )
    got = clv.p_alive(s, model=PUBLISHED_BG)
    want = pd.Series(
        [0.726572, 1.0], index=pd.Index(["A", "B"], name="customer_id"), name="p_alive"
    )
    pd.testing.assert_series_equal(got, want, atol=1e-6)


@pytest.mark.golden("gg_expected_spend")
def test_gg_expected_spend_by_hand():
    # x = 0: population mean p v / (q - 1) = 6.25 * 15.44 / 2.74 = 35.218978
    # x = 2, m = 22.35: 6.25 * (15.44 + 44.70) / (12.5 + 2.74) = 375.875 / 15.24
    #                 = 24.663714
    s = pd.DataFrame(
        {"customer_id": [1, 2], "frequency": [0, 2], "monetary_value": [0.0, 22.35]}
    )
    got = clv.gg_expected_spend(s, model=PUBLISHED_GG)
    want = pd.Series(
        [35.218978, 24.663714],
        index=pd.Index([1, 2], name="customer_id"),
        name="expected_spend",
    )
    pd.testing.assert_series_equal(got, want, atol=1e-6)
    assert PUBLISHED_GG.mean_spend == pytest.approx(35.218978)


@pytest.mark.golden("clv_predicted")
def test_predicted_clv_without_discount_is_spend_times_purchases():
    # discount_rate 0, margin 0.3: clv = 0.3 * E[spend] * E[purchases in 12 months]
    got = clv.predicted_clv(
        CDNOW.iloc[:20], bgnbd=BG, gamma_gamma=GG, discount_rate=0.0, margin=0.3
    )
    horizon = clv.expected_purchases(CDNOW.iloc[:20], model=BG, t=12 * 4.345)
    spend = clv.gg_expected_spend(CDNOW.iloc[:20], model=GG)
    np.testing.assert_allclose(got["expected_purchases"], horizon.to_numpy())
    np.testing.assert_allclose(got["clv"], 0.3 * spend.to_numpy() * horizon.to_numpy())
    # discounting at 1 % a month lowers it, but by less than a year's discount
    disc = clv.predicted_clv(CDNOW.iloc[:20], bgnbd=BG, gamma_gamma=GG, margin=0.3)
    assert (disc["clv"] < got["clv"]).all()
    assert (disc["clv"] > got["clv"] / 1.01**12).all()


def test_expected_purchases_small_horizon_is_rate_times_alive():
    # for small t, E[Y(t)] ~ t * E[lambda | data] * P(alive)
    #                    = t (r + x) / (alpha + T) * P(alive),
    # a check that does not go through the hypergeometric function
    t = 1e-4
    x, t_x, T = CDNOW["frequency"], CDNOW["recency"], CDNOW["T"]
    got = BG.expected_purchases(t, x, t_x, T)
    approx = t * (BG.r + x) / (BG.alpha + T) * BG.p_alive(x, t_x, T)
    np.testing.assert_allclose(got, approx, rtol=1e-3)
    # a new customer: E[X(t)] ~ t r / alpha
    assert BG.expected_purchases_new(t) == pytest.approx(t * BG.r / BG.alpha, rel=1e-3)


def test_bgnbd_time_unit_only_rescales_alpha():
    daily = CDNOW.assign(recency=CDNOW["recency"] * 7, T=CDNOW["T"] * 7)
    fit = clv.fit_bgnbd(daily, freq="D")
    assert fit.r == pytest.approx(BG.r, rel=1e-3)
    assert fit.alpha == pytest.approx(7 * BG.alpha, rel=1e-3)
    assert fit.a == pytest.approx(BG.a, rel=1e-3) and fit.b == pytest.approx(
        BG.b, rel=1e-3
    )


# ----------------------------------------------------------- BTYD summary ----


def make_orders():
    """c1 buys on 01-01 (twice), 01-05, 01-11 and 01-20 (twice); c2 on 01-08 only;
    c3 never pays."""
    return pd.DataFrame(
        {
            "order_id": [1, 2, 3, 4, 5, 6, 7, 8],
            "customer_id": [1, 1, 1, 1, 2, 3, 1, 1],
            "paid_ts": pd.to_datetime(
                [
                    "2024-01-01 09:00",
                    "2024-01-01 20:00",
                    "2024-01-05 12:00",
                    "2024-01-11 12:00",
                    "2024-01-08 12:00",
                    None,
                    "2024-01-20 10:00",
                    "2024-01-20 18:00",
                ]
            ),
            "paid_amount": [10.0, 20.0, 30.0, 50.0, 40.0, 0.0, 25.0, 15.0],
        }
    )


ORDERS = make_orders()


def test_btyd_summary_daily_by_hand():
    # c1 purchase days 01-01 (10+20 = 30), 01-05 (30), 01-11 (50), 01-20 (25+15 = 40)
    # frequency 3, recency 19, T = 01-31 - 01-01 = 30, monetary (30+50+40)/3 = 40
    # c2: one day 01-08 -> 0, 0, T 23, monetary 0
    got = clv.btyd_summary(ORDERS, observation_end="2024-01-31")
    want = pd.DataFrame(
        {
            "customer_id": [1, 2],
            "frequency": [3.0, 0.0],
            "recency": [19.0, 0.0],
            "T": [30.0, 23.0],
            "monetary_value": [40.0, 0.0],
        }
    )
    pd.testing.assert_frame_equal(got, want)
    assert got.attrs["freq"] == "D"


def test_btyd_summary_weekly_by_hand():
    # Monday weeks: W1 = 01-01..07 (30+30 = 60), W2 = 01-08..14 (50), W3 (40);
    # 01-31 is in W5. c1: frequency 2, recency 2, T 4, monetary (50+40)/2 = 45
    # c2 (W2): 0, 0, T 3, 0
    got = clv.btyd_summary(ORDERS, freq="W", observation_end="2024-01-31")
    assert got["frequency"].tolist() == [2.0, 0.0]
    assert got["recency"].tolist() == [2.0, 0.0]
    assert got["T"].tolist() == [4.0, 3.0]
    assert got["monetary_value"].tolist() == [45.0, 0.0]


def test_btyd_summary_calibration_and_holdout_by_hand():
    # calibration up to 01-07: c1 days 01-01 (30), 01-05 (30): frequency 1, recency 4,
    # T 6, monetary 30; c2's first purchase (01-08) is after it -> not a row.
    # holdout (01-07, 01-31]: c1 days 01-11 (50), 01-20 (40): 2 periods, mean 45,
    # duration 31 - 7 = 24 days
    got = clv.btyd_summary(
        ORDERS, observation_end="2024-01-31", calibration_end="2024-01-07"
    )
    want = pd.DataFrame(
        {
            "customer_id": [1],
            "frequency": [1.0],
            "recency": [4.0],
            "T": [6.0],
            "monetary_value": [30.0],
            "frequency_holdout": [2.0],
            "monetary_value_holdout": [45.0],
            "duration_holdout": [24.0],
        }
    )
    pd.testing.assert_frame_equal(got, want)


def test_btyd_summary_default_end_string_ids_and_order():
    # default observation end = day of the last paid order (01-20)
    got = clv.btyd_summary(ORDERS)
    assert got["T"].tolist() == [19.0, 12.0]
    shuffled = ORDERS.sample(frac=1, random_state=1).assign(
        customer_id=lambda d: d["customer_id"].map({1: "a", 2: "b", 3: "c"})
    )
    other = clv.btyd_summary(shuffled)
    assert other["customer_id"].tolist() == ["a", "b"]
    pd.testing.assert_frame_equal(
        other.drop(columns="customer_id"), got.drop(columns="customer_id")
    )


def test_btyd_summary_feeds_the_models():
    summary = clv.btyd_summary(ORDERS, freq="D", observation_end="2024-02-29")
    model = clv.BGNBDFit(
        **{**PUBLISHED_BG.params, "log_likelihood": 0.0, "n_customers": 2, "freq": "D"}
    )
    out = clv.predicted_clv(summary, bgnbd=model, gamma_gamma=PUBLISHED_GG)
    assert out["customer_id"].tolist() == [1, 2]
    assert (out["clv"] > 0).all()


# ---------------------------------------------------------- historic CLV ----


def historic_tables():
    orders = pd.DataFrame(
        {
            "order_id": [1, 2, 3, 4],
            "customer_id": [7, 7, 8, 9],
            "paid_ts": pd.to_datetime(["2024-01-02", "2024-02-03", None, "2024-03-01"]),
        }
    )
    items = pd.DataFrame(
        {
            "order_id": [1, 1, 2, 3, 4],
            "product_id": [10, 11, 12, 13, 14],
            "quantity": [2, 1, 1, 1, 3],
            "unit_price": [50.0, 30.0, 100.0, 80.0, 20.0],
            "discount_amount": [10.0, 0.0, 0.0, 0.0, 5.0],
            "unit_cost": [20.0, 10.0, 60.0, 40.0, 8.0],
        }
    )
    refunds = pd.DataFrame(
        {
            "refund_id": [1, 2],
            "order_id": [2, 4],
            "refund_amount": [25.0, 10.0],
            "refund_ts": pd.to_datetime(["2024-02-10", "2024-03-20"]),
        }
    )
    return orders, items, refunds


@pytest.mark.golden("clv_historic")
def test_historic_clv_by_hand():
    # c7: sales 2*50-10 + 30 + 100 = 220, cogs 40 + 10 + 60 = 110, refund 25 -> 85
    # c8: never paid -> no row; c9: sales 3*20-5 = 55, cogs 24, refund 10 -> 21
    orders, items, refunds = historic_tables()
    got = clv.historic_clv(orders, items, refunds)
    want = pd.DataFrame(
        {
            "customer_id": [7, 9],
            "orders": np.array([2, 1], dtype=np.int64),
            "sales": [220.0, 55.0],
            "cogs": [110.0, 24.0],
            "refunds": [25.0, 10.0],
            "gross_profit": [85.0, 21.0],
        }
    )
    pd.testing.assert_frame_equal(got, want)


@pytest.mark.golden("clv_historic")
def test_historic_clv_window_and_refund_cutoff():
    orders, items, refunds = historic_tables()
    # up to 03-10: c9's refund (03-20) has not happened yet -> 55 - 24 = 31
    got = clv.historic_clv(orders, items, refunds, end="2024-03-10")
    assert got["gross_profit"].tolist() == [85.0, 31.0]
    # February only: c7's order 2: 100 - 60 - 25 = 15
    feb = clv.historic_clv(orders, items, refunds, start="2024-02-01", end="2024-02-29")
    assert feb["customer_id"].tolist() == [7] and feb["gross_profit"].tolist() == [15.0]
    # without refunds
    assert clv.historic_clv(orders, items)["gross_profit"].tolist() == [110.0, 31.0]


def test_historic_clv_does_not_mutate_and_accepts_string_ids():
    orders, items, refunds = historic_tables()
    copies = [t.copy() for t in (orders, items, refunds)]
    clv.historic_clv(orders, items, refunds)
    for before, after in zip(copies, (orders, items, refunds), strict=True):
        pd.testing.assert_frame_equal(before, after)
    so = orders.assign(customer_id=orders["customer_id"].astype(str))
    assert clv.historic_clv(so, items, refunds)["customer_id"].tolist() == ["7", "9"]


# -------------------------------------------------------------- properties ----


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.floats(0, 1), st.floats(0, 1)),
        min_size=1,
        max_size=20,
    )
)
def test_p_alive_and_expected_purchases_are_sane(rows):
    x = np.array([r[0] for r in rows], dtype=float)
    T = 1 + 50 * np.array([r[2] for r in rows])
    t_x = np.where(x > 0, T * np.array([r[1] for r in rows]), 0.0)
    p = BG.p_alive(x, t_x, T)
    assert ((p >= 0) & (p <= 1)).all()
    e = BG.expected_purchases(10.0, x, t_x, T)
    assert (e >= 0).all() and np.isfinite(e).all()
    # more time, more expected purchases
    assert (BG.expected_purchases(20.0, x, t_x, T) >= e).all()


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 4), st.integers(0, 60), st.floats(1, 500, allow_nan=False)
        ),
        min_size=1,
        max_size=25,
    )
)
def test_btyd_summary_invariants(rows):
    orders = pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "paid_ts": pd.Timestamp("2024-01-01 10:00")
            + pd.to_timedelta([r[1] for r in rows], unit="D"),
            "paid_amount": [round(r[2], 2) for r in rows],
        }
    )
    got = clv.btyd_summary(orders, observation_end="2024-03-31")
    assert (got["recency"] <= got["T"]).all()
    assert (got["frequency"] <= got["recency"]).all()  # one purchase day per period
    assert ((got["frequency"] == 0) == (got["monetary_value"] == 0)).all()
    assert got["customer_id"].is_monotonic_increasing


# -------------------------------------------------------------- bad inputs ----

SMALL = pd.DataFrame(
    {
        "frequency": [0, 1, 2],
        "recency": [0.0, 3.0, 5.0],
        "T": [10.0, 10.0, 10.0],
        "monetary_value": [0.0, 20.0, 30.0],
    }
)
ORD, ITEMS, REF = historic_tables()

BAD_INPUTS = [
    (
        clv.fit_bgnbd,
        ({"summary": SMALL},),
        {},
        TypeError,
        r"fit_bgnbd\(\): `summary` must be one table",
    ),
    (
        clv.fit_bgnbd,
        (SMALL.assign(recency=[0.0, 3.0, 12.0]),),
        {},
        ValueError,
        r"fit_bgnbd\(\): recency is larger than T for 1 customer",
    ),
    (
        clv.fit_bgnbd,
        (SMALL.assign(frequency=[0, -1, 2]),),
        {},
        ValueError,
        r"fit_bgnbd\(\): column 'frequency' \(from `frequency_col`\) has 1 negative",
    ),
    (
        clv.fit_bgnbd,
        (SMALL.assign(frequency=[0, 1.5, 2]),),
        {},
        ValueError,
        r"fit_bgnbd\(\): column 'frequency' must hold whole numbers",
    ),
    (
        clv.fit_bgnbd,
        (SMALL.assign(recency=[2.0, 3.0, 5.0]),),
        {},
        ValueError,
        r"fit_bgnbd\(\): customers with frequency 0 must have recency 0",
    ),
    (
        clv.fit_bgnbd,
        (SMALL.drop(columns="T"),),
        {},
        ValueError,
        r"fit_bgnbd\(\): column 'T' \(from `T_col`\) is not in `summary`",
    ),
    (
        clv.fit_bgnbd,
        (SMALL.iloc[:0],),
        {},
        ValueError,
        r"fit_bgnbd\(\): `summary` has no customers",
    ),
    (
        clv.fit_gamma_gamma,
        (SMALL.iloc[:2],),
        {},
        ValueError,
        r"fit_gamma_gamma\(\): the model is fitted on customers with frequency > 0",
    ),
    (
        clv.fit_gamma_gamma,
        (SMALL.assign(monetary_value=["0", "20", "30"]),),
        {},
        TypeError,
        r"fit_gamma_gamma\(\): column 'monetary_value' \(from "
        r"`monetary_value_col`\) must be numeric",
    ),
    (
        clv.btyd_summary,
        (ORDERS,),
        {"freq": "Q"},
        ValueError,
        r"btyd_summary\(\): the value for `freq` must be one of",
    ),
    (
        clv.btyd_summary,
        (ORDERS,),
        {"calibration_end": "2024-02-01", "observation_end": "2024-01-31"},
        ValueError,
        r"btyd_summary\(\): `calibration_end` \('2024-02-01'\) must be before",
    ),
    (
        clv.btyd_summary,
        (ORDERS.assign(paid_ts=ORDERS["paid_ts"].astype(str)),),
        {},
        TypeError,
        r"btyd_summary\(\): column 'paid_ts' \(from `paid_ts_col`\) must hold datetimes",
    ),
    (
        clv.btyd_summary,
        (ORDERS,),
        {"observation_end": "soon"},
        ValueError,
        r"btyd_summary\(\): `observation_end` must be a date",
    ),
    (
        clv.expected_purchases,
        (SMALL,),
        {"model": GG, "t": 10},
        TypeError,
        r"expected_purchases\(\): `model` must be a fitted BGNBDFit",
    ),
    (
        clv.expected_purchases,
        (SMALL,),
        {"model": BG, "t": -1},
        ValueError,
        r"expected_purchases\(\): `t` must be in",
    ),
    (
        clv.p_alive,
        (SMALL.drop(columns="recency"),),
        {"model": BG},
        ValueError,
        r"p_alive\(\): column 'recency' \(from `recency_col`\) is not in `summary`",
    ),
    (
        clv.gg_expected_spend,
        (SMALL,),
        {"model": BG},
        TypeError,
        r"gg_expected_spend\(\): `model` must be a fitted GammaGammaFit",
    ),
    (
        clv.predicted_clv,
        (SMALL,),
        {
            "bgnbd": PUBLISHED_BG.__class__(
                **{**PUBLISHED_BG.params, "log_likelihood": 0.0, "n_customers": 3}
            ),
            "gamma_gamma": GG,
        },
        ValueError,
        r"predicted_clv\(\): the time unit of the summary is unknown: pass `freq`",
    ),
    (
        clv.predicted_clv,
        (SMALL,),
        {"bgnbd": BG, "gamma_gamma": GG, "horizon": 0},
        ValueError,
        r"predicted_clv\(\): `horizon` must be a positive integer",
    ),
    (
        clv.predicted_clv,
        (SMALL,),
        {"bgnbd": BG, "gamma_gamma": GG, "discount_rate": -0.1},
        ValueError,
        r"predicted_clv\(\): `discount_rate` must be in",
    ),
    (
        clv.historic_clv,
        (ORD, ITEMS.assign(unit_cost=-1.0)),
        {},
        ValueError,
        r"historic_clv\(\): column 'unit_cost' \(from `unit_cost_col`\) has 5 negative",
    ),
    (
        clv.historic_clv,
        (ORD, ITEMS.drop(columns="unit_cost")),
        {},
        ValueError,
        r"historic_clv\(\): column 'unit_cost' \(from `unit_cost_col`\) is not in "
        r"`order_items`",
    ),
    (
        clv.historic_clv,
        (pd.concat([ORD, ORD.iloc[:1]]), ITEMS),
        {},
        ValueError,
        r"historic_clv\(\): `orders` repeats order ids",
    ),
    (
        clv.historic_clv,
        (ORD, ITEMS, REF.assign(refund_ts="2024-02-10")),
        {"end": "2024-03-31"},
        TypeError,
        r"historic_clv\(\): column 'refund_ts' \(from `refund_ts_col`\) must hold datetimes",
    ),
    (
        clv.historic_clv,
        (ORD, {"order_items": ITEMS}),
        {},
        TypeError,
        r"historic_clv\(\): `order_items` must be one table.*shop\.order_items",
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
