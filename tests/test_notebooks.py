"""The notebook series as teaching material: complete, clean, declared and validated parameters.

Execution with parameter sets and the recorded results are tested per notebook
in tests/test_nb_NN.py; this file checks what every notebook shares.
"""

import ast
import json
import pathlib
import re

import papermill as pm
import pytest

import ecomkit
from ecomkit.report import notebook_paths

ROOT = pathlib.Path(__file__).resolve().parents[1]
SERIES = [
    "00_start_here",
    "01_traffic",
    "02_conversion",
    "03_members",
    "04_finance",
    "05_products",
    "06_campaigns_and_private_domain",
    "07_gmv_diagnosis",
]
PATHS = notebook_paths()
IDS = [p.stem for p in PATHS]


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def test_the_series_is_complete():
    assert set(SERIES) <= set(IDS)


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_committed_without_outputs(path):
    nb = load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name}: a cell has outputs"
            assert cell.get("execution_count") is None, f"{path.name}: execution counts"


def parameters_cell(nb):
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, "exactly one cell tagged `parameters`"
    return cells[0]


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_parameters_cell_holds_annotated_commented_literals(path):
    cell = parameters_cell(load(path))
    lines = [ln for ln in source(cell).splitlines() if ln.strip()]
    assert lines
    names = []
    for line in lines:
        m = re.fullmatch(r"(\w+): (\w+) = (.+?)  # (.+)", line)
        assert m, f"{path.name}: parameter line must be `name: type = literal  # help`: {line!r}"
        name, _, value, _ = m.groups()
        ast.literal_eval(value)  # a literal, nothing computed
        names.append(name)
    assert "data_dir" in names
    assert {"start", "end"} <= set(names) or {"base_start", "current_start"} <= set(names)


def validator_names(nb):
    """Parameter names in the dict passed to ecomkit.params.validate."""
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or "validate(" not in source(cell):
            continue
        for node in ast.walk(ast.parse(source(cell))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "validate":
                spec = node.args[1]
                assert isinstance(spec, ast.Dict)
                return {k.value for k in spec.keys}
    raise AssertionError("no validate(...) call")


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_declared_parameters_match_the_validator(path):
    declared = set(pm.inspect_notebook(str(path)))
    assert declared == validator_names(load(path))


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_validation_follows_the_parameters_cell(path):
    nb = load(path)
    cells = nb["cells"]
    i = next(i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", []))
    nxt = next(c for c in cells[i + 1 :] if c["cell_type"] == "code")
    assert "validate(" in source(nxt)


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_teaching_structure(path):
    nb = load(path)
    md = "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    code = "\n".join(source(c) for c in nb["cells"] if c["cell_type"] == "code")
    assert nb["cells"][0]["cell_type"] == "markdown"
    assert re.search(r"learning goals", md, re.I), "learning goals at the top"
    assert re.search(r"try it", md, re.I), '"try it" prompts'
    assert re.search(r"[\u4e00-\u9fff]", md), "Chinese terms next to English ones"
    assert "record(" in code
    # formulas come from the catalog, never retyped
    ids = re.findall(r"show_metric\(([^)]*)\)", code)
    shown = {i for args in ids for i in re.findall(r"['\"]([a-z0-9_]+)['\"]", args)}
    assert shown, "show_metric(...) shows the formulas"
    catalog = set(ecomkit.glossary()["id"])
    assert shown <= catalog, shown - catalog


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_no_network_and_no_answer_key_shortcuts(path):
    code = "\n".join(source(c) for c in load(path)["cells"] if c["cell_type"] == "code")
    assert "load_dataset" not in code and "urlopen" not in code and "requests." not in code
