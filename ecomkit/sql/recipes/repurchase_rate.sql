-- recipe: repurchase_rate
-- title: 复购率 Repurchase rate by person, same-day orders merged (the default 口径)
--
-- What it computes
--   repurchase_rate = customers with paid orders on at least 2 different days
--   in the window / customers with at least 1 paid order in the window.
--
-- 口径
--   * 复购率 按人数 (by person): a customer counts once, however many orders.
--   * Same-day orders are merged: a customer who splits one basket into two
--     orders on the same day (拆单) is not a repeat buyer.
--   * Only orders paid inside the window count, before and after are ignored,
--     so the number never changes when later data arrive (a short window
--     gives a low rate).
--   * NULL when the window has no buyer.
--   * The other 口径 (by order, N-day, next-period 回购率, Shopify, JD rolling)
--     are options of ecomkit.repurchase_rate(method=...).
--
-- Parameters
--   $start_date  DATE  first day of the window on orders.paid_ts, inclusive; NULL = no lower bound
--   $end_date    DATE  last day of the window, inclusive (the whole day counts); NULL = no upper bound
--
-- Tables
--   orders (customer_id, paid_ts)
--
-- Output: one row
--   buyers           BIGINT  customers with a paid order in the window
--   repeat_buyers    BIGINT  of those, customers who paid on 2 or more different days
--   repurchase_rate  DOUBLE  repeat_buyers / buyers
--
-- pandas twin: ecomkit.repurchase_rate(orders, start=..., end=...)  (returns the rate only)

WITH params AS (                -- the placeholders, typed once
    SELECT CAST($start_date AS TIMESTAMP)                AS window_start,  -- inclusive
           CAST($end_date AS TIMESTAMP) + INTERVAL 1 DAY AS window_end     -- exclusive
),
purchase_days AS (              -- distinct purchase days of each buyer of the window
    SELECT o.customer_id, COUNT(DISTINCT CAST(o.paid_ts AS DATE)) AS days
    FROM orders AS o
    CROSS JOIN params AS p
    WHERE o.paid_ts IS NOT NULL
      AND (p.window_start IS NULL OR o.paid_ts >= p.window_start)
      AND (p.window_end IS NULL OR o.paid_ts < p.window_end)
    GROUP BY o.customer_id
)
SELECT COUNT(*)                                                   AS buyers,
       CAST(COALESCE(SUM(CASE WHEN days >= 2 THEN 1 ELSE 0 END), 0) AS BIGINT)
                                                                  AS repeat_buyers,
       CAST(SUM(CASE WHEN days >= 2 THEN 1 ELSE 0 END) AS DOUBLE)
           / NULLIF(COUNT(*), 0)                                  AS repurchase_rate
FROM purchase_days
