"""The SQL recipes (ecomkit/sql/recipes/*.sql) give the pandas functions' answers.

The pandas functions are the oracle: on generated shops of several sizes and
seeds and on the hand-built edge-case tables of the metric tests (empty
window, one customer, string ids, unsorted rows), ``run_recipe`` must return
the same frame: same columns, dtypes and row order, counts exactly, money and
rates to 1e-9 relative. The reductions (sessions summarised, daily visitor
activity, customer summaries, cohort activity) are checked through the pandas
metrics their aggregates equal. The three kinds of source (pandas frames, a
Parquet or CSV folder, a DuckDB database file) give the same answer, the SQL
translates to every dialect offered, and, when pyspark is installed, the
translated Spark SQL runs on a local Spark session with the same results.
"""

import datetime as dt
import shutil
import sys

import numpy as np
import pandas as pd
import pytest

import ecomkit as ek
from ecomkit.datasets import make_shop, write_shop
from ecomkit.sql import (
    DIALECTS,
    conform_result,
    get_recipe,
    list_recipes,
    recipe_params,
    recipe_sql,
    run_recipe,
)

duckdb = pytest.importorskip("duckdb")

# hand-built tables of the metric tests (only their builders are imported)
from test_conversion import make_events as make_funnel_events  # noqa: E402
from test_finance import tiny_shop  # noqa: E402
from test_member import make_orders as make_member_orders  # noqa: E402
from test_traffic import make_events as make_traffic_events  # noqa: E402
from test_traffic import make_sessions as make_traffic_sessions  # noqa: E402

RTOL = ATOL = 1e-9
RECIPES = list_recipes()["recipe"].tolist()
TWINS = ["traffic_by_period", "funnel", "cohort_retention", "repurchase_rate", "rfm",
         "pnl"]
REDUCTIONS = ["session_summary", "daily_visitor_activity", "customer_summary",
              "cohort_activity"]
# (customers, seed, start, end) of the generated shops
SHOPS = [(150, 11, "2024-01-01", "2024-12-31"), (700, 2, "2024-01-01", "2024-12-31"),
         (900, 5, "2023-03-01", "2023-12-31")]


def assert_same(got, want):
    """Same columns, dtypes and rows; ints exact, floats to 1e-9 relative."""
    pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=RTOL, atol=ATOL)


@pytest.fixture(scope="module", params=SHOPS, ids=lambda p: f"n{p[0]}-seed{p[1]}")
def shop(request):
    n, seed, start, end = request.param
    s = make_shop(n, start=start, end=end, random_state=seed)
    s["window"] = (pd.Timestamp(start), pd.Timestamp(end))
    return s


def middle(shop, months_in=2, months=3):
    """A window inside the shop's data: a few months after its start."""
    lo = shop.window[0] + pd.DateOffset(months=months_in)
    hi = lo + pd.DateOffset(months=months) - pd.Timedelta(days=1)
    return str(lo.date()), str(hi.date())


def pnl_twin(shop, **kw):
    return ek.pnl_table(shop["orders"], shop["order_items"], shop["refunds"],
                        shop["costs"], shop["marketing_spend"], **kw)


# ================================================ recipes with a pandas twin ===
@pytest.mark.parametrize("kw", [
    {}, {"freq": "W", "window": True}, {"freq": "M"}, {"freq": "Q"}, {"freq": "Y"},
    {"freq": "D", "window": True},
], ids=str)
def test_traffic_by_period(shop, kw):
    kw = dict(kw)
    if kw.pop("window", False):
        kw["start"], kw["end"] = middle(shop)
    want = ek.traffic_by_period(shop.sessions, shop.events, **kw)
    assert_same(run_recipe("traffic_by_period", shop, **kw), want)


@pytest.mark.parametrize("window", [False, True])
def test_funnel(shop, window):
    kw = dict(zip(("start", "end"), middle(shop), strict=True)) if window else {}
    assert_same(run_recipe("funnel", shop, **kw), ek.funnel(shop.events, **kw))


