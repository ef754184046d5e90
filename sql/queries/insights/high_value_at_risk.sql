-- High Value customers whose churn risk is High and who are still active (a cancelled account has
-- already churned: nobody can save it), the riskiest (highest churn score) first, then by lifetime
-- value (at most 200). Churn risk and value are the customers' current signals.
SELECT
    s.CUSTOMER_ID,
    s.DERIVED_PERSONA,
    c.REGION,
    s.LIFETIME_VALUE,
    p.CHURN_RISK_SCORE,
    p.TOP_FACTOR,
    c.LAST_PURCHASE_DATE,
    m.RECOMMENDED_ACTION
FROM ANALYTICS.CUSTOMER_PERSONA_SIGNALS s
INNER JOIN ANALYTICS.CUSTOMER_BASE c ON c.CUSTOMER_ID = s.CUSTOMER_ID
INNER JOIN ANALYTICS.CHURN_PREDICTIONS p ON p.CUSTOMER_ID = s.CUSTOMER_ID
LEFT JOIN ANALYTICS.INSIGHT_SUMMARIES m ON m.CUSTOMER_ID = s.CUSTOMER_ID
WHERE s.VALUE_SEGMENT = 'High Value'
  AND s.CHURN_RISK = 'High'
  AND c.IS_ACTIVE
ORDER BY p.CHURN_RISK_SCORE DESC, s.LIFETIME_VALUE DESC, s.CUSTOMER_ID
LIMIT 200
