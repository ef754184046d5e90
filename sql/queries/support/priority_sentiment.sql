-- Tickets created in the period per priority, with their average sentiment score (tickets without
-- a score left out of the average). Priorities in the contract's order of urgency (Low, Medium,
-- High, Urgent), any other level after them by name.
SELECT PRIORITY_LEVEL, COUNT(*) AS TICKETS, AVG(SENTIMENT_SCORE) AS AVG_SENTIMENT
FROM ANALYTICS.FACT_SUPPORT_TICKETS
GROUP BY PRIORITY_LEVEL
ORDER BY
    CASE PRIORITY_LEVEL WHEN 'Low' THEN 1 WHEN 'Medium' THEN 2 WHEN 'High' THEN 3 WHEN 'Urgent' THEN 4 END NULLS LAST,
    PRIORITY_LEVEL
