"""Checkout: the shopper's cart, the checkout form, and protecting both against forged requests."""
