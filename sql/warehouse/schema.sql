-- The warehouse contract (see WAREHOUSE.md) as Snowflake DDL: schema ANALYTICS.
--
-- Plain CREATE TABLE statements, one per table: the query compiler parses this file with sqlglot
-- (read="snowflake") to learn each table's columns, and the demo build transpiles it to DuckDB.
-- Identifiers are unquoted and upper-case. INTEGER and BIGINT are Snowflake's NUMBER(38,0).
-- Primary keys are documented in comments only (Snowflake does not enforce them); the demo build
-- and its tests check uniqueness.
--
-- The derived tables are filled by the models in models/: one file per table, NN_<table>.sql, each
-- a SELECT (dbt-style) whose columns are inserted by name into ANALYTICS.<TABLE>, in NN order.

-- ---------------------------------------------------------------------------------------------
-- Raw facts and dimensions: filled by the customer's pipeline, or by the demo generator.
-- ---------------------------------------------------------------------------------------------

-- One row per customer. FIRST_NAME, LAST_NAME and EMAIL are PII.
-- LIFETIME_VALUE = sum of AMOUNT of the customer's completed transactions, TOTAL_ORDERS = their
-- number, LAST_PURCHASE_DATE = the date of the latest one (NULL without any).
-- IS_ACTIVE = FALSE once the customer has cancelled the account.
CREATE TABLE ANALYTICS.CUSTOMER_BASE (
    CUSTOMER_ID VARCHAR NOT NULL,  -- PK, e.g. C0001234
    FIRST_NAME VARCHAR,
    LAST_NAME VARCHAR,
    EMAIL VARCHAR,
    SIGNUP_DATE DATE NOT NULL,
    REGION VARCHAR NOT NULL,  -- NA, EMEA, APAC, LATAM
    COUNTRY VARCHAR NOT NULL,  -- ISO 3166-1 alpha-2
    STATE VARCHAR,  -- state or province where the country has them (US, CA, AU), else NULL
    ACQUISITION_CHANNEL VARCHAR,
    PLAN_TIER VARCHAR NOT NULL,  -- Standard, Premium, Platinum
    LIFETIME_VALUE NUMBER(12, 2) NOT NULL,
    TOTAL_ORDERS INTEGER NOT NULL,
    LAST_PURCHASE_DATE DATE,
    IS_ACTIVE BOOLEAN NOT NULL
);

-- One interaction (contact) with a customer.
CREATE TABLE ANALYTICS.FACT_CUSTOMER_INTERACTIONS (
    INTERACTION_ID BIGINT NOT NULL,  -- PK
    CUSTOMER_ID VARCHAR NOT NULL,
    INTERACTION_TS TIMESTAMP_NTZ NOT NULL,
    CHANNEL VARCHAR NOT NULL,  -- web, mobile_app, phone, email, social, store
    INTERACTION_TYPE VARCHAR NOT NULL,  -- inquiry, complaint, feedback, purchase, onboarding, cancellation_request
    INTERACTION_NOTES VARCHAR,
    SENTIMENT_SCORE FLOAT  -- in [-1, 1]; NULL when scoring failed (at most 0.5 % of rows)
);

-- One product review.
CREATE TABLE ANALYTICS.FACT_PRODUCT_REVIEWS (
    REVIEW_ID BIGINT NOT NULL,  -- PK
    CUSTOMER_ID VARCHAR NOT NULL,
    PRODUCT_ID VARCHAR NOT NULL,
    REVIEW_TS TIMESTAMP_NTZ NOT NULL,
    REVIEW_RATING INTEGER NOT NULL,  -- 1..5
    REVIEW_LANGUAGE VARCHAR NOT NULL,  -- ISO 639-1: en, es, fr, de, pt, it, ja
    REVIEW_TEXT VARCHAR,  -- in REVIEW_LANGUAGE
    REVIEW_TEXT_ENGLISH VARCHAR,  -- English translation (the text itself when REVIEW_LANGUAGE = 'en')
    SENTIMENT_SCORE FLOAT  -- in [-1, 1]
);

-- One support ticket; TICKET_ID is unique.
CREATE TABLE ANALYTICS.FACT_SUPPORT_TICKETS (
    TICKET_ID BIGINT NOT NULL,  -- PK
    EXTERNAL_TICKET_ID VARCHAR NOT NULL,  -- the helpdesk's id, for the drill-through link
    CUSTOMER_ID VARCHAR NOT NULL,
    CREATED_AT TIMESTAMP_NTZ NOT NULL,
    RESOLVED_AT TIMESTAMP_NTZ,  -- NULL while open or pending
    STATUS VARCHAR NOT NULL,  -- open, pending, solved, closed
    PRIORITY_LEVEL VARCHAR NOT NULL,  -- Low, Medium, High, Urgent
    TICKET_CATEGORY VARCHAR NOT NULL,  -- Billing, Shipping, Product Defect, Account, Technical, Returns
    CHANNEL VARCHAR NOT NULL,  -- web, mobile_app, phone, email, social, store
    TICKET_DESCRIPTION VARCHAR,
    EXPECTED_RESOLUTION_TIMEFRAME VARCHAR,
    REQUESTED_REMEDY VARCHAR,
    CSAT_SCORE INTEGER,  -- 1..5, NULL when the customer did not answer the survey
    SENTIMENT_SCORE FLOAT  -- in [-1, 1]
);

