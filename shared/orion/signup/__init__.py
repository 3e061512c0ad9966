"""Merchant self-service sign-up: a pending sign-up, its e-mailed link, and the merchant, store and owner
it opens in one transaction. It sits above tenancy and identity (it uses both, neither uses it)."""
