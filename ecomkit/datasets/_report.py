"""Check an analyst's data before analysing it: problems, excluded rows, coverage.

:func:`check_data` reads a shop folder (through a mapping when it is an
export in another layout), runs the checks of
:func:`~ecomkit.datasets.validate_shop` and reports **every** problem at once,
per table and column, with counts and example rows. Each problem gets a
severity:

- an **error** changes the numbers (a date that cannot be read, text in a
  money column, negative money, a repeated key whose rows differ, an order
  line without its order, refunds above the payment, an unknown channel or
  status...). The folder cannot be analysed until it is fixed; the report
  says how (often in the mapping).
- a **warning** is harmless and was handled; its ``action`` says what was
  done, e.g. "12 rows of events with an unknown event_type '分享' were
  excluded: they are not steps of the funnel". Nothing is dropped silently:
  every excluded row is counted (``DataReport.excluded``, ``DataReport.rows``).

The warnings are: actions outside the funnel in ``events`` (excluded), rows
that are exact copies of another row with the same key (the copies are
excluded), empty rows at the end of a table (excluded), a nullable column the
data lack (added empty), times mixing values with and without a UTC offset
under a mapping's time zone (converted), and tables the chosen notebooks do
not need (left out).

The report also says what the folder supports (:func:`coverage`): which
notebook sections can run, from each notebook's own ``sections(shop, {...})``
call (read with ``ast``, so it follows the notebooks), and which metric
families, from the table parameters of every catalog metric.
"""

from __future__ import annotations

import ast
import inspect
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .._bunch import Bunch
from .._schema import EVENT_TYPES, TABLE_NAMES, TABLES

__all__ = ["DataReport", "check_data", "coverage", "metric_tables",
           "notebook_sections"]

REPORT_COLUMNS = ["table", "column", "kind", "severity", "problem", "n_rows",
                  "examples", "action", "notebooks"]

#: kinds of validate_shop problems, by the opening words of their message
_KINDS = (
    ("missing_column", r"missing column"),
    ("missing_values", r"missing (?:ids|values) in a column"),
    ("not_a_number", r"not a number|holds True/False, not numbers|infinite value"),
    ("negative", r"negative (?:money|count)"),
    ("not_whole", r"not a whole number"),
    ("bad_id", r"ids with a fractional part|holds True/False, not ids"),
    ("unparseable_date", r"unparseable date|holds \S+ values, not dates"),
    ("mixed_time_zones", r"mixes time zones"),
    ("unknown_category", r"unknown category value"),
    ("not_boolean", r"not a boolean"),
    ("duplicate_key", r"duplicate key"),
    ("orphan_key", r"orphan key"),
    ("refund_of_unpaid_order", r"refund of an order that was never paid"),
    ("refund_exceeds_payment", r"refunds add up to more"),
    ("visitor_mismatch", r"a logged-in session's visitor_id"),
    ("session_of_other_customer", r"a paid order's session belongs"),
    ("unreadable_file", r".* is not UTF-8 text|.* could not be read"),
)


def problem_kind(problem: str) -> str:
    """The kind of a :func:`validate_shop` problem message (``"other"`` if new)."""
    for kind, pattern in _KINDS:
        if re.match(pattern, problem):
            return kind
    return "other"


# --------------------------------------------------------------- coverage ----
def _notebook_folder(folder=None) -> Path:
    if folder is not None:
        return Path(folder)
    return Path(__file__).resolve().parents[2] / "notebooks"


def _code(source) -> str:
    text = "".join(source) if isinstance(source, list) else source
    # IPython magics and shell lines are not Python
    return "\n".join("" if ln.lstrip().startswith(("%", "!")) else ln
                     for ln in text.splitlines())


def notebook_sections(folder=None) -> dict[str, dict[str, tuple[str, ...]]]:
    """Each notebook's sections and the tables they read.

    Read from the ``sections(shop, {section: [tables]}, notebook=...)`` call
    of every numbered notebook in ``folder`` (default: the project's
    ``notebooks/``), with :mod:`ast`: the notebooks are the single source, so
    this cannot drift from them. Notebooks without such a call (they read no
    shop folder) are left out.

    Examples
    --------
    >>> needs = notebook_sections()
    >>> needs["05_products"]["sales"]
    ('products', 'orders', 'order_items')
    """
    out = {}
    folder = _notebook_folder(folder)
    for path in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb.get("cells", []):
            if cell.get("cell_type") != "code" or "sections(" not in _code(
                    cell.get("source", "")):
                continue
            try:
                tree = ast.parse(_code(cell["source"]))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call) or len(node.args) < 2:
                    continue
                func = node.func
                name = getattr(func, "id", None) or getattr(func, "attr", None)
                if name != "sections" or not isinstance(node.args[1], ast.Dict):
                    continue
                needs = ast.literal_eval(node.args[1])
                label = path.stem
                for kw in node.keywords:
                    if kw.arg == "notebook" and isinstance(kw.value, ast.Constant):
                        label = str(kw.value.value)
                out[label] = {str(s): tuple(t) for s, t in needs.items()}
    return out


def metric_tables() -> pd.DataFrame:
    """The tables each catalog metric needs, from its function's signature.

    A metric needs the parameters of its function that are named after a
    table of the schema and have no default (``orders``, ``sessions``,
    keyword-only ``campaigns=``...). A metric computed from another metric's
    result (``p_alive(summary)``, ``rfm_segments(rfm)``) has no table of its
    own: ``derived`` is True.

    Examples
    --------
    >>> t = metric_tables().set_index("id")
    >>> t.loc["pv", "tables"], t.loc["pnl", "family"]
    (('sessions', 'events'), 'finance')
    """
    from .._catalog import registry

    rows = []
    for m in registry().values():
        params = inspect.signature(m.function).parameters.values()
        tables = tuple(p.name for p in params if p.name in TABLES
                       and p.default is inspect.Parameter.empty
                       and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD,
                                      p.KEYWORD_ONLY))
        rows.append({"id": m.id, "family": m.family, "tables": tables,
                     "derived": not tables})
    return pd.DataFrame(rows, columns=["id", "family", "tables", "derived"])


def coverage(tables: Sequence[str] | Mapping, *, errors: Sequence[str] = (),
             notebooks_folder=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What a shop with these tables supports: notebooks and metric families.

    Parameters
    ----------
    tables : list of str, or a shop (dict of tables)
        The tables present.
    errors : list of str
        Tables present but with errors.
    notebooks_folder : path, optional
        Where the notebooks are (default: the project's ``notebooks/``).

    Returns
    -------
    notebooks : pandas.DataFrame
        One row per notebook: ``notebook``, ``tables`` (every table a section
        reads), ``missing`` (absent tables), ``with_errors``, ``sections``,
        ``runnable`` (sections that can run, once any errors are fixed),
        ``skipped`` (section names) and ``status``: ``ready`` (every
        section), ``partial`` (the notebook runs and skips the sections whose
        tables are missing), ``none`` (no section can run) or ``fix errors``
        (the folder has errors: reading it fails until they are fixed, since
        a notebook reads every table of the folder).
    families : pandas.DataFrame
        One row per metric family: ``family``, ``metrics``, ``computable``,
        ``tables`` (any its metrics read), ``missing`` and ``status``
        (``ready``, ``partial`` or ``none``, once any errors are fixed).

    Examples
    --------
    >>> nbs, fams = coverage(["orders", "customers"])
    >>> row = nbs.set_index("notebook").loc["03_members"]
    >>> int(row["runnable"]), row["status"], row["skipped"][:2]
    (2, 'partial', ('arpu', 'historic_clv'))
    >>> fams.set_index("family").loc["sales", "status"]
    'partial'
    """
    present = set(tables)
    bad = set(errors) & present
    usable = present  # sections and metrics as they will be once errors are fixed
    rows = []
    for notebook, needs in notebook_sections(notebooks_folder).items():
        wanted = [t for t in TABLE_NAMES if any(t in ts for ts in needs.values())]
        runnable = [s for s, ts in needs.items() if set(ts) <= usable]
        skipped = [s for s in needs if s not in runnable]
        with_errors = [t for t in wanted if t in bad]
        if bad:  # read_shop reads every table of the folder: any error stops it
            status = "fix errors"
        elif len(runnable) == len(needs):
            status = "ready"
        elif runnable:
            status = "partial"
        else:
            status = "none"
        rows.append({
            "notebook": notebook, "tables": tuple(wanted),
            "missing": tuple(t for t in wanted if t not in present),
            "with_errors": tuple(with_errors), "sections": len(needs),
            "runnable": len(runnable), "skipped": tuple(skipped), "status": status})
    notebooks = pd.DataFrame(rows, columns=["notebook", "tables", "missing",
                                            "with_errors", "sections", "runnable",
                                            "skipped", "status"])
    metrics = metric_tables()
    fam_rows = []
    for family, group in metrics.groupby("family", sort=False):
        direct = group[~group["derived"]]
        can = direct["tables"].map(lambda ts: set(ts) <= usable)
        n_can = int(can.sum())
        # a metric of another metric's result runs when its family's tables do
        n_can += int(group["derived"].sum()) if n_can else 0
        wanted = [t for t in TABLE_NAMES if any(t in ts for ts in direct["tables"])]
        status = ("ready" if n_can == len(group) else "partial" if n_can else "none")
        fam_rows.append({
            "family": family, "metrics": len(group), "computable": n_can,
            "tables": tuple(wanted), "missing": tuple(t for t in wanted
                                                      if t not in usable),
            "status": status})
    families = pd.DataFrame(fam_rows, columns=["family", "metrics", "computable",
                                               "tables", "missing", "status"])
    return notebooks, families


# ----------------------------------------------------------------- report ----
@dataclass
class DataReport:
    """The result of :func:`check_data`.

    Attributes
    ----------
    problems : pandas.DataFrame
        Every problem: ``table``, ``column`` (``""`` for a whole table),
        ``kind``, ``severity`` (``error`` or ``warning``), ``problem`` (the
        check's message), ``n_rows``, ``examples`` (rows count from 0 in the
        table as read; files of a glob one after another), ``action`` (what
        was done for a warning, how to fix an error) and ``notebooks`` (the
        notebooks reading that table).
    rows : pandas.DataFrame
        Per table: ``read``, ``excluded`` and ``kept`` rows.
    excluded : pandas.DataFrame
        Per table and reason: the rows excluded (``table``, ``kind``,
        ``n_rows``, ``action``).
    coverage, families : pandas.DataFrame
        See :func:`coverage`, computed on the tables read.
    notes : list of str
        What the mapping did (files read, renames, values mapped, time zones,
        money unit, derived columns) and tables left out.
    shop : Bunch or None
        The checked shop with the schema dtypes and the warnings' actions
        applied, ready for ``write_shop`` and the notebooks; None while there
        are errors.
    """

    source: str
    mapping: str | None
    problems: pd.DataFrame
    rows: pd.DataFrame
    excluded: pd.DataFrame
    coverage: pd.DataFrame
    families: pd.DataFrame
    notes: list = field(default_factory=list)
    shop: Bunch | None = None

    @property
    def errors(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == "error"].reset_index(drop=True)

    @property
    def warnings(self) -> pd.DataFrame:
        return self.problems[self.problems["severity"] == "warning"].reset_index(
            drop=True)

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings are fine)."""
        return not len(self.errors)

    def __repr__(self) -> str:
        return (f"DataReport({self.source!r}: {len(self.errors)} error(s), "
                f"{len(self.warnings)} warning(s), "
                f"{int(self.excluded['n_rows'].sum())} row(s) excluded)")

    def __str__(self) -> str:
        return self.to_text()

    def to_text(self, *, notes: bool = True) -> str:
        """The report as text (what ``ecomkit check-data`` prints)."""
        via = f" through the mapping {self.mapping!r}" if self.mapping else ""
        out = [f"Data check of {self.source}{via}"]
        read = ", ".join(f"{r.table} {r.read:,}" for r in self.rows.itertuples())
        out.append(f"Tables read (rows): {read or 'none'}")
        n_excl = int(self.excluded["n_rows"].sum())
        out.append(f"{len(self.errors)} error(s), {len(self.warnings)} warning(s), "
                   f"{n_excl} row(s) excluded.")
        if len(self.errors):
            out += ["", "ERRORS: they change the numbers; fix them and check again."]
            out += _problem_lines(self.errors, error=True)
        if len(self.warnings):
            out += ["", "WARNINGS: handled as said; the numbers are not affected."]
            out += _problem_lines(self.warnings, error=False)
        out += ["", "Rows per table (nothing else was dropped):",
                _indent(self.rows.to_string(index=False))]
        if len(self.coverage):
            cov = self.coverage.assign(
                sections=lambda f: f["runnable"].astype(str) + "/" + f["sections"].astype(
                    str),
                missing=lambda f: f["missing"].map(", ".join),
                skipped=lambda f: f["skipped"].map(", ".join))
            when = " once the errors are fixed" if len(self.errors) else ""
            out += ["", f"Notebooks this folder supports (sections that can run{when}):",
                    _indent(cov[["notebook", "status", "sections", "missing",
                                 "skipped"]].to_string(index=False))]
        else:
            out += ["", "Notebooks: the notebooks/ folder was not found (an "
                    "installation without the project's notebooks)."]
        fam = self.families.assign(
            computable=lambda f: f["computable"].astype(str) + "/" + f["metrics"].astype(
                str),
            missing=lambda f: f["missing"].map(", ".join))
        when = ", once the errors are fixed" if len(self.errors) else ""
        out += ["", f"Metric families (metrics computable{when}):",
                _indent(fam[["family", "status", "computable", "missing"]].to_string(
                    index=False))]
        if notes and self.notes:
            out += ["", "What was done to read the data:"]
            out += [f"  - {n}" for n in self.notes]
        if self.ok:
            out += ["", "No errors: the shop is ready (write it with write_shop, or "
                    "`ecomkit check-data ... --out DIR`)."]
        return "\n".join(out)


def _indent(text: str) -> str:
    return "\n".join("  " + ln for ln in text.splitlines())


def _problem_lines(frame: pd.DataFrame, *, error: bool) -> list[str]:
    lines = []
    for i, p in enumerate(frame.itertuples(index=False), 1):
        target = p.table if p.column == "" else f"{p.table}.{p.column}"
        ex = f" e.g. {p.examples}" if p.examples else ""
        lines.append(f"  {i}. {target}: {p.problem} [{p.n_rows} row(s)]{ex}")
        if p.action:
            lines.append(f"     {'fix' if error else 'done'}: {p.action}")
        if error and p.notebooks:
            lines.append(f"     read by: {p.notebooks}")
    return lines


# ------------------------------------------------------------ check_data ----
def _fix_hint(kind: str, table: str, column: str, mapped: bool) -> str:
    where = f"tables.{table}"
    hints = {
        "missing_column": (
            f"map a column of the export to it ({where}.columns) or derive it "
            f"({where}.derive)" if mapped else
            "add the column, or read the folder through a mapping that derives it"),
        "missing_values": "fill them in, or remove those rows from the data",
        "not_a_number": "write plain numbers in the data (no currency sign, no "
                        "thousands separator, '.' for decimals)",
        "negative": "correct the amounts; refunds belong in the refunds table",
        "not_whole": "counts are whole numbers; correct the values",
        "bad_id": "write ids as whole numbers or text",
        "unparseable_date": (
            f"set {where}.datetime_format in the mapping, or correct the values"
            if mapped else "write ISO dates (2024-03-01 14:05:00), or use a mapping "
            "with a datetime_format"),
        "mixed_time_zones": "read the folder through a mapping with timezone and "
                            "shop_timezone: every time is then converted to shop-local "
                            "time",
        "unknown_category": (
            f"add the value(s) to {where}.values.{column} in the mapping" if mapped
            else "replace them with the allowed labels, or read the folder through "
                 "a mapping with a value map"),
        "not_boolean": (f"map the labels to true/false in {where}.values.{column}"
                        if mapped else "write True or False"),
        "duplicate_key": "remove or merge the repeated rows (rows that are exact "
                         "copies would be excluded for you)",
        "orphan_key": "export the parent table for the same period, or remove these "
                      "rows",
        "refund_of_unpaid_order": "check the refunds against the orders' payment times",
        "refund_exceeds_payment": "check the refund amounts against the orders' paid "
                                  "amounts (same currency unit?)",
        "time_zone": "name the zones in the mapping (timezone, shop_timezone)",
        "derivation": f"map or derive the inputs in {where}",
        "unreadable_file": "fix the file as the problem says (re-save it as 'CSV "
                           "UTF-8'; in a mapping, set the table's encoding or sep)",
    }
    return hints.get(kind, "correct the rows in the data")


def _empty_problems() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "n_rows" else "str")
                         for c in REPORT_COLUMNS})


