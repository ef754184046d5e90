-- Customers per derived persona (CUSTOMER_PERSONA_SIGNALS: one row per customer, no date, so the
-- date range does not apply), largest persona first.
SELECT DERIVED_PERSONA, COUNT(*) AS CUSTOMERS
FROM ANALYTICS.CUSTOMER_PERSONA_SIGNALS
GROUP BY DERIVED_PERSONA
ORDER BY CUSTOMERS DESC, DERIVED_PERSONA
