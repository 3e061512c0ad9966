"""Metrics: per-tenant counters kept on write (atomic ADD, no scans), the provider protocol modules
implement, and the aggregator behind the store dashboard and the platform admin metrics."""
