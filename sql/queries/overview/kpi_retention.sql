-- Retention: of the customers who bought in the previous period of equal length,
-- the share who bought again in this period. Reads its own dates, so it spans both periods.
WITH buyers AS (
    SELECT
        CUSTOMER_ID,
        MAX(IFF(TRANSACTION_TS < :date_from, 1, 0)) AS BOUGHT_BEFORE,
        MAX(IFF(TRANSACTION_TS >= :date_from, 1, 0)) AS BOUGHT_NOW
    FROM ANALYTICS.FACT_TRANSACTIONS
    WHERE STATUS = 'completed'
      AND TRANSACTION_TS >= :prev_from
      AND TRANSACTION_TS < :date_end
    GROUP BY CUSTOMER_ID
)
SELECT AVG(BOUGHT_NOW) AS VALUE
FROM buyers
WHERE BOUGHT_BEFORE = 1
