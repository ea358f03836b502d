"""Charts of the traffic notebook (ecomkit.plotting._traffic)."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes

from ecomkit.plotting import (
    _traffic,
    plot_bounce_rates,
    plot_keyword_scatter,
    plot_keywords,
    plot_market_ranks,
    plot_market_share,
    plot_mix_over_time,
    plot_traffic_explorer,
    plot_traffic_trend,
    safe_labels,
)


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def drawn_lines(ax):
    return [line for line in ax.get_lines() if len(line.get_xdata())]


def texts(ax):
    return " ".join(t.get_text() for t in ax.texts)


# ------------------------------------------------------------------- trend --
def trend():
    return pd.DataFrame({"period": pd.date_range("2024-06-01", periods=5),
                         "uv": [5, 6, 9, 4, 5], "sessions": [6, 7, 12, 5, 6],
                         "pv": [10, 15, 30, 9, 11]})


def campaigns():
    return pd.DataFrame({"preheat_start": pd.to_datetime(["2024-06-01", pd.NaT]),
                         "start": pd.to_datetime(["2024-06-03", "2024-06-05"]),
                         "end": pd.to_datetime(["2024-06-04", "2024-06-06"]),
                         "kind": ["mega_sale", "member_day"]})


def test_trend_lines_and_campaign_shades(ax):
    d, c = trend(), campaigns()
    d0, c0 = d.copy(), c.copy()
    out = plot_traffic_trend(d, campaigns=c, ax=ax)
    assert out is ax
    assert len(drawn_lines(ax)) == 3
    spans = [p for p in ax.patches]
    assert len(spans) == 3  # one pre-heat, two sales
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "pre-heat" in " ".join(legend) and "campaign sale" in " ".join(legend)
    pd.testing.assert_frame_equal(d, d0)
    pd.testing.assert_frame_equal(c, c0)


def test_trend_ignores_campaigns_outside_the_range(ax):
    c = campaigns().assign(start=pd.to_datetime(["2023-01-03"] * 2),
                           end=pd.to_datetime(["2023-01-04"] * 2),
                           preheat_start=pd.to_datetime(["2023-01-01", pd.NaT]))
    plot_traffic_trend(trend(), metrics="uv", campaigns=c, ax=ax)
    assert len(ax.patches) == 0
    assert len(drawn_lines(ax)) == 1


def test_trend_empty_and_bad(ax):
    plot_traffic_trend(trend().iloc[:0], ax=ax)
    assert "no data" in texts(ax)
    with pytest.raises(ValueError, match="lacks the column"):
        plot_traffic_trend(trend(), metrics=["bounce_rate"], ax=ax)


def test_trend_without_ax():
    out = plot_traffic_trend(trend())
    assert isinstance(out, Axes)
    plt.close(out.figure)


# --------------------------------------------------------------------- mix --
def mix():
    return pd.DataFrame({
        "period": pd.to_datetime(["2024-01-01"] * 3 + ["2024-02-01"] * 3),
        "channel": pd.Categorical(["direct", "social", "affiliate"] * 2,
                                  categories=["direct", "social", "affiliate", "email_sms"]),
        "uv": [30, 10, 0, 20, 20, 0],
    })


def test_mix_shares_stack_to_one(ax):
    d = mix()
    before = d.copy()
    out = plot_mix_over_time(d, by="channel", ax=ax)
    assert out is ax
    assert len(ax.collections) == 2  # groups that never had visitors are left out
    tops = ax.collections[-1].get_paths()[0].vertices[:, 1]
    assert np.isclose(tops.max(), 1.0)
    assert ax.get_ylim() == (0.0, 1.0)
    pd.testing.assert_frame_equal(d, before)


def test_mix_raw_counts(ax):
    plot_mix_over_time(mix(), by="channel", normalize=False, ax=ax)
    tops = ax.collections[-1].get_paths()[0].vertices[:, 1]
    assert np.isclose(tops.max(), 40)


def test_mix_empty_and_bad(ax):
    plot_mix_over_time(mix().iloc[:0], by="channel", ax=ax)
    assert "no data" in texts(ax)
    with pytest.raises(ValueError, match="device"):
        plot_mix_over_time(mix(), by="device", ax=ax)


# ------------------------------------------------------------------ bounce --
def test_bounce_overall_in_method_order(ax):
    d = pd.DataFrame({"method": ["sycm", "ga4", "single_page"], "bounce_rate": [0.36, 0.12, 0.38]})
    before = d.copy()
    out = plot_bounce_rates(d, ax=ax)
    assert out is ax
    assert [t.get_text() for t in ax.get_xticklabels()] == ["single page", "GA4", "sycm"]
    assert [round(p.get_height(), 2) for p in ax.patches if p.get_height() > 0] == [0.38, 0.12, 0.36]
    pd.testing.assert_frame_equal(d, before)


def test_bounce_by_group(ax):
    d = pd.DataFrame({"channel": ["a", "a", "a", "b", "b", "b"],
                      "method": ["single_page", "ga4", "sycm"] * 2,
                      "bounce_rate": [0.4, 0.1, 0.3, 0.5, 0.2, 0.45]})
    plot_bounce_rates(d, by="channel", ax=ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]
    assert ax.get_legend() is not None


def test_bounce_empty_and_bad(ax):
    plot_bounce_rates(pd.DataFrame({"method": ["ga4"], "bounce_rate": [np.nan]}), ax=ax)
    assert "no data" in texts(ax)
    with pytest.raises(ValueError, match="channel"):
        plot_bounce_rates(pd.DataFrame({"method": [], "bounce_rate": []}), by="channel", ax=ax)


# ---------------------------------------------------------------- keywords --
def keywords():
    return pd.DataFrame({
        "keyword": ["dress", "dress", "shoes", "hat", "瑜伽垫"],
        "source": ["organic", "paid", "organic", "paid", "organic"],
        "clicks": [30, 10, 5, 50, 1],
        "ctr": [0.05, 0.08, 0.02, 0.1, 0.01],
        "conversion_rate": [0.04, 0.03, np.nan, 0.02, 0.5],
    })


def test_safe_labels_codes_what_cannot_be_drawn(monkeypatch):
    monkeypatch.setattr(_traffic, "cjk_font", lambda: None)
    assert safe_labels(["瑜伽垫", "dress", "面霜"]) == {"瑜伽垫": "K1", "dress": "dress", "面霜": "K3"}
    monkeypatch.setattr(_traffic, "cjk_font", lambda: "Noto Sans CJK SC")
    assert safe_labels(["瑜伽垫"]) == {"瑜伽垫": "瑜伽垫"}


def test_keywords_top_n_ranked_by_total(ax):
    d = keywords()
    before = d.copy()
    out = plot_keywords(d, top=2, ax=ax)
    assert out is ax
    assert [t.get_text() for t in ax.get_yticklabels()] == ["hat", "dress"]
    pd.testing.assert_frame_equal(d, before)


def test_keywords_no_glyph_warning_for_chinese(ax, recwarn):
    plot_keywords(keywords(), top=5, ax=ax)
    ax.figure.canvas.draw()
    assert not [w for w in recwarn if "Glyph" in str(w.message)]


def test_keywords_empty_and_bad(ax):
    plot_keywords(keywords().iloc[:0], ax=ax)
    assert "no data" in texts(ax)
    with pytest.raises(ValueError, match="impressions"):
        plot_keywords(keywords(), metric="impressions", ax=ax)


def test_keyword_scatter_drops_thin_rows(ax):
    d = keywords()
    before = d.copy()
    out = plot_keyword_scatter(d, min_clicks=10, ax=ax)
    assert out is ax
    assert len(ax.collections[0].get_offsets()) == 3
    pd.testing.assert_frame_equal(d, before)
    fig, ax2 = plt.subplots()
    plot_keyword_scatter(d, min_clicks=1000, ax=ax2)
    assert "no data" in texts(ax2)
    plt.close(fig)


# ------------------------------------------------------------------ market --
def position():
    return pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]),
                         "user_share": [0.11, 0.12, 0.1], "gmv_share": [0.04, 0.07, 0.15],
                         "traffic_rank": [4, 4, 5], "gmv_rank": [7, 6, 3], "n_shops": [8, 8, 8]})


def test_market_share_lines(ax):
    d = position()
    before = d.copy()
    out = plot_market_share(d, ax=ax)
    assert out is ax
    assert len(drawn_lines(ax)) == 2
    assert ax.get_ylim()[0] == 0
    pd.testing.assert_frame_equal(d, before)


def test_market_ranks_top_is_one(ax):
    out = plot_market_ranks(position(), ax=ax)
    assert out is ax
    lo, hi = ax.get_ylim()
    assert lo == pytest.approx(8.5) and hi == pytest.approx(0.5)  # rank 1 at the top
    assert len(drawn_lines(ax)) == 2


def test_market_empty_and_bad(ax):
    plot_market_share(position().iloc[:0], ax=ax)
    plot_market_ranks(position().iloc[:0], ax=ax)
    assert "no data" in texts(ax)
    with pytest.raises(ValueError, match="gmv_rank"):
        plot_market_ranks(position().drop(columns="gmv_rank"), ax=ax)


# ---------------------------------------------------------------- explorer --
def shop_tables():
    sessions = pd.DataFrame({
        "session_id": [1, 2, 3, 4], "visitor_id": [1, 2, 1, 3],
        "start_ts": pd.to_datetime(["2024-05-01 10:00", "2024-05-01 11:00",
                                    "2024-05-02 09:00", "2024-05-02 12:00"]),
        "end_ts": pd.to_datetime(["2024-05-01 10:05:00", "2024-05-01 11:00:05",
                                  "2024-05-02 09:01:00", "2024-05-02 12:00:03"]),
        "channel": ["direct", "social", "direct", "direct"],
        "device": ["app", "pc", "app", "pc"],
    })
    events = pd.DataFrame({"session_id": [1, 1, 2, 3, 4],
                           "event_type": ["home_view", "product_view", "home_view",
                                          "product_view", "search"]})
    return sessions, events


def test_explorer_filters_channel_and_device(ax):
    s, e = shop_tables()
    before = s.copy()
    out = plot_traffic_explorer(s, e, channel="direct", device="app", metric="uv", freq="D", ax=ax)
    assert out is ax
    assert drawn_lines(ax)[0].get_ydata().tolist() == [1.0, 1.0]
    pd.testing.assert_frame_equal(s, before)


def test_explorer_page_views_and_bounce(ax):
    s, e = shop_tables()
    plot_traffic_explorer(s, e, metric="pv", freq="D", ax=ax)
    assert drawn_lines(ax)[0].get_ydata().tolist() == [3.0, 2.0]
    fig, ax2 = plt.subplots()
    plot_traffic_explorer(s, e, metric="bounce_rate", freq="D", ax=ax2)
    assert drawn_lines(ax2)[0].get_ydata().tolist() == [0.5, 1.0]
    plt.close(fig)


def test_explorer_no_visits_and_bad_arguments(ax):
    s, e = shop_tables()
    plot_traffic_explorer(s, e, channel="email_sms", ax=ax)
    assert "no visits" in texts(ax)
    with pytest.raises(ValueError, match="unknown metric"):
        plot_traffic_explorer(s, e, metric="gmv", ax=ax)
    with pytest.raises(ValueError, match="needs `events`"):
        plot_traffic_explorer(s, metric="pv", ax=ax)
