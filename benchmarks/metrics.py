"""Benchmark ecomkit's metric functions against DuckDB SQL at about 1M and 10M events.

Run by hand (not in CI), preferably on a quiet machine, and record the printed
table in benchmarks/README.md (section "Metric functions vs DuckDB"):

    .venv/bin/python benchmarks/metrics.py                 # 1M and 10M events
    .venv/bin/python benchmarks/metrics.py --sizes 1       # only 1M
    .venv/bin/python benchmarks/metrics.py --sizes 10 --only funnel rfm
    .venv/bin/python benchmarks/metrics.py --sizes 10 --profile traffic_by_day_channel

What it does, per size:

* builds a shop with ``make_shop(n, random_state=0)`` (29,000 customers per
  million events);
* runs one or more functions of every metric family on it (traffic,
  conversion, sales, member, CLV summary, finance, product, market,
  marketing) and, for the metrics that have one below, the equivalent DuckDB
  SQL on the **same pandas frames** (DuckDB scans them in place, nothing is
  copied into a database);
* checks that pandas and SQL agree: counts, ids, labels and dates exactly,
  money and rates to 1e-9 relative. Any disagreement is printed in full and
  the script exits with status 1;
* times each variant: one warm-up run, then ``--repeat`` (5) rounds that
  alternate pandas, DuckDB with its default threads and DuckDB with
  ``SET threads=1``; the median of each is reported. Every timing includes
  building the pandas result (``.df()``);
* reports the peak RSS of the process for each size (the kernel's high-water
  mark, reset before each size through /proc/self/clear_refs) and the load
  average before and after.

The SQL is written to be read: each query is a chain of named steps (CTEs)
that can be run one at a time in a notebook, with the ecomkit 口径 in the
comments. They may later become the package's SQL recipes.

The issue's target: each of the five metrics traffic by day and channel,
bounce rate, closed funnel, cohort retention and RFM within 1.5x of DuckDB at
10M events.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import hashlib
import json
import os
import platform
import pstats
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

import ecomkit
from ecomkit import _schema
from ecomkit.datasets import make_shop

# about 34 events per registered customer with the default settings (as in
# benchmarks/make_shop.py)
CUSTOMERS_PER_MILLION_EVENTS = 29_000
RFM_AS_OF = "2024-12-15"  # fixed scoring date; orders paid after that day are ignored
TARGET = 1.5  # the target: pandas time <= 1.5 x DuckDB time at 10M events
TARGET_METRICS = ("traffic_by_day_channel", "bounce_rate", "funnel",
                  "cohort_retention", "rfm")
# DuckDB scans these shop tables (pandas frames) in place
TABLES = ("sessions", "events", "orders", "order_items", "refunds", "costs",
          "marketing_spend")
RTOL = 1e-9  # money and rates
ATOL = 1e-12  # only matters for values within 1e-3 of zero

PAGE_VIEWS_SQL = ", ".join(f"'{t}'" for t in _schema.PAGE_VIEW_EVENTS)


# ====================================================================== SQL ===
# Every query reads the registered pandas frames `sessions`, `events`, `orders`,
# ... and returns the same columns, in the same order and row order, as the
# ecomkit function it mirrors.

SQL_TRAFFIC_BY_DAY_CHANNEL = f"""
-- ecomkit.traffic_by_period(sessions, events, freq="D", by="channel")
-- A visit belongs to the day it STARTS (sessions.start_ts). Its page views are
-- the events of that session whose type is a page view; events of sessions not
-- in `sessions` are not counted.
WITH pv_per_session AS (        -- page views of each session that has any
    SELECT session_id, COUNT(*) AS pv
    FROM events
    WHERE event_type IN ({PAGE_VIEWS_SQL})
    GROUP BY session_id
),
visits AS (                     -- one row per visit: day, channel, visitor, page views
    SELECT date_trunc('day', s.start_ts) AS period,
           s.channel,
           s.visitor_id,
           COALESCE(p.pv, 0) AS pv
    FROM sessions AS s
    LEFT JOIN pv_per_session AS p USING (session_id)
)
SELECT period,
       channel,
       COUNT(DISTINCT visitor_id)             AS uv,          -- 访客数
       COUNT(*)                               AS sessions,    -- 访问次数
       CAST(SUM(pv) AS BIGINT)                AS pv,          -- 浏览量
       COUNT(*) FILTER (WHERE pv = 1) / COUNT(*) AS bounce_rate -- single-page 跳出率
FROM visits
GROUP BY period, channel
ORDER BY period, channel        -- channel is an ENUM: sorts in its level order
"""

SQL_BOUNCE_RATE = f"""
-- ecomkit.bounce_rate(sessions, events, method="single_page", by="channel")
-- bounce rate = sessions with exactly one page view / sessions (pooled).
-- A session with one page view and an add-to-cart still bounced; a session
-- with no page view did not.
WITH pv_per_session AS (
    SELECT session_id, COUNT(*) AS pv
    FROM events
    WHERE event_type IN ({PAGE_VIEWS_SQL})
    GROUP BY session_id
)
SELECT s.channel,
       COUNT(*) FILTER (WHERE p.pv = 1) / COUNT(*) AS bounce_rate
