"""Checkout, part of the orders module: the cart, the checkout form, and forged-request protection."""
