"""The scikit-learn model: features, calibrated per-category classifiers, thresholds, artifacts."""