FROM sessions AS s
LEFT JOIN pv_per_session AS p USING (session_id)
GROUP BY s.channel
ORDER BY s.channel
"""

SQL_FUNNEL = """
-- ecomkit.funnel(events)  (steps product_view > add_to_cart > checkout > payment,
-- unit="session", mode="closed")
-- A session enters at its first product_view. It reaches step k at its
-- earliest step-k event AT OR AFTER the time it reached step k-1 (ties allowed;
-- greedy earliest match).
WITH step_events AS MATERIALIZED (  -- only the events that are funnel steps
    SELECT session_id, event_ts, event_type
    FROM events
    WHERE event_type IN ('product_view', 'add_to_cart', 'checkout', 'payment')
),
step1 AS (                      -- entry: first product view of each session
    SELECT session_id, MIN(event_ts) AS reached_ts
    FROM step_events
    WHERE event_type = 'product_view'
    GROUP BY session_id
),
step2 AS (                      -- first add-to-cart at or after that
    SELECT e.session_id, MIN(e.event_ts) AS reached_ts
    FROM step_events AS e
    JOIN step1 AS prev ON e.session_id = prev.session_id
                      AND e.event_ts >= prev.reached_ts
    WHERE e.event_type = 'add_to_cart'
    GROUP BY e.session_id
),
step3 AS (                      -- first checkout at or after the add-to-cart
    SELECT e.session_id, MIN(e.event_ts) AS reached_ts
    FROM step_events AS e
    JOIN step2 AS prev ON e.session_id = prev.session_id
                      AND e.event_ts >= prev.reached_ts
    WHERE e.event_type = 'checkout'
    GROUP BY e.session_id
),
step4 AS (                      -- first payment at or after the checkout
    SELECT e.session_id, MIN(e.event_ts) AS reached_ts
    FROM step_events AS e
    JOIN step3 AS prev ON e.session_id = prev.session_id
                      AND e.event_ts >= prev.reached_ts
    WHERE e.event_type = 'payment'
    GROUP BY e.session_id
),
counts AS (
              SELECT 1 AS step_number, 'product_view' AS step, COUNT(*) AS count FROM step1
    UNION ALL SELECT 2, 'add_to_cart', COUNT(*) FROM step2
    UNION ALL SELECT 3, 'checkout',    COUNT(*) FROM step3
    UNION ALL SELECT 4, 'payment',     COUNT(*) FROM step4
)
SELECT step,
       step_number,
       count,
       CASE WHEN step_number = 1 THEN count ELSE 0 END AS entered,
       CASE WHEN step_number = 1 THEN count / NULLIF(count, 0)
            ELSE count / NULLIF(LAG(count) OVER w, 0) END AS step_conversion,
       count / NULLIF(FIRST_VALUE(count) OVER w, 0)    AS overall_conversion,
       COALESCE(LAG(count) OVER w - count, 0)          AS drop_off
FROM counts
WINDOW w AS (ORDER BY step_number)
ORDER BY step_number
"""

SQL_COHORT_RETENTION = """
-- ecomkit.cohort_retention(orders)  (freq="M", calculation="standard")
-- A purchase is a paid order (paid_ts set), dated by its payment time.
-- cohort = month of a customer's first purchase; active(c, k) = members of
-- cohort c with a purchase in month c + k; retention = active / cohort size.
-- Periods run from 0 to the last month with any purchase; cells with nobody
-- active are 0, cells after the last month are absent.
WITH purchases AS (
    SELECT customer_id, date_trunc('month', paid_ts) AS month
    FROM orders
    WHERE paid_ts IS NOT NULL
),
cohorts AS (                    -- one row per customer
    SELECT customer_id, MIN(month) AS cohort
    FROM purchases
    GROUP BY customer_id
),
active_pairs AS (               -- distinct (customer, months since cohort)
    SELECT DISTINCT p.customer_id, c.cohort,
           date_diff('month', c.cohort, p.month) AS period
    FROM purchases AS p
    JOIN cohorts AS c USING (customer_id)
),
active AS (
    SELECT cohort, period, COUNT(*) AS active
    FROM active_pairs
    GROUP BY cohort, period
),
sizes AS (
    SELECT cohort, COUNT(*) AS cohort_size
    FROM cohorts
    GROUP BY cohort
),
grid AS (                       -- every observed cell: periods 0 .. last month
    SELECT s.cohort, s.cohort_size,
           UNNEST(range(date_diff('month', s.cohort,
                                  (SELECT MAX(month) FROM purchases)) + 1)) AS period
    FROM sizes AS s
)
SELECT g.cohort,
       g.period,
       g.cohort_size,
       COALESCE(a.active, 0)                 AS active,
       COALESCE(a.active, 0) / g.cohort_size AS retention
FROM grid AS g
LEFT JOIN active AS a USING (cohort, period)
ORDER BY g.cohort, g.period
"""

SQL_RFM = f"""
-- ecomkit.rfm_table(orders, as_of="{RFM_AS_OF}")  (frequency="orders", scores="quintile")
-- Per buyer with a paid order up to the end of the as_of day:
--   recency_days = as_of - day of the last paid order; frequency = paid orders;
--   monetary = sum of paid_amount.
-- Scores: rank buyers from worst to best with ties sharing the LOWEST rank
-- (SQL RANK() is exactly that "rank_min"), then score = 1 + floor(5 (rank - 1) / n).
-- Unlike NTILE(5), identical values always get identical scores.
-- monetary is summed as DECIMAL so that equal totals are equal (a float sum
-- depends on the order of the additions, which would split ties arbitrarily).
WITH buyers AS (
    SELECT customer_id,
           date_diff('day', CAST(MAX(paid_ts) AS DATE), DATE '{RFM_AS_OF}') AS recency_days,
           COUNT(*)                                   AS frequency,
           SUM(CAST(paid_amount AS DECIMAL(18, 2)))   AS monetary
    FROM orders
    WHERE paid_ts IS NOT NULL
      AND paid_ts < DATE '{RFM_AS_OF}' + INTERVAL 1 DAY
    GROUP BY customer_id
),
ranked AS (
    SELECT *,
           COUNT(*) OVER ()                          AS n,
           RANK() OVER (ORDER BY recency_days DESC)  AS r_rank,  -- worst = longest ago
           RANK() OVER (ORDER BY frequency)          AS f_rank,  -- worst = fewest orders
           RANK() OVER (ORDER BY monetary)           AS m_rank   -- worst = least money
    FROM buyers
),
scored AS (
    SELECT customer_id, recency_days, frequency, monetary,
           1 + (5 * (r_rank - 1)) // n AS r_score,
           1 + (5 * (f_rank - 1)) // n AS f_score,
           1 + (5 * (m_rank - 1)) // n AS m_score
    FROM ranked
)
SELECT customer_id,
       recency_days,
       frequency,
       CAST(monetary AS DOUBLE) AS monetary,
       r_score,
       f_score,
       m_score,
       CAST(r_score * 100 + f_score * 10 + m_score AS VARCHAR) AS rfm_score  -- '543'
FROM scored
ORDER BY customer_id
"""

SQL_SALES_IDENTITY = """
-- ecomkit.sales_identity(orders, sessions, by="channel")
-- 销售额 = 访客数 UV x 支付转化率 x 客单价, per channel:
--   uv = distinct visitors of the sessions; paying_buyers = distinct customers
--   with a paid order; pay_conversion = buyers / uv; revenue_per_buyer
--   (客单价) = paid amount / buyers. With visitors but no buyers the product is
--   0; without visitors it is undefined (NULL).
WITH visitors AS (
    SELECT channel, COUNT(DISTINCT visitor_id) AS uv
    FROM sessions
    GROUP BY channel
),
paid AS (
    SELECT channel,
           COUNT(DISTINCT customer_id) AS paying_buyers,
           SUM(paid_amount)            AS paid_amount
    FROM orders
    WHERE paid_ts IS NOT NULL
    GROUP BY channel
),
parts AS (                      -- channels seen in either table, zeros filled
    SELECT COALESCE(v.channel, p.channel)  AS channel,
           COALESCE(v.uv, 0)               AS uv,
           COALESCE(p.paying_buyers, 0)    AS paying_buyers,
           COALESCE(p.paid_amount, 0.0)    AS paid_amount
    FROM visitors AS v
    FULL OUTER JOIN paid AS p ON v.channel = p.channel
),
rates AS (
    SELECT *,
           paying_buyers / NULLIF(uv, 0)           AS pay_conversion,
           paid_amount / NULLIF(paying_buyers, 0)  AS revenue_per_buyer
    FROM parts
),
identity AS (
    SELECT *,
           CASE WHEN uv = 0 THEN NULL
                WHEN paying_buyers = 0 THEN 0.0
                ELSE uv * pay_conversion * revenue_per_buyer
           END AS uv_x_conversion_x_rpb
    FROM rates
)
SELECT channel, uv, paying_buyers, pay_conversion, revenue_per_buyer, paid_amount,
       uv_x_conversion_x_rpb,
       -- numpy.isclose(product, paid_amount, rtol=1e-9, atol=1e-6)
       abs(uv_x_conversion_x_rpb - paid_amount) <= 1e-6 + 1e-9 * abs(paid_amount)
           AS identity_holds
