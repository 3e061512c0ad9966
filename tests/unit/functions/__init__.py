"""Unit tests of the Lambda adapters: what holds for every handler, and their input models."""
