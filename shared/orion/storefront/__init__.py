"""Shopper-facing pages: what each shows, in the shopper's language, and how it is cached; rendered
through the tenant's theme by orion.rendering."""
