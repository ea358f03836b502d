"""Doctest settings for the package's docstring examples."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import pytest


@pytest.fixture(autouse=True)
def _close_figures():
    """Doctests of plot functions open figures; close them so none pile up."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
