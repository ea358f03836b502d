"""Shared by the exercise-check tests."""

from ecomkit.exercises import trainee_shop
from ecomkit.exercises._questions import WRONG, evaluate

TRAINEES = ("alice", "bob", "carol")


def evaluate_mistake(q, alt):
    """Evaluate a known mistake on the first of three trainee shops where it is
    wrong: on one shop a mistake may give the right answer by chance (the same
    device leads two rankings), but it must differ on at least one."""
    for trainee in TRAINEES:
        shop = trainee_shop(trainee)
        res = evaluate(q, alt.compute(shop), shop)
        if res.status == WRONG:
            break
    return res
