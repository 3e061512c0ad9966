"""Channels: publishing a store's products to other destinations (optional)."""