-- One purchase line.
CREATE TABLE ANALYTICS.FACT_TRANSACTIONS (
    TRANSACTION_ID BIGINT NOT NULL,  -- PK
    CUSTOMER_ID VARCHAR NOT NULL,
    TRANSACTION_TS TIMESTAMP_NTZ NOT NULL,
    PRODUCT_ID VARCHAR NOT NULL,
    QUANTITY INTEGER NOT NULL,
    AMOUNT NUMBER(12, 2) NOT NULL,  -- QUANTITY x LIST_PRICE, less any discount
    CHANNEL VARCHAR NOT NULL,  -- web, mobile_app, phone, email, social, store
    STATUS VARCHAR NOT NULL  -- completed, refunded
);

-- One customer contacted by one campaign.
CREATE TABLE ANALYTICS.FACT_CAMPAIGN_RESPONSES (
    CAMPAIGN_ID VARCHAR NOT NULL,
    CAMPAIGN_TYPE VARCHAR NOT NULL,  -- retention, upsell, winback, newsletter
    CUSTOMER_ID VARCHAR NOT NULL,
    SENT_AT TIMESTAMP_NTZ NOT NULL,
    RESPONDED BOOLEAN NOT NULL,
    CONVERTED BOOLEAN NOT NULL,
    COST NUMBER(10, 2) NOT NULL
);

-- One product.
CREATE TABLE ANALYTICS.DIM_PRODUCT (
    PRODUCT_ID VARCHAR NOT NULL,  -- PK, e.g. P0042
    PRODUCT_NAME VARCHAR NOT NULL,
    CATEGORY VARCHAR NOT NULL,
    LAUNCH_DATE DATE NOT NULL,
    LIST_PRICE NUMBER(10, 2) NOT NULL
);

-- One calendar day of the history. WEEK_START is the Monday of the ISO week.
CREATE TABLE ANALYTICS.DIM_DATE (
    DATE_DAY DATE NOT NULL,  -- PK
    WEEK_START DATE NOT NULL,
    MONTH_START DATE NOT NULL,
    QUARTER INTEGER NOT NULL,  -- 1..4
    YEAR INTEGER NOT NULL,
    IS_WEEKEND BOOLEAN NOT NULL
);

-- ---------------------------------------------------------------------------------------------
-- Derived tables: the models in sql/warehouse/models/ (one file per table).
-- ---------------------------------------------------------------------------------------------

-- One scored text from any source. SENTIMENT_LABEL: Positive when the score is above 0.2,
-- Negative below -0.2, else Neutral. Texts without a score are left out.
CREATE TABLE ANALYTICS.SENTIMENT_ANALYSIS (
    CUSTOMER_ID VARCHAR NOT NULL,
    SOURCE_TYPE VARCHAR NOT NULL,  -- interaction, review, ticket
    SOURCE_ID BIGINT NOT NULL,  -- INTERACTION_ID, REVIEW_ID or TICKET_ID
    SENTIMENT_TS TIMESTAMP_NTZ NOT NULL,
    SENTIMENT_SCORE FLOAT NOT NULL,
    SENTIMENT_LABEL VARCHAR NOT NULL  -- Positive, Neutral, Negative
);

-- One customer with at least one scored text.
CREATE TABLE ANALYTICS.SENTIMENT_TRENDS (
    CUSTOMER_ID VARCHAR NOT NULL,  -- PK
    AVG_SENTIMENT FLOAT NOT NULL,
    SENTIMENT_TREND FLOAT NOT NULL,  -- least-squares slope of the score, per 30 days
    SENTIMENT_VOLATILITY FLOAT NOT NULL,  -- sample standard deviation of the score
    OBSERVATIONS INTEGER NOT NULL,
    FIRST_SEEN TIMESTAMP_NTZ NOT NULL,
    LAST_SEEN TIMESTAMP_NTZ NOT NULL,
    OVERALL_SENTIMENT VARCHAR NOT NULL  -- Positive, Neutral, Negative (same cut-offs as above)
);

-- One customer with at least one ticket.
CREATE TABLE ANALYTICS.TICKET_PATTERNS (
    CUSTOMER_ID VARCHAR NOT NULL,  -- PK
    TICKET_COUNT INTEGER NOT NULL,
    OPEN_TICKET_COUNT INTEGER NOT NULL,  -- status open or pending
    HIGH_PRIORITY_COUNT INTEGER NOT NULL,  -- priority High or Urgent
    MOST_COMMON_CATEGORY VARCHAR NOT NULL,
    AVG_RESOLUTION_HOURS FLOAT,  -- over resolved tickets; NULL when none is resolved
    LAST_TICKET_AT TIMESTAMP_NTZ NOT NULL,
    IS_RECURRING BOOLEAN NOT NULL  -- two tickets of one category within 30 days
);

