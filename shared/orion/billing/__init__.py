"""Billing: merchants' subscriptions and invoices (optional module; not built yet beyond its manifest)."""
