-- Pearson correlation of review rating and review sentiment in the period (reviews with both).
SELECT CORR(REVIEW_RATING, SENTIMENT_SCORE) AS VALUE
FROM ANALYTICS.FACT_PRODUCT_REVIEWS
