-- Reviews written per hour, day, week (from Monday) or month (:grain).
SELECT
    CASE :grain
        WHEN 'hour' THEN DATE_TRUNC('HOUR', REVIEW_TS)
        WHEN 'week' THEN DATE_TRUNC('WEEK', REVIEW_TS)
        WHEN 'month' THEN DATE_TRUNC('MONTH', REVIEW_TS)
        ELSE DATE_TRUNC('DAY', REVIEW_TS)
    END AS PERIOD,
    COUNT(*) AS REVIEWS
FROM ANALYTICS.FACT_PRODUCT_REVIEWS
GROUP BY 1
ORDER BY 1
