"""Orion: the domain and data access of the multi-tenant commerce platform, shipped as a Lambda layer."""
