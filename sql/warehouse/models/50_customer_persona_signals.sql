-- CUSTOMER_PERSONA_SIGNALS: one row per customer, the segments the portal filters by.
-- DERIVED_PERSONA, the first rule that matches:
--   New Explorer       signed up in the last 90 days;
--   At-Risk Detractor  high churn risk, or negative average sentiment;
--   Support Heavy      at least 3 tickets and more than 4.5 a year;
--   Loyal Advocate     average sentiment of 0.4 or more, 10 or more orders and (if any reviews)
--                      an average rating of 4 or more;
--   Bargain Hunter     half or more of the purchase lines bought at a discount;
--   Silent Majority    everyone else.
-- VALUE_SEGMENT by lifetime value: top 20 % High Value, next 40 % Medium Value, the rest Low Value.
-- UPSELL_OPPORTUNITY: High for content, valuable customers below the top plan; Low when churn risk
-- is high or sentiment negative.
WITH reference AS (
    SELECT CAST(MAX(SENTIMENT_TS) AS DATE) AS REF_DATE
    FROM ANALYTICS.SENTIMENT_ANALYSIS
),

interactions AS (
    SELECT CUSTOMER_ID, COUNT(*) AS INTERACTION_COUNT
    FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS
    GROUP BY CUSTOMER_ID
),

reviews AS (
    SELECT CUSTOMER_ID, COUNT(*) AS REVIEW_COUNT, AVG(REVIEW_RATING) AS AVG_RATING
    FROM ANALYTICS.FACT_PRODUCT_REVIEWS
    GROUP BY CUSTOMER_ID
),

discounts AS (
    SELECT
        x.CUSTOMER_ID,
        AVG(CASE WHEN x.AMOUNT < x.QUANTITY * p.LIST_PRICE * 0.95 THEN 1 ELSE 0 END)
            AS DISCOUNTED_SHARE
    FROM ANALYTICS.FACT_TRANSACTIONS AS x
    INNER JOIN ANALYTICS.DIM_PRODUCT AS p ON x.PRODUCT_ID = p.PRODUCT_ID
    WHERE x.STATUS = 'completed'
    GROUP BY x.CUSTOMER_ID
),

signals AS (
    SELECT
        c.CUSTOMER_ID,
        c.PLAN_TIER,
        c.LIFETIME_VALUE,
        c.TOTAL_ORDERS,
        DATEDIFF(day, c.SIGNUP_DATE, r.REF_DATE) AS TENURE_DAYS,
        -- Days of the customer's life that the warehouse has seen (tickets per year need it).
        LEAST(DATEDIFF(day, c.SIGNUP_DATE, r.REF_DATE), 730) AS OBSERVED_DAYS,
        st.AVG_SENTIMENT,
        COALESCE(st.OVERALL_SENTIMENT, 'Neutral') AS OVERALL_SENTIMENT,
        ch.CHURN_RISK_CATEGORY,
        COALESCE(i.INTERACTION_COUNT, 0) AS INTERACTION_COUNT,
        COALESCE(tp.TICKET_COUNT, 0) AS TICKET_COUNT,
        COALESCE(rv.REVIEW_COUNT, 0) AS REVIEW_COUNT,
        rv.AVG_RATING,
        COALESCE(d.DISCOUNTED_SHARE, 0) AS DISCOUNTED_SHARE,
        PERCENT_RANK() OVER (ORDER BY c.LIFETIME_VALUE) AS VALUE_RANK
    FROM ANALYTICS.CUSTOMER_BASE AS c
    CROSS JOIN reference AS r
    LEFT JOIN ANALYTICS.SENTIMENT_TRENDS AS st ON c.CUSTOMER_ID = st.CUSTOMER_ID
    LEFT JOIN ANALYTICS.CHURN_PREDICTIONS AS ch ON c.CUSTOMER_ID = ch.CUSTOMER_ID
    LEFT JOIN ANALYTICS.TICKET_PATTERNS AS tp ON c.CUSTOMER_ID = tp.CUSTOMER_ID
    LEFT JOIN interactions AS i ON c.CUSTOMER_ID = i.CUSTOMER_ID
    LEFT JOIN reviews AS rv ON c.CUSTOMER_ID = rv.CUSTOMER_ID
    LEFT JOIN discounts AS d ON c.CUSTOMER_ID = d.CUSTOMER_ID
)

SELECT
    CUSTOMER_ID,
    CASE
        WHEN TENURE_DAYS <= 90 THEN 'New Explorer'
        WHEN CHURN_RISK_CATEGORY = 'High' OR COALESCE(AVG_SENTIMENT, 0) < -0.05
            THEN 'At-Risk Detractor'
        WHEN TICKET_COUNT >= 3 AND TICKET_COUNT * 365 / GREATEST(OBSERVED_DAYS, 90) > 4.5
            THEN 'Support Heavy'
        WHEN
            AVG_SENTIMENT >= 0.4 AND TOTAL_ORDERS >= 10 AND COALESCE(AVG_RATING, 4) >= 4
            THEN 'Loyal Advocate'
        WHEN DISCOUNTED_SHARE >= 0.5 THEN 'Bargain Hunter'
        ELSE 'Silent Majority'
    END AS DERIVED_PERSONA,
    OVERALL_SENTIMENT,
    COALESCE(CHURN_RISK_CATEGORY, 'Low') AS CHURN_RISK,
    CASE
        WHEN CHURN_RISK_CATEGORY = 'High' OR COALESCE(AVG_SENTIMENT, 0) < 0 THEN 'Low'
        WHEN PLAN_TIER <> 'Platinum' AND AVG_SENTIMENT >= 0.25 AND VALUE_RANK >= 0.5 THEN 'High'
        WHEN PLAN_TIER <> 'Platinum' OR VALUE_RANK >= 0.8 THEN 'Medium'
        ELSE 'Low'
    END AS UPSELL_OPPORTUNITY,
    CASE
        WHEN VALUE_RANK >= 0.8 THEN 'High Value'
        WHEN VALUE_RANK >= 0.4 THEN 'Medium Value'
        ELSE 'Low Value'
    END AS VALUE_SEGMENT,
    AVG_SENTIMENT,
    INTERACTION_COUNT,
    TICKET_COUNT,
    REVIEW_COUNT,
    ROUND(AVG_RATING, 2) AS AVG_RATING,
    LIFETIME_VALUE
FROM signals
ORDER BY CUSTOMER_ID
