"""Delivers outbox e-mails (SES), triggered by the table's stream."""
