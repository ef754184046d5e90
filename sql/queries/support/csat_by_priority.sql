-- Average CSAT of the tickets created in the period, per priority (tickets without a score left
-- out). Priorities in the contract's order of urgency (Low, Medium, High, Urgent), any other level
-- after them by name.
SELECT PRIORITY_LEVEL, AVG(CSAT_SCORE) AS AVG_CSAT
FROM ANALYTICS.FACT_SUPPORT_TICKETS
GROUP BY PRIORITY_LEVEL
HAVING COUNT(CSAT_SCORE) > 0
ORDER BY
    CASE PRIORITY_LEVEL WHEN 'Low' THEN 1 WHEN 'Medium' THEN 2 WHEN 'High' THEN 3 WHEN 'Urgent' THEN 4 END NULLS LAST,
    PRIORITY_LEVEL
