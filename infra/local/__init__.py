"""The local cloud: moto services and an HTTP gateway, built from the same wiring table as the CDK."""
