"""Exercises: build, per-trainee checks, and grading a batch of awkward submissions."""

import json
import pathlib
import re

import nbformat
import pandas as pd
import papermill as pm
import pytest

from ecomkit.exercises import check, questions, start, trainee_seed, trainee_shop
from ecomkit.exercises._build import build_exercises, exercise_sources, student_source
from ecomkit.exercises._grade import grade
from ecomkit.exercises._questions import NOT_ANSWERED, PASSED, WRONG, evaluate
from ecomkit.nbtools import read_records

EXERCISES = sorted(exercise_sources())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_exercises(tmp_path_factory.mktemp("build"))


def run(path, trainee, tmp_path):
    out = tmp_path / f"{path.stem}-{trainee}.ipynb"
    nb = pm.execute_notebook(
        str(path), str(out), parameters={"trainee_id": trainee}, kernel_name="python3",
        cwd=str(path.parent), execution_timeout=120, progress_bar=False,
    )
    return read_records(nb)


# ------------------------------------------------------------------ build --
def test_every_exercise_has_a_readme_and_enough_questions():
    assert EXERCISES, "no exercises found"
    for ex, path in exercise_sources().items():
        readme = (path.parent / "README.md").read_text(encoding="utf-8")
        assert re.search(r"goals", readme, re.I) and re.search(r"prerequisites", readme, re.I)
        assert re.search(r"duration", readme, re.I)
        assert 6 <= len(questions(ex)) <= 10, ex


def test_student_builds_contain_no_solution(built):
    for ex, paths in built.items():
        student = paths["student"].read_text(encoding="utf-8")
        solution = nbformat.read(str(paths["solution"]), as_version=4)
        source = nbformat.read(str(exercise_sources()[ex]), as_version=4)
        assert "SOLUTION" not in student and "PROMPT" not in student
        # every line that only the solution has is absent from the student notebook
        student_nb = nbformat.read(str(paths["student"]), as_version=4)
        student_lines = {ln.strip() for c in student_nb.cells for ln in c.source.splitlines()}
        solution_lines = {ln.strip() for c in solution.cells for ln in c.source.splitlines()}
        secret = {ln for ln in solution_lines - student_lines if len(ln) > 12}
        assert secret, f"{ex}: the solution adds nothing?"
        for line in secret:
            assert line not in student, f"{ex}: solution text leaked: {line}"
        # the source marks at least one solution per question
        marked = sum(c.source.count("BEGIN SOLUTION") + c.source.count("# SOLUTION") for c in source.cells)
        assert marked >= len(questions(ex))


def test_student_source_rules():
    src = "x = 1\n# BEGIN PROMPT\ny = ...\n# END PROMPT\n# BEGIN SOLUTION\ny = x + 1\n# END SOLUTION\nz = y * 2  # SOLUTION\ncheck('q', y)"
    assert student_source(src) == "x = 1\ny = ...\n...\nz = ...\ncheck('q', y)"
    with pytest.raises(ValueError, match="END SOLUTION"):
        student_source("# BEGIN SOLUTION\nx = 1")


@pytest.mark.parametrize("ex", EXERCISES)
def test_solutions_pass_for_several_trainees(ex, built, tmp_path):
    for trainee in ["alice", "bob", "李雷"]:
        records = run(built[ex]["solution"], trainee, tmp_path)
        statuses = {k: v for k, v in records.items() if k.startswith("check:")}
        assert len(statuses) == len(questions(ex))
        assert set(statuses.values()) == {PASSED}, (trainee, statuses)


@pytest.mark.parametrize("ex", EXERCISES)
def test_student_build_runs_and_nothing_is_answered(ex, built, tmp_path):
    records = run(built[ex]["student"], "alice", tmp_path)
    statuses = {k: v for k, v in records.items() if k.startswith("check:")}
    assert len(statuses) == len(questions(ex))
    assert set(statuses.values()) == {NOT_ANSWERED}


