-- Lifetime value as of the period: what the customers signed up by the period's end had spent by
-- then (completed purchase lines up to the period's end), so the previous period is measured the same way.
SELECT SUM(t.AMOUNT) AS VALUE
FROM ANALYTICS.FACT_TRANSACTIONS t
WHERE t.STATUS = 'completed'
  AND t.TRANSACTION_TS < :date_end
  AND t.CUSTOMER_ID IN (SELECT b.CUSTOMER_ID FROM ANALYTICS.CUSTOMER_BASE b WHERE b.SIGNUP_DATE <= :date_to)