FROM identity
ORDER BY channel
"""

SQL_PAID_AMOUNT = """
-- ecomkit.paid_amount(orders, by="channel")
-- 支付金额 = sum of paid_amount of the orders paid (paid_ts set), shipping
-- included, refunds not deducted.
SELECT channel, SUM(paid_amount) AS paid_amount
FROM orders
WHERE paid_ts IS NOT NULL
GROUP BY channel
ORDER BY channel
"""

_COST_COLUMNS_SQL = ",\n".join(
    f"           SUM(amount) FILTER (WHERE cost_type = '{t}') AS {t}"
    for t in _schema.COST_TYPES
)
_COST_COALESCE_SQL = ", ".join(
    f"COALESCE(k.{t}, 0) AS {t}" for t in _schema.COST_TYPES
)

SQL_PNL = f"""
-- ecomkit.pnl_table(orders, order_items, refunds, costs, marketing_spend, freq="M")
-- (returned_goods="restock"). Dating: an order's sales, discounts, COGS and
-- carrier fee on its payment month (GMV on its order month); refunds and the
-- cost of goods that came back on the refund month; costs and ad spend on
-- their date. Months between the first and the last one with data are all shown.
WITH paid_lines AS (
    SELECT date_trunc('month', paid_ts) AS period,
           SUM(paid_amount)     AS paid_amount,
           SUM(shipping_fee)    AS shipping_fee,
           SUM(list_amount)     AS gross_sales,
           SUM(discount_amount) AS discounts,
           SUM(shipping_cost)   AS logistics
    FROM orders
    WHERE paid_ts IS NOT NULL
    GROUP BY 1
),
gmv_line AS (                   -- 拍下金额: every order placed, paid or not
    SELECT date_trunc('month', order_ts) AS period, SUM(order_amount) AS gmv
    FROM orders
    WHERE order_ts IS NOT NULL
    GROUP BY 1
),
refund_line AS (
    SELECT date_trunc('month', refund_ts) AS period, SUM(refund_amount) AS refunds
    FROM refunds
    WHERE refund_ts IS NOT NULL
    GROUP BY 1
),
order_cogs AS (                 -- COGS of each order: sum of quantity x unit_cost
    SELECT order_id, SUM(quantity * unit_cost) AS cogs
    FROM order_items
    GROUP BY order_id
),
sold_cogs AS (
    SELECT date_trunc('month', o.paid_ts) AS period, SUM(c.cogs) AS cogs_sold
    FROM orders AS o
    JOIN order_cogs AS c USING (order_id)
    WHERE o.paid_ts IS NOT NULL
    GROUP BY 1
),
returns AS (                    -- refunds whose goods came back (is_return)
    SELECT r.refund_id, r.order_id, r.refund_ts,
           COALESCE(c.cogs, 0.0) AS order_cogs,
           -- share of the order's goods amount (list - discount) refunded; only
           -- goods that were sold (paid orders) give their cost back; a return
           -- of a zero-value order returns it all
           CASE WHEN o.paid_ts IS NULL THEN 0.0
                WHEN o.list_amount - o.discount_amount > 0
                    THEN r.refund_amount / (o.list_amount - o.discount_amount)
                ELSE 1.0
           END AS share
    FROM refunds AS r
    JOIN orders AS o USING (order_id)
    LEFT JOIN order_cogs AS c USING (order_id)
    WHERE r.is_return
),
returns_capped AS (             -- running share per order in time order, capped at 100 %
    SELECT *,
           LEAST(SUM(share) OVER (PARTITION BY order_id ORDER BY refund_ts, refund_id
                                  ROWS UNBOUNDED PRECEDING), 1.0) AS cum_share
    FROM returns
),
returned_cogs AS (              -- each return gives back its part of the order's COGS
    SELECT date_trunc('month', refund_ts) AS period,
           SUM(order_cogs * (cum_share - prev_share)) AS cogs_returned
    FROM (SELECT *,
                 LAG(cum_share, 1, 0.0) OVER (PARTITION BY order_id
                                              ORDER BY refund_ts, refund_id) AS prev_share
          FROM returns_capped)
    WHERE refund_ts IS NOT NULL
    GROUP BY 1
),
cost_lines AS (                 -- one column per cost type
    SELECT date_trunc('month', date) AS period,
{_COST_COLUMNS_SQL}
    FROM costs
    WHERE date IS NOT NULL
    GROUP BY 1
),
spend_line AS (
    SELECT date_trunc('month', date) AS period, SUM(spend) AS marketing
    FROM marketing_spend
    WHERE date IS NOT NULL
    GROUP BY 1
),
months AS (                     -- every month from the first to the last with data
    SELECT UNNEST(generate_series(MIN(period), MAX(period), INTERVAL 1 MONTH)) AS period
    FROM (SELECT period FROM paid_lines  UNION ALL SELECT period FROM gmv_line
          UNION ALL SELECT period FROM refund_line UNION ALL SELECT period FROM sold_cogs
          UNION ALL SELECT period FROM returned_cogs UNION ALL SELECT period FROM cost_lines
          UNION ALL SELECT period FROM spend_line)
),
books AS (                      -- the base lines side by side, 0 where none
    SELECT m.period,
           COALESCE(g.gmv, 0)          AS gmv,
           COALESCE(p.paid_amount, 0)  AS paid_amount,
           COALESCE(p.shipping_fee, 0) AS shipping_fee,
           COALESCE(p.gross_sales, 0)  AS gross_sales,
           COALESCE(p.discounts, 0)    AS discounts,
           COALESCE(r.refunds, 0)      AS refunds,
           COALESCE(s.cogs_sold, 0) - COALESCE(b.cogs_returned, 0) AS cogs,
           COALESCE(p.logistics, 0)    AS logistics,
           {_COST_COALESCE_SQL},
           COALESCE(x.marketing, 0)    AS marketing
    FROM months AS m
    LEFT JOIN paid_lines    AS p USING (period)
    LEFT JOIN gmv_line      AS g USING (period)
    LEFT JOIN refund_line   AS r USING (period)
    LEFT JOIN sold_cogs     AS s USING (period)
    LEFT JOIN returned_cogs AS b USING (period)
    LEFT JOIN cost_lines    AS k USING (period)
    LEFT JOIN spend_line    AS x USING (period)
),
waterfall AS (                  -- the subtotals, subtracting line by line
    SELECT *,
           gross_sales - discounts                       AS goods_sales,
           gross_sales - discounts - refunds             AS net_sales,
           gross_sales - discounts - refunds - cogs      AS gross_profit
    FROM books
),
contribution AS (
    SELECT *,
           gross_profit - logistics - warehousing - packaging - platform_fee
               - payment_fee - marketing AS contribution
    FROM waterfall
)
SELECT period, gmv, paid_amount, shipping_fee, gross_sales, discounts, goods_sales,
       refunds, net_sales, cogs, gross_profit, logistics, warehousing, packaging,
       platform_fee, payment_fee, marketing, contribution, staff, other,
       contribution - staff - other AS operating_profit,
       -- margins: NULL when net sales are <= 0
       CASE WHEN net_sales > 0 THEN gross_profit / net_sales END AS gross_margin,
       CASE WHEN net_sales > 0 THEN contribution / net_sales END AS contribution_margin,
       CASE WHEN net_sales > 0 THEN (contribution - staff - other) / net_sales END
           AS operating_margin
