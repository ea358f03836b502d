"""Run every notebook on one shop folder and render an HTML report with an index.

``ecomkit report --data-dir DIR`` (or ``make report DATA=DIR``) executes the
teaching notebooks with papermill on a chosen shop and writes one HTML page per
notebook plus ``index.html`` into ``reports/``: what an analyst sends to their
manager and what a trainee reads without running anything.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = ["NotebookRun", "notebook_paths", "run_report"]

_PROJECT = Path(__file__).resolve().parents[1]


@dataclass
class NotebookRun:
    """The outcome of one notebook in a report."""

    name: str
    seconds: float
    ok: bool
    error: str = ""
    html: str = ""


def notebook_paths(folder=None, names=None) -> list[Path]:
    """The numbered notebooks of ``folder`` (default: the project's ``notebooks/``),
    optionally only those whose name starts with one of ``names``."""
    folder = Path(folder) if folder is not None else _PROJECT / "notebooks"
    paths = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    if names:
        paths = [p for p in paths if any(p.stem.startswith(str(n)) for n in names)]
    return paths


def _in_report(path: Path) -> bool:
    """False for notebooks whose metadata says ``{"ecomkit": {"report": false}}``."""
    import json

    meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {})
    return meta.get("ecomkit", {}).get("report", True)


def _title(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("# ").strip()
    return ""


def run_report(
    data_dir: str = "demo",
    out=None,
    *,
    notebooks=None,
    parameters: dict | None = None,
    engine: str = "pandas",
    timeout: int = 300,
    no_input: bool = False,
    progress: bool = True,
) -> list[NotebookRun]:
    """Execute the notebooks on ``data_dir`` and write HTML pages and an index.

    Parameters
    ----------
    data_dir : str, default="demo"
        Shop folder (CSV or Parquet files, one per table) or ``"demo"``.
    out : path, default="reports"
        Output folder; one ``<notebook>.html`` per notebook and ``index.html``.
    notebooks : list of str, optional
        Only the notebooks whose names start with these (e.g. ``["01", "04"]``).
    parameters : dict, optional
        Extra papermill parameters passed to every notebook that declares them
        (``start``, ``end``, ...); others are not passed to a notebook that lacks them.
    engine : {"pandas", "duckdb"}, default="pandas"
        Passed to every notebook that takes it: ``"duckdb"`` leaves the
        ``events`` table on disk and reads it out of core (see
        :func:`ecomkit.engine.open_shop`); sections that need every event in
        memory are skipped with a note.
    timeout : int, default=300
        Seconds allowed per cell.
    no_input : bool, default=False
        Hide the code cells (a report for readers who do not read code).
    progress : bool, default=True
        Show a progress bar.

    Returns
    -------
    list of NotebookRun
        One per notebook: name, seconds, ok, error, html path. A notebook that
        fails still gets a page (showing where it failed) and the others run.
    """
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter
    from tqdm.auto import tqdm

    from .engine import ENGINES

    if engine not in ENGINES:
        raise ValueError(f"run_report(): `engine` must be one of {list(ENGINES)}, got {engine!r}.")
    out = Path(out) if out is not None else Path("reports")
    out.mkdir(parents=True, exist_ok=True)
    paths = notebook_paths(names=notebooks)
    if notebooks is None:  # tutorials about the tools (e.g. 08, 09) opt out of reports
        paths = [p for p in paths if _in_report(p)]
    if not paths:
        raise ValueError(f"run_report(): no notebooks match {notebooks!r}.")
    exporter = HTMLExporter(template_name="lab", exclude_input=no_input)
    runs = []
    for path in tqdm(paths, desc="report", unit="notebook", disable=not progress):
        declared = pm.inspect_notebook(str(path))
        params = {"data_dir": str(data_dir), "engine": engine}
        params.update(parameters or {})
        params = {k: v for k, v in params.items() if k in declared}
        executed = out / f"{path.stem}.ipynb"
        started = time.perf_counter()
        error = ""
        try:
            pm.execute_notebook(
                str(path), str(executed), parameters=params, kernel_name="python3",
                cwd=str(path.parent), execution_timeout=timeout, progress_bar=False,
            )
        except Exception as exc:  # the page shows the failing cell; keep going
            error = f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
        seconds = time.perf_counter() - started
        page = out / f"{path.stem}.html"
        if executed.exists():
            body, _ = exporter.from_notebook_node(nbformat.read(str(executed), as_version=4))
            page.write_text(body, encoding="utf-8")
        runs.append(NotebookRun(path.stem, seconds, not error, error, page.name))
    _write_index(out, runs, data_dir, paths, engine)
    return runs


def _write_index(out: Path, runs, data_dir, paths, engine: str) -> None:
    import nbformat

    titles = {p.stem: _title(nbformat.read(str(p), as_version=4)) for p in paths}
    rows = []
    for r in runs:
        status = "ok" if r.ok else f"failed: {html.escape(r.error)}"
        rows.append(
            f"<tr><td><a href='{html.escape(r.html)}'>{html.escape(r.name)}</a></td>"
            f"<td>{html.escape(titles.get(r.name, ''))}</td><td>{r.seconds:.1f} s</td><td>{status}</td></tr>"
        )
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>ecomkit report</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:4px 12px;text-align:left}}</style></head>
<body><h1>ecomkit report · 电商运营分析报告</h1>
<p>Shop: <code>{html.escape(str(data_dir))}</code> · engine {html.escape(engine)} · generated {time.strftime('%Y-%m-%d %H:%M')}</p>
<table><tr><th>notebook</th><th>topic</th><th>time</th><th>status</th></tr>
{''.join(rows)}</table></body></html>"""
    (out / "index.html").write_text(page, encoding="utf-8")
