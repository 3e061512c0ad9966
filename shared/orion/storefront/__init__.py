"""Shopper-facing pages: themes (templates from S3), page rendering, caching headers."""
