"""pyproject.toml is the single source of dependencies; environment.yml defers to it."""

import pathlib
import tomllib

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[1]


def load():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    return project, env


def names(requirements):
    import re

    return {re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0].lower() for r in requirements}


def test_named_packages_are_declared():
    project, _ = load()
    runtime = names(project["dependencies"])
    dev = names(project["optional-dependencies"]["dev"])
    assert {"pandas", "numpy", "seaborn", "matplotlib", "ipywidgets", "pyarrow"} <= runtime
    assert {"jupyterlab", "papermill", "nbval", "pytest"} <= dev


def test_environment_yml_installs_exactly_the_project():
    """conda/Binder users get the same packages: the env file only installs the
    project with its dev extra through pip, so the two files cannot drift."""
    project, env = load()
    deps = env["dependencies"]
    conda_pkgs = [d for d in deps if isinstance(d, str)]
    pip_sections = [d["pip"] for d in deps if isinstance(d, dict)]
    assert sorted(p.split("=")[0] for p in conda_pkgs) == ["pip", "python"]
    assert pip_sections == [["-e .[dev]"]]
    python = next(p for p in conda_pkgs if p.startswith("python"))
    minimum = project["requires-python"].removeprefix(">=")
    assert python.split("=")[1] >= minimum


def test_every_import_of_the_package_is_declared():
    """No module of ecomkit imports a third-party package that pyproject lacks."""
    import ast
    import sys

    project, _ = load()
    declared = names(project["dependencies"]) | names(project["optional-dependencies"]["dev"])
    aliases = {"yaml": "pyyaml", "sklearn": "scikit-learn"}
    stdlib = set(sys.stdlib_module_names)
    for path in (ROOT / "ecomkit").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                mods = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                mods = [node.module]
            else:
                continue
            for mod in mods:
                top = mod.split(".")[0]
                if top in stdlib or top == "ecomkit":
                    continue
                assert aliases.get(top, top).lower() in declared, f"{path.name} imports {top}"
