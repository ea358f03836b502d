"""The checks of ex02 (conversion) and ex05 (GMV diagnosis): expected answers,
explicit tolerances and the recognition of every known mistake, on one trainee's shop."""

import itertools
import math
import pathlib
import re

import numpy as np
import pandas as pd
import pytest
from exercise_helpers import evaluate_mistake

import ecomkit
from ecomkit.exercises import questions, trainee_shop
from ecomkit.exercises._build import exercise_sources
from ecomkit.exercises._questions import PASSED, WRONG, evaluate
from ecomkit.exercises.checks.ex02 import failure_weeks, weeks_before

EXERCISES = ("ex02", "ex05")
CASES = [(ex, qid) for ex in EXERCISES for qid in questions(ex)]
ALTERNATIVES = [(ex, qid, i) for ex, qid in CASES for i in range(len(questions(ex)[qid].alternatives))]


@pytest.fixture(scope="module")
def shop():
    return trainee_shop("alice")


def _q(ex, qid):
    return questions(ex)[qid]


# ------------------------------------------------------- every question --
@pytest.mark.parametrize(("ex", "qid"), CASES)
def test_expected_answer_passes_and_is_well_formed(ex, qid, shop):
    q = _q(ex, qid)
    expected = q.expected(shop)
    res = evaluate(q, expected, shop)
    assert res.status == PASSED, res.message
    assert q.prompt and (q.hint or q.kind == "choice" or q.alternatives)
    if q.kind == "rate":
        assert 0 <= expected <= 1
    if q.kind in ("number", "count", "rate"):
        assert math.isfinite(float(expected))
    if q.kind == "choice":
        assert expected in q.choices


@pytest.mark.parametrize(("ex", "qid", "i"), ALTERNATIVES)
def test_each_known_mistake_gets_its_own_message(ex, qid, i, shop):
    """The alternative's value is recognised as that mistake: it differs from the
    expected answer (else the question would be ambiguous) and from every earlier
    alternative (else the later message could never be shown)."""
    q = _q(ex, qid)
    alt = q.alternatives[i]
    res = evaluate_mistake(q, alt)
    assert res.status == WRONG, f"{qid}: alternative {i} equals the expected answer on three shops"
    assert res.message == alt.message, (qid, i, res.message)


@pytest.mark.parametrize(("ex", "qid"), [c for c in CASES if _q(*c).kind == "rate"])
def test_percentages_are_recognised(ex, qid, shop):
    q = _q(ex, qid)
    res = evaluate(q, q.expected(shop) * 100, shop)
    assert res.status == WRONG and "factor of 100" in res.message


def test_question_counts_hidden_flags_and_readmes():
    for ex in EXERCISES:
        qs = questions(ex)
        assert 6 <= len(qs) <= 10
        assert list(qs) == [f"{ex}.q{i}" for i in range(1, len(qs) + 1)]
        readme = (exercise_sources()[ex].parent / "README.md").read_text(encoding="utf-8")
        assert f"**Questions:** {len(qs)}" in readme
        hidden = [qid for qid, q in qs.items() if q.hidden]
        assert hidden, ex
        for qid in hidden:  # the README names every question with hidden checks
            n = qid.split(".q")[1]
            assert re.search(rf"Q{n}\b[^\n]*hidden", readme), (ex, qid)


# ------------------------------------------------------------- windows ---
def test_story_windows_come_from_the_shop(shop):
    first, last = failure_weeks(shop)
    assert first == pd.Timestamp("2024-07-29") and first.day_of_week == 0
    assert last - first == pd.Timedelta(days=27)
    assert weeks_before(shop) == (pd.Timestamp("2024-07-01"), pd.Timestamp("2024-07-28"))


# ---------------------------------------------------------------- ex02 ---
def test_ex02_reconciliation_is_a_product_of_two_factors(shop):
    qs = questions("ex02")
    s = shop.sessions[shop.sessions["start_ts"].between("2024-05-01", "2024-06-01", inclusive="left")]
    o = shop.orders[shop.orders["paid_ts"].between("2024-05-01", "2024-06-01", inclusive="left")]
    converting = s["session_id"].isin(shop.orders.loc[shop.orders["paid_ts"].notna(), "session_id"]).sum()
    product = len(s) / s["visitor_id"].nunique() * (o["customer_id"].nunique() / converting)
    assert np.isclose(qs["ex02.q3"].expected(shop), product)
    assert qs["ex02.q3"].expected(shop) > 1  # the per-visitor rate is the larger one


def test_ex02_uv_value_is_conversion_times_revenue_per_buyer(shop):
    qs = questions("ex02")
    rpb = ecomkit.revenue_per_buyer(shop.orders, start="2024-05-01", end="2024-05-31")
    assert np.isclose(qs["ex02.q7"].expected(shop), qs["ex02.q1"].expected(shop) * rpb)


