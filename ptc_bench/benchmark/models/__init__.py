"""Models: the catalogue, loading, the tiny test model, quantisation, numerics, fingerprints."""
