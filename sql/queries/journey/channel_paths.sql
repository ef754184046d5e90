-- Channel paths: each customer's first three interactions in the period (by INTERACTION_TS, then
-- INTERACTION_ID), as flows from the 1st touchpoint's channel to the 2nd's and from the 2nd's to
-- the 3rd's. Customers with a single interaction make no flow; those with two make only the first.
-- Node labels carry the step ('web (1st)'), so a channel followed by itself is no cycle.
WITH steps AS (
    SELECT
        CUSTOMER_ID,
        CHANNEL,
        ROW_NUMBER() OVER (PARTITION BY CUSTOMER_ID ORDER BY INTERACTION_TS, INTERACTION_ID) AS STEP
    FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS
),
paths AS (
    SELECT
        CUSTOMER_ID,
        MAX(IFF(STEP = 1, CHANNEL, NULL)) AS C1,
        MAX(IFF(STEP = 2, CHANNEL, NULL)) AS C2,
        MAX(IFF(STEP = 3, CHANNEL, NULL)) AS C3
    FROM steps
    WHERE STEP <= 3
    GROUP BY CUSTOMER_ID
),
flows AS (
    SELECT 1 AS STEP, C1 || ' (1st)' AS SOURCE, C2 || ' (2nd)' AS TARGET FROM paths WHERE C2 IS NOT NULL
    UNION ALL
    SELECT 2, C2 || ' (2nd)', C3 || ' (3rd)' FROM paths WHERE C3 IS NOT NULL
)
SELECT SOURCE, TARGET, COUNT(*) AS CUSTOMERS
FROM flows
GROUP BY STEP, SOURCE, TARGET
ORDER BY STEP, CUSTOMERS DESC, SOURCE, TARGET