def _missing_text(s: pd.Series) -> np.ndarray:
    from ._io import _text

    if not (s.dtype == object or pd.api.types.is_string_dtype(s.dtype)):
        return s.isna().to_numpy()
    return _text(s)[1]


def _trailing_blank(frame: pd.DataFrame) -> int:
    """Rows at the end of ``frame`` with no value at all (Excel's ``,,,,``)."""
    if not len(frame) or not len(frame.columns):
        return 0
    blank = np.ones(len(frame), dtype=bool)
    for column in frame.columns:
        blank &= _missing_text(frame[column])
    if not blank[-1]:
        return 0
    return int(len(blank) - np.flatnonzero(~blank)[-1] - 1) if (~blank).any() else len(
        blank)


def check_data(source, *, mapping=None, notebooks=None) -> DataReport:
    """Check a shop folder (or an export through a mapping) and report everything.

    Reads the folder (through ``mapping`` when given), runs every check of
    :func:`~ecomkit.datasets.validate_shop`, sorts the problems into errors
    and warnings (see the module doc), applies the warnings' actions and
    counts every row they exclude, and computes what the data support.

    Parameters
    ----------
    source : str, os.PathLike or dict of pandas.DataFrame
        A folder (``"demo"`` for the demo shop's folder), or tables in memory
        keyed by table name (in the export's layout when ``mapping`` is given).
    mapping : str, os.PathLike, dict or ShopMapping, optional
        How the export maps onto the schema (see
        :func:`~ecomkit.datasets.load_mapping`); ``"taobao"`` is the shipped
        example.
    notebooks : list of str, optional
        The notebooks the analyst wants (name prefixes such as ``"03"``). Only
        the tables they read are checked (the other tables are left out, with
        a warning); a missing column of those tables is an error.

    Returns
    -------
    DataReport
        ``problems``, ``rows``, ``excluded``, ``coverage``, ``families``,
        ``notes`` and ``shop`` (None while there are errors); ``str(report)``
        is the text report.

    Raises
    ------
    FileNotFoundError
        The folder does not exist or holds no table (no file the mapping
        matches).
    MappingError
        The mapping itself is not valid.
    ValueError
        An unknown notebook in ``notebooks``.

    Examples
    --------
    >>> events = pd.DataFrame({
    ...     "session_id": [1, 1, 1], "visitor_id": [7, 7, 7],
    ...     "event_ts": ["2024-03-01 10:00:00"] * 3,
    ...     "event_type": ["home_view", "share", "product_view"],
    ...     "product_id": ["", "", "3"], "keyword": ["", "", ""]})
    >>> report = check_data({"events": events})
    >>> report.ok, len(report.shop.events)
    (True, 2)
    >>> print(report.warnings.action[0])
    1 row(s) of events with an unknown event_type 'share' were excluded: ...
    """
    from ._io import _read_folder, _validate
    from ._mapping import apply_mapping, load_mapping, read_export

    if mapping is not None:
        mapping = load_mapping(mapping)
    label = None
    notes: list[str] = []
    findings: list[dict] = []
    if isinstance(source, Mapping):
        frames = {name: source[name] for name in TABLE_NAMES if name in source}
        label = "tables in memory"
        if not frames:
            raise ValueError(f"check_data(): `source` holds no table; the tables are "
                             f"{list(TABLE_NAMES)}.")
    else:
        folder = Path(source)
        if str(source) == "demo":
            from ._demo import demo_path

            folder = demo_path()
        label = str(folder)
        if mapping is not None:
            frames, _, findings, notes = read_export(folder, mapping, func="check_data")
        else:
            frames, _, file_problems = _read_folder(folder, None, "check_data")
            findings = [{**p, "kind": "unreadable_file", "severity": "error",
                         "action": ""} for p in file_problems.to_dict("records")]
    # the tables the chosen notebooks need
    needs = notebook_sections()
    if notebooks is not None:
        chosen = _choose_notebooks(notebooks, needs)
        wanted = {t for nb in chosen for ts in needs[nb].values() for t in ts}
        for name in [n for n in frames if n not in wanted]:
            findings.append(_finding(
                name, "", "not_needed", "warning",
                "table not read by the chosen notebooks", len(frames[name]), "",
                f"left out of the check and of the shop: {', '.join(chosen)} do not "
                "read it"))
            del frames[name]
    read_rows = {name: len(frame) for name, frame in frames.items()}
    unreadable = {p["table"] for p in findings if p["kind"] == "unreadable_file"}
    for name in unreadable:
        read_rows.setdefault(name, 0)

    # empty rows at the end of a table, as the export has them (they are no
    # data; removed before mapping, which would fill in derived values)
    excluded_rows = []
    for name, frame in list(frames.items()):
        blank = _trailing_blank(frame)
        if blank:
            frames[name] = frame.iloc[: len(frame) - blank].reset_index(drop=True)
            action = (f"excluded {blank} empty row(s) at the end of {name} (only "
                      "separators, as Excel writes them)")
            findings.append(_finding(name, "", "blank_rows", "warning",
                                     "empty rows at the end of the table", blank,
                                     f"row {len(frame) - blank}" if blank == 1 else
                                     f"rows {len(frame) - blank} to {len(frame) - 1}",
                                     action))
            excluded_rows.append({"table": name, "kind": "blank_rows", "n_rows": blank,
                                  "action": action})
    if mapping is not None:
        frames, more, mapped_notes = apply_mapping(frames, mapping)
        findings += more
        notes += mapped_notes
    exclude: dict[str, np.ndarray] = {n: np.zeros(len(f), dtype=bool)
                                      for n, f in frames.items()}

    parsed, validation = _validate(frames)
    problems = list(findings)
    add_columns: dict[str, list[str]] = {}
    for p in validation.to_dict("records"):
        kind = problem_kind(p["problem"])
        entry = {**p, "kind": kind, "severity": "error", "action": ""}
        name, column = p["table"], p["column"]
        raw = frames.get(name)
        if kind == "missing_column" and TABLES[name].column(column).nullable:
            entry.update(severity="warning", action=(
                f"added {column} as an empty column: the data have no {column}, so "
                f"the metrics that use it find none"))
            add_columns.setdefault(name, []).append(column)
        elif (kind == "unknown_category" and (name, column) == ("events", "event_type")
              and not _has(validation, name, column, "missing_values")):
            mask = parsed[name][column].isna().to_numpy()
            labels = pd.unique(raw[column][mask].astype(str).str.strip())
            shown = ", ".join(repr(v) for v in labels[:5])
            action = (f"{int(mask.sum())} row(s) of events with an unknown event_type "
                      f"{shown} were excluded: they are not steps of the funnel "
                      f"({', '.join(EVENT_TYPES)}), so no PV, funnel or bounce rate "
                      "counts them")
            entry.update(severity="warning", action=action)
            exclude[name] |= mask
            excluded_rows.append({"table": name, "kind": "not_in_funnel",
                                  "n_rows": int(mask.sum()), "action": action})
        elif kind == "duplicate_key":
            copies = _exact_copies(raw, parsed[name], TABLES[name].key)
            if copies is not None:
                action = (f"excluded {int(copies.sum())} row(s) that repeat another "
                          "row exactly (exported twice); kept the first of each")
                entry.update(severity="warning", action=action)
                exclude[name] |= copies
                excluded_rows.append({"table": name, "kind": "exact_copies",
                                      "n_rows": int(copies.sum()), "action": action})
        problems.append(entry)

    sections_of = {}
    for nb, secs in needs.items():
        for ts in secs.values():
            for t in ts:
                sections_of.setdefault(t, set()).add(nb)
    frame = pd.DataFrame(problems, columns=REPORT_COLUMNS[:-1]) if problems else (
        _empty_problems().drop(columns="notebooks"))
    frame["notebooks"] = frame["table"].map(
        lambda t: ", ".join(sorted(sections_of.get(t, ()))))
    for i in frame.index[(frame["severity"] == "error") & (frame["action"] == "")]:
        frame.loc[i, "action"] = _fix_hint(frame.loc[i, "kind"], frame.loc[i, "table"],
                                           frame.loc[i, "column"], mapping is not None)
    order = {name: i for i, name in enumerate(TABLE_NAMES)}
    frame = (frame.assign(_o=frame["table"].map(order).fillna(len(order)),
                          _s=(frame["severity"] != "error").astype(int))
             .sort_values(["_s", "_o"], kind="stable").drop(columns=["_o", "_s"])
             .reset_index(drop=True))
    frame = frame.astype({c: "str" for c in REPORT_COLUMNS if c != "n_rows"}).astype(
        {"n_rows": "int64"})

    shop = None
    if not (frame["severity"] == "error").any():
        cleaned = {}
        for name, raw in frames.items():
            keep = ~exclude[name]
            raw = raw.loc[keep].reset_index(drop=True)
            for column in add_columns.get(name, []):
                raw[column] = pd.Series([""] * len(raw), dtype=object)
            cleaned[name] = raw
        parsed, again = _validate(cleaned)
        if len(again):  # the actions never create problems; if they did, say so
            extra = again.assign(kind=again["problem"].map(problem_kind),
                                 severity="error", action="found after the warnings' "
                                 "actions (please report this)", notebooks="")
            frame = pd.concat([frame, extra[REPORT_COLUMNS]], ignore_index=True)
        else:
            shop = Bunch(**parsed)
            if str(source) == "demo" or (not isinstance(source, Mapping)
                                         and mapping is None):
                _add_meta(shop, Path(label))

    excluded = pd.DataFrame(excluded_rows, columns=["table", "kind", "n_rows", "action"])
    excluded["n_rows"] = excluded["n_rows"].astype("int64")
    rows = pd.DataFrame({"table": list(read_rows)})
    rows["read"] = rows["table"].map(read_rows).astype("int64")
    rows["excluded"] = rows["table"].map(
        excluded.groupby("table")["n_rows"].sum()).fillna(0).astype("int64")
    rows["kept"] = rows["read"] - rows["excluded"]
    errors_in = sorted(set(frame.loc[frame["severity"] == "error", "table"]))
    nbs, fams = coverage(list(read_rows), errors=errors_in)
    return DataReport(source=label, mapping=None if mapping is None else mapping.name,
                      problems=frame, rows=rows, excluded=excluded, coverage=nbs,
                      families=fams, notes=notes, shop=shop)


