"""How the dependency layer is built: arm64 wheels for the Lambda runtime, without Docker."""