@pytest.mark.parametrize("kw", [
    {}, {"freq": "W", "window": True}, {"freq": "Q"}, {"freq": "Y"},
    {"freq": "D", "window": True}, {"start_only": True}, {"end_only": True},
], ids=str)
def test_cohort_retention(shop, kw):
    kw = dict(kw)
    lo, hi = middle(shop)
    if kw.pop("window", False):
        kw["start"], kw["end"] = lo, hi
    if kw.pop("start_only", False):
        kw["start"] = lo
    if kw.pop("end_only", False):
        kw["end"] = hi
    assert_same(run_recipe("cohort_retention", shop, **kw),
                ek.cohort_retention(shop.orders, **kw))


@pytest.mark.parametrize("window", [False, True])
def test_repurchase_rate(shop, window):
    kw = dict(zip(("start", "end"), middle(shop), strict=True)) if window else {}
    got = run_recipe("repurchase_rate", shop, **kw)
    assert list(got.columns) == ["buyers", "repeat_buyers", "repurchase_rate"]
    assert got["repurchase_rate"].iloc[0] == pytest.approx(
        ek.repurchase_rate(shop.orders, **kw), rel=RTOL)
    paid = shop.orders[shop.orders["paid_ts"].notna()]
    if window:
        paid = paid[(paid["paid_ts"] >= kw["start"])
                    & (paid["paid_ts"] < pd.Timestamp(kw["end"]) + pd.Timedelta(days=1))]
    assert got["buyers"].iloc[0] == paid["customer_id"].nunique()


@pytest.mark.parametrize("kw", [{"at": "end"}, {"at": "middle", "start": True}], ids=str)
def test_rfm(shop, kw):
    lo, hi = middle(shop)
    args = {"as_of": str(shop.window[1].date()) if kw["at"] == "end" else hi}
    if kw.get("start"):
        args["start"] = lo
    assert_same(run_recipe("rfm", shop, **args), ek.rfm_table(shop.orders, **args))


@pytest.mark.parametrize("kw", [
    {}, {"wide": True}, {"freq": "W", "window": True}, {"freq": "Q"},
    {"freq": "D", "window": True}, {"freq": "Y"},
], ids=str)
def test_pnl(shop, kw):
    kw = dict(kw)
    if kw.pop("window", False):
        kw["start"], kw["end"] = middle(shop)
    if kw.pop("wide", False):  # a window reaching past the data: empty months shown
        kw["start"] = str((shop.window[0] - pd.DateOffset(months=2)).date())
        kw["end"] = str((shop.window[1] + pd.DateOffset(months=2)).date())
    assert_same(run_recipe("pnl", shop, **kw), pnl_twin(shop, **kw))


# ============================================ reductions, through their sums ===
def test_session_summary_adds_up_to_the_traffic_metrics(shop):
    lo, hi = middle(shop)
    s = run_recipe("session_summary", shop, start=lo, end=hi)
    in_window = shop.sessions[(shop.sessions["start_ts"] >= lo) & (
        shop.sessions["start_ts"] < pd.Timestamp(hi) + pd.Timedelta(days=1))]
    assert sorted(s["session_id"]) == sorted(in_window["session_id"])
    assert s["session_id"].is_unique
    assert s["start_ts"].is_monotonic_increasing
    for col in ("session_id", "visitor_id", "customer_id", "start_ts", "channel",
                "device"):
        assert s[col].dtype == shop.sessions[col].dtype, col
    win = {"start": lo, "end": hi}
    assert s["page_views"].sum() == ek.page_views(shop.sessions, shop.events, **win)
    assert s["bounced"].mean() == pytest.approx(
        ek.bounce_rate(shop.sessions, shop.events, **win), rel=RTOL)
    by_channel = s.groupby("channel", observed=True)["bounced"].mean()
    want = ek.bounce_rate(shop.sessions, shop.events, by="channel", **win)
    np.testing.assert_allclose(by_channel.loc[want.index], want, rtol=RTOL)
    assert s["page_views"].mean() == pytest.approx(
        ek.views_per_session(shop.sessions, shop.events, **win), rel=RTOL)
    assert s["duration_s"].mean() == pytest.approx(
        ek.avg_session_duration(shop.sessions, **win), rel=RTOL)
    engaged = (s["duration_s"] > 10) | (s["page_views"] >= 2) | s["paid"]
    assert 1 - engaged.mean() == pytest.approx(
        ek.bounce_rate(shop.sessions, shop.events, method="ga4", **win), rel=RTOL)
    paid_ids = shop.events.loc[shop.events["event_type"] == "payment", "session_id"]
    assert s["paid"].sum() == in_window["session_id"].isin(paid_ids).sum()