# ----------------------------------------------------------------- checks --
def test_trainees_get_different_shops_and_answers():
    assert trainee_seed("alice") != trainee_seed("bob")
    a, b = trainee_shop("alice"), trainee_shop("bob")
    q = questions("ex01")["ex01.q1"]
    assert q.expected(a) != q.expected(b)
    with pytest.raises(ValueError, match="trainee_id"):
        trainee_seed("  ")


def test_check_messages_are_specific(capsys):
    shop = start("ex01", "alice")
    qs = questions("ex01")
    uv = qs["ex01.q1"].expected(shop)
    assert check("ex01.q1", uv).status == PASSED
    assert "✅ ex01.q1: passed." in capsys.readouterr().out
    assert check("ex01.q1", ...).status == NOT_ANSWERED
    sessions_june = shop.sessions["start_ts"].between("2024-06-01", "2024-07-01", inclusive="left").sum()
    res = check("ex01.q1", int(sessions_june))
    assert res.status == WRONG and "sessions" in res.message
    assert "one number" in check("ex01.q1", "lots").message
    bounce = qs["ex01.q4"].expected(shop)
    assert "factor of 100" in check("ex01.q4", bounce * 100).message
    assert "more checks run when your instructor grades" in check("ex01.q4", bounce).message
    assert "GA4" in check("ex01.q4", qs["ex01.q4"].alternatives[0].compute(shop)).message
    assert "whole year" in check("ex01.q1", qs["ex01.q1"].alternatives[2].compute(shop)).message
    assert "not one of the choices" in check("ex01.q6", "teleport").message
    assert "no question" in check("ex01.q99", 1).message


def test_tolerance_is_explicit_per_question():
    shop = trainee_shop("alice")
    q = questions("ex01")["ex01.q3"]
    value = q.expected(shop)
    assert evaluate(q, value * (1 + 1e-9), shop).status == PASSED
    assert evaluate(q, value * 1.01, shop).status == WRONG
    exact = questions("ex01")["ex01.q1"]
    assert evaluate(exact, exact.expected(shop) + 1, shop).status == WRONG


# ---------------------------------------------------------------- grading --
def _cell_index(nb, needle):
    return next(i for i, c in enumerate(nb.cells) if needle in c.source)


@pytest.fixture(scope="module")
def graded(built, tmp_path_factory):
    """A batch of prepared submissions of ex01, graded once."""
    folder = tmp_path_factory.mktemp("submissions")
    solution = nbformat.read(str(built["ex01"]["solution"]), as_version=4)

    def save(name, nb):
        nbformat.write(nb, str(folder / f"{name}.ipynb"))

    def copy():
        return nbformat.reads(nbformat.writes(solution), as_version=4)

    save("alice", copy())  # correct
    nb = copy()  # partly wrong: sessions instead of visitors, a percentage
    i = _cell_index(nb, 'check("ex01.q1"')
    nb.cells[i].source = nb.cells[i].source.replace('check("ex01.q1", uv_june)', 'check("ex01.q1", int(in_june.sum()))')
    i = _cell_index(nb, 'check("ex01.q4"')
    nb.cells[i].source = nb.cells[i].source.replace("check(\"ex01.q4\", bounce)", "check(\"ex01.q4\", bounce * 100)")
    save("bob", nb)
    nb = copy()  # an error in one cell
    nb.cells.insert(_cell_index(nb, 'check("ex01.q3"'), nbformat.v4.new_code_cell("1 / 0"))
    save("carol", nb)
    nb = copy()  # an infinite loop
    nb.cells.insert(_cell_index(nb, 'check("ex01.q5"'), nbformat.v4.new_code_cell("while True:\n    pass"))
    save("dave", nb)
    nb = copy()  # deleted the Q2 cell, duplicated the Q1 cell
    i1 = _cell_index(nb, 'check("ex01.q1"')
    nb.cells.insert(i1, nbformat.v4.new_code_cell(nb.cells[i1].source))
    del nb.cells[_cell_index(nb, 'check("ex01.q2"')]
    save("erin", nb)
    (folder / "frank.ipynb").write_text("{this is not a notebook", encoding="utf-8")
    nb = copy()  # tries to write outside its working folder
    nb.cells.insert(_cell_index(nb, 'check("ex01.q1"'), nbformat.v4.new_code_cell(
        "open('/tmp/ecomkit_grader_escape.txt', 'w').write('x')"))
    save("grace", nb)
    nb = copy()  # redefines check
    nb.cells.insert(_cell_index(nb, "start(") + 1, nbformat.v4.new_code_cell(
        "def check(question, answer):\n    print('✅', question, 'passed.')"))
    save("heidi", nb)
    escape = pathlib.Path("/tmp/ecomkit_grader_escape.txt")
    escape.unlink(missing_ok=True)
    out = folder / "out" / "grades.csv"
    book = grade("ex01", sorted(folder.glob("*.ipynb")), out, cell_timeout=8, total_timeout=240,
                 jobs=2, progress=False)
    return book.set_index("trainee_id"), out, escape


