"""The campaign ROI simulator: an audience from the churn model, assumptions, and pure maths."""
