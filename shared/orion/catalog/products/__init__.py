"""A product and what derives from it: its pointers, variants, listing and search entries, in one save."""
