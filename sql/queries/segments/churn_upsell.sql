-- Customers with an interaction in the period, by churn risk and upsell opportunity: every pair of
-- the levels present, zero where no customer has it. Both are rated on the contract's levels High,
-- Medium and Low, listed in that order (any other level after them, by name).
WITH customers AS (
    SELECT s.CHURN_RISK, s.UPSELL_OPPORTUNITY
    FROM ANALYTICS.CUSTOMER_PERSONA_SIGNALS s
    WHERE s.CUSTOMER_ID IN (SELECT i.CUSTOMER_ID FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS i)
),
churn AS (SELECT DISTINCT CHURN_RISK FROM customers),
upsell AS (SELECT DISTINCT UPSELL_OPPORTUNITY FROM customers),
counts AS (
    SELECT CHURN_RISK, UPSELL_OPPORTUNITY, COUNT(*) AS CUSTOMERS
    FROM customers
    GROUP BY CHURN_RISK, UPSELL_OPPORTUNITY
)
SELECT c.CHURN_RISK, u.UPSELL_OPPORTUNITY, COALESCE(n.CUSTOMERS, 0) AS CUSTOMERS
FROM churn c
CROSS JOIN upsell u
LEFT JOIN counts n ON n.CHURN_RISK = c.CHURN_RISK AND n.UPSELL_OPPORTUNITY = u.UPSELL_OPPORTUNITY
ORDER BY
    CASE c.CHURN_RISK WHEN 'High' THEN 1 WHEN 'Medium' THEN 2 WHEN 'Low' THEN 3 ELSE 4 END,
    c.CHURN_RISK,
    CASE u.UPSELL_OPPORTUNITY WHEN 'High' THEN 1 WHEN 'Medium' THEN 2 WHEN 'Low' THEN 3 ELSE 4 END,
    u.UPSELL_OPPORTUNITY
