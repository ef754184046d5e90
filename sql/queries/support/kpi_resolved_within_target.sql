-- Of the tickets RESOLVED in the period, the share resolved within the resolution target: at most
-- 24 hours (to the second) from CREATED_AT to RESOLVED_AT. The 24 stands in for the setting
-- SUPPORT_RESOLUTION_TARGET_HOURS until the compiler binds it as :target_hours.
-- Reads its own dates (the period applies to RESOLVED_AT, not CREATED_AT).
SELECT AVG(IFF(DATEDIFF('second', CREATED_AT, RESOLVED_AT) <= 24 * 3600, 1, 0)) AS VALUE
FROM ANALYTICS.FACT_SUPPORT_TICKETS
WHERE RESOLVED_AT >= :date_from
  AND RESOLVED_AT < :date_end
