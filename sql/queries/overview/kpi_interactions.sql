-- Number of customer interactions in the period.
SELECT COUNT(*) AS VALUE
FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS
