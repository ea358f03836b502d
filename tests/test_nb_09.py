"""Notebook 09_sql_recipes: runs on the demo shop, in another dialect and on another shop."""

import papermill as pm
import pytest

from ecomkit.sql import list_recipes

pytestmark = pytest.mark.slow
NB = "09_sql_recipes"
TWINS = {"traffic_by_period", "funnel", "cohort_retention", "repurchase_rate", "rfm",
         "pnl"}


def stderr_text(nb):
    return "".join(
        "".join(o.get("text", ""))
        for c in nb["cells"] if c["cell_type"] == "code"
        for o in c.get("outputs", []) if o.get("name") == "stderr"
    )


@pytest.fixture(scope="module")
def demo(run_notebook):
    return run_notebook(NB)


def test_defaults_sql_and_pandas_agree(demo):
    nb, r = demo
    assert r["all_agree"] is True
    assert set(r["agree"]) == TWINS | {"session_summary"}
    assert all(r["agree"].values())
    assert set(r["files_agree"]) == TWINS and all(r["files_agree"].values())
    assert r["recipes"] == list_recipes()["recipe"].tolist()
    assert r["dialect"] == "duckdb" and r["translated_ok"] is True
    assert r["window"] == {"start": "2024-01-01", "end": "2024-12-31"}


def test_defaults_record_results_and_timings(demo):
    import ecomkit as ek
    from ecomkit.datasets import load_demo_shop

    _, r = demo
    shop = load_demo_shop()
    assert r["repurchase_rate"] == pytest.approx(ek.repurchase_rate(shop.orders))
    assert r["buyers"] == r["rfm_buyers"] == shop.orders.loc[
        shop.orders["paid_ts"].notna(), "customer_id"].nunique()
    assert r["funnel_counts"] == ek.funnel(shop.events)["count"].tolist()
    assert r["rows"]["pnl"] == 12 and r["rows"]["repurchase_rate"] == 1
    for name in TWINS:
        t = r["timings"][name]
        assert t["pandas_s"] > 0 and t["duckdb_s"] > 0 and t["files_s"] > 0
    rows = r["reduction_rows"]
    assert rows["session_summary"] < rows["events"]
    assert rows["customer_summary"] == r["rfm_buyers"]


def test_no_warnings_in_the_output(demo):
    nb, _ = demo
    text = stderr_text(nb)
    assert "Warning" not in text and "Glyph" not in text, text[:500]


@pytest.mark.parametrize("dialect", ["bigquery", "hive"])
def test_another_dialect_and_window(run_notebook, dialect):
    pytest.importorskip("sqlglot")
    nb, r = run_notebook(NB, {"dialect": dialect, "start": "2024-04-01",
                              "end": "2024-06-30"})
    assert r["dialect"] == dialect and r["translated_ok"] is True
    assert r["all_agree"] is True
    assert r["window"] == {"start": "2024-04-01", "end": "2024-06-30"}
    assert r["rows"]["pnl"] == 3
    marker = "@start_date" if dialect == "bigquery" else ":start_date"
    shown = "".join("".join(o.get("data", {}).get("text/markdown", ""))
                    for c in nb["cells"] if c["cell_type"] == "code"
                    for o in c.get("outputs", []))
    assert marker in shown


def test_another_shop(run_notebook, other_shop_dir):
    nb, r = run_notebook(NB, {"data_dir": other_shop_dir})
    assert r["all_agree"] is True
    assert r["window"]["start"].startswith("2023-03")
    assert r["window"]["end"].startswith("2023-12")
    assert r["rows"]["pnl"] == 10
    assert "Glyph" not in stderr_text(nb)


def test_bad_parameter_fails_with_the_validator_message(run_notebook):
    with pytest.raises(pm.PapermillExecutionError,
                       match="notebook 09_sql_recipes: parameter `dialect`"):
        run_notebook(NB, {"dialect": "oracle"})
