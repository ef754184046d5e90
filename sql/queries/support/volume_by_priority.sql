-- Tickets created per hour, day, week (from Monday) or month (:grain) and priority.
-- Every priority seen in the period gets a row (0 tickets) in every period that has tickets, so the
-- stacked areas never interpolate across a missing point.
-- Priorities in the contract's order of urgency (Low, Medium, High, Urgent), any other level after
-- them by name.
WITH tickets AS (
    SELECT
        CASE :grain
            WHEN 'hour' THEN DATE_TRUNC('HOUR', CREATED_AT)
            WHEN 'week' THEN DATE_TRUNC('WEEK', CREATED_AT)
            WHEN 'month' THEN DATE_TRUNC('MONTH', CREATED_AT)
            ELSE DATE_TRUNC('DAY', CREATED_AT)
        END AS PERIOD,
        PRIORITY_LEVEL
    FROM ANALYTICS.FACT_SUPPORT_TICKETS
),
counts AS (
    SELECT PERIOD, PRIORITY_LEVEL, COUNT(*) AS TICKETS
    FROM tickets
    GROUP BY PERIOD, PRIORITY_LEVEL
),
periods AS (SELECT DISTINCT PERIOD FROM counts),
levels AS (SELECT DISTINCT PRIORITY_LEVEL FROM counts)
SELECT p.PERIOD, l.PRIORITY_LEVEL, COALESCE(c.TICKETS, 0) AS TICKETS
FROM periods p
CROSS JOIN levels l
LEFT JOIN counts c ON c.PERIOD = p.PERIOD AND c.PRIORITY_LEVEL = l.PRIORITY_LEVEL
ORDER BY
    p.PERIOD,
    CASE l.PRIORITY_LEVEL WHEN 'Low' THEN 1 WHEN 'Medium' THEN 2 WHEN 'High' THEN 3 WHEN 'Urgent' THEN 4 END NULLS LAST,
    l.PRIORITY_LEVEL