FROM contribution
ORDER BY period
"""


# ============================================================== the metrics ===
def _series_frame(s: pd.Series) -> pd.DataFrame:
    """A Series indexed by groups as a frame: key columns, then the value."""
    return s.reset_index()


@dataclass
class Metric:
    """One row of the table: an ecomkit call and, optionally, its SQL twin."""

    name: str
    family: str
    call: Callable  # shop -> result
    sql: str | None = None
    as_frame: Callable = field(default=lambda r: r)  # pandas result -> DataFrame


METRICS = [
    Metric("traffic_by_day_channel", "traffic",
           lambda s: ecomkit.traffic_by_period(s.sessions, s.events, freq="D",
                                               by="channel"),
           SQL_TRAFFIC_BY_DAY_CHANNEL),
    Metric("bounce_rate", "traffic",
           lambda s: ecomkit.bounce_rate(s.sessions, s.events, by="channel"),
           SQL_BOUNCE_RATE, _series_frame),
    Metric("funnel", "conversion", lambda s: ecomkit.funnel(s.events), SQL_FUNNEL),
    Metric("conversion_rate", "conversion",
           lambda s: ecomkit.conversion_rate(s.orders, s.sessions)),
    Metric("paid_amount_by_channel", "sales",
           lambda s: ecomkit.paid_amount(s.orders, by="channel"),
           SQL_PAID_AMOUNT, _series_frame),
    Metric("sales_identity", "sales",
           lambda s: ecomkit.sales_identity(s.orders, s.sessions, by="channel"),
           SQL_SALES_IDENTITY),
    Metric("cohort_retention", "member",
           lambda s: ecomkit.cohort_retention(s.orders), SQL_COHORT_RETENTION),
    Metric("rfm", "member", lambda s: ecomkit.rfm_table(s.orders, as_of=RFM_AS_OF),
           SQL_RFM),
    Metric("btyd_summary", "clv", lambda s: ecomkit.btyd_summary(s.orders)),
    Metric("pnl_monthly", "finance",
           lambda s: ecomkit.pnl_table(s.orders, s.order_items, s.refunds, s.costs,
                                       s.marketing_spend, freq="M"),
           SQL_PNL),
    Metric("product_sales", "product",
           lambda s: ecomkit.product_sales(s.order_items, orders=s.orders)),
    Metric("market_position", "market", lambda s: ecomkit.market_position(s.market)),
    Metric("coupon_redemption_rate", "marketing",
           lambda s: ecomkit.coupon_redemption_rate(s.coupons, orders=s.orders)),
    Metric("campaign_uplift", "marketing",
           lambda s: ecomkit.campaign_uplift(s.orders, campaigns=s.campaigns)),
]


# =============================================================== agreement ===
def _kind(s: pd.Series) -> str:
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return "label"
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "datetime"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    return "label"


def compare(expected: pd.DataFrame, got: pd.DataFrame) -> list[str]:
    """Differences between the ecomkit result and the SQL result ([] = agree).

    Same columns in the same order, same rows in the same order; dates, ints,
    labels and booleans exactly; floats to RTOL relative (ATOL near zero),
    NaN only where NaN.
    """
    problems = []
    if list(expected.columns) != list(got.columns):
        return [f"columns differ: ecomkit {list(expected.columns)} vs SQL "
                f"{list(got.columns)}"]
    if len(expected) != len(got):
        return [f"row counts differ: ecomkit {len(expected)} vs SQL {len(got)}"]
    expected, got = expected.reset_index(drop=True), got.reset_index(drop=True)
    for col in expected.columns:
        e, g = expected[col], got[col]
        kind = _kind(e)
        if kind == "datetime":
            ev = e.to_numpy(dtype="datetime64[ns]")
            gv = pd.to_datetime(g).to_numpy(dtype="datetime64[ns]")
            bad = ~((ev == gv) | (np.isnat(ev) & np.isnat(gv)))
        elif kind == "int":
            gv = g.to_numpy(dtype="float64")
            if np.isnan(gv).any() or (gv != np.round(gv)).any():
                bad = np.ones(len(e), dtype=bool)
            else:
                bad = e.to_numpy(dtype="int64") != g.to_numpy(dtype="int64")
        elif kind == "float":
            ev, gv = e.to_numpy(dtype="float64"), g.to_numpy(dtype="float64",
                                                            na_value=np.nan)
            both_nan = np.isnan(ev) & np.isnan(gv)
            with np.errstate(invalid="ignore"):
                close = np.abs(ev - gv) <= ATOL + RTOL * np.maximum(np.abs(ev),
                                                                    np.abs(gv))
            bad = ~(both_nan | close)
        elif kind == "bool":
            ev = e.astype(object).where(e.notna(), None).to_numpy()
            gv = g.astype(object).where(g.notna(), None).to_numpy()
            bad = np.array([a != b for a, b in zip(ev, gv, strict=True)], dtype=bool)
        else:
            ev = e.astype(object).where(e.notna(), None).astype(str).to_numpy()
            gv = g.astype(object).where(g.notna(), None).astype(str).to_numpy()
            bad = ev != gv
        if bad.any():
            rows = np.flatnonzero(bad)
            detail = pd.DataFrame({"ecomkit": e.iloc[rows[:5]].to_numpy(),
                                   "sql": g.iloc[rows[:5]].to_numpy()},
                                  index=rows[:5])
            problems.append(f"column {col!r} ({kind}): {len(rows)} of {len(e)} rows "
                            f"differ, first ones:\n{detail.to_string()}")
    return problems


# ================================================================= timing ===
def _cpu_s() -> float:
    """CPU seconds (user + system) used so far by all threads of this process."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _timed(fn) -> tuple[float, float, object]:
    """Wall seconds, CPU seconds (all threads) and the result of ``fn()``."""
    gc.collect()
    c0, t0 = _cpu_s(), time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, _cpu_s() - c0, out


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def _reset_peak_rss() -> bool:
    """Reset the kernel's RSS high-water mark (Linux); False if not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _source_state() -> str:
    """git commit, dirty files, and a hash of the ecomkit sources actually imported."""
    root = Path(ecomkit.__file__).parent
    digest = hashlib.sha1()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.read_bytes())
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--short", "--",
                                "."], capture_output=True, text=True,
                               check=True).stdout.split("\n")
        dirty = [line[3:] for line in dirty if line.strip()]
    except (OSError, subprocess.CalledProcessError):
        head, dirty = "n/a (not a git checkout)", []
    return (f"ecomkit from {root}; git {head}; sources sha1 "
            f"{digest.hexdigest()[:12]}; uncommitted: "
            f"{', '.join(dirty) if dirty else 'none'}")


# keys that identify people, visits and orders; --ids remaps them in every table
ID_COLUMNS = ("session_id", "visitor_id", "customer_id", "order_id",
              "redeemed_order_id")
_SCRAMBLE = np.uint64(0x9E3779B97F4A7C15)  # odd: multiplying by it is a bijection


def remap_ids(shop, how: str) -> None:
    """Replace the compact 1..N keys of ``shop`` in place, consistently in all tables.

    ``"dense"`` keeps make_shop's keys (1..N, the best case for code that
    indexes arrays by id); ``"sparse"`` scrambles them over the whole int64
    range (as hashed or snowflake ids are); ``"text"`` makes them strings
    (device ids, UUID-like keys).
    """
    if how == "dense":
        return
    for name in list(shop):
        table = shop[name]
        if not isinstance(table, pd.DataFrame) or name == "stories":
            continue
        for col in ID_COLUMNS:
            if col not in table.columns:
                continue
            ids = table[col]
            known = ids.notna().to_numpy()
            raw = ids.to_numpy(dtype="int64", na_value=0)
            if how == "sparse":
                new = (raw.astype(np.uint64) * _SCRAMBLE).view(np.int64)
                out = pd.array(new, dtype="Int64")
                out[~known] = pd.NA
                table[col] = out if ids.hasnans or isinstance(
                    ids.dtype, pd.Int64Dtype) else new
            else:
                text = pd.Series(np.char.add(f"{col[0]}-", raw.astype(str)),
                                 index=table.index, dtype="str")
                table[col] = text.where(known)


def _connect(shop, threads: int | None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    for name in TABLES:
        con.register(name, shop[name])  # a view over the pandas frame, no copy
    return con


def run_size(millions: float, metrics: list[Metric], repeat: int,
             profile: list[str], ids: str = "dense",
             ) -> tuple[list[dict], list[str], dict]:
    n = int(round(millions * CUSTOMERS_PER_MILLION_EVENTS))
    load_before = _loadavg()
    rss_reset = _reset_peak_rss()
    t0 = time.perf_counter()
    shop = make_shop(n, random_state=0)
    remap_ids(shop, ids)
    info = {
        "size": f"{millions:g}M", "customers": n, "events": len(shop.events),
        "sessions": len(shop.sessions), "orders": len(shop.orders),
        "build_s": time.perf_counter() - t0, "rss_after_build_mb": _peak_rss_mb(),
        "load_before": load_before, "rss_reset": rss_reset,
    }
    print(f"\n# {info['size']}: {n:,} customers, {info['events']:,} events, "
          f"{info['sessions']:,} sessions, {info['orders']:,} orders; built in "
          f"{info['build_s']:.1f} s; load {load_before}", flush=True)
    con_default = _connect(shop, None)
    con_one = _connect(shop, 1)
    info["duckdb_threads"] = con_default.execute(
        "SELECT current_setting('threads')").fetchone()[0]
    rows, problems = [], []
    for m in metrics:
        variants = {"pandas": lambda m=m: m.call(shop)}
        if m.sql is not None:
            variants["duckdb"] = lambda m=m: con_default.execute(m.sql).df()
            variants["duckdb_1t"] = lambda m=m: con_one.execute(m.sql).df()
        # warm-up (also the results that are checked)
        warm = {k: _timed(fn)[2] for k, fn in variants.items()}
        agree = "—"
        if m.sql is not None:
            expected = m.as_frame(warm["pandas"])
            found = []
            for k in ("duckdb", "duckdb_1t"):
                found += [f"{m.name} @ {info['size']} vs {k}: {p}"
                          for p in compare(expected, warm[k])]
            agree = "yes" if not found else "NO"
            problems += found
        times = {k: [] for k in variants}
        cpu = {k: [] for k in variants}
        for _ in range(repeat):  # alternate the variants in every round
            for k, fn in variants.items():
                wall, used, _ = _timed(fn)
                times[k].append(wall)
                cpu[k].append(used)
        med = {k: statistics.median(v) for k, v in times.items()}
        row = {"metric": m.name, "family": m.family, "size": info["size"],
               "pandas_s": med["pandas"], "duckdb_s": med.get("duckdb"),
               "duckdb_1t_s": med.get("duckdb_1t"), "agree": agree, "runs": times,
               "cpu": cpu}
        rows.append(row)
        print("  " + _row_md(row), flush=True)
        if m.name in profile:
            _profile(m, shop)
    info["peak_rss_mb"] = _peak_rss_mb()
    info["load_after"] = _loadavg()
    con_default.close()
    con_one.close()
    return rows, problems, info


def _profile(m: Metric, shop) -> None:
    prof = cProfile.Profile()
    prof.enable()
    m.call(shop)
    prof.disable()
    print(f"\n  cProfile of ecomkit {m.name} (top 20 by internal time):")
    pstats.Stats(prof, stream=sys.stdout).sort_stats("tottime").print_stats(20)


# ================================================================= report ===
HEADER = ("| metric | family | size | pandas s | duckdb s (default threads) | "
          "pandas/duckdb | duckdb s (threads=1) | pandas/duckdb 1t | agree |")
RULE = "|---|---|---|---:|---:|---:|---:|---:|---|"


def _fmt(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:.3f}" if x >= 0.01 else f"{x:.4f}"


def _ratio(a: float, b: float | None) -> str:
    return "—" if b is None else f"{a / b:.2f}"


def _row_md(r: dict) -> str:
    return (f"| {r['metric']} | {r['family']} | {r['size']} | {_fmt(r['pandas_s'])} | "
            f"{_fmt(r['duckdb_s'])} | {_ratio(r['pandas_s'], r['duckdb_s'])} | "
            f"{_fmt(r['duckdb_1t_s'])} | {_ratio(r['pandas_s'], r['duckdb_1t_s'])} | "
            f"{r['agree']} |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 10],
                        help="millions of events (approximate); default 1 10")
    parser.add_argument("--repeat", type=int, default=5,
                        help="timed rounds after the warm-up (median reported)")
    parser.add_argument("--only", nargs="+", metavar="METRIC",
                        help=f"run only these: {', '.join(m.name for m in METRICS)}")
    parser.add_argument("--profile", nargs="+", metavar="METRIC", default=[],
                        help="also print a cProfile of these ecomkit calls")
    parser.add_argument("--ids", choices=("dense", "sparse", "text"), default="dense",
                        help="keep make_shop's 1..N keys (default), scramble them "
                             "over int64, or make them strings (see remap_ids)")
    parser.add_argument("--json", type=Path, help="write all run times to this file")
    args = parser.parse_args(argv)
    metrics = METRICS
    if args.only:
        unknown = set(args.only) - {m.name for m in METRICS}
        if unknown:
            parser.error(f"unknown metric(s) {sorted(unknown)}")
        metrics = [m for m in METRICS if m.name in args.only]

    print(f"date: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}; "
          f"machine: {platform.machine()}, {os.cpu_count()} cores "
          f"({platform.processor() or platform.platform()})")
    print(f"python {platform.python_version()}, ecomkit {ecomkit.__version__}, "
          f"pandas {pd.__version__}, numpy {np.__version__}, duckdb "
          f"{duckdb.__version__}")
    print(_source_state())
    print(f"load average (1, 5, 15 min) at start: {_loadavg()}; ids: {args.ids}")
    all_rows, all_problems, infos = [], [], []
    for millions in args.sizes:
        rows, problems, info = run_size(millions, metrics, args.repeat, args.profile,
                                        args.ids)
        all_rows += rows
        all_problems += problems
        infos.append(info)

    print(f"\nmedian of {args.repeat} runs after one warm-up, pandas and DuckDB "
          f"alternating; DuckDB default threads = "
          f"{', '.join(sorted({str(i['duckdb_threads']) for i in infos}))}\n")
    print(HEADER)
    print(RULE)
    for r in all_rows:
        print(_row_md(r))
    print("\n| size | events | sessions | orders | build s | peak RSS MB | "
          "load before | load after |")
    print("|---|---:|---:|---:|---:|---:|---|---|")
    for i in infos:
        print(f"| {i['size']} | {i['events']:,} | {i['sessions']:,} | {i['orders']:,} "
              f"| {i['build_s']:.1f} | {i['peak_rss_mb']:,.0f}"
              f"{'' if i['rss_reset'] else ' (not reset)'} | {i['load_before']} | "
              f"{i['load_after']} |")

    print("\nsame runs, median CPU seconds (user + system, all threads of the "
          "process): what each variant costs, whatever else runs on the machine\n")
    print("| metric | size | pandas cpu s | duckdb cpu s | duckdb 1t cpu s | "
          "pandas/duckdb 1t cpu |")
    print("|---|---|---:|---:|---:|---:|")
    for r in all_rows:
        c = {k: statistics.median(v) for k, v in r["cpu"].items()}
        print(f"| {r['metric']} | {r['size']} | {_fmt(c['pandas'])} | "
              f"{_fmt(c.get('duckdb'))} | {_fmt(c.get('duckdb_1t'))} | "
              f"{_ratio(c['pandas'], c.get('duckdb_1t'))} |")

    print("\nsame runs, best (minimum) wall time of each variant: less sensitive to "
          "other jobs on a shared machine\n")
    print("| metric | size | pandas min s | duckdb min s | pandas/duckdb | "
          "duckdb 1t min s | pandas/duckdb 1t |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in all_rows:
        if r["duckdb_s"] is None:
            continue
        best = {k: min(v) for k, v in r["runs"].items()}
        print(f"| {r['metric']} | {r['size']} | {_fmt(best['pandas'])} | "
              f"{_fmt(best['duckdb'])} | {_ratio(best['pandas'], best['duckdb'])} | "
              f"{_fmt(best['duckdb_1t'])} | "
              f"{_ratio(best['pandas'], best['duckdb_1t'])} |")

    largest = max(args.sizes)
    print(f"\ntarget: ecomkit within {TARGET}x of DuckDB at {largest:g}M events")
    for r in all_rows:
        if r["metric"] in TARGET_METRICS and r["size"] == f"{largest:g}M":
            ok = [r["pandas_s"] / r[k] <= TARGET for k in ("duckdb_s", "duckdb_1t_s")]
            print(f"  {r['metric']}: "
                  f"{'meets' if ok[0] else 'MISSES'} (default threads, "
                  f"{r['pandas_s'] / r['duckdb_s']:.2f}x), "
                  f"{'meets' if ok[1] else 'MISSES'} (threads=1, "
                  f"{r['pandas_s'] / r['duckdb_1t_s']:.2f}x)")
    if args.json:
        args.json.write_text(json.dumps({"sizes": infos, "rows": all_rows}, indent=1))
    if all_problems:
        print("\n" + "!" * 78, file=sys.stderr)
        print(f"ecomkit and DuckDB DISAGREE ({len(all_problems)} problem(s)):",
              file=sys.stderr)
        for p in all_problems:
            print("\n" + p, file=sys.stderr)
        print("!" * 78, file=sys.stderr)
        return 1
    print(f"\nall {sum(r['agree'] == 'yes' for r in all_rows)} pandas/DuckDB "
          f"comparisons agree (exact counts, floats to {RTOL:g} relative)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
