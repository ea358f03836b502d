-- recipe: cohort_retention
-- title: 同期群留存 Cohort retention: share of each first-purchase cohort buying k periods later
--
-- What it computes
--   A customer's cohort is the period of their first ever paid order. For each
--   cohort c and each k = 0, 1, 2, ... periods later: active = cohort members
--   with a paid order in period c + k, and retention = active / cohort size.
--   Period 0 is 100 % by definition.
--
-- 口径
--   * A purchase is a paid order (paid_ts set), dated by its payment time.
--   * Standard calculation (GA4 "standard"): active in period k, whatever
--     happened in between.
--   * Only cohorts whose first purchase falls in the window are shown, but the
--     first purchase is looked for in the whole history before the window end,
--     so a customer who bought before the window is in an earlier cohort, not
--     in the window's.
--   * Purchases after the window end are not seen: periods run from 0 to the
--     period of $end_date (without an end: the last period with a purchase);
--     cells with nobody active are 0, cells after the last period are absent.
--
-- Parameters
--   $start_date  DATE     first day on which a cohort's first purchase may fall; NULL = no lower bound
--   $end_date    DATE     last day observed, inclusive; later purchases are not seen; NULL = no upper bound
--   $freq        VARCHAR  cohort and period length: 'D' day, 'W' week (Monday to Sunday), 'M' month, 'Q' quarter, 'Y' year
--
-- Tables
--   orders (customer_id, paid_ts)
--
-- Output: one row per cohort and period, sorted by cohort then period
--   cohort       TIMESTAMP  first day of the cohort's period
--   period       BIGINT     periods since the cohort period (0 = the cohort period)
--   cohort_size  BIGINT     customers whose first purchase is in the cohort period
--   active       BIGINT     of those, customers with a purchase in period cohort + period
--   retention    DOUBLE     active / cohort_size
--
-- pandas twin: ecomkit.cohort_retention(orders, freq=..., start=..., end=...)

WITH params AS (                -- the placeholders, typed once
    SELECT CAST($start_date AS TIMESTAMP)                AS window_start,  -- inclusive
           CAST($end_date AS TIMESTAMP) + INTERVAL 1 DAY AS window_end,    -- exclusive
           CAST($end_date AS TIMESTAMP)                  AS last_day
),
purchases AS (                  -- paid orders observed (paid before the window end), with their period
    SELECT o.customer_id,
           o.paid_ts,
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
active_pairs AS (               -- distinct (member, periods since the cohort) with a purchase
    SELECT DISTINCT
           m.customer_id,
           m.cohort,
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
active AS (                     -- active members per cohort and period
    SELECT cohort, period, COUNT(*) AS active
    FROM active_pairs
    GROUP BY cohort, period
),
sizes AS (                      -- cohort sizes
    SELECT cohort, COUNT(*) AS cohort_size
    FROM members
    GROUP BY cohort
),
last_period AS (                -- the last period observed: that of the end day, else of the last purchase
    SELECT COALESCE(
               CASE $freq
                   WHEN 'D' THEN date_trunc('day', p.last_day)
                   WHEN 'W' THEN date_trunc('week', p.last_day)
                   WHEN 'M' THEN date_trunc('month', p.last_day)
                   WHEN 'Q' THEN date_trunc('quarter', p.last_day)
                   WHEN 'Y' THEN date_trunc('year', p.last_day)
               END,
               (SELECT MAX(period_start) FROM purchases)) AS last_start
    FROM params AS p
),
widths AS (                     -- how many periods each cohort has been observed
    SELECT s.cohort,
           s.cohort_size,
           CASE $freq
               WHEN 'D' THEN date_diff('day', s.cohort, l.last_start)
               WHEN 'W' THEN date_diff('week', s.cohort, l.last_start)
               WHEN 'M' THEN date_diff('month', s.cohort, l.last_start)
               WHEN 'Q' THEN date_diff('quarter', s.cohort, l.last_start)
               WHEN 'Y' THEN date_diff('year', s.cohort, l.last_start)
           END AS last_k
    FROM sizes AS s
    CROSS JOIN last_period AS l
),
grid AS (                       -- every observed cell: periods 0 .. last_k of each cohort
    SELECT w.cohort, w.cohort_size, g.period
    FROM widths AS w
    CROSS JOIN UNNEST(generate_series(0, w.last_k)) AS g(period)
)
SELECT g.cohort,
       g.period,
       g.cohort_size,
       COALESCE(a.active, 0)                                   AS active,     -- period 0: everyone
       CAST(COALESCE(a.active, 0) AS DOUBLE) / g.cohort_size   AS retention
FROM grid AS g
LEFT JOIN active AS a ON a.cohort = g.cohort AND a.period = g.period
ORDER BY g.cohort, g.period
