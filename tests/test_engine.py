"""ecomkit.engine: one shop, two engines, the same answers; on-disk tables stay on disk."""

import pandas as pd
import pytest

from ecomkit.datasets import make_shop, write_shop
from ecomkit.engine import ENGINES, DuckDBEngine, PandasEngine, TableOnDisk, open_shop
from ecomkit.nbtools import data_window, sections
from ecomkit.sql import list_recipes

RTOL = 1e-9


@pytest.fixture(scope="module")
def parquet_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("engine_shop")
    write_shop(make_shop(300, start="2024-01-01", end="2024-06-30", random_state=3),
               path, format="parquet", overwrite=True)
    return path


@pytest.fixture(scope="module", params=["demo", "parquet"])
def both(request, parquet_dir):
    """The same shop opened with each engine: (pandas shop, duckdb shop)."""
    where = "demo" if request.param == "demo" else parquet_dir
    return open_shop(where), open_shop(where, engine="duckdb")


def test_duckdb_leaves_events_on_disk_and_loads_the_rest(both):
    mem, disk = both
    assert isinstance(mem.engine, PandasEngine) and isinstance(disk.engine, DuckDBEngine)
    assert list(disk) == list(mem)  # same tables, same order
    assert isinstance(disk["events"], TableOnDisk)
    for name, table in mem.items():
        if name in ("events", "params"):
            continue
        if isinstance(table, pd.DataFrame):
            pd.testing.assert_frame_equal(disk[name], table)


def test_a_table_on_disk_describes_itself_like_the_frame(both):
    mem, disk = both
    ev, frame = disk.events, mem.events
    assert len(ev) == len(frame)
    assert list(ev.columns) == list(frame.columns)
    pd.testing.assert_frame_equal(ev.head(4), frame.head(4))
    assert ev.time_span("event_ts") == (frame["event_ts"].min(), frame["event_ts"].max())
    pays = ev.load(["session_id", "event_ts"], where="event_type = 'payment'")
    want = frame.loc[frame["event_type"] == "payment", ["session_id", "event_ts"]]
    pd.testing.assert_frame_equal(
        pays.sort_values(["event_ts", "session_id"]).reset_index(drop=True),
        want.sort_values(["event_ts", "session_id"]).reset_index(drop=True))
    assert "events" in repr(ev) and f"{len(frame):,} rows" in repr(ev)


@pytest.mark.parametrize("use", [
    lambda t: t["event_type"], lambda t: t.event_type, lambda t: t.groupby("x"),
    lambda t: list(t),
], ids=["getitem", "attribute", "method", "iterate"])
def test_using_a_table_on_disk_as_a_frame_says_what_to_do(both, use):
    with pytest.raises(TypeError, match=r"`events` stays on disk with engine='duckdb'.*"
                                        r"shop\.engine\.run.*engine='pandas'"):
        use(both[1].events)


def test_probing_a_table_on_disk_is_safe(both):
    ev = both[1].events
    assert not hasattr(ev, "memory_usage") and not hasattr(ev, "_repr_html_")
    assert "TableOnDisk" in repr(ev)


def _recipe_calls(shop):
    lo, hi = data_window(shop)
    mid = lo + (hi - lo) / 2
    win = {"start": str(lo.date()), "end": str(mid.normalize().date())}
    return [
        ("traffic_by_period", {"freq": "W", **win}), ("traffic_by_period", {}),
        ("funnel", win), ("funnel", {}),
        ("cohort_retention", {"freq": "M"}), ("repurchase_rate", win),
        ("rfm", {"as_of": str(hi.date())}), ("pnl", {"freq": "M"}),
        ("session_summary", win), ("daily_visitor_activity", win),
        ("customer_summary", {"as_of": str(hi.date())}), ("cohort_activity", {}),
    ]


def test_every_recipe_is_offered_and_tested_here():
    called = {name for name, _ in _recipe_calls(open_shop("demo"))}
    assert called == set(list_recipes()["recipe"])


def test_both_engines_give_the_same_results(both):
    mem, disk = both
    for name, kw in _recipe_calls(mem):
        got, want = disk.engine.run(name, **kw), mem.engine.run(name, **kw)
        pd.testing.assert_frame_equal(got, want, check_exact=False, rtol=RTOL,
                                      obj=f"{name} {kw}")


