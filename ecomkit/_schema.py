"""The canonical shop schema: tables, columns, dtypes and ordered levels.

This module is the single contract between the generator (``make_shop``), the
loaders (``read_shop`` / ``write_shop``), the metric functions (their column
defaults) and the notebooks. ``../shared/design/shop-schema.md`` is the prose
version; ``datasets/README.md`` is generated from this file.

Column kinds
------------
``id``        integer key (``int64``; ``Int64`` when nullable). String ids from
              an analyst's data are accepted by metric functions.
``ts``        ``datetime64[ns]`` timestamp in shop-local time (suffix ``_ts``).
``date``      ``datetime64[ns]`` normalised to midnight (``date``, ``*_date``,
              ``month`` = first day of the month).
``money``     ``float64`` in the shop currency, rounded to cents.
``int``       ``int64`` count.
``float``     ``float64``.
``category``  ordered ``pandas.Categorical`` with the levels below.
``str``       text.
``bool``      boolean.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

# ---------------------------------------------------------------- levels ----
# Orders are the ones an operator reads top to bottom (funnel order, size of
# the tier, cheapest to most valuable member level), so tables and charts sort
# correctly with no user work.
CHANNELS = (
    "organic_search",
    "paid_search",
    "recommendation",
    "social",
    "live_stream",
    "affiliate",
    "private_domain",
    "email_sms",
    "direct",
)
#: channels whose visits are bought (the rest is "free" traffic 免费流量).
PAID_CHANNELS = ("paid_search", "recommendation", "social", "live_stream", "affiliate")
DEVICES = ("app", "mini_program", "mobile_web", "pc")
EVENT_TYPES = (
    "home_view",
    "search",
    "campaign_view",
    "product_view",
    "favorite",
    "add_to_cart",
    "checkout",
    "payment",
)
#: event types that are page views (PV); the rest are actions on a page.
PAGE_VIEW_EVENTS = ("home_view", "search", "campaign_view", "product_view")
LANDING_PAGES = ("home", "search", "campaign", "product")
GENDERS = ("female", "male", "unknown")
CITY_TIERS = ("tier1", "new_tier1", "tier2", "tier3", "tier4_below")
MEMBER_LEVELS = ("none", "silver", "gold", "platinum")
RISK_LEVELS = ("low", "medium", "high")
ORDER_STATUSES = ("paid", "cancelled", "unpaid")
PRODUCT_CATEGORIES = (
    "apparel",
    "shoes",
    "beauty",
    "home",
    "food",
    "electronics",
    "baby",
    "sports",
)
REFUND_REASONS = (
    "size_fit",
    "quality",
    "not_as_described",
    "late_delivery",
    "damaged",
    "changed_mind",
)
COST_TYPES = ("warehousing", "platform_fee", "payment_fee", "packaging", "staff", "other")
CAMPAIGN_KINDS = ("mega_sale", "new_arrival", "member_day", "flash_sale", "win_back")
COUPON_KINDS = ("new_customer", "threshold", "member", "win_back")
KEYWORD_SOURCES = ("organic", "paid")
CONTACT_SOURCES = ("parcel_card", "customer_service", "live_stream", "checkout_page")

PROVINCES = (
    "广东",
    "浙江",
    "江苏",
    "上海",
    "北京",
    "山东",
    "四川",
    "福建",
    "河南",
    "湖北",
    "湖南",
    "河北",
    "安徽",
    "陕西",
    "重庆",
    "辽宁",
)


@dataclass(frozen=True)
class Column:
    """One column of a canonical table."""

    name: str
    kind: str
    description: str
    levels: tuple[str, ...] | None = None
    nullable: bool = False


@dataclass(frozen=True)
class Table:
    """One canonical table: what a row is, its key and its columns."""

    name: str
    row: str
    key: tuple[str, ...]
    columns: tuple[Column, ...] = field(default_factory=tuple)
    #: False when the key orders rows but may repeat (two actions of a visit
    #: can share a second in ``events``)
    unique_key: bool = True

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _c(name, kind, description, levels=None, nullable=False):
    return Column(name, kind, description, levels, nullable)


TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        Table(
            "customers",
            "a registered customer",
            ("customer_id",),
            (
                _c("customer_id", "id", "customer key"),
                _c("visitor_id", "id", "the visitor id of this customer's device"),
                _c("signup_ts", "ts", "registration time"),
                _c("gender", "category", "gender", GENDERS),
                _c("age", "int", "age in years at signup"),
                _c("province", "str", "province (省份)"),
                _c("city_tier", "category", "city tier (城市线级)", CITY_TIERS),
                _c("acquisition_channel", "category", "channel of the signup visit",
                   CHANNELS),
                _c("member_level", "category", "member level (会员等级)",
                   MEMBER_LEVELS),
                _c("member_join_ts", "ts", "membership start; NaT if never joined",
                   nullable=True),
                _c("risk_level", "category",
                   "refund-abuse and payment risk (风险等级)", RISK_LEVELS),
            ),
        ),
        Table(
            "products",
            "a product (SKU)",
            ("product_id",),
            (
                _c("product_id", "id", "product key"),
                _c("category", "category", "product category (类目)",
                   PRODUCT_CATEGORIES),
                _c("list_price", "money", "list price (吊牌价 / 一口价)"),
                _c("unit_cost", "money", "unit purchase cost (COGS per unit)"),
                _c("launch_date", "date", "first day on sale (上新日期)"),
            ),
        ),
        Table(
            "inventory",
            "a product on a day (end of day)",
            ("date", "product_id"),
            (
                _c("date", "date", "day"),
                _c("product_id", "id", "product"),
                _c("on_hand_units", "int", "units in stock at the end of the day"),
                _c("received_units", "int", "units received that day (补货)"),
            ),
        ),
        Table(
            "sessions",
            "a visit",
            ("session_id",),
            (
                _c("session_id", "id", "session key"),
                _c("visitor_id", "id", "visitor (device) id, logged in or not"),
                _c("customer_id", "id", "customer if logged in; null when anonymous",
                   nullable=True),
                _c("start_ts", "ts", "first event time"),
                _c("end_ts", "ts", "last event time plus the time on the last page"),
                _c("channel", "category", "traffic source (流量来源)", CHANNELS),
                _c("device", "category", "device / terminal (终端)", DEVICES),
                _c("landing_page", "category", "entry page type", LANDING_PAGES),
                _c("campaign_id", "id", "campaign the visit came through",
                   nullable=True),
            ),
        ),
        Table(
            "events",
            "one action in a visit",
            ("session_id", "event_ts", "event_type"),
            (
                _c("session_id", "id", "session"),
                _c("visitor_id", "id", "visitor"),
                _c("event_ts", "ts", "time of the action"),
                _c("event_type", "category", "action, in funnel order", EVENT_TYPES),
                _c("product_id", "id", "product, for product events", nullable=True),
                _c("keyword", "str", "search keyword, for search events",
                   nullable=True),
            ),
            unique_key=False,
        ),
        Table(
            "orders",
            "a placed order (拍下)",
            ("order_id",),
            (
                _c("order_id", "id", "order key"),
                _c("customer_id", "id", "buyer"),
                _c("session_id", "id", "session the order was placed in",
                   nullable=True),
                _c("order_ts", "ts", "time the order was placed"),
                _c("paid_ts", "ts", "payment time; NaT if never paid", nullable=True),
                _c("status", "category", "paid, cancelled or unpaid",
                   ORDER_STATUSES),
                _c("channel", "category", "channel of the order's session", CHANNELS),
                _c("device", "category", "device of the order's session", DEVICES),
                _c("campaign_id", "id", "campaign the order belongs to",
                   nullable=True),
                _c("list_amount", "money", "Σ quantity × list price"),
                _c("discount_amount", "money",
                   "campaign and coupon discounts (优惠金额)"),
                _c("shipping_fee", "money", "shipping charged to the buyer (运费)"),
                _c("order_amount", "money",
                   "list − discount + shipping fee (拍下金额)"),
                _c("paid_amount", "money",
                   "order amount if paid, else 0 (支付金额)"),
                _c("shipping_cost", "money",
                   "carrier fee the shop pays (物流成本); 0 if never shipped"),
                _c("coupon_id", "id", "coupon redeemed on the order", nullable=True),
                _c("shipped_ts", "ts", "hand-over to the carrier; NaT if not shipped",
                   nullable=True),
                _c("delivered_ts", "ts", "delivery; NaT if not (yet) delivered",
                   nullable=True),
            ),
        ),
        Table(
            "order_items",
            "a product line of an order",
            ("order_id", "product_id"),
            (
                _c("order_id", "id", "order"),
                _c("product_id", "id", "product"),
                _c("quantity", "int", "units"),
                _c("unit_price", "money", "list price per unit at the time of sale"),
                _c("discount_amount", "money",
                   "discount on this line (its share of the order's discount)"),
                _c("unit_cost", "money", "cost per unit (COGS)"),
            ),
        ),
        Table(
            "refunds",
            "a refund (退款)",
            ("refund_id",),
            (
                _c("refund_id", "id", "refund key"),
                _c("order_id", "id", "paid order refunded"),
                _c("refund_ts", "ts", "time the refund was completed"),
                _c("refund_amount", "money", "money returned to the buyer"),
                _c("reason", "category", "refund reason (退款原因)", REFUND_REASONS),
                _c("is_return", "bool", "goods came back (退货退款)"),
            ),
        ),
        Table(
            "marketing_spend",
            "a channel (and campaign) on a day",
            ("date", "channel"),
            (
                _c("date", "date", "day"),
                _c("channel", "category", "paid channel", CHANNELS),
                _c("campaign_id", "id", "campaign the budget belonged to",
                   nullable=True),
                _c("spend", "money", "ad spend (花费)"),
                _c("impressions", "int", "ad impressions (展现量)"),
                _c("clicks", "int", "ad clicks (点击量)"),
            ),
        ),
        Table(
            "costs",
            "a cost line on a day",
            ("date", "cost_type"),
            (
                _c("date", "date", "day"),
                _c("cost_type", "category", "kind of cost", COST_TYPES),
                _c("amount", "money", "cost amount"),
            ),
        ),
        Table(
            "campaigns",
            "a promotion (活动)",
            ("campaign_id",),
            (
                _c("campaign_id", "id", "campaign key"),
                _c("name", "str", "campaign name"),
                _c("kind", "category", "kind of promotion", CAMPAIGN_KINDS),
                _c("preheat_start", "ts",
                   "pre-heat (预热) start; NaT when there is none", nullable=True),
                _c("start", "ts", "first moment of the sale (正式开售)"),
                _c("end", "ts", "end of the sale (exclusive)"),
                _c("discount_rate", "float", "price reduction during the sale"),
            ),
        ),
        Table(
            "coupons",
            "a coupon granted to a customer",
            ("coupon_id",),
            (
                _c("coupon_id", "id", "coupon key"),
                _c("customer_id", "id", "holder"),
                _c("campaign_id", "id", "campaign that granted it", nullable=True),
                _c("kind", "category", "拉新券, 满减, member or 召回券", COUPON_KINDS),
                _c("face_value", "money", "discount when redeemed"),
                _c("min_spend", "money", "threshold (满 X 可用)"),
                _c("granted_ts", "ts", "time granted"),
                _c("expires_ts", "ts", "expiry"),
                _c("redeemed_order_id", "id", "order that used it (核销)",
                   nullable=True),
            ),
        ),
        Table(
            "keywords",
            "a search keyword on a day",
            ("date", "keyword", "source"),
            (
                _c("date", "date", "day"),
                _c("keyword", "str", "search term"),
                _c("source", "category", "organic or paid search", KEYWORD_SOURCES),
                _c("impressions", "int", "times the shop was shown (展现)"),
                _c("clicks", "int", "clicks into the shop"),
                _c("visitors", "int", "distinct visitors from the keyword"),
                _c("buyers", "int", "distinct paying buyers from those visits"),
                _c("spend", "money", "ad spend (0 for organic)"),
            ),
        ),
        Table(
            "contacts",
            "a private-domain (企业微信/社群) invitation",
            ("contact_id",),
            (
                _c("contact_id", "id", "contact key"),
                _c("customer_id", "id", "invited customer"),
                _c("invited_ts", "ts", "time invited (引流触达)"),
                _c("added_ts", "ts", "time accepted; NaT if not", nullable=True),
                _c("source", "category", "where the invitation was made",
                   CONTACT_SOURCES),
                _c("removed_ts", "ts", "time removed; NaT if still a contact",
                   nullable=True),
            ),
        ),
        Table(
            "market",
            "a shop in the market panel in a month",
            ("month", "shop"),
            (
                _c("month", "date", "first day of the month"),
                _c("shop", "str", "shop name"),
                _c("is_us", "bool", "this shop"),
                _c("uv", "int", "monthly unique visitors"),
                _c("gmv", "money", "monthly GMV"),
                _c("orders", "int", "monthly orders"),
            ),
        ),
    )
}

TABLE_NAMES: tuple[str, ...] = tuple(TABLES)


def dtype_for(column: Column):
    """The pandas dtype a column has in a canonical table."""
    if column.kind == "id":
        return "Int64" if column.nullable else "int64"
    if column.kind in ("ts", "date"):
        return "datetime64[ns]"
    if column.kind in ("money", "float"):
        return "float64"
    if column.kind == "int":
        return "int64"
    if column.kind == "category":
        return pd.CategoricalDtype(column.levels, ordered=True)
    if column.kind == "bool":
        return "bool"
    return "str"


def categorical(values, levels) -> pd.Categorical:
    """An ordered categorical with the documented ``levels``."""
    return pd.Categorical(values, categories=list(levels), ordered=True)
