"""Synthetic shops and shop files.

``make_*`` functions generate data (``make_shop``: the whole coherent shop);
``load_*`` functions read data shipped with the project (``load_demo_shop``);
``read_shop`` / ``write_shop`` read and write a folder of tables (CSV or
Parquet, one file per table).
"""

from ._shop import make_shop

__all__ = ["make_shop"]
