-- Customers who had signed up by the end of the period.
SELECT COUNT(*) AS VALUE
FROM ANALYTICS.CUSTOMER_BASE
WHERE SIGNUP_DATE <= :date_to
