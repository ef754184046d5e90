-- Revenue and units of completed purchases per product category, highest revenue first.
SELECT p.CATEGORY, SUM(t.AMOUNT) AS REVENUE, SUM(t.QUANTITY) AS UNITS
FROM ANALYTICS.FACT_TRANSACTIONS t
JOIN ANALYTICS.DIM_PRODUCT p ON p.PRODUCT_ID = t.PRODUCT_ID
WHERE t.STATUS = 'completed'
GROUP BY 1
ORDER BY 2 DESC, 1
