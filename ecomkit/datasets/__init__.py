"""Synthetic shops and shop files.

``make_*`` functions generate data (``make_shop``: the whole coherent shop);
``load_*`` functions read data shipped with the project (``load_demo_shop``);
``read_shop`` / ``write_shop`` read and write a folder of tables (CSV or
Parquet, one file per table) and ``validate_shop`` lists every problem of a
shop against the schema. An analyst's own export in another layout is read
through a mapping (``load_mapping``, ``read_shop(..., mapping=...)``) and
checked with ``check_data``: errors, warnings, excluded rows and what the
data support.
"""

from ._demo import DEMO_PARAMS, demo_path, load_demo_shop
from ._dictionary import data_dictionary_markdown, write_data_dictionary
from ._export import example_export, to_export, write_export
from ._io import ShopValidationError, read_shop, validate_shop, write_shop
from ._mapping import (
    DERIVATIONS,
    MappingError,
    ShopMapping,
    apply_mapping,
    load_mapping,
    shipped_mappings,
)
from ._report import DataReport, check_data, coverage, metric_tables, notebook_sections
from ._shop import make_shop

__all__ = [
    "DEMO_PARAMS",
    "DERIVATIONS",
    "DataReport",
    "MappingError",
    "ShopMapping",
    "ShopValidationError",
    "apply_mapping",
    "check_data",
    "coverage",
    "data_dictionary_markdown",
    "demo_path",
    "example_export",
    "load_demo_shop",
    "load_mapping",
    "make_shop",
    "metric_tables",
    "notebook_sections",
    "read_shop",
    "shipped_mappings",
    "to_export",
    "validate_shop",
    "write_data_dictionary",
    "write_export",
    "write_shop",
]
