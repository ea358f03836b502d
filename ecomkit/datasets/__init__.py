"""Synthetic shops and shop files.

``make_*`` functions generate data (``make_shop``: the whole coherent shop);
``load_*`` functions read data shipped with the project (``load_demo_shop``);
``read_shop`` / ``write_shop`` read and write a folder of tables (CSV or
Parquet, one file per table) and ``validate_shop`` lists every problem of a
shop against the schema.
"""

from ._demo import DEMO_PARAMS, demo_path, load_demo_shop
from ._dictionary import data_dictionary_markdown, write_data_dictionary
from ._io import ShopValidationError, read_shop, validate_shop, write_shop
from ._shop import make_shop

__all__ = [
    "DEMO_PARAMS",
    "ShopValidationError",
    "data_dictionary_markdown",
    "demo_path",
    "load_demo_shop",
    "make_shop",
    "read_shop",
    "validate_shop",
    "write_data_dictionary",
    "write_shop",
]
