-- recipe: daily_visitor_activity
-- title: 访客日活 Daily visitor activity: one row per visitor per day with visits
--
-- What it computes
--   The reduction that every "daily visitor" metric starts from: for each day
--   and each visitor who visited that day, their visits, page views, events,
--   time on site, whether they clicked at all and whether it was their first
--   day ever. Then, per day:
--     访客数 UV                 = COUNT(*)
--     人均浏览量 PV per visitor  = SUM(page_views) / COUNT(*)
--     跳失率 (生意参谋)          = AVG(no_click)
--     新访客 new visitors        = SUM(new_visitor)
--   and multi-day values the 生意参谋 way are means of the daily values.
--
-- 口径
--   * A visit belongs to the day it STARTS (sessions.start_ts), with all its
--     events.
--   * no_click (生意参谋 跳失): the visitor's visits of that day hold at most
--     one event in total (only the landing page view).
--   * new_visitor: the day is the visitor's first visit day in the whole
--     sessions table, before the window too (GA4 new vs returning).
--   * page_views: events of type home_view, search, campaign_view, product_view.
--
-- Parameters
--   $start_date  DATE  first day of the window on sessions.start_ts, inclusive; NULL = no lower bound
--   $end_date    DATE  last day of the window, inclusive; NULL = no upper bound
--
-- Tables
--   sessions (session_id, visitor_id, start_ts, end_ts)
--   events (session_id, event_type)
--
-- Output: one row per day and visitor, sorted by day then visitor_id
--   day          TIMESTAMP  the day (midnight)
--   visitor_id   ID         the visitor
--   sessions     BIGINT     visits that day
--   page_views   BIGINT     page views of those visits
--   events       BIGINT     all events of those visits
--   duration_s   DOUBLE     total visit time, seconds (end_ts - start_ts)
--   no_click     BOOLEAN    at most one event that day (生意参谋 跳失)
--   new_visitor  BOOLEAN    first visit day ever
--
-- pandas twin: none (a reduction); ecomkit.unique_visitors, bounce_rate(method="sycm") and new_vs_returning_visitors give its aggregates

WITH params AS (                -- the placeholders, typed once
    SELECT CAST($start_date AS TIMESTAMP)                AS window_start,  -- inclusive
           CAST($end_date AS TIMESTAMP) + INTERVAL 1 DAY AS window_end     -- exclusive
),
first_days AS (                 -- each visitor's first visit day, over all history
    SELECT visitor_id, date_trunc('day', MIN(start_ts)) AS first_day
    FROM sessions
    GROUP BY visitor_id
),
visits AS (                     -- the visits that started in the window, with their day
    SELECT s.session_id,
           s.visitor_id,
           date_trunc('day', s.start_ts)                               AS day,
           date_diff('microsecond', s.start_ts, s.end_ts) / 1000000.0  AS duration_s
    FROM sessions AS s
    CROSS JOIN params AS p
    WHERE (p.window_start IS NULL OR s.start_ts >= p.window_start)
      AND (p.window_end IS NULL OR s.start_ts < p.window_end)
),
counts AS (                     -- page views and all events of each visit that has any
    SELECT session_id,
           SUM(CASE WHEN event_type IN ('home_view', 'search', 'campaign_view',
                                        'product_view') THEN 1 ELSE 0 END) AS page_views,
           COUNT(*)                                                      AS events
    FROM events
    GROUP BY session_id
),
per_day AS (                    -- one row per day and visitor
    SELECT v.day,
           v.visitor_id,
           COUNT(*)                                      AS sessions,
           CAST(SUM(COALESCE(c.page_views, 0)) AS BIGINT) AS page_views,
           CAST(SUM(COALESCE(c.events, 0)) AS BIGINT)     AS events,
           SUM(v.duration_s)                              AS duration_s
    FROM visits AS v
    LEFT JOIN counts AS c ON c.session_id = v.session_id
    GROUP BY v.day, v.visitor_id
)
SELECT d.day,
       d.visitor_id,
       d.sessions,
       d.page_views,
       d.events,
       d.duration_s,
       d.events <= 1          AS no_click,      -- 跳失: nothing clicked after landing
       d.day = f.first_day    AS new_visitor    -- first visit day ever
FROM per_day AS d
JOIN first_days AS f ON f.visitor_id = d.visitor_id
ORDER BY d.day, d.visitor_id
