-- How each source's scores are distributed: the share of that source's scored texts in each bin of
-- 0.1 (a score of exactly 1 counts in the top bin, 0.9 to 1).
WITH binned AS (
    SELECT
        SOURCE_TYPE,
        LEAST(FLOOR(ROUND(SENTIMENT_SCORE * 10, 9)) / 10, 0.9) AS SENTIMENT_FROM
    FROM ANALYTICS.SENTIMENT_ANALYSIS
)
SELECT
    SENTIMENT_FROM,
    SOURCE_TYPE,
    COUNT(*)::FLOAT / SUM(COUNT(*)) OVER (PARTITION BY SOURCE_TYPE) AS SHARE
FROM binned
GROUP BY 1, 2
ORDER BY 1, 2
