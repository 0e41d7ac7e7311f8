"""How a body arrives: a lying ``isBase64Encoded`` (as crafted events), sizes around the
limits, and credentials.
"""

from __future__ import annotations

import codecs
from base64 import b64encode, urlsafe_b64encode

from reliability.corpus.case import (
    EMPTY,
    NEITHER_XML_NOR_JSON,
    REFUSED_BY_API,
    TOO_LARGE,
    UNAUTHORIZED,
    Case,
    CraftedEvent,
    Credentials,
    Expected,
    Family,
    refused,
)
from reliability.corpus.contract import API_PAYLOAD_LIMIT, max_body_bytes
from reliability.corpus.samples import (
    LIST_NAME_JSON,
    SUBSCRIBED,
    subscribe_json,
    utf16,
)
from reliability.stack import TOKEN
from tests.support.hostile_bodies import (
    SUBSCRIBE_JSON,
    SUBSCRIBE_XML,
    UNSUBSCRIBE_TEXT,
    XXE,
    padded,
)

WRONG_TOKEN = "not-the-token"  # noqa: S105 (a wrong token, on purpose)


def base64_flag() -> list[Case]:
    """Crafted events: only the API decides ``isBase64Encoded``, so HTTP cannot lie with it."""
    family = Family.BASE64_FLAG
    text = SUBSCRIBE_JSON.decode()
    standard = b64encode(SUBSCRIBE_JSON).decode()
    url_safe = urlsafe_b64encode(SUBSCRIBE_XML).decode()
    if not standard.endswith("=") or url_safe == b64encode(SUBSCRIBE_XML).decode():
        raise ValueError("these cases need base64 with padding, and base64url with - or _")
    mime = "\n".join(standard[i : i + 76] for i in range(0, len(standard), 76))
    utf16_as_latin1 = utf16(SUBSCRIBE_XML).decode("latin-1")
    bad_base64 = refused("bad_base64")

    def via_event(case_id: str, body: str | None, flag: bool | None, expected: Expected) -> Case:
        """The ingest keeps the text itself when it is not the base64 it claims to be."""
        kept = (body or "").encode("utf-8")
        return Case(f"{case_id}-via-event", family, kept, expected, event=CraftedEvent(body, flag))

    return [
        via_event("flag-true-body-is-plain-json", text, True, bad_base64),
        via_event("flag-false-body-is-base64", standard, False, NEITHER_XML_NOR_JSON),
        via_event("flag-true-url-safe-alphabet", url_safe, True, bad_base64),
        via_event("flag-true-padding-removed", standard.rstrip("="), True, bad_base64),
        via_event("flag-true-line-breaks", mime, True, bad_base64),
        via_event("flag-true-text-outside-ascii", f"{standard[:-4]}Zoë=", True, bad_base64),
        via_event("flag-true-empty-body", "", True, EMPTY),
        via_event("no-body-at-all", None, False, EMPTY),
        via_event("flag-false-utf-16-bytes-as-text", utf16_as_latin1, False, NEITHER_XML_NOR_JSON),
        via_event("flag-missing-plain-json", text, None, SUBSCRIBED),
        Case(
            "flag-true-honest-utf-16-via-event",
            family,
            utf16(SUBSCRIBE_XML),
            SUBSCRIBED,
            event=CraftedEvent(b64encode(utf16(SUBSCRIBE_XML)).decode(), True),
        ),
    ]


