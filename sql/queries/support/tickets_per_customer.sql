-- How many customers have how many tickets, over their whole history (TICKET_PATTERNS holds one row
-- per customer with at least one ticket and has no date, so the date range does not apply).
SELECT TICKET_COUNT, COUNT(*) AS CUSTOMERS
FROM ANALYTICS.TICKET_PATTERNS
GROUP BY TICKET_COUNT
ORDER BY TICKET_COUNT
