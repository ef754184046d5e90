-- Of the customers with an interaction in the period, the share whose churn risk is High.
SELECT AVG(IFF(s.CHURN_RISK = 'High', 1, 0)) AS VALUE
FROM ANALYTICS.CUSTOMER_PERSONA_SIGNALS s
WHERE s.CUSTOMER_ID IN (SELECT i.CUSTOMER_ID FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS i)
