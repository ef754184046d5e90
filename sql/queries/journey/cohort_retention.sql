-- Monthly signup cohorts' purchase retention: for the 12 calendar months ending with the month of
-- :date_to (the same months whatever the other filters; a month without signups has no row), and for each month since signup from 0 (the signup month itself) to 11 that has
-- begun by :date_to, the share of the cohort's customers with at least one completed transaction in
-- that calendar month (read up to :date_to, so the period's last month may be partial). Months are
-- calendar months: a customer who signed up on 31 January is in month 1 on 1 February. Cells
-- without a purchase are 0, not missing.
-- Reads its own dates: the end of the date range picks the cohorts and the last month.
WITH signups AS (
    SELECT CUSTOMER_ID, DATE_TRUNC('MONTH', SIGNUP_DATE)::DATE AS COHORT
    FROM ANALYTICS.CUSTOMER_BASE
    WHERE SIGNUP_DATE <= :date_to
),
offsets AS (
    SELECT N
    FROM (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9), (10), (11)) AS v (N)
),
cohorts AS (
    SELECT COHORT, COUNT(*) AS CUSTOMERS
    FROM signups
    WHERE COHORT IN (SELECT DATEADD('MONTH', -N, DATE_TRUNC('MONTH', :date_to::DATE))::DATE FROM offsets)
    GROUP BY COHORT
),
grid AS (
    SELECT c.COHORT, c.CUSTOMERS, o.N AS MONTHS_SINCE_SIGNUP
    FROM cohorts c
    CROSS JOIN offsets o
    WHERE DATEADD('MONTH', o.N, c.COHORT) <= :date_to
),
buyers AS (
    SELECT
        s.COHORT,
        (YEAR(t.TRANSACTION_TS) * 12 + MONTH(t.TRANSACTION_TS)) - (YEAR(s.COHORT) * 12 + MONTH(s.COHORT))
            AS MONTHS_SINCE_SIGNUP,
        COUNT(DISTINCT t.CUSTOMER_ID) AS BUYERS
    FROM ANALYTICS.FACT_TRANSACTIONS t
    JOIN signups s ON s.CUSTOMER_ID = t.CUSTOMER_ID
    WHERE t.STATUS = 'completed'
      AND t.TRANSACTION_TS >= (SELECT MIN(COHORT) FROM cohorts)
      AND t.TRANSACTION_TS < :date_end
      AND s.COHORT IN (SELECT COHORT FROM cohorts)
    GROUP BY 1, 2
)
SELECT
    g.MONTHS_SINCE_SIGNUP,
    g.COHORT,
    COALESCE(b.BUYERS, 0)::FLOAT / g.CUSTOMERS AS RETENTION
FROM grid g
LEFT JOIN buyers b ON b.COHORT = g.COHORT AND b.MONTHS_SINCE_SIGNUP = g.MONTHS_SINCE_SIGNUP
ORDER BY g.COHORT, g.MONTHS_SINCE_SIGNUP