def test_the_pandas_engine_uses_the_pandas_twins(monkeypatch):
    import ecomkit

    shop = open_shop("demo")
    calls = []
    real = ecomkit.funnel
    monkeypatch.setattr(ecomkit, "funnel", lambda *a, **k: calls.append(k) or real(*a, **k))
    shop.engine.run("funnel", start="2024-03-01", end="2024-03-31")
    assert calls == [{"start": "2024-03-01", "end": "2024-03-31"}]


def test_repurchase_rows_of_the_pandas_engine_count_buyers():
    shop = open_shop("demo")
    row = shop.engine.run("repurchase_rate", start="2024-01-01", end="2024-06-30").iloc[0]
    paid = shop.orders[shop.orders["paid_ts"].between("2024-01-01", "2024-06-30 23:59:59")]
    days_per_buyer = paid.groupby("customer_id")["paid_ts"].agg(lambda t: t.dt.normalize().nunique())
    # the default 口径: paid on 2 or more different days (same-day split orders merged)
    assert (row["buyers"], row["repeat_buyers"]) == (len(days_per_buyer), (days_per_buyer >= 2).sum())


def test_sql_runs_on_both_engines_alike(both):
    mem, disk = both
    q = ("SELECT event_type::VARCHAR AS event_type, count(*) AS n, count(DISTINCT session_id) AS s "
         "FROM events WHERE event_ts >= $lo GROUP BY ALL ORDER BY event_type")
    got = disk.engine.sql(q, lo="2024-02-01")
    want = mem.engine.sql(q, lo="2024-02-01")
    pd.testing.assert_frame_equal(got, want)
    frame = mem.events[mem.events["event_ts"] >= "2024-02-01"]
    assert got["n"].sum() == len(frame)


def test_duckdb_settings_reach_every_query(parquet_dir):
    shop = open_shop(parquet_dir, engine="duckdb", config={"memory_limit": "1GB", "threads": 1})
    got = shop.engine.sql("SELECT current_setting('memory_limit') AS m, "
                          "current_setting('threads') AS t")
    assert got["t"].iloc[0] == 1 and got["m"].iloc[0].startswith(("953", "1.0", "1000"))
    assert len(shop.engine.run("funnel")) == 4


def test_duckdb_has_a_memory_cap_by_default(parquet_dir):
    shop = open_shop(parquet_dir, engine="duckdb")
    limit = shop.engine.sql("SELECT current_setting('memory_limit') AS m")["m"].iloc[0]
    assert limit.startswith(("3.7", "4.0", "3814"))  # 4GB as DuckDB prints it


def test_sessions_too_can_stay_on_disk(parquet_dir, capsys):
    shop = open_shop(parquet_dir, engine="duckdb", on_disk=["events", "sessions"])
    assert isinstance(shop.sessions, TableOnDisk)
    assert data_window(shop) == data_window(open_shop(parquet_dir))
    ok = sections(shop, {"trend": ["sessions", "events"], "mix": ["sessions"],
                         "sales": ["orders"]}, notebook="01_traffic", through_engine=["trend"])
    assert (ok.trend, ok.mix, ok.sales) == (True, False, True)
    note = capsys.readouterr().out
    assert "the `sessions` table stays on disk" in note and "skipped: mix" in note
    assert "events" not in note  # `trend` reads events through the engine


def test_sections_check_their_engine_list():
    with pytest.raises(ValueError, match="through_engine.*not sections"):
        sections({}, {"a": []}, notebook="x", through_engine=["b"])


def test_pandas_is_the_default_and_loads_everything():
    shop = open_shop("demo", tables=["orders", "events"])
    assert isinstance(shop.events, pd.DataFrame) and "customers" not in shop
    assert shop.engine.name == "pandas" and ENGINES == ("pandas", "duckdb")
    assert "engine" not in shop  # an attribute, not a table


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"engine": "spark"}, ValueError, r"open_shop\(\): `engine` must be one of \['pandas', 'duckdb'\], got 'spark'"),
    ({"engine": "duckdb", "on_disk": ["clicks"]}, ValueError, r"`on_disk` names \['clicks'\].*not tables"),
])
def test_bad_options_are_named(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        open_shop("demo", **kwargs)


def test_duckdb_needs_a_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="engine='duckdb' reads a shop folder"):
        open_shop(tmp_path / "nowhere", engine="duckdb")


