"""The outbox: e-mails written next to the change that caused them, delivered by a separate sender."""
