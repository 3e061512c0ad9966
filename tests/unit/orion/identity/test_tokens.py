"""Access tokens: only RS256 tokens signed by a key of the set, for this platform, from this issuer,
unexpired and with every required claim, are accepted."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization

from orion.errors import Unauthorized
from orion.identity.tokens import (
    CachedKeySource,
    KeySet,
    generate_key_set,
    issue_access_token,
    rotate_key_set,
    verify_access_token,
)

ISSUER = "orion"


class StaticKeys:
    def __init__(self, text: str) -> None:
        self.text = text

    def key_set(self, *, refresh: bool = False) -> KeySet:
        return KeySet.from_json(self.text)


@pytest.fixture(scope="module")
def key_text() -> str:
    return generate_key_set()


@pytest.fixture
def keys(key_text: str) -> StaticKeys:
    return StaticKeys(key_text)


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {"iss": ISSUER, "aud": "oms", "sub": "01ABCDEFGHJKMNPQRSTVWXYZ12", "iat": now, "exp": now + 600}
    base |= {"jti": "01ABCDEFGHJKMNPQRSTVWXYZ34", "use": "staff-access"}
    base.update(changes)
    return {k: v for k, v in base.items() if v is not None}


def signed(keys: StaticKeys, payload: dict[str, Any], **headers: Any) -> str:
    active = keys.key_set().active
    return jwt.encode(payload, active.private_key, algorithm="RS256", headers={"kid": active.kid, **headers})


def verify(keys: StaticKeys, token: str, audience: str = "oms") -> str:
    return verify_access_token(keys, token, audience=audience, issuer=ISSUER).user_id


def test_a_token_issued_for_the_platform_verifies(keys: StaticKeys) -> None:
    token, _ = issue_access_token(
        keys.key_set(), user_id="U1", platform="oms", issuer=ISSUER, ttl_seconds=900
    )
    assert verify(keys, token) == "U1"
    assert jwt.get_unverified_header(token)["kid"] == keys.key_set().active.kid


def test_a_token_carries_the_users_token_version(keys: StaticKeys) -> None:
    token, _ = issue_access_token(
        keys.key_set(), user_id="U1", platform="oms", issuer=ISSUER, ttl_seconds=900, token_version=3
    )
    assert verify_access_token(keys, token, audience="oms", issuer=ISSUER).token_version == 3
    # Tokens from before versions existed count as version 0.
    legacy = verify_access_token(keys, signed(keys, claims()), audience="oms", issuer=ISSUER)
    assert legacy.token_version == 0


@pytest.mark.parametrize("version", ["3", 1.5, True, None, [1]])
def test_a_token_version_that_is_not_an_integer_is_refused(keys: StaticKeys, version: Any) -> None:
    payload = claims()
    payload["ver"] = version
    with pytest.raises(Unauthorized):
        verify(keys, signed(keys, payload))


def test_alg_none_is_refused(keys: StaticKeys) -> None:
    header = base64.urlsafe_b64encode(json.dumps({"alg": "none", "kid": keys.key_set().active.kid}).encode())
    body = base64.urlsafe_b64encode(json.dumps(claims()).encode())
    token = f"{header.decode().rstrip('=')}.{body.decode().rstrip('=')}."
    with pytest.raises(Unauthorized):
        verify(keys, token)


def test_hmac_signed_with_the_public_key_is_refused(keys: StaticKeys) -> None:
    active = keys.key_set().active
    public_pem = active.public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = base64.urlsafe_b64encode(json.dumps({"alg": "HS256", "kid": active.kid, "typ": "JWT"}).encode())
    body = base64.urlsafe_b64encode(json.dumps(claims()).encode())
    signing_input = f"{header.decode().rstrip('=')}.{body.decode().rstrip('=')}"
    import hashlib
    import hmac

    signature = base64.urlsafe_b64encode(
        hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    )
    with pytest.raises(Unauthorized):
        verify(keys, f"{signing_input}.{signature.decode().rstrip('=')}")


def test_a_token_signed_by_another_key_is_refused(keys: StaticKeys) -> None:
    stranger = StaticKeys(generate_key_set())
    forged = jwt.encode(
        claims(), stranger.key_set().active.private_key, algorithm="RS256",
        headers={"kid": keys.key_set().active.kid},
    )  # fmt: skip
    with pytest.raises(Unauthorized):
        verify(keys, forged)


def test_an_unknown_kid_is_refused(keys: StaticKeys) -> None:
    with pytest.raises(Unauthorized):
        verify(keys, signed(keys, claims(), kid="k-unknown"))


def test_an_expired_token_is_refused(keys: StaticKeys) -> None:
    past = int(time.time()) - 3600
    with pytest.raises(Unauthorized, match="expired"):
        verify(keys, signed(keys, claims(iat=past, exp=past + 900)))


@pytest.mark.parametrize("change", [{"aud": "loyalty"}, {"iss": "someone-else"}, {"use": "refresh"}])
def test_wrong_audience_issuer_or_use_is_refused(keys: StaticKeys, change: dict[str, str]) -> None:
    with pytest.raises(Unauthorized):
        verify(keys, signed(keys, claims(**change)))


@pytest.mark.parametrize("audience", [["oms"], ["oms", "loyalty"], ["loyalty", "oms"], [], {"oms": 1}, 1])
def test_an_audience_that_is_not_exactly_the_platform_is_refused(keys: StaticKeys, audience: Any) -> None:
    with pytest.raises(Unauthorized, match=r"^The access token is not valid\.$"):
        verify(keys, signed(keys, claims(aud=audience)))


def test_a_token_for_one_platform_is_refused_on_another(keys: StaticKeys) -> None:
    token, _ = issue_access_token(
        keys.key_set(), user_id="U1", platform="oms", issuer=ISSUER, ttl_seconds=900
    )
    with pytest.raises(Unauthorized):
        verify(keys, token, audience="loyalty")


@pytest.mark.parametrize("missing", ["exp", "iat", "iss", "aud", "sub", "jti"])
def test_a_token_missing_a_required_claim_is_refused(keys: StaticKeys, missing: str) -> None:
    with pytest.raises(Unauthorized):
        verify(keys, signed(keys, claims(**{missing: None})))


def test_a_tampered_payload_is_refused(keys: StaticKeys) -> None:
    header, _, signature = signed(keys, claims()).split(".")
    body = base64.urlsafe_b64encode(json.dumps(claims(sub="01SOMEONEELSE0000000000000")).encode())
    with pytest.raises(Unauthorized):
        verify(keys, f"{header}.{body.decode().rstrip('=')}.{signature}")


@pytest.mark.parametrize("garbage", ["", "abc", "a.b.c", "Bearer x"])
def test_garbage_is_refused(keys: StaticKeys, garbage: str) -> None:
    with pytest.raises(Unauthorized):
        verify(keys, garbage)


def test_after_rotation_old_tokens_still_verify_and_new_ones_use_the_new_key(key_text: str) -> None:
    before = StaticKeys(key_text)
    old_token, _ = issue_access_token(
        before.key_set(), user_id="U1", platform="oms", issuer=ISSUER, ttl_seconds=900
    )
    after = StaticKeys(rotate_key_set(key_text))
    new_token, _ = issue_access_token(
        after.key_set(), user_id="U2", platform="oms", issuer=ISSUER, ttl_seconds=900
    )
    assert verify(after, old_token) == "U1"
    assert verify(after, new_token) == "U2"
    assert jwt.get_unverified_header(new_token)["kid"] != jwt.get_unverified_header(old_token)["kid"]


def test_cached_source_rereads_on_an_unknown_kid_but_not_on_every_call(key_text: str) -> None:
    current = {"text": key_text}
    reads: list[int] = []
    clock = {"now": 1000.0}

    def load() -> str:
        reads.append(1)
        return current["text"]

    source = CachedKeySource(load, ttl=300, min_refresh_interval=30, clock=lambda: clock["now"])
    source.key_set()
    source.key_set()
    assert len(reads) == 1
    current["text"] = rotate_key_set(key_text)
    rotated = KeySet.from_json(current["text"])
    token, _ = issue_access_token(rotated, user_id="U3", platform="oms", issuer=ISSUER, ttl_seconds=900)
    clock["now"] += 31
    assert verify_access_token(source, token, audience="oms", issuer=ISSUER).user_id == "U3"
    assert len(reads) == 2


def test_issue_uses_the_given_time() -> None:
    keys = KeySet.from_json(generate_key_set())
    token, _ = issue_access_token(
        keys,
        user_id="U",
        platform="oms",
        issuer=ISSUER,
        ttl_seconds=900,
        now=datetime.now(UTC) - timedelta(hours=1),
    )
    with pytest.raises(Unauthorized, match="expired"):
        verify_access_token(StaticKeys(json.dumps(_as_json(keys))), token, audience="oms", issuer=ISSUER)


def _as_json(keys: KeySet) -> dict[str, Any]:
    pem = keys.active.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return {"active": keys.active.kid, "keys": [{"kid": keys.active.kid, "alg": "RS256", "private_key": pem}]}
