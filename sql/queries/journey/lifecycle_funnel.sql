-- Lifecycle funnel of the customers who signed up in the period (SIGNUP_DATE from :date_from to
-- :date_to), as it stood at the end of the period: how many reached each stage by :date_to.
-- The stages, each one requiring all the ones before it (so the funnel only narrows):
--   1 Signed up          signed up in the period;
--   2 First interaction  and at least one interaction by the end of the period;
--   3 First purchase     and at least one completed transaction by then;
--   4 Repeat purchase    and at least two completed transactions by then;
--   5 Reviewer           and at least one product review by then.
-- A period without signups gives five zeros (COALESCE: DuckDB's COUNT_IF of no rows is NULL).
-- Reads its own dates: the date range picks the cohort by SIGNUP_DATE, the facts are read up to its end.
WITH cohort AS (
    SELECT CUSTOMER_ID
    FROM ANALYTICS.CUSTOMER_BASE
    WHERE SIGNUP_DATE >= :date_from
      AND SIGNUP_DATE <= :date_to
),
interacted AS (
    SELECT DISTINCT CUSTOMER_ID
    FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS
    WHERE INTERACTION_TS < :date_end
      AND CUSTOMER_ID IN (SELECT CUSTOMER_ID FROM cohort)
),
purchases AS (
    SELECT CUSTOMER_ID, COUNT(*) AS PURCHASES
    FROM ANALYTICS.FACT_TRANSACTIONS
    WHERE STATUS = 'completed'
      AND TRANSACTION_TS < :date_end
      AND CUSTOMER_ID IN (SELECT CUSTOMER_ID FROM cohort)
    GROUP BY CUSTOMER_ID
),
reviewed AS (
    SELECT DISTINCT CUSTOMER_ID
    FROM ANALYTICS.FACT_PRODUCT_REVIEWS
    WHERE REVIEW_TS < :date_end
      AND CUSTOMER_ID IN (SELECT CUSTOMER_ID FROM cohort)
),
totals AS (
    SELECT
        COUNT(*) AS S1,
        COALESCE(COUNT_IF(i.CUSTOMER_ID IS NOT NULL), 0) AS S2,
        COALESCE(COUNT_IF(i.CUSTOMER_ID IS NOT NULL AND p.PURCHASES >= 1), 0) AS S3,
        COALESCE(COUNT_IF(i.CUSTOMER_ID IS NOT NULL AND p.PURCHASES >= 2), 0) AS S4,
        COALESCE(COUNT_IF(i.CUSTOMER_ID IS NOT NULL AND p.PURCHASES >= 2 AND r.CUSTOMER_ID IS NOT NULL), 0) AS S5
    FROM cohort c
    LEFT JOIN interacted i ON i.CUSTOMER_ID = c.CUSTOMER_ID
    LEFT JOIN purchases p ON p.CUSTOMER_ID = c.CUSTOMER_ID
    LEFT JOIN reviewed r ON r.CUSTOMER_ID = c.CUSTOMER_ID
)
SELECT STAGE, CUSTOMERS
FROM (
    SELECT 1 AS STEP, 'Signed up' AS STAGE, S1 AS CUSTOMERS FROM totals
    UNION ALL
    SELECT 2, 'First interaction', S2 FROM totals
    UNION ALL
    SELECT 3, 'First purchase', S3 FROM totals
    UNION ALL
    SELECT 4, 'Repeat purchase', S4 FROM totals
    UNION ALL
    SELECT 5, 'Reviewer', S5 FROM totals
) funnel
ORDER BY STEP
