"""The demo shop in datasets/demo: regenerable, loadable, documented."""

import numpy as np
import pandas as pd
import pytest

from ecomkit import _schema as S
from ecomkit.datasets import (
    DEMO_PARAMS,
    data_dictionary_markdown,
    demo_path,
    load_demo_shop,
    make_shop,
)


@pytest.fixture(scope="module")
def demo():
    return load_demo_shop()


def test_demo_folder_is_shipped_and_small():
    folder = demo_path()
    assert (folder / "orders.csv").exists(), "datasets/demo is missing: run `make demo`"
    size_mb = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
    assert size_mb < 10


def test_demo_matches_its_recorded_parameters(demo):
    recorded = demo.params
    for key, value in DEMO_PARAMS.items():
        assert recorded[key] == value, key


def test_demo_regenerates_exactly(demo):
    fresh = make_shop(**DEMO_PARAMS)
    for name in S.TABLE_NAMES:
        try:
            pd.testing.assert_frame_equal(demo[name], fresh[name], check_exact=False, rtol=0, atol=1e-9)
        except AssertionError as exc:
            pytest.fail(
                f"datasets/demo/{name}.csv no longer equals make_shop(**DEMO_PARAMS). Either "
                f"the generator changed on purpose (then regenerate the demo with `make demo` "
                f"and commit it) or numpy's random stream changed (numpy {np.__version__}): "
                f"the same seed no longer draws the same numbers.\n{exc}"
            )


def test_demo_stories_are_documented(demo):
    assert demo.stories["enabled"].all()
    assert len(demo.stories) == 6


def test_data_dictionary_is_generated_from_the_schema():
    readme = (demo_path().parent / "README.md").read_text(encoding="utf-8")
    assert readme == data_dictionary_markdown(), "datasets/README.md is stale: run `make demo`"
    for table in S.TABLES.values():
        assert f"`{table.name}`" in readme
