"""The demo shop shipped in ``datasets/demo`` and how to get it."""

from __future__ import annotations

from pathlib import Path

from .._bunch import Bunch

#: the arguments of ``make_shop`` that made ``datasets/demo`` (also recorded
#: in ``datasets/demo/shop.json``)
DEMO_PARAMS = {"n_customers": 2000, "start": "2024-01-01", "end": "2024-12-31", "random_state": 0}

#: the command that regenerates the folder
DEMO_COMMAND = (
    "ecomkit make-data --customers 2000 --seed 0 --start 2024-01-01 --end 2024-12-31 "
    "--out datasets/demo --overwrite"
)


def demo_path() -> Path:
    """Folder of the demo shop in a checkout of the project (``datasets/demo``)."""
    return Path(__file__).resolve().parents[2] / "datasets" / "demo"


def load_demo_shop() -> Bunch:
    """The demo shop: a year of a 2000-customer marketplace shop (about 70 000 events).

    Reads the CSV files of ``datasets/demo`` in a checkout of the project.
    Where the package was installed without them, the same shop is generated
    from :data:`DEMO_PARAMS` (``make_shop`` is deterministic, and a test checks
    that the files and the generator agree).

    Returns
    -------
    Bunch
        The 15 tables, ``stories`` and ``params``, as :func:`read_shop` returns.

    Examples
    --------
    >>> from ecomkit.datasets import load_demo_shop
    >>> shop = load_demo_shop()
    >>> len(shop.customers)
    2000
    >>> shop.stories["id"].tolist()[:2]
    ['checkout_failure', 'cpc_inflation']
    """
    from ._io import read_shop
    from ._shop import make_shop

    folder = demo_path()
    if (folder / "orders.csv").exists():
        return read_shop(folder)
    return make_shop(**DEMO_PARAMS)