def test_session_summary_funnel_steps_are_the_closed_funnel(shop):
    s = run_recipe("session_summary", shop)  # every visit, all their events
    counts = [int((s["funnel_step"] >= k).sum()) for k in (1, 2, 3, 4)]
    assert counts == ek.funnel(shop.events)["count"].tolist()
    assert s["events"].sum() == len(shop.events)


def test_daily_visitor_activity_adds_up_to_the_daily_metrics(shop):
    lo, hi = middle(shop)
    a = run_recipe("daily_visitor_activity", shop, start=lo, end=hi)
    assert not a.duplicated(["day", "visitor_id"]).any()
    daily = a.groupby("day").agg(uv=("visitor_id", "size"), sessions=("sessions", "sum"),
                                 pv=("page_views", "sum"))
    t = ek.traffic_by_period(shop.sessions, shop.events, by=None, freq="D", start=lo,
                             end=hi).set_index("period")
    assert daily["uv"].tolist() == t["uv"].tolist()
    assert daily["sessions"].tolist() == t["sessions"].tolist()
    assert daily["pv"].tolist() == t["pv"].tolist()
    # 生意参谋 跳失率: mean over the days of (visitors without a click / visitors)
    assert a.groupby("day")["no_click"].mean().mean() == pytest.approx(
        ek.bounce_rate(shop.sessions, shop.events, method="sycm", start=lo, end=hi),
        rel=RTOL)
    nvr = ek.new_vs_returning_visitors(shop.sessions, freq="D", start=lo, end=hi)
    new = nvr[nvr["visitor_type"] == "new"].set_index("period")["visitors"]
    got = a.groupby("day")["new_visitor"].sum()
    assert got.tolist() == new.loc[got.index].tolist()


def test_customer_summary_gives_rfm_and_btyd_inputs(shop):
    as_of = str(shop.window[1].date())
    c = run_recipe("customer_summary", shop, as_of=as_of)
    rfm = ek.rfm_table(shop.orders, as_of=as_of)
    assert c["customer_id"].tolist() == rfm["customer_id"].tolist()
    assert c["recency_days"].tolist() == rfm["recency_days"].tolist()
    assert c["orders"].tolist() == rfm["frequency"].tolist()
    np.testing.assert_allclose(c["paid_amount"], rfm["monetary"], rtol=RTOL)
    days = ek.rfm_table(shop.orders, as_of=as_of, frequency="days")
    assert c["purchase_days"].tolist() == days["frequency"].tolist()
    b = ek.btyd_summary(shop.orders, freq="D", observation_end=as_of)
    assert c["customer_id"].tolist() == b["customer_id"].tolist()
    for col in ("frequency", "recency", "T", "monetary_value"):
        np.testing.assert_allclose(c[f"btyd_{col}"], b[col], rtol=RTOL, atol=ATOL,
                                   err_msg=col)


