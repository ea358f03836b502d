"""Shared test settings and fixtures.

Notebook runs are cached per test session: every ``tests/test_nb_*.py`` asks
``run_notebook(name, params)`` and gets the executed notebook and its records,
so each notebook runs once per parameter set however many tests read it.
"""

import os
import pathlib

import pytest

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("PYTHONHASHSEED", "0")
os.environ.setdefault("TQDM_DISABLE", "1")

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CELL_TIMEOUT = 120


@pytest.fixture(scope="session")
def other_shop_dir(tmp_path_factory):
    """A different shop, written as an analyst's folder would be (Parquet,
    another window, fewer customers)."""
    from ecomkit.datasets import make_shop, write_shop

    path = tmp_path_factory.mktemp("other_shop")
    shop = make_shop(900, start="2023-03-01", end="2023-12-31", random_state=5)
    write_shop(shop, path, format="parquet", overwrite=True)
    return str(path)


@pytest.fixture(scope="session")
def run_notebook(tmp_path_factory):
    """Execute ``notebooks/<name>.ipynb`` with papermill; returns (notebook, records)."""
    import papermill as pm

    from ecomkit.nbtools import read_records

    cache = {}
    out_dir = tmp_path_factory.mktemp("executed")

    def run(name, params=None):
        params = dict(params or {})
        key = (name, tuple(sorted((k, repr(v)) for k, v in params.items())))
        if key not in cache:
            out = out_dir / f"{name}-{len(cache)}.ipynb"
            nb = pm.execute_notebook(
                str(NOTEBOOKS / f"{name}.ipynb"),
                str(out),
                parameters=params,
                kernel_name="python3",
                cwd=str(NOTEBOOKS),
                execution_timeout=CELL_TIMEOUT,
                progress_bar=False,
            )
            cache[key] = (nb, read_records(nb))
        return cache[key]

    return run


@pytest.fixture(autouse=True)
def _close_figures():
    """Tests of plot functions open figures; close them so none pile up."""
    yield
    import sys

    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
