"""ecomkit report: every analysis notebook on one shop folder, HTML pages and an index."""

import pytest

from ecomkit.cli import main
from ecomkit.report import _in_report, notebook_paths, run_report


def test_tool_tutorials_opt_out_of_reports():
    names = {p.stem for p in notebook_paths() if not _in_report(p)}
    assert "08_your_own_data" in names
    assert "01_traffic" not in names


@pytest.mark.slow
def test_report_renders_pages_and_an_index(tmp_path, other_shop_dir):
    runs = run_report(other_shop_dir, tmp_path / "reports", notebooks=["00", "05"], progress=False)
    assert [r.name for r in runs] == ["00_start_here", "05_products"]
    assert all(r.ok for r in runs), [r.error for r in runs]
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert "00_start_here.html" in index and "05_products.html" in index
    page = (tmp_path / "reports" / "05_products.html").read_text(encoding="utf-8")
    assert "<html" in page and "Pareto" in page


def test_report_cli_rejects_a_missing_folder(capsys):
    assert main(["report", "--data-dir", "/no/such/shop"]) == 2
    assert "--data-dir" in capsys.readouterr().err


@pytest.mark.slow
def test_report_with_the_duckdb_engine(tmp_path, other_shop_dir, capsys):
    out = tmp_path / "reports"
    assert main(["report", "--data-dir", other_shop_dir, "--out", str(out), "--notebooks", "02",
                 "--engine", "duckdb"]) == 0
    assert "all ran" in capsys.readouterr().out
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "engine duckdb" in index
    page = (out / "02_conversion.html").read_text(encoding="utf-8")
    assert "stays on disk" in page  # the skip note is part of the report


def test_report_rejects_an_unknown_engine(tmp_path, capsys):
    with pytest.raises(ValueError, match="`engine` must be one of"):
        run_report("demo", tmp_path, engine="spark", progress=False)
    assert main(["report", "--engine", "spark"]) == 2
    assert "invalid choice: 'spark'" in capsys.readouterr().err
