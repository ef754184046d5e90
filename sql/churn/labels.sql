-- Churn labels for a cut-off date (the one bound parameter, twice: the window before and after):
-- a customer churns when, in the 60 days from the cut-off, they make no purchase, or their spend
-- falls by 30 % or more against the 60 days before the cut-off. Completed purchases only.
WITH params AS (
    SELECT CAST(? AS DATE) AS CUTOFF
),

windows AS (
    SELECT
        x.CUSTOMER_ID,
        SUM(IFF(x.TRANSACTION_TS < p.CUTOFF, x.AMOUNT, 0)) AS SPEND_BEFORE,
        SUM(IFF(x.TRANSACTION_TS >= p.CUTOFF, x.AMOUNT, 0)) AS SPEND_AFTER,
        COUNT_IF(x.TRANSACTION_TS >= p.CUTOFF) AS ORDERS_AFTER
    FROM ANALYTICS.FACT_TRANSACTIONS AS x
    CROSS JOIN params AS p
    WHERE x.STATUS = 'completed'
      AND x.TRANSACTION_TS >= DATEADD(day, -60, p.CUTOFF)
      AND x.TRANSACTION_TS < DATEADD(day, 60, p.CUTOFF)
    GROUP BY x.CUSTOMER_ID
)

SELECT
    c.CUSTOMER_ID,
    COALESCE(w.SPEND_BEFORE, 0) AS SPEND_BEFORE,
    COALESCE(w.SPEND_AFTER, 0) AS SPEND_AFTER,
    COALESCE(w.ORDERS_AFTER, 0) = 0
    OR COALESCE(w.SPEND_AFTER, 0) <= 0.7 * COALESCE(w.SPEND_BEFORE, 0) AS CHURNED
FROM ANALYTICS.CUSTOMER_BASE AS c
LEFT JOIN windows AS w ON w.CUSTOMER_ID = c.CUSTOMER_ID
ORDER BY c.CUSTOMER_ID
