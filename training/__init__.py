"""Labelled training data and the classifier's training pipeline."""
