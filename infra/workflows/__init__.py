"""State machine definitions (ASL builders named by the wiring table; used by the CDK and the local cloud)."""
