-- recipe: session_summary
-- title: 访问明细 Sessions summarised: page views, events, duration, deepest funnel step, bounce
--
-- What it computes
--   The heavy reduction of the event log: one row per visit that started in
--   the window, with its page views, all its events, its duration, the deepest
--   step of the purchase funnel it reached and whether it bounced. The event
--   log (tens of events per visit) shrinks to one row per visit, and most
--   traffic and conversion metrics are then one GROUP BY away:
--     跳出率 bounce rate      = AVG(bounced)            (single-page 口径)
--     平均访问深度 views/visit = AVG(page_views)
--     平均访问时长             = AVG(duration_s)
--     GA4 bounce rate         = 1 - AVG(duration_s > 10 OR page_views >= 2 OR paid)
--     closed funnel step k    = COUNT(*) WHERE funnel_step >= k
--
-- 口径
--   * A visit is in the window when it STARTS in it (sessions.start_ts); all
--     its events count, even those after the end of the window.
--   * page_views: events of type home_view, search, campaign_view, product_view.
--   * duration_s = end_ts - start_ts in seconds.
--   * funnel_step: deepest step of the closed funnel product_view (1) >
--     add_to_cart (2) > checkout (3) > payment (4) reached inside the visit,
--     each step at or after the previous one (ties count as in order); 0 when
--     the visit has no product view.
--   * bounced: exactly one page view (one page plus an add-to-cart still bounced).
--   * paid: the visit holds a payment event, in any order (GA4's key event).
--
-- Parameters
--   $start_date  DATE  first day of the window on sessions.start_ts, inclusive; NULL = no lower bound
--   $end_date    DATE  last day of the window, inclusive (the whole day counts); NULL = no upper bound
--
-- Tables
--   sessions (session_id, visitor_id, customer_id, start_ts, end_ts, channel, device)
--   events (session_id, event_ts, event_type)
--
-- Output: one row per visit, sorted by start_ts then session_id
--   session_id   ID         the visit
--   visitor_id   ID         the visitor (device), logged in or not
--   customer_id  ID         the customer when logged in, else NULL
--   start_ts     TIMESTAMP  first event time
--   channel      VARCHAR    traffic channel
--   device       VARCHAR    device
--   page_views   BIGINT     page views
--   events       BIGINT     all events (page views and actions)
--   duration_s   DOUBLE     end_ts - start_ts, seconds
--   funnel_step  BIGINT     deepest closed-funnel step reached, 0 to 4
--   bounced      BOOLEAN    exactly one page view
--   paid         BOOLEAN    has a payment event
--
-- pandas twin: none (a reduction); ecomkit.bounce_rate (single_page, ga4), views_per_session, avg_session_duration and funnel give its aggregates

WITH params AS (                -- the placeholders, typed once
    SELECT CAST($start_date AS TIMESTAMP)                AS window_start,  -- inclusive
           CAST($end_date AS TIMESTAMP) + INTERVAL 1 DAY AS window_end     -- exclusive
),
visits AS (                     -- the visits that started in the window
    SELECT s.session_id, s.visitor_id, s.customer_id, s.start_ts, s.end_ts,
           s.channel, s.device
    FROM sessions AS s
    CROSS JOIN params AS p
    WHERE (p.window_start IS NULL OR s.start_ts >= p.window_start)
      AND (p.window_end IS NULL OR s.start_ts < p.window_end)
),
counts AS (                     -- page views, payments and all events of each visit that has any
    SELECT session_id,
           SUM(CASE WHEN event_type IN ('home_view', 'search', 'campaign_view',
                                        'product_view') THEN 1 ELSE 0 END) AS page_views,
           SUM(CASE WHEN event_type = 'payment' THEN 1 ELSE 0 END)        AS payments,
           COUNT(*)                                                      AS events
    FROM events
    GROUP BY session_id
),
step_events AS (                -- the funnel-step events of those visits
    SELECT session_id, event_ts, event_type
    FROM events
    WHERE event_type IN ('product_view', 'add_to_cart', 'checkout', 'payment')
      AND session_id IN (SELECT session_id FROM visits)
),
step1 AS (                      -- first product view
    SELECT session_id, MIN(event_ts) AS reached_ts
    FROM step_events
    WHERE event_type = 'product_view'
    GROUP BY session_id
),
step2 AS (                      -- first add-to-cart at or after it
    SELECT e.session_id, MIN(e.event_ts) AS reached_ts
    FROM step_events AS e
    JOIN step1 AS prev ON e.session_id = prev.session_id AND e.event_ts >= prev.reached_ts
    WHERE e.event_type = 'add_to_cart'
    GROUP BY e.session_id
),
step3 AS (                      -- first checkout at or after that
    SELECT e.session_id, MIN(e.event_ts) AS reached_ts
    FROM step_events AS e
    JOIN step2 AS prev ON e.session_id = prev.session_id AND e.event_ts >= prev.reached_ts
    WHERE e.event_type = 'checkout'
    GROUP BY e.session_id
),
step4 AS (                      -- first payment at or after that
    SELECT e.session_id, MIN(e.event_ts) AS reached_ts
    FROM step_events AS e
    JOIN step3 AS prev ON e.session_id = prev.session_id AND e.event_ts >= prev.reached_ts
    WHERE e.event_type = 'payment'
    GROUP BY e.session_id
)
SELECT v.session_id,
       v.visitor_id,
       v.customer_id,
       v.start_ts,
       v.channel,
       v.device,
       CAST(COALESCE(c.page_views, 0) AS BIGINT)                 AS page_views,
       CAST(COALESCE(c.events, 0) AS BIGINT)                     AS events,
       date_diff('microsecond', v.start_ts, v.end_ts) / 1000000.0 AS duration_s,
       CASE WHEN s4.session_id IS NOT NULL THEN 4
            WHEN s3.session_id IS NOT NULL THEN 3
            WHEN s2.session_id IS NOT NULL THEN 2
            WHEN s1.session_id IS NOT NULL THEN 1
            ELSE 0 END                                           AS funnel_step,
       COALESCE(c.page_views, 0) = 1                             AS bounced,
       COALESCE(c.payments, 0) > 0                               AS paid
FROM visits AS v
LEFT JOIN counts AS c ON c.session_id = v.session_id
LEFT JOIN step1 AS s1 ON s1.session_id = v.session_id
LEFT JOIN step2 AS s2 ON s2.session_id = v.session_id
LEFT JOIN step3 AS s3 ON s3.session_id = v.session_id
LEFT JOIN step4 AS s4 ON s4.session_id = v.session_id
ORDER BY v.start_ts, v.session_id
