-- recipe: cohort_activity
-- title: 同期群活跃 Cohort activity: buyers, orders and money of each first-purchase cohort per period
--
-- What it computes
--   The reduction behind every cohort table: the orders table shrinks to one
--   row per (cohort, periods since the cohort) cell with any purchase. A
--   customer's cohort is the period of their first ever paid order. From it:
--     留存率 retention(c, k)   = active / cohort_size    (cells absent here are 0)
--     同期群贡献 revenue(c, k)  = paid_amount
--     累计客户价值 LTV to date  = running sum of paid_amount / cohort_size
--
-- 口径
--   * A purchase is a paid order (paid_ts set), dated by its payment time.
--   * Cohorts as in the cohort_retention recipe: the first purchase is looked
--     for in the whole history up to the window end; only cohorts whose first
--     purchase falls in the window are kept; purchases after the window end
--     are not seen.
--   * Sparse: a cell with nobody active is absent (period 0 is always there).
--
-- Parameters
--   $start_date  DATE     first day on which a cohort's first purchase may fall; NULL = no lower bound
--   $end_date    DATE     last day observed, inclusive; later purchases are not seen; NULL = no upper bound
--   $freq        VARCHAR  cohort and period length: 'D' day, 'W' week (Monday to Sunday), 'M' month, 'Q' quarter, 'Y' year
--
-- Tables
--   orders (customer_id, paid_ts, paid_amount)
--
-- Output: one row per cohort and period with a purchase, sorted by cohort then period
--   cohort       TIMESTAMP  first day of the cohort's period
--   period       BIGINT     periods since the cohort period (0 = the cohort period)
--   cohort_size  BIGINT     customers whose first purchase is in the cohort period
--   active       BIGINT     of those, customers with a purchase in this period
--   orders       BIGINT     their paid orders in this period
--   paid_amount  DOUBLE     sum of paid_amount of those orders (支付金额)
--
-- pandas twin: none (a reduction); ecomkit.cohort_retention and ecomkit.cohort_revenue give the same cells

WITH params AS (                -- the placeholders, typed once
    SELECT CAST($start_date AS TIMESTAMP)                AS window_start,  -- inclusive
           CAST($end_date AS TIMESTAMP) + INTERVAL 1 DAY AS window_end     -- exclusive
),
purchases AS (                  -- paid orders observed (paid before the window end), with their period
    SELECT o.customer_id,
           o.paid_ts,
           o.paid_amount,
           CASE $freq
               WHEN 'D' THEN date_trunc('day', o.paid_ts)
               WHEN 'W' THEN date_trunc('week', o.paid_ts)     -- ISO weeks: Monday
               WHEN 'M' THEN date_trunc('month', o.paid_ts)
               WHEN 'Q' THEN date_trunc('quarter', o.paid_ts)
               WHEN 'Y' THEN date_trunc('year', o.paid_ts)
           END AS period_start
    FROM orders AS o
    CROSS JOIN params AS p
    WHERE o.paid_ts IS NOT NULL
      AND (p.window_end IS NULL OR o.paid_ts < p.window_end)
),
firsts AS (                     -- each customer's first purchase ever (up to the window end)
    SELECT customer_id, MIN(paid_ts) AS first_ts, MIN(period_start) AS cohort
    FROM purchases
    GROUP BY customer_id
),
members AS (                    -- the customers whose first purchase is in the window
    SELECT f.customer_id, f.cohort
    FROM firsts AS f
    CROSS JOIN params AS p
    WHERE p.window_start IS NULL OR f.first_ts >= p.window_start
),
sizes AS (                      -- cohort sizes
    SELECT cohort, COUNT(*) AS cohort_size
    FROM members
    GROUP BY cohort
),
member_purchases AS (           -- the members' purchases, with the periods since their cohort
    SELECT m.cohort,
           m.customer_id,
           u.paid_amount,
           CASE $freq
               WHEN 'D' THEN date_diff('day', m.cohort, u.period_start)
               WHEN 'W' THEN date_diff('week', m.cohort, u.period_start)
               WHEN 'M' THEN date_diff('month', m.cohort, u.period_start)
               WHEN 'Q' THEN date_diff('quarter', m.cohort, u.period_start)
               WHEN 'Y' THEN date_diff('year', m.cohort, u.period_start)
           END AS period
    FROM purchases AS u
    JOIN members AS m ON m.customer_id = u.customer_id
),
cells AS (                      -- one row per cohort and period with a purchase
    SELECT cohort,
           period,
           COUNT(DISTINCT customer_id) AS active,
           COUNT(*)                    AS orders,
           SUM(paid_amount)            AS paid_amount
    FROM member_purchases
    GROUP BY cohort, period
)
SELECT c.cohort,
       c.period,
       s.cohort_size,
       c.active,
       c.orders,
       c.paid_amount
FROM cells AS c
JOIN sizes AS s ON s.cohort = c.cohort
ORDER BY c.cohort, c.period
