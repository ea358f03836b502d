"""The questions of ex03 (members) and ex04 (finance): each known mistake is recognised.

On alice's shop every question's expected answer passes, and every Alternative's
value gets exactly that Alternative's message: an alternative that coincided with
the expected answer (or with an earlier alternative) would make the question
ambiguous. The story questions must find the planted stories.
"""

import re

import pandas as pd
import pytest
from exercise_helpers import evaluate_mistake

from ecomkit.exercises import questions, trainee_shop
from ecomkit.exercises._build import exercise_sources
from ecomkit.exercises._questions import PASSED, WRONG, evaluate

EXERCISES = ("ex03", "ex04")
QUESTIONS = [q for ex in EXERCISES for q in questions(ex).values()]
ALTERNATIVES = [(q, i) for q in QUESTIONS for i in range(len(q.alternatives))]


@pytest.fixture(scope="module")
def shop():
    return trainee_shop("alice")


@pytest.fixture(scope="module")
def expected(shop):
    return {q.id: q.expected(shop) for q in QUESTIONS}


def test_six_to_ten_questions_each_with_alternatives_and_a_hint():
    for ex in EXERCISES:
        qs = questions(ex)
        assert 6 <= len(qs) <= 10
        assert any(q.hidden for q in qs.values())
        for q in qs.values():
            assert q.alternatives, q.id
            assert q.hint, q.id


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.id)
def test_expected_answer_passes(q, shop, expected):
    res = evaluate(q, expected[q.id], shop)
    assert res.status == PASSED, res.message
    if q.kind == "choice":
        assert expected[q.id] in q.choices


@pytest.mark.parametrize(("q", "i"), ALTERNATIVES, ids=lambda x: x.id if hasattr(x, "id") else f"alt{x}")
def test_each_alternative_gets_its_message(q, i, shop, expected):
    alt = q.alternatives[i]
    res = evaluate_mistake(q, alt)
    assert res.status == WRONG, f"{q.id} alternative {i} coincides with the expected answer on three shops"
    assert res.message == alt.message, (q.id, i, res.message)


@pytest.mark.parametrize("q", [q for q in QUESTIONS if q.kind in ("rate", "number")], ids=lambda q: q.id)
def test_a_percentage_is_recognised(q, shop, expected):
    res = evaluate(q, expected[q.id] * 100, shop)
    assert res.status == WRONG and "factor of 100" in res.message


@pytest.mark.parametrize("q", [q for q in QUESTIONS if q.kind in ("rate", "number", "count")], ids=lambda q: q.id)
def test_tolerance_is_explicit(q, shop, expected):
    value = float(expected[q.id])
    slack = q.atol + q.rtol * abs(value)
    assert evaluate(q, value + slack / 2, shop).status == PASSED
    outside = value + max(2 * slack, 1.0 if q.kind == "count" else 1e-3 * max(abs(value), 1e-3))
    assert evaluate(q, outside, shop).status == WRONG


def test_type_and_choice_problems_are_explained(shop):
    ex03, ex04 = questions("ex03"), questions("ex04")
    assert "one number" in evaluate(ex03["ex03.q1"], "453", shop).message
    assert "not one of the choices" in evaluate(ex03["ex03.q6"], "April", shop).message
    assert "a list" in evaluate(ex04["ex04.q7"], "paid_search 2024-09", shop).message
    assert "not one of the choices" in evaluate(ex04["ex04.q10"], "panic", shop).message


def _story(shop, sid):
    row = shop.stories.set_index("id").loc[sid]
    assert row["enabled"], sid
    return row["start"]


def test_story_questions_find_the_planted_stories(shop, expected):
    cohort = _story(shop, "discount_cohort_churn")
    assert expected["ex03.q6"] == f"{cohort:%Y-%m}"
    # the push gave a 50-off-59 拉新券: its face value is the largest new_customer coupon
    c = shop.coupons
    assert expected["ex03.q7"] == c.loc[c["kind"] == "new_customer", "face_value"].max()
    assert expected["ex04.q4"] == f"{_story(shop, 'carrier_price_increase'):%Y-%m}"
    assert expected["ex04.q5"] == pytest.approx(0.30, abs=0.05)  # the carrier's +30 %
    assert expected["ex04.q7"] == ["paid_search", f"{_story(shop, 'cpc_inflation'):%Y-%m}"]
    assert expected["ex04.q10"] == "cut"
    # the private domain: contacts come back more than other earlier buyers
    launch = _story(shop, "private_domain_launch")
    assert launch < pd.Timestamp("2024-10-01")
    q10 = questions("ex03")["ex03.q10"]
    assert expected["ex03.q10"] > q10.alternatives[0].compute(shop)


def test_stories_hold_for_other_trainees():
    for trainee in ("bob", "李雷"):
        shop = trainee_shop(trainee)
        assert questions("ex03")["ex03.q6"].expected(shop) == f"{_story(shop, 'discount_cohort_churn'):%Y-%m}"
        assert questions("ex04")["ex04.q4"].expected(shop) == f"{_story(shop, 'carrier_price_increase'):%Y-%m}"


def test_readmes_name_the_hidden_questions():
    for ex in EXERCISES:
        readme = (exercise_sources()[ex].parent / "README.md").read_text(encoding="utf-8")
        hidden = sorted(int(q.id.rsplit(".q", 1)[1]) for q in questions(ex).values() if q.hidden)
        named = re.search(r"(Q\d+) and (Q\d+) have hidden checks", readme)
        assert named and [int(x[1:]) for x in named.groups()] == hidden, ex
        assert f"{len(questions(ex))} auto-checked questions" in readme
