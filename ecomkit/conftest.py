"""Doctest settings for the package's docstring examples."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
