"""Who may post: the holder of a shared token, and nobody else unless a person says so.

Tilte lets a customer configure a URL and sometimes a header, so the token is accepted in any
of three places: ``?token=...`` in the URL, ``Authorization: Bearer <token>``, or as the
password of ``Authorization: Basic``. Several tokens may be valid at once, which is how a token
is rotated without downtime. Comparison is constant-time, and an empty set of tokens accepts
nothing.
"""

from __future__ import annotations

import binascii
import hmac
import json
from base64 import b64decode
from collections.abc import Iterable, Mapping, Sequence


class TokensUnavailable(Exception):
    """The accepted tokens could not be read (for example Secrets Manager did not answer)."""


def presented_tokens(headers: Mapping[str, str], query: Mapping[str, str]) -> list[str]:
    """Every token the request presents (``headers`` with lower-case names)."""
    tokens = []
    scheme, _, credentials = headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer":
        tokens.append(credentials.strip())
    elif scheme.lower() == "basic":
        tokens.append(_basic_password(credentials.strip()))
    tokens.append(query.get("token", ""))
    return [token for token in tokens if token]


def _basic_password(credentials: str) -> str:
    try:
        user_and_password = b64decode(credentials, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return ""
    return user_and_password.partition(":")[2]


def is_authorized(presented: Iterable[str], accepted: Sequence[str]) -> bool:
    """True when a presented token equals an accepted one, compared in constant time.

    Every pair is compared, so the time taken says nothing about which token came close.
    """
    matched = False
    for candidate in presented:
        for token in accepted:
            matched |= hmac.compare_digest(candidate.encode("utf-8"), token.encode("utf-8"))
    return matched


def tokens_from_secret(secret: str) -> tuple[str, ...]:
    """The tokens in a secret's value.

    The value is a JSON object with ``"token"`` (one string) and/or ``"tokens"`` (a list), as
    ``{"tokens": ["new", "old"]}`` during a rotation, or else a plain string that is the token.
    """
    try:
        value = json.loads(secret)
    except ValueError:
        value = secret
    if isinstance(value, str):
        candidates: list[object] = [value]
    elif isinstance(value, dict):
        listed = value.get("tokens", [])
        candidates = [value.get("token"), *(listed if isinstance(listed, list) else [])]
    else:  # a bare JSON number or list: the text itself is the token
        candidates = [secret]
    return tuple(token.strip() for token in candidates if isinstance(token, str) and token.strip())
