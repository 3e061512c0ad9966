"""The environment every test runs in: the local names of the wiring table's resources, a fixed
region, cheap password hashing, and Powertools quiet. Nothing here imports moto or the local cloud."""

from __future__ import annotations

from pathlib import Path

from infra.wiring import LOCAL_REGION, local_environment

REPO_ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO_ROOT / "test-artifacts"

TEST_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": LOCAL_REGION,
    "AWS_REGION": LOCAL_REGION,
    "ORION_STAGE": "test",
    "ORION_DEV_PATH_MODE": "true",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "POWERTOOLS_SERVICE_NAME": "orion-test",
    # Cheap argon2id in tests (production cost is measured in tests/bench).
    "ORION_PASSWORD_HASH_TIME_COST": "1",
    "ORION_PASSWORD_HASH_MEMORY_KIB": "1024",
    "ORION_PASSWORD_HASH_PARALLELISM": "1",
    # Publishing an import asks for no image fetches unless a test wants them (tests/integration/media).
    "ORION_MEDIA_FETCH_IMAGES": "false",
    **local_environment(),
}
# Variables a test must never inherit from the machine: they would point the SDK somewhere else.
FOREIGN = ("AWS_ENDPOINT_URL", "AWS_PROFILE", "MOTO_PORT")
