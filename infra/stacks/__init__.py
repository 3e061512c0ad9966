"""The AWS side of Orion: one stack per concern, every resource derived from infra/wiring.py."""
