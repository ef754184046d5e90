-- Of the tickets RESOLVED in the period, the share resolved within the resolution target: at most
-- :target_hours (settings.SUPPORT_RESOLUTION_TARGET_HOURS) from CREATED_AT to RESOLVED_AT, to the second.
-- Reads its own dates (the period applies to RESOLVED_AT, not CREATED_AT).
SELECT AVG(IFF(DATEDIFF('second', CREATED_AT, RESOLVED_AT) / 3600.0 <= :target_hours, 1, 0)) AS VALUE
FROM ANALYTICS.FACT_SUPPORT_TICKETS
WHERE RESOLVED_AT >= :date_from
  AND RESOLVED_AT < :date_end