def test_ex02_finds_the_planted_device_and_a_significant_gap(shop):
    qs = questions("ex02")
    assert qs["ex02.q8"].expected(shop) == "mini_program"
    ci_high = qs["ex02.q9"].expected(shop)
    assert ci_high < 0  # the whole interval is below zero
    # by hand with z = 1.96 is within the tolerance; one point off is not
    q = qs["ex02.q9"]
    funnel = ecomkit.funnel(shop.events, steps=("checkout", "payment"), by="device",
                            sessions=shop.sessions, start="2024-07-29", end="2024-08-25")
    n = funnel.pivot(index="device", columns="step", values="count")
    n.index = n.index.astype(str)
    (xa, na), (xb, nb) = ((n.loc[d, "payment"], n.loc[d, "checkout"]) for d in ("app", "mini_program"))
    pa, pb = xa / na, xb / nb
    by_hand = pb - pa + 1.96 * math.sqrt(pa * (1 - pa) / na + pb * (1 - pb) / nb)
    assert evaluate(q, by_hand, shop).status == PASSED
    assert evaluate(q, ci_high + 0.01, shop).status == WRONG
    assert evaluate(qs["ex02.q10"], "b", shop).status == PASSED  # letters in any case
    assert "not one of the choices" in evaluate(qs["ex02.q10"], "E", shop).message


# ---------------------------------------------------------------- ex05 ---
def _period_factors(shop, lo, hi):
    s, o = shop.sessions, shop.orders
    hi = hi + pd.Timedelta(days=1)
    visits = s[(s["start_ts"] >= lo) & (s["start_ts"] < hi)]
    paid = o[(o["paid_ts"] >= lo) & (o["paid_ts"] < hi)]
    uv, buyers, amount = visits["visitor_id"].nunique(), paid["customer_id"].nunique(), paid["paid_amount"].sum()
    return {"uv": uv, "pay_conversion": buyers / uv, "revenue_per_buyer": amount / buyers}, amount


def test_ex05_three_bases_are_ordered(shop):
    qs = questions("ex05")
    paid = ecomkit.paid_amount(shop.orders, start="2024-06-01", end="2024-06-30")
    assert qs["ex05.q1"].expected(shop) > paid > qs["ex05.q2"].expected(shop)


def test_ex05_identity_and_own_implementations_are_accepted(shop):
    qs = questions("ex05")
    x1, v1 = _period_factors(shop, *failure_weeks(shop))
    x0, v0 = _period_factors(shop, *weeks_before(shop))
    assert evaluate(qs["ex05.q3"], x1, shop).status == PASSED
    assert evaluate(qs["ex05.q3"], pd.Series(x1), shop).status == PASSED
    assert np.isclose(np.prod(list(x1.values())), v1)
    assert evaluate(qs["ex05.q4"], v1 - v0, shop).status == PASSED
    # LMDI-I by hand
    L = (v1 - v0) / (np.log(v1) - np.log(v0))
    lmdi = {k: L * np.log(x1[k] / x0[k]) for k in x0}
    assert np.isclose(sum(lmdi.values()), v1 - v0)
    assert evaluate(qs["ex05.q5"], lmdi["pay_conversion"], shop).status == PASSED
    # Shapley by hand: the mean over the six orders of sequential substitution
    def sequential(order):
        x, out = dict(x0), {}
        for k in order:
            before = np.prod(list(x.values()))
            x[k] = x1[k]
            out[k] = np.prod(list(x.values())) - before
        return out
    shapley = np.mean([sequential(o)["pay_conversion"] for o in itertools.permutations(x0)])
    assert evaluate(qs["ex05.q6"], shapley, shop).status == PASSED
    gap = (sequential(["pay_conversion", "uv", "revenue_per_buyer"])["pay_conversion"]
           - sequential(["uv", "revenue_per_buyer", "pay_conversion"])["pay_conversion"])
    assert evaluate(qs["ex05.q9"], gap, shop).status == PASSED
    dcr = x1["pay_conversion"] - x0["pay_conversion"]
    assert np.isclose(gap, dcr * (x0["uv"] * x0["revenue_per_buyer"] - x1["uv"] * x1["revenue_per_buyer"]))
    assert evaluate(qs["ex05.q7"], max(lmdi, key=lambda k: abs(lmdi[k])), shop).status == PASSED


def test_ex05_tolerances_are_explicit(shop):
    q = questions("ex05")["ex05.q5"]
    value = q.expected(shop)
    assert evaluate(q, value * (1 + 1e-7), shop).status == PASSED
    assert evaluate(q, value * (1 + 1e-3), shop).status == WRONG
    q1 = questions("ex05")["ex05.q1"]
    assert evaluate(q1, q1.expected(shop) + 0.005, shop).status == PASSED
    assert evaluate(q1, q1.expected(shop) + 1, shop).status == WRONG


def test_ex05_drill_down_finds_the_planted_device(shop):
    assert questions("ex05")["ex05.q8"].expected(shop) == "mini_program"


def test_exercise_folders_hold_no_jupytext_sources():
    for ex in EXERCISES:
        folder = pathlib.Path(exercise_sources()[ex]).parent
        assert sorted(p.name for p in folder.iterdir()) == ["README.md", f"{ex}.ipynb"]
