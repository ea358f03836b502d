"""``make_shop``: a coherent synthetic Chinese marketplace shop (all 15 tables).

The generator is vectorised with numpy (no Python loop over customers,
sessions or events) so that the same function makes the 1-second demo shop
and a 10-million-event shop. Its stages, in order:

1. calendar and campaigns (``_calendar``), planted-story dates (``_stories``);
2. products with prices, costs, launches, popularity and stock-out windows;
3. customers with demographics, purchase rates and lifetimes;
4. sessions: customers' visits, anonymous visits before signup, visitors who
   never register, win-back returns and private-domain visits;
5. the funnel of every session and its events;
6. orders, order lines, coupons, shipping and refunds;
7. inventory, marketing spend, keywords, daily costs and the market panel.
"""

from __future__ import annotations

from contextlib import nullcontext

import numpy as np
import pandas as pd

from .. import _schema as S
from .._bunch import Bunch
from .._random import check_random_state
from .._validation import check_positive_int, to_timestamp
from ._calendar import BURST, campaign_calendar, daily_calendar
from ._stories import resolve_stories, stories_table, story_dates

DAY_NS = 86_400 * 10**9
SECOND_NS = 10**9

# ------------------------------------------------------------ constants ----
# Channel mixes (order of S.CHANNELS): new visitors never arrive through the
# private domain or email/SMS (those need an existing relationship).
SIGNUP_CHANNEL_MIX = np.array([0.18, 0.14, 0.20, 0.12, 0.12, 0.06, 0.0, 0.0, 0.18])
RETURNING_CHANNEL_MIX = np.array([0.15, 0.10, 0.20, 0.07, 0.10, 0.03, 0.0, 0.08, 0.27])
ANONYMOUS_CHANNEL_MIX = np.array([0.22, 0.16, 0.24, 0.12, 0.12, 0.06, 0.0, 0.0, 0.08])
# Probability that a visit goes past its landing page (not a bounce), by channel.
CHANNEL_ENGAGE = np.array([0.62, 0.58, 0.50, 0.45, 0.55, 0.50, 0.78, 0.60, 0.70])
# Add-to-cart propensity relative to organic search, by channel.
CHANNEL_CART = np.array([1.0, 1.05, 0.8, 0.7, 1.2, 1.1, 1.5, 1.1, 1.2])
# Devices (order of S.DEVICES): customers' and anonymous visitors' mixes,
# checkout -> payment success and extra basket lines per order.
CUSTOMER_DEVICE_MIX = np.array([0.50, 0.25, 0.13, 0.12])
ANONYMOUS_DEVICE_MIX = np.array([0.30, 0.30, 0.25, 0.15])
DEVICE_PAY = np.array([0.86, 0.84, 0.74, 0.80])
DEVICE_EXTRA_LINES = np.array([0.45, 0.35, 0.25, 0.55])
# Landing page by channel: probabilities of (home, search, campaign, product).
LANDING_BY_CHANNEL = np.array(
    [
        [0.0, 1.0, 0.0, 0.0],  # organic_search
        [0.0, 1.0, 0.0, 0.0],  # paid_search
        [0.1, 0.0, 0.1, 0.8],  # recommendation feed
        [0.1, 0.0, 0.3, 0.6],  # social
        [0.0, 0.0, 0.3, 0.7],  # live_stream
        [0.0, 0.0, 0.1, 0.9],  # affiliate
        [0.2, 0.0, 0.4, 0.4],  # private_domain
        [0.2, 0.0, 0.6, 0.2],  # email_sms
        [0.8, 0.1, 0.0, 0.1],  # direct
    ]
)
LANDING_EVENT = np.array([0, 1, 2, 3])  # home_view, search, campaign_view, product_view
# Funnel by campaign phase (normal, preheat, burst, other campaign): in the
# pre-heat shoppers favourite and cart but wait for the burst day to pay.
PHASE_FAV = np.array([1.0, 1.8, 1.1, 1.1])
PHASE_CART = np.array([1.0, 1.5, 1.3, 1.1])
PHASE_CHECKOUT = np.array([1.0, 0.55, 1.45, 1.1])
PHASE_PAY = np.array([1.0, 0.7, 1.05, 1.0])
BASE_FAV = 0.12
BASE_CART = 0.24
BASE_CHECKOUT = 0.50
BUY_NOW = 0.05  # 立即购买: checkout straight from the product page, no cart
CART_WITHOUT_VIEW = 0.08  # carted from a list or campaign page, no product view

CATEGORY_MIX = np.array([0.22, 0.12, 0.15, 0.14, 0.12, 0.08, 0.09, 0.08])
CATEGORY_PRICE = np.array([159.0, 299.0, 129.0, 89.0, 49.0, 399.0, 119.0, 189.0])
CATEGORY_REFUND = np.array([0.05, 0.06, 0.04, 0.05, 0.02, 0.06, 0.04, 0.06])
CATEGORY_KEYWORDS = (
    ("连衣裙", "T恤", "卫衣", "牛仔裤"),
    ("运动鞋", "帆布鞋", "老爹鞋"),
    ("面霜", "口红", "防晒霜"),
    ("收纳盒", "四件套", "香薰"),
    ("零食大礼包", "坚果", "挂耳咖啡"),
    ("蓝牙耳机", "充电宝", "机械键盘"),
    ("纸尿裤", "奶瓶", "婴儿湿巾"),
    ("瑜伽垫", "跑步腰包", "速干衣"),
)
# Hour-of-day traffic (shoppers browse at lunch and late evening).
HOUR_WEIGHTS = np.array(
    [2, 1, 0.6, 0.4, 0.3, 0.4, 1, 2, 3, 4, 4.5, 5, 5.5, 5, 4.5, 4.5, 4.5, 4.8, 5, 6, 7, 8, 7.5, 4.5]
)
PROVINCE_MIX = np.array([14, 10, 10, 7, 6, 8, 6, 5, 6, 5, 4, 4, 4, 4, 4, 3], dtype=float)
CITY_TIER_MIX = np.array([0.15, 0.20, 0.25, 0.22, 0.18])
PAID_CHANNEL_CPC = {"paid_search": 3.2, "recommendation": 1.5, "social": 2.0, "live_stream": 2.4}
PAID_CHANNEL_CTR = {
    "paid_search": 0.035,
    "recommendation": 0.012,
    "social": 0.008,
    "live_stream": 0.02,
    "affiliate": 0.015,
}
AFFILIATE_COMMISSION = 0.10  # 淘宝客 (CPS): a share of the affiliate order's payment
COMPETITORS = (
    ("优选旗舰店", 2.4),
    ("潮牌官方店", 1.6),
    ("悦享生活馆", 1.15),
    ("极简家居馆", 0.9),
    ("山野运动店", 0.7),
    ("萌宝母婴店", 0.5),
    ("数码先锋店", 0.35),
)

MEAN_VISITS_PER_DAY = 0.05  # a customer visits about every 20 days while active
MEAN_LIFETIME_DAYS = 200.0
ANONYMOUS_VISITORS_PER_CUSTOMER = 2.5


def _choice(rng, probs, size):
    """Draw category codes with probabilities ``probs`` (fast inverse CDF)."""
    cdf = np.cumsum(probs / np.sum(probs))
    return np.searchsorted(cdf, rng.random(size), side="right").clip(0, len(probs) - 1)


def _choice_rows(rng, prob_rows, row_index):
    """Draw one code per element, with the probabilities of its row."""
    cdf = np.cumsum(prob_rows / prob_rows.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(len(row_index))
    out = np.zeros(len(row_index), dtype=np.int64)
    for row in range(len(prob_rows)):  # one pass per row (channel), not per element
        at = np.flatnonzero(row_index == row)
        out[at] = np.searchsorted(cdf[row], u[at], side="right")
    return out.clip(0, prob_rows.shape[1] - 1)


class _Clock:
    """Converts between day offsets (float days since ``start``) and timestamps,
    and samples times following the daily traffic weights."""

    def __init__(self, start: pd.Timestamp, n_days: int, weights: np.ndarray):
        self.start_ns = start.value
        self.n_days = n_days
        self.cum = np.concatenate([[0.0], np.cumsum(weights)])
        self.edges = np.arange(n_days + 1, dtype=float)
        hour_cdf = np.cumsum(HOUR_WEIGHTS / HOUR_WEIGHTS.sum())
        self.hour_cdf = hour_cdf

    def sample(self, rng, lo, hi):
        """Times in ``[lo, hi)`` (day offsets) weighted by daily traffic, with
        a realistic hour of day."""
        # visits start by 22:00 of the last day so they end inside the window
        last = self.n_days - 2 / 24
        lo = np.clip(lo, 0, last)
        hi = np.clip(hi, lo, last)
        wlo = np.interp(lo, self.edges, self.cum)
        whi = np.interp(hi, self.edges, self.cum)
        t = np.interp(wlo + rng.random(len(lo)) * (whi - wlo), self.cum, self.edges)
        day = np.floor(np.minimum(t, self.n_days - 1e-9))
        hour = np.searchsorted(self.hour_cdf, rng.random(len(lo)))
        t2 = day + (hour + rng.random(len(lo))) / 24.0
        # keep the hour-of-day shape but never leave the customer's interval
        return np.clip(t2, lo, np.maximum(lo, hi - 1e-6))

    def to_ns(self, t):
        return self.start_ns + np.round(t * 86_400).astype(np.int64) * SECOND_NS


def _ts(ns) -> np.ndarray:
    return np.asarray(ns, dtype=np.int64).view("datetime64[ns]")


def _cat(codes, levels):
    return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int8), categories=list(levels), ordered=True)


