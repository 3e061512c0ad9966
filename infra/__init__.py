"""Infrastructure: the wiring table, the CDK app and the local cloud."""
