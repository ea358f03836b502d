"""Build student and solution notebooks from one instructor source.

The source marks solutions the way otter-grader and nbgrader do, so the
material carries over to those tools:

* ``# BEGIN SOLUTION`` … ``# END SOLUTION`` in a code cell: the block becomes
  ``...`` in the student notebook (otter style, so the notebook still runs top
  to bottom: ``check`` reports "not answered yet");
* a line ending in ``# SOLUTION``: ``x = expr  # SOLUTION`` becomes ``x = ...``;
  any other such line is removed;
* ``# BEGIN PROMPT`` … ``# END PROMPT``: shown to students only;
* ``<!-- BEGIN SOLUTION -->`` … ``<!-- END SOLUTION -->`` in markdown: written
  answers, removed from the student notebook;
* a cell tagged ``instructor`` is left out of the student notebook.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat

__all__ = ["build_exercises", "exercise_sources", "student_source", "solution_source"]

_PROJECT = Path(__file__).resolve().parents[2]
_BEGIN = re.compile(r"^(\s*)#\s*BEGIN SOLUTION\b.*$")
_END = re.compile(r"^\s*#\s*END SOLUTION\b.*$")
_BEGIN_PROMPT = re.compile(r"^\s*#\s*BEGIN PROMPT\b.*$")
_END_PROMPT = re.compile(r"^\s*#\s*END PROMPT\b.*$")
_LINE = re.compile(r"^(\s*)(.*?)\s*#\s*SOLUTION\s*$")
_ASSIGN = re.compile(r"^([A-Za-z_][\w\[\]'\".,\s]*?)\s*=(?!=)")
_MD = re.compile(r"<!--\s*BEGIN SOLUTION\s*-->.*?<!--\s*END SOLUTION\s*-->\s*", re.S)


def student_source(code: str) -> str:
    """The student version of a code cell's source."""
    out, in_solution = [], False
    for line in code.splitlines():
        if m := _BEGIN.match(line):
            in_solution = True
            out.append(f"{m.group(1)}...")
            continue
        if _END.match(line):
            in_solution = False
            continue
        if _BEGIN_PROMPT.match(line) or _END_PROMPT.match(line):
            continue  # prompt lines stay, their markers go
        if in_solution:
            continue
        if m := _LINE.match(line):
            indent, body = m.groups()
            if a := _ASSIGN.match(body):
                out.append(f"{indent}{a.group(1).strip()} = ...")
            continue
        out.append(line)
    if in_solution:
        raise ValueError("a `# BEGIN SOLUTION` has no `# END SOLUTION`")
    return "\n".join(out)


def solution_source(code: str) -> str:
    """The solution version of a code cell's source: markers and prompts removed."""
    out, in_prompt = [], False
    for line in code.splitlines():
        if _BEGIN.match(line) or _END.match(line):
            continue
        if _BEGIN_PROMPT.match(line):
            in_prompt = True
            continue
        if _END_PROMPT.match(line):
            in_prompt = False
            continue
        if in_prompt:
            continue
        if m := _LINE.match(line):
            indent, body = m.groups()
            out.append(f"{indent}{body}")
            continue
        out.append(line)
    return "\n".join(out)


def _clean(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
    return nb


def _variant(source_nb, student: bool):
    nb = nbformat.reads(nbformat.writes(source_nb), as_version=4)  # a deep copy
    cells = []
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if student and "instructor" in tags:
            continue
        if cell.cell_type == "code":
            cell.source = student_source(cell.source) if student else solution_source(cell.source)
        elif cell.cell_type == "markdown" and student:
            cell.source = _MD.sub("", cell.source)
        elif cell.cell_type == "markdown":
            cell.source = re.sub(r"<!--\s*(BEGIN|END) SOLUTION\s*-->\s*", "", cell.source)
        cells.append(cell)
    nb.cells = cells
    return _clean(nb)


def exercise_sources(folder=None) -> dict[str, Path]:
    """Instructor sources: ``exercises/exNN_topic/exNN.ipynb`` by exercise id."""
    folder = Path(folder) if folder is not None else _PROJECT / "exercises"
    return {p.stem: p for p in sorted(folder.glob("ex[0-9][0-9]_*/ex[0-9][0-9].ipynb"))}


def build_exercises(out=None, *, source=None, exercises=None) -> dict[str, dict[str, Path]]:
    """Write ``<out>/student/exNN.ipynb`` and ``<out>/solution/exNN.ipynb``.

    Parameters
    ----------
    out : path, default="build/exercises"
        Build folder (not committed).
    source : path, optional
        Folder of instructor sources (default: the project's ``exercises/``).
    exercises : list of str, optional
        Only these exercise ids.

    Returns
    -------
    dict
        ``{exercise: {"student": path, "solution": path}}``.
    """
    out = Path(out) if out is not None else Path("build/exercises")
    found = exercise_sources(source)
    if exercises:
        unknown = set(exercises) - set(found)
        if unknown:
            raise ValueError(f"build_exercises(): unknown exercise(s) {sorted(unknown)}; known: {sorted(found)}.")
        found = {k: v for k, v in found.items() if k in exercises}
    built = {}
    for ex, path in found.items():
        nb = nbformat.read(str(path), as_version=4)
        paths = {}
        for kind, student in (("student", True), ("solution", False)):
            target = out / kind / f"{ex}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(_variant(nb, student), str(target))
            readme = path.parent / "README.md"
            if readme.exists():
                shutil.copyfile(readme, target.parent / f"{ex}_README.md")
            paths[kind] = target
        built[ex] = paths
    return built
