"""Catalogue imports: upload -> prepare (detect, decode, chunk) -> process chunks -> finalize -> publish."""