def over_limit() -> list[Case]:
    family = Family.OVER_LIMIT
    limit = max_body_bytes()
    utf16_text = UNSUBSCRIBE_TEXT + " " * ((limit - len(UNSUBSCRIBE_TEXT) * 2) // 2 + 1)
    return [
        Case("one-byte-over-max-body-bytes", family, padded(SUBSCRIBE_JSON, limit + 1), TOO_LARGE),
        Case(
            "over-the-api-limit",
            family,
            padded(SUBSCRIBE_JSON, API_PAYLOAD_LIMIT + 1),
            REFUSED_BY_API,
            transfer="declared-length",
        ),
        Case("exactly-max-body-bytes", family, padded(SUBSCRIBE_JSON, limit), SUBSCRIBED),
        Case(
            "over-max-body-bytes-in-utf-16",
            family,
            codecs.BOM_UTF16_LE + utf16_text.encode("utf-16-le"),
            TOO_LARGE,
        ),
        Case("over-max-body-bytes-of-garbage", family, b"\xff" * (limit + 1), TOO_LARGE),
        Case(
            "over-max-body-bytes-of-unknown-type",
            family,
            padded(subscribe_json(b'"Subscribe"', b'"Resubscribe"'), limit + 1),
            TOO_LARGE,
        ),
        Case(
            "over-max-body-bytes-without-a-token",
            family,
            padded(SUBSCRIBE_JSON, limit + 1),
            UNAUTHORIZED,
            credentials=Credentials("none"),
        ),
        Case(
            "over-the-api-limit-in-chunks",
            family,
            padded(SUBSCRIBE_JSON, API_PAYLOAD_LIMIT + 1),
            REFUSED_BY_API,
            transfer="chunked",
        ),
    ]


def auth() -> list[Case]:
    family = Family.AUTH

    def presented(case_id: str, credentials: Credentials, expected: Expected) -> Case:
        return Case(case_id, family, SUBSCRIBE_JSON, expected, credentials=credentials)

    return [
        presented("no-token", Credentials("none"), UNAUTHORIZED),
        presented("wrong-bearer-token", Credentials("bearer", WRONG_TOKEN), UNAUTHORIZED),
        presented("wrong-query-token", Credentials("query", WRONG_TOKEN), UNAUTHORIZED),
        presented("wrong-basic-password", Credentials("basic", WRONG_TOKEN), UNAUTHORIZED),
        presented("empty-query-token", Credentials("query", ""), UNAUTHORIZED),
        presented("empty-bearer-token", Credentials("bearer", ""), UNAUTHORIZED),
        presented("token-as-the-basic-username", Credentials("basic-username"), UNAUTHORIZED),
        presented("basic-without-a-colon", Credentials("basic-without-colon"), UNAUTHORIZED),
        presented(
            "authorization-without-a-scheme",
            Credentials("authorization-without-scheme"),
            UNAUTHORIZED,
        ),
        presented("token-in-x-api-key", Credentials("x-api-key"), UNAUTHORIZED),
        presented("token-in-a-token-header", Credentials("token-header"), UNAUTHORIZED),
        presented("token-as-access_token", Credentials("query-access_token"), UNAUTHORIZED),
        presented("token-as-Token", Credentials("query-Token"), UNAUTHORIZED),
        Case("no-token-with-an-xxe", family, XXE, UNAUTHORIZED, credentials=Credentials("none")),
        Case(
            "wrong-token-with-garbage",
            family,
            b"\xff\xfe\x00garbage",
            UNAUTHORIZED,
            credentials=Credentials("query", WRONG_TOKEN),
        ),
        Case(
            "token-in-the-body-only",
            family,
            subscribe_json(LIST_NAME_JSON, LIST_NAME_JSON + f', "token": "{TOKEN}"'.encode()),
            UNAUTHORIZED,
            credentials=Credentials("none"),
        ),
        # The three documented places, and a scheme in lower case (schemes ignore case).
        presented("token-in-the-query", Credentials("query"), SUBSCRIBED),
        presented("token-as-the-basic-password", Credentials("basic"), SUBSCRIBED),
        presented("bearer-in-lower-case", Credentials("bearer-lower-case"), SUBSCRIBED),
    ]


def cases() -> list[Case]:
    """The hand-written cases of this module; in each family the first two are the quick run's."""
    return [*base64_flag(), *over_limit(), *auth()]
