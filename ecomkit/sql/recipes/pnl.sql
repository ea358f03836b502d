-- recipe: pnl
-- title: 损益表 Profit and loss per period, from GMV down to operating profit
--
-- What it computes
--   The P&L waterfall per period, every line in the shop currency:
--     gmv               拍下金额: order_amount of the orders placed (by order_ts)
--     paid_amount       支付金额: paid_amount of the orders paid (by paid_ts)
--     shipping_fee      memo: shipping charged to buyers (in paid amount, not in net sales)
--     gross_sales       list_amount of the orders paid (商品原价)
--     discounts         discount_amount of the orders paid (优惠)
--     goods_sales       gross_sales - discounts (商品成交额)
--     refunds           goods refunded: refund_amount of the refunds completed (by
--                       refund_ts), each order's refunds capped at its goods value
--     net_sales         净销售额 = goods_sales - refunds
--     cogs              销售成本: quantity x unit_cost of the orders paid, less returned goods
--     gross_profit      毛利 = net_sales - cogs
--     logistics         物流费: shipping_cost of the orders paid
--     warehousing, packaging, platform_fee, payment_fee   variable costs (table costs)
--     marketing         推广费: marketing_spend.spend
--     contribution      边际贡献 = gross_profit - logistics - warehousing - packaging
--                       - platform_fee - payment_fee - marketing
--     staff, other      fixed costs 固定费用 (table costs)
--     operating_profit  经营利润 = contribution - staff - other
--   and the margins gross_margin, contribution_margin and operating_margin
--   (each / net_sales; NULL when net sales are <= 0).
--
-- 口径
--   * Every line is dated by its own time: an order's sales, discounts, COGS
--     and carrier fee by its payment time, GMV by its order time, refunds and
--     the cost of returned goods by the refund time, costs and ad spend by
--     their date. So a period's lines are what was booked in that period.
--   * A refund takes back goods up to its order's goods value (list - discount),
--     the refunds of one order taken in time order (ties by refund_id); what
--     exceeds it refunded shipping, which net sales never held (as
--     ecomkit.net_sales). Refunds of orders that were never paid are left out.
--   * Returned goods are restocked: a refund with is_return gives back the
--     order's COGS x the refunded share of its goods amount (list - discount;
--     a zero-value order gives all of it back), the returns of one order
--     taken in time order (ties by refund_id) and capped at 100 % of its COGS.
--     Only paid orders give cost back. Refund only (仅退款) keeps its cost in COGS.
--   * Every period from the window start (or the first data) to the window
--     end (or the last data) is shown, with zeros where nothing happened.
--   * cost_type values other than the six above are ignored.
--
-- Parameters
--   $start_date  DATE     first day of the window, inclusive; NULL = from the first data
--   $end_date    DATE     last day of the window, inclusive (the whole day counts); NULL = up to the last data
--   $freq        VARCHAR  period length: 'D' day, 'W' week (Monday to Sunday), 'M' month, 'Q' quarter, 'Y' year
--
-- Tables
--   orders (order_id, order_ts, paid_ts, order_amount, paid_amount, list_amount, discount_amount, shipping_fee, shipping_cost)
--   order_items (order_id, quantity, unit_cost)
--   refunds (refund_id, order_id, refund_ts, refund_amount, is_return)
--   costs (date, cost_type, amount)
--   marketing_spend (date, spend)
--
-- Output: one row per period, sorted by period
--   period               TIMESTAMP  first day of the period
--   gmv                  DOUBLE     拍下金额
--   paid_amount          DOUBLE     支付金额
--   shipping_fee         DOUBLE     shipping charged to buyers (memo)
--   gross_sales          DOUBLE     商品原价
--   discounts            DOUBLE     优惠
--   goods_sales          DOUBLE     gross_sales - discounts
--   refunds              DOUBLE     退款
--   net_sales            DOUBLE     净销售额
--   cogs                 DOUBLE     销售成本
--   gross_profit         DOUBLE     毛利
--   logistics            DOUBLE     物流费
--   warehousing          DOUBLE     仓储费
--   packaging            DOUBLE     包材费
--   platform_fee         DOUBLE     平台佣金
--   payment_fee          DOUBLE     支付手续费
--   marketing            DOUBLE     推广费
--   contribution         DOUBLE     边际贡献
--   staff                DOUBLE     人工 (fixed)
--   other                DOUBLE     其他 (fixed)
--   operating_profit     DOUBLE     经营利润
--   gross_margin         DOUBLE     gross_profit / net_sales
--   contribution_margin  DOUBLE     contribution / net_sales
--   operating_margin     DOUBLE     operating_profit / net_sales
--
-- pandas twin: ecomkit.pnl_table(orders, order_items, refunds, costs, marketing_spend, freq=..., start=..., end=...)  (refund_cap="goods", its default)

