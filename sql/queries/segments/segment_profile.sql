-- Per value segment, over the customers with an interaction in the period: the mean of their average
-- sentiment, of their ticket counts and of their average review rating (customers without a score or
-- without reviews are left out of that mean). Segments by their mean lifetime value, highest first.
SELECT
    s.VALUE_SEGMENT,
    AVG(s.AVG_SENTIMENT) AS AVG_SENTIMENT,
    AVG(s.TICKET_COUNT) AS AVG_TICKETS,
    AVG(s.AVG_RATING) AS AVG_RATING
FROM ANALYTICS.CUSTOMER_PERSONA_SIGNALS s
WHERE s.CUSTOMER_ID IN (SELECT i.CUSTOMER_ID FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS i)
GROUP BY s.VALUE_SEGMENT
ORDER BY AVG(s.LIFETIME_VALUE) DESC, s.VALUE_SEGMENT
