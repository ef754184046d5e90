-- Average CSAT of the support tickets created in the period (tickets without a score left out).
SELECT AVG(CSAT_SCORE) AS VALUE
FROM ANALYTICS.FACT_SUPPORT_TICKETS
