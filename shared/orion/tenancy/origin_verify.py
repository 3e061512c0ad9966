"""The origin-verify secret: the values the API accepts in ``X-Origin-Verify``, and its rotation (Secrets
Manager's four steps, with CloudFront's origin header switched to the new value in ``setSecret``).

Zero downtime comes from accepting more than one value. While a rotation runs, CloudFront's edges move
from the old value to the pending one over a few minutes; the API accepts the current, the pending and
the previous version, so every edge is accepted whichever value it sends. After ``finishSecret`` the old
value is the previous version and stays accepted until the next rotation moves the label on.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from orion.data.clients import aws_client
from orion.observability import logger
from orion.tenancy.errors import OriginSecretUnavailable, RotationError

CURRENT, PENDING, PREVIOUS = "AWSCURRENT", "AWSPENDING", "AWSPREVIOUS"
ACCEPTED_STAGES = (CURRENT, PENDING, PREVIOUS)
ORIGIN_VERIFY_HEADER = "X-Origin-Verify"
# How long a container trusts the values it read. A header it does not know forces an early re-read (the
# pending value of a rotation that began after the cache was filled), at most once per
# REFRESH_FLOOR_SECONDS, so requests with guessed headers cannot flood Secrets Manager.
MAX_AGE_SECONDS = 300
REFRESH_FLOOR_SECONDS = 10
SECRET_LENGTH_BYTES = 48


class OriginVerifyValues:
    """The accepted values of one secret, cached per container for ``MAX_AGE_SECONDS``."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: dict[str, tuple[float, tuple[str, ...]]] = {}
        self._forced: dict[str, float] = {}

    def accepts(self, name: str, value: str) -> bool:
        """Whether ``value`` is one of the secret's accepted versions (compared in constant time); a
        value not among the cached ones is checked once more against a fresh read (a rotation that
        started after the cache was filled)."""
        if _matches(value, self.values(name)):
            return True
        now = self._clock()
        if now - self._forced.get(name, float("-inf")) < REFRESH_FLOOR_SECONDS:
            return False
        self._forced[name] = now
        return _matches(value, self.values(name, refresh=True))

    def values(self, name: str, *, refresh: bool = False) -> tuple[str, ...]:
        """The current, pending and previous values that exist; raises OriginSecretUnavailable when
        the current one cannot be read and none was read before."""
        now = self._clock()
        cached = self._cached.get(name)
        if cached and not refresh and now - cached[0] < MAX_AGE_SECONDS:
            return cached[1]
        with self._lock:
            try:
                values = _read_stages(name)
            except OriginSecretUnavailable:
                if cached is None:
                    raise
                # A Secrets Manager hiccup must not shut the shops: keep what was read, try again soon.
                logger.warning("origin-verify secret unreadable; keeping the values read before")
                self._cached[name] = (now - MAX_AGE_SECONDS + REFRESH_FLOOR_SECONDS, cached[1])
                return cached[1]
            self._cached[name] = (now, values)
            return values


def _matches(value: str, accepted: tuple[str, ...]) -> bool:
    # Compare with every value (no early exit), so timing does not tell which one matched.
    found = False
    for candidate in accepted:
        found |= secrets.compare_digest(value.encode(), candidate.encode())
    return found


def _read_stages(name: str) -> tuple[str, ...]:
    client = aws_client("secretsmanager")
    values: list[str] = []
    for stage in ACCEPTED_STAGES:
        try:
            values.append(str(client.get_secret_value(SecretId=name, VersionStage=stage)["SecretString"]))
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if stage == CURRENT or code != "ResourceNotFoundException":
                raise OriginSecretUnavailable(f"{name} {stage}: {code}") from exc
        except BotoCoreError as exc:
            raise OriginSecretUnavailable(f"{name} {stage}: {type(exc).__name__}") from exc
    return tuple(dict.fromkeys(values))  # a secret with one version has it as current only


# --- rotation ---------------------------------------------------------------------------------------


