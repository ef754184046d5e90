-- CHURN_PREDICTIONS: one row per customer. A transparent, rule-based score (0..100) from three
-- behaviours, measured against the latest data in the warehouse (not the clock, so that a rebuilt
-- demo scores the same):
--   falling sentiment: the 30-day trend, and the last 90 days against the time before;
--   negative sentiment in the last 90 days;
--   recent support tickets: tickets in the last 90 days, and tickets still open;
--   fading purchases: orders in the last 90 days against the customer's own pace in the year
--   before, and no purchase for more than 120 days.
-- Each factor adds to a logistic score; TOP_FACTOR names the largest one. The trend counts only
-- with at least 10 observations. A cancelled account (IS_ACTIVE = FALSE) has churned: 100.
-- CHURN_RISK_CATEGORY: High from 60, Medium from 30, else Low.
WITH reference AS (
    SELECT
        MAX(SENTIMENT_TS) AS REF_TS,
        CAST(MAX(SENTIMENT_TS) AS DATE) AS REF_DATE
    FROM ANALYTICS.SENTIMENT_ANALYSIS
),

sentiment AS (
    SELECT
        s.CUSTOMER_ID,
        AVG(
            CASE WHEN s.SENTIMENT_TS >= DATEADD(day, -90, r.REF_DATE) THEN s.SENTIMENT_SCORE END
        ) AS RECENT_SENTIMENT,
        AVG(
            CASE WHEN s.SENTIMENT_TS < DATEADD(day, -90, r.REF_DATE) THEN s.SENTIMENT_SCORE END
        ) AS EARLIER_SENTIMENT
    FROM ANALYTICS.SENTIMENT_ANALYSIS AS s
    CROSS JOIN reference AS r
    GROUP BY s.CUSTOMER_ID
),

tickets AS (
    SELECT
        t.CUSTOMER_ID,
        COUNT_IF(t.CREATED_AT >= DATEADD(day, -90, r.REF_DATE)) AS RECENT_TICKETS,
        COUNT_IF(t.STATUS IN ('open', 'pending')) AS OPEN_TICKETS
    FROM ANALYTICS.FACT_SUPPORT_TICKETS AS t
    CROSS JOIN reference AS r
    GROUP BY t.CUSTOMER_ID
),

purchases AS (
    SELECT
        x.CUSTOMER_ID,
        COUNT_IF(x.TRANSACTION_TS >= DATEADD(day, -90, r.REF_DATE)) AS RECENT_ORDERS,
        COUNT_IF(
            x.TRANSACTION_TS >= DATEADD(day, -455, r.REF_DATE)
            AND x.TRANSACTION_TS < DATEADD(day, -90, r.REF_DATE)
        ) AS EARLIER_ORDERS
    FROM ANALYTICS.FACT_TRANSACTIONS AS x
    CROSS JOIN reference AS r
    WHERE x.STATUS = 'completed'
    GROUP BY x.CUSTOMER_ID
),

factors AS (
    SELECT
        c.CUSTOMER_ID,
        c.IS_ACTIVE,
        r.REF_TS,
        CASE
            WHEN st.OBSERVATIONS >= 10 THEN LEAST(GREATEST(-st.SENTIMENT_TREND * 15, 0), 2)
            ELSE 0
        END
        + LEAST(GREATEST(COALESCE(s.EARLIER_SENTIMENT - s.RECENT_SENTIMENT, 0) * 2.5, 0), 1.5)
            AS F_FALLING_SENTIMENT,
        LEAST(GREATEST((0.1 - COALESCE(s.RECENT_SENTIMENT, 0.1)) * 2, 0), 1.5)
            AS F_NEGATIVE_SENTIMENT,
        LEAST(COALESCE(t.RECENT_TICKETS, 0) * 0.4 + COALESCE(t.OPEN_TICKETS, 0) * 0.3, 2)
            AS F_RECENT_TICKETS,
        CASE
            WHEN COALESCE(p.EARLIER_ORDERS, 0) >= 4
                THEN GREATEST(1 - COALESCE(p.RECENT_ORDERS, 0) / (p.EARLIER_ORDERS * 90 / 365), 0)
                * 2
            ELSE 0
        END AS F_FADING_PURCHASES,
        CASE
            WHEN DATEDIFF(day, COALESCE(c.LAST_PURCHASE_DATE, c.SIGNUP_DATE), r.REF_DATE) > 120
                THEN 1
            ELSE 0
        END AS F_NO_RECENT_PURCHASE
    FROM ANALYTICS.CUSTOMER_BASE AS c
    CROSS JOIN reference AS r
    LEFT JOIN ANALYTICS.SENTIMENT_TRENDS AS st ON c.CUSTOMER_ID = st.CUSTOMER_ID
    LEFT JOIN sentiment AS s ON c.CUSTOMER_ID = s.CUSTOMER_ID
    LEFT JOIN tickets AS t ON c.CUSTOMER_ID = t.CUSTOMER_ID
    LEFT JOIN purchases AS p ON c.CUSTOMER_ID = p.CUSTOMER_ID
),

scored AS (
    SELECT
        *,
        CASE
            WHEN NOT IS_ACTIVE THEN 100
            ELSE
                ROUND(
                    100 / (1 + EXP(-(
                        -3 + F_FALLING_SENTIMENT + F_NEGATIVE_SENTIMENT + F_RECENT_TICKETS
                        + F_FADING_PURCHASES + F_NO_RECENT_PURCHASE
                    ))),
                    1
                )
        END AS SCORE,
        GREATEST(
            F_FALLING_SENTIMENT, F_NEGATIVE_SENTIMENT, F_RECENT_TICKETS, F_FADING_PURCHASES,
            F_NO_RECENT_PURCHASE
        ) AS TOP_WEIGHT
    FROM factors
)

SELECT
    CUSTOMER_ID,
    SCORE AS CHURN_RISK_SCORE,
    CASE WHEN SCORE >= 60 THEN 'High' WHEN SCORE >= 30 THEN 'Medium' ELSE 'Low' END
        AS CHURN_RISK_CATEGORY,
    CASE
        WHEN NOT IS_ACTIVE THEN 'Account cancelled'
        WHEN TOP_WEIGHT < 0.5 THEN 'No strong risk signal'
        WHEN F_FALLING_SENTIMENT = TOP_WEIGHT THEN 'Falling sentiment'
        WHEN F_FADING_PURCHASES = TOP_WEIGHT THEN 'Fading purchases'
        WHEN F_RECENT_TICKETS = TOP_WEIGHT THEN 'Recent support tickets'
        WHEN F_NEGATIVE_SENTIMENT = TOP_WEIGHT THEN 'Negative recent sentiment'
        ELSE 'No recent purchase'
    END AS TOP_FACTOR,
    'churn-rules-v1' AS MODEL_VERSION,
    REF_TS AS SCORED_AT
FROM scored
ORDER BY CUSTOMER_ID