def test_every_submission_gets_a_row_with_the_expected_grade(graded):
    book, out, _ = graded
    # erin deleted the Q2 cell, whose variables Q3 and Q4 also use: 8 - 3
    expected_totals = {"alice": 8, "bob": 6, "carol": 8, "dave": 8, "erin": 5, "frank": 0, "grace": 8, "heidi": 0}
    assert book["total"].to_dict() == expected_totals
    assert (book["max"] == 8).all()
    assert book.loc["alice", "status"] == "ok"
    assert book.loc["carol", "status"] == "ran with errors" and book.loc["carol", "errors"] == 1
    assert book.loc["dave", "errors"] == 1
    assert book.loc["frank", "status"].startswith("invalid notebook")
    assert book.loc["grace", "errors"] == 1
    assert book.loc["erin", "ex01.q2"] == 0 and book.loc["erin", "ex01.q1"] == 1
    assert list(pd.read_csv(out).columns[:3]) == ["submission", "trainee_id", "ex01.q1"]


def test_feedback_explains_mistakes_and_shows_execution_errors(graded):
    _, out, _ = graded
    fb = {p.stem: p.read_text(encoding="utf-8") for p in (out.parent / "feedback").glob("*.md")}
    assert len(fb) == 8
    assert "sessions" in fb["bob"] and "factor of 100" in fb["bob"]
    assert "ZeroDivisionError" in fb["carol"]
    assert "KeyboardInterrupt" in fb["dave"]
    assert "PermissionError" in fb["grace"]
    assert "NameError" in fb["erin"]
    assert "not answered" in fb["heidi"]
    statuses = json.loads((out.parent / "grades.json").read_text())
    assert statuses["heidi"]["ex01.q1"] == NOT_ANSWERED


def test_submission_could_not_write_outside_its_folder(graded):
    _, _, escape = graded
    assert not escape.exists()


def test_hidden_checks_run_at_grading(built, tmp_path):
    hidden = tmp_path / "hidden"
    hidden.mkdir()
    (hidden / "ex01.py").write_text(
        "HIDDEN = {'ex01.q4': [lambda answer, shop: 'bounce must be below 0.01 (hidden rule)']}\n",
        encoding="utf-8",
    )
    sub = tmp_path / "alice.ipynb"
    sub.write_bytes(built["ex01"]["solution"].read_bytes())
    book = grade("ex01", [sub], tmp_path / "g.csv", hidden=hidden, progress=False, jobs=1)
    assert book.loc[0, "ex01.q4"] == 0 and book.loc[0, "total"] == 7
    assert "hidden check failed" in (tmp_path / "feedback" / "alice.md").read_text()
    (hidden / "ex01.py").write_text("HIDDEN = {'ex01.q99': []}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown questions"):
        grade("ex01", [sub], tmp_path / "g.csv", hidden=hidden, progress=False)
