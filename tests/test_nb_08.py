"""Notebook 08_your_own_data: the example export, a shop folder, the demo, your own mapping."""

import pathlib

import numpy as np
import papermill as pm
import pytest
import yaml

import ecomkit
from ecomkit.datasets import example_export, load_mapping, read_shop

pytestmark = pytest.mark.slow
NB = "08_your_own_data"
PATH = pathlib.Path(__file__).resolve().parents[1] / "notebooks" / f"{NB}.ipynb"


@pytest.fixture(scope="module")
def example(run_notebook):
    return run_notebook(NB)


def test_example_report_before_and_after_the_fix(example):
    _, r = example
    assert r["errors_before"] == 1 and r["error_kinds_before"] == ["unknown_category"]
    assert r["warnings_before"] == 3
    assert r["warning_kinds"] == ["blank_rows", "duplicate_key", "unknown_category"]
    assert r["excluded_rows"] == {"events:not_in_funnel": 12, "orders:exact_copies": 2,
                                  "orders:blank_rows": 1}
    assert r["errors_after_fix"] == 0
    assert r["rows"]["orders"] == {"read": 395, "excluded": 3, "kept": 392}
    assert r["raw_tables"]["orders"] == 395


def test_example_metrics_are_the_source_shops(example, tmp_path):
    _, r = example
    truth = example_export(tmp_path).shop.orders  # the same default arguments
    assert r["matches_source"] is True
    assert np.isclose(r["paid_amount"], ecomkit.paid_amount(truth))
    assert np.isclose(r["revenue_per_buyer"], ecomkit.revenue_per_buyer(truth))
    assert r["paid_amount_with_copies"] > r["paid_amount"]
    assert r["window"] == ["2024-01-01", "2024-12-31"]


def test_example_coverage_and_saved_shop(example):
    _, r = example
    assert r["coverage"]["00_start_here"] == "ready"
    assert r["coverage"]["04_finance"] == "partial"
    assert r["families"]["sales"] == "ready" and r["families"]["market"] == "none"
    assert r["saved_tables"] == sorted(["customers", "products", "sessions", "events",
                                        "orders", "order_items", "refunds"])


def test_a_shop_folder_without_mapping(run_notebook, other_shop_dir):
    _, r = run_notebook(NB, {"data_dir": other_shop_dir, "mapping": ""})
    shop = read_shop(other_shop_dir)
    assert r["errors_before"] == 0 and r["warnings_before"] == 0
    assert r["errors_after_fix"] == 0
    assert np.isclose(r["paid_amount"], ecomkit.paid_amount(shop.orders))
    assert "matches_source" not in r
    assert all(status == "ready" for status in r["coverage"].values())


def test_the_demo_with_the_default_mapping_as_the_report_runs_it(run_notebook):
    # `ecomkit report --data-dir DIR` passes only data_dir: the shipped mapping
    # finds no export file and reads the schema files as they are
    _, r = run_notebook(NB, {"data_dir": "demo"})
    assert r["errors_before"] == 0 and r["errors_after_fix"] == 0
    assert r["raw_tables"]["orders"] == 2196


def test_your_own_export_and_mapping_file_and_window(run_notebook, tmp_path_factory):
    folder = tmp_path_factory.mktemp("nb08_export")
    example_export(folder / "export", n_customers=150, random_state=3)
    spec = load_mapping("taobao").to_dict()
    spec["tables"]["orders"]["values"]["channel"]["短信召回"] = "email_sms"
    mapping = folder / "mine.yaml"
    mapping.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    _, r = run_notebook(NB, {"data_dir": str(folder / "export"), "mapping": str(mapping),
                             "start": "2024-03-01", "end": "2024-06-30"})
    assert r["errors_before"] == 0 and r["warnings_before"] == 3
    assert r["window"] == ["2024-03-01", "2024-06-30"]
    assert "matches_source" not in r


def test_bad_parameters_give_one_message(tmp_path):
    with pytest.raises(pm.PapermillExecutionError) as err:
        pm.execute_notebook(str(PATH), str(tmp_path / "out.ipynb"),
                            parameters={"data_dir": "no/such/folder",
                                        "mapping": "missing.yaml", "start": "2024-13-01"},
                            kernel_name="python3", progress_bar=False)
    message = str(err.value)
    assert "ParameterError" in message and "start" in message
    with pytest.raises(pm.PapermillExecutionError) as err:
        pm.execute_notebook(str(PATH), str(tmp_path / "out.ipynb"),
                            parameters={"data_dir": "no/such/folder",
                                        "mapping": "missing.yaml"},
                            kernel_name="python3", progress_bar=False)
    message = str(err.value)
    assert "parameter `data_dir` = 'no/such/folder' is not an existing folder" in message
    assert "parameter `mapping` = 'missing.yaml' is not an existing file" in message
