-- Reviews per star rating and sentiment bin of 0.1 (drawn at the bin's middle; a score of exactly 1
-- counts in the top bin, 0.9 to 1). Reviews without a sentiment score are left out.
WITH binned AS (
    SELECT REVIEW_RATING, LEAST(FLOOR(ROUND(SENTIMENT_SCORE * 10, 9)) / 10, 0.9) AS SENTIMENT_FROM
    FROM ANALYTICS.FACT_PRODUCT_REVIEWS
    WHERE SENTIMENT_SCORE IS NOT NULL
)
SELECT REVIEW_RATING, SENTIMENT_FROM + 0.05 AS SENTIMENT_MID, COUNT(*) AS REVIEWS
FROM binned
GROUP BY REVIEW_RATING, SENTIMENT_FROM
ORDER BY REVIEW_RATING, SENTIMENT_FROM
