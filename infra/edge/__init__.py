"""Code that runs at the CloudFront edge (CloudFront Functions), kept as files so tests can run it."""

from pathlib import Path

VIEWER_REQUEST_JS = Path(__file__).resolve().parent / "viewer_request.js"
MEDIA_REQUEST_JS = Path(__file__).resolve().parent / "media_request.js"
