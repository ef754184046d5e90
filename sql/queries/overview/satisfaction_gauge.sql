-- Average CSAT of the tickets created in the period, on the scale the scores use across all dates
-- (so both periods, and every date range, share one scale). Reads its own dates for that reason.
SELECT
    AVG(IFF(CREATED_AT >= :date_from AND CREATED_AT < :date_end, CSAT_SCORE, NULL)) AS AVG_CSAT,
    MIN(CSAT_SCORE) AS SCALE_MIN,
    MAX(CSAT_SCORE) AS SCALE_MAX
FROM ANALYTICS.FACT_SUPPORT_TICKETS