WITH params AS (                -- the placeholders, typed once
    SELECT CAST($start_date AS TIMESTAMP)                AS window_start,  -- inclusive
           CAST($end_date AS TIMESTAMP) + INTERVAL 1 DAY AS window_end,    -- exclusive
           CAST($end_date AS TIMESTAMP)                  AS last_day
),
order_cogs AS (                 -- COGS of each order: sum of quantity x unit_cost
    SELECT order_id, SUM(quantity * unit_cost) AS cogs
    FROM order_items
    GROUP BY order_id
),
refund_goods AS (               -- the goods part of each refund: at most what is left of its order's goods
    SELECT r.refund_ts,
           LEAST(r.refund_amount,
                 GREATEST(o.list_amount - o.discount_amount
                          - (SUM(r.refund_amount) OVER (PARTITION BY r.order_id
                                                        ORDER BY r.refund_ts, r.refund_id
                                                        ROWS BETWEEN UNBOUNDED PRECEDING
                                                                 AND CURRENT ROW)
                             - r.refund_amount),           -- refunded before this one
                          0.0)) AS amount
    FROM refunds AS r
    JOIN orders AS o ON o.order_id = r.order_id AND o.paid_ts IS NOT NULL
    WHERE r.refund_ts IS NOT NULL
),
returns AS (                    -- refunds whose goods came back, with the share of the order they return
    SELECT r.refund_id,
           r.order_id,
           r.refund_ts,
           COALESCE(c.cogs, 0.0) AS order_cogs,
           CASE WHEN o.paid_ts IS NULL THEN 0.0                      -- never sold: nothing to give back
                WHEN o.list_amount - o.discount_amount > 0
                    THEN r.refund_amount / (o.list_amount - o.discount_amount)
                ELSE 1.0                                             -- a zero-value order: all of it
           END AS share
    FROM refunds AS r
    JOIN orders AS o ON o.order_id = r.order_id
    LEFT JOIN order_cogs AS c ON c.order_id = r.order_id
    WHERE r.is_return AND r.refund_ts IS NOT NULL
),
returns_running AS (            -- running share per order in time order, capped at 100 %
    SELECT refund_id,
           order_id,
           refund_ts,
           order_cogs,
           LEAST(SUM(share) OVER (PARTITION BY order_id ORDER BY refund_ts, refund_id
                                  ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW),
                 1.0) AS cum_share
    FROM returns
),
returned_cogs AS (              -- each return gives back its step of the capped running share
    SELECT refund_ts,
           order_cogs * (cum_share - COALESCE(LAG(cum_share) OVER (PARTITION BY order_id
                                                                   ORDER BY refund_ts, refund_id),
                                              0.0)) AS cogs_back
    FROM returns_running
),
journal AS (                    -- every booking as (time, line, amount): one P&L line per row
    SELECT order_ts AS ts, 'gmv' AS line, order_amount AS amount
    FROM orders WHERE order_ts IS NOT NULL
    UNION ALL
    SELECT paid_ts, 'paid_amount', paid_amount FROM orders WHERE paid_ts IS NOT NULL
    UNION ALL
    SELECT paid_ts, 'shipping_fee', shipping_fee FROM orders WHERE paid_ts IS NOT NULL
    UNION ALL
    SELECT paid_ts, 'gross_sales', list_amount FROM orders WHERE paid_ts IS NOT NULL
    UNION ALL
    SELECT paid_ts, 'discounts', discount_amount FROM orders WHERE paid_ts IS NOT NULL
    UNION ALL
    SELECT paid_ts, 'logistics', shipping_cost FROM orders WHERE paid_ts IS NOT NULL
    UNION ALL
    SELECT o.paid_ts, 'cogs', c.cogs                                 -- cost of the goods sold
    FROM orders AS o JOIN order_cogs AS c ON c.order_id = o.order_id
    WHERE o.paid_ts IS NOT NULL
    UNION ALL
    SELECT refund_ts, 'cogs', -cogs_back FROM returned_cogs           -- cost of the goods back in stock
    UNION ALL
    SELECT refund_ts, 'refunds', amount FROM refund_goods                -- goods taken back
    UNION ALL
    SELECT CAST(date AS TIMESTAMP), CAST(cost_type AS VARCHAR), amount FROM costs WHERE date IS NOT NULL
    UNION ALL
    SELECT CAST(date AS TIMESTAMP), 'marketing', spend FROM marketing_spend WHERE date IS NOT NULL
),
booked AS (                     -- the bookings in the window, with their period
    SELECT CASE $freq
               WHEN 'D' THEN date_trunc('day', j.ts)
               WHEN 'W' THEN date_trunc('week', j.ts)     -- ISO weeks: Monday
               WHEN 'M' THEN date_trunc('month', j.ts)
               WHEN 'Q' THEN date_trunc('quarter', j.ts)
               WHEN 'Y' THEN date_trunc('year', j.ts)
           END AS period,
           j.line,
           j.amount
    FROM journal AS j
    CROSS JOIN params AS p
    WHERE (p.window_start IS NULL OR j.ts >= p.window_start)
      AND (p.window_end IS NULL OR j.ts < p.window_end)
),
lines AS (                      -- the base lines side by side, one row per period with bookings
    SELECT period,
           SUM(CASE WHEN line = 'gmv'          THEN amount ELSE 0 END) AS gmv,
           SUM(CASE WHEN line = 'paid_amount'  THEN amount ELSE 0 END) AS paid_amount,
           SUM(CASE WHEN line = 'shipping_fee' THEN amount ELSE 0 END) AS shipping_fee,
           SUM(CASE WHEN line = 'gross_sales'  THEN amount ELSE 0 END) AS gross_sales,
           SUM(CASE WHEN line = 'discounts'    THEN amount ELSE 0 END) AS discounts,
           SUM(CASE WHEN line = 'refunds'      THEN amount ELSE 0 END) AS refunds,
           SUM(CASE WHEN line = 'cogs'         THEN amount ELSE 0 END) AS cogs,
           SUM(CASE WHEN line = 'logistics'    THEN amount ELSE 0 END) AS logistics,
           SUM(CASE WHEN line = 'warehousing'  THEN amount ELSE 0 END) AS warehousing,
           SUM(CASE WHEN line = 'packaging'    THEN amount ELSE 0 END) AS packaging,
           SUM(CASE WHEN line = 'platform_fee' THEN amount ELSE 0 END) AS platform_fee,
           SUM(CASE WHEN line = 'payment_fee'  THEN amount ELSE 0 END) AS payment_fee,
           SUM(CASE WHEN line = 'marketing'    THEN amount ELSE 0 END) AS marketing,
           SUM(CASE WHEN line = 'staff'        THEN amount ELSE 0 END) AS staff,
           SUM(CASE WHEN line = 'other'        THEN amount ELSE 0 END) AS other
    FROM booked
    GROUP BY period
),
bounds AS (                     -- first and last day of the calendar: the window, else the data
    SELECT CAST(COALESCE(p.window_start, (SELECT MIN(period) FROM lines)) AS DATE) AS first_day,
           CAST(COALESCE(p.last_day, (SELECT MAX(period) FROM lines)) AS DATE)     AS last_day
    FROM params AS p
),
calendar AS (                   -- every period between them, booked or not
    SELECT DISTINCT
           CASE $freq
               WHEN 'D' THEN date_trunc('day', CAST(d.day AS TIMESTAMP))
               WHEN 'W' THEN date_trunc('week', CAST(d.day AS TIMESTAMP))
               WHEN 'M' THEN date_trunc('month', CAST(d.day AS TIMESTAMP))
               WHEN 'Q' THEN date_trunc('quarter', CAST(d.day AS TIMESTAMP))
               WHEN 'Y' THEN date_trunc('year', CAST(d.day AS TIMESTAMP))
           END AS period
    FROM bounds AS b
    CROSS JOIN UNNEST(generate_series(b.first_day, b.last_day, INTERVAL 1 DAY)) AS d(day)
),
books AS (                      -- 0 where a period has no booking of a line
    SELECT c.period,
           COALESCE(l.gmv, 0.0)          AS gmv,
           COALESCE(l.paid_amount, 0.0)  AS paid_amount,
           COALESCE(l.shipping_fee, 0.0) AS shipping_fee,
           COALESCE(l.gross_sales, 0.0)  AS gross_sales,
           COALESCE(l.discounts, 0.0)    AS discounts,
           COALESCE(l.refunds, 0.0)      AS refunds,
           COALESCE(l.cogs, 0.0)         AS cogs,
           COALESCE(l.logistics, 0.0)    AS logistics,
           COALESCE(l.warehousing, 0.0)  AS warehousing,
           COALESCE(l.packaging, 0.0)    AS packaging,
           COALESCE(l.platform_fee, 0.0) AS platform_fee,
           COALESCE(l.payment_fee, 0.0)  AS payment_fee,
           COALESCE(l.marketing, 0.0)    AS marketing,
           COALESCE(l.staff, 0.0)        AS staff,
           COALESCE(l.other, 0.0)        AS other
    FROM calendar AS c
    LEFT JOIN lines AS l ON l.period = c.period
),
waterfall AS (                  -- the subtotals, subtracting line by line
    SELECT *,
           gross_sales - discounts                                     AS goods_sales,
           gross_sales - discounts - refunds                           AS net_sales,
           gross_sales - discounts - refunds - cogs                    AS gross_profit,
           gross_sales - discounts - refunds - cogs - logistics - warehousing
               - packaging - platform_fee - payment_fee - marketing    AS contribution
    FROM books
)
SELECT period, gmv, paid_amount, shipping_fee, gross_sales, discounts, goods_sales,
       refunds, net_sales, cogs, gross_profit, logistics, warehousing, packaging,
       platform_fee, payment_fee, marketing, contribution, staff, other,
       contribution - staff - other                                       AS operating_profit,
       CASE WHEN net_sales > 0 THEN gross_profit / net_sales END          AS gross_margin,
       CASE WHEN net_sales > 0 THEN contribution / net_sales END          AS contribution_margin,
       CASE WHEN net_sales > 0 THEN (contribution - staff - other) / net_sales END
                                                                          AS operating_margin
FROM waterfall
ORDER BY period
