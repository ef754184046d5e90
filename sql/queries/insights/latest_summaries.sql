-- The most recently generated customer summaries (latest GENERATED_AT first) of the customers with
-- an interaction in the period; among summaries generated at the same time, the customer seen most
-- recently in the period first (at most 50).
WITH seen AS (
    SELECT CUSTOMER_ID, MAX(INTERACTION_TS) AS LAST_INTERACTION_AT
    FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS
    GROUP BY CUSTOMER_ID
)
SELECT
    m.CUSTOMER_ID,
    m.GENERATED_AT,
    w.LAST_INTERACTION_AT,
    m.CUSTOMER_SUMMARY,
    m.KEY_THEMES,
    m.RECOMMENDED_ACTION
FROM ANALYTICS.INSIGHT_SUMMARIES m
INNER JOIN seen w ON w.CUSTOMER_ID = m.CUSTOMER_ID
ORDER BY m.GENERATED_AT DESC, w.LAST_INTERACTION_AT DESC, m.CUSTOMER_ID
LIMIT 50
