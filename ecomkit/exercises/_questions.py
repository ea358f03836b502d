"""Questions with a ground truth computed from each trainee's own shop.

A :class:`Question` knows how to compute its expected answer from a shop, how
close an answer must be (an explicit tolerance), and the likely mistakes it
can recognise: a percentage instead of a fraction, another 口径 (a named
alternative answer), the wrong window. :func:`evaluate` turns an answer into
one :class:`Result` with a friendly message.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: statuses of a result, in the gradebook's vocabulary
PASSED, NOT_ANSWERED, WRONG = "passed", "not answered", "wrong"
KINDS = ("number", "count", "rate", "text", "choice", "list", "mapping")


@dataclass(frozen=True)
class Alternative:
    """A known wrong answer and what it tells the trainee (e.g. another 口径)."""

    message: str
    compute: Callable  # (shop) -> value


@dataclass(frozen=True)
class Question:
    """One auto-checked question.

    Parameters
    ----------
    id : str
        ``"ex01.q3"``: the exercise and the question; ``check`` finds the
        question by this name, so moving or retyping cells cannot break it.
    prompt : str
        One line: what is asked (shown in feedback).
    expected : callable
        ``expected(shop) -> value``: the ground truth on the trainee's shop.
    kind : str
        ``number`` / ``count`` / ``rate`` (a fraction in [0, 1]) / ``text`` /
        ``choice`` / ``list`` (order does not matter) / ``mapping``.
    rtol, atol : float
        Tolerance for numbers: ``|answer - expected| <= atol + rtol * |expected|``.
    choices : sequence of str, optional
        Allowed answers of a ``choice`` question.
    alternatives : sequence of Alternative
        Known wrong answers (another 口径, another window) with their message.
    hint : str
        Shown when the answer is wrong and no known mistake explains it.
    points : float
        Weight in the gradebook.
    hidden : bool
        Whether the instructor runs extra checks when grading (the trainee
        is told, not shown them).
    """

    id: str
    prompt: str
    expected: Callable
    kind: str = "number"
    rtol: float = 1e-6
    atol: float = 1e-9
    choices: Sequence[str] | None = None
    alternatives: Sequence[Alternative] = ()
    hint: str = ""
    points: float = 1.0
    hidden: bool = False

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Question({self.id!r}): kind must be one of {KINDS}, got {self.kind!r}.")


@dataclass
class Result:
    """What a check found: status, message and points earned."""

    question: str
    status: str
    message: str
    points: float = 0.0
    max_points: float = 1.0
    details: dict = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    def line(self) -> str:
        mark = {PASSED: "✅", NOT_ANSWERED: "⏳", WRONG: "❌"}[self.status]
        return f"{mark} {self.question}: {self.message}"


def _is_missing(answer) -> bool:
    return answer is Ellipsis or answer is None


def _to_number(answer):
    """A plain float from numbers, numpy scalars and one-element containers."""
    if isinstance(answer, bool):
        raise TypeError("a True/False")
    if isinstance(answer, (pd.Series, pd.DataFrame, np.ndarray, list, tuple)):
        values = np.asarray(answer, dtype=object).ravel()
        if len(values) == 1:
            return _to_number(values[0])
        raise TypeError(f"a {type(answer).__name__} of {len(values)} values")
    if isinstance(answer, (int, float, np.integer, np.floating)):
        return float(answer)
    raise TypeError(f"a {type(answer).__name__}")


def _close(a: float, b: float, q: Question) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return abs(a - b) <= q.atol + q.rtol * abs(b)


def _same(answer, expected, q: Question) -> bool:
    if q.kind in ("number", "count", "rate"):
        return _close(_to_number(answer), float(expected), q)
    if q.kind in ("text", "choice"):
        return str(answer).strip().lower() == str(expected).strip().lower()
    if q.kind == "list":
        norm = lambda xs: sorted(str(x).strip().lower() for x in xs)  # noqa: E731
        return norm(answer) == norm(expected)
    if q.kind == "mapping":
        if not isinstance(answer, (Mapping, pd.Series)):
            raise TypeError(f"a {type(answer).__name__}")
        answer = dict(answer)
        if {str(k) for k in answer} != {str(k) for k in expected}:
            return False
        by_key = {str(k): v for k, v in answer.items()}
        return all(_close(_to_number(by_key[str(k)]), float(v), q) for k, v in expected.items())
    raise AssertionError(q.kind)


def _type_problem(answer, q: Question) -> str | None:
    if q.kind in ("number", "count", "rate"):
        try:
            _to_number(answer)
        except TypeError as exc:
            return (
                f"the answer should be one number, but it is {exc}. "
                "Pass a number, e.g. `float(value)` or `table['column'].sum()`."
            )
    elif q.kind in ("text", "choice") and not isinstance(answer, str):
        return f"the answer should be text (a str), but it is a {type(answer).__name__}."
    elif q.kind == "list" and isinstance(answer, (str, Mapping)) or (
        q.kind == "list" and not isinstance(answer, (list, tuple, set, pd.Series, pd.Index, np.ndarray))
    ):
        return f"the answer should be a list, but it is a {type(answer).__name__}."
    return None


def evaluate(q: Question, answer, shop) -> Result:
    """Check ``answer`` against question ``q`` on ``shop``."""
    res = Result(q.id, WRONG, "", 0.0, q.points)
    if _is_missing(answer):
        res.status, res.message = NOT_ANSWERED, "not answered yet."
        return res
    problem = _type_problem(answer, q)
    if problem:
        res.message = problem
        return res
    if q.kind == "choice" and q.choices and str(answer).strip().lower() not in {c.lower() for c in q.choices}:
        res.message = f"{answer!r} is not one of the choices {list(q.choices)}."
        return res
    expected = q.expected(shop)
    try:
        if _same(answer, expected, q):
            res.status, res.points = PASSED, q.points
            res.message = "passed" + (
                " — more checks run when your instructor grades." if q.hidden else "."
            )
            return res
    except TypeError as exc:
        res.message = f"the answer has the wrong shape ({exc})."
        return res
    # a known mistake?
    if q.kind in ("rate", "number"):
        value = _to_number(answer)
        if _close(value / 100.0, float(expected), q):
            res.message = (
                "off by a factor of 100: give the rate as a fraction (e.g. 0.034), "
                "not a percentage (3.4); format as % only when you display it."
            )
            return res
    for alt in q.alternatives:
        try:
            if _same(answer, alt.compute(shop), q):
                res.message = alt.message
                return res
        except (TypeError, ValueError, KeyError):
            continue
    if q.kind == "rate" and not 0 <= _to_number(answer) <= 1:
        res.message = f"a rate is a fraction between 0 and 1, but the answer is {_to_number(answer):g}."
        return res
    res.message = "not quite." + (f" Hint: {q.hint}" if q.hint else "")
    return res
