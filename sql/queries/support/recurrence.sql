-- Recurrence: for each ticket created in the period, the category of the same customer's next
-- ticket created in the period (by CREATED_AT, then TICKET_ID); tickets with no next ticket are
-- left out. Target nodes carry ' (next)' so that a category leading to itself is no cycle.
WITH pairs AS (
    SELECT
        TICKET_CATEGORY AS SOURCE,
        LEAD(TICKET_CATEGORY) OVER (PARTITION BY CUSTOMER_ID ORDER BY CREATED_AT, TICKET_ID) AS NEXT_CATEGORY
    FROM ANALYTICS.FACT_SUPPORT_TICKETS
)
SELECT SOURCE, NEXT_CATEGORY || ' (next)' AS TARGET, COUNT(*) AS TICKETS
FROM pairs
WHERE NEXT_CATEGORY IS NOT NULL
GROUP BY SOURCE, NEXT_CATEGORY
ORDER BY TICKETS DESC, SOURCE, TARGET
