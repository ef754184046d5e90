-- Each customer's sentiment trend (slope per 30 days) against its volatility (standard deviation),
-- over the customer's whole history: the 2,000 customers with the most scored texts among those
-- with at least 5, ties broken by customer id.
SELECT CUSTOMER_ID, SENTIMENT_TREND, SENTIMENT_VOLATILITY, OVERALL_SENTIMENT, OBSERVATIONS
FROM ANALYTICS.SENTIMENT_TRENDS
WHERE OBSERVATIONS >= 5
ORDER BY OBSERVATIONS DESC, CUSTOMER_ID
LIMIT 2000