@pytest.mark.parametrize("kw", [{}, {"freq": "W", "window": True}], ids=str)
def test_cohort_activity_is_the_cohort_tables_cells(shop, kw):
    kw = dict(kw)
    if kw.pop("window", False):
        kw["start"], kw["end"] = middle(shop)
    a = run_recipe("cohort_activity", shop, **kw).set_index(["cohort", "period"])
    r = ek.cohort_retention(shop.orders, **kw).set_index(["cohort", "period"])
    v = ek.cohort_revenue(shop.orders, **kw).set_index(["cohort", "period"])
    nonzero = r[r["active"] > 0]
    assert a.index.tolist() == nonzero.index.tolist()
    assert a["active"].tolist() == nonzero["active"].tolist()
    assert a["cohort_size"].tolist() == nonzero["cohort_size"].tolist()
    np.testing.assert_allclose(a["paid_amount"], v.loc[a.index, "paid_amount"], rtol=RTOL)
    assert (v.drop(a.index)["paid_amount"] == 0).all()


# ================================================== hand-built edge cases ===
TRAFFIC_WINDOW = {"start": "2024-05-01", "end": "2024-05-03"}


def traffic_shop(sessions=None, events=None):
    return {"sessions": make_traffic_sessions() if sessions is None else sessions,
            "events": make_traffic_events() if events is None else events}


def string_ids(frame, **prefixes):
    return frame.assign(**{c: p + frame[c].astype(str) for c, p in prefixes.items()})


@pytest.mark.parametrize("kw", [{}, TRAFFIC_WINDOW, {"freq": "M"},
                                {"start": "2025-01-01", "end": "2025-01-31"}], ids=str)
def test_traffic_edge_cases(kw):
    s, e = make_traffic_sessions(), make_traffic_events()
    want = ek.traffic_by_period(s, e, **kw)
    assert_same(run_recipe("traffic_by_period", traffic_shop(s, e), **kw), want)
    # string ids, rows shuffled, one visitor
    s2, e2 = string_ids(s, session_id="s", visitor_id="v"), string_ids(
        e, session_id="s", visitor_id="v")
    shuffled = {"sessions": s2.sample(frac=1, random_state=1),
                "events": e2.sample(frac=1, random_state=2)}
    assert_same(run_recipe("traffic_by_period", shuffled, **kw),
                ek.traffic_by_period(shuffled["sessions"], shuffled["events"], **kw))
    one = s[s["visitor_id"] == 12]
    assert_same(run_recipe("traffic_by_period", traffic_shop(one, e), **kw),
                ek.traffic_by_period(one, e, **kw))


def test_traffic_empty_tables_keep_the_columns():
    s, e = make_traffic_sessions().iloc[:0], make_traffic_events().iloc[:0]
    got = run_recipe("traffic_by_period", traffic_shop(s, e))
    assert_same(got, ek.traffic_by_period(s, e))
    assert got.empty


def test_traffic_plain_text_channels_sort_like_pandas():
    s = make_traffic_sessions()
    s = s.assign(channel=s["channel"].astype(str))
    assert_same(run_recipe("traffic_by_period", traffic_shop(s)),
                ek.traffic_by_period(s, make_traffic_events()))


@pytest.mark.parametrize("kw", [{}, {"start": "2024-05-01", "end": "2024-05-01"},
                                {"start": "2024-06-01", "end": "2024-06-30"}], ids=str)
def test_funnel_edge_cases(kw):
    e = make_funnel_events()
    assert_same(run_recipe("funnel", {"events": e}, **kw), ek.funnel(e, **kw))
    e2 = string_ids(e, session_id="s", visitor_id="v").sample(frac=1, random_state=3)
    e2 = e2.assign(event_type=e2["event_type"].astype(str))
    assert_same(run_recipe("funnel", {"events": e2}, **kw), ek.funnel(e2, **kw))
    tie = e[e["session_id"] == 4]  # view and cart in the same minute: in order
    assert run_recipe("funnel", {"events": tie}, **kw)["count"].tolist() == \
        ek.funnel(tie, **kw)["count"].tolist()


MEMBER_CASES = [{}, {"start": "2024-01-01", "end": "2024-01-31"},
                {"start": "2025-01-01", "end": "2025-03-31"}, {"end": "2024-02-29"},
                {"start": "2024-01-01", "end": "2024-01-07", "freq": "W"}]


def member_variants():
    o = make_member_orders()
    with_text = o.assign(customer_id=o["customer_id"].map(lambda v: f"C{v:02d}"))
    return {"plain": o, "string_ids": with_text,
            "shuffled": o.sample(frac=1, random_state=3),
            "one_customer": o[o["order_id"] == 9]}


@pytest.mark.parametrize("variant", ["plain", "string_ids", "shuffled", "one_customer"])
@pytest.mark.parametrize("kw", MEMBER_CASES, ids=str)
def test_cohort_and_repurchase_edge_cases(variant, kw):
    o = member_variants()[variant]
    assert_same(run_recipe("cohort_retention", {"orders": o}, **kw),
                ek.cohort_retention(o, **kw))
    kw.pop("freq", None)
    got = run_recipe("repurchase_rate", {"orders": o}, **kw)["repurchase_rate"].iloc[0]
    want = ek.repurchase_rate(o, **kw)
    assert (np.isnan(got) and np.isnan(want)) or got == pytest.approx(want, rel=RTOL)


@pytest.mark.parametrize("variant", ["plain", "string_ids", "shuffled", "one_customer"])
@pytest.mark.parametrize("kw", [{"as_of": "2024-03-31"}, {"as_of": "2024-01-31"},
                                {"as_of": "2024-03-31", "start": "2024-01-01"},
                                {"as_of": "2023-01-01"}], ids=str)
def test_rfm_edge_cases(variant, kw):
    o = member_variants()[variant]
    want = ek.rfm_table(o, **kw)
    if want.empty:
        # ecomkit.rfm_table gives its text columns dtype object when there is no
        # buyer and str otherwise; the recipe gives str in both cases
        want = want.astype({c: "str" for c in want.columns if want[c].dtype == object})
    assert_same(run_recipe("rfm", {"orders": o}, **kw), want)


@pytest.mark.parametrize("kw", [
    {}, {"start": "2024-01-01", "end": "2024-02-29"}, {"freq": "W"}, {"freq": "Q"},
    {"start": "2023-01-01", "end": "2023-01-31"}, {"start": "2023-11-01", "end": "2024-05-31"},
    {"start": "2024-02-01"},
], ids=str)
def test_pnl_edge_cases(kw):
    t = tiny_shop()
    assert_same(run_recipe("pnl", t, **kw), pnl_twin(t, **kw))
    text = dict(t)
    for name in ("orders", "order_items", "refunds"):
        text[name] = string_ids(t[name], order_id="o")
    text["refunds"] = text["refunds"].sample(frac=1, random_state=4)
    assert_same(run_recipe("pnl", text, **kw), pnl_twin(text, **kw))


def test_pnl_of_empty_tables_is_empty():
    t = {k: v.iloc[:0] for k, v in tiny_shop().items()}
    got = run_recipe("pnl", t)
    assert got.empty
    assert_same(got, pnl_twin(t))


def test_tiny_pnl_golden_through_sql():
    """The finance tests' hand-computed P&L (returns restocked, a refund-only
    month with NaN margins) comes out of the SQL too."""
    from test_finance import EXPECTED_PNL

    assert_same(run_recipe("pnl", tiny_shop()), EXPECTED_PNL)


# ======================================================== the three sources ===
@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """One shop as frames, a Parquet folder, a CSV folder and a DuckDB file."""
    shop = make_shop(400, random_state=8)
    root = tmp_path_factory.mktemp("sources")
    write_shop(shop, root / "parquet", format="parquet")
    write_shop(shop, root / "csv", format="csv")
    db = root / "shop.duckdb"
    con = duckdb.connect(str(db))
    for name in ("sessions", "events", "orders", "order_items", "refunds", "costs",
                 "marketing_spend"):
        frame = shop[name]
        con.register("frame", frame)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM frame")
        con.unregister("frame")
    con.close()
    return {"frames": shop, "parquet": str(root / "parquet"), "csv": root / "csv",
            "duckdb": str(db)}


