-- Average sentiment of customer interactions in the period.
SELECT AVG(SENTIMENT_SCORE) AS VALUE
FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS
