-- INSIGHT_SUMMARIES: one row per customer, a plain-language paragraph assembled from that
-- customer's signals (the kind of text an LLM summary would give, without the LLM). It names no
-- person: names and e-mail are PII, and this column is shown to roles without PII access.
-- KEY_THEMES is a comma-separated list; RECOMMENDED_ACTION follows the churn risk and persona.
-- Amounts read as people write them, with thousands grouped and two decimals ("7,025.10"), and no
-- currency symbol: that is the portal's display setting, not the warehouse's.
WITH facts AS (
    SELECT
        c.CUSTOMER_ID,
        c.PLAN_TIER,
        c.REGION,
        c.COUNTRY,
        c.SIGNUP_DATE,
        c.TOTAL_ORDERS,
        c.LIFETIME_VALUE,
        -- LIFETIME_VALUE in groups of three digits (millions, thousands, units) and its cents.
        CAST(FLOOR(c.LIFETIME_VALUE / 1000000) AS BIGINT) AS LTV_MILLIONS,
        CAST(MOD(FLOOR(c.LIFETIME_VALUE / 1000), 1000) AS BIGINT) AS LTV_THOUSANDS,
        CAST(MOD(FLOOR(c.LIFETIME_VALUE), 1000) AS BIGINT) AS LTV_UNITS,
        CAST(MOD(ROUND(c.LIFETIME_VALUE * 100), 100) AS BIGINT) AS LTV_CENTS,
        c.LAST_PURCHASE_DATE,
        c.IS_ACTIVE,
        ps.DERIVED_PERSONA,
        ps.OVERALL_SENTIMENT,
        ps.AVG_SENTIMENT,
        ps.UPSELL_OPPORTUNITY,
        ps.VALUE_SEGMENT,
        ps.REVIEW_COUNT,
        ps.AVG_RATING,
        st.SENTIMENT_TREND,
        st.OBSERVATIONS,
        tp.TICKET_COUNT,
        tp.OPEN_TICKET_COUNT,
        tp.MOST_COMMON_CATEGORY,
        tp.IS_RECURRING,
        ch.CHURN_RISK_SCORE,
        ch.CHURN_RISK_CATEGORY,
        ch.TOP_FACTOR,
        ch.SCORED_AT
    FROM ANALYTICS.CUSTOMER_BASE AS c
    INNER JOIN ANALYTICS.CUSTOMER_PERSONA_SIGNALS AS ps ON c.CUSTOMER_ID = ps.CUSTOMER_ID
    INNER JOIN ANALYTICS.CHURN_PREDICTIONS AS ch ON c.CUSTOMER_ID = ch.CUSTOMER_ID
    LEFT JOIN ANALYTICS.SENTIMENT_TRENDS AS st ON c.CUSTOMER_ID = st.CUSTOMER_ID
    LEFT JOIN ANALYTICS.TICKET_PATTERNS AS tp ON c.CUSTOMER_ID = tp.CUSTOMER_ID
)

