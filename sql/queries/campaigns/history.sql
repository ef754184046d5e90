-- Past campaigns sent in the date range to customers like the audience (the filter bar's customers
-- whose latest churn score is in [:score_min, :score_max]), one row per campaign type: contacts,
-- response and conversion rates, the average cost of a contact that did not convert, and of one
-- that did (the incentive on top). RETAINED_* compare how many of the converted and of the other
-- contacted customers are still active.
SELECT
    r.CAMPAIGN_TYPE,
    COUNT(*) AS CONTACTS,
    AVG(IFF(r.RESPONDED, 1, 0)) AS RESPONSE_RATE,
    AVG(IFF(r.CONVERTED, 1, 0)) AS CONVERSION_RATE,
    AVG(IFF(r.CONVERTED, NULL, r.COST)) AS COST_PER_CONTACT,
    AVG(IFF(r.CONVERTED, r.COST, NULL)) AS COST_PER_CONVERSION,
    AVG(IFF(r.CONVERTED, IFF(c.IS_ACTIVE, 1, 0), NULL)) AS RETAINED_CONVERTED,
    AVG(IFF(r.CONVERTED, NULL, IFF(c.IS_ACTIVE, 1, 0))) AS RETAINED_OTHERS
FROM ANALYTICS.FACT_CAMPAIGN_RESPONSES AS r
INNER JOIN ANALYTICS.CHURN_PREDICTIONS AS p ON p.CUSTOMER_ID = r.CUSTOMER_ID
INNER JOIN ANALYTICS.CUSTOMER_BASE AS c ON c.CUSTOMER_ID = r.CUSTOMER_ID
WHERE p.CHURN_RISK_SCORE >= :score_min
  AND p.CHURN_RISK_SCORE <= :score_max
GROUP BY r.CAMPAIGN_TYPE
ORDER BY r.CAMPAIGN_TYPE
