"""Saved catalogue sources: a store's feed URLs fetched on a schedule and imported (docs/imports.md,
Saved sources)."""
