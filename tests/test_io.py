"""Tests for reading, writing and validating shop folders (ecomkit.datasets._io)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecomkit._bunch import Bunch
from ecomkit._schema import MEMBER_LEVELS, TABLE_NAMES, TABLES, dtype_for
from ecomkit.datasets._dictionary import (
    data_dictionary_markdown,
    write_data_dictionary,
)
from ecomkit.datasets._io import (
    PROBLEM_COLUMNS,
    ShopValidationError,
    read_shop,
    validate_shop,
    write_shop,
)


# ------------------------------------------------------------- the fixture ----
def _table(table_name: str, /, **columns) -> pd.DataFrame:
    """A canonical table with exactly the schema dtypes, columns in schema order."""
    schema = TABLES[table_name]
    assert set(columns) == set(schema.column_names), table_name
    out = {}
    for col in schema.columns:
        values = columns[col.name]
        dtype = dtype_for(col)
        if col.kind in ("ts", "date"):
            values = pd.to_datetime(pd.Series(values), format="ISO8601")
            out[col.name] = values.astype(dtype)
        else:
            out[col.name] = pd.Series(values).astype(dtype)
    return pd.DataFrame(out)


def tiny_shop() -> Bunch:
    """A valid shop with all 15 tables, 2-5 rows each, every column kind.

    Ordered categories, NaT, Int64 nulls, booleans, Chinese text, money; the
    tables are consistent with each other (every relation validate_shop
    checks holds).
    """
    ts = pd.Timestamp
    shop = Bunch()
    shop.customers = _table(
        "customers",
        customer_id=[1, 2, 3],
        visitor_id=[101, 102, 103],
        signup_ts=["2024-01-02 09:15:00", "2024-01-05 21:00:30", "2024-02-01 08:00:00"],
        gender=["female", "male", "unknown"],
        age=[25, 31, 40],
        province=["广东", "浙江", "上海"],
        city_tier=["tier1", "new_tier1", "tier4_below"],
        acquisition_channel=["organic_search", "live_stream", "private_domain"],
        member_level=["gold", "none", "platinum"],
        member_join_ts=[ts("2024-01-10 10:00"), pd.NaT, ts("2024-02-03 12:30")],
        risk_level=["low", "high", "medium"],
    )
    shop.products = _table(
        "products",
        product_id=[10, 11, 12],
        category=["apparel", "food", "electronics"],
        list_price=[99.0, 12.5, 2599.99],
        unit_cost=[40.0, 6.25, 1800.0],
        launch_date=["2023-12-01", "2024-01-01", "2024-01-15"],
    )
    shop.inventory = _table(
        "inventory",
        date=["2024-02-01", "2024-02-01", "2024-02-02"],
        product_id=[10, 11, 10],
        on_hand_units=[120, 0, 115],
        received_units=[0, 0, 20],
    )
    shop.sessions = _table(
        "sessions",
        session_id=[1000, 1001, 1002, 1003],
        visitor_id=[101, 102, 103, 999],
        customer_id=pd.array([1, 2, 3, None], dtype="Int64"),
        start_ts=["2024-02-01 10:00:00", "2024-02-01 11:00:00",
                  "2024-02-02 20:00:00", "2024-02-03 08:00:00"],
        end_ts=["2024-02-01 10:12:30", "2024-02-01 11:05:00",
                "2024-02-02 20:30:00", "2024-02-03 08:00:40"],
        channel=["paid_search", "social", "direct", "recommendation"],
        device=["app", "mini_program", "pc", "mobile_web"],
        landing_page=["search", "product", "home", "campaign"],
        campaign_id=pd.array([1, None, None, 2], dtype="Int64"),
    )
    shop.events = _table(
        "events",
        session_id=[1000, 1000, 1000, 1001, 1003],
        visitor_id=[101, 101, 101, 102, 999],
        event_ts=["2024-02-01 10:00:00", "2024-02-01 10:01:00.250",
                  "2024-02-01 10:05:00", "2024-02-01 11:00:00", "2024-02-03 08:00:00"],
        event_type=["search", "product_view", "payment", "product_view", "home_view"],
        product_id=pd.array([None, 10, 10, 12, None], dtype="Int64"),
        keyword=["连衣裙 夏季", None, None, None, None],
    )
    shop.orders = _table(
        "orders",
        order_id=[500, 501, 502],
        customer_id=[1, 2, 3],
        session_id=pd.array([1000, 1001, None], dtype="Int64"),
        order_ts=["2024-02-01 10:04:00", "2024-02-01 11:03:00", "2024-02-02 20:20:00"],
        paid_ts=[ts("2024-02-01 10:05:00"), ts("2024-02-01 11:04:00"), pd.NaT],
        status=["paid", "paid", "unpaid"],
        channel=["paid_search", "social", "direct"],
        device=["app", "mini_program", "pc"],
        campaign_id=pd.array([1, None, None], dtype="Int64"),
        list_amount=[111.5, 2599.99, 99.0],
        discount_amount=[10.0, 0.0, 0.0],
        shipping_fee=[0.0, 0.0, 8.0],
        order_amount=[101.5, 2599.99, 107.0],
        paid_amount=[101.5, 2599.99, 0.0],
        shipping_cost=[6.5, 12.0, 0.0],
        coupon_id=pd.array([7, None, None], dtype="Int64"),
        shipped_ts=[ts("2024-02-02 09:00"), ts("2024-02-01 18:00"), pd.NaT],
        delivered_ts=[ts("2024-02-04 15:00"), pd.NaT, pd.NaT],
    )
    shop.order_items = _table(
        "order_items",
        order_id=[500, 500, 501, 502],
        product_id=[10, 11, 12, 10],
        quantity=[1, 1, 1, 1],
        unit_price=[99.0, 12.5, 2599.99, 99.0],
        discount_amount=[8.88, 1.12, 0.0, 0.0],
        unit_cost=[40.0, 6.25, 1800.0, 40.0],
    )
    shop.refunds = _table(
        "refunds",
        refund_id=[1, 2],
        order_id=[500, 501],
        refund_ts=["2024-02-06 10:00:00", "2024-02-03 09:30:00"],
        refund_amount=[12.5, 2599.99],
        reason=["size_fit", "not_as_described"],
        is_return=[False, True],
    )
    shop.marketing_spend = _table(
        "marketing_spend",
        date=["2024-02-01", "2024-02-01", "2024-02-02"],
        channel=["paid_search", "social", "paid_search"],
        campaign_id=pd.array([1, None, None], dtype="Int64"),
        spend=[300.0, 120.55, 280.0],
        impressions=[10000, 5000, 9000],
        clicks=[300, 80, 250],
    )
    shop.costs = _table(
        "costs",
        date=["2024-02-01", "2024-02-01"],
        cost_type=["warehousing", "platform_fee"],
        amount=[50.0, 23.4],
    )
    shop.campaigns = _table(
        "campaigns",
        campaign_id=[1, 2],
        name=["618 年中大促", "双11"],
        kind=["mega_sale", "flash_sale"],
        preheat_start=[ts("2024-01-25"), pd.NaT],
        start=["2024-02-01", "2024-02-03"],
        end=["2024-02-03", "2024-02-04"],
        discount_rate=[0.2, 0.15],
    )
    shop.coupons = _table(
        "coupons",
        coupon_id=[7, 8],
        customer_id=[1, 2],
        campaign_id=pd.array([1, None], dtype="Int64"),
        kind=["threshold", "new_customer"],
        face_value=[10.0, 5.0],
        min_spend=[100.0, 0.0],
        granted_ts=["2024-01-30 10:00:00", "2024-01-05 21:01:00"],
        expires_ts=["2024-02-10 00:00:00", "2024-03-05 00:00:00"],
        redeemed_order_id=pd.array([500, None], dtype="Int64"),
    )
    shop.keywords = _table(
        "keywords",
        date=["2024-02-01", "2024-02-01"],
        keyword=["连衣裙 夏季", "running shoes, men"],
        source=["organic", "paid"],
        impressions=[900, 400],
        clicks=[45, 12],
        visitors=[40, 11],
        buyers=[2, 0],
        spend=[0.0, 18.6],
    )
    shop.contacts = _table(
        "contacts",
        contact_id=[1, 2],
        customer_id=[1, 3],
        invited_ts=["2024-02-04 16:00:00", "2024-02-05 10:00:00"],
        added_ts=[ts("2024-02-04 18:00"), pd.NaT],
        source=["parcel_card", "live_stream"],
        removed_ts=[pd.NaT, pd.NaT],
    )
    shop.market = _table(
        "market",
        month=["2024-02-01", "2024-02-01"],
        shop=["我们的店", "竞店 A"],
        is_us=[True, False],
        uv=[3, 5000],
        gmv=[2701.49, 880000.0],
        orders=[2, 9000],
    )
    shop.stories = pd.DataFrame({
        "id": ["checkout_failure"],
        "title": ["结算页故障"],
        "start": pd.to_datetime(["2024-02-02"]).astype("datetime64[ns]"),
        "end": pd.to_datetime(["2024-02-03"]).astype("datetime64[ns]"),
    })
    shop.params = {"n_customers": 3, "random_state": 0, "stories": ["checkout_failure"]}
    shop.DESCR = "a tiny shop"
    return shop


def _assert_shop_equal(got, expected, tables=TABLE_NAMES):
    for name in tables:
        pd.testing.assert_frame_equal(got[name], expected[name], obj=name)


def _edit(folder: Path, table: str, edit) -> None:
    """Apply ``edit`` to the raw text of ``<table>.csv`` (all columns as str)."""
    path = folder / f"{table}.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = edit(frame)
    frame.to_csv(path, index=False)


# ---------------------------------------------------------------- fixture ----
def test_tiny_shop_is_valid_and_canonical():
    shop = tiny_shop()
    assert set(TABLE_NAMES) <= set(shop)
    for name in TABLE_NAMES:
        table = shop[name]
        assert 2 <= len(table) <= 5, name
        assert list(table.columns) == TABLES[name].column_names
        for col in TABLES[name].columns:
            assert table[col.name].dtype == dtype_for(col), (name, col.name)
    problems = validate_shop(shop)
    assert list(problems.columns) == PROBLEM_COLUMNS
    assert problems.empty, problems.to_string()


# -------------------------------------------------------------- round trip ----
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_round_trip_keeps_every_table_and_dtype(tmp_path, fmt):
    shop = tiny_shop()
    folder = write_shop(shop, tmp_path / "shop", format=fmt)
    assert folder == tmp_path / "shop"
    got = read_shop(folder)
    assert list(got) == [*TABLE_NAMES, "stories", "params"]
    _assert_shop_equal(got, shop)
    pd.testing.assert_frame_equal(got.stories, shop.stories)
    assert got.params == shop.params
    # ordered categories keep their documented order and compare by it
    levels = got.customers["member_level"].cat
    assert list(levels.categories) == list(MEMBER_LEVELS) and levels.ordered
    assert (got.customers["member_level"] > "silver").tolist() == [True, False, True]
    assert got.customers["province"].tolist() == ["广东", "浙江", "上海"]
    assert got.orders["coupon_id"].isna().tolist() == [False, True, True]
    assert got.events["event_ts"].iloc[1] == pd.Timestamp("2024-02-01 10:01:00.250")


def test_csv_text_is_iso_utf8_without_bom(tmp_path):
    write_shop(tiny_shop(), tmp_path)
    raw = (tmp_path / "orders.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8").splitlines()
    assert lines[0].split(",")[:5] == ["order_id", "customer_id", "session_id",
                                       "order_ts", "paid_ts"]
    # unpaid order: empty session id, empty paid_ts, the status label
    assert lines[3].startswith("502,3,,2024-02-02 20:20:00,,unpaid,direct,pc,")
    assert "2024-02-01 10:05:00" in lines[1]
    products = (tmp_path / "products.csv").read_text(encoding="utf-8")
    assert "10,apparel,99.0,40.0,2023-12-01" in products  # a date stays a date
    assert "广东" in (tmp_path / "customers.csv").read_text(encoding="utf-8")
    assert "False" in (tmp_path / "refunds.csv").read_text(encoding="utf-8")
    meta = json.loads((tmp_path / "shop.json").read_text(encoding="utf-8"))
    assert meta["format"] == "csv" and meta["schema_version"] == 1
    assert meta["row_counts"]["events"] == 5 and meta["row_counts"]["costs"] == 2
    assert meta["params"]["n_customers"] == 3
    assert (tmp_path / "stories.csv").is_file()


def test_read_accepts_excel_bom_and_tz_aware_times(tmp_path):
    shop = tiny_shop()
    write_shop(shop, tmp_path)
    text = (tmp_path / "customers.csv").read_text(encoding="utf-8")
    (tmp_path / "customers.csv").write_text(text, encoding="utf-8-sig")  # Excel
    _edit(tmp_path, "costs", lambda f: f.assign(
        date=["2024-02-01T00:00:00+08:00", "2024-02-01T00:00:00+08:00"]))
    got = read_shop(tmp_path)
    _assert_shop_equal(got, shop, tables=["customers"])
    assert str(got.costs["date"].dtype) == "datetime64[ns, UTC+08:00]"


def test_shop_with_only_some_tables(tmp_path):
    shop = tiny_shop()
    part = {name: shop[name] for name in ("orders", "order_items", "products")}
    write_shop(part, tmp_path)
    got = read_shop(tmp_path)
    assert list(got) == ["products", "orders", "order_items"]
    _assert_shop_equal(got, shop, tables=list(got))
    only = read_shop(tmp_path, tables=["order_items"])
    assert list(only) == ["order_items"]
    assert list(read_shop(tmp_path, tables="orders")) == ["orders"]


def test_write_shop_skips_non_tables_and_extra_columns_are_kept(tmp_path):
    shop = tiny_shop()
    shop.orders = shop.orders.assign(note=["急", "", "gift"], score=[1, 2, 3])
    shop.my_table = pd.DataFrame({"a": [1]})
    write_shop(shop, tmp_path)
    assert not (tmp_path / "my_table.csv").exists()
    assert not (tmp_path / "DESCR.csv").exists()
    got = read_shop(tmp_path)
    assert got.orders["score"].tolist() == [1, 2, 3]
    assert got.orders["score"].dtype == "int64"
    assert got.orders["note"].iloc[0] == "急"
    assert list(got.orders.columns)[-2:] == ["note", "score"]


def test_string_ids_stay_strings(tmp_path):
    shop = tiny_shop()
    ids = {1: "C001", 2: "007", 3: "C003"}
    customers = shop.customers.assign(
        customer_id=shop.customers["customer_id"].map(ids).astype("str"))
    orders = shop.orders.assign(
        customer_id=shop.orders["customer_id"].map(ids).astype("str"))
    write_shop({"customers": customers, "orders": orders}, tmp_path)
    got = read_shop(tmp_path)
    assert got.customers["customer_id"].tolist() == ["C001", "007", "C003"]
    assert got.orders["customer_id"].tolist() == ["C001", "007", "C003"]
    assert pd.api.types.is_string_dtype(got.orders["customer_id"].dtype)
    assert got.orders["order_id"].dtype == "int64"  # integer ids stay integers
    pd.testing.assert_frame_equal(got.customers, customers)


def test_int_and_string_ids_are_compared_as_text():
    shop = tiny_shop()
    orders = shop.orders.assign(customer_id=["1", "2", "3"])
    assert validate_shop({"customers": shop.customers, "orders": orders}).empty
    orders = shop.orders.assign(customer_id=["1", "2", "X9"])
    problems = validate_shop({"customers": shop.customers, "orders": orders})
    assert problems[["table", "column", "n_rows"]].values.tolist() == [
        ["orders", "customer_id", 1]]
    assert "X9" in problems.examples[0]


def test_overwrite(tmp_path):
    shop = tiny_shop()
    write_shop(shop, tmp_path, format="parquet")
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError,
                       match=r"write_shop\(\).*not empty.*overwrite=True"):
        write_shop(shop, tmp_path)
    write_shop({"orders": shop.orders}, tmp_path, overwrite=True)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["notes.txt", "orders.csv", "shop.json"]  # stale files gone
    assert list(read_shop(tmp_path)) == ["orders"]


# ------------------------------------------------------------ broken data ----
def _broken_folder(tmp_path: Path) -> Path:
    write_shop(tiny_shop(), tmp_path)
    _edit(tmp_path, "customers", lambda f: f.drop(columns=["age"]))
    _edit(tmp_path, "products", lambda f: f.assign(list_price=["99.0", "12,5", "abc"]))
    _edit(tmp_path, "orders", lambda f: f.assign(
        status=["paid", "refunded", "unpaid"], shipping_cost=["6.5", "-5", "0.0"]))
    _edit(tmp_path, "order_items", lambda f: f.assign(
        order_id=["500", "500", "501", "999"]))
    _edit(tmp_path, "refunds", lambda f: f.assign(
        refund_ts=["2024-13-45", "2024-02-03 09:30:00"],
        refund_amount=["12.5", "9999.0"]))
    _edit(tmp_path, "costs", lambda f: f.assign(cost_type=["staff", "staff"]))
    _edit(tmp_path, "events", lambda f: f.assign(session_id=["1000", "", "1000",
                                                             "1001", "1003"]))
    return tmp_path


BROKEN = [
    # (table, column, words of the problem, rows)
    ("customers", "age", "missing column", 3),
    ("products", "list_price", "not a number", 2),
    ("orders", "status", "unknown category value(s) 'refunded'", 1),
    ("orders", "shipping_cost", "negative money", 1),
    ("order_items", "order_id", "orphan key", 1),
    ("refunds", "refund_ts", "unparseable date", 1),
    ("refunds", "refund_amount", "more than the order's paid_amount", 1),
    ("costs", "date, cost_type", "duplicate key", 2),
    ("events", "session_id", "missing ids", 1),
]


def test_broken_folder_gives_one_error_listing_every_problem(tmp_path):
    folder = _broken_folder(tmp_path)
    with pytest.raises(ShopValidationError) as info:
        read_shop(folder)
    err = info.value
    assert isinstance(err, ValueError)
    problems = err.problems
    assert list(problems.columns) == PROBLEM_COLUMNS
    message = str(err)
    assert message.startswith(f"read_shop(): found {len(problems)} problem(s)")
    for table, column, words, n_rows in BROKEN:
        hit = problems[(problems.table == table) & (problems.column == column)
                       & problems.problem.str.contains(words, regex=False)]
        assert len(hit) == 1, (table, column, words, problems.to_string())
        assert hit.n_rows.iloc[0] == n_rows, (table, column)
        assert f"{table}.{column}: " in message
        assert f"[{n_rows} row(s)]" in message
    assert len(problems) == len(BROKEN), problems.to_string()
    # the examples show the offending rows and values
    by_column = problems.set_index("column").examples
    assert by_column["list_price"] == "row 1: '12,5', row 2: 'abc'"
    assert by_column["refund_ts"] == "row 0: '2024-13-45'"
    assert "order_id=999" in by_column["order_id"]
    assert "allowed, in order: paid, cancelled, unpaid" in message


def test_problems_are_in_schema_order(tmp_path):
    problems = read_shop_problems(_broken_folder(tmp_path))
    order = [TABLE_NAMES.index(t) for t in problems.table]
    assert order == sorted(order)


def read_shop_problems(folder) -> pd.DataFrame:
    with pytest.raises(ShopValidationError) as info:
        read_shop(folder)
    return info.value.problems


def test_values_are_never_coerced_silently():
    shop = tiny_shop()
    keywords = shop.keywords.assign(clicks=["45", "1.5"], spend=[0.0, np.inf])
    market = shop.market.assign(is_us=["yes", "False"])
    problems = validate_shop({"keywords": keywords, "market": market})
    got = problems[["table", "column", "problem"]].apply(
        lambda r: (r.table, r.column, r.problem.split(";")[0]), axis=1).tolist()
    assert got == [("keywords", "clicks", "not a whole number"),
                   ("keywords", "spend", "infinite value"),
                   ("market", "is_us", "not a boolean")]


def test_missing_value_in_a_non_nullable_column(tmp_path):
    shop = tiny_shop()
    customers = shop.customers.assign(province=["广东", None, "上海"])
    problems = validate_shop({"customers": customers})
    assert problems[["column", "n_rows"]].values.tolist() == [["province", 1]]
    assert problems.problem[0].startswith("missing values")


def test_refund_of_unpaid_or_unknown_order():
    shop = tiny_shop()
    refunds = shop.refunds.assign(order_id=[502, 777], refund_amount=[1.0, 1.0])
    problems = validate_shop({"orders": shop.orders, "refunds": refunds})
    text = problems.problem.tolist()
    assert len(problems) == 2
    assert text[0].startswith("orphan key") and "order_id=777" in problems.examples[0]
    assert text[1].startswith("refund of an order that was never paid")
    assert problems.examples[1] == "row 0 (order_id=502)"


def test_refunds_add_up_per_order():
    shop = tiny_shop()
    # two refunds of order 500 (paid 101.50): 60 + 50 = 110 > 101.5
    refunds = shop.refunds.assign(order_id=[500, 500], refund_amount=[60.0, 50.0])
    problems = validate_shop({"orders": shop.orders, "refunds": refunds})
    assert problems[["column", "n_rows"]].values.tolist() == [["refund_amount", 2]]
    assert "refunds 110.00 > paid_amount 101.50" in problems.examples[0]
    # 60 + 41.5 = 101.5: exactly what was paid is fine
    refunds = refunds.assign(refund_amount=[60.0, 41.5])
    assert validate_shop({"orders": shop.orders, "refunds": refunds}).empty


def test_sessions_belong_to_their_customers_visitor():
    shop = tiny_shop()
    sessions = shop.sessions.assign(visitor_id=[101, 555, 103, 999])
    problems = validate_shop({"customers": shop.customers, "sessions": sessions})
    assert problems[["table", "column", "n_rows"]].values.tolist() == [
        ["sessions", "visitor_id", 1]]
    assert "session_id=1001" in problems.examples[0]


def test_paid_order_session_of_another_customer():
    shop = tiny_shop()
    orders = shop.orders.assign(session_id=pd.array([1001, 1001, 1002], dtype="Int64"))
    problems = validate_shop({"orders": orders, "sessions": shop.sessions})
    # order 500 (customer 1) in session 1001 (customer 2); 502 is unpaid
    assert problems[["column", "n_rows"]].values.tolist() == [["session_id", 1]]
    assert "order_id=500" in problems.examples[0]


def test_mixed_time_zones_and_wrong_kinds_in_memory():
    shop = tiny_shop()
    costs = shop.costs.assign(date=["2024-02-01T00:00+08:00", "2024-02-01T00:00+09:00"])
    products = shop.products.assign(launch_date=[20240101, 20240102, 20240103],
                                    product_id=[10.0, 11.5, 12.0])
    problems = validate_shop({"costs": costs, "products": products})
    got = dict(zip(problems.column, problems.problem, strict=True))
    assert got["date"].startswith("mixes time zones")
    assert got["launch_date"].startswith("holds int64 values, not dates")
    assert got["product_id"].startswith("ids with a fractional part")


def test_unreadable_files_are_problems_too(tmp_path):
    write_shop(tiny_shop(), tmp_path)
    (tmp_path / "market.csv").write_bytes(
        "month,shop,is_us,uv,gmv,orders\n2024-02-01,我们的店,True,3,1.0,2\n"
        .encode("gbk"))
    (tmp_path / "costs.csv").write_text(
        "date,cost_type,amount\n2024-02-01,staff,12,5\n", encoding="utf-8")
    problems = read_shop_problems(tmp_path)
    got = dict(zip(problems.table, problems.problem, strict=True))
    assert "not UTF-8" in got["market"]
    assert "more fields than the header" in got["costs"]


@settings(max_examples=50, deadline=None)
@given(
    names=st.lists(
        st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                min_size=1, max_size=12).filter(lambda s: s.strip() == s and s),
        min_size=2, max_size=5, unique=True),
    cents=st.lists(st.integers(0, 10**11), min_size=5, max_size=5),
)
def test_text_and_money_round_trip_exactly(tmp_path_factory, names, cents):
    n = len(names)
    market = pd.DataFrame({
        "month": pd.to_datetime(["2024-02-01"] * n).astype("datetime64[ns]"),
        "shop": pd.Series(names, dtype="str"),
        "is_us": [True] + [False] * (n - 1),
        "uv": cents[:n],
        "gmv": [c / 100 for c in cents[:n]],
        "orders": [7] * n,
    })
    folder = tmp_path_factory.mktemp("shop")
    write_shop({"market": market}, folder)
    pd.testing.assert_frame_equal(read_shop(folder).market, market)


def test_error_pickles_with_its_problems():
    import pickle

    err = ShopValidationError(validate_shop({"costs": pd.DataFrame({"x": [1]})}))
    back = pickle.loads(pickle.dumps(err))
    assert str(back) == str(err)
    pd.testing.assert_frame_equal(back.problems, err.problems)


# ------------------------------------------------------------ dictionary ----
def test_dictionary_lists_every_table_and_column():
    text = data_dictionary_markdown()
    for name, table in TABLES.items():
        section = text.split(f"### `{name}`")[1].split("### ")[0]
        assert f"One row is {table.row}." in section
        for col in table.columns:
            row = [line for line in section.splitlines()
                   if line.startswith(f"| `{col.name}` |")]
            assert len(row) == 1, (name, col.name)
            nullable = "yes" if col.nullable else "no"
            assert f"| {nullable} |" in row[0]
            if col.levels:
                assert " < ".join(f"`{lv}`" for lv in col.levels) in row[0]
    assert "ecomkit make-data" in text
    assert "every `order_items.order_id` is a `orders.order_id`" in text


def test_write_data_dictionary(tmp_path):
    target = write_data_dictionary(tmp_path / "README.md", demo_command="make it")
    text = target.read_text(encoding="utf-8")
    assert text == data_dictionary_markdown(demo_command="make it")
    assert "\nmake it\n" in text


# -------------------------------------------------------------- bad input ----
def _file(tmp_path):
    path = tmp_path / "a_file.txt"
    path.write_text("x", encoding="utf-8")
    return path


def _with_tiny(tmp_path):
    write_shop({"orders": tiny_shop().orders}, tmp_path / "shop")
    return tmp_path / "shop"


BAD_INPUTS = [
    # (func, args builder, kwargs, exception, message regex)
    (write_shop, lambda p: (tiny_shop().orders, p / "x"), {}, TypeError,
     r"write_shop\(\): `shop` must be a dict .*got DataFrame"),
    (write_shop, lambda p: (tiny_shop(), p / "x"), {"format": "xlsx"}, ValueError,
     r"write_shop\(\): the value for `format` must be one of \('csv', 'parquet'\)"),
    (write_shop, lambda p: ({"Orders": tiny_shop().orders}, p / "x"), {}, ValueError,
     r"write_shop\(\): `shop` holds no canonical table.*'Orders'"),
    (write_shop, lambda p: ({"orders": "orders.csv"}, p / "x"), {}, TypeError,
     r"write_shop\(\): shop\['orders'\] must be a pandas DataFrame, got str"),
    (write_shop, lambda p: (tiny_shop(), _file(p)), {}, NotADirectoryError,
     r"write_shop\(\): `path` .* is a file"),
    (read_shop, lambda p: (p / "nope",), {}, FileNotFoundError,
     r"read_shop\(\): the shop folder .*nope' does not exist"),
    (read_shop, lambda p: (p,), {}, FileNotFoundError,
     r"read_shop\(\): no table files in .*orders.csv"),
    (read_shop, lambda p: (_with_tiny(p),), {"tables": ["order"]}, ValueError,
     r"read_shop\(\): the value for `tables` must be one of .*'order' was passed"),
    (read_shop, lambda p: (_with_tiny(p),), {"tables": ["refunds"]},
     FileNotFoundError,
     r"read_shop\(\): table 'refunds' requested in `tables` .*found: \['orders'\]"),
    (validate_shop, lambda p: (tiny_shop().orders,), {}, TypeError,
     r"validate_shop\(\): `shop` must be a dict"),
    (validate_shop, lambda p: ({"orders": [1, 2]},), {}, TypeError,
     r"validate_shop\(\): shop\['orders'\] must be a pandas DataFrame, got list"),
]


@pytest.mark.parametrize("func, args, kwargs, exc, match", BAD_INPUTS)
def test_bad_inputs(tmp_path, func, args, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        func(*args(tmp_path), **kwargs)


def test_both_formats_without_shop_json_is_ambiguous(tmp_path):
    write_shop({"orders": tiny_shop().orders}, tmp_path)
    tiny_shop().orders.to_parquet(tmp_path / "orders.parquet")
    assert list(read_shop(tmp_path)) == ["orders"]  # shop.json says csv
    (tmp_path / "shop.json").unlink()
    with pytest.raises(ValueError, match=r"read_shop\(\): .* both orders.csv and "
                       r"orders.parquet"):
        read_shop(tmp_path)


def test_inputs_are_not_mutated(tmp_path):
    shop = tiny_shop()
    before = {name: shop[name].copy() for name in TABLE_NAMES}
    broken = shop.orders.assign(status=pd.Series(["paid", "x", "unpaid"], dtype="str"))
    validate_shop({**shop, "orders": broken})
    write_shop(shop, tmp_path)
    _assert_shop_equal(shop, before)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_empty_tables_and_all_empty_columns_round_trip(tmp_path, fmt):
    shop = tiny_shop()
    empty = {name: shop[name].head(0) for name in TABLE_NAMES}
    write_shop(empty, tmp_path / "empty", format=fmt)
    _assert_shop_equal(read_shop(tmp_path / "empty"), empty)
    # a nullable id column with no value at all is still Int64
    orders = shop.orders.assign(coupon_id=pd.array([None] * 3, dtype="Int64"))
    write_shop({"orders": orders}, tmp_path / "blank", format=fmt)
    pd.testing.assert_frame_equal(read_shop(tmp_path / "blank").orders, orders)


def test_ids_written_as_floats_are_read_as_integers(tmp_path):
    shop = tiny_shop()
    write_shop({"orders": shop.orders}, tmp_path)
    # what pandas writes for an id column with gaps held as float64
    _edit(tmp_path, "orders", lambda f: f.assign(coupon_id=["7.0", "", ""],
                                                 order_id=["500.0", "501", "502.0"]))
    pd.testing.assert_frame_equal(read_shop(tmp_path).orders, shop.orders)
    _edit(tmp_path, "orders", lambda f: f.assign(order_id=["500.5", "501", "502"]))
    assert read_shop(tmp_path).orders["order_id"].tolist() == ["500.5", "501", "502"]


def test_duplicate_keys_are_reported_except_for_events():
    shop = tiny_shop()
    events = pd.concat([shop.events, shop.events.iloc[[1]]], ignore_index=True)
    customers = shop.customers.assign(customer_id=[1, 2, 1])
    problems = validate_shop({"events": events, "customers": customers})
    assert problems[["table", "column", "n_rows"]].values.tolist() == [
        ["customers", "customer_id", 2]]
    assert problems.examples[0] == "row 0 (customer_id=1), row 2 (customer_id=1)"
