"""One case of the hostile-input corpus: a request, and the answer the contract promises for it."""

from __future__ import annotations

from base64 import b64encode
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal
from urllib.parse import urlencode


class Family(StrEnum):
    """What a case attacks; every family the issue names has its own."""

    XML_SAFETY = "xml-safety"
    """XML bombs, external entities, DTDs, and the harmless constructs next to them."""
    NESTING = "nesting"
    HUGE_VALUES = "huge-values"
    """Huge attributes, fields and element counts."""
    SURROGATES = "surrogates"
    """Invalid UTF-16 surrogates, as bytes, as JSON escapes and as XML references."""
    NUL_BYTES = "nul-bytes"
    ENCODINGS = "encodings"
    """Every sample in every accepted encoding, and mixed or mislabelled encodings."""
    CONTENT_TYPE = "content-type"
    """Lying and missing Content-Type headers."""
    TRUNCATED = "truncated"
    BASE64_FLAG = "base64-flag"
    """A lying ``isBase64Encoded``: sent as a crafted event, since HTTP cannot carry it."""
    NOT_A_NOTIFICATION = "not-a-notification"
    WRONG_TYPES = "wrong-types"
    MISSING_FIELDS = "missing-fields"
    EXTRA_FIELDS = "extra-fields"
    REPEATED_FIELDS = "repeated-fields"
    UNKNOWN_TYPES = "unknown-types"
    ROOT_MISMATCH = "root-mismatch"
    """An XML root (or event element) of another type, and JSON typed as another type."""
    DATES = "dates"
    COUNTS = "counts"
    EMAILS = "emails"
    OVER_LIMIT = "over-limit"
    AUTH = "auth"


Place = Literal[
    "bearer",
    "bearer-lower-case",
    "query",
    "basic",
    "basic-username",
    "basic-without-colon",
    "authorization-without-scheme",
    "x-api-key",
    "token-header",
    "query-access_token",
    "query-Token",
    "none",
]
"""Where a request presents its token; docs/INGEST.md names the three accepted places
(``?token=``, ``Authorization: Bearer`` and the password of ``Authorization: Basic``)."""


@dataclass(frozen=True)
class Credentials:
    place: Place = "bearer"
    token: str | None = None
    """The token presented; None means the stack's own."""

    def presented(self, stack_token: str) -> tuple[dict[str, str], str]:
        """The request headers and query string that carry the token."""
        token = stack_token if self.token is None else self.token
        basic = {
            "basic": f"tilte:{token}",
            "basic-username": f"{token}:",
            "basic-without-colon": token,
        }
        if self.place in basic:
            encoded = b64encode(basic[self.place].encode()).decode()
            return {"Authorization": f"Basic {encoded}"}, ""
        headers = {
            "bearer": {"Authorization": f"Bearer {token}"},
            "bearer-lower-case": {"Authorization": f"bearer {token}"},
            "authorization-without-scheme": {"Authorization": token},
            "x-api-key": {"X-Api-Key": token},
            "token-header": {"Token": token},
        }
        queries = {"query": "token", "query-access_token": "access_token", "query-Token": "Token"}
        if self.place in queries:
            return {}, urlencode({queries[self.place]: token})
        return headers.get(self.place, {}), ""


BEARER = Credentials()

Transfer = Literal["content-length", "chunked", "declared-length"]
"""How the body goes over HTTP: with its Content-Length; in chunks (the API reads it all);
or only announced by a Content-Length that the API refuses before the body is sent."""


@dataclass(frozen=True)
class CraftedEvent:
    """The body as an API Gateway event carries it: for what HTTP cannot produce, since the
    API, not the client, decides ``isBase64Encoded``."""

    body: str | None
    is_base64_encoded: bool | None
    """None leaves the key out of the event."""


@dataclass(frozen=True)
class Expected:
    """The answer the contract promises (README, Responses; docs/PAYLOADS.md, Errors)."""

    status: int
    code: str | None = None
    """``error.code`` of a refusal, or the quarantine's reason for a 202 of an unknown type;
    None for an answer of the API itself."""
    notification_type: str | None = None
    queued: int | None = None
    problem_at: str | None = None
    """For ``invalid_fields``: a path that must be among the answer's problems."""
    quarantined: bool = False

    def __str__(self) -> str:
        if self.status == 202:
            kept = "quarantined" if self.quarantined else f"queued {self.queued}"
            return f"202 {self.notification_type} {kept}"
        at = f" at {self.problem_at}" if self.problem_at else ""
        return f"{self.status} {self.code or 'from the API'}{at}"


def queued(notification_type: str, count: int) -> Expected:
    return Expected(202, notification_type=notification_type, queued=count)


def kept_unknown(notification_type: str) -> Expected:
    return Expected(202, "unknown_notification_type", notification_type, queued=0, quarantined=True)


def refused(code: str, at: str | None = None) -> Expected:
    return Expected(400, code, problem_at=at, quarantined=True)


def invalid(at: str) -> Expected:
    return refused("invalid_fields", at)


DTD = refused("forbidden_xml")
NOT_WELL_FORMED_XML = refused("malformed_xml")
NOT_WELL_FORMED_JSON = refused("malformed_json")
UNDECODABLE = refused("undecodable_body")
NEITHER_XML_NOR_JSON = refused("unsupported_format")
EMPTY = refused("empty_body")
NOT_AN_OBJECT = invalid("")
"""JSON that is not an object: the problem is at the document itself."""
TOO_LARGE = Expected(413, "payload_too_large", quarantined=True)
UNAUTHORIZED = Expected(401, "unauthorized")
REFUSED_BY_API = Expected(413)
"""API Gateway's own 413 (over 10 MB): the function never sees the request."""


@dataclass(frozen=True)
class Case:
    id: str
    family: Family
    body: bytes
    """The body sent; for a crafted event, the bytes the ingest must keep."""
    expected: Expected
    content_type: str | None = None
    """The Content-Type header, or None for none."""
    credentials: Credentials = BEARER
    headers: tuple[tuple[str, str], ...] = ()
    """More request headers."""
    transfer: Transfer = "content-length"
    event: CraftedEvent | None = None
    """Invoke the function with this event instead of sending over HTTP."""