def test_a_bad_value_in_a_loaded_slice_is_reported(tmp_path):
    (tmp_path / "events.csv").write_text(
        "session_id,visitor_id,event_ts,event_type,product_id,keyword\n"
        "1,1,2024-01-01 10:00:00,home_view,,\n2,1,not a time,search,,x\n", encoding="utf-8")
    (tmp_path / "sessions.csv").write_text(
        "session_id,visitor_id,customer_id,start_ts,end_ts,channel,device,landing_page,campaign_id\n"
        "1,1,,2024-01-01 10:00:00,2024-01-01 10:05:00,direct,pc,home,\n", encoding="utf-8")
    shop = open_shop(tmp_path, engine="duckdb")
    assert len(shop.events) == 2
    with pytest.raises(ValueError, match=r"events .* not its column's type.*check-data"):
        shop.events.load()


def test_inputs_are_not_touched_by_running(both):
    mem, _ = both
    before = mem.events.copy()
    mem.engine.run("funnel")
    mem.engine.sql("SELECT count(*) FROM events")
    pd.testing.assert_frame_equal(mem.events, before)


@pytest.mark.parametrize("types", [["checkout", "payment"], ["favorite"], ("add_to_cart", "checkout", "payment")])
def test_an_events_slice_is_the_same_from_either_engine(both, types):
    mem, disk = both
    got, want = disk.engine.events(types), mem.engine.events(types)
    key = ["event_ts", "session_id", "event_type"]
    pd.testing.assert_frame_equal(got.sort_values(key).reset_index(drop=True),
                                  want.sort_values(key).reset_index(drop=True))
    assert set(want["event_type"].astype(str)) == set(types)
    assert len(want) == mem.events["event_type"].isin(types).sum()
    few = disk.engine.events(types, columns=["session_id", "event_type"])
    assert list(few.columns) == ["session_id", "event_type"] and len(few) == len(want)


def test_an_events_slice_checks_its_types():
    shop = open_shop("demo")
    with pytest.raises(ValueError, match=r"events\(\): `types` must be event types.*'buy'"):
        shop.engine.events(["checkout", "buy"])
    assert len(shop.engine.events("payment")) == (shop.events["event_type"] == "payment").sum()
    with pytest.raises(ValueError, match="no `events` table"):
        open_shop("demo", tables=["orders"]).engine.events(["payment"])


def test_summarise_aggregates_a_recipe_inside_duckdb(both):
    mem, disk = both
    select = ("SELECT CAST(device AS VARCHAR) AS device, count(*) AS visits, sum(page_views) AS pv, "
              "avg(CASE WHEN bounced THEN 1.0 ELSE 0.0 END) AS bounce FROM session_summary "
              "GROUP BY ALL ORDER BY device")
    lo, hi = data_window(mem)
    kw = {"start": str(lo.date()), "end": str((lo + pd.Timedelta(days=40)).date())}
    got, want = disk.engine.summarise("session_summary", select, **kw), mem.engine.summarise(
        "session_summary", select, **kw)
    pd.testing.assert_frame_equal(got, want)
    rows = mem.engine.run("session_summary", **kw)  # the rows it aggregates
    by_hand = rows.groupby(rows["device"].astype(str)).agg(
        visits=("session_id", "size"), pv=("page_views", "sum"), bounce=("bounced", "mean"))
    assert got.set_index("device")["visits"].to_dict() == by_hand["visits"].to_dict()
    assert got.set_index("device")["pv"].to_dict() == by_hand["pv"].to_dict()
    assert got.set_index("device")["bounce"].to_numpy() == pytest.approx(by_hand["bounce"].to_numpy())
    with pytest.raises(ValueError, match="takes no `as_of`"):
        mem.engine.summarise("session_summary", select, as_of="2024-01-01")
