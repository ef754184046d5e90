-- For viewers without PII access: customers whose id starts with the search term
-- (case-insensitive; :q_prefix is an ILIKE pattern with '!' as the escape character). At most 20.
SELECT
    c.CUSTOMER_ID,
    c.FIRST_NAME,
    c.LAST_NAME,
    c.EMAIL,
    c.REGION,
    c.PLAN_TIER,
    c.LIFETIME_VALUE
FROM ANALYTICS.CUSTOMER_BASE c
WHERE c.CUSTOMER_ID ILIKE :q_prefix ESCAPE '!'
ORDER BY c.CUSTOMER_ID
LIMIT 21  -- one more than a page shows: whether more match
