-- Number of product reviews written in the period.
SELECT COUNT(*) AS VALUE
FROM ANALYTICS.FACT_PRODUCT_REVIEWS
