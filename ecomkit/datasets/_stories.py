"""Planted stories: true events hidden in the synthetic shop, with ground truth.

Each story is switchable (``make_shop(stories=...)``) and documented in
``shop.stories``: what happened, where, when, and the signature it leaves in
the metrics. Dates are placed at fixed fractions of the shop's window and
snapped to a Monday or the first of a month, so every window gets them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Story:
    id: str
    title: str
    what: str
    where: str
    signature: str
    notebook: str


STORIES: dict[str, Story] = {
    s.id: s
    for s in (
        Story(
            "checkout_failure",
            "Checkout failure on the mini program (小程序支付故障)",
            "A payment SDK bug made most checkouts on the mini program fail for "
            "four weeks; visitors still browsed and carted as usual.",
            "device = mini_program",
            "checkout → payment conversion of mini_program sessions collapses "
            "(about 0.84 → 0.2) in the window while other devices and earlier "
            "steps stay flat; in a device drill-down of the GMV change the "
            "mini program's 支付转化率 carries the loss. At shop level the "
            "drop shows on 支付转化率 in the demo shop, but in small shops "
            "swings of 客单价 can hide it: drill down by device.",
            "02_conversion, 07_gmv_diagnosis",
        ),
        Story(
            "cpc_inflation",
            "Paid-search CPC inflation (直通车点击单价上涨)",
            "A competitor started bidding on the shop's keywords: the cost per "
            "click of paid search rose by 70 % from the first of a month on.",
            "channel = paid_search",
            "CPC of paid_search jumps on the start date, clicks and attributed "
            "sales do not, so paid_search ROAS falls by about 40 %.",
            "04_finance",
        ),
        Story(
            "refund_prone_category",
            "A refund-prone category (sizing problems)",
            "Apparel runs small: buyers return it for size and fit three times "
            "as often as other categories, all year.",
            "category = apparel",
            "refund rate of apparel orders is about three times the others', "
            "with reason size_fit dominating.",
            "05_products",
        ),
        Story(
            "carrier_price_increase",
            "Carrier price increase (快递涨价)",
            "The express carrier raised its per-parcel price by 30 % from the "
            "first of a month on.",
            "all shipped orders",
            "shipping cost per order and the logistics cost ratio (物流费占比) "
            "step up by about 30 % on the start date.",
            "04_finance",
        ),
        Story(
            "discount_cohort_churn",
            "A heavy-discount acquisition cohort churns fast (羊毛党)",
            "A month-long acquisition push on social and live stream gave new "
            "customers a 50-off-59 拉新券; it brought many customers who "
            "bought once with the coupon and never came back.",
            "customers who signed up in the window via the push",
            "the signup cohort of that month is larger and its repurchase and "
            "retention are far below other cohorts'; its first orders carry "
            "the heavy new_customer coupon.",
            "03_members",
        ),
        Story(
            "private_domain_launch",
            "Private-domain programme launch (私域 / 企业微信)",
            "Halfway through the window the shop started inviting buyers to "
            "its 企业微信 community (parcel cards, customer service, live "
            "stream, checkout page); contacts get private-domain visits.",
            "customers with an accepted contact",
            "contacts table and private_domain traffic start at the launch; "
            "contacts repurchase clearly more than comparable non-contacts.",
            "03_members, 06_campaigns_and_private_domain",
        ),
    )
}

DEFAULT_STORIES = tuple(STORIES)


def resolve_stories(stories) -> dict[str, bool]:
    """Normalise the ``stories`` argument of ``make_shop`` to ``{id: on}``."""
    func = "make_shop"
    if isinstance(stories, str):
        if stories in ("default", "all"):
            return dict.fromkeys(STORIES, True)
        if stories == "none":
            return dict.fromkeys(STORIES, False)
        stories = [stories]
    if stories is None or stories is False:
        return dict.fromkeys(STORIES, False)
    if stories is True:
        return dict.fromkeys(STORIES, True)
    if isinstance(stories, Mapping):
        unknown = set(stories) - set(STORIES)
        on = dict.fromkeys(STORIES, True)
        on.update({k: bool(v) for k, v in stories.items() if k in STORIES})
    elif isinstance(stories, Iterable):
        stories = list(stories)
        unknown = set(stories) - set(STORIES)
        on = {k: k in stories for k in STORIES}
    else:
        raise TypeError(
            f"{func}(): `stories` must be 'default', 'none', a list of story ids or "
            f"a dict {{id: bool}}, got {stories!r}."
        )
    if unknown:
        raise ValueError(
            f"{func}(): unknown story id(s) {sorted(unknown)} in `stories`. "
            f"Known stories: {list(STORIES)}."
        )
    return on


def story_dates(start: pd.Timestamp, end_excl: pd.Timestamp) -> dict[str, tuple]:
    """When each story happens: ``{id: (first moment, end exclusive)}``."""
    span = end_excl - start

    def monday(frac):
        t = (start + span * frac).normalize()
        return t - pd.Timedelta(days=t.day_of_week)

    def month_start(frac):
        # the first of the month at that point of the window; in windows too
        # short for that, the Monday of that point
        t = start + span * frac
        first = t.normalize().replace(day=1)
        return first if first > start else max(monday(frac), start)

    cf = max(monday(0.58), start)
    return {
        "checkout_failure": (cf, min(cf + pd.Timedelta(days=28), end_excl)),
        "cpc_inflation": (month_start(0.67), end_excl),
        "refund_prone_category": (start, end_excl),
        "carrier_price_increase": (month_start(0.75), end_excl),
        "discount_cohort_churn": (
            month_start(0.25),
            month_start(0.25) + pd.DateOffset(months=1),
        ),
        "private_domain_launch": (month_start(0.5), end_excl),
    }


def stories_table(on: dict[str, bool], dates: dict[str, tuple]) -> pd.DataFrame:
    """The ``shop.stories`` table."""
    rows = []
    for sid, story in STORIES.items():
        first, last = dates[sid]
        rows.append(
            {
                "id": sid,
                "enabled": on[sid],
                "title": story.title,
                "what": story.what,
                "where": story.where,
                "start": first,
                "end": last,
                "signature": story.signature,
                "notebook": story.notebook,
            }
        )
    frame = pd.DataFrame(rows)
    frame["start"] = frame["start"].astype("datetime64[ns]")
    frame["end"] = frame["end"].astype("datetime64[ns]")
    return frame
