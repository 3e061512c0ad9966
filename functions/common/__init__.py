"""Adapter code shared by handlers: API Gateway events in, HTTP responses out."""
