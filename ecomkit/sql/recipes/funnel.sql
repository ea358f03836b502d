-- recipe: funnel
-- title: 转化漏斗 Closed session funnel: product view > add to cart > checkout > payment
--
-- What it computes
--   How many visits reach each step of the purchase funnel, in order, and the
--   conversion from the previous step and from the first step.
--
-- 口径
--   * Unit = the visit (session): every step must happen inside one visit.
--   * Closed funnel (GA4's default): a visit enters only at step 1, at its
--     first product_view. It reaches step k at its earliest step-k event AT OR
--     AFTER the time it reached step k-1 (ties count as in order; greedy
--     earliest match). Skipping a step ends the visit's progress.
--   * Only events with event_ts in the window are used.
--   * step_conversion = count / previous count (1 for step 1); overall_conversion
--     = count / step-1 count; drop_off = previous count - count (0 for step 1).
--     A rate with a zero denominator is NULL.
--   * To use other steps, edit the four event types in step_events and the
--     step names in `counts`.
--
-- Parameters
--   $start_date  DATE  first day of the window on events.event_ts, inclusive; NULL = no lower bound
--   $end_date    DATE  last day of the window, inclusive (the whole day counts); NULL = no upper bound
--
-- Tables
--   events (session_id, event_ts, event_type)
--
-- Output: one row per step, in funnel order
--   step                VARCHAR  event type of the step
--   step_number         BIGINT   1 to 4
--   count               BIGINT   visits reaching the step
--   entered             BIGINT   visits entering the funnel at this step (step 1 only)
--   step_conversion     DOUBLE   count / previous step's count
--   overall_conversion  DOUBLE   count / step 1 count
--   drop_off            BIGINT   previous step's count - count
--
-- pandas twin: ecomkit.funnel(events, start=..., end=...)

WITH params AS (                -- the placeholders, typed once
    SELECT CAST($start_date AS TIMESTAMP)                AS window_start,  -- inclusive
           CAST($end_date AS TIMESTAMP) + INTERVAL 1 DAY AS window_end     -- exclusive
),
step_events AS (                -- only the events that are funnel steps, in the window
    SELECT e.session_id, e.event_ts, e.event_type
    FROM events AS e
    CROSS JOIN params AS p
    WHERE e.event_type IN ('product_view', 'add_to_cart', 'checkout', 'payment')
      AND (p.window_start IS NULL OR e.event_ts >= p.window_start)
      AND (p.window_end IS NULL OR e.event_ts < p.window_end)
),
step1 AS (                      -- entry: the first product view of each visit
    SELECT session_id, MIN(event_ts) AS reached_ts
    FROM step_events
    WHERE event_type = 'product_view'
    GROUP BY session_id
),
step2 AS (                      -- the first add-to-cart at or after that
    SELECT e.session_id, MIN(e.event_ts) AS reached_ts
    FROM step_events AS e
    JOIN step1 AS prev ON e.session_id = prev.session_id
                      AND e.event_ts >= prev.reached_ts
    WHERE e.event_type = 'add_to_cart'
    GROUP BY e.session_id
),
step3 AS (                      -- the first checkout at or after the add-to-cart
    SELECT e.session_id, MIN(e.event_ts) AS reached_ts
    FROM step_events AS e
    JOIN step2 AS prev ON e.session_id = prev.session_id
                      AND e.event_ts >= prev.reached_ts
    WHERE e.event_type = 'checkout'
    GROUP BY e.session_id
),
step4 AS (                      -- the first payment at or after the checkout
    SELECT e.session_id, MIN(e.event_ts) AS reached_ts
    FROM step_events AS e
    JOIN step3 AS prev ON e.session_id = prev.session_id
                      AND e.event_ts >= prev.reached_ts
    WHERE e.event_type = 'payment'
    GROUP BY e.session_id
),
counts AS (                     -- visits reaching each step
    SELECT 1 AS step_number, 'product_view' AS step, COUNT(*) AS count FROM step1
    UNION ALL
    SELECT 2 AS step_number, 'add_to_cart' AS step, COUNT(*) AS count FROM step2
    UNION ALL
    SELECT 3 AS step_number, 'checkout' AS step, COUNT(*) AS count FROM step3
    UNION ALL
    SELECT 4 AS step_number, 'payment' AS step, COUNT(*) AS count FROM step4
),
with_previous AS (              -- each step next to the previous and the first step
    SELECT step_number,
           step,
           count,
           LAG(count) OVER (ORDER BY step_number)         AS previous_count,
           FIRST_VALUE(count) OVER (ORDER BY step_number) AS first_count
    FROM counts
)
SELECT step,
       step_number,
       count,
       CASE WHEN step_number = 1 THEN count ELSE 0 END                AS entered,
       CAST(count AS DOUBLE)
           / NULLIF(CASE WHEN step_number = 1 THEN count
                         ELSE previous_count END, 0)                  AS step_conversion,
       CAST(count AS DOUBLE) / NULLIF(first_count, 0)                 AS overall_conversion,
       CASE WHEN step_number = 1 THEN 0 ELSE previous_count - count END AS drop_off
FROM with_previous
ORDER BY step_number