RUNS = [("traffic_by_period", {"freq": "W"}), ("funnel", {}),
        ("cohort_retention", {"start": "2024-02-01", "end": "2024-10-31"}),
        ("repurchase_rate", {}), ("rfm", {"as_of": "2024-12-31"}), ("pnl", {}),
        ("session_summary", {"start": "2024-06-01", "end": "2024-06-30"}),
        ("daily_visitor_activity", {"start": "2024-06-01", "end": "2024-06-30"}),
        ("customer_summary", {"as_of": "2024-12-31"}), ("cohort_activity", {})]


@pytest.mark.parametrize("name,kw", RUNS, ids=[r[0] for r in RUNS])
def test_frames_parquet_csv_and_duckdb_file_agree(sources, name, kw):
    want = run_recipe(name, sources["frames"], **kw)
    for kind in ("parquet", "csv", "duckdb"):
        assert_same(run_recipe(name, sources[kind], **kw), want)
    con = duckdb.connect(sources["duckdb"], read_only=True)
    try:
        assert_same(run_recipe(name, con, **kw), want)
    finally:
        con.close()


def test_the_parquet_folder_matches_the_pandas_twin_read_from_it(sources):
    from ecomkit.datasets import read_shop

    shop = read_shop(sources["parquet"], tables=["orders"])
    assert_same(run_recipe("rfm", sources["parquet"], as_of="2024-12-31"),
                ek.rfm_table(shop.orders, as_of="2024-12-31"))


def test_duckdb_settings_are_passed_on(sources):
    got = run_recipe("funnel", sources["parquet"],
                     config={"threads": 1, "memory_limit": "500MB"})
    assert_same(got, run_recipe("funnel", sources["frames"]))


# ==================================================== SQL text and dialects ===
def test_every_recipe_documents_itself():
    assert set(TWINS + REDUCTIONS) == set(RECIPES)
    for name in RECIPES:
        r = get_recipe(name)
        text = r.text
        assert text.startswith(f"-- recipe: {name}\n")
        for heading in ("What it computes", "口径", "Parameters", "Tables", "Output"):
            assert f"-- {heading}" in text, (name, heading)
        assert r.params and r.tables and r.output and r.twin
        used = set(__import__("re").findall(r"\$(\w+)", r.body))
        assert used == set(r.params), name  # every placeholder documented, none unused
        assert all("\t" not in line for line in text.splitlines())


def test_output_columns_are_those_documented(sources):
    for name, kw in RUNS:
        got = run_recipe(name, sources["frames"], **kw)
        assert list(got.columns) == [c for c, _, _ in get_recipe(name).output], name


def test_bound_duckdb_sql_runs_as_it_is(sources):
    params = recipe_params("funnel", start="2024-06-01", end="2024-06-30")
    sql = recipe_sql("funnel", bind=params)
    body = sql.split("\nWITH ", 1)[1]
    assert "$" not in body and "DATE '2024-06-01'" in body
    con = duckdb.connect()
    con.register("events", sources["frames"].events)
    raw = con.execute(sql).df()
    assert_same(conform_result("funnel", raw, sources["frames"]),
                run_recipe("funnel", sources["frames"], start="2024-06-01",
                           end="2024-06-30"))


@pytest.mark.parametrize("dialect", [*DIALECTS, "snowflake", "trino"])
@pytest.mark.parametrize("name", RECIPES)
def test_recipe_sql_parses_in_every_dialect(name, dialect):
    sqlglot = pytest.importorskip("sqlglot")
    sql = recipe_sql(name, dialect)
    assert sql.startswith(f"-- recipe: {name}")
    tree = sqlglot.parse_one(sql, read=dialect)
    assert tree.find(sqlglot.exp.Select) is not None
    if dialect != "duckdb":
        marker = "@" if dialect == "bigquery" else ":"
        assert all(f"{marker}{p}" in sql for p in get_recipe(name).params)
        bound = recipe_sql(name, dialect, bind=recipe_params(
            name, as_of="2024-12-31" if "as_of" in get_recipe(name).params else None))
        sqlglot.parse_one(bound, read=dialect)


