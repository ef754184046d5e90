-- Open backlog at the end of the period: tickets created on or before :date_to that were not yet
-- resolved at the end of that day, i.e. RESOLVED_AT is NULL (the ticket is still open or pending:
-- the contract keeps RESOLVED_AT NULL exactly while STATUS is open or pending) or RESOLVED_AT falls
-- after :date_to. A point-in-time count, so the previous period's backlog is the backlog as it stood
-- at that period's end, tickets since resolved included. Reads its own dates for that reason: the
-- date range does not restrict CREATED_AT to the period (a backlog carries older tickets).
SELECT COUNT(*) AS VALUE
FROM ANALYTICS.FACT_SUPPORT_TICKETS
WHERE CREATED_AT < :date_end
  AND (RESOLVED_AT IS NULL OR RESOLVED_AT >= :date_end)
