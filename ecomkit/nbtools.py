"""Small helpers the notebooks share: open a shop folder, check which sections
can run, and record key results for the tests and the report.

``record(name, value)`` displays a JSON payload under ecomkit's own MIME type;
papermill keeps it in the executed notebook, where :func:`read_records` finds
it (scrapbook did this, but it is unmaintained).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from ._bunch import Bunch
from .engine import TableOnDisk, open_shop

__all__ = [
    "RECORD_MIME",
    "data_window",
    "explorer",
    "metric_card",
    "open_shop",
    "read_records",
    "record",
    "sections",
    "show_metric",
]

RECORD_MIME = "application/vnd.ecomkit.record+json"


def _jsonable(value):
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        v = float(value)
        return None if np.isnan(v) else v
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, pd.Series):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, pd.DataFrame):
        return [{str(k): _jsonable(v) for k, v in row.items()} for row in value.to_dict("records")]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def record(name: str, value):
    """Record a key result of a notebook under ``name`` (numbers, text, lists,
    dicts, Series, DataFrames). Shows nothing to the reader.

    Examples
    --------
    >>> record("uv", 1234)  # outside a notebook this only returns the payload
    {'name': 'uv', 'value': 1234}
    """
    payload = {"name": str(name), "value": _jsonable(value)}
    json.dumps(payload)  # fail here, not in the reader, if it is not JSON
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython ships with the dev extra
        return payload
    if get_ipython() is None:
        return payload
    display({RECORD_MIME: payload, "text/plain": ""}, raw=True)
    return None


def read_records(notebook) -> dict:
    """All values recorded in an executed notebook (a NotebookNode or dict).

    Later records of the same name replace earlier ones.
    """
    found = {}
    for cell in notebook["cells"]:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if RECORD_MIME in data:
                payload = data[RECORD_MIME]
                if isinstance(payload, str):
                    payload = json.loads(payload)
                found[payload["name"]] = payload["value"]
    return found


def sections(shop: Mapping, needs: Mapping[str, Sequence[str]], *, notebook: str,
             through_engine: Sequence[str] = ()) -> Bunch:
    """Which sections of a notebook can run on ``shop``.

    ``needs`` maps each section to the tables it reads. Prints one note that
    names the missing tables and the sections skipped because of them, and
    returns ``{section: bool}``.

    With ``engine="duckdb"`` some tables stay on disk (see
    :func:`ecomkit.engine.open_shop`): a section that needs such a table runs
    only if it is listed in ``through_engine`` (it reads that table through
    ``shop.engine``, never as a DataFrame); the others are skipped with a note.

    Examples
    --------
    >>> ok = sections({"orders": 1}, {"funnel": ["events"], "sales": ["orders"]},
    ...               notebook="02_conversion")
    Note for 02_conversion: this shop has no `events` table, so these sections are skipped: funnel.
    >>> ok.sales, ok.funnel
    (True, False)
    """
    unknown = set(through_engine) - set(needs)
    if unknown:
        raise ValueError(f"sections(): `through_engine` names {sorted(unknown)}, which are "
                         f"not sections of `needs`.")
    ok = Bunch()
    missing, on_disk = {}, {}
    for section, tables in needs.items():
        lacking = [t for t in tables if t not in shop]
        disk = [t for t in tables if t in shop and isinstance(shop[t], TableOnDisk)
                and section not in through_engine]
        ok[section] = not lacking and not disk
        for t in lacking:
            missing.setdefault(t, []).append(section)
        for t in disk:
            on_disk.setdefault(t, []).append(section)
    for table, secs in missing.items():
        print(
            f"Note for {notebook}: this shop has no `{table}` table, so these sections "
            f"are skipped: {', '.join(secs)}."
        )
    for table, secs in on_disk.items():
        print(
            f"Note for {notebook}: with engine='duckdb' the `{table}` table stays on disk, "
            f"so these sections, which need it in memory, are skipped: {', '.join(secs)} "
            f"(run with engine='pandas' for them)."
        )
    return ok


def metric_card(metric_id: str) -> str:
    """The catalog entry of a metric as Markdown: names, formula and 口径.

    Notebooks show formulas with :func:`show_metric` so that no formula is
    retyped by hand: the catalog is the one place they are written.

    Examples
    --------
    >>> print(metric_card("revenue_per_buyer").splitlines()[0])
    **Revenue per paying buyer** · 客单价 (`revenue_per_buyer`, sales)
    """
    from .catalog import get_metric

    m = get_metric(metric_id)
    lines = [f"**{m.name}** · {m.name_zh} (`{m.id}`, {m.family})", "", f"- formula: {m.formula}"]
    for label, text in (
        ("numerator", m.numerator),
        ("denominator", m.denominator),
        ("window", m.window),
        ("basis", m.basis),
        ("unit", m.unit),
    ):
        if text:
            lines.append(f"- {label}: {text}")
    for name, formula in m.variants.items():
        lines.append(f"- variant `{name}`: {formula}")
    if m.notes:
        lines.append(f"- note: {m.notes}")
    lines.append(f"- function: `ecomkit.{m.function.__name__}`")
    return "\n".join(lines)


def show_metric(*metric_ids: str) -> None:
    """Display the catalog cards of one or more metrics in a notebook."""
    from IPython.display import Markdown, display

    display(Markdown("\n\n".join(metric_card(i) for i in metric_ids)))


#: where each table keeps the time that dates it, in order of preference
_TIME_COLUMNS = (("sessions", "start_ts"), ("orders", "order_ts"), ("events", "event_ts"))


def data_window(shop: Mapping, start=None, end=None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The analysis window: ``start`` / ``end`` where given, else the first and
    last day of the shop's data (visits, else orders). Both are midnight;
    ``end`` is inclusive, as in every metric function.

    Examples
    --------
    >>> shop = {"orders": pd.DataFrame({"order_ts": pd.to_datetime(["2024-01-03 10:00", "2024-02-01 09:00"])})}
    >>> data_window(shop)
    (Timestamp('2024-01-03 00:00:00'), Timestamp('2024-02-01 00:00:00'))
    >>> data_window(shop, start="2024-01-15")[0]
    Timestamp('2024-01-15 00:00:00')
    """
    for table, col in _TIME_COLUMNS:
        if table in shop and len(shop[table]):
            if isinstance(shop[table], TableOnDisk):
                lo, hi = (t.normalize() for t in shop[table].time_span(col))
            else:
                ts = shop[table][col]
                lo, hi = ts.min().normalize(), ts.max().normalize()
            break
    else:
        raise ValueError("data_window(): the shop has no sessions, orders or events to date it.")
    lo = lo if start is None else pd.Timestamp(start).normalize()
    hi = hi if end is None else pd.Timestamp(end).normalize()
    return lo, hi


def explorer(draw, *, figsize=(10, 4), ncols=1, dpi=80, **controls):
    """An ipywidgets explorer over a plot function, safe under papermill.

    ``draw(ax=ax, **values)`` draws one chart on the Axes it is given (a tested
    ``ecomkit.plotting`` function or a thin wrapper of one); with ``ncols > 1``
    it gets ``axes=`` (that many side by side). Each control is a list of
    options (a dropdown whose first option is the starting value) or an
    ipywidgets control. The chart is rendered into an ``Image`` widget rather
    than printed into captured output: a callback that prints or shows a figure
    can stall papermill until the cell timeout (nbclient #312, papermill #723).
    The chart is drawn once with the starting values; a drawing error is
    raised, not hidden inside the widget.

    Returns the ``ipywidgets.interactive`` object (already displayed).
    """
    import io

    import ipywidgets
    from IPython.display import display
    from matplotlib.figure import Figure

    image = ipywidgets.Image(format="png")

    def redraw(**values):
        fig = Figure(figsize=figsize)  # outside pyplot: nothing to close or leak
        ax = fig.subplots(1, ncols)
        if ncols == 1:
            draw(ax=ax, **values)
        else:
            draw(axes=ax, **values)
        fig.tight_layout()
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=dpi)
        image.value = png.getvalue()
        return ax

    widgets = {
        name: ipywidgets.Dropdown(options=list(c), value=list(c)[0]) if isinstance(c, (list, tuple)) else c
        for name, c in controls.items()
    }
    panel = ipywidgets.interactive(redraw, **widgets)
    display(ipywidgets.VBox([panel, image]))
    if panel.result is None:
        raise RuntimeError("explorer(): the chart could not be drawn with the starting values.")
    return panel
