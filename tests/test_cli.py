"""Tests for the ``ecomkit`` command line (ecomkit.cli)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys

import pandas as pd
import pytest
from test_io import _broken_folder, tiny_shop

from ecomkit._schema import TABLE_NAMES, TABLES, dtype_for
from ecomkit.cli import SUBCOMMANDS, main
from ecomkit.datasets._dictionary import data_dictionary_markdown
from ecomkit.datasets._io import read_shop, write_shop


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -------------------------------------------------------------- validate ----
def test_validate_clean_folder_exits_0(tmp_path, capsys):
    write_shop(tiny_shop(), tmp_path)
    code, out, err = _run(capsys, "validate", str(tmp_path))
    assert code == 0, err
    assert out.startswith(f"{tmp_path}: no problems in 15 table(s): customers 3, ")
    assert err == ""


def test_validate_broken_folder_exits_1_with_the_report(tmp_path, capsys):
    folder = _broken_folder(tmp_path)
    code, out, err = _run(capsys, "validate", str(folder))
    assert code == 1
    assert out.startswith("read_shop(): found 9 problem(s)")
    assert "products.list_price: not a number" in out
    assert "order_items.order_id: orphan key" in out


def test_validate_some_tables(tmp_path, capsys):
    folder = _broken_folder(tmp_path)
    code, out, _ = _run(capsys, "validate", str(folder), "--tables", "campaigns",
                        "market")
    assert code == 0
    assert "no problems in 2 table(s): campaigns 2, market 2" in out


@pytest.mark.parametrize("argv, option", [
    (["validate", "no/such/dir"], "argument DIR"),
    (["validate"], "DIR"),
    (["validate", "{tmp}", "--tables", "order"], "argument --tables"),
    (["make-data", "--customers", "-3", "--out", "{tmp}/x"], "argument --customers"),
    (["make-data", "--customers", "many", "--out", "{tmp}/x"], "argument --customers"),
    (["make-data", "--seed", "1.5", "--out", "{tmp}/x"], "argument --seed"),
    (["make-data", "--format", "xlsx", "--out", "{tmp}/x"], "argument --format"),
    (["make-data", "--start", "2024-13-01", "--out", "{tmp}/x"], "argument --start"),
    (["make-data", "--start", "2024-03-01", "--end", "2024-01-01", "--out",
      "{tmp}/x"], "argument --end"),
    (["make-data", "--customers", "5"], "--out"),
    (["make-data", "--out", "{tmp}/x", "--colour", "red"], "--colour"),
    (["dictionary", "--out", "{tmp}"], "argument --out"),
    (["dictionary", "--out", "{tmp}/no/dir/README.md"], "argument --out"),
    (["teleport"], "invalid choice: 'teleport'"),
    ([], "choose a command"),
])
def test_bad_arguments_exit_2_with_one_line(tmp_path, capsys, argv, option):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code, out, err = _run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("ecomkit")
    assert option in err and "error:" in err


def test_validate_folder_without_tables_exits_2(tmp_path, capsys):
    code, _, err = _run(capsys, "validate", str(tmp_path))
    assert code == 2
    assert "no table files" in err and err.count("\n") == 1


def test_help_and_version_exit_0(capsys):
    code, out, _ = _run(capsys, "--help")
    assert code == 0
    for name in SUBCOMMANDS:
        assert name in out
    code, out, _ = _run(capsys, "--version")
    assert code == 0 and out.startswith("ecomkit ")


# ------------------------------------------------------------ dictionary ----
def test_dictionary_prints_the_markdown(capsys):
    code, out, _ = _run(capsys, "dictionary")
    assert code == 0
    assert out == data_dictionary_markdown()
    assert "### `order_items`" in out


def test_dictionary_out_writes_the_file(tmp_path, capsys):
    target = tmp_path / "README.md"
    code, out, _ = _run(capsys, "dictionary", "--out", str(target))
    assert code == 0
    assert out == f"wrote {target}\n"
    assert target.read_text(encoding="utf-8") == data_dictionary_markdown()


def test_python_dash_m_runs_the_same_cli(tmp_path):
    target = tmp_path / "README.md"
    done = subprocess.run(
        [sys.executable, "-m", "ecomkit", "dictionary", "--out", str(target)],
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8") == data_dictionary_markdown()


# ------------------------------------------------------------- make-data ----
@pytest.fixture
def fake_make_shop(monkeypatch):
    """Replace ``ecomkit.datasets.make_shop`` by a recorder returning tiny_shop()."""
    calls = []

    def fake(**kwargs):
        calls.append(kwargs)
        return tiny_shop()

    datasets = importlib.import_module("ecomkit.datasets")
    monkeypatch.setattr(datasets, "make_shop", fake, raising=False)
    return calls


def test_make_data_calls_make_shop_and_writes(tmp_path, capsys, fake_make_shop):
    out_dir = tmp_path / "shop"
    code, out, err = _run(capsys, "make-data", "--customers", "3", "--seed", "7",
                          "--out", str(out_dir), "--format", "parquet",
                          "--start", "2024-02-01", "--end", "2024/02/29",
                          "--no-stories")
    assert code == 0, err
    assert fake_make_shop == [{
        "random_state": 7, "progress": True, "n_customers": 3,
        "start": "2024-02-01", "end": "2024-02-29", "stories": "none",
    }]
    assert out.count("\n") == 1
    assert out.startswith(f"wrote {out_dir} (parquet, seed 7) in ")
    assert "customers 3, products 3, inventory 3, sessions 4, events 5" in out
    assert (out_dir / "orders.parquet").is_file()
    meta = json.loads((out_dir / "shop.json").read_text(encoding="utf-8"))
    assert meta["format"] == "parquet"
    shop = read_shop(out_dir)
    pd.testing.assert_frame_equal(shop.orders, tiny_shop().orders)


def test_make_data_defaults_leave_make_shop_defaults(tmp_path, capsys, fake_make_shop):
    code, out, _ = _run(capsys, "make-data", "--out", str(tmp_path / "s"))
    assert code == 0
    (kwargs,) = fake_make_shop
    assert set(kwargs) == {"random_state", "progress"}
    # a seed is drawn and printed, so the shop can be made again
    assert f"seed {kwargs['random_state']})" in out
    assert (tmp_path / "s" / "customers.csv").is_file()


def test_make_data_refuses_a_full_folder_before_generating(tmp_path, capsys,
                                                           fake_make_shop):
    (tmp_path / "keep.txt").write_text("x", encoding="utf-8")
    code, _, err = _run(capsys, "make-data", "--out", str(tmp_path))
    assert code == 2
    assert "argument --out" in err and "--overwrite" in err
    assert fake_make_shop == []  # nothing generated for nothing
    code, _, err = _run(capsys, "make-data", "--out", str(tmp_path), "--overwrite")
    assert code == 0, err
    assert (tmp_path / "keep.txt").is_file()


def test_make_data_reports_generator_errors(tmp_path, capsys, monkeypatch):
    def fail(**kwargs):
        raise ValueError("make_shop(): the window must span at least 28 days.")

    datasets = importlib.import_module("ecomkit.datasets")
    monkeypatch.setattr(datasets, "make_shop", fail, raising=False)
    code, _, err = _run(capsys, "make-data", "--out", str(tmp_path / "x"))
    assert code == 2
    assert "28 days" in err and "--start" in err and err.count("\n") == 1


def test_make_data_with_the_real_generator(tmp_path, capsys):
    datasets = importlib.import_module("ecomkit.datasets")
    if not hasattr(datasets, "make_shop"):
        pytest.skip("ecomkit.datasets.make_shop is not written yet")
    out_dir = tmp_path / "shop"
    code, out, err = _run(capsys, "make-data", "--customers", "200", "--seed", "3",
                          "--out", str(out_dir))
    assert code == 0, err
    assert "customers 200," in out
    shop = read_shop(out_dir)
    meta = json.loads((out_dir / "shop.json").read_text(encoding="utf-8"))
    assert meta["params"]["n_customers"] == 200
    for name in TABLE_NAMES:
        assert len(shop[name]) == meta["row_counts"][name]
        for col in TABLES[name].columns:
            assert shop[name][col.name].dtype == dtype_for(col), (name, col.name)
    assert len(shop.stories) >= 1
