"""Messaging: conversations with customers (optional module; not built yet beyond its manifest)."""
