"""Credentials: where a token may be, what a secret may hold, and constant-time comparison."""

from __future__ import annotations

import base64
import hmac

import pytest

from tilte_webhooks.auth import is_authorized, presented_tokens, tokens_from_secret


def basic(credentials: str) -> str:
    return "Basic " + base64.b64encode(credentials.encode()).decode()


@pytest.mark.parametrize(
    ("headers", "query", "expected"),
    [
        ({}, {}, []),
        ({}, {"token": "t1"}, ["t1"]),
        ({}, {"token": ""}, []),
        ({"authorization": "Bearer t1"}, {}, ["t1"]),
        ({"authorization": "BEARER  t1 "}, {}, ["t1"]),
        ({"authorization": "Bearer"}, {}, []),
        ({"authorization": basic("tilte:t1")}, {}, ["t1"]),
        ({"authorization": basic(":t1")}, {}, ["t1"]),
        ({"authorization": basic("tilte:pa:ss")}, {}, ["pa:ss"]),
        ({"authorization": basic("t1")}, {}, []),  # a user name alone is not a password
        ({"authorization": "Basic not-base64!"}, {}, []),
        ({"authorization": "Digest t1"}, {}, []),
        ({"authorization": "Bearer t1"}, {"token": "t2"}, ["t1", "t2"]),
    ],
)
def test_tokens_are_found_in_the_url_a_bearer_header_or_a_basic_password(
    headers: dict[str, str], query: dict[str, str], expected: list[str]
) -> None:
    assert presented_tokens(headers, query) == expected


@pytest.mark.parametrize(
    ("secret", "tokens"),
    [
        ('{"token": "abc"}', ("abc",)),
        ('{"tokens": ["new", "old"]}', ("new", "old")),
        ('{"token": "abc", "tokens": ["old"]}', ("abc", "old")),
        ('{"tokens": ["new", "", "  ", 7, null]}', ("new",)),
        ('{"tokens": "not-a-list"}', ()),
        ("{}", ()),
        ("plain-token", ("plain-token",)),
        ('"quoted-token"', ("quoted-token",)),
        ("12345678", ("12345678",)),
        ("", ()),
        ("   ", ()),
    ],
)
def test_a_secret_holds_one_token_or_several(secret: str, tokens: tuple[str, ...]) -> None:
    assert tokens_from_secret(secret) == tokens


def test_no_accepted_token_means_no_entry() -> None:
    assert is_authorized(["anything"], []) is False
    assert is_authorized([], ["t1"]) is False
    assert is_authorized([""], [""]) is True  # never reached: empty tokens are dropped above


def test_every_pair_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a spy on the constant-time comparison
    compared: list[tuple[bytes, bytes]] = []
    compare_digest = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return compare_digest(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)

    # When the first presented token matches the first accepted one
    assert is_authorized(["new", "x"], ["new", "old"]) is True

    # Then every pair was still compared, and only with compare_digest
    assert compared == [(b"new", b"new"), (b"new", b"old"), (b"x", b"new"), (b"x", b"old")]


def test_unicode_tokens_compare_as_utf8() -> None:
    assert is_authorized(["jeton-été"], ["jeton-été"]) is True
    assert is_authorized(["jeton-ete"], ["jeton-été"]) is False
