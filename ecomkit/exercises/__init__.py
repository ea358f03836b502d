"""Exercises that instructors assign and grade, with per-trainee data.

In a student notebook::

    from ecomkit.exercises import start, check
    shop = start("ex01", trainee_id)      # this trainee's own shop
    uv = ...                              # the trainee's answer
    check("ex01.q1", uv)                  # one friendly line

Each trainee id maps to a seed (:func:`trainee_seed`: the first 8 hex digits of
the SHA-256 of the id, lower-cased and stripped), so every trainee gets a
different shop and the expected answers are computed from that shop: answers
cannot be copied between trainees. Checks are found by name (``"ex01.q3"``),
never by cell metadata. ``check`` also records the answer in the notebook, so
the grader (``ecomkit exercises grade``) re-checks every answer in its own
process, with the instructor's hidden checks too.
"""

from __future__ import annotations

import hashlib
import importlib
from functools import lru_cache

from .._bunch import Bunch
from ._questions import (
    NOT_ANSWERED,
    PASSED,
    WRONG,
    Alternative,
    Question,
    Result,
    evaluate,
)

__all__ = [
    "Alternative",
    "Question",
    "Result",
    "TRAINEE_SHOP_CUSTOMERS",
    "check",
    "questions",
    "start",
    "trainee_seed",
    "trainee_shop",
]

#: size of a trainee's shop: small enough to build in a blink, big enough for
#: every story to show
TRAINEE_SHOP_CUSTOMERS = 1500

_context: dict = {}


def trainee_seed(trainee_id) -> int:
    """The seed of a trainee's shop: ``int(sha256(id.strip().lower())[:8], 16)``.

    Examples
    --------
    >>> trainee_seed("Alice") == trainee_seed(" alice ")
    True
    >>> trainee_seed("alice") != trainee_seed("bob")
    True
    """
    text = str(trainee_id).strip().lower()
    if not text:
        raise ValueError("trainee_seed(): `trainee_id` is empty; use your trainee id, e.g. 'alice'.")
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:8], 16)


@lru_cache(maxsize=8)
def trainee_shop(trainee_id) -> Bunch:
    """The shop of one trainee (cached): ``make_shop(1500, random_state=trainee_seed(id))``."""
    from ..datasets import make_shop

    return make_shop(TRAINEE_SHOP_CUSTOMERS, random_state=trainee_seed(trainee_id))


def questions(exercise: str) -> dict[str, Question]:
    """The public questions of an exercise, by id."""
    try:
        module = importlib.import_module(f"ecomkit.exercises.checks.{exercise}")
    except ModuleNotFoundError:
        raise ValueError(f"questions(): no exercise {exercise!r}; known exercises: {_known()}.") from None
    return {q.id: q for q in module.QUESTIONS}


def _known() -> list[str]:
    from importlib.resources import files

    return sorted(p.name[:-3] for p in files("ecomkit.exercises.checks").iterdir() if p.name.startswith("ex") and p.name.endswith(".py"))


def start(exercise: str, trainee_id) -> Bunch:
    """Begin an exercise: returns the trainee's shop and remembers it for :func:`check`."""
    qs = questions(exercise)
    shop = trainee_shop(str(trainee_id).strip().lower())
    _context.update(exercise=exercise, trainee_id=str(trainee_id), shop=shop, questions=qs)
    try:
        from ..nbtools import record

        record("trainee_id", str(trainee_id))
        record("exercise", exercise)
    except Exception:  # pragma: no cover - recording is best effort outside notebooks
        pass
    return shop


def check(question_id: str, answer) -> Result:
    """Check one answer and print one friendly line; the answer is recorded for grading.

    Examples
    --------
    >>> shop = start("ex01", "alice")
    >>> r = check("ex01.q1", ...)
    ⏳ ex01.q1: not answered yet.
    >>> r = check("ex01.q1", "many")
    ❌ ex01.q1: the answer should be one number, but it is a str. Pass a number, e.g. `float(value)` or `table['column'].sum()`.
    """
    if not _context:
        res = Result(question_id, WRONG, 'call `start("<exercise>", trainee_id)` first: it loads your shop.')
        print(res.line())
        return res
    qs = _context["questions"]
    if question_id not in qs:
        res = Result(question_id, WRONG, f"no question {question_id!r} in {_context['exercise']}; the questions are {sorted(qs)}.")
        print(res.line())
        return res
    res = evaluate(qs[question_id], answer, _context["shop"])
    print(res.line())
    try:
        from ..nbtools import record

        record(f"answer:{question_id}", None if answer is Ellipsis else answer)
        record(f"check:{question_id}", res.status)
    except (TypeError, ValueError):  # an answer that is not JSON: grading shows it as wrong type
        record(f"answer:{question_id}", repr(answer)[:200])
    return res


# re-exported for the grader and tests
STATUSES = (PASSED, NOT_ANSWERED, WRONG)
