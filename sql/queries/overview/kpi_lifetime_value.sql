-- Total lifetime value of the customers who had signed up by the end of the period.
SELECT SUM(LIFETIME_VALUE) AS VALUE
FROM ANALYTICS.CUSTOMER_BASE
WHERE SIGNUP_DATE <= :date_to
