"""Stock: the pure low-stock rules, stock changes as conditional writes, thresholds and the recount."""
