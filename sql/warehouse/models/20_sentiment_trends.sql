-- SENTIMENT_TRENDS: one row per customer with at least one scored text, over the whole history.
-- SENTIMENT_TREND is the least-squares slope of the score against time, in score points per
-- 30 days (0 with a single observation); SENTIMENT_VOLATILITY the sample standard deviation.
-- OVERALL_SENTIMENT uses the same cut-offs as SENTIMENT_LABEL, on the average.
WITH per_customer AS (
    SELECT
        CUSTOMER_ID,
        ROUND(AVG(SENTIMENT_SCORE), 4) AS AVG_SENTIMENT,
        ROUND(
            COALESCE(
                REGR_SLOPE(SENTIMENT_SCORE, DATE_PART(EPOCH_SECOND, SENTIMENT_TS) / 86400) * 30, 0
            ),
            4
        ) AS SENTIMENT_TREND,
        ROUND(COALESCE(STDDEV_SAMP(SENTIMENT_SCORE), 0), 4) AS SENTIMENT_VOLATILITY,
        COUNT(*) AS OBSERVATIONS,
        MIN(SENTIMENT_TS) AS FIRST_SEEN,
        MAX(SENTIMENT_TS) AS LAST_SEEN
    FROM ANALYTICS.SENTIMENT_ANALYSIS
    GROUP BY CUSTOMER_ID
)
SELECT
    CUSTOMER_ID,
    AVG_SENTIMENT,
    SENTIMENT_TREND,
    SENTIMENT_VOLATILITY,
    OBSERVATIONS,
    FIRST_SEEN,
    LAST_SEEN,
    CASE
        WHEN AVG_SENTIMENT > 0.2 THEN 'Positive'
        WHEN AVG_SENTIMENT < -0.2 THEN 'Negative'
        ELSE 'Neutral'
    END AS OVERALL_SENTIMENT
FROM per_customer
ORDER BY CUSTOMER_ID
