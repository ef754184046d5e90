-- The trained churn model versions, the latest first (the model card shows the first two).
SELECT
    v.MODEL_VERSION,
    v.TRAINED_AT,
    v.LAST_DAY,
    v.HELD_OUT_CUTOFF,
    v.F1,
    v.PRECISION,
    v.RECALL,
    v.ROC_AUC,
    v.BASELINE_F1,
    v.HIGH_FROM,
    v.MEDIUM_FROM,
    v.TRAINING_SECONDS,
    v.CUSTOMERS_SCORED,
    v.CARD
FROM ANALYTICS.CHURN_MODEL_VERSIONS AS v
ORDER BY v.TRAINED_AT DESC
LIMIT 12
