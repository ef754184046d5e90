-- Average sentiment of every scored text per hour, day, week (from Monday) or month (:grain),
-- one row per period and source (interaction, review, ticket).
SELECT
    CASE :grain
        WHEN 'hour' THEN DATE_TRUNC('HOUR', SENTIMENT_TS)
        WHEN 'week' THEN DATE_TRUNC('WEEK', SENTIMENT_TS)
        WHEN 'month' THEN DATE_TRUNC('MONTH', SENTIMENT_TS)
        ELSE DATE_TRUNC('DAY', SENTIMENT_TS)
    END AS PERIOD,
    SOURCE_TYPE,
    AVG(SENTIMENT_SCORE) AS AVG_SENTIMENT
FROM ANALYTICS.SENTIMENT_ANALYSIS
GROUP BY 1, 2
ORDER BY 1, 2
