-- The simulator's audience, one row per churn band: active customers whose latest churn score is in
-- [:score_min, :score_max], their expected churners (the sum of the scores as probabilities) and
-- their 12-month value at risk (each customer's completed spend in the 365 days up to the last day
-- with data, times their churn probability). Current signals: the date range does not apply. The
-- riskiest band (the highest mean score) first.
WITH spend AS (
    SELECT
        x.CUSTOMER_ID,
        SUM(x.AMOUNT) AS VALUE_12M
    FROM ANALYTICS.FACT_TRANSACTIONS AS x
    WHERE x.STATUS = 'completed'
      AND x.TRANSACTION_TS >= DATEADD(day, -365, :data_end)
      AND x.TRANSACTION_TS < :data_end
    GROUP BY x.CUSTOMER_ID
)

SELECT
    p.CHURN_RISK_CATEGORY AS BAND,
    COUNT(*) AS CUSTOMERS,
    SUM(p.CHURN_RISK_SCORE) / 100 AS EXPECTED_CHURNERS,
    SUM(p.CHURN_RISK_SCORE / 100 * COALESCE(s.VALUE_12M, 0)) AS VALUE_AT_RISK_12M,
    SUM(COALESCE(s.VALUE_12M, 0)) AS VALUE_12M
FROM ANALYTICS.CHURN_PREDICTIONS AS p
INNER JOIN ANALYTICS.CUSTOMER_BASE AS c ON c.CUSTOMER_ID = p.CUSTOMER_ID
LEFT JOIN spend AS s ON s.CUSTOMER_ID = p.CUSTOMER_ID
WHERE c.IS_ACTIVE
  AND p.CHURN_RISK_SCORE >= :score_min
  AND p.CHURN_RISK_SCORE <= :score_max
GROUP BY p.CHURN_RISK_CATEGORY
ORDER BY AVG(p.CHURN_RISK_SCORE) DESC, p.CHURN_RISK_CATEGORY
