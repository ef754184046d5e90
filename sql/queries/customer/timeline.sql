-- One customer's interactions, reviews, support tickets and purchase lines, newest first: the most
-- recent 1,000 of the kinds asked for (:kind_1 .. :kind_4; repeat a kind to ask for fewer than four).
-- TEXT is the interaction notes, the review text in English, the ticket description, or the product
-- bought. Ties on time are broken by kind and source id.
WITH events AS (
    SELECT
        i.INTERACTION_TS AS EVENT_TS,
        'interaction' AS KIND,
        i.INTERACTION_ID AS EVENT_ID,
        i.INTERACTION_TYPE AS DETAIL,
        i.CHANNEL,
        i.INTERACTION_NOTES AS TEXT,
        CAST(NULL AS VARCHAR) AS PRODUCT_NAME,
        CAST(NULL AS INTEGER) AS RATING,
        CAST(NULL AS VARCHAR) AS STATUS,
        CAST(NULL AS VARCHAR) AS PRIORITY,
        CAST(NULL AS INTEGER) AS QUANTITY,
        CAST(NULL AS NUMBER(12, 2)) AS AMOUNT,
        i.SENTIMENT_SCORE,
        CAST(NULL AS VARCHAR) AS EXTERNAL_TICKET_ID
    FROM ANALYTICS.FACT_CUSTOMER_INTERACTIONS i
    WHERE i.CUSTOMER_ID = :customer_id
    UNION ALL
    SELECT
        r.REVIEW_TS,
        'review',
        r.REVIEW_ID,
        r.REVIEW_LANGUAGE,
        CAST(NULL AS VARCHAR),
        r.REVIEW_TEXT_ENGLISH,
        p.PRODUCT_NAME,
        r.REVIEW_RATING,
        CAST(NULL AS VARCHAR),
        CAST(NULL AS VARCHAR),
        CAST(NULL AS INTEGER),
        CAST(NULL AS NUMBER(12, 2)),
        r.SENTIMENT_SCORE,
        CAST(NULL AS VARCHAR)
    FROM ANALYTICS.FACT_PRODUCT_REVIEWS r
    LEFT JOIN ANALYTICS.DIM_PRODUCT p ON p.PRODUCT_ID = r.PRODUCT_ID
    WHERE r.CUSTOMER_ID = :customer_id
    UNION ALL
    SELECT
        t.CREATED_AT,
        'ticket',
        t.TICKET_ID,
        t.TICKET_CATEGORY,
        t.CHANNEL,
        t.TICKET_DESCRIPTION,
        CAST(NULL AS VARCHAR),
        CAST(NULL AS INTEGER),
        t.STATUS,
        t.PRIORITY_LEVEL,
        CAST(NULL AS INTEGER),
        CAST(NULL AS NUMBER(12, 2)),
        t.SENTIMENT_SCORE,
        t.EXTERNAL_TICKET_ID
    FROM ANALYTICS.FACT_SUPPORT_TICKETS t
    WHERE t.CUSTOMER_ID = :customer_id
    UNION ALL
    SELECT
        x.TRANSACTION_TS,
        'transaction',
        x.TRANSACTION_ID,
        p.CATEGORY,
        x.CHANNEL,
        p.PRODUCT_NAME,
        p.PRODUCT_NAME,
        CAST(NULL AS INTEGER),
        x.STATUS,
        CAST(NULL AS VARCHAR),
        x.QUANTITY,
        x.AMOUNT,
        CAST(NULL AS FLOAT),
        CAST(NULL AS VARCHAR)
    FROM ANALYTICS.FACT_TRANSACTIONS x
    LEFT JOIN ANALYTICS.DIM_PRODUCT p ON p.PRODUCT_ID = x.PRODUCT_ID
    WHERE x.CUSTOMER_ID = :customer_id
)
SELECT
    EVENT_TS, KIND, EVENT_ID, DETAIL, CHANNEL, TEXT, PRODUCT_NAME, RATING, STATUS, PRIORITY,
    QUANTITY, AMOUNT, SENTIMENT_SCORE, EXTERNAL_TICKET_ID
FROM events
WHERE KIND IN (:kind_1, :kind_2, :kind_3, :kind_4)
ORDER BY EVENT_TS DESC, KIND, EVENT_ID DESC
LIMIT 1000
