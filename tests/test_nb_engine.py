"""Notebooks 00–07 with ``engine="duckdb"``: events stay on disk, the answers do not change.

Each notebook runs with DuckDB on the demo shop (CSV) and on another shop
written as Parquet. Every result it records must equal the pandas run's on the
same shop; the results computed through the engine (SQL recipes or queries
over the files, out of core) are listed and required; sections that need every
event in memory are skipped with a note and record nothing.
"""

import math

import pytest
from test_notebooks import SERIES

# results the DuckDB run computes through shop.engine (out of core) or from the
# tables it still loads: they must be there and equal to pandas
REQUIRED = {
    "00_start_here": ["uv", "paying_buyers", "paid_amount", "table_rows", "gmv", "net_sales"],
    "01_traffic": ["uv", "sessions", "pv", "peak_period", "sum_period_uv", "channel_uv_share",
                   "new_visitor_share", "top_keyword", "bounce_single_page", "bounce_ga4",
                   "bounce_sycm", "bounce_by_channel"],
    "02_conversion": ["funnel_counts", "worst_step", "worst_step_drop_share", "pay_conversion",
                      "checkout_failure_device", "checkout_failure_rate_drop", "ab_p_value",
                      "preheat_cart_rate", "cart_abandonment"],
    "03_members": ["buyers", "arpu", "repurchase_rate_window", "month1_retention_mean",
                   "rfm_segment_counts", "bgnbd_params"],
    "04_finance": ["net_sales", "contribution", "roas_by_channel", "cpc_jump_channel"],
    "05_products": ["sales_share_by_category", "hot_items", "stockout_rate"],
    "06_campaigns_and_private_domain": ["uplift", "redemption_rates", "pd_funnel",
                                        "preheat_favorites_lift"],
    "07_gmv_diagnosis": ["largest_gmv_drop_current_start", "base_period", "period_rule", "delta",
                         "lmdi_contributions", "main_device", "main_device_pay_step_change"],
}
# results of sections that need every event in memory: absent (or None) under DuckDB
SKIPPED = {
    "02_conversion": ["funnel_open_counts", "funnel_visitor_overall", "best_channel_funnel"],
}
# the skip notes each notebook prints under DuckDB (sections named in them)
NOTES = {
    "01_traffic": "explorer",
    "02_conversion": "by_segment, explorer",
}
NOT_COMPARED = {"bgnbd_fit_seconds"}  # a timing


def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def printed(nb):
    return "".join(out.get("text", "") for cell in nb.cells for out in cell.get("outputs", [])
                   if out.get("output_type") == "stream")


@pytest.mark.parametrize("shop", ["demo", "parquet"])
@pytest.mark.parametrize("name", SERIES)
def test_duckdb_engine_gives_the_pandas_answers(run_notebook, other_shop_dir, name, shop):
    base = {} if shop == "demo" else {"data_dir": other_shop_dir}
    _, want = run_notebook(name, base)
    nb, got = run_notebook(name, {**base, "engine": "duckdb"})

    for key in REQUIRED[name]:
        assert got.get(key) is not None, f"{name}: `{key}` not computed with engine='duckdb'"
    for key in SKIPPED.get(name, []):
        assert got.get(key) is None, f"{name}: `{key}` needs events in memory, yet was recorded"
    differ = {k: (want[k], got[k]) for k in got
              if k in want and k not in NOT_COMPARED and got[k] is not None
              and not same(want[k], got[k])}
    assert not differ, f"{name}: DuckDB and pandas disagree on {sorted(differ)}"
    if name in NOTES:
        assert "stays on disk, so these sections" in printed(nb)
        assert f"skipped: {NOTES[name]}" in printed(nb)


@pytest.mark.parametrize("name, params, required, skipped", [
    # a channel in focus: PV and bounce of that channel's visits out of core; 生意参谋
    # 跳失率 is per visitor-day over all channels, so it is not given for one channel
    ("01_traffic", {"freq": "M", "channel": "paid_search", "start": "2024-03-01", "end": "2024-08-31"},
     ["pv", "bounce_single_page", "bounce_ga4", "bounce_by_channel"], ["bounce_sycm"]),
    # one device, visitor funnels: the funnel recipe is by session over all devices
    ("02_conversion", {"unit": "visitor", "device": "app", "start": "2024-05-01", "end": "2024-09-30"},
     ["checkout_failure_device", "cart_abandonment", "preheat_cart_rate"], ["funnel_counts"]),
], ids=["01-channel", "02-device-visitor"])
def test_duckdb_engine_with_other_parameters(run_notebook, name, params, required, skipped):
    _, want = run_notebook(name, params)
    _, got = run_notebook(name, {**params, "engine": "duckdb"})
    for key in required:
        assert got.get(key) is not None and same(got[key], want[key]), key
    for key in skipped:
        assert got.get(key) is None, key
    differ = [k for k in got if k in want and got[k] is not None and k not in NOT_COMPARED
              and not same(want[k], got[k])]
    assert not differ
