"""Task definitions: per technique and for the multi-technique, SI and TC settings."""
