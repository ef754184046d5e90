-- Customers whose id starts with the search term, or whose first, last or full name or e-mail
-- contains it (case-insensitive). :q_prefix and :q are ILIKE patterns with '!' as the escape
-- character. At most 21 rows: id matches first, then by id.
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
    OR c.FIRST_NAME ILIKE :q ESCAPE '!'
    OR c.LAST_NAME ILIKE :q ESCAPE '!'
    OR (c.FIRST_NAME || ' ' || c.LAST_NAME) ILIKE :q ESCAPE '!'
    OR c.EMAIL ILIKE :q ESCAPE '!'
ORDER BY CASE WHEN c.CUSTOMER_ID ILIKE :q_prefix ESCAPE '!' THEN 0 ELSE 1 END, c.CUSTOMER_ID
LIMIT 21  -- one more than a page shows: whether more match
