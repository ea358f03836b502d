"""ex01 — traffic (流量): visitors, page views, bounce, channels, keywords, market share."""

import ecomkit
from ecomkit._schema import PAGE_VIEW_EVENTS, PAID_CHANNELS

from .._questions import Alternative, Question

JUNE = ("2024-06-01", "2024-06-30")


def _june_sessions(shop):
    s = shop.sessions
    return s[s["start_ts"].between("2024-06-01", "2024-07-01", inclusive="left")]


def _pv_june(shop):
    return ecomkit.page_views(shop.sessions, shop.events, start=JUNE[0], end=JUNE[1])


QUESTIONS = [
    Question(
        "ex01.q1",
        "UV (访客数) in June 2024",
        lambda shop: ecomkit.unique_visitors(shop.sessions, start=JUNE[0], end=JUNE[1]),
        kind="count",
        rtol=0,
        atol=0,
        alternatives=[
            Alternative("that is the number of sessions (访问次数): a visitor with two visits counts twice.",
                        lambda shop: len(_june_sessions(shop))),
            Alternative("that is the number of page views (PV), not visitors.", _pv_june),
            Alternative("that is the whole year's UV: keep only visits that started in June.",
                        lambda shop: ecomkit.unique_visitors(shop.sessions)),
            Alternative("that counts only logged-in customers: UV counts every visitor, logged in or not.",
                        lambda shop: _june_sessions(shop)["customer_id"].nunique()),
        ],
        hint="count distinct `visitor_id` of the sessions that started in June.",
    ),
    Question(
        "ex01.q2",
        "PV (浏览量) in June 2024",
        _pv_june,
        kind="count",
        rtol=0,
        atol=0,
        alternatives=[
            Alternative("that counts every event; PV counts only page views "
                        f"({', '.join(PAGE_VIEW_EVENTS)}), not favourites, carts or payments.",
                        lambda shop: int(shop.events["session_id"].isin(_june_sessions(shop)["session_id"]).sum())),
        ],
        hint="count events of the page-view types in the June sessions.",
    ),
    Question(
        "ex01.q3",
        "PV per visitor (人均浏览量) in June, pooled over the month",
        lambda shop: ecomkit.pv_per_visitor(shop.sessions, shop.events, start=JUNE[0], end=JUNE[1]),
        kind="number",
        rtol=1e-6,
        alternatives=[
            Alternative("that is the mean of daily values (the 生意参谋 multi-day 口径); the question "
                        "asks for the pooled ratio: June PV ÷ June UV.",
                        lambda shop: ecomkit.pv_per_visitor(shop.sessions, shop.events, start=JUNE[0], end=JUNE[1], how="daily_mean")),
            Alternative("that is PV per session (平均访问深度), not per visitor.",
                        lambda shop: ecomkit.views_per_session(shop.sessions, shop.events, start=JUNE[0], end=JUNE[1])),
        ],
    ),
    Question(
        "ex01.q4",
        "single-page bounce rate (跳出率) of June sessions",
        lambda shop: ecomkit.bounce_rate(shop.sessions, shop.events, start=JUNE[0], end=JUNE[1]),
        kind="rate",
        rtol=1e-6,
        alternatives=[
            Alternative("that is GA4's engagement-based bounce rate; the question asks the single-page 口径.",
                        lambda shop: ecomkit.bounce_rate(shop.sessions, shop.events, start=JUNE[0], end=JUNE[1], method="ga4")),
            Alternative("that is 生意参谋's 跳失率 (visitors with no click); the question asks sessions with one page view.",
                        lambda shop: ecomkit.bounce_rate(shop.sessions, shop.events, start=JUNE[0], end=JUNE[1], method="sycm")),
        ],
        hint="sessions with exactly one page view ÷ all sessions.",
        hidden=True,
    ),
    Question(
        "ex01.q5",
        "free-traffic share (免费流量占比) of June visitors, the 生意参谋 口径",
        lambda shop: ecomkit.free_traffic_share(shop.sessions, start=JUNE[0], end=JUNE[1]),
        kind="rate",
        rtol=1e-6,
        alternatives=[
            Alternative("that is the share of sessions; the question asks the share of visitors.",
                        lambda shop: ecomkit.free_traffic_share(shop.sessions, start=JUNE[0], end=JUNE[1], basis="sessions")),
            Alternative("that is the paid share; the question asks the free share.",
                        lambda shop: 1 - ecomkit.free_traffic_share(shop.sessions, start=JUNE[0], end=JUNE[1])),
        ],
        hint=f"free visitors ÷ (free visitors + paid visitors); paid channels are {', '.join(PAID_CHANNELS)}.",
    ),
    Question(
        "ex01.q6",
        "the channel that brought the most visitors over the whole year",
        lambda shop: shop.sessions.groupby("channel", observed=True)["visitor_id"].nunique().idxmax(),
        kind="choice",
        choices=list(ecomkit._schema.CHANNELS),
        alternatives=[
            Alternative("that channel has the most sessions; the question asks the most visitors (UV).",
                        lambda shop: shop.sessions["channel"].value_counts().idxmax()),
        ],
    ),
    Question(
        "ex01.q7",
        "the paid-search keyword with the most clicks over the year",
        lambda shop: shop.keywords[shop.keywords["source"] == "paid"].groupby("keyword")["clicks"].sum().idxmax(),
        kind="text",
        alternatives=[
            Alternative("that keyword leads organic search; the question asks paid search (直通车).",
                        lambda shop: shop.keywords[shop.keywords["source"] == "organic"].groupby("keyword")["clicks"].sum().idxmax()),
        ],
    ),
    Question(
        "ex01.q8",
        "the shop's user share (用户份额) in the market panel in November 2024",
        lambda shop: float(
            shop.market.loc[(shop.market["month"] == "2024-11-01") & shop.market["is_us"], "uv"].sum()
            / shop.market.loc[shop.market["month"] == "2024-11-01", "uv"].sum()
        ),
        kind="rate",
        rtol=1e-6,
        alternatives=[
            Alternative("that is the GMV share; user share divides visitors (UV).",
                        lambda shop: float(
                            shop.market.loc[(shop.market["month"] == "2024-11-01") & shop.market["is_us"], "gmv"].sum()
                            / shop.market.loc[shop.market["month"] == "2024-11-01", "gmv"].sum())),
        ],
    ),
]
