"""Listings and search: the storefront's listing pages, the staff listing, the search index."""