def test_bigquery_weeks_start_on_monday():
    pytest.importorskip("sqlglot")
    sql = recipe_sql("traffic_by_period", "bigquery")
    assert "ISOWEEK" in sql and "WEEK)" not in sql.replace("ISOWEEK)", "")


def test_without_sqlglot_only_duckdb_is_offered(monkeypatch):
    monkeypatch.setitem(sys.modules, "sqlglot", None)  # import sqlglot now fails
    assert recipe_sql("rfm").startswith("-- recipe: rfm")
    with pytest.raises(ImportError, match="needs the package sqlglot"):
        recipe_sql("rfm", "spark")


# ============================================================ bad requests ===
@pytest.mark.parametrize("call,exc,match", [
    (lambda s: run_recipe("nope", s), ValueError, "unknown recipe 'nope'"),
    (lambda s: run_recipe("funnel", s, freq="M"), ValueError, "takes no `freq`"),
    (lambda s: run_recipe("rfm", s), ValueError, "needs `as_of`"),
    (lambda s: run_recipe("funnel", s, start="2024-05-01 10:00"), ValueError,
     "has a time of day"),
    (lambda s: run_recipe("funnel", s, start="soon"), ValueError, "must be a date"),
    (lambda s: run_recipe("traffic_by_period", s, freq="H"), ValueError,
     "`freq` must be one of"),
    (lambda s: run_recipe("funnel", s, start="2024-05-02", end="2024-05-01"),
     ValueError, "the window is empty"),
    (lambda s: run_recipe("pnl", {"orders": s["orders"]}), ValueError,
     r"reads the table\(s\) \['order_items'"),
    (lambda s: run_recipe("funnel", s, engine="spark"), ValueError, "spark.sql"),
    (lambda s: run_recipe("funnel", 42), TypeError, "`source` must be a shop"),
    (lambda s: run_recipe("funnel", "/no/such/folder"), FileNotFoundError,
     "does not exist"),
    (lambda s: run_recipe("funnel", {"events": s["events"].assign(
        event_ts=s["events"]["event_ts"].dt.tz_localize("Asia/Shanghai"))}),
     ValueError, "time-zone-aware"),
    (lambda s: recipe_sql("funnel", "klingon"), ValueError, "unknown SQL dialect"),
    (lambda s: recipe_sql("funnel", bind={"as_of": None}), ValueError,
     "has no placeholder"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_bad_requests_say_what_is_wrong(sources, call, exc, match):
    if "dialect" in match:
        pytest.importorskip("sqlglot")
    with pytest.raises(exc, match=match):
        call(sources["frames"])


def test_a_folder_without_the_table(tmp_path):
    write_shop({"orders": make_member_orders()}, tmp_path)
    with pytest.raises(FileNotFoundError, match="neither events.parquet nor events.csv"):
        run_recipe("funnel", tmp_path)


def test_recipe_params_are_what_the_sql_takes():
    assert recipe_params("rfm", as_of=dt.date(2024, 6, 30)) == {
        "start_date": None, "as_of": dt.date(2024, 6, 30)}
    assert recipe_params("cohort_retention")["freq"] == "M"
    assert recipe_params("traffic_by_period")["freq"] == "D"
    assert recipe_params("pnl", start=pd.Timestamp("2024-01-01"), end="")["end_date"] \
        is None


# =================================================================== Spark ===
SPARK_RUNS = RUNS + [("traffic_by_period", {}),
                     ("pnl", {"freq": "W", "start": "2024-02-01", "end": "2024-03-31"}),
                     ("cohort_retention", {"freq": "W", "end": "2024-06-30"})]


@pytest.fixture(scope="module")
def spark():
    pytest.importorskip(
        "pyspark",
        reason="pyspark is not installed: pip install 'ecomkit[spark]' (pyspark>=3.5 "
               "and a Java runtime) to run the recipes on a local Spark session")
    if shutil.which("java") is None:
        pytest.skip("pyspark is installed but no Java runtime (java) is on the PATH")
    import warnings

    from pyspark.sql import SparkSession

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        session = (SparkSession.builder.master("local[2]").appName("ecomkit-recipes")
                   .config("spark.sql.session.timeZone", "UTC")
                   .config("spark.sql.shuffle.partitions", "4")
                   .config("spark.ui.enabled", "false")
                   .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                   .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_recipes_run_on_spark(spark, sources):
    """recipe_sql(name, "spark") + recipe_params on a local Spark session = pandas."""
    shop = sources["frames"]
    for name in ("sessions", "events", "orders", "order_items", "refunds", "costs",
                 "marketing_spend"):
        frame = shop[name].copy()
        for col in frame.columns:  # Spark has no categoricals: plain text
            if isinstance(frame[col].dtype, pd.CategoricalDtype) or frame[col].dtype == "str":
                frame[col] = frame[col].astype(object).where(frame[col].notna(), None)
        spark.createDataFrame(frame).createOrReplaceTempView(name)
    for name, kw in SPARK_RUNS:
        raw = spark.sql(recipe_sql(name, "spark"), args=recipe_params(name, **kw)).toPandas()
        got = conform_result(name, raw, shop, freq=kw.get("freq"))
        assert_same(got, run_recipe(name, shop, **kw))


# ===================================================================== CLI ===
def test_cli_sql_list_and_show(capsys):
    from ecomkit.cli import main

    assert main(["sql", "list"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in RECIPES) and "$start_date" in out
    assert main(["sql", "show", "rfm"]) == 0
    assert capsys.readouterr().out == get_recipe("rfm").text
    assert main(["sql", "show", "funnel", "--start", "2024-06-01",
                 "--end", "2024-06-30"]) == 0
    assert "DATE '2024-06-01'" in capsys.readouterr().out


def test_cli_sql_show_other_dialects(capsys):
    pytest.importorskip("sqlglot")
    from ecomkit.cli import main

    assert main(["sql", "show", "cohort_retention", "--dialect", "spark"]) == 0
    assert ":freq" in capsys.readouterr().out
    assert main(["sql", "show", "pnl", "--dialect", "bigquery", "--freq", "W"]) == 0
    out = capsys.readouterr().out
    assert "'W'" in out and "@freq" not in out.split("\n\n", 1)[1]


@pytest.mark.parametrize("argv,match", [
    (["sql", "show", "nope"], "unknown recipe 'nope'"),
    (["sql", "show", "funnel", "--freq", "M"], "takes no `freq`"),
    (["sql"], "choose an action: list or show"),
])
def test_cli_sql_errors(capsys, argv, match):
    from ecomkit.cli import main

    assert main(argv) == 2
    assert match in capsys.readouterr().err


@pytest.mark.parametrize("frame, keys, want", [
    (pd.DataFrame({"a": [1, 1, 2], "b": [3, 4, 0]}), ["a", "b"], True),
    (pd.DataFrame({"a": [1, 1, 2], "b": [4, 3, 0]}), ["a", "b"], False),
    (pd.DataFrame({"a": [2, 1], "b": [0, 1]}), ["a", "b"], False),
    (pd.DataFrame({"a": [1, 1], "b": [1, 1]}), ["a", "b"], True),  # ties
    (pd.DataFrame({"a": [1.0, np.nan]}), ["a"], False),  # missing: left to the sort
    (pd.DataFrame({"a": ["x", "y"]}), ["a"], False),  # text: left to the sort
    (pd.DataFrame({"a": pd.Categorical(["b", "a"], categories=["b", "a"], ordered=True)}),
     ["a"], True),  # categories in their level order
    (pd.DataFrame({"t": pd.to_datetime(["2024-01-02", "2024-01-01"])}), ["t"], False),
], ids=range(8))
def test_rows_already_in_order_are_not_sorted_again(frame, keys, want):
    from ecomkit.sql._engine import _already_sorted

    assert _already_sorted(frame, keys) is want
    if want:  # the check agrees with sorting
        pd.testing.assert_frame_equal(
            frame, frame.sort_values(keys, kind="stable").reset_index(drop=True))
