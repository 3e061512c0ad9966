"""Health: is this deployment alive, and can it reach its table and buckets."""
