"""Orders: placing an order from a cart in one transaction, status history and transitions, payments."""