-- One customer: the signals the portal segments by.
CREATE TABLE ANALYTICS.CUSTOMER_PERSONA_SIGNALS (
    CUSTOMER_ID VARCHAR NOT NULL,  -- PK
    DERIVED_PERSONA VARCHAR NOT NULL,  -- Loyal Advocate, At-Risk Detractor, Bargain Hunter, New Explorer, Support Heavy, Silent Majority
    OVERALL_SENTIMENT VARCHAR NOT NULL,  -- Positive, Neutral, Negative
    CHURN_RISK VARCHAR NOT NULL,  -- High, Medium, Low (CHURN_PREDICTIONS.CHURN_RISK_CATEGORY)
    UPSELL_OPPORTUNITY VARCHAR NOT NULL,  -- High, Medium, Low
    VALUE_SEGMENT VARCHAR NOT NULL,  -- High Value, Medium Value, Low Value
    AVG_SENTIMENT FLOAT,
    INTERACTION_COUNT INTEGER NOT NULL,
    TICKET_COUNT INTEGER NOT NULL,
    REVIEW_COUNT INTEGER NOT NULL,
    AVG_RATING FLOAT,
    LIFETIME_VALUE NUMBER(12, 2) NOT NULL
);

-- One customer: a plain-language summary built from that customer's signals (no PII in it).
CREATE TABLE ANALYTICS.INSIGHT_SUMMARIES (
    CUSTOMER_ID VARCHAR NOT NULL,  -- PK
    CUSTOMER_SUMMARY VARCHAR NOT NULL,
    KEY_THEMES VARCHAR NOT NULL,  -- comma-separated
    RECOMMENDED_ACTION VARCHAR NOT NULL,
    GENERATED_AT TIMESTAMP_NTZ NOT NULL
);

-- One customer: churn risk from falling sentiment, recent tickets and fading purchases.
CREATE TABLE ANALYTICS.CHURN_PREDICTIONS (
    CUSTOMER_ID VARCHAR NOT NULL,  -- PK
    CHURN_RISK_SCORE NUMBER(5, 1) NOT NULL,  -- 0..100
    CHURN_RISK_CATEGORY VARCHAR NOT NULL,  -- High (60 and up), Medium (30 and up), Low
    TOP_FACTOR VARCHAR NOT NULL,
    MODEL_VERSION VARCHAR NOT NULL,
    SCORED_AT TIMESTAMP_NTZ NOT NULL
);

-- One persona and day: the interactions of that persona's customers on that day.
CREATE TABLE ANALYTICS.DIM_PERSONA_STATS (
    STAT_DATE DATE NOT NULL,
    DERIVED_PERSONA VARCHAR NOT NULL,
    CUSTOMERS INTEGER NOT NULL,  -- distinct customers with an interaction that day
    INTERACTIONS INTEGER NOT NULL,
    AVG_SENTIMENT FLOAT
);

-- One trained churn model version (written by `manage.py train_churn`, never by the pipeline's
-- models): its held-out metrics, band thresholds (score points) and the model card as JSON.
CREATE TABLE ANALYTICS.CHURN_MODEL_VERSIONS (
    MODEL_VERSION VARCHAR NOT NULL,  -- PK
    TRAINED_AT TIMESTAMP_NTZ NOT NULL,
    LAST_DAY DATE NOT NULL,  -- the last day of data the model saw
    HELD_OUT_CUTOFF DATE NOT NULL,
    F1 FLOAT NOT NULL,
    PRECISION FLOAT NOT NULL,
    RECALL FLOAT NOT NULL,
    ROC_AUC FLOAT NOT NULL,
    BASELINE_F1 FLOAT NOT NULL,
    HIGH_FROM NUMBER(5, 1) NOT NULL,  -- score from which a customer is High risk
    MEDIUM_FROM NUMBER(5, 1) NOT NULL,  -- score from which a customer is Medium risk
    TRAINING_SECONDS FLOAT NOT NULL,
    CUSTOMERS_SCORED INTEGER NOT NULL,
    CARD VARCHAR NOT NULL  -- JSON: data window, features, curves, importance, change
);

-- One customer and model version: every version's scores are kept; CHURN_PREDICTIONS holds the
-- latest version's.
CREATE TABLE ANALYTICS.CHURN_MODEL_SCORES (
    MODEL_VERSION VARCHAR NOT NULL,
    CUSTOMER_ID VARCHAR NOT NULL,
    CHURN_RISK_SCORE NUMBER(5, 1) NOT NULL,  -- 0..100
    CHURN_RISK_CATEGORY VARCHAR NOT NULL,  -- High, Medium, Low (thresholds in CHURN_MODEL_VERSIONS)
    TOP_FACTOR VARCHAR NOT NULL,
    FACTORS VARCHAR NOT NULL,  -- the factors that raised the score, most first, separated by "; "
    SCORED_AT TIMESTAMP_NTZ NOT NULL
);
