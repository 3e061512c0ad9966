"""Channels: publishing products and pages elsewhere (optional; only its manifest so far)."""
