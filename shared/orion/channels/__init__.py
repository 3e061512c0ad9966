"""Channels: publishing products and pages elsewhere, seed 004 (optional; only its manifest so far)."""
