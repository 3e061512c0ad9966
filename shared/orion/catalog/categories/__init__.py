"""Categories: a store's category items, their reads and writes."""
