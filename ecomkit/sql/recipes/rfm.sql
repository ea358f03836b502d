-- recipe: rfm
-- title: RFM 客户价值分层: recency, frequency, monetary and their 1-5 quintile scores per buyer
--
-- What it computes
--   For each customer with a paid order up to the scoring day $as_of:
--     recency_days = $as_of - day of the last paid order (calendar days, 0 = that day)
--     frequency    = paid orders
--     monetary     = sum of paid_amount (支付金额, refunds not deducted)
--   and a score 1-5 for each (5 = best: most recent, most frequent, highest spend).
--
-- 口径
--   * Tie-aware quintiles: rank the buyers from worst to best with ties sharing
--     the LOWEST rank (SQL RANK() does exactly that), then
--     score = 1 + floor(5 * (rank - 1) / n). Identical values always get
--     identical scores, unlike NTILE(5), which splits ties arbitrarily: when
--     80 % of buyers have one order they all get F = 1.
--   * Amounts are summed as DECIMAL(18, 2) (cents), so equal totals are exactly
--     equal; a floating-point sum depends on the order of the additions and
--     would split ties by rounding noise.
--   * rfm_score is the text r_score f_score m_score, e.g. '543'.
--
-- Parameters
--   $start_date  DATE  ignore orders paid before this day (e.g. only the last 365 days); NULL = all history
--   $as_of       DATE  scoring day; orders paid after that whole day are ignored (required)
--
-- Tables
--   orders (customer_id, paid_ts, paid_amount)
--
-- Output: one row per buyer, sorted by customer_id
--   customer_id   ID       the buyer
--   recency_days  BIGINT   days since the last paid order
--   frequency     BIGINT   paid orders
--   monetary      DOUBLE   sum of paid_amount
--   r_score       BIGINT   1-5, 5 = most recent
--   f_score       BIGINT   1-5, 5 = most orders
--   m_score       BIGINT   1-5, 5 = highest spend
--   rfm_score     VARCHAR  the three scores as text, e.g. '543'
--
-- pandas twin: ecomkit.rfm_table(orders, as_of=..., start=...)

WITH params AS (                -- the placeholders, typed once
    SELECT CAST($start_date AS TIMESTAMP)             AS window_start,  -- inclusive
           CAST($as_of AS DATE)                       AS as_of_day,
           CAST($as_of AS TIMESTAMP) + INTERVAL 1 DAY AS window_end     -- exclusive
),
buyers AS (                     -- one row per buyer: last purchase, orders, money
    SELECT o.customer_id,
           MAX(o.paid_ts)                                AS last_paid_ts,
           COUNT(*)                                      AS frequency,
           SUM(CAST(o.paid_amount AS DECIMAL(18, 2)))    AS monetary
    FROM orders AS o
    CROSS JOIN params AS p
    WHERE o.paid_ts IS NOT NULL
      AND (p.window_start IS NULL OR o.paid_ts >= p.window_start)
      AND o.paid_ts < p.window_end
    GROUP BY o.customer_id
),
measured AS (                   -- recency in calendar days at the scoring day
    SELECT b.customer_id,
           date_diff('day', CAST(b.last_paid_ts AS DATE), p.as_of_day) AS recency_days,
           b.frequency,
           b.monetary
    FROM buyers AS b
    CROSS JOIN params AS p
),
ranked AS (                     -- rank from worst (1) to best; ties share the lowest rank
    SELECT customer_id,
           recency_days,
           frequency,
           monetary,
           COUNT(*) OVER ()                          AS n,
           RANK() OVER (ORDER BY recency_days DESC)  AS r_rank,   -- worst = longest ago
           RANK() OVER (ORDER BY frequency)          AS f_rank,   -- worst = fewest orders
           RANK() OVER (ORDER BY monetary)           AS m_rank    -- worst = least money
    FROM measured
),
scored AS (                     -- score = 1 + floor(5 * (rank - 1) / n)
    SELECT customer_id,
           recency_days,
           frequency,
           monetary,
           1 + CAST(FLOOR(5.0 * (r_rank - 1) / n) AS BIGINT) AS r_score,
           1 + CAST(FLOOR(5.0 * (f_rank - 1) / n) AS BIGINT) AS f_score,
           1 + CAST(FLOOR(5.0 * (m_rank - 1) / n) AS BIGINT) AS m_score
    FROM ranked
)
SELECT customer_id,
       recency_days,
       frequency,
       CAST(monetary AS DOUBLE)                                 AS monetary,
       r_score,
       f_score,
       m_score,
       CAST(r_score * 100 + f_score * 10 + m_score AS VARCHAR)  AS rfm_score
FROM scored
ORDER BY customer_id
