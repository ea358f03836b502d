"""Mapping an analyst's export onto the shop schema (ecomkit.datasets._mapping).

The central test writes a whole shop in a foreign layout (other file and
column names, text customer ids, Chinese status/channel/device labels, UTC
times, cents, a derived column, a few bad rows), maps it back, checks that
every value comes back, and runs notebooks 00-07 on the mapped folder.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecomkit._schema import TABLE_NAMES, TABLES
from ecomkit.datasets import (
    DERIVATIONS,
    MappingError,
    ShopValidationError,
    apply_mapping,
    check_data,
    example_export,
    load_mapping,
    make_shop,
    read_shop,
    shipped_mappings,
    to_export,
    write_export,
    write_shop,
)

CHANNELS_ZH = {"手淘搜索": "organic_search", "直通车": "paid_search",
               "猜你喜欢": "recommendation", "小红书": "social", "淘宝直播": "live_stream",
               "淘宝客": "affiliate", "企业微信": "private_domain", "短信": "email_sms",
               "直接访问": "direct"}
DEVICES_ZH = {"手机App": "app", "小程序": "mini_program", "手机网页": "mobile_web",
              "电脑": "pc"}
STATUS_ZH = {"已付款": "paid", "交易成功": "paid", "交易关闭": "cancelled",
             "待付款": "unpaid"}
ORDER_COLUMNS = {
    "订单编号": "order_id", "买家ID": "customer_id", "会话": "session_id",
    "下单时间": "order_ts", "付款时间": "paid_ts", "订单状态": "status", "渠道": "channel",
    "终端": "device", "活动": "campaign_id", "商品金额": "list_amount",
    "优惠": "discount_amount", "运费": "shipping_fee", "总金额": "order_amount",
    "物流成本": "shipping_cost", "优惠券": "coupon_id", "发货时间": "shipped_ts",
    "签收时间": "delivered_ts",  # no paid_amount: derived from the status
}
CUSTOMER_TABLES = ("customers", "orders", "sessions", "coupons", "contacts")


def foreign_mapping() -> dict:
    """Every table in another layout: "Order Id"-style names, orders in Chinese."""
    tables = {name: {"file": f"export_{name}.csv",
                     "columns": {c.replace("_", " ").title(): c
                                 for c in TABLES[name].column_names}}
              for name in TABLE_NAMES}
    tables["orders"] = {
        "file": "订单.csv", "columns": ORDER_COLUMNS,
        "values": {"status": STATUS_ZH, "channel": CHANNELS_ZH, "device": DEVICES_ZH},
        "derive": {"paid_amount": "paid_amount_from_status"}}
    tables["sessions"]["values"] = {"channel": CHANNELS_ZH, "device": DEVICES_ZH}
    tables["customers"]["values"] = {"acquisition_channel": CHANNELS_ZH}
    tables["marketing_spend"]["values"] = {"channel": CHANNELS_ZH}
    tables["marketing_spend"]["money_multiplier"] = 0.01  # the ad platform writes 分
    tables["refunds"]["values"] = {"is_return": {"是": True, "否": False}}
    tables["events"]["file"] = "events_part*.csv"  # two files, stacked
    return {"name": "foreign", "timezone": "UTC", "shop_timezone": "Asia/Shanghai",
            "currency": "CNY", "tables": tables}


def text_ids(shop) -> dict:
    """The shop with customer ids as text ("C0001"), as many platforms give them."""
    out = {name: shop[name].copy() for name in TABLE_NAMES if name in shop}
    for name in CUSTOMER_TABLES:
        out[name]["customer_id"] = out[name]["customer_id"].map(
            lambda v: np.nan if pd.isna(v) else f"C{int(v):04d}").astype("str")
    return out


def write_foreign(shop, folder) -> dict:
    """Write ``shop`` in the foreign layout with a few harmless bad rows."""
    mapping = foreign_mapping()
    tables = to_export(shop, mapping)
    # the tracking writes its visits with an offset: 2023-03-01T02:00:00+00:00
    tables["sessions"] = to_export({"sessions": shop["sessions"]}, mapping,
                                   with_offset=True)["sessions"]
    orders = tables["orders"]
    done = (orders["订单状态"] == "已付款") & shop["orders"]["delivered_ts"].notna()
    orders.loc[done, "订单状态"] = "交易成功"
    copies = [3, 10]  # two orders exported twice, right after themselves
    order = list(range(len(orders)))
    for i in sorted(copies, reverse=True):
        order.insert(i + 1, i)
    tables["orders"] = orders.iloc[order].reset_index(drop=True)
    events = tables.pop("events")
    share = events.iloc[:12].assign(**{"Event Type": "share"})  # not a funnel step
    events = pd.concat([events, share]).sort_index(kind="stable").reset_index(drop=True)
    write_export(tables, folder, mapping)
    half = len(events) // 2
    events.iloc[:half].to_csv(folder / "events_part1.csv", index=False)
    events.iloc[half:].to_csv(folder / "events_part2.csv", index=False)
    with open(folder / "export_products.csv", "a", encoding="utf-8") as f:
        f.write("," * (len(tables["products"].columns) - 1) + "\n")  # Excel's last line
    return mapping


@pytest.fixture(scope="module")
def source_shop():
    # the shop of conftest's other_shop_dir, so that the notebooks are known to run
    return text_ids(make_shop(900, start="2023-03-01", end="2023-12-31", random_state=5))


@pytest.fixture(scope="module")
def foreign(source_shop, tmp_path_factory):
    folder = tmp_path_factory.mktemp("foreign_export")
    mapping = write_foreign(source_shop, folder)
    return folder, mapping


@pytest.fixture(scope="module")
def foreign_report(foreign):
    folder, mapping = foreign
    return check_data(folder, mapping=mapping)


# ---------------------------------------------------------- the round trip ----
def test_foreign_export_looks_foreign(foreign):
    folder, _ = foreign
    names = sorted(p.name for p in folder.iterdir())
    assert "订单.csv" in names and "events_part1.csv" in names and "orders.csv" not in names
    orders = pd.read_csv(folder / "订单.csv", dtype=str)
    assert "订单编号" in orders and "paid_amount" not in orders and "总金额" in orders
    assert set(orders["订单状态"]) == set(STATUS_ZH)
    assert orders["买家ID"].str.fullmatch(r"C\d{4}").all()
    sessions = pd.read_csv(folder / "export_sessions.csv", dtype=str)
    assert sessions["Start Ts"].str.endswith("+00:00").all()
    assert set(sessions["Channel"]) <= set(CHANNELS_ZH)


def test_foreign_export_maps_and_validates_with_warnings_only(foreign_report):
    r = foreign_report
    assert r.ok, r.to_text()
    assert r.mapping == "foreign"
    kinds = dict(zip(r.warnings["table"] + "." + r.warnings["kind"], r.warnings["n_rows"],
                     strict=True))
    assert kinds == {"products.blank_rows": 1, "events.unknown_category": 12,
                     "orders.duplicate_key": 4}
    excluded = {(e.table, e.kind): e.n_rows for e in r.excluded.itertuples()}
    assert excluded == {("products", "blank_rows"): 1, ("events", "not_in_funnel"): 12,
                        ("orders", "exact_copies"): 2}
    rows = r.rows.set_index("table")
    assert (rows["read"] - rows["excluded"] == rows["kept"]).all()
    assert rows.loc["events", "excluded"] == 12 and rows.loc["orders", "excluded"] == 2
    assert "12 row(s) of events with an unknown event_type 'share' were excluded" in (
        r.to_text())


def test_every_value_comes_back(foreign_report, source_shop):
    got = foreign_report.shop
    for name in TABLE_NAMES:
        want = source_shop[name]
        assert list(got[name].columns) == list(want.columns), name
        assert len(got[name]) == len(want), name
        for column in want.columns:
            a, b = got[name][column], want[column]
            kind = TABLES[name].column(column).kind
            if kind in ("money", "float"):
                assert np.allclose(a, b, equal_nan=True, atol=0.005), (name, column)
            elif kind in ("id", "str"):
                assert a.astype(object).where(a.notna(), None).tolist() == \
                    b.astype(object).where(b.notna(), None).tolist(), (name, column)
            else:
                assert a.equals(b) or (a.astype(object).fillna("NA") == b.astype(
                    object).fillna("NA")).all(), (name, column)
    # the UTC times came back in Beijing time, the dates were not shifted
    assert got["sessions"]["start_ts"].equals(source_shop["sessions"]["start_ts"])
    assert got["inventory"]["date"].equals(source_shop["inventory"]["date"])
    assert got["orders"]["customer_id"].iloc[0].startswith("C")


def test_notes_say_what_the_mapping_did(foreign_report):
    notes = "\n".join(foreign_report.notes)
    assert "events: read events_part1.csv" in notes and "events_part2.csv" in notes
    assert "orders.paid_amount: derived — paid_amount_from_status" in notes
    assert "sessions.start_ts: " in notes and "converted to Asia/Shanghai" in notes
    assert "marketing_spend: money × 0.01 (CNY), rounded to cents: spend" in notes
    assert "orders.status: mapped" in notes and "交易成功 → paid" in notes


def test_read_shop_with_a_mapping_is_strict(foreign):
    folder, mapping = foreign
    with pytest.raises(ShopValidationError) as err:
        read_shop(folder, mapping=mapping)
    kinds = set(err.value.problems["problem"].str.split(";").str[0])
    assert "duplicate key" in kinds  # the copies: check_data handles them, read_shop not
    shop = read_shop(folder, tables=["customers", "costs"], mapping=mapping)
    assert shop.customers["customer_id"].iloc[0] == "C0001"
    assert list(shop) == ["customers", "costs"]


@pytest.mark.slow
@pytest.mark.parametrize("name", [
    "00_start_here", "01_traffic", "02_conversion", "03_members", "04_finance",
    "05_products", "06_campaigns_and_private_domain", "07_gmv_diagnosis"])
def test_notebooks_run_on_the_mapped_shop(name, foreign_report, tmp_path_factory,
                                          run_notebook):
    folder = tmp_path_factory.getbasetemp() / "mapped_foreign_shop"
    if not folder.exists():
        write_shop(foreign_report.shop, folder)
    nb, records = run_notebook(name, {"data_dir": str(folder)})
    assert records, f"{name} recorded nothing"
    errors = [o for c in nb["cells"] for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert not errors


# ------------------------------------------------------------ the shipped ----
def test_shipped_taobao_mapping_loads_and_names_the_usual_columns():
    assert "taobao_export" in shipped_mappings()
    m = load_mapping("taobao")
    assert m is not None and load_mapping("taobao_export").tables.keys() == m.tables.keys()
    orders = m.tables["orders"]
    for column in ("订单编号", "买家会员名", "订单创建时间", "订单付款时间", "订单状态",
                   "总金额", "买家实际支付金额", "运费"):
        assert column in orders.columns
    assert orders.values["status"]["交易成功"] == "paid"
    assert orders.values["status"]["交易关闭"] == "cancelled"
    assert orders.values["status"]["待付款"] == "unpaid"
    assert orders.values["channel"]["直通车"] == "paid_search"
    assert m.tables["sessions"].timezone == "UTC" and m.timezone == "Asia/Shanghai"
    assert m.currency == "CNY"


def test_example_export_round_trips_through_the_taobao_mapping(tmp_path):
    ex = example_export(tmp_path)
    raw = (tmp_path / "订单报表.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # GB18030, as the platform writes it
    report = check_data(tmp_path, mapping="taobao")
    assert list(report.errors["kind"]) == ["unknown_category"]
    assert "'短信召回'" in report.errors["problem"][0]
    assert report.errors["action"][0] == ("add the value(s) to "
                                          "tables.orders.values.channel in the mapping")
    spec = load_mapping("taobao").to_dict()
    spec["tables"]["orders"]["values"]["channel"]["短信召回"] = "email_sms"
    report = check_data(tmp_path, mapping=spec)
    assert report.ok
    assert report.excluded["n_rows"].sum() == sum(ex.planted.values()) - 3
    for name in ex.shop:
        assert len(report.shop[name]) == len(ex.shop[name])
    import ecomkit

    assert ecomkit.revenue_per_buyer(report.shop.orders) == pytest.approx(
        ecomkit.revenue_per_buyer(ex.shop.orders))
    assert report.shop.order_items["unit_cost"].equals(ex.shop.order_items["unit_cost"])
    assert report.shop.orders["discount_amount"].equals(ex.shop.orders["discount_amount"])


# ----------------------------------------------------------- load_mapping ----
@pytest.mark.parametrize("spec, message", [
    ({"tables": {"order": {}}}, "tables.order: unknown table 'order'; did you mean 'orders'?"),
    ({"tables": {"orders": {"columns": {"金额": "order_amout"}}}},
     "tables.orders.columns.金额: unknown column 'order_amout' of orders; did you mean "
     "'order_amount'?"),
    ({"tables": {"orders": {"values": {"order_amount": {"x": 1}}}}},
     "tables.orders.values.order_amount: a value map for a column that is not a "
     "category: orders.order_amount is money"),
    ({"tables": {"orders": {"values": {"status": {"交易成功": "payed"}}}}},
     "tables.orders.values.status.交易成功: 'payed' is not a level of status; did you "
     "mean 'paid'?"),
    ({"tables": {"refunds": {"values": {"is_return": {"是": "maybe"}}}}},
     "is_return is a boolean; map to true or false"),
    ({"tables": {"orders": {"derive": {"paid_amount": "paid_from_status"}}}},
     "unknown rule 'paid_from_status'"),
    ({"tables": {"orders": {"derive": {"order_amount": "paid_amount_from_status"}}}},
     "the rule 'paid_amount_from_status' computes orders.paid_amount, not "
     "orders.order_amount"),
    ({"tables": {"orders": {"derive": {"channel": "empty"}}}},
     "orders.channel is not nullable, so it cannot be left empty"),
    ({"tables": {"orders": {"derive": {"shipping_cost": {"value": "free"}}}}},
     "the constant must be a number"),
    ({"tables": {"orders": {"columns": {"a": "order_id", "b": "order_id"}}}},
     "order_id is already mapped from 'a'"),
    ({"tables": {"orders": {"columns": {"实付": "paid_amount"},
                            "derive": {"paid_amount": "paid_amount_from_status"}}}},
     "paid_amount is also mapped from a column of the export ('实付')"),
    ({"timezone": "Beijing", "tables": {"orders": {}}}, "timezone: unknown time zone"),
    ({"money_multiplier": 0, "tables": {"orders": {}}}, "money_multiplier: must be a "
     "positive number"),
    ({"tabels": {}}, "tabels: unknown key; did you mean 'tables'?"),
    ({"tables": {"orders": {"file": "orders.xlsx"}}}, "cannot tell the format"),
    ({"tables": {"orders": {"encoding": "big-5-ish"}}}, "unknown encoding"),
    ({"tables": {"orders": {"fiel": "x.csv"}}}, "tables.orders.fiel: unknown key; did "
     "you mean 'file'?"),
])
def test_load_mapping_names_each_mistake(spec, message):
    with pytest.raises(MappingError) as err:
        load_mapping(spec)
    assert message in str(err.value)


def test_load_mapping_lists_every_mistake_at_once(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("timezone: Mars/Base\ntables:\n  order: {}\n  orders:\n"
                   "    values: {status: {成功: won}}\n", encoding="utf-8")
    with pytest.raises(MappingError) as err:
        load_mapping(bad)
    assert len(err.value.problems) == 3
    assert str(err.value).startswith(f"load_mapping(): the mapping {str(bad)!r} has 3 ")
    (tmp_path / "broken.yaml").write_text("tables: [orders\n", encoding="utf-8")
    with pytest.raises(MappingError, match="not valid YAML"):
        load_mapping(tmp_path / "broken.yaml")
    with pytest.raises(FileNotFoundError, match="shipped ones are"):
        load_mapping("no_such_mapping")
    with pytest.raises(TypeError):
        load_mapping(3)


def test_to_dict_round_trips_and_is_a_copy():
    m = load_mapping("taobao")
    spec = m.to_dict()
    spec["tables"]["orders"]["values"]["channel"]["短信召回"] = "email_sms"
    assert "短信召回" not in m.tables["orders"].values["channel"]
    assert load_mapping(spec).tables["orders"].values["channel"]["短信召回"] == "email_sms"


def test_every_derivation_is_documented():
    for name, d in DERIVATIONS.items():
        assert d.column in TABLES[d.table].column_names, name
        assert set(d.needs) <= set(TABLES[d.table].column_names), name
        assert len(d.doc) > 20, name


# ---------------------------------------------------------- apply_mapping ----
def _orders(**columns):
    base = {"订单编号": ["1", "2", "3"], "状态": ["交易成功", "交易关闭", "待付款"],
            "金额": ["100.5", "20", "30"], "付款": ["2024-03-01 00:30:00", "", ""]}
    base.update(columns)
    return pd.DataFrame(base)


ORDERS_SPEC = {"columns": {"订单编号": "order_id", "状态": "status", "金额": "order_amount",
                           "付款": "paid_ts"},
               "values": {"status": STATUS_ZH}}


def test_value_maps_leave_unknown_and_schema_labels_alone():
    frame = _orders(状态=["交易成功", "paid", "退款中"])
    tables, findings, notes = apply_mapping({"orders": frame}, {"tables": {
        "orders": ORDERS_SPEC}})
    assert tables["orders"]["status"].tolist() == ["paid", "paid", "退款中"]
    assert any("orders.status: mapped 1 value(s): 交易成功 → paid (1)" in n for n in notes)
    assert not findings


def test_derivations_from_status_paid_ts_and_amounts():
    frame = _orders(商品=["110.5", "20", "30"], 运费=["5", "0", "0"])
    spec = {"tables": {"orders": {**ORDERS_SPEC, "columns": {
        **ORDERS_SPEC["columns"], "商品": "list_amount", "运费": "shipping_fee"},
        "derive": {"paid_amount": "paid_amount_from_status",
                   "discount_amount": "discount_amount_from_amounts",
                   "coupon_id": "empty", "shipping_cost": {"value": 0},
                   "device": {"value": "app"}}}}}
    out = apply_mapping({"orders": frame}, spec)[0]["orders"]
    assert out["paid_amount"].tolist() == [100.5, 0.0, 0.0]
    assert out["discount_amount"].tolist() == [15.0, 0.0, 0.0]
    assert out["coupon_id"].isna().all() and out["device"].tolist() == ["app"] * 3
    spec["tables"]["orders"]["derive"] = {"paid_amount": "paid_amount_from_paid_ts",
                                          "status": "status_from_paid_ts"}
    del spec["tables"]["orders"]["columns"]["状态"]
    out = apply_mapping({"orders": frame}, spec)[0]["orders"]
    assert out["paid_amount"].tolist() == [100.5, 0.0, 0.0]
    assert out["status"].tolist() == ["paid", "unpaid", "unpaid"]
    spec["tables"]["orders"]["derive"] = {"order_amount": "order_amount_from_parts"}
    del spec["tables"]["orders"]["columns"]["金额"]
    _, findings, _ = apply_mapping({"orders": frame}, spec)
    assert findings[0]["kind"] == "derivation" and findings[0]["severity"] == "error"
    assert "the table has no discount_amount column" in findings[0]["problem"]


def test_the_exports_own_column_wins_over_a_derivation():
    frame = _orders().assign(paid_amount=["99", "0", "0"])
    spec = {"tables": {"orders": {**ORDERS_SPEC,
                                  "derive": {"paid_amount": "paid_amount_from_status"}}}}
    out, _, notes = apply_mapping({"orders": frame}, spec)
    assert out["orders"]["paid_amount"].tolist() == ["99", "0", "0"]
    assert any("the export has this column; the derivation" in n for n in notes)


def test_a_paid_order_with_text_amount_keeps_the_text_for_the_report():
    frame = _orders(金额=["¥100", "20", "30"])
    spec = {"tables": {"orders": {**ORDERS_SPEC,
                                  "derive": {"paid_amount": "paid_amount_from_status"}}}}
    out = apply_mapping({"orders": frame}, spec)[0]["orders"]
    assert out["paid_amount"].tolist() == ["¥100", 0.0, 0.0]


def test_time_zones_naive_aware_mixed_and_dates():
    sessions = pd.DataFrame({
        "start_ts": ["2024-03-01 16:30:00", "2024-03-01T16:30:00Z",
                     "2024-03-01T17:30:00+01:00", ""],
        "end_ts": ["2024-03-01 16:31:00"] * 4})
    products = pd.DataFrame({"launch_date": ["2024-03-01", "2024/3/2", "2024年3月3日"]})
    spec = {"timezone": "UTC", "shop_timezone": "Asia/Shanghai",
            "tables": {"sessions": {}, "products": {}}}
    out, findings, _ = apply_mapping({"sessions": sessions, "products": products}, spec)
    start = out["sessions"]["start_ts"]
    assert start[:3].tolist() == [pd.Timestamp("2024-03-02 00:30")] * 3 and pd.isna(start[3])
    assert [f["kind"] for f in findings] == ["mixed_time_zones"]
    assert findings[0]["severity"] == "warning" and findings[0]["n_rows"] == 2
    assert "the 1 without one from UTC" in findings[0]["action"]
    assert out["products"]["launch_date"].tolist() == list(pd.to_datetime(
        ["2024-03-01", "2024-03-02", "2024-03-03"]))  # dates never shift


def test_times_with_an_offset_need_a_zone_and_dst_gaps_are_errors():
    sessions = pd.DataFrame({"start_ts": ["2024-03-01T16:30:00Z"]})
    _, findings, _ = apply_mapping({"sessions": sessions}, {"tables": {"sessions": {}}})
    assert findings[0]["kind"] == "time_zone" and "names no zone" in findings[0]["problem"]
    gap = pd.DataFrame({"start_ts": ["2024-03-31 02:30:00", "2024-03-31 03:30:00"]})
    out, findings, _ = apply_mapping({"sessions": gap}, {
        "timezone": "Europe/Berlin", "shop_timezone": "Asia/Shanghai",
        "tables": {"sessions": {}}})
    assert findings[0]["kind"] == "time_zone" and findings[0]["n_rows"] == 1
    assert "do not exist or are ambiguous in Europe/Berlin" in findings[0]["problem"]
    assert pd.Timestamp(out["sessions"]["start_ts"][1]) == pd.Timestamp("2024-03-31 09:30")


def test_unparseable_times_keep_their_text_and_datetime_format():
    frame = pd.DataFrame({"start_ts": ["01.03.2024 10:00", "yesterday"]})
    out = apply_mapping({"sessions": frame}, {"tables": {"sessions": {
        "datetime_format": "%d.%m.%Y %H:%M"}}})[0]["sessions"]
    assert out["start_ts"].tolist() == ["2024-03-01 10:00:00", "yesterday"]
    report = check_data({"sessions": frame}, mapping={"tables": {"sessions": {
        "datetime_format": "%d.%m.%Y %H:%M"}}})
    bad = report.errors[report.errors["column"] == "start_ts"]
    assert bad["kind"].tolist() == ["unparseable_date"]
    assert bad["examples"].iloc[0] == "row 1: 'yesterday'"
    assert "tables.sessions.datetime_format" in bad["action"].iloc[0]


def test_money_multiplier_and_na_values_and_unmapped_columns():
    frame = pd.DataFrame({"日期": ["2024-03-01"], "渠道": ["直通车"], "花费(分)": ["12345"],
                          "展现": ["-"], "点击": ["9"], "备注": ["私人信息"]})
    spec = {"na_values": ["-"], "tables": {"marketing_spend": {
        "columns": {"日期": "date", "渠道": "channel", "花费(分)": "spend",
                    "展现": "impressions", "点击": "clicks"},
        "values": {"channel": CHANNELS_ZH}, "money_multiplier": 0.01}}}
    out, _, notes = apply_mapping({"marketing_spend": frame}, spec)
    got = out["marketing_spend"]
    assert got["spend"].tolist() == [123.45]
    assert got["impressions"].tolist() == [""]
    assert "备注" not in got and any("dropped 1 column(s)" in n and "备注" in n
                                    for n in notes)
    spec["tables"]["marketing_spend"]["keep_unmapped"] = True
    assert "备注" in apply_mapping({"marketing_spend": frame}, spec)[0]["marketing_spend"]


def test_unit_cost_from_products_across_tables():
    items = pd.DataFrame({"order_id": ["1", "1"], "product_id": ["7", "8"]})
    products = pd.DataFrame({"product_id": ["7"], "unit_cost": ["3.5"]})
    spec = {"tables": {"order_items": {"derive": {
        "unit_cost": "unit_cost_from_products"}}}}
    out, findings, _ = apply_mapping({"order_items": items, "products": products}, spec)
    assert out["order_items"]["unit_cost"].tolist() == ["3.5", ""]
    assert not findings
    _, findings, _ = apply_mapping({"order_items": items}, spec)
    assert "the shop has no products table" in findings[0]["problem"]


def test_files_globs_encodings_and_fallback_to_schema_files(tmp_path):
    frame = pd.DataFrame({"编号": ["1", "2"], "客户": ["C1", "C2"]})
    frame.iloc[:1].to_csv(tmp_path / "a_01.csv", index=False, encoding="gb18030")
    frame.iloc[1:].to_csv(tmp_path / "a_02.csv", index=False, encoding="utf-8-sig")
    write_shop({"products": pd.DataFrame({
        "product_id": [1], "category": ["food"], "list_price": [1.0],
        "unit_cost": [0.5], "launch_date": ["2024-01-01"]})}, tmp_path / "x")
    (tmp_path / "x" / "products.csv").rename(tmp_path / "products.csv")
    from ecomkit.datasets._mapping import read_export

    spec = {"tables": {"coupons": {"file": "a_*.csv", "columns": {
        "编号": "coupon_id", "客户": "customer_id"}},
        "products": {"file": "商品*.csv", "columns": {"类目": "category"}}}}
    frames, files, problems, notes = read_export(tmp_path, spec)
    assert frames["coupons"]["编号"].tolist() == ["1", "2"] and not problems
    assert [f.name for f in files["coupons"]] == ["a_01.csv", "a_02.csv"]
    assert any("(1 rows, gb18030)" in n for n in notes)
    assert any("products: read products.csv in the schema layout" in n for n in notes)
    tables, _, _ = apply_mapping(frames, spec)
    assert tables["products"]["category"].tolist() == ["food"]
    with pytest.raises(FileNotFoundError, match="requested in `tables`"):
        read_export(tmp_path, spec, tables=["orders"])


def test_to_export_is_the_inverse_of_apply_mapping():
    shop = make_shop(150, start="2024-01-01", end="2024-03-31", random_state=2)
    mapping = foreign_mapping()
    del mapping["tables"]["orders"]["derive"]  # keep paid_amount for the comparison
    mapping["tables"]["orders"]["columns"]["实付"] = "paid_amount"
    export = to_export(shop, mapping)
    assert "订单编号" in export["orders"] and "Start Ts" in export["sessions"]
    back, findings, _ = apply_mapping(export, mapping)
    assert not findings
    for name in ("orders", "sessions", "marketing_spend"):
        report = check_data({name: back[name]})
        assert report.ok, report.to_text()
        pd.testing.assert_frame_equal(report.shop[name], shop[name], check_dtype=False)


def test_the_readme_example_mapping_is_valid():
    import re
    from pathlib import Path

    import yaml

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(.*?)```", text, re.S).group(1)
    m = load_mapping(yaml.safe_load(block))
    assert m.tables["orders"].derive["paid_amount"] == ("rule", "paid_amount_from_status")
    assert m.source_zone("sessions") == "UTC" and m.target_zone == "Asia/Shanghai"
