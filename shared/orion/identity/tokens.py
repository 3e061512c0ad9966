"""Staff access tokens: RS256 JWTs signed with a key set kept in Secrets Manager.

The secret holds ``{"active": "<kid>", "keys": [{"kid", "alg", "private_key"}, ...]}``. Tokens are
signed with the active key and name it in the ``kid`` header; every key still in the set verifies, so
rotation is: add a new key and make it active, wait one token lifetime, then drop the old key.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from orion.errors import Unauthorized
from orion.ids import new_id

ALGORITHM = "RS256"
REQUIRED_CLAIMS = ("exp", "iat", "iss", "aud", "sub", "jti")
TOKEN_USE = "staff-access"


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self.private_key.public_key()


@dataclass(frozen=True)
class KeySet:
    """The parsed signing keys: the active one signs, all of them verify."""

    active: SigningKey
    keys: Mapping[str, SigningKey]

    @classmethod
    def from_json(cls, text: str) -> KeySet:
        document = json.loads(text)
        keys: dict[str, SigningKey] = {}
        for entry in document["keys"]:
            if entry.get("alg", ALGORITHM) != ALGORITHM:
                raise ValueError(f"signing key {entry['kid']!r} is not {ALGORITHM}")
            private = serialization.load_pem_private_key(entry["private_key"].encode(), password=None)
            if not isinstance(private, rsa.RSAPrivateKey):
                raise ValueError(f"signing key {entry['kid']!r} is not an RSA key")
            keys[entry["kid"]] = SigningKey(entry["kid"], private)
        return cls(active=keys[document["active"]], keys=keys)


def new_signing_key_entry(kid: str | None = None) -> dict[str, str]:
    """A fresh RSA-2048 key as stored in the secret."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return {"kid": kid or f"k-{new_id().lower()}", "alg": ALGORITHM, "private_key": pem}


def generate_key_set() -> str:
    """The JSON of a new key set with one active key (local provisioning, first deployment)."""
    entry = new_signing_key_entry()
    return json.dumps({"active": entry["kid"], "keys": [entry]})


def rotate_key_set(current: str, keep: int = 2) -> str:
    """``current`` with a new active key added, keeping the newest ``keep`` keys for verification."""
    document = json.loads(current)
    entry = new_signing_key_entry()
    keys = [entry, *document["keys"]][:keep]
    return json.dumps({"active": entry["kid"], "keys": keys})


class KeySource(Protocol):
    def key_set(self, *, refresh: bool = False) -> KeySet: ...


class CachedKeySource:
    """Reads the key set through ``load`` and keeps it ``ttl`` seconds; an unknown ``kid`` may force a
    re-read (a key rotated in since), at most once per ``min_refresh_interval`` seconds."""

    def __init__(
        self,
        load: Callable[[], str],
        ttl: float,
        *,
        min_refresh_interval: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._ttl = ttl
        self._min_refresh = min_refresh_interval
        self._clock = clock
        self._lock = threading.Lock()
        self._cached: tuple[float, KeySet] | None = None

    def key_set(self, *, refresh: bool = False) -> KeySet:
        with self._lock:
            now = self._clock()
            if self._cached is not None:
                loaded_at, keys = self._cached
                fresh = now - loaded_at < self._ttl
                if fresh and not (refresh and now - loaded_at >= self._min_refresh):
                    return keys
            keys = KeySet.from_json(self._load())
            self._cached = (now, keys)
            return keys


def issue_access_token(
    keys: KeySet,
    *,
    user_id: str,
    platform: str,
    issuer: str,
    ttl_seconds: int,
    now: datetime | None = None,
    token_version: int = 0,
) -> tuple[str, str]:
    """A signed access token for ``user_id`` on ``platform`` and its id (``jti``).

    ``ver`` carries the user's token version: a lock or a password reset raises the stored version, so
    every token issued before it stops working on the next request (see identity.service)."""
    issued = int((now or datetime.now(UTC)).timestamp())
    token_id = new_id()
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": platform,
        "sub": user_id,
        "iat": issued,
        "exp": issued + ttl_seconds,
        "jti": token_id,
        "use": TOKEN_USE,
        "ver": token_version,
    }
    token = jwt.encode(claims, keys.active.private_key, algorithm=ALGORITHM, headers={"kid": keys.active.kid})
    return token, token_id


@dataclass(frozen=True)
class VerifiedToken:
    user_id: str
    platform: str
    token_id: str
    token_version: int = 0


def verify_access_token(source: KeySource, token: str, *, audience: str, issuer: str) -> VerifiedToken:
    """The verified claims of ``token`` for ``audience``; anything else is 401 with one vague message.

    The algorithm is pinned (``none`` and HMAC tokens never verify), the key is chosen by ``kid`` among
    the set's RSA public keys, ``exp``/``iat``/``iss``/``aud``/``sub``/``jti`` must all be present, and
    ``aud`` must be exactly ``audience``: a list is refused even if it names the platform, since Orion
    issues one platform per token and a token valid for several audiences was not made here.
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise Unauthorized("The access token is not valid.") from exc
    kid = header.get("kid")
    if header.get("alg") != ALGORITHM or not isinstance(kid, str):
        raise Unauthorized("The access token is not valid.")
    keys = source.key_set()
    key = keys.keys.get(kid) or source.key_set(refresh=True).keys.get(kid)
    if key is None:
        raise Unauthorized("The access token is not valid.")
    try:
        claims = jwt.decode(
            token,
            key.public_key,
            algorithms=[ALGORITHM],
            audience=audience,
            issuer=issuer,
            # strict_aud: the claim must be the one string, never a list merely containing it.
            options={"require": list(REQUIRED_CLAIMS), "verify_iat": True, "strict_aud": True},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("The access token has expired.") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("The access token is not valid.") from exc
    version = claims.get("ver", 0)  # tokens issued before versions existed are version 0
    if claims.get("use") != TOKEN_USE or not isinstance(claims["sub"], str) or type(version) is not int:
        raise Unauthorized("The access token is not valid.")
    return VerifiedToken(
        user_id=claims["sub"], platform=audience, token_id=str(claims["jti"]), token_version=version
    )
