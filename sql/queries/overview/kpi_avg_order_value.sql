-- Average amount of a completed purchase in the period.
SELECT AVG(AMOUNT) AS VALUE
FROM ANALYTICS.FACT_TRANSACTIONS
WHERE STATUS = 'completed'
