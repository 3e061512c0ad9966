"""Powertools Logger, Tracer and Metrics, created once and imported by every handler and feature."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

# The service name comes from POWERTOOLS_SERVICE_NAME, which the wiring table sets per function.
logger = Logger()
tracer = Tracer()
metrics = Metrics(namespace="Orion")
