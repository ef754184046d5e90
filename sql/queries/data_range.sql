-- The first and last day with interactions: the bounds of "All time" and the anchor of date presets.
SELECT
    MIN(INTERACTION_TS)::DATE AS FIRST_DAY,
    MAX(INTERACTION_TS)::DATE AS LAST_DAY
FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS
