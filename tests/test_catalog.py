"""The metric catalog: complete, reachable, pinned by golden tests, searchable."""

import importlib
import inspect
import pathlib
import re

import pandas as pd
import pytest

import ecomkit
from ecomkit._catalog import FAMILIES, registry

METRIC_MODULES = [
    "traffic",
    "conversion",
    "sales",
    "diagnosis",
    "member",
    "clv",
    "finance",
    "fulfilment",
    "product",
    "market",
    "marketing",
]
TESTS = pathlib.Path(__file__).parent


def public_functions():
    for name in METRIC_MODULES:
        module = importlib.import_module(f"ecomkit.{name}")
        exempt = set(getattr(module, "__not_metrics__", ()))
        for attr in module.__all__:
            obj = getattr(module, attr)
            if inspect.isfunction(obj) and attr not in exempt:
                yield name, attr, obj


def golden_ids():
    ids = set()
    for path in TESTS.glob("test_*.py"):
        for args in re.findall(r"mark\.golden\(([^)]*)\)", path.read_text(encoding="utf-8")):
            ids |= set(re.findall(r"['\"]([a-z0-9_]+)['\"]", args))
    return ids


def test_every_public_metric_function_is_in_the_catalog():
    registered = {m.function for m in registry().values()}
    missing = [f"{mod}.{name}" for mod, name, f in public_functions() if f not in registered]
    assert not missing, f"public metric functions missing from the catalog: {missing}"


def test_every_entry_points_to_a_public_function():
    for metric in registry().values():
        module = importlib.import_module(metric.function.__module__)
        name = metric.function.__name__
        assert name in module.__all__, metric.id
        assert getattr(module, name) is metric.function, metric.id
        assert getattr(ecomkit, name) is metric.function, f"ecomkit.{name} is not exported"
        assert metric.family in FAMILIES


def test_every_entry_has_a_golden_test():
    missing = sorted(set(registry()) - golden_ids())
    assert not missing, f"catalog metrics without a @pytest.mark.golden test: {missing}"


def test_entries_are_complete_and_bilingual():
    for m in registry().values():
        assert m.name and m.formula and m.unit, m.id
        assert re.search(r"[\u4e00-\u9fff]", m.name_zh) or m.name_zh.isupper(), m.id
        doc = inspect.getdoc(m.function) or ""
        assert "Examples" in doc and "Parameters" in doc, m.function.__name__


def test_roas_and_roi_are_separate_and_the_glossary_warns():
    reg = registry()
    assert reg["roas"].function is not reg["roi"].function
    assert "ROI" in reg["roas"].notes


def test_glossary_filters_and_searches_in_both_languages():
    g = ecomkit.glossary()
    assert isinstance(g, pd.DataFrame) and len(g) == len(registry())
    assert list(g.columns[:4]) == ["id", "name", "name_zh", "family"]
    assert set(ecomkit.glossary(family="traffic")["family"]) == {"traffic"}
    assert "pay_conversion_rate" in set(ecomkit.glossary(search="支付转化率")["id"])
    assert "aov" in set(ecomkit.glossary(search="average order value")["id"])
    assert ecomkit.glossary(search="no such metric anywhere").empty
    with pytest.raises(ValueError, match=r"glossary\(\): the value for `family`"):
        ecomkit.glossary(family="vibes")


def test_get_metric():
    m = ecomkit.get_metric("revenue_per_buyer")
    assert m.name_zh == "客单价"
    with pytest.raises(KeyError, match="get_metric"):
        ecomkit.get_metric("nope")


def test_at_least_forty_bad_inputs_are_covered():
    """The metric modules' BAD_INPUTS tables together hold at least 40 cases."""
    import importlib.util

    total = 0
    for path in TESTS.glob("test_*.py"):
        if "BAD_INPUTS" not in path.read_text(encoding="utf-8"):
            continue
        spec = importlib.util.spec_from_file_location(f"_bad_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        total += len(getattr(module, "BAD_INPUTS", []))
    assert total >= 40
