"""The data report (check_data), coverage and ``ecomkit check-data``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from test_io import _broken_folder, tiny_shop

from ecomkit._schema import TABLE_NAMES
from ecomkit.cli import SUBCOMMANDS, main
from ecomkit.datasets import (
    check_data,
    coverage,
    example_export,
    metric_tables,
    notebook_sections,
    read_shop,
    validate_shop,
    write_shop,
)
from ecomkit.datasets._report import REPORT_COLUMNS, problem_kind

ROOT = Path(__file__).resolve().parents[1]


def _one(report, table, column, kind):
    hit = report.problems[(report.problems["table"] == table)
                          & (report.problems["column"] == column)
                          & (report.problems["kind"] == kind)]
    assert len(hit) == 1, report.problems[["table", "column", "kind"]].to_string()
    return hit.iloc[0]


# ------------------------------------------------------ each kind of input ----
def test_a_clean_shop_has_no_problem_and_keeps_every_row():
    report = check_data(tiny_shop())
    assert report.ok and report.problems.empty
    assert list(report.problems.columns) == REPORT_COLUMNS
    assert report.rows["excluded"].sum() == 0
    assert report.rows["read"].tolist() == report.rows["kept"].tolist()
    assert set(report.shop) == set(TABLE_NAMES)
    assert repr(report) == ("DataReport('tables in memory': 0 error(s), 0 warning(s), "
                            "0 row(s) excluded)")


def test_every_problem_at_once_with_its_own_message(tmp_path):
    """The broken folder of test_io: nine problems, each with its kind and fix."""
    report = check_data(_broken_folder(tmp_path))
    assert not report.ok and report.shop is None
    expected = {
        ("customers", "age"): "missing_column",
        ("products", "list_price"): "not_a_number",
        ("orders", "status"): "unknown_category",
        ("orders", "shipping_cost"): "negative",
        ("order_items", "order_id"): "orphan_key",
        ("refunds", "refund_ts"): "unparseable_date",
        ("refunds", "refund_amount"): "refund_exceeds_payment",
        ("costs", "date, cost_type"): "duplicate_key",
        ("events", "session_id"): "missing_values",
    }
    got = {(p.table, p.column): p.kind for p in report.problems.itertuples()}
    assert got == expected
    assert (report.problems["severity"] == "error").all()
    assert report.problems["action"].str.len().gt(0).all()
    examples = report.problems.set_index("column")["examples"]
    assert examples["list_price"] == "row 1: '12,5', row 2: 'abc'"
    assert "order_id=999" in examples["order_id"]
    text = report.to_text()
    assert text.count("\n  ") > 9 and "9 error(s), 0 warning(s), 0 row(s) excluded." in text
    assert "products.list_price: not a number" in text
    assert "fix: add the column, or read the folder through a mapping" in text
    assert "read by: 03_members, 06_campaigns_and_private_domain" in text  # customers


@pytest.mark.parametrize("edit, table, column, kind, words", [
    (lambda s: s.orders.drop(columns=["order_ts"]), "orders", "order_ts",
     "missing_column", "missing column"),
    (lambda s: s.orders.assign(paid_ts=["2024-02-01 10:05:00", "yesterday", ""]),
     "orders", "paid_ts", "unparseable_date", "unparseable date"),
    (lambda s: s.orders.assign(paid_ts=["2024-02-01T10:05:00+08:00",
                                        "2024-02-01T11:04:00+00:00", ""]),
     "orders", "paid_ts", "mixed_time_zones", "mixes time zones"),
    (lambda s: s.orders.assign(shipping_cost=[6.5, -12.0, 0.0]), "orders",
     "shipping_cost", "negative", "negative money"),
    (lambda s: s.orders.assign(order_amount=["101.5", "¥2,599.99", "107"]), "orders",
     "order_amount", "not_a_number", "not a number"),
    (lambda s: s.orders.assign(order_id=[500, 500, 502]), "orders", "order_id",
     "duplicate_key", "duplicate key"),
    (lambda s: s.orders.assign(channel=["paid_search", "直通车", "direct"]), "orders",
     "channel", "unknown_category", "unknown category value(s) '直通车'"),
    (lambda s: s.refunds.assign(refund_amount=[12.5, 3000.0]), "refunds",
     "refund_amount", "refund_exceeds_payment", "more than the order's paid_amount"),
    (lambda s: s.order_items.assign(order_id=[500, 500, 501, 777]), "order_items",
     "order_id", "orphan_key", "orphan key"),
])
def test_each_bad_input_is_an_error_with_its_message(edit, table, column, kind, words):
    shop = tiny_shop()
    shop[table] = edit(shop)
    report = check_data(shop)
    p = _one(report, table, column, kind)
    assert p.severity == "error" and words in p.problem
    assert p.action and not report.ok
    assert report.rows["excluded"].sum() == 0  # errors exclude nothing


def test_unknown_category_hint_names_the_mapping_when_there_is_one():
    shop = tiny_shop()
    shop.orders = shop.orders.assign(channel=["paid_search", "直通车", "direct"])
    assert "replace them with the allowed labels" in _one(
        check_data(shop), "orders", "channel", "unknown_category").action
    mapped = check_data(shop, mapping={"tables": {"orders": {}}})
    assert _one(mapped, "orders", "channel", "unknown_category").action == (
        "add the value(s) to tables.orders.values.channel in the mapping")


def test_events_outside_the_funnel_are_excluded_and_counted():
    shop = tiny_shop()
    shop.events = pd.concat([shop.events, shop.events.iloc[:2].assign(
        event_type=["share", "chat"])], ignore_index=True)
    report = check_data(shop)
    assert report.ok
    p = _one(report, "events", "event_type", "unknown_category")
    assert p.severity == "warning" and p.n_rows == 2
    assert p.action.startswith("2 row(s) of events with an unknown event_type 'share', "
                               "'chat' were excluded: they are not steps of the funnel")
    assert report.excluded.to_dict("records")[0]["kind"] == "not_in_funnel"
    row = report.rows.set_index("table").loc["events"]
    assert (row["read"], row["excluded"], row["kept"]) == (7, 2, 5)
    assert len(report.shop.events) == 5
    assert report.shop.events.equals(tiny_shop().events)


def test_missing_event_types_stay_an_error():
    shop = tiny_shop()
    shop.events = shop.events.assign(event_type=["search", "", "share", "payment",
                                                 "home_view"])
    report = check_data(shop)
    assert _one(report, "events", "event_type", "unknown_category").severity == "error"
    assert _one(report, "events", "event_type", "missing_values").severity == "error"


def test_exact_copies_are_excluded_differing_duplicates_are_errors():
    shop = tiny_shop()
    shop.orders = pd.concat([shop.orders, shop.orders.iloc[[1]]], ignore_index=True)
    report = check_data(shop)
    assert report.ok
    p = _one(report, "orders", "order_id", "duplicate_key")
    assert p.severity == "warning" and "kept the first of each" in p.action
    assert report.excluded["n_rows"].tolist() == [1]
    assert report.shop.orders.equals(tiny_shop().orders)
    changed = shop.orders.copy()
    changed.loc[3, "paid_amount"] = 1.0  # same key, another amount: which one is true?
    shop.orders = changed
    assert _one(check_data(shop), "orders", "order_id", "duplicate_key").severity == "error"


def test_a_missing_nullable_column_is_added_empty():
    shop = tiny_shop()
    shop.orders = shop.orders.drop(columns=["coupon_id", "delivered_ts"])
    report = check_data(shop)
    assert report.ok
    assert set(report.warnings["column"]) == {"coupon_id", "delivered_ts"}
    assert report.warnings["action"].str.startswith("added ").all()
    assert report.shop.orders["coupon_id"].isna().all()
    assert str(report.shop.orders["delivered_ts"].dtype) == "datetime64[ns]"
    assert list(report.shop.orders.columns)[-1] == "delivered_ts" or "delivered_ts" in (
        report.shop.orders)


def test_trailing_empty_rows_of_a_file_are_excluded(tmp_path):
    write_shop(tiny_shop(), tmp_path)
    with open(tmp_path / "products.csv", "a", encoding="utf-8") as f:
        f.write(",,,,\n,,,,\n")
    report = check_data(tmp_path)
    assert report.ok
    p = _one(report, "products", "", "blank_rows")
    assert (p.severity, p.n_rows, p.examples) == ("warning", 2, "rows 3 to 4")
    assert report.rows.set_index("table").loc["products", "excluded"] == 2
    assert report.shop.stories is not None and report.shop.params["n_customers"] == 3


def test_problem_kinds_cover_every_message_of_validate_shop(tmp_path):
    with pytest.raises(ValueError) as err:
        read_shop(_broken_folder(tmp_path))
    problems = list(err.value.problems["problem"]) + list(validate_shop({"costs": tiny_shop().costs.assign(
        date=["2024-02-01T00:00+08:00", "2024-02-01T00:00+09:00"])})["problem"])
    assert problems and all(problem_kind(p) != "other" for p in problems), problems


def test_notebooks_scope_leaves_out_what_they_do_not_read():
    shop = tiny_shop()
    shop.products = shop.products.drop(columns=["category"])  # 03 does not read products
    report = check_data(shop, notebooks=["03"])
    assert report.ok
    left = report.warnings[report.warnings["kind"] == "not_needed"]
    assert {"products", "inventory", "market"} <= set(left["table"])
    assert "products" not in report.shop and "orders" in report.shop
    with pytest.raises(ValueError, match="unknown notebook '42'"):
        check_data(shop, notebooks=["42"])


# ---------------------------------------------------------------- coverage ----
def test_notebook_sections_are_read_from_the_notebooks():
    needs = notebook_sections()
    assert set(needs) >= {"00_start_here", "01_traffic", "07_gmv_diagnosis"}
    assert "08_your_own_data" not in needs  # it reads an export, not a shop folder
    assert needs["01_traffic"]["market"] == ("market",)
    assert needs["04_finance"]["carrier"] == ("orders",)
    text = (ROOT / "notebooks" / "02_conversion.ipynb").read_text(encoding="utf-8")
    for section in needs["02_conversion"]:
        assert f'\\"{section}\\": [' in text


def test_coverage_of_a_folder_with_only_orders_and_customers(tmp_path):
    shop = tiny_shop()
    write_shop({"orders": shop.orders, "customers": shop.customers}, tmp_path)
    report = check_data(tmp_path)
    assert report.ok
    cov = report.coverage.set_index("notebook")
    assert cov.loc["03_members", "status"] == "partial"
    assert cov.loc["03_members", "runnable"] == 2
    assert set(cov.loc["03_members", "skipped"]) == {"arpu", "historic_clv",
                                                      "cohort_coupons", "private_domain"}
    assert cov.loc["06_campaigns_and_private_domain", "status"] == "partial"
    assert cov.loc["04_finance", "runnable"] == 1  # the carrier section
    for nb in ("00_start_here", "01_traffic", "02_conversion", "05_products",
               "07_gmv_diagnosis"):
        assert cov.loc[nb, "status"] == "none", nb
    assert "sessions" in cov.loc["00_start_here", "missing"]
    fam = report.families.set_index("family")
    assert fam.loc["member", "status"] == "ready"
    assert fam.loc["sales", "status"] == "partial"
    assert set(fam.loc["sales", "missing"]) == {"sessions", "order_items", "refunds"}
    assert fam.loc["market", "status"] == "none"
    assert fam.loc["traffic", "computable"] == 0


def test_coverage_with_errors_says_fix_errors():
    nbs, fams = coverage(TABLE_NAMES, errors=["orders"])
    assert set(nbs["status"]) == {"fix errors"}
    assert "orders" in nbs.set_index("notebook").loc["03_members", "with_errors"]
    assert set(fams["status"]) == {"ready"}


def test_metric_tables_come_from_the_signatures():
    t = metric_tables().set_index("id")
    import ecomkit

    assert set(t.index) == set(ecomkit.glossary()["id"])
    assert t.loc["uv", "tables"] == ("sessions",)
    assert t.loc["campaign_uplift", "tables"] == ("orders", "campaigns")
    assert t.loc["p_alive", "derived"]


# ------------------------------------------------------------- the command ----
def _run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_check_data_is_a_subcommand():
    assert "check-data" in SUBCOMMANDS


def test_check_data_clean_folder_exits_0_with_coverage(tmp_path, capsys):
    write_shop(tiny_shop(), tmp_path)
    code, out, err = _run(capsys, "check-data", tmp_path)
    assert code == 0, err
    assert out.startswith(f"Data check of {tmp_path}\n")
    assert "0 error(s), 0 warning(s), 0 row(s) excluded." in out
    assert "Notebooks this folder supports" in out and "07_gmv_diagnosis  ready" in out
    assert "Metric families" in out and "No errors: the shop is ready" in out


def test_check_data_errors_exit_1_and_list_them(tmp_path, capsys):
    code, out, _ = _run(capsys, "check-data", _broken_folder(tmp_path))
    assert code == 1
    assert "9 error(s)" in out and "ERRORS: they change the numbers" in out
    assert "order_items.order_id: orphan key" in out
    assert "07_gmv_diagnosis fix errors" in out


def test_check_data_mapping_warnings_excluded_rows_and_out(tmp_path, capsys):
    export, shop_dir = tmp_path / "export", tmp_path / "shop"
    example_export(export, n_customers=120)
    code, out, _ = _run(capsys, "check-data", export, "--mapping", "taobao", "--out",
                        shop_dir)
    assert code == 1 and "orders.channel: unknown category value(s) '短信召回'" in out
    assert f"Not written to {shop_dir}" in out and not shop_dir.exists()
    fixed = tmp_path / "fixed.yaml"
    import yaml

    from ecomkit.datasets import load_mapping

    spec = load_mapping("taobao").to_dict()
    spec["tables"]["orders"]["values"]["channel"]["短信召回"] = "email_sms"
    fixed.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    code, out, _ = _run(capsys, "check-data", export, "--mapping", fixed, "--out",
                        shop_dir)
    assert code == 0
    assert "0 error(s), 3 warning(s)" in out
    assert "were excluded: they are not steps of the funnel" in out
    assert "excluded 2 row(s) that repeat another row exactly" in out
    assert "What was done to read the data:" in out and "derived" in out
    shop = read_shop(shop_dir)
    assert shop.orders["customer_id"].str.startswith("C").all()
    meta = json.loads((shop_dir / "shop.json").read_text(encoding="utf-8"))
    assert meta["row_counts"]["events"] == len(shop.events)
    code, out, _ = _run(capsys, "check-data", export, "--mapping", fixed, "--quiet")
    assert code == 0 and "What was done" not in out


@pytest.mark.parametrize("argv, words", [
    (["check-data", "no/such/dir"], "argument DIR"),
    (["check-data"], "DIR"),
    (["check-data", "{tmp}", "--mapping", "nosuch"], "argument --mapping: no mapping "
     "file 'nosuch'"),
    (["check-data", "{tmp}", "--mapping", "{tmp}/bad.yaml"], "argument --mapping: "
     "load_mapping(): the mapping"),
    (["check-data", "{tmp}", "--notebooks", "42"], "unknown notebook '42'"),
    (["check-data", "{tmp}", "--out", "{tmp}"], "argument --out"),
    (["check-data", "{tmp}/empty"], "no table files"),
    (["check-data", "{tmp}", "--mapping", "taobao", "--format", "xlsx"],
     "argument --format"),
])
def test_check_data_bad_arguments_exit_2(tmp_path, capsys, argv, words):
    write_shop(tiny_shop(), tmp_path)
    (tmp_path / "bad.yaml").write_text("tables: {order: {}}\n", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code, out, err = _run(capsys, *argv)
    assert code == 2, (out, err)
    assert words in err and out == ""


def test_check_data_no_file_matches_the_mapping_exits_2(tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    code, _, err = _run(capsys, "check-data", tmp_path, "--mapping", "taobao")
    assert code == 2 and "no file in" in err and "matches the mapping" in err


def test_check_data_on_the_demo(capsys):
    code, out, _ = _run(capsys, "check-data", "demo", "--notebooks", "03")
    assert code == 0
    assert "table not read by the chosen notebooks" in out


def test_read_shop_with_the_shipped_mapping_on_a_clean_export(tmp_path):
    ex = example_export(tmp_path, n_customers=120, problems=False)
    shop = read_shop(tmp_path, mapping="taobao")
    assert set(shop) == set(ex.shop)
    assert shop.sessions["start_ts"].equals(ex.shop.sessions["start_ts"])


def test_unreadable_files_are_errors_of_their_table(tmp_path):
    (tmp_path / "o.csv").write_bytes("订单编号,金额\n1,2\n".encode("utf-16"))
    (tmp_path / "p.csv").write_text("商品ID,类目\n1,food,extra\n", encoding="utf-8")
    report = check_data(tmp_path, mapping={"tables": {
        "orders": {"file": "o.csv", "encoding": "utf-8"}, "products": {"file": "p.csv"}}})
    found = report.problems.set_index("table")
    assert (found["kind"] == "unreadable_file").all() and not report.ok
    assert found.loc["orders", "problem"].startswith("o.csv is not utf-8 text")
    assert "a row has more fields than the header" in found.loc["products", "problem"]
    assert report.rows.set_index("table").loc["orders", "read"] == 0
