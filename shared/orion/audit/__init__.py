"""The audit log: every staff write, with who, what, when, where and the request it came from."""
