"""Catalogue: products with variants and stock, categories, storefront listings and search."""