def _nullable_id(values, mask_missing):
    """A nullable ``Int64`` id column, missing where ``mask_missing``."""
    mask = np.asarray(mask_missing, dtype=bool)
    return pd.arrays.IntegerArray(np.asarray(values, dtype=np.int64), mask)


def _str_from_codes(codes, vocab):
    """A pandas ``str`` column from integer codes into ``vocab`` (-1 = missing).

    Built as an Arrow dictionary array: ten times faster than going through
    Python objects for millions of rows.
    """
    import pyarrow as pa

    codes = np.asarray(codes)
    arr = pa.DictionaryArray.from_arrays(
        pa.array(codes.astype(np.int32), mask=codes < 0),
        pa.array(list(vocab), type=pa.string()),
    ).cast(pa.large_string())
    return pd.Series(arr, dtype=pd.StringDtype("pyarrow", na_value=np.nan)).array


def _money(x):
    return np.round(np.asarray(x, dtype=float), 2)


def make_shop(
    n_customers: int = 2000,
    *,
    start="2024-01-01",
    end="2024-12-31",
    n_products: int | None = None,
    anonymous_visitors: float = ANONYMOUS_VISITORS_PER_CUSTOMER,
    stories="default",
    random_state=None,
    progress: bool = False,
) -> Bunch:
    """Generate a coherent synthetic marketplace shop: all 15 tables of the schema.

    The shop behaves like a Chinese marketplace store (天猫/京东 style) so that
    every metric of the catalog gives a meaningful number, and it hides
    planted stories with ground truth for trainees to discover.

    Parameters
    ----------
    n_customers : int, default=2000
        Registered customers who sign up during the window. Everything else
        scales with it: about 35 events per customer (sessions of customers,
        of anonymous visitors, their events and orders).
    start, end : str or datetime-like, default="2024-01-01", "2024-12-31"
        First and last day of the window (``end`` inclusive).
    n_products : int, optional
        Products (SKUs). Default ``clip(n_customers // 20, 60, 3000)``.
    anonymous_visitors : float, default=2.5
        Visitors who never register, per registered customer.
    stories : "default", "none", list of str or dict, default="default"
        Planted stories to switch on: ``"default"`` all of them, ``"none"``
        none, a list of ids, or ``{id: bool}`` overriding the default. Ids:
        ``checkout_failure``, ``cpc_inflation``, ``refund_prone_category``,
        ``carrier_price_increase``, ``discount_cohort_churn``,
        ``private_domain_launch``.
    random_state : None, int or numpy Generator, default=None
        Seed; the same seed gives identical tables. numpy's global state is
        never used.
    progress : bool, default=False
        Show a progress bar over the generation stages.

    Returns
    -------
    Bunch
        ``customers, products, inventory, sessions, events, orders,
        order_items, refunds, marketing_spend, costs, campaigns, coupons,
        keywords, contacts, market`` (DataFrames in the schema of
        ``ecomkit._schema``), ``stories`` (the planted stories: id, enabled,
        title, what, where, start, end, signature, notebook), ``params`` (the
        arguments, to regenerate the shop) and ``DESCR`` (the generative story
        and column dictionary).

    Raises
    ------
    ValueError
        On a non-positive size, ``end`` before ``start``, a window shorter than
        28 days, or an unknown story id.

    Examples
    --------
    >>> from ecomkit.datasets import make_shop
    >>> shop = make_shop(n_customers=200, random_state=0)
    >>> len(shop.customers)
    200
    >>> list(shop.events["event_type"].cat.categories)[:4]
    ['home_view', 'search', 'campaign_view', 'product_view']
    >>> bool((shop.orders["paid_amount"] <= shop.orders["order_amount"]).all())
    True
    """
    func = "make_shop"
    n_customers = check_positive_int(n_customers, func, param="n_customers")
    if n_products is None:
        n_products = int(np.clip(n_customers // 20, 60, 3000))
    n_products = check_positive_int(n_products, func, param="n_products")
    if isinstance(anonymous_visitors, bool) or not isinstance(anonymous_visitors, (int, float)) or anonymous_visitors < 0:
        raise ValueError(f"{func}(): `anonymous_visitors` must be a number >= 0, got {anonymous_visitors!r}.")
    start_ts = to_timestamp(start, func, param="start").normalize()
    end_ts = to_timestamp(end, func, param="end").normalize()
    if end_ts < start_ts:
        raise ValueError(f"{func}(): `end` ({end!r}) is before `start` ({start!r}).")
    end_excl = end_ts + pd.Timedelta(days=1)
    n_days = (end_excl - start_ts).days
    if n_days < 28:
        raise ValueError(f"{func}(): the window from `start` to `end` must span at least 28 days, got {n_days}.")
    on = resolve_stories(stories)
    rng = check_random_state(random_state)
    params = {
        "n_customers": n_customers,
        "start": str(start_ts.date()),
        "end": str(end_ts.date()),
        "n_products": n_products,
        "anonymous_visitors": anonymous_visitors,
        "stories": [k for k, v in on.items() if v],
        "random_state": random_state if isinstance(random_state, int) else None,
    }

    bar = _progress(progress)
    with bar:
        g = _Generator(rng, start_ts, end_excl, n_days, n_customers, n_products, anonymous_visitors, on, bar)
        tables = g.run()

    shop = Bunch(**tables)
    shop.stories = stories_table(on, g.story_dates)
    shop.params = params
    shop.DESCR = _descr()
    return shop


def _progress(enabled):
    if not enabled:
        return _NoBar()
    from tqdm.auto import tqdm

    return tqdm(total=7, desc="make_shop", unit="stage")


class _NoBar(nullcontext):
    def update(self, n=1):
        pass

    def set_postfix_str(self, s):
        pass


def _descr() -> str:
    from importlib.resources import files

    text = files("ecomkit.datasets").joinpath("descr/shop.rst").read_text(encoding="utf-8")
    lines = [text.rstrip(), "", "Column dictionary", "-----------------", ""]
    for table in S.TABLES.values():
        lines.append(f"{table.name} — one row is {table.row}; key {', '.join(table.key)}")
        for c in table.columns:
            levels = f" [{' < '.join(c.levels)}]" if c.levels else ""
            null = " (nullable)" if c.nullable else ""
            lines.append(f"    {c.name} : {c.kind}{null} — {c.description}{levels}")
        lines.append("")
    return "\n".join(lines)


class _Generator:
    """Holds the shared state of one generation run; one method per stage."""

    def __init__(self, rng, start, end_excl, n_days, n_customers, n_products, anonymous, on, bar):
        self.rng = rng
        self.start = start
        self.end_excl = end_excl
        self.n_days = n_days
        self.n_customers = n_customers
        self.n_products = n_products
        self.anonymous = anonymous
        self.on = on
        self.bar = bar
        self.story_dates = story_dates(start, end_excl)

    def _day(self, ts):
        """Day offset (float) of a Timestamp relative to the window start."""
        return (ts - self.start) / pd.Timedelta(days=1)

    def run(self) -> dict:
        stages = (
            ("calendar", self.make_calendar),
            ("products", self.make_products),
            ("customers", self.make_customers),
            ("sessions", self.make_sessions),
            ("events", self.make_funnel_and_events),
            ("orders", self.make_orders),
            ("daily tables", self.make_daily_tables),
        )
        for name, stage in stages:
            self.bar.set_postfix_str(name)
            stage()
            self.bar.update(1)
        return {name: getattr(self, name) for name in S.TABLE_NAMES}

    # ------------------------------------------------------- calendar ----
    def make_calendar(self):
        days = pd.date_range(self.start, self.end_excl - pd.Timedelta(days=1), freq="D")
        self.campaigns = campaign_calendar(self.start, self.end_excl)
        self.cal = daily_calendar(days, self.campaigns)
        self.clock = _Clock(self.start, self.n_days, self.cal["weight"].to_numpy())
        self.day_phase = self.cal["phase"].to_numpy()
        self.day_campaign = self.cal["campaign_id"].to_numpy()

    # ------------------------------------------------------- products ----
    def make_products(self):
        rng, n = self.rng, self.n_products
        cat = _choice(rng, CATEGORY_MIX, n)
        price = CATEGORY_PRICE[cat] * rng.lognormal(0.0, 0.45, n)
        price = np.maximum(np.round(price / 10) * 10 - 1, 9.0)  # prices end in 9
        cost = _money(price * rng.uniform(0.35, 0.55, n))
        # 75 % were on sale before the window; the rest launch during it,
        # mostly in the new-arrival weeks (上新).
        launched_before = rng.random(n) < 0.75
        launch_day = np.where(launched_before, -rng.integers(30, 400, n), 0)
        new_idx = np.flatnonzero(~launched_before)
        na = self.campaigns[self.campaigns["kind"] == "new_arrival"]
        na_days = np.array([int(self._day(t)) for t in na["start"]] or [0])
        na_days = na_days[(na_days >= 0) & (na_days < self.n_days)]
        any_day = rng.integers(0, max(self.n_days - 14, 1), len(new_idx))
        if len(na_days):
            on_na = rng.random(len(new_idx)) < 0.6
            na_pick = na_days[rng.integers(0, len(na_days), len(new_idx))]
            launch_day[new_idx] = np.where(on_na, na_pick, any_day)
        else:
            launch_day[new_idx] = any_day
        # popularity: a long tail (Zipf) with a few hot items (爆款)
        # popularity: within each category a long tail (Zipf) led by a few hot
        # items (爆款); categories keep their share of demand
        order = np.lexsort((rng.random(n), cat))
        first_in_cat = np.searchsorted(cat[order], cat[order])
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n) - first_in_cat + 1
        pop = 1.0 / rank**0.9
        hot = rank <= np.maximum(1, np.bincount(cat, minlength=len(CATEGORY_MIX))[cat] // 12)
        pop[hot] *= 2.5
        pop *= CATEGORY_MIX[cat] / np.bincount(cat, weights=pop, minlength=len(CATEGORY_MIX))[cat]
        self.product_cat = cat
        self.product_price = price
        self.product_cost = cost
        self.launch_day = launch_day
        self.product_pop = pop / pop.sum()
        self.product_hot = hot
        # stock-out windows (缺货): hot and popular items sometimes run out when
        # a replenishment arrives late.
        self.stockout = np.zeros((self.n_days, n), dtype=bool)
        prone = np.flatnonzero((rank <= max(3, n // 60)) & (rng.random(n) < 0.5))
        n_windows = rng.integers(1, 4, len(prone))
        pid = np.repeat(prone, n_windows)
        first_ok = np.maximum(launch_day[pid], 0) + 10
        room = np.maximum(self.n_days - first_ok - 15, 1)
        s = first_ok + rng.integers(0, room)
        length = rng.integers(4, 13, len(pid))
        for p, a, ln in zip(pid, s, length, strict=True):  # a few hundred windows at most
            self.stockout[a : min(a + ln, self.n_days), p] = True
        self.stockout_prone = np.zeros(n, dtype=bool)
        self.stockout_prone[prone] = True
        self.products = pd.DataFrame(
            {
                "product_id": np.arange(1, n + 1, dtype=np.int64),
                "category": _cat(cat, S.PRODUCT_CATEGORIES),
                "list_price": _money(price),
                "unit_cost": cost,
                "launch_date": _ts(self.start.value + launch_day.astype(np.int64) * DAY_NS),
            }
        )

    # ------------------------------------------------------ customers ----
    def make_customers(self):
        rng, n = self.rng, self.n_customers
        on, dates = self.on, self.story_dates
        # signup time follows traffic (campaigns bring new customers)
        signup = self.clock.sample(rng, np.zeros(n), np.full(n, float(self.n_days)))
        acq = _choice(rng, SIGNUP_CHANNEL_MIX, n)
        rate = rng.gamma(0.9, MEAN_VISITS_PER_DAY / 0.9, n)
        lifetime = rng.exponential(MEAN_LIFETIME_DAYS, n)
        heavy = np.zeros(n, dtype=bool)
        if on["discount_cohort_churn"]:
            # the push: 15 % of all customers sign up in one month via social /
            # live stream with a 50-off-59 coupon, and mostly never come back
            a, b = (self._day(t) for t in dates["discount_cohort_churn"])
            k = int(0.15 * n)
            idx = rng.choice(n, k, replace=False)
            signup[idx] = self.clock.sample(rng, np.full(k, a), np.full(k, min(b, self.n_days)))
            acq[idx] = np.where(rng.random(k) < 0.6, 3, 4)  # social, live_stream
            lifetime[idx] = rng.exponential(12.0, k)
            rate[idx] *= 0.6
            heavy[idx] = True
        order = np.argsort(signup, kind="stable")  # customer ids follow signup order
        signup, acq, rate, lifetime, heavy = (x[order] for x in (signup, acq, rate, lifetime, heavy))
        gender = _choice(rng, np.array([0.58, 0.38, 0.04]), n)
        age = np.clip(np.round(rng.normal(np.where(gender == 0, 30, 33), 8)), 18, 65).astype(np.int64)
        province = _choice(rng, PROVINCE_MIX, n)
        tier = _choice(rng, CITY_TIER_MIX, n)
        risk = _choice(rng, np.array([0.90, 0.08, 0.02]), n)
        joins = rng.random(n) < 0.35
        join_t = signup + rng.uniform(0, 60, n)
        joins &= join_t < self.n_days
        level = np.where(joins, 1 + _choice(rng, np.array([0.6, 0.3, 0.1]), n), 0)
        rate = rate * np.array([1.0, 1.15, 1.3, 1.6])[level]

        self.c_signup = signup
        self.c_rate = rate
        self.c_life_end = np.minimum(signup + lifetime, self.n_days)
        self.c_heavy = heavy
        self.c_device = _choice(rng, CUSTOMER_DEVICE_MIX, n)
        self.c_tier = tier
        self.c_risk = risk
        self.c_level = level
        self.c_join = np.where(joins, join_t, np.nan)
        self.c_acq = acq
        self.customers = pd.DataFrame(
            {
                "customer_id": np.arange(1, n + 1, dtype=np.int64),
                "visitor_id": np.arange(1, n + 1, dtype=np.int64),
                "signup_ts": _ts(self.clock.to_ns(signup)),
                "gender": _cat(gender, S.GENDERS),
                "age": age,
                "province": pd.array(np.array(S.PROVINCES, dtype=object)[province], dtype="str"),
                "city_tier": _cat(tier, S.CITY_TIERS),
                "acquisition_channel": _cat(acq, S.CHANNELS),
                "member_level": _cat(level, S.MEMBER_LEVELS),
                "member_join_ts": _ts(np.where(joins, self.clock.to_ns(np.nan_to_num(join_t)), np.iinfo(np.int64).min)),
                "risk_level": _cat(risk, S.RISK_LEVELS),
            }
        )

    # ------------------------------------------------------- sessions ----
    def make_sessions(self):
        rng, n = self.rng, self.n_customers
        parts = []  # (t, visitor, customer(0=anon), channel, device)

        # (a) customers' own visits: the signup visit, then Poisson visits
        # until the customer's lifetime ends (churn)
        active = np.maximum(self.c_life_end - self.c_signup, 0)
        k = rng.poisson(self.c_rate * active)
        cust = np.repeat(np.arange(n), k)
        t = self.clock.sample(rng, self.c_signup[cust], self.c_life_end[cust])
        t = np.concatenate([self.c_signup, t])
        cust = np.concatenate([np.arange(n), cust])
        ch = np.concatenate([self.c_acq, _choice(rng, RETURNING_CHANNEL_MIX, len(cust) - n)])
        # the heavy-discount cohort came for the coupon: its signup visit buys
        intent = np.concatenate([self.c_heavy, np.zeros(len(cust) - n, bool)])
        parts.append(self._session_part(t, cust + 1, cust + 1, ch, self._device(self.c_device[cust]), intent))

        # (b) anonymous visits before signup by 40 % of customers (same device id)
        pre = np.flatnonzero(rng.random(n) < 0.4)
        kp = rng.integers(1, 3, len(pre))
        pc = np.repeat(pre, kp)
        tp = self.c_signup[pc] - rng.uniform(0.02, 20, len(pc))
        keep = tp >= 0
        pc, tp = pc[keep], tp[keep]
        parts.append(
            self._session_part(tp, pc + 1, np.zeros(len(pc), np.int64), _choice(rng, ANONYMOUS_CHANNEL_MIX, len(pc)), self._device(self.c_device[pc]))
        )

        # (c) visitors who never register: one visit, sometimes a few more
        n_anon = int(round(self.anonymous * n))
        first = self.clock.sample(rng, np.zeros(n_anon), np.full(n_anon, float(self.n_days)))
        extra = rng.geometric(0.7, n_anon) - 1
        av = np.repeat(np.arange(n_anon), 1 + extra)
        ta = first[av] + np.where(np.r_[True, av[1:] != av[:-1]], 0.0, rng.uniform(0.01, 30, len(av)))
        keep = ta < self.n_days - 2 / 24  # end inside the window
        av, ta = av[keep], ta[keep]
        adev = _choice(rng, ANONYMOUS_DEVICE_MIX, n_anon)
        parts.append(
            self._session_part(ta, n + 1 + av, np.zeros(len(av), np.int64), _choice(rng, ANONYMOUS_CHANNEL_MIX, len(av)), self._device(adev[av]))
        )

        # (d) win-back (召回): customers lapsed for 60+ days get a 召回券 at the
        # win-back campaign; 18 % of them come back for a while, 3 % of the
        # others come back by themselves (the comparison group).
        wb = self.campaigns[self.campaigns["kind"] == "win_back"]
        self.winback_coupons = np.array([], dtype=np.int64)
        if len(wb):
            wb_day = self._day(wb["start"].iloc[0])
            lapsed = np.flatnonzero((self.c_life_end <= wb_day - 60) & (self.c_signup < wb_day - 60))
            granted = lapsed[rng.random(len(lapsed)) < 0.7]
            self.winback_coupons = granted
            back_p = np.where(np.isin(lapsed, granted), 0.18, 0.03)
            back = lapsed[rng.random(len(lapsed)) < back_p]
            back_end = np.minimum(wb_day + rng.exponential(60, len(back)), self.n_days)
            kb = 1 + rng.poisson(self.c_rate[back] * 1.5 * (back_end - wb_day))
            bc = np.repeat(back, kb)
            tb = self.clock.sample(rng, np.full(len(bc), wb_day), back_end.repeat(kb))
            # coupon holders come back within the coupon's 14 days to use it
            first_back = np.r_[True, bc[1:] != bc[:-1]]
            holder = np.isin(bc, granted)
            tb = np.where(first_back & holder, wb_day + rng.uniform(0, 12, len(bc)), tb)
            intent_b = first_back & holder
            chb = np.where(rng.random(len(bc)) < 0.5, 7, _choice(rng, RETURNING_CHANNEL_MIX, len(bc)))
            parts.append(self._session_part(tb, bc + 1, bc + 1, chb, self._device(self.c_device[bc]), intent_b))
            self.c_life_end[back] = np.maximum(self.c_life_end[back], back_end)

        # (e) private domain (私域): from the launch on, customers are invited on
        # one of their visits; those who accept get extra private_domain visits
        self.contact_rows = None
        if self.on["private_domain_launch"]:
            launch = self._day(self.story_dates["private_domain_launch"][0])
            base = parts[0]
            after = base["t"] >= launch
            cand = rng.random(len(base["t"])) < 0.3
            sel = np.flatnonzero(after & cand)
            # first invitation per customer
            cust_sel = base["customer"][sel]
            order = np.lexsort((base["t"][sel], cust_sel))
            sel = sel[order]
            first_mask = np.r_[True, cust_sel[order][1:] != cust_sel[order][:-1]]
            sel = sel[first_mask]
            ci = base["customer"][sel] - 1
            src = _choice(rng, np.array([0.45, 0.2, 0.15, 0.2]), len(sel))
            # a parcel card arrives with the delivery, a few days after the visit
            invited = base["t"][sel] + np.where(src == 0, rng.uniform(2, 5, len(sel)), rng.uniform(0, 0.02, len(sel)))
            accept_p = np.array([0.35, 0.5, 0.45, 0.3])[src]
            ok = (invited < self.n_days) & (rng.random(len(sel)) < accept_p)
            added = np.where(ok, invited + rng.exponential(0.5, len(sel)), np.nan)
            ok &= np.nan_to_num(added, nan=np.inf) < self.n_days
            added[~ok] = np.nan
            removed = added + rng.exponential(120, len(sel))
            removed[~(ok & (rng.random(len(sel)) < 0.2) & (removed < self.n_days))] = np.nan
            keep_inv = invited < self.n_days
            self.contact_rows = (ci[keep_inv], invited[keep_inv], added[keep_inv], removed[keep_inv], src[keep_inv])
            # contacts' extra visits: the community keeps them coming back
            acc = np.flatnonzero(ok)
            pd_end = np.fmin(np.nan_to_num(removed[acc], nan=np.inf), np.minimum(added[acc] + rng.exponential(300, len(acc)), self.n_days))
            kc = rng.poisson(self.c_rate[ci[acc]] * 1.4 * np.maximum(pd_end - added[acc], 0))
            cc = np.repeat(ci[acc], kc)
            tc = self.clock.sample(rng, np.repeat(added[acc], kc), np.repeat(pd_end, kc))
            parts.append(self._session_part(tc, cc + 1, cc + 1, np.full(len(cc), 6), self._device(self.c_device[cc])))

        t = np.concatenate([p["t"] for p in parts])
        order = np.argsort(t)
        self.s_t = t[order]
        self.s_visitor = np.concatenate([p["visitor"] for p in parts])[order]
        self.s_customer = np.concatenate([p["customer"] for p in parts])[order]
        self.s_channel = np.concatenate([p["channel"] for p in parts])[order]
        self.s_device = np.concatenate([p["device"] for p in parts])[order]
        self.s_intent = np.concatenate([p["intent"] for p in parts])[order]
        ns = len(t)
        self.s_day = np.minimum(self.s_t.astype(np.int64), self.n_days - 1)
        landing = _choice_rows(rng, LANDING_BY_CHANNEL, self.s_channel)
        phase = self.day_phase[self.s_day]
        in_campaign = phase != 0
        to_campaign = in_campaign & (rng.random(ns) < 0.35) & (landing != 1)
        landing = np.where(to_campaign, 2, landing)
        self.s_landing = landing
        day_campaign = self.day_campaign[self.s_day]
        tagged = (day_campaign > 0) & ((landing == 2) | (rng.random(ns) < 0.25))
        self.s_campaign = np.where(tagged, day_campaign, 0)
        self.s_phase = phase

    def _session_part(self, t, visitor, customer, channel, device, intent=None):
        t = np.asarray(t, dtype=float)
        return {
            "t": t,
            "intent": np.zeros(len(t), bool) if intent is None else np.asarray(intent, bool),
            "visitor": np.asarray(visitor, dtype=np.int64),
            "customer": np.asarray(customer, dtype=np.int64),
            "channel": np.asarray(channel, dtype=np.int64),
            "device": np.asarray(device, dtype=np.int64),
        }

    def _device(self, preferred):
        """Visitors mostly use their own device, sometimes another one."""
        other = _choice(self.rng, CUSTOMER_DEVICE_MIX, len(preferred))
        return np.where(self.rng.random(len(preferred)) < 0.85, preferred, other)

    # ------------------------------------------------ products chosen ----
    def _pick_products(self, day, purchasable):
        """Popular products on sale that day (in stock when it must be bought)."""
        rng = self.rng
        cdf = np.cumsum(self.product_pop)
        pick = np.searchsorted(cdf, rng.random(len(day)), side="right").clip(0, self.n_products - 1)
        buy = np.flatnonzero(purchasable)

        def invalid():
            bad = self.launch_day[pick] > day
            bad[buy] |= self.stockout[day[buy], pick[buy]]
            return np.flatnonzero(bad)

        bad = invalid()
        for _ in range(6):  # redraw the few invalid picks
            if not len(bad):
                break
            pick[bad] = np.searchsorted(cdf, rng.random(len(bad)), side="right").clip(0, self.n_products - 1)
            bad = invalid()
        # fallback: the most popular product always on sale
        always = np.flatnonzero((self.launch_day <= 0) & ~self.stockout.any(axis=0))
        pick[bad] = always[np.argmax(self.product_pop[always])] if len(always) else 0
        return pick

    # ------------------------------------------------ funnel + events ----
    def make_funnel_and_events(self):
        rng = self.rng
        ns = len(self.s_t)
        ch, dev, phase = self.s_channel, self.s_device, self.s_phase
        registered = self.s_customer > 0
        # which step each visit reaches
        p_engage = np.clip(CHANNEL_ENGAGE[ch] + 0.08 * registered - 0.05 * (dev == 3), 0, 0.95)
        intent = self.s_intent  # visits that come to buy (coupon in hand)
        engaged = (rng.random(ns) < p_engage) | intent
        fav = engaged & (rng.random(ns) < BASE_FAV * PHASE_FAV[phase])
        p_cart = np.where(intent, 0.85, BASE_CART * CHANNEL_CART[ch] * PHASE_CART[phase])
        cart = engaged & (rng.random(ns) < np.clip(p_cart, 0, 0.9))
        buy_now = engaged & ~cart & (rng.random(ns) < BUY_NOW * PHASE_CHECKOUT[phase])
        p_checkout = np.where(intent, 0.9, BASE_CHECKOUT * PHASE_CHECKOUT[phase])
        checkout = registered & ((cart & (rng.random(ns) < np.clip(p_checkout, 0, 0.95))) | buy_now)
        p_pay = DEVICE_PAY[dev] * PHASE_PAY[phase]
        if self.on["checkout_failure"]:
            a, b = (self._day(t) for t in self.story_dates["checkout_failure"])
            broken = (dev == 1) & (self.s_t >= a) & (self.s_t < b)
            p_pay = np.where(broken, p_pay * 0.22, p_pay)
        pay = checkout & (rng.random(ns) < np.clip(p_pay, 0, 0.98))
        purchase_day = self.s_day

        # target product of the visit (the one carted / bought)
        self.s_product = self._pick_products(purchase_day, checkout)
        # product views: none for bounces; carts from a list page skip them
        n_pv = np.where(engaged, 1 + rng.poisson(1.6, ns), 0)
        n_pv = np.where(cart & (self.s_landing != 3) & (rng.random(ns) < CART_WITHOUT_VIEW), 0, n_pv)
        landing_is_pv = self.s_landing == 3
        n_pv = np.where(landing_is_pv, np.maximum(n_pv - 1, 0), n_pv)
        n_search = np.where(engaged & (self.s_landing != 1), rng.random(ns) < 0.25, 0).astype(np.int64)

        # event blocks per session, in funnel order:
        # landing, searches, product views, favourite, cart, checkout, payment
        slots = np.empty((ns, 7), dtype=np.int64)
        for j, col in enumerate((1, n_search, n_pv, fav, cart, checkout, pay)):
            slots[:, j] = col
        types = np.empty((ns, 7), dtype=np.int8)
        types[:, 0] = LANDING_EVENT[self.s_landing]
        types[:, 1:] = np.array([1, 3, 4, 5, 6, 7], dtype=np.int8)
        counts = slots.ravel()
        ev_type = np.repeat(types.ravel(), counts)
        per_session = slots.sum(axis=1)
        ev_session = np.repeat(np.arange(ns), per_session)
        ne = len(ev_type)
        # time inside the visit: exponential gaps, the first event at the start
        gaps = rng.exponential(45.0, ne)
        first_of_session = np.r_[0, np.cumsum(per_session)[:-1]]
        gaps[first_of_session] = 0.0
        csum = np.cumsum(gaps)
        offset = csum - np.repeat(csum[first_of_session], per_session)
        start_ns = self.clock.to_ns(self.s_t)
        ev_ns = np.repeat(start_ns, per_session) + np.round(offset).astype(np.int64) * SECOND_NS
        dwell = np.round(rng.exponential(25.0, ns)).astype(np.int64) * SECOND_NS
        last = first_of_session + per_session - 1
        end_ns = ev_ns[last] + dwell
        # products on events: the visit's target product on favourite / cart /
        # checkout / payment and on the last product view; other views browse
        is_product_event = ev_type >= 3
        ev_product = np.zeros(ne, dtype=np.int64)
        target = self.s_product[ev_session]
        ev_product[is_product_event] = target[is_product_event]
        browse = (ev_type == 3) & (np.r_[ev_type[1:], -1] == 3) & (np.r_[ev_session[1:], -1] == ev_session)
        if browse.any():
            ev_product[browse] = self._pick_products(self.s_day[ev_session[browse]], np.zeros(int(browse.sum()), bool))
        # search keywords: the landing search of search-channel visits names the
        # target product's category; in-shop searches too
        is_search = ev_type == 1
        search_at = np.flatnonzero(is_search)
        kw_cat = self.product_cat[self.s_product[ev_session[search_at]]]
        n_kw = np.array([len(k) for k in CATEGORY_KEYWORDS])
        kw_idx = np.full(ne, -1, dtype=np.int64)
        kw_idx[search_at] = kw_cat * 4 + rng.integers(0, 4, len(search_at)) % n_kw[kw_cat]
        kw_vocab = np.array([w for ks in CATEGORY_KEYWORDS for w in (ks + ("",) * (4 - len(ks)))], dtype=object)
        self.kw_vocab = kw_vocab
        self.s_keyword = np.full(ns, -1, dtype=np.int64)
        landing_search = search_at[np.isin(search_at, first_of_session)]
        self.s_keyword[ev_session[landing_search]] = kw_idx[landing_search]

        self.s_checkout, self.s_pay, self.s_cart, self.s_fav = checkout, pay, cart, fav
        self.s_start_ns, self.s_end_ns = start_ns, end_ns
        self.s_checkout_ns = np.full(ns, 0, np.int64)
        self.s_pay_ns = np.full(ns, 0, np.int64)
        ck = ev_type == 6
        self.s_checkout_ns[ev_session[ck]] = ev_ns[ck]
        pe = ev_type == 7
        self.s_pay_ns[ev_session[pe]] = ev_ns[pe]

        session_id = np.arange(1, ns + 1, dtype=np.int64)
        self.sessions = pd.DataFrame(
            {
                "session_id": session_id,
                "visitor_id": self.s_visitor,
                "customer_id": _nullable_id(self.s_customer, self.s_customer == 0),
                "start_ts": _ts(start_ns),
                "end_ts": _ts(end_ns),
                "channel": _cat(self.s_channel, S.CHANNELS),
                "device": _cat(self.s_device, S.DEVICES),
                "landing_page": _cat(self.s_landing, S.LANDING_PAGES),
                "campaign_id": _nullable_id(self.s_campaign, self.s_campaign == 0),
            }
        )
        self.events = pd.DataFrame(
            {
                "session_id": session_id[ev_session],
                "visitor_id": self.s_visitor[ev_session],
                "event_ts": _ts(ev_ns),
                "event_type": _cat(ev_type, S.EVENT_TYPES),
                "product_id": _nullable_id(ev_product + 1, ~is_product_event),
                "keyword": _str_from_codes(kw_idx, kw_vocab),
            },
            copy=False,
        )

    # --------------------------------------------------------- orders ----
    def make_orders(self):
        rng = self.rng
        sess = np.flatnonzero(self.s_checkout)
        no = len(sess)
        paid = self.s_pay[sess]
        cust = self.s_customer[sess] - 1
        day = self.s_day[sess]
        dev = self.s_device[sess]
        ch = self.s_channel[sess]
        # lines: the target product plus extra products (bigger baskets on app,
        # PC and live stream)
        extra = rng.poisson(DEVICE_EXTRA_LINES[dev] + 0.2 * (ch == 4))
        o_of_line = np.concatenate([np.arange(no), np.repeat(np.arange(no), extra)])
        prod = np.concatenate([self.s_product[sess], self._pick_products(np.repeat(day, extra), np.ones(int(extra.sum()), bool))])
        key = o_of_line.astype(np.int64) * (self.n_products + 1) + prod
        _, first = np.unique(key, return_index=True)  # one line per product per order
        first = np.sort(first)
        o_of_line, prod = o_of_line[first], prod[first]
        by_order = np.argsort(o_of_line, kind="stable")  # lines grouped by order
        o_of_line, prod = o_of_line[by_order], prod[by_order]
        # 拆单: the warehouse splits some multi-line orders in two (same visit,
        # same moment, shipped separately), as marketplaces do
        n_lines = np.bincount(o_of_line, minlength=no)
        split = (n_lines >= 2) & (rng.random(no) < 0.12)
        parent = np.flatnonzero(split)
        child = np.full(no, -1)
        child[parent] = no + np.arange(len(parent))
        first_line = np.r_[True, o_of_line[1:] != o_of_line[:-1]]
        o_of_line = np.where(split[o_of_line] & ~first_line, child[o_of_line], o_of_line)
        sess = np.concatenate([sess, sess[parent]])
        no = len(sess)
        chrono = np.argsort(self.s_checkout_ns[sess], kind="stable")  # order ids follow time
        rank = np.empty(no, dtype=np.int64)
        rank[chrono] = np.arange(no)
        sess, o_of_line = sess[chrono], rank[o_of_line]
        by_order = np.argsort(o_of_line, kind="stable")
        o_of_line, prod = o_of_line[by_order], prod[by_order]
        paid = self.s_pay[sess]
        cust = self.s_customer[sess] - 1
        day = self.s_day[sess]
        dev = self.s_device[sess]
        ch = self.s_channel[sess]
        qty = 1 + rng.poisson(np.where(self.product_cat[prod] == 4, 0.6, 0.12))
        unit_price = self.product_price[prod]
        line_list = unit_price * qty
        # campaign price cuts apply on the sale days, not in the pre-heat
        camp_rate = np.zeros(self.n_days)
        for r in self.campaigns.itertuples(index=False):
            a = int(max(self._day(r.start), 0))
            b = int(min(self._day(r.end), self.n_days))
            camp_rate[a:b] = np.maximum(camp_rate[a:b], r.discount_rate)
        line_disc = line_list * camp_rate[day[o_of_line]]
        list_amount = np.bincount(o_of_line, line_list, no)
        camp_disc = np.bincount(o_of_line, line_disc, no)

        order_ns = self.s_checkout_ns[sess]
        order_id = np.arange(1, no + 1, dtype=np.int64)
        self.make_coupons()
        coupon_of_order, face = self._redeem(order_id, cust, order_ns, list_amount - camp_disc, paid)
        discount = _money(camp_disc + face)
        # allocate the coupon to lines by value share, so lines add up to the order
        share = np.divide(line_list, list_amount[o_of_line], out=np.zeros_like(line_list), where=list_amount[o_of_line] > 0)
        line_disc_total = _money(line_disc + face[o_of_line] * share)
        # fix cent rounding so Σ line discounts == order discount exactly
        diff = discount - np.bincount(o_of_line, line_disc_total, no)
        first_line = np.r_[0, np.flatnonzero(np.diff(o_of_line)) + 1]
        line_disc_total[first_line] = _money(line_disc_total[first_line] + diff)

        goods = list_amount - discount
        shipping_fee = np.where(goods >= 59, 0.0, 8.0)  # 满59包邮
        order_amount = _money(goods + shipping_fee)
        paid_amount = np.where(paid, order_amount, 0.0)
        units = np.bincount(o_of_line, qty, no)

        # shipping: most parcels leave within a day; mega-sale bursts back up
        paid_ns = np.where(paid, self.s_pay_ns[sess], 0)
        backlog = np.where(self.s_phase[sess] == BURST, 2.5, 1.0)
        ship_h = rng.gamma(1.6, 9.0, no) * backlog
        shipped_ns = paid_ns + np.round(ship_h * 3600).astype(np.int64) * SECOND_NS
        tier = self.c_tier[cust]
        deliver_d = 1.2 + 0.45 * tier + rng.gamma(2.0, 0.6, no)
        delivered_ns = shipped_ns + np.round(deliver_d * 86400).astype(np.int64) * SECOND_NS
        end_ns = self.end_excl.value
        shipped = paid & (shipped_ns < end_ns)
        delivered = shipped & (delivered_ns < end_ns)
        carrier = (5.5 + 0.8 * (units - 1) + 1.5 * (tier == 4)) * rng.uniform(0.95, 1.05, no)
        if self.on["carrier_price_increase"]:
            c0 = self.story_dates["carrier_price_increase"][0].value
            carrier = np.where(shipped_ns >= c0, carrier * 1.3, carrier)
        shipping_cost = np.where(shipped, _money(carrier), 0.0)
        # unpaid orders: most are cancelled, some are left open
        status = np.where(paid, 0, np.where(rng.random(no) < 0.7, 1, 2))
        campaign = self.s_campaign[sess]
        camp_today = self.day_campaign[day]
        campaign = np.where(campaign > 0, campaign, np.where(camp_rate[day] > 0, camp_today, 0))

        nat = np.iinfo(np.int64).min
        self.o_paid, self.o_cust, self.o_day, self.o_ch = paid, cust, day, ch
        self.o_paid_amount, self.o_shipped, self.o_units = paid_amount, shipped, units
        self.o_paid_ns, self.o_shipped_ns, self.o_delivered_ns = paid_ns, shipped_ns, delivered_ns
        self.o_delivered, self.o_deliver_days = delivered, deliver_d
        self.o_sess = sess
        self.l_order, self.l_prod, self.l_qty = o_of_line, prod, qty
        self.l_net = line_list - line_disc_total
        self.orders = pd.DataFrame(
            {
                "order_id": order_id,
                "customer_id": cust + 1,
                "session_id": pd.array(sess + 1, dtype="Int64"),
                "order_ts": _ts(order_ns),
                "paid_ts": _ts(np.where(paid, paid_ns, nat)),
                "status": _cat(status, S.ORDER_STATUSES),
                "channel": _cat(ch, S.CHANNELS),
                "device": _cat(dev, S.DEVICES),
                "campaign_id": _nullable_id(campaign, campaign == 0),
                "list_amount": _money(list_amount),
                "discount_amount": discount,
                "shipping_fee": shipping_fee,
                "order_amount": order_amount,
                "paid_amount": _money(paid_amount),
                "shipping_cost": shipping_cost,
                "coupon_id": _nullable_id(coupon_of_order, coupon_of_order == 0),
                "shipped_ts": _ts(np.where(shipped, shipped_ns, nat)),
                "delivered_ts": _ts(np.where(delivered, delivered_ns, nat)),
            }
        )
        self.order_items = pd.DataFrame(
            {
                "order_id": order_id[o_of_line],
                "product_id": prod.astype(np.int64) + 1,
                "quantity": qty.astype(np.int64),
                "unit_price": _money(unit_price),
                "discount_amount": line_disc_total,
                "unit_cost": self.product_cost[prod],
            }
        )
        self.make_refunds()

    def make_coupons(self):
        """Coupons granted per customer (拉新券, 满减, member, 召回券)."""
        rng, n = self.rng, self.n_customers
        rows = []  # (customer, campaign, kind, face, min_spend, granted_t, expires_t)
        # new-customer coupon at signup; the heavy-discount cohort got 50 off 59
        newc = np.flatnonzero(rng.random(n) < 0.7)
        newc = np.union1d(newc, np.flatnonzero(self.c_heavy))
        heavy = self.c_heavy[newc]
        rows.append((newc, np.zeros(len(newc)), np.zeros(len(newc)), np.where(heavy, 50.0, 10.0), np.where(heavy, 59.0, 69.0), self.c_signup[newc], self.c_signup[newc] + 30))
        for r in self.campaigns.itertuples(index=False):
            if r.kind == "mega_sale":
                g = self._day(r.preheat_start)
                alive = np.flatnonzero((self.c_signup < g) & (self.c_life_end > g) & (rng.random(n) < 0.6))
                e = self._day(r.end)
                rows.append((alive, np.full(len(alive), r.campaign_id), np.ones(len(alive)), np.full(len(alive), 30.0), np.full(len(alive), 199.0), np.full(len(alive), g) + rng.uniform(0, 1, len(alive)), np.full(len(alive), e)))
            elif r.kind == "member_day":
                g = self._day(r.start)
                mem = np.flatnonzero(np.nan_to_num(self.c_join, nan=np.inf) < g)
                rows.append((mem, np.full(len(mem), r.campaign_id), np.full(len(mem), 2), np.full(len(mem), 15.0), np.full(len(mem), 99.0), np.full(len(mem), g), np.full(len(mem), g + 7)))
            elif r.kind == "win_back":
                g = self._day(r.start)
                wb = self.winback_coupons
                rows.append((wb, np.full(len(wb), r.campaign_id), np.full(len(wb), 3), np.full(len(wb), 20.0), np.full(len(wb), 69.0), np.full(len(wb), g), np.full(len(wb), g + 14)))
        cols = [np.concatenate([r[i] for r in rows]) for i in range(7)]
        cust, camp, kind, face, min_spend, granted, expires = cols
        keep = granted < self.n_days
        cust, camp, kind, face, min_spend, granted, expires = (c[keep] for c in (cust, camp, kind, face, min_spend, granted, expires))
        order = np.lexsort((kind, granted))
        self.cp = {
            "cust": cust[order].astype(np.int64),
            "camp": camp[order].astype(np.int64),
            "kind": kind[order].astype(np.int64),
            "face": face[order],
            "min": min_spend[order],
            "granted_ns": self.clock.to_ns(granted[order]),
            "expires_ns": self.clock.to_ns(expires[order]),
        }

    def _redeem(self, order_id, cust, order_ns, goods_after_campaign, paid):
        """Each paid order uses its best valid coupon; each coupon is used once."""
        cp = self.cp
        nc = len(cp["cust"])
        coupon_id = np.arange(1, nc + 1, dtype=np.int64)
        o = pd.DataFrame({"o": np.flatnonzero(paid), "cust": cust[paid], "t": order_ns[paid], "goods": goods_after_campaign[paid]})
        c = pd.DataFrame({"c": np.arange(nc), "cust": cp["cust"], "g": cp["granted_ns"], "e": cp["expires_ns"], "face": cp["face"], "min": cp["min"]})
        m = o.merge(c, on="cust")
        m = m[(m["t"] >= m["g"]) & (m["t"] < m["e"]) & (m["goods"] >= m["min"])]
        m = m.sort_values(["t", "face"], ascending=[True, False], kind="stable")
        m = m.drop_duplicates("o").drop_duplicates("c")
        coupon_of_order = np.zeros(len(order_id), dtype=np.int64)
        face = np.zeros(len(order_id))
        coupon_of_order[m["o"].to_numpy()] = coupon_id[m["c"].to_numpy()]
        face[m["o"].to_numpy()] = m["face"].to_numpy()
        redeemed = np.zeros(nc, dtype=np.int64)
        redeemed[m["c"].to_numpy()] = order_id[m["o"].to_numpy()]
        camp = cp["camp"]
        self.coupons = pd.DataFrame(
            {
                "coupon_id": coupon_id,
                "customer_id": cp["cust"] + 1,
                "campaign_id": _nullable_id(camp, camp == 0),
                "kind": _cat(cp["kind"], S.COUPON_KINDS),
                "face_value": _money(cp["face"]),
                "min_spend": _money(cp["min"]),
                "granted_ts": _ts(cp["granted_ns"]),
                "expires_ts": _ts(cp["expires_ns"]),
                "redeemed_order_id": _nullable_id(redeemed, redeemed == 0),
            }
        )
        return coupon_of_order, face

    def make_refunds(self):
        rng = self.rng
        paid = np.flatnonzero(self.o_paid)
        # the order's main category is the category of its first line
        first_line = np.r_[0, np.flatnonzero(np.diff(self.l_order)) + 1]
        main_cat = np.zeros(len(self.o_paid), dtype=np.int64)
        main_cat[self.l_order[first_line]] = self.product_cat[self.l_prod[first_line]]
        cat = main_cat[paid]
        base = CATEGORY_REFUND[cat].copy()
        size_extra = np.zeros(len(paid))
        if self.on["refund_prone_category"]:
            size_extra = np.where(cat == 0, 0.2, 0.0)  # apparel runs small
        risk = np.array([1.0, 2.0, 5.0])[self.c_risk[self.o_cust[paid]]]
        late = self.o_delivered[paid] & (self.o_deliver_days[paid] > 4.0)
        late_extra = np.where(late, 0.08, 0.0)
        p_base, p_size, p_late = base * risk, size_extra, late_extra
        u = rng.random(len(paid)) * 1.0
        refunded = u < np.clip(p_base + p_size + p_late, 0, 0.9)
        # reason: whichever risk "fired"
        r_late = u < p_late
        r_size = ~r_late & (u < p_late + p_size)
        generic = _choice(rng, np.array([0.25, 0.25, 0.15, 0.0, 0.1, 0.25]), len(paid))
        generic = np.where((generic == 0) & ~np.isin(cat, (0, 1, 7)), 5, generic)
        reason = np.where(r_late, 3, np.where(r_size, 0, generic))
        idx = paid[refunded]
        reason = reason[refunded]
        delivered = self.o_delivered[idx]
        # refunds before shipping are cancellations after payment (changed mind)
        t_ns = np.where(
            delivered,
            self.o_delivered_ns[idx] + np.round(rng.uniform(0.5, 7, len(idx)) * 86400).astype(np.int64) * SECOND_NS,
            self.o_paid_ns[idx] + np.round(rng.uniform(0.05, 1, len(idx)) * 86400).astype(np.int64) * SECOND_NS,
        )
        reason = np.where(delivered, reason, 5)
        full = ~delivered | (rng.random(len(idx)) < 0.45)
        # partial refunds return the value of the order's first line
        first_net = np.zeros(len(self.o_paid))
        first_net[self.l_order[first_line]] = self.l_net[first_line]
        amount = np.where(full, self.o_paid_amount[idx], np.minimum(first_net[idx], self.o_paid_amount[idx]))
        keep = (t_ns < self.end_excl.value) & (amount > 0)
        idx, reason, t_ns, amount, delivered = idx[keep], reason[keep], t_ns[keep], amount[keep], delivered[keep]
        is_return = delivered & np.isin(reason, (0, 1, 2, 4, 5))
        order = np.argsort(t_ns, kind="stable")
        self.refunds = pd.DataFrame(
            {
                "refund_id": np.arange(1, len(idx) + 1, dtype=np.int64),
                "order_id": (idx + 1)[order].astype(np.int64),
                "refund_ts": _ts(t_ns[order]),
                "refund_amount": _money(amount[order]),
                "reason": _cat(reason[order], S.REFUND_REASONS),
                "is_return": is_return[order],
            }
        )

    # --------------------------------------------------- daily tables ----
    def make_daily_tables(self):
        self.make_inventory()
        self.make_marketing_and_keywords()
        self.make_costs()
        self.make_contacts()
        self.make_market()

    def make_inventory(self):
        """End-of-day stock per product, replenished every 1-3 weeks.

        Receipts arrive in the evening and cover the sales of the next cycle
        (plus safety stock); a stock-out window is a late replenishment: the
        stock runs to zero and nothing can be bought until it arrives.
        """
        rng, nd, n_p = self.rng, self.n_days, self.n_products
        pay_day = ((self.o_paid_ns - self.start.value) // DAY_NS).clip(0, nd - 1)
        paid_line = self.o_paid[self.l_order]
        sold = np.zeros((nd, n_p))
        np.add.at(sold, (pay_day[self.l_order[paid_line]], self.l_prod[paid_line]), self.l_qty[paid_line])
        first = np.maximum(self.launch_day, 0)
        cycle = rng.choice(np.array([7, 14, 21]), n_p)
        d = np.arange(nd)[:, None]
        listed = d >= first[None, :]
        receipt = listed & (((d - first[None, :]) % cycle[None, :]) == cycle[None, :] - 1)
        receipt &= ~self.stockout
        last_out = self.stockout & ~np.vstack([self.stockout[1:], np.zeros((1, n_p), bool)])
        receipt |= last_out
        # segment = replenishment cycle; a receipt on day r covers segment r+1..
        seg = np.vstack([np.zeros((1, n_p), np.int64), np.cumsum(receipt, axis=0)[:-1]])
        n_seg = int(seg.max()) + 2
        key = seg + np.arange(n_p)[None, :] * n_seg
        seg_sales = np.bincount(key.ravel(), sold.ravel(), n_p * n_seg)
        safety = np.where(self.stockout_prone, 0.0, np.maximum(2.0, np.ceil(sold.mean(axis=0) * 5)))
        received = np.where(receipt, seg_sales[key + 1], 0.0)
        opening = seg_sales[np.arange(n_p) * n_seg] + safety
        on_hand = opening[None, :] + np.cumsum(received - sold, axis=0)
        rows = listed.ravel()
        dd, pp = np.nonzero(listed)
        self.inventory = pd.DataFrame(
            {
                "date": _ts(self.start.value + dd.astype(np.int64) * DAY_NS),
                "product_id": pp.astype(np.int64) + 1,
                "on_hand_units": np.round(on_hand.ravel()[rows]).astype(np.int64),
                "received_units": np.round(received.ravel()[rows]).astype(np.int64),
            }
        )
        self.on_hand_value = (on_hand * self.product_cost[None, :]).sum(axis=1)

    def make_marketing_and_keywords(self):
        rng, nd = self.rng, self.n_days
        # every paid visit is a click; spend = clicks x CPC where CPC rises with
        # daily volume (diminishing returns: the cheap clicks are bought first)
        paid_channels = [S.CHANNELS.index(c) for c in S.PAID_CHANNELS]
        clicks = np.zeros((nd, len(S.CHANNELS)))
        np.add.at(clicks, (self.s_day, self.s_channel), 1)
        aff = S.CHANNELS.index("affiliate")
        aff_pay = np.bincount(self.o_day[self.o_paid & (self.o_ch == aff)], self.o_paid_amount[self.o_paid & (self.o_ch == aff)], nd)
        cpc_start = self.story_dates["cpc_inflation"][0]
        inflation_day = self._day(cpc_start)
        rows = []
        for c in paid_channels:
            name = S.CHANNELS[c]
            k = clicks[:, c]
            typical = max(np.median(k[k > 0]) if (k > 0).any() else 1.0, 1.0)
            if name == "affiliate":
                spend = AFFILIATE_COMMISSION * aff_pay  # CPS: paid on sales, not clicks
            else:
                cpc = PAID_CHANNEL_CPC[name] * (np.maximum(k, 1) / typical) ** 0.35 * rng.uniform(0.92, 1.08, nd)
                if name == "paid_search" and self.on["cpc_inflation"]:
                    cpc = np.where(np.arange(nd) >= inflation_day, cpc * 1.7, cpc)
                spend = k * cpc
            ctr = PAID_CHANNEL_CTR[name] * rng.uniform(0.85, 1.15, nd)
            impressions = np.round(k / ctr)
            rows.append((np.arange(nd), np.full(nd, c), spend, impressions, k))
        day, ch, spend, imp, clk = (np.concatenate([r[i] for r in rows]) for i in range(5))
        camp = self.day_campaign[day]
        mega = self.campaigns.set_index("campaign_id")["kind"].eq("mega_sale")
        camp = np.where((camp > 0) & mega.reindex(camp, fill_value=False).to_numpy(), camp, 0)
        order = np.lexsort((ch, day))
        self.marketing_spend = pd.DataFrame(
            {
                "date": _ts(self.start.value + day[order].astype(np.int64) * DAY_NS),
                "channel": _cat(ch[order], S.CHANNELS),
                "campaign_id": _nullable_id(camp[order], camp[order] == 0),
                "spend": _money(spend[order]),
                "impressions": imp[order].astype(np.int64),
                "clicks": clk[order].astype(np.int64),
            }
        )
        self.paid_search_cpc = np.divide(
            spend[ch == 1], np.maximum(clk[ch == 1], 1)
        ) if (ch == 1).any() else np.zeros(nd)

        # keywords: search-channel visits by landing keyword
        ps, os_ = S.CHANNELS.index("paid_search"), S.CHANNELS.index("organic_search")
        m = (self.s_keyword >= 0) & np.isin(self.s_channel, (ps, os_))
        s_idx = np.flatnonzero(m)
        buyer = np.zeros(len(self.s_t), dtype=bool)
        buyer[self.o_sess[self.o_paid]] = True
        df = pd.DataFrame(
            {
                "day": self.s_day[s_idx],
                "kw": self.s_keyword[s_idx],
                "src": (self.s_channel[s_idx] == ps).astype(np.int64),
                "visitor": self.s_visitor[s_idx],
                "buyer": np.where(buyer[s_idx], self.s_customer[s_idx], -1),
            }
        )
        g = df.groupby(["day", "kw", "src"], sort=True)
        out = g.size().rename("clicks").to_frame()
        out["visitors"] = g["visitor"].nunique()
        out["buyers"] = df[df["buyer"] > 0].groupby(["day", "kw", "src"])["buyer"].nunique()
        out = out.fillna({"buyers": 0}).reset_index()
        kw_ctr = rng.uniform(0.02, 0.08, len(self.kw_vocab))
        ctr = kw_ctr[out["kw"].to_numpy()] * np.where(out["src"].to_numpy() == 1, 1.3, 1.0)
        cpc_day = self.paid_search_cpc[out["day"].to_numpy()] if len(self.paid_search_cpc) == nd else np.zeros(len(out))
        spend_kw = np.where(out["src"].to_numpy() == 1, out["clicks"].to_numpy() * cpc_day, 0.0)
        self.keywords = pd.DataFrame(
            {
                "date": _ts(self.start.value + out["day"].to_numpy().astype(np.int64) * DAY_NS),
                "keyword": pd.array(self.kw_vocab[out["kw"].to_numpy()], dtype="str"),
                "source": _cat(out["src"].to_numpy(), S.KEYWORD_SOURCES),
                "impressions": np.round(out["clicks"].to_numpy() / ctr).astype(np.int64),
                "clicks": out["clicks"].to_numpy().astype(np.int64),
                "visitors": out["visitors"].to_numpy().astype(np.int64),
                "buyers": out["buyers"].to_numpy().astype(np.int64),
                "spend": _money(spend_kw),
            }
        )

    def make_costs(self):
        rng, nd = self.rng, self.n_days
        pay_day = ((self.o_paid_ns - self.start.value) // DAY_NS).clip(0, nd - 1)
        paid_by_day = np.bincount(pay_day[self.o_paid], self.o_paid_amount[self.o_paid], nd)
        ship_day = ((self.o_shipped_ns - self.start.value) // DAY_NS).clip(0, nd - 1)
        shipped_by_day = np.bincount(ship_day[self.o_shipped], minlength=nd).astype(float)
        storage = 0.0015 * self.on_hand_value  # storage fee on stock value
        handling = 1.0 * shipped_by_day  # pick & pack per parcel
        typical_paid = max(paid_by_day.mean(), 1.0)
        amounts = np.stack(
            [
                storage + handling,  # warehousing 仓储
                0.05 * paid_by_day,  # platform commission 平台佣金
                0.006 * paid_by_day,  # payment fee 支付手续费
                1.2 * shipped_by_day,  # packaging 包材
                np.full(nd, 0.08 * typical_paid),  # staff 人工 (fixed)
                0.01 * typical_paid * rng.uniform(0.5, 1.5, nd),  # other
            ],
            axis=1,
        )
        day, kind = np.meshgrid(np.arange(nd), np.arange(len(S.COST_TYPES)), indexing="ij")
        self.costs = pd.DataFrame(
            {
                "date": _ts(self.start.value + day.ravel().astype(np.int64) * DAY_NS),
                "cost_type": _cat(kind.ravel(), S.COST_TYPES),
                "amount": _money(amounts.ravel()),
            }
        )

    def make_contacts(self):
        cols = {
            "contact_id": np.array([], np.int64),
            "customer_id": np.array([], np.int64),
            "invited_ts": _ts(np.array([], np.int64)),
            "added_ts": _ts(np.array([], np.int64)),
            "source": _cat(np.array([], np.int8), S.CONTACT_SOURCES),
            "removed_ts": _ts(np.array([], np.int64)),
        }
        if self.contact_rows is not None:
            ci, invited, added, removed, src = self.contact_rows
            order = np.argsort(invited, kind="stable")
            ci, invited, added, removed, src = (x[order] for x in (ci, invited, added, removed, src))
            nat = np.iinfo(np.int64).min

            def ns_or_nat(t):
                return np.where(np.isnan(t), nat, self.clock.to_ns(np.nan_to_num(t)))

            cols = {
                "contact_id": np.arange(1, len(ci) + 1, dtype=np.int64),
                "customer_id": (ci + 1).astype(np.int64),
                "invited_ts": _ts(self.clock.to_ns(invited)),
                "added_ts": _ts(ns_or_nat(added)),
                "source": _cat(src, S.CONTACT_SOURCES),
                "removed_ts": _ts(ns_or_nat(removed)),
            }
        self.contacts = pd.DataFrame(cols)

    def make_market(self):
        rng = self.rng
        # month index of every visit and order (numpy months: fast at 10M rows)
        month0 = np.datetime64(self.start, "M")
        s_month = (self.s_start_ns.view("datetime64[ns]").astype("datetime64[M]") - month0).astype(np.int64)
        nm = int((np.datetime64(self.end_excl - pd.Timedelta(days=1), "M") - month0).astype(np.int64)) + 1
        stride = int(self.s_visitor.max()) + 1
        pairs = np.unique(s_month * stride + self.s_visitor)
        uv = pd.Series(np.bincount(pairs // stride, minlength=nm))
        o_month = (self.orders["order_ts"].to_numpy().astype("datetime64[M]") - month0).astype(np.int64)
        gmv = pd.Series(np.bincount(o_month, self.orders["order_amount"].to_numpy(), nm))
        n_orders = pd.Series(np.bincount(o_month, minlength=nm))
        uv.index = gmv.index = n_orders.index = pd.date_range(self.start.replace(day=1), periods=nm, freq="MS")
        months = uv.index
        nm = len(months)
        frames = [
            pd.DataFrame({"month": months, "shop": "本店", "is_us": True, "uv": uv.to_numpy(), "gmv": gmv.to_numpy(), "orders": n_orders.to_numpy()})
        ]
        step = np.arange(nm)
        mean_uv, mean_gmv = uv.mean(), max(gmv.mean(), 1.0)
        # competitors: their own size, trend and noise, the same seasonality
        season = (uv / mean_uv).to_numpy()
        for name, size in COMPETITORS:
            trend = 1 + rng.uniform(-0.03, 0.05) * step
            c_uv = mean_uv * size * season * trend * rng.lognormal(0, 0.08, nm)
            c_gmv = mean_gmv * size * rng.uniform(0.8, 1.25) * season * trend * rng.lognormal(0, 0.1, nm)
            aov = rng.uniform(90, 260)
            frames.append(
                pd.DataFrame({"month": months, "shop": name, "is_us": False, "uv": np.round(c_uv), "gmv": c_gmv, "orders": np.round(c_gmv / aov)})
            )
        market = pd.concat(frames, ignore_index=True).sort_values(["month", "shop"], kind="stable")
        self.market = pd.DataFrame(
            {
                "month": market["month"].to_numpy().astype("datetime64[ns]"),
                "shop": pd.array(market["shop"].to_numpy(), dtype="str"),
                "is_us": market["is_us"].to_numpy().astype(bool),
                "uv": market["uv"].to_numpy().astype(np.int64),
                "gmv": _money(market["gmv"].to_numpy()),
                "orders": market["orders"].to_numpy().astype(np.int64),
            }
        )
