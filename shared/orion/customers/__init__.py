"""Shopper accounts of a store: sign-up with e-mail verification, sessions, addresses, order history."""
