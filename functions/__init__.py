"""Lambda handlers: one folder per concern, each a thin adapter over orion."""
