"""Notebook 01_traffic: runs on the demo shop, another window/channel and another shop."""

import numpy as np
import papermill as pm
import pytest

from ecomkit._schema import CHANNELS, DEVICES

pytestmark = pytest.mark.slow
NB = "01_traffic"
BOUNCES = ("bounce_single_page", "bounce_ga4", "bounce_sycm")


def stderr_text(nb):
    return "".join(
        "".join(o.get("text", ""))
        for c in nb["cells"] if c["cell_type"] == "code"
        for o in c.get("outputs", []) if o.get("name") == "stderr"
    )


@pytest.fixture(scope="module")
def demo(run_notebook):
    return run_notebook(NB)


def test_defaults_counts(demo):
    _, r = demo
    assert r["uv"] > 0 and r["sessions"] >= r["uv"] and r["pv"] > 0
    assert r["sum_period_uv"] > r["uv"]  # visitors come back in several weeks


def test_defaults_three_bounce_rates_differ(demo):
    _, r = demo
    values = [r[k] for k in BOUNCES]
    assert all(0 < v < 1 for v in values)
    for i in range(3):
        for j in range(i + 1, 3):
            assert not np.isclose(values[i], values[j])
    assert r["bounce_ga4"] == min(values)  # a long single-page visit is engaged in GA4
    assert set(r["bounce_by_channel"]) <= set(CHANNELS)
    assert all(0 <= v <= 1 for v in r["bounce_by_channel"].values())


def test_defaults_mix_and_shares(demo):
    _, r = demo
    assert r["top_channel_by_uv"] in CHANNELS
    assert r["top_channel_by_uv"] == max(r["channel_uv_share"], key=r["channel_uv_share"].get)
    assert np.isclose(sum(r["channel_uv_share"].values()), 1)
    assert r["top_device_by_uv"] in DEVICES
    assert np.isclose(sum(r["device_uv_share"].values()), 1)
    assert 0 < r["paid_traffic_share"] < 1
    assert np.isclose(r["paid_traffic_share"] + r["free_traffic_share"], 1)
    assert 0 < r["new_visitor_share"] < 1
    assert r["new_visitor_share_window"] == 1.0  # the window starts with the data: no history


def test_defaults_find_the_private_domain_launch(demo):
    _, r = demo
    assert r["launched_channel"] == "private_domain"
    assert r["launched_channel_first_day"].startswith("2024-07")


def test_defaults_peak_is_in_a_campaign(demo):
    _, r = demo
    assert r["peak_in_campaign"] is True
    assert r["peak_campaign_kind"] == "mega_sale"


def test_defaults_keywords_and_market(demo):
    _, r = demo
    assert isinstance(r["top_keyword"], str) and r["top_keyword"] == r["top_keywords"][0]
    assert set(r["keyword_by_source"]) == {"organic", "paid"}
    for v in r["keyword_by_source"].values():
        assert 0 < v["ctr"] < 1 and 0 < v["conversion_rate"] < 1
    assert 0 < r["user_share_last_month"] < 1
    assert 1 <= r["gmv_rank_last_month"] <= 8
    assert 1 <= r["traffic_rank_last_month"] <= 8
    assert r["market_months"] == 12
    assert r["market_uv_matches_own_months"] == 12  # the panel's row for us is our own data
    assert 0 < r["user_share_pooled"] < 1


def test_no_warnings_in_the_output(demo):
    nb, _ = demo
    text = stderr_text(nb)
    assert "Glyph" not in text and "Warning" not in text, text[:500]


def test_monthly_paid_search_half_year(run_notebook, demo):
    _, r = run_notebook(NB, {"freq": "M", "channel": "paid_search",
                             "start": "2024-03-01", "end": "2024-08-31"})
    _, full = demo
    assert 0 < r["uv"] < full["uv"]
    values = [r[k] for k in BOUNCES]
    assert all(0 < v < 1 for v in values)
    assert r["market_months"] == 6
    assert r["launched_channel"] == "private_domain"
    assert 0 < r["paid_traffic_share"] < 1
    assert 0 < r["new_visitor_share_window"] < 1  # visitors seen before March are returning


def test_another_shop(run_notebook, other_shop_dir):
    nb, r = run_notebook(NB, {"data_dir": other_shop_dir})
    assert r["uv"] > 0
    assert all(0 < r[k] < 1 for k in BOUNCES)
    assert r["top_channel_by_uv"] in CHANNELS
    assert 0 < r["user_share_last_month"] < 1 and r["gmv_rank_last_month"] >= 1
    assert r["market_months"] == 10
    assert r["launched_channel"] == "private_domain"
    assert r["launched_channel_first_day"].startswith("2023-")
    assert "Glyph" not in stderr_text(nb)


@pytest.mark.parametrize("params, name", [({"channel": 7}, "channel"), ({"freq": "Q"}, "freq")])
def test_bad_parameter_fails_with_the_validator_message(run_notebook, params, name):
    with pytest.raises(pm.PapermillExecutionError,
                       match=f"notebook 01_traffic: parameter `{name}`"):
        run_notebook(NB, params)
