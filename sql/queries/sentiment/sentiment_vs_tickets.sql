-- Per hour, day, week (from Monday) or month (:grain): the average interaction sentiment and the
-- number of support tickets created. A period with interactions but no ticket counts 0 tickets; a
-- period with tickets but no interaction has no sentiment.
WITH sentiment AS (
    SELECT
        CASE :grain
            WHEN 'hour' THEN DATE_TRUNC('HOUR', INTERACTION_TS)
            WHEN 'week' THEN DATE_TRUNC('WEEK', INTERACTION_TS)
            WHEN 'month' THEN DATE_TRUNC('MONTH', INTERACTION_TS)
            ELSE DATE_TRUNC('DAY', INTERACTION_TS)
        END AS PERIOD,
        AVG(SENTIMENT_SCORE) AS AVG_SENTIMENT
    FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS
    GROUP BY 1
),
tickets AS (
    SELECT
        CASE :grain
            WHEN 'hour' THEN DATE_TRUNC('HOUR', CREATED_AT)
            WHEN 'week' THEN DATE_TRUNC('WEEK', CREATED_AT)
            WHEN 'month' THEN DATE_TRUNC('MONTH', CREATED_AT)
            ELSE DATE_TRUNC('DAY', CREATED_AT)
        END AS PERIOD,
        COUNT(*) AS TICKETS
    FROM ANALYTICS.FACT_SUPPORT_TICKETS
    GROUP BY 1
)
SELECT
    COALESCE(s.PERIOD, t.PERIOD) AS PERIOD,
    s.AVG_SENTIMENT,
    COALESCE(t.TICKETS, 0) AS TICKETS
FROM sentiment s
FULL OUTER JOIN tickets t ON t.PERIOD = s.PERIOD
ORDER BY 1
