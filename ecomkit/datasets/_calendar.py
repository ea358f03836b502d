"""The shop's calendar: daily traffic weights and the campaign calendar.

A Chinese marketplace year has a rhythm every operator knows: weekends are
busier, Spring Festival (春节) empties the warehouses, and two mega sales (618
in June, Double 11 in November) dominate, each preceded by a pre-heat (预热)
in which shoppers favourite and add to cart but wait for the burst day to pay.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._schema import CAMPAIGN_KINDS

# Relative traffic by weekday, Monday first (weekend browsing is heavier).
WEEKDAY_TRAFFIC = np.array([0.95, 0.93, 0.95, 0.98, 1.03, 1.12, 1.10])
# Traffic multiplier while a campaign of each kind runs (burst phase).
KIND_TRAFFIC = {
    "mega_sale": 3.2,
    "new_arrival": 1.15,
    "member_day": 1.3,
    "flash_sale": 1.5,
    "win_back": 1.0,
}
PREHEAT_TRAFFIC = 1.35
SPRING_FESTIVAL_TRAFFIC = 0.7  # late Jan - mid Feb: logistics stop, shoppers travel

# Phase codes used by the generator for every day.
NORMAL, PREHEAT, BURST, OTHER_CAMPAIGN = 0, 1, 2, 3


def campaign_calendar(start: pd.Timestamp, end_excl: pd.Timestamp) -> pd.DataFrame:
    """Campaigns (rows of the ``campaigns`` table) that touch ``[start, end_excl)``.

    Dates follow the marketplace calendar of each year in the window; the
    win-back campaign is placed at 70 % of the window (it needs lapsed
    customers to exist).
    """
    rows = []
    for year in range(start.year, end_excl.year + 1):
        y = str(year)
        rows += [
            ("618 年中大促", "mega_sale", f"{y}-05-31", f"{y}-06-16", f"{y}-06-19", 0.20),
            ("双11 全球狂欢节", "mega_sale", f"{y}-10-24", f"{y}-11-10", f"{y}-11-12", 0.25),
            ("春季上新", "new_arrival", None, f"{y}-03-01", f"{y}-03-08", 0.05),
            ("秋季上新", "new_arrival", None, f"{y}-09-01", f"{y}-09-08", 0.05),
            ("双12 限时秒杀", "flash_sale", None, f"{y}-12-12", f"{y}-12-13", 0.15),
            ("春日限时秒杀", "flash_sale", None, f"{y}-04-20", f"{y}-04-21", 0.15),
            ("夏日限时秒杀", "flash_sale", None, f"{y}-07-15", f"{y}-07-16", 0.15),
        ]
        for month in range(1, 13):
            day = pd.Timestamp(year=year, month=month, day=8)
            rows.append(
                (f"会员日 {year}-{month:02d}", "member_day", None, day, day + pd.Timedelta(days=1), 0.10)
            )
    span = end_excl - start
    wb_start = (start + span * 0.70).normalize()
    rows.append(("老客召回季", "win_back", None, wb_start, wb_start + pd.Timedelta(days=14), 0.0))

    frame = pd.DataFrame(
        rows, columns=["name", "kind", "preheat_start", "start", "end", "discount_rate"]
    )
    for c in ("preheat_start", "start", "end"):
        frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
    first = frame["preheat_start"].fillna(frame["start"])
    frame = frame[(first < end_excl) & (frame["end"] > start)]
    frame = frame.sort_values(["start", "kind"]).reset_index(drop=True)
    frame.insert(0, "campaign_id", np.arange(1, len(frame) + 1, dtype="int64"))
    frame["name"] = frame["name"].astype("str")
    frame["kind"] = pd.Categorical(frame["kind"], categories=list(CAMPAIGN_KINDS), ordered=True)
    return frame


def daily_calendar(days: pd.DatetimeIndex, campaigns: pd.DataFrame) -> pd.DataFrame:
    """One row per day: traffic weight, phase and the active campaign.

    When campaigns overlap, the one with the larger traffic effect wins the
    day (a member day inside a mega-sale pre-heat belongs to the mega sale).
    """
    n = len(days)
    doy = days.day_of_year.to_numpy()
    weight = WEEKDAY_TRAFFIC[days.day_of_week.to_numpy()].copy()
    # a gentle yearly wave peaking in late November / December
    weight *= 1.0 + 0.12 * np.cos(2 * np.pi * (doy - 335) / 365.25)
    md = days.month.to_numpy() * 100 + days.day.to_numpy()
    weight[(md >= 128) & (md <= 214)] *= SPRING_FESTIVAL_TRAFFIC

    phase = np.zeros(n, dtype=np.int8)
    campaign = np.zeros(n, dtype=np.int64)  # 0 = none
    effect = np.ones(n)
    for row in campaigns.itertuples(index=False):  # a few dozen campaigns
        if pd.notna(row.preheat_start):
            m = (days >= row.preheat_start) & (days < row.start)
            better = m & (PREHEAT_TRAFFIC > effect)
            effect[better], phase[better], campaign[better] = PREHEAT_TRAFFIC, PREHEAT, row.campaign_id
        m = (days >= row.start) & (days < row.end)
        k = KIND_TRAFFIC[row.kind]
        better = m & (k >= effect)
        effect[better] = k
        phase[better] = BURST if row.kind == "mega_sale" else OTHER_CAMPAIGN
        campaign[better] = row.campaign_id
    return pd.DataFrame(
        {
            "date": days,
            "weight": weight * effect,
            "phase": phase,
            "campaign_id": campaign,
        }
    )
