"""Online payments (optional module): a store's own Stripe account, card payment of orders, webhooks."""
