"""Handles the mail service's feedback (SES bounces and complaints)."""
