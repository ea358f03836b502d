"""Shared test settings: a non-interactive matplotlib backend, no network."""

import os

os.environ.setdefault("MPLBACKEND", "Agg")
