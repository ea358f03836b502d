-- recipe: customer_summary
-- title: 客户汇总 Order-level customer summary for RFM and CLV
--
-- What it computes
--   The reduction of the orders table to one row per buyer, as of a scoring
--   day: what RFM scoring and the BTYD models of customer lifetime value
--   (CLV 客户生命周期价值: BG/NBD + Gamma-Gamma) need.
--     RFM:  recency_days, orders, paid_amount
--     BTYD: btyd_frequency, btyd_recency, btyd_T, btyd_monetary_value (days,
--           the inputs of lifetimes' summary_data_from_transaction_data)
--
-- 口径
--   * A purchase is a paid order (paid_ts set) paid on or before $as_of.
--   * recency_days = $as_of - day of the last purchase (0 = bought that day).
--   * BTYD counts purchase DAYS: all paid orders of one day are one purchase
--     with their amounts added.
--       btyd_frequency      = purchase days - 1 (repeat purchases)
--       btyd_recency        = last purchase day - first purchase day
--       btyd_T              = $as_of - first purchase day
--       btyd_monetary_value = mean amount of the REPEAT purchase days (the
--                             first day is left out; 0 for one-time buyers)
--   * With $start_date only orders from that day on are used, which also moves
--     the first purchase: leave it NULL for the BTYD columns.
--
-- Parameters
--   $start_date  DATE  ignore orders paid before this day; NULL = all history
--   $as_of       DATE  the scoring day; orders paid after that whole day are ignored (required)
--
-- Tables
--   orders (customer_id, paid_ts, paid_amount)
--
-- Output: one row per buyer, sorted by customer_id
--   customer_id          ID         the buyer
--   first_paid_ts        TIMESTAMP  first paid order
--   last_paid_ts         TIMESTAMP  last paid order
--   orders               BIGINT     paid orders (RFM frequency)
--   purchase_days        BIGINT     distinct days with a paid order
--   paid_amount          DOUBLE     sum of paid_amount (RFM monetary, 支付金额)
--   recency_days         BIGINT     $as_of - last purchase day (RFM recency)
--   btyd_frequency       DOUBLE     purchase days - 1
--   btyd_recency         DOUBLE     last - first purchase day, days
--   btyd_T               DOUBLE     $as_of - first purchase day, days
--   btyd_monetary_value  DOUBLE     mean amount of the repeat purchase days
--
-- pandas twin: none (a reduction); ecomkit.rfm_table and ecomkit.btyd_summary(freq="D", observation_end=...) give the same figures

WITH params AS (                -- the placeholders, typed once
    SELECT CAST($start_date AS TIMESTAMP)             AS window_start,  -- inclusive
           CAST($as_of AS DATE)                       AS as_of_day,
           CAST($as_of AS TIMESTAMP) + INTERVAL 1 DAY AS window_end     -- exclusive
),
purchases AS (                  -- the paid orders up to the scoring day
    SELECT o.customer_id, o.paid_ts, CAST(o.paid_ts AS DATE) AS day, o.paid_amount
    FROM orders AS o
    CROSS JOIN params AS p
    WHERE o.paid_ts IS NOT NULL
      AND (p.window_start IS NULL OR o.paid_ts >= p.window_start)
      AND o.paid_ts < p.window_end
),
purchase_days AS (              -- one purchase per customer and day, amounts added
    SELECT customer_id,
           day,
           SUM(paid_amount)                                            AS amount,
           ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY day)    AS day_number
    FROM purchases
    GROUP BY customer_id, day
),
per_day AS (                    -- per customer: days, first and last day, repeat-day money
    SELECT customer_id,
           COUNT(*)                                              AS purchase_days,
           MIN(day)                                              AS first_day,
           MAX(day)                                              AS last_day,
           SUM(CASE WHEN day_number > 1 THEN amount ELSE 0 END)  AS repeat_amount
    FROM purchase_days
    GROUP BY customer_id
),
per_order AS (                  -- per customer: orders, money, first and last order
    SELECT customer_id,
           MIN(paid_ts)     AS first_paid_ts,
           MAX(paid_ts)     AS last_paid_ts,
           COUNT(*)         AS orders,
           SUM(paid_amount) AS paid_amount
    FROM purchases
    GROUP BY customer_id
)
SELECT o.customer_id,
       o.first_paid_ts,
       o.last_paid_ts,
       o.orders,
       d.purchase_days,
       o.paid_amount,
       date_diff('day', d.last_day, p.as_of_day)                     AS recency_days,
       CAST(d.purchase_days - 1 AS DOUBLE)                           AS btyd_frequency,
       CAST(date_diff('day', d.first_day, d.last_day) AS DOUBLE)     AS btyd_recency,
       CAST(date_diff('day', d.first_day, p.as_of_day) AS DOUBLE)    AS btyd_T,
       CASE WHEN d.purchase_days > 1
            THEN d.repeat_amount / (d.purchase_days - 1)
            ELSE 0.0 END                                             AS btyd_monetary_value
FROM per_order AS o
JOIN per_day AS d ON d.customer_id = o.customer_id
CROSS JOIN params AS p
ORDER BY o.customer_id
