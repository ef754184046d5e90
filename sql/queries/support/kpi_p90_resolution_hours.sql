-- 90th percentile (continuous, interpolated) of the resolution time in hours, exact to the second
-- (CREATED_AT to RESOLVED_AT), of the tickets RESOLVED in the period, whenever they were created.
-- Reads its own dates for that reason (the period applies to RESOLVED_AT, not CREATED_AT).
SELECT PERCENTILE_CONT(0.9) WITHIN GROUP (
    ORDER BY DATEDIFF('second', CREATED_AT, RESOLVED_AT)::FLOAT / 3600
) AS VALUE
FROM ANALYTICS.FACT_SUPPORT_TICKETS
WHERE RESOLVED_AT >= :date_from
  AND RESOLVED_AT < :date_end
