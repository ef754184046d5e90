-- Support tickets per category in the period against the previous period of equal length: growth is
-- (this period - previous) / previous, the fastest-growing category first; a category with no
-- tickets in the previous period has no growth figure and comes last. Reads its own dates.
WITH counts AS (
    SELECT
        TICKET_CATEGORY,
        COUNT_IF(CREATED_AT < :date_from) AS PREVIOUS_TICKETS,
        COUNT_IF(CREATED_AT >= :date_from) AS TICKETS
    FROM ANALYTICS.FACT_SUPPORT_TICKETS
    WHERE CREATED_AT >= :prev_from
      AND CREATED_AT < :date_end
    GROUP BY TICKET_CATEGORY
)
SELECT
    TICKET_CATEGORY,
    CAST(TICKETS - PREVIOUS_TICKETS AS DOUBLE) / NULLIF(PREVIOUS_TICKETS, 0) AS GROWTH
FROM counts
ORDER BY GROWTH DESC NULLS LAST, TICKET_CATEGORY