def _finding(table, column, kind, severity, problem, n_rows, examples, action) -> dict:
    return {"table": table, "column": column, "kind": kind, "severity": severity,
            "problem": problem, "n_rows": int(n_rows), "examples": examples,
            "action": action}


def _has(validation: pd.DataFrame, table, column, kind) -> bool:
    same = validation[(validation["table"] == table) & (validation["column"] == column)]
    return any(problem_kind(p) == kind for p in same["problem"])


def _exact_copies(raw: pd.DataFrame, parsed: pd.DataFrame, key) -> np.ndarray | None:
    """Rows to drop when every repeated key repeats an identical row, else None."""
    key = list(key)
    dup = parsed.duplicated(subset=key, keep=False).to_numpy()
    text = raw.reset_index(drop=True).astype(str)
    groups = text[dup].drop_duplicates()
    if groups.duplicated(subset=key).any():
        return None  # rows sharing a key differ: an error
    return text.duplicated(keep="first").to_numpy() & dup


def _add_meta(shop: Bunch, folder: Path) -> None:
    """``stories`` and ``params`` of a shop folder, as read_shop adds them."""
    from ._io import META_FILE, STORIES_FILE, _read_stories

    if (folder / STORIES_FILE).is_file():
        shop["stories"] = _read_stories(folder / STORIES_FILE)
    try:
        meta = json.loads((folder / META_FILE).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        meta = {}
    if isinstance(meta, dict) and isinstance(meta.get("params"), dict):
        shop["params"] = meta["params"]


def _choose_notebooks(names, needs) -> list[str]:
    if isinstance(names, str):
        names = [names]
    chosen = []
    for name in names:
        hits = [nb for nb in needs if nb.startswith(str(name))]
        if not hits:
            raise ValueError(
                f"check_data(): unknown notebook {name!r} in `notebooks`; the notebooks "
                f"are {list(needs)} (a prefix such as '03' is enough).")
        chosen += [h for h in hits if h not in chosen]
    return chosen
