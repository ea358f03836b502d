"""Grade a batch of submitted notebooks: execute each in its own process, re-check
every recorded answer on the trainee's own shop, write a gradebook and feedback.

A submission is executed with papermill in a separate Python process, in a
fresh working folder, with a per-cell timeout (a stuck cell is interrupted and
the next cells still run) and a total timeout (the process is killed). The
grader's guard cell runs first (:mod:`._guard`). Whatever happens — an error
in a cell, an infinite loop, deleted or duplicated cells, a file that is not a
notebook, an attempt to write outside the working folder, a redefined
``check`` — the submission gets a gradebook row and a feedback file that shows
its own execution errors.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from . import questions, trainee_shop
from ._guard import GUARD_SOURCE, GUARD_TAG
from ._questions import NOT_ANSWERED, WRONG, Result, evaluate

__all__ = ["grade", "load_hidden_checks"]


def load_hidden_checks(folder) -> dict:
    """Hidden checks from ``folder/<exercise>.py`` files defining
    ``HIDDEN = {"ex01.q3": [check(answer, shop) -> message or None, ...]}``."""
    hidden: dict = {}
    if folder is None:
        return hidden
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"grade(): `hidden` folder {str(folder)!r} does not exist.")
    for path in sorted(folder.glob("*.py")):
        namespace: dict = {}
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
        for qid, checks in namespace.get("HIDDEN", {}).items():
            hidden.setdefault(qid, []).extend(checks)
    return hidden


def _trainee_of(path: Path) -> str:
    """Submissions are named after the trainee: ``alice.ipynb`` or ``ex01_alice.ipynb``."""
    stem = path.stem
    for prefix in ("ex",):
        if stem.startswith(prefix) and "_" in stem and stem.split("_", 1)[0][2:].isdigit():
            return stem.split("_", 1)[1]
    return stem


def _execute(src: Path, workdir: Path, trainee_id: str, cell_timeout: int, total_timeout: int):
    """Run one submission in its own process; returns (executed notebook path, status, seconds)."""
    import nbformat

    try:
        nb = nbformat.read(str(src), as_version=4)
        nbformat.validate(nb)
    except Exception as exc:  # not JSON, not a notebook
        return None, f"invalid notebook ({type(exc).__name__})", 0.0
    guard = nbformat.v4.new_code_cell(GUARD_SOURCE)
    guard.metadata["tags"] = [GUARD_TAG]
    nb.cells.insert(0, guard)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    inp, out = workdir / "submission.ipynb", workdir / "executed.ipynb"
    nbformat.write(nb, str(inp))
    (workdir / "tmp").mkdir(exist_ok=True)
    env = dict(os.environ)
    env.update(
        HOME=str(workdir), TMPDIR=str(workdir / "tmp"), MPLCONFIGDIR=str(workdir / ".mpl"),
        IPYTHONDIR=str(workdir / ".ipython"), MPLBACKEND="Agg", TQDM_DISABLE="1",
    )
    code = (
        "import sys, papermill as pm\n"
        "try:\n"
        f"    pm.execute_notebook({str(inp)!r}, {str(out)!r}, parameters={{'trainee_id': {trainee_id!r}}},\n"
        f"        kernel_name='python3', cwd={str(workdir)!r}, execution_timeout={int(cell_timeout)},\n"
        "        allow_errors=True, interrupt_on_timeout=True, progress_bar=False, log_output=False)\n"
        "except Exception as exc:\n"
        "    print(type(exc).__name__, file=sys.stderr)\n"
    )
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code], cwd=str(workdir), env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
    )
    status = "ran"
    try:
        proc.communicate(timeout=total_timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        status = f"timed out after {total_timeout} s"
    seconds = time.perf_counter() - started
    return (out if out.exists() else None), status, seconds


def _errors(executed) -> list[str]:
    found = []
    for i, cell in enumerate(executed.cells):
        if GUARD_TAG in cell.metadata.get("tags", []):
            continue
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                first = next((ln for ln in cell.source.splitlines() if ln.strip()), "")
                found.append(f"cell {i}: {o.get('ename')}: {o.get('evalue')}  (`{first[:60]}`)")
    return found


def _grade_one(path: Path, exercise: str, qs, hidden, cell_timeout, total_timeout, keep) -> dict:
    import nbformat

    from ..nbtools import read_records

    trainee = _trainee_of(path)
    workdir = Path(tempfile.mkdtemp(prefix=f"grade-{trainee}-"))
    try:
        executed_path, status, seconds = _execute(path, workdir, trainee, cell_timeout, total_timeout)
        records, errors = {}, []
        if executed_path is not None:
            executed = nbformat.read(str(executed_path), as_version=4)
            records = read_records(executed)
            errors = _errors(executed)
            if keep is not None:
                shutil.copyfile(executed_path, Path(keep) / f"{path.stem}.executed.ipynb")
        if status == "ran":
            status = "ok" if not errors else "ran with errors"
        shop = trainee_shop(trainee)
        results = []
        for qid, q in qs.items():
            key = f"answer:{qid}"
            res = evaluate(q, records[key], shop) if key in records else Result(qid, NOT_ANSWERED, "not answered (no `check` call recorded an answer).", 0.0, q.points)
            if res.passed:
                for extra in hidden.get(qid, []):
                    message = extra(records[key], shop)
                    if message:
                        res = Result(qid, WRONG, f"a hidden check failed: {message}", 0.0, q.points)
                        break
            results.append(res)
        return {"path": path, "trainee": trainee, "status": status, "seconds": seconds,
                "results": results, "errors": errors}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _feedback(row: dict, exercise: str) -> str:
    lines = [f"# {exercise} feedback for {row['trainee']}", "",
             f"Submission `{row['path'].name}`: {row['status']}.", ""]
    total = sum(r.points for r in row["results"])
    best = sum(r.max_points for r in row["results"])
    lines += [f"Score: {total:g} / {best:g}", "", "## Questions", ""]
    lines += [f"- {r.line()}" for r in row["results"]]
    if row["errors"]:
        lines += ["", "## Errors while running your notebook", "",
                  "Fix these first: a question after a failing cell may not have been reached.", ""]
        lines += [f"- {e}" for e in row["errors"]]
    return "\n".join(lines) + "\n"


def grade(
    exercise: str,
    submissions,
    out="grades.csv",
    *,
    feedback_dir=None,
    hidden=None,
    cell_timeout: int = 60,
    total_timeout: int = 600,
    jobs: int = 2,
    keep_executed=None,
    progress: bool = True,
) -> pd.DataFrame:
    """Grade submissions of one exercise; write the gradebook CSV and feedback files.

    Parameters
    ----------
    exercise : str
        Exercise id, e.g. ``"ex01"``.
    submissions : list of paths
        Notebooks named after the trainee (``alice.ipynb`` or ``ex01_alice.ipynb``).
    out : path, default="grades.csv"
        Gradebook: one row per submission, one column per question (points),
        ``total``, ``max``, ``status``, ``seconds``.
    feedback_dir : path, optional
        Where ``<trainee>.md`` feedback files go (default: next to ``out``, in
        ``feedback/``).
    hidden : path, optional
        Folder of hidden checks (see :func:`load_hidden_checks`).
    cell_timeout, total_timeout : int
        Seconds per cell and per submission.
    jobs : int, default=2
        Submissions executed at the same time.
    keep_executed : path, optional
        Keep the executed notebooks there.
    progress : bool, default=True
        Show a progress bar.

    Returns
    -------
    pandas.DataFrame
        The gradebook.
    """
    from tqdm.auto import tqdm

    qs = questions(exercise)
    hidden_checks = load_hidden_checks(hidden)
    unknown = set(hidden_checks) - set(qs)
    if unknown:
        raise ValueError(f"grade(): hidden checks name unknown questions {sorted(unknown)}.")
    paths = [Path(p) for p in submissions]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise ValueError(f"grade(): submission file(s) not found: {missing}.")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    feedback_dir = Path(feedback_dir) if feedback_dir is not None else out.parent / "feedback"
    feedback_dir.mkdir(parents=True, exist_ok=True)
    if keep_executed is not None:
        Path(keep_executed).mkdir(parents=True, exist_ok=True)

    def work(p):
        return _grade_one(p, exercise, qs, hidden_checks, cell_timeout, total_timeout, keep_executed)

    rows = []
    with ThreadPoolExecutor(max_workers=max(1, int(jobs))) as pool:
        for row in tqdm(pool.map(work, paths), total=len(paths), desc=f"grading {exercise}",
                        unit="submission", disable=not progress):
            rows.append(row)
            (feedback_dir / f"{row['trainee']}.md").write_text(_feedback(row, exercise), encoding="utf-8")
    book = pd.DataFrame(
        [
            {
                "submission": r["path"].name,
                "trainee_id": r["trainee"],
                **{res.question: res.points for res in r["results"]},
                "total": sum(res.points for res in r["results"]),
                "max": sum(res.max_points for res in r["results"]),
                "status": r["status"],
                "errors": len(r["errors"]),
                "seconds": round(r["seconds"], 2),
            }
            for r in rows
        ]
    )
    book.to_csv(out, index=False)
    (out.parent / f"{out.stem}.json").write_text(
        json.dumps({r["trainee"]: {res.question: res.status for res in r["results"]} for r in rows}, indent=1),
        encoding="utf-8",
    )
    return book