SELECT
    CUSTOMER_ID,
    'A ' || PLAN_TIER || ' customer in ' || COUNTRY || ' (' || REGION || ') since '
    || CAST(SIGNUP_DATE AS VARCHAR) || ', seen as ' || DERIVED_PERSONA || '.'
    || CASE WHEN IS_ACTIVE THEN '' ELSE ' The account has been cancelled.' END
    || CASE
        WHEN TOTAL_ORDERS = 0 THEN ' No completed orders yet.'
        ELSE
            ' ' || CAST(TOTAL_ORDERS AS VARCHAR) || ' completed orders worth '
            || CASE
                WHEN LTV_MILLIONS > 0
                    THEN CAST(LTV_MILLIONS AS VARCHAR) || ','
                    || LPAD(CAST(LTV_THOUSANDS AS VARCHAR), 3, '0') || ','
                    || LPAD(CAST(LTV_UNITS AS VARCHAR), 3, '0')
                WHEN LTV_THOUSANDS > 0
                    THEN CAST(LTV_THOUSANDS AS VARCHAR) || ',' || LPAD(CAST(LTV_UNITS AS VARCHAR), 3, '0')
                ELSE CAST(LTV_UNITS AS VARCHAR)
            END || '.' || LPAD(CAST(LTV_CENTS AS VARCHAR), 2, '0') || ' in total, the last on '
            || CAST(LAST_PURCHASE_DATE AS VARCHAR) || '.'
    END
    || CASE
        WHEN AVG_SENTIMENT IS NULL THEN ' No scored feedback yet.'
        ELSE
            ' Sentiment over ' || CAST(OBSERVATIONS AS VARCHAR) || ' scored texts is '
            || LOWER(OVERALL_SENTIMENT) || ' (average ' || CAST(ROUND(AVG_SENTIMENT, 2) AS VARCHAR)
            || ')'
            || CASE
                WHEN OBSERVATIONS < 10 THEN ''
                WHEN SENTIMENT_TREND <= -0.02 THEN ' and falling'
                WHEN SENTIMENT_TREND >= 0.02 THEN ' and rising'
                ELSE ' and steady'
            END || '.'
    END
    || CASE
        WHEN COALESCE(TICKET_COUNT, 0) = 0 THEN ' No support tickets.'
        ELSE
            ' ' || CAST(TICKET_COUNT AS VARCHAR) || ' support ticket'
            || CASE WHEN TICKET_COUNT = 1 THEN '' ELSE 's' END || ' ('
            || CAST(OPEN_TICKET_COUNT AS VARCHAR) || ' open), mostly about '
            || MOST_COMMON_CATEGORY || '.'
    END
    || CASE
        WHEN REVIEW_COUNT = 0 THEN ''
        ELSE
            ' ' || CAST(REVIEW_COUNT AS VARCHAR) || ' review'
            || CASE WHEN REVIEW_COUNT = 1 THEN '' ELSE 's' END || ' averaging '
            || CAST(ROUND(AVG_RATING, 1) AS VARCHAR) || ' stars.'
    END
    || ' Churn risk is ' || LOWER(CHURN_RISK_CATEGORY) || ' ('
    || CAST(CHURN_RISK_SCORE AS VARCHAR) || '/100)'
    || CASE
        WHEN TOP_FACTOR IN ('No strong risk signal', 'Account cancelled') THEN '.'
        WHEN CHURN_RISK_CATEGORY = 'Low'
            THEN '; the strongest signal is ' || LOWER(TOP_FACTOR) || '.'
        ELSE ', driven mainly by ' || LOWER(TOP_FACTOR) || '.'
    END AS CUSTOMER_SUMMARY,
    COALESCE(NULLIF(LTRIM(
        CASE
            WHEN OBSERVATIONS >= 10 AND SENTIMENT_TREND <= -0.02 THEN ', falling sentiment'
            ELSE ''
        END
        || CASE WHEN OVERALL_SENTIMENT = 'Negative' THEN ', negative sentiment' ELSE '' END
        || CASE WHEN OVERALL_SENTIMENT = 'Positive' THEN ', positive sentiment' ELSE '' END
        || CASE
            WHEN TICKET_COUNT > 0 THEN ', ' || LOWER(MOST_COMMON_CATEGORY) || ' issues' ELSE ''
        END
        || CASE WHEN IS_RECURRING THEN ', recurring tickets' ELSE '' END
        || CASE WHEN COALESCE(OPEN_TICKET_COUNT, 0) > 0 THEN ', open tickets' ELSE '' END
        || CASE WHEN TOP_FACTOR = 'Fading purchases' THEN ', fading purchases' ELSE '' END
        || CASE WHEN AVG_RATING < 3 THEN ', poor reviews' ELSE '' END
        || CASE WHEN AVG_RATING >= 4.5 THEN ', glowing reviews' ELSE '' END
        || CASE WHEN VALUE_SEGMENT = 'High Value' THEN ', high value' ELSE '' END
        || CASE WHEN DERIVED_PERSONA = 'Bargain Hunter' THEN ', discount driven' ELSE '' END
        || CASE WHEN DERIVED_PERSONA = 'New Explorer' THEN ', new customer' ELSE '' END,
        ', '
    ), ''), 'no notable themes') AS KEY_THEMES,
    CASE
        WHEN NOT IS_ACTIVE THEN 'Include in the next win-back campaign.'
        WHEN CHURN_RISK_CATEGORY = 'High' AND COALESCE(OPEN_TICKET_COUNT, 0) > 0
            THEN 'Escalate the open tickets to a senior agent and follow up personally.'
        WHEN CHURN_RISK_CATEGORY = 'High'
            THEN 'Call within a week with a personal retention offer.'
        WHEN DERIVED_PERSONA = 'New Explorer'
            THEN 'Send the onboarding series and a first-repeat-purchase incentive.'
        WHEN DERIVED_PERSONA = 'Support Heavy'
            THEN 'Assign a dedicated support contact and review the recurring issues.'
        WHEN CHURN_RISK_CATEGORY = 'Medium' THEN 'Include in the next retention campaign.'
        WHEN UPSELL_OPPORTUNITY = 'High' THEN 'Offer an upgrade to the next plan tier.'
        WHEN DERIVED_PERSONA = 'Loyal Advocate'
            THEN 'Invite to the referral programme and ask for a review.'
        WHEN DERIVED_PERSONA = 'Bargain Hunter'
            THEN 'Target with seasonal promotions and bundle offers.'
        ELSE 'Keep in the regular newsletter cadence.'
    END AS RECOMMENDED_ACTION,
    SCORED_AT AS GENERATED_AT
FROM facts
ORDER BY CUSTOMER_ID
