"""The functions' logger masks addresses and credentials in every line, whatever carries them,
and tags each line with the correlation id of what it is about."""

from __future__ import annotations

import json

import pytest

from tilte_webhooks.observability import (
    EMAIL_MASK,
    TOKEN_MASK,
    correlated,
    correlation_id,
    logger,
    mask,
    set_correlation_id,
)


class Subscriber:
    def __str__(self) -> str:
        return "Subscriber(jane.doe@example.com)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("welcome jane.doe+news@example.co.uk!", f"welcome {EMAIL_MASK}!"),
        ("Jörg@bücher.de and ksdjh.myemail@mail.com", f"{EMAIL_MASK} and {EMAIL_MASK}"),
        ("in a URL: ?email=leak%40mail.com&x=1", f"in a URL: ?email={EMAIL_MASK}&x=1"),
        ("to root@[10.0.0.1]", f"to {EMAIL_MASK}"),
        ("GET /webhooks?token=s3cr3t&x=1", f"GET /webhooks?token={TOKEN_MASK}&x=1"),
        ("GET /webhooks?TOKEN=s3cr3t", f"GET /webhooks?TOKEN={TOKEN_MASK}"),
        ("Authorization: Bearer abc.def-123", f"Authorization: Bearer {TOKEN_MASK}"),
        ("Authorization: Basic Zm9vOmJhcg==", f"Authorization: Basic {TOKEN_MASK}"),
        # what must stay readable stays as it was
        ("webhook answered 202 for Subscribe", "webhook answered 202 for Subscribe"),
        ("basic checks passed; 3 tokens accepted", "basic checks passed; 3 tokens accepted"),
        ("user@localhost", "user@localhost"),  # no dot: not an address a payload carries
    ],
)
def test_mask_replaces_addresses_and_credentials_in_text(text: str, expected: str):
    assert mask(text) == expected


def test_mask_walks_structures_and_masks_credential_keys_whole():
    # Given a structure with addresses, secret-named keys and an object whose text has one
    value = {
        "email": "jane@example.com",
        "token": "anything at all",
        "headers": {"Authorization": "whatever", "content-type": "application/json"},
        "events": [{"Email": "a@b.io"}, ("c@d.io", 3)],
        "count": 3,
        "ok": True,
        "missing": None,
        "who": Subscriber(),
    }

    # When it is masked
    masked = mask(value)

    # Then every address and secret is replaced and the rest is as it was
    assert masked == {
        "email": EMAIL_MASK,
        "token": TOKEN_MASK,
        "headers": {"Authorization": TOKEN_MASK, "content-type": "application/json"},
        "events": [{"Email": EMAIL_MASK}, [EMAIL_MASK, 3]],
        "count": 3,
        "ok": True,
        "missing": None,
        "who": f"Subscriber({EMAIL_MASK})",
    }


def test_a_long_line_without_an_address_is_masked_quickly():
    # Given 200,000 characters of one word, then an @ with no domain
    text = "a" * 200_000 + "@"

    # Then it comes back unchanged (the bounded pattern keeps this linear, not quadratic)
    assert mask(text) == text


def test_no_address_reaches_a_log_line_even_through_an_exception(log_lines):
    # Given a message, extra fields and an exception that all carry an address or a token
    try:
        raise ValueError("no list for jane.doe@example.com (token=s3cr3t)")
    except ValueError:
        logger.exception(
            "failed for john@example.org",
            extra={"subscriber": {"Email": "kjhvkf.machetqecc@striata.com"}, "token": "t0k"},
        )

    # Then the line has the exception and the fields, every secret masked
    (line,) = log_lines()
    assert line["message"] == f"failed for {EMAIL_MASK}"
    assert line["subscriber"] == {"Email": EMAIL_MASK}
    assert line["token"] == TOKEN_MASK
    assert line["exception_name"] == "ValueError"
    assert f"no list for {EMAIL_MASK} (token={TOKEN_MASK})" in line["exception"]
    serialized = json.dumps(line)
    assert "@example" not in serialized
    assert "striata" not in serialized
    assert "s3cr3t" not in serialized
    assert "t0k" not in serialized


def test_lines_carry_the_correlation_id_of_what_they_are_about(log_lines):
    # Given a batch's id, and an event handled within it
    set_correlation_id("batch-request-id")
    logger.info("batch started")
    with correlated("c95a916a386cf87ccb4c226f5244eb11"):
        inside = correlation_id()
        logger.info("event processed")
    logger.info("batch processed")

    # Then the event's line has the event's id, and the batch's lines the batch's
    assert inside == "c95a916a386cf87ccb4c226f5244eb11"
    assert [(line["message"], line["correlation_id"]) for line in log_lines()] == [
        ("batch started", "batch-request-id"),
        ("event processed", "c95a916a386cf87ccb4c226f5244eb11"),
        ("batch processed", "batch-request-id"),
    ]


def test_a_block_without_an_outer_correlation_id_leaves_none(log_lines):
    # Given no correlation id yet
    assert correlation_id() is None

    # When a block sets one
    with correlated("inner"):
        logger.info("inside")
    logger.info("after")

    # Then it is gone after the block
    assert [line.get("correlation_id") for line in log_lines()] == ["inner", None]
