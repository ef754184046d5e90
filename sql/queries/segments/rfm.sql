-- Recency, frequency and monetary value of the customers with an interaction in the period who have
-- bought at least once: days from LAST_PURCHASE_DATE to the warehouse's last day (DIM_DATE, the day
-- TOTAL_ORDERS and LIFETIME_VALUE are counted to), TOTAL_ORDERS and LIFETIME_VALUE, by value segment.
-- A sample when there are more than 1,000 such customers: in CUSTOMER_ID order, the 1st customer and
-- every k-th after it, k = CEIL(customers / 1000), so at most 1,000 points and the same on every backend
-- (a bubble chart of 1,000 shows the shape that 3,000 did, and draws in a third of the time).
WITH last_day AS (
    SELECT MAX(d.DATE_DAY) AS LAST_DAY
    FROM ANALYTICS.DIM_DATE d
),
buyers AS (
    SELECT
        c.CUSTOMER_ID,
        DATEDIFF('day', c.LAST_PURCHASE_DATE, l.LAST_DAY) AS DAYS_SINCE_PURCHASE,
        c.TOTAL_ORDERS,
        c.LIFETIME_VALUE,
        s.VALUE_SEGMENT,
        ROW_NUMBER() OVER (ORDER BY c.CUSTOMER_ID) AS POSITION,
        COUNT(*) OVER () AS BUYERS
    FROM ANALYTICS.CUSTOMER_BASE c
    INNER JOIN ANALYTICS.CUSTOMER_PERSONA_SIGNALS s ON s.CUSTOMER_ID = c.CUSTOMER_ID
    CROSS JOIN last_day l
    WHERE c.LAST_PURCHASE_DATE IS NOT NULL
      AND c.CUSTOMER_ID IN (SELECT i.CUSTOMER_ID FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS i)
)
SELECT CUSTOMER_ID, DAYS_SINCE_PURCHASE, TOTAL_ORDERS, LIFETIME_VALUE, VALUE_SEGMENT
FROM buyers
WHERE MOD(POSITION - 1, CEIL(BUYERS / 1000)) = 0
ORDER BY CUSTOMER_ID