class OriginHeader:
    """CloudFront's view of the header: the distribution's origins that send ``X-Origin-Verify``."""

    def __init__(self, distribution_id: str) -> None:
        self.distribution_id = distribution_id

    def send(self, value: str) -> int:
        """Send ``value`` from every origin that sends the header; returns how many origins changed.
        ``IfMatch`` makes a concurrent edit of the distribution fail this step rather than be lost."""
        client = aws_client("cloudfront")
        found = client.get_distribution_config(Id=self.distribution_id)
        config: dict[str, Any] = found["DistributionConfig"]
        changed = 0
        for header in _verify_headers(config):
            if header["HeaderValue"] != value:
                header["HeaderValue"] = value
                changed += 1
        if changed:
            client.update_distribution(
                Id=self.distribution_id, IfMatch=found["ETag"], DistributionConfig=config
            )
        return changed

    def sent(self) -> set[str]:
        """The values the distribution's origins send now (the configuration, not yet every edge)."""
        found = aws_client("cloudfront").get_distribution_config(Id=self.distribution_id)
        return {header["HeaderValue"] for header in _verify_headers(found["DistributionConfig"])}


def _verify_headers(config: dict[str, Any]) -> list[dict[str, str]]:
    """The ``X-Origin-Verify`` custom headers of a distribution configuration's origins (mutable)."""
    return [
        header
        for origin in config.get("Origins", {}).get("Items", [])
        for header in origin.get("CustomHeaders", {}).get("Items", [])
        if header["HeaderName"].lower() == ORIGIN_VERIFY_HEADER.lower()
    ]


class OriginSecretRotation:
    """Secrets Manager's rotation protocol for the origin-verify secret (one instance per rotation event)."""

    def __init__(self, secret_id: str, token: str, header: OriginHeader) -> None:
        self.secret_id = secret_id
        self.token = token
        self.header = header
        self.client = aws_client("secretsmanager")

    def run(self, step: str) -> None:
        self._check_token()
        steps = {
            "createSecret": self.create,
            "setSecret": self.set,
            "testSecret": self.test,
            "finishSecret": self.finish,
        }
        if step not in steps:
            raise RotationError(f"unknown rotation step {step!r}")
        logger.info("origin secret rotation", extra={"step": step, "version": self.token})
        steps[step]()

    def _stages(self) -> dict[str, list[str]]:
        described = self.client.describe_secret(SecretId=self.secret_id)
        if not described.get("RotationEnabled"):
            raise RotationError(f"rotation is not enabled on {self.secret_id}")
        stages: dict[str, list[str]] = described.get("VersionIdsToStages", {})
        return stages

    def _check_token(self) -> None:
        stages = self._stages().get(self.token)
        if stages is None:
            raise RotationError(f"version {self.token} is not a version of {self.secret_id}")
        if CURRENT not in stages and PENDING not in stages:
            raise RotationError(f"version {self.token} is neither current nor pending")

    def _pending(self) -> str:
        found = self.client.get_secret_value(
            SecretId=self.secret_id, VersionId=self.token, VersionStage=PENDING
        )
        return str(found["SecretString"])

    def create(self) -> None:
        """A new random value as the pending version (idempotent: a retried step keeps the first one)."""
        try:
            self._pending()
            return
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise
        self.client.put_secret_value(
            SecretId=self.secret_id,
            ClientRequestToken=self.token,
            SecretString=secrets.token_urlsafe(SECRET_LENGTH_BYTES),
            VersionStages=[PENDING],
        )

    def set(self) -> None:
        """CloudFront sends the pending value from now on; the API already accepts it (pending stage)."""
        changed = self.header.send(self._pending())
        logger.info("origin header updated", extra={"origins": changed})

    def test(self) -> None:
        """The distribution's configuration sends the pending value and nothing else."""
        sent = self.header.sent()
        if sent != {self._pending()}:
            raise RotationError(f"the distribution sends {len(sent)} value(s), not the pending one")

    def finish(self) -> None:
        """The pending version becomes current; the old current becomes previous and stays accepted."""
        stages = self._stages()
        current = next((version for version, labels in stages.items() if CURRENT in labels), None)
        if current != self.token:  # else a retried finish
            self.client.update_secret_version_stage(
                SecretId=self.secret_id,
                VersionStage=CURRENT,
                MoveToVersionId=self.token,
                RemoveFromVersionId=current,
            )
        if PENDING in stages.get(self.token, []):
            # The rotation is over: no version stays pending (the next rotation starts a new one).
            self.client.update_secret_version_stage(
                SecretId=self.secret_id, VersionStage=PENDING, RemoveFromVersionId=self.token
            )
