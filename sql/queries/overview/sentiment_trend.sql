-- Average interaction sentiment per day, week or month (:grain; an hourly grain draws days here).
SELECT
    CASE :grain
        WHEN 'week' THEN DATE_TRUNC('WEEK', INTERACTION_TS)
        WHEN 'month' THEN DATE_TRUNC('MONTH', INTERACTION_TS)
        ELSE DATE_TRUNC('DAY', INTERACTION_TS)
    END::DATE AS PERIOD,
    AVG(SENTIMENT_SCORE) AS AVG_SENTIMENT
FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS
GROUP BY 1
ORDER BY 1
