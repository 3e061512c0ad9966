"""Lambda functions of uploaded images (orion.media)."""
