"""The churn model: features and labels as of a cut-off (SQL in sql/churn/), training with a
time-based split, calibrated scores 0..100 in bands, and versions kept in the warehouse."""
