-- recipe: traffic_by_period
-- title: 流量趋势 Traffic by period and channel: UV, visits, PV and bounce rate
--
-- What it computes
--   For each period of the visit start and each traffic channel (流量来源):
--   uv (访客数) = distinct visitors, sessions (访问次数) = visits, pv (浏览量) =
--   page views of those visits, and bounce_rate (跳出率) = visits with exactly
--   one page view / visits.
--
-- 口径
--   * A visit belongs to the period in which it STARTS (sessions.start_ts); all
--     its page views count there, even those after midnight.
--   * Page views are the events of type home_view, search, campaign_view and
--     product_view. favorite, add_to_cart, checkout and payment are actions on
--     a page, not page views.
--   * UV is distinct within each period and channel: the sum of daily UV is
--     not the monthly UV, and a visitor who came through two channels counts
--     in both.
--   * Bounce is the single-page 口径: one page view plus an add-to-cart still
--     bounced; a visit with no page view at all did not.
--   * Events whose session is not in `sessions` are not counted.
--
-- Parameters
--   $start_date  DATE     first day of the window on sessions.start_ts, inclusive; NULL = no lower bound
--   $end_date    DATE     last day of the window, inclusive (the whole day counts); NULL = no upper bound
--   $freq        VARCHAR  period length: 'D' day, 'W' week (Monday to Sunday), 'M' month, 'Q' quarter, 'Y' year
--
-- Tables
--   sessions (session_id, visitor_id, start_ts, channel)
--   events (session_id, event_type)
--
-- Output: one row per period and channel with at least one visit, sorted by period then channel
--   period       TIMESTAMP  first day of the period
--   channel      VARCHAR    traffic channel of the visit
--   uv           BIGINT     distinct visitors
--   sessions     BIGINT     visits
--   pv           BIGINT     page views of those visits
--   bounce_rate  DOUBLE     visits with exactly one page view / visits, in [0, 1]
--
-- pandas twin: ecomkit.traffic_by_period(sessions, events, freq=..., by="channel", start=..., end=...)

WITH params AS (                -- the placeholders, typed once
    SELECT CAST($start_date AS TIMESTAMP)                AS window_start,  -- inclusive
           CAST($end_date AS TIMESTAMP) + INTERVAL 1 DAY AS window_end     -- exclusive
),
visits AS (                     -- the visits that started in the window, with their period
    SELECT s.session_id,
           s.visitor_id,
           s.channel,
           CASE $freq
               WHEN 'D' THEN date_trunc('day', s.start_ts)
               WHEN 'W' THEN date_trunc('week', s.start_ts)     -- ISO weeks: Monday
               WHEN 'M' THEN date_trunc('month', s.start_ts)
               WHEN 'Q' THEN date_trunc('quarter', s.start_ts)
               WHEN 'Y' THEN date_trunc('year', s.start_ts)
           END AS period
    FROM sessions AS s
    CROSS JOIN params AS p
    WHERE (p.window_start IS NULL OR s.start_ts >= p.window_start)
      AND (p.window_end IS NULL OR s.start_ts < p.window_end)
),
page_views AS (                 -- page views of each visit that has any
    SELECT session_id, COUNT(*) AS pv
    FROM events
    WHERE event_type IN ('home_view', 'search', 'campaign_view', 'product_view')
    GROUP BY session_id
),
per_visit AS (                  -- one row per visit: period, channel, visitor, page views
    SELECT v.period, v.channel, v.visitor_id, COALESCE(pv.pv, 0) AS pv
    FROM visits AS v
    LEFT JOIN page_views AS pv ON pv.session_id = v.session_id
)
SELECT period,
       channel,
       COUNT(DISTINCT visitor_id)                                  AS uv,           -- 访客数
       COUNT(*)                                                    AS sessions,     -- 访问次数
       CAST(SUM(pv) AS BIGINT)                                     AS pv,           -- 浏览量
       CAST(SUM(CASE WHEN pv = 1 THEN 1 ELSE 0 END) AS DOUBLE)
           / COUNT(*)                                              AS bounce_rate   -- 跳出率
FROM per_visit
GROUP BY period, channel
ORDER BY period, channel
