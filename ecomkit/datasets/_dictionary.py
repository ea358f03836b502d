"""The data dictionary of the shop (``datasets/README.md``), generated from the schema.

Nothing here is written by hand: every table, column, dtype, level order and
relation comes from :mod:`ecomkit._schema` and from the checks of
:func:`~ecomkit.datasets.validate_shop`, so the dictionary cannot drift from the
code. Regenerate the file with ``ecomkit dictionary --out datasets/README.md``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from .._schema import PAGE_VIEW_EVENTS, PAID_CHANNELS, TABLES, Column, dtype_for
from ._demo import DEMO_COMMAND
from ._io import META_FILE, RELATIONS, RULES, STORIES_FILE

__all__ = ["data_dictionary_markdown", "write_data_dictionary"]


_KIND_TEXT = {
    "id": "integer key (an analyst's text ids also work)",
    "ts": "timestamp, shop-local time",
    "date": "date (midnight)",
    "money": "money in the shop currency, rounded to cents",
    "int": "whole-number count",
    "float": "number",
    "category": "ordered category: the levels are listed in their order",
    "str": "text",
    "bool": "True / False",
}


def _dtype_text(column: Column) -> str:
    dtype = dtype_for(column)
    if isinstance(dtype, pd.CategoricalDtype):
        return "category (ordered)"
    return str(dtype)


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _levels(column: Column) -> str:
    if not column.levels:
        return ""
    return " < ".join(f"`{level}`" for level in column.levels)


def data_dictionary_markdown(*, demo_command: str = DEMO_COMMAND) -> str:
    """The shop's data dictionary as Markdown (the text of ``datasets/README.md``).

    One section per canonical table: what a row is, its key, and for each
    column its pandas dtype, whether it may be empty, its description and,
    for categories, the allowed levels in their order. A header explains the
    demo shop, the files and how to regenerate them; a footer lists the
    relations that :func:`~ecomkit.datasets.validate_shop` checks. Pure: it
    reads and writes no file.

    Parameters
    ----------
    demo_command : str, default=DEMO_COMMAND
        The command shown for regenerating the demo shop.

    Returns
    -------
    str
        Markdown text ending with a newline.

    See Also
    --------
    write_data_dictionary : write it to a file.

    Examples
    --------
    >>> text = data_dictionary_markdown()
    >>> text.splitlines()[0]
    '# The demo shop: data dictionary'
    >>> "### `orders`" in text and "`paid` < `cancelled` < `unpaid`" in text
    True
    """
    out = [
        "# The demo shop: data dictionary",
        "",
        "<!-- Generated from ecomkit/_schema.py by `ecomkit dictionary --out "
        "datasets/README.md`. Do not edit by hand. -->",
        "",
        "`datasets/demo/` holds a small synthetic shop made by "
        "`ecomkit.datasets.make_shop`: customers, their visits and clicks, orders, "
        "refunds, marketing spend, costs, campaigns, coupons, search keywords, "
        "private-domain contacts and a market panel, all consistent with each "
        "other, with a few planted stories (listed in `stories.csv`) for the "
        "exercises to find. Every notebook runs on it.",
        "",
        "Load it with `ecomkit.datasets.load_demo_shop()`, or any shop folder with "
        "`ecomkit.datasets.read_shop(folder)`, which restores the dtypes below "
        "and reports every problem of the data at once. Regenerate it with:",
        "",
        "```bash",
        demo_command,
        "```",
        "",
        "`ecomkit validate datasets/demo` checks a folder against this dictionary.",
        "",
        "## Files",
        "",
        "- `<table>.csv` (or `<table>.parquet`): one file per table, named after "
        "the table. A shop may hold only some tables. CSV files are UTF-8 without "
        "a byte-order mark; timestamps are ISO 8601 (`2024-03-01 14:05:00`), "
        "empty fields are missing values, categories are written as their labels.",
        f"- `{STORIES_FILE}`: the planted stories (what, where, when), the answer "
        "key of the exercises.",
        f"- `{META_FILE}`: format, schema version, row counts and the generator "
        "parameters.",
        "",
        "Excel: double-clicking a UTF-8 CSV file shows Chinese text as garbage. Use "
        "*Data > From Text/CSV* and choose *File origin: 65001: Unicode (UTF-8)*.",
        "",
        "## Conventions",
        "",
        "| kind | pandas dtype | meaning |",
        "|---|---|---|",
    ]
    kinds = {}
    for table in TABLES.values():
        for column in table.columns:
            kinds.setdefault(column.kind, column)
    for kind in [k for k in _KIND_TEXT if k in kinds]:
        column = kinds[kind]
        dtype = _dtype_text(column)
        if kind == "id":
            dtype = "int64 (Int64 when nullable)"
        out.append(f"| {kind} | {dtype} | {_KIND_TEXT.get(kind, kind)} |")
    out += [
        "",
        "Paid channels (bought traffic): "
        + ", ".join(f"`{c}`" for c in PAID_CHANNELS) + ". Page-view events: "
        + ", ".join(f"`{e}`" for e in PAGE_VIEW_EVENTS) + ". An order is paid when "
        "its `paid_ts` is set.",
        "",
        "## Tables",
        "",
        "| table | one row is | key |",
        "|---|---|---|",
    ]
    for table in TABLES.values():
        key = ", ".join(f"`{k}`" for k in table.key)
        out.append(f"| [`{table.name}`](#{table.name}) | "
                   f"{_cell(table.row)} | {key} |")
    for table in TABLES.values():
        out += [
            "",
            f"### `{table.name}`",
            "",
            f"One row is {table.row}. Key: "
            + ", ".join(f"`{k}`" for k in table.key) + ".",
            "",
            "| column | dtype | nullable | description | levels (in order) |",
            "|---|---|---|---|---|",
        ]
        for column in table.columns:
            nullable = "yes" if column.nullable else "no"
            out.append(
                f"| `{column.name}` | {_dtype_text(column)} | {nullable} | "
                f"{_cell(column.description)} | {_levels(column)} |"
            )
    out += [
        "",
        "## Relations",
        "",
        "`validate_shop` (and so `read_shop` and `ecomkit validate`) checks, "
        "between the tables present:",
        "",
    ]
    for child, ccol, parent, pcol in RELATIONS:
        out.append(f"- every `{child}.{ccol}` is a `{parent}.{pcol}`")
    out += [f"- {rule}" for rule in RULES]
    return "\n".join(out) + "\n"


def write_data_dictionary(path, *, demo_command: str = DEMO_COMMAND) -> Path:
    """Write :func:`data_dictionary_markdown` to ``path`` (UTF-8).

    Parameters
    ----------
    path : str or os.PathLike
        File to write, e.g. ``"datasets/README.md"``; replaced if it exists.
    demo_command : str, default=DEMO_COMMAND
        The command shown for regenerating the demo shop.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "README.md"
    >>> write_data_dictionary(target).read_text(encoding="utf-8").startswith("# The")
    True
    """
    target = Path(path)
    target.write_text(data_dictionary_markdown(demo_command=demo_command),
                      encoding="utf-8")
    return target
