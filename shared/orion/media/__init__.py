"""Uploaded images: staff upload originals with a presigned POST, a function checks and resizes them."""
