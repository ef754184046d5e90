-- Three measures per review language, each scaled to 0..1 so they share one radial axis:
-- average rating (1 star = 0, 5 stars = 1), average sentiment (-1 = 0, 1 = 1) and the language's
-- share of the period's reviews. One row per measure and language.
WITH per_language AS (
    SELECT
        REVIEW_LANGUAGE,
        (AVG(REVIEW_RATING) - 1) / 4 AS RATING,
        (AVG(SENTIMENT_SCORE) + 1) / 2 AS SENTIMENT,
        COUNT(*)::FLOAT / SUM(COUNT(*)) OVER () AS SHARE
    FROM ANALYTICS.FACT_PRODUCT_REVIEWS
    GROUP BY 1
)
SELECT REVIEW_LANGUAGE, MEASURE, VALUE
FROM (
    SELECT REVIEW_LANGUAGE, 'Average rating' AS MEASURE, RATING AS VALUE FROM per_language
    UNION ALL
    SELECT REVIEW_LANGUAGE, 'Average sentiment' AS MEASURE, SENTIMENT AS VALUE FROM per_language
    UNION ALL
    SELECT REVIEW_LANGUAGE, 'Share of reviews' AS MEASURE, SHARE AS VALUE FROM per_language
) measures
ORDER BY MEASURE, REVIEW_LANGUAGE
