"""Evaluation items (one prompt per window, or per gold span for TC), their outcomes (each completion
parsed and aligned into a sample record) and the oracle. Below training and the approaches."""
