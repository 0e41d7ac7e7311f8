"""Hostile input against a running local stack: the corpus's quick run, and a fuzz test over HTTP.

The whole corpus runs in ``make reliability``; here its quick subset (two cases of each family)
must hold, the corpus itself must be what the issue asks for, and mutated samples with random
headers and credentials, posted over HTTP, must get the answer the ingest's own rules give for
those bytes, never a 5xx, with every refused payload in quarantine; and so must crafted events
whose ``isBase64Encoded`` may lie.
"""

from __future__ import annotations

from base64 import b64decode, b64encode
from collections import Counter
from dataclasses import dataclass

from hypothesis import given
from hypothesis import strategies as st

from reliability import corpus
from reliability.corpus.case import (
    REFUSED_BY_API,
    TOO_LARGE,
    UNAUTHORIZED,
    CraftedEvent,
    Credentials,
    Expected,
    Family,
    kept_unknown,
    queued,
    refused,
)
from reliability.corpus.contract import max_body_bytes
from reliability.hostile import (
    Answer,
    Quarantine,
    invoke,
    kept_body,
    mismatch_of,
    post,
    request_id_of,
    scenario,
)
from reliability.stack import Target
from tests.support.hostile_bodies import mutated_samples
from tilte_webhooks.errors import NotificationError, PayloadTooLarge, UnknownNotificationType
from tilte_webhooks.ingest import notification_messages

# --- The scenario ----------------------------------------------------------------------------


def test_the_quick_run_of_the_corpus_holds(target: Target) -> None:
    # When the quick subset of the corpus is sent to the running stack
    finding = scenario(target, quick=True)

    # Then every answer, the quarantine and the traffic afterwards are as documented
    assert finding.held, "\n".join(finding.failures)
    figures = dict(finding.figures)
    assert figures["cases sent"] == f"{len(corpus.quick())} (2 of them as crafted events)"
    assert figures["5xx answers"] == "0"
    assert figures["seed samples accepted afterwards"] == "20 / 20"


# --- The corpus ------------------------------------------------------------------------------

ISSUE_FAMILIES = {
    "XML bombs, external entities, DTDs": Family.XML_SAFETY,
    "deep nesting": Family.NESTING,
    "huge attributes": Family.HUGE_VALUES,
    "invalid UTF-16 surrogates": Family.SURROGATES,
    "NUL bytes": Family.NUL_BYTES,
    "mixed encodings": Family.ENCODINGS,
    "truncated bodies": Family.TRUNCATED,
    "lying isBase64Encoded": Family.BASE64_FLAG,
    "lying Content-Type": Family.CONTENT_TYPE,
    "wrong types": Family.WRONG_TYPES,
    "missing fields": Family.MISSING_FIELDS,
    "extra fields": Family.EXTRA_FIELDS,
    "unknown types": Family.UNKNOWN_TYPES,
    "root and type mismatch": Family.ROOT_MISMATCH,
    "dates out of range": Family.DATES,
    "unicode email addresses": Family.EMAILS,
    "bodies over the limit": Family.OVER_LIMIT,
}
"""Each kind of hostile input the issue names, and the family that holds it."""


def test_the_corpus_has_over_200_uniquely_named_cases_in_every_family() -> None:
    ids = [case.id for case in corpus.CORPUS]
    assert len(ids) >= 200
    assert len(set(ids)) == len(ids)
    families = Counter(case.family for case in corpus.CORPUS)
    assert set(families) == set(Family)
    assert all(families[family] >= 5 for family in ISSUE_FAMILIES.values()), families


def test_the_corpus_expects_every_documented_answer() -> None:
    expectations = {case.expected for case in corpus.CORPUS}
    assert {TOO_LARGE, UNAUTHORIZED, REFUSED_BY_API, kept_unknown("Resubscribe")} <= expectations
    codes = {e.code for e in expectations if e.status == 400}
    assert codes == {
        "empty_body",
        "undecodable_body",
        "unsupported_format",
        "malformed_xml",
        "forbidden_xml",
        "malformed_json",
        "root_element_mismatch",
        "invalid_fields",
        "bad_base64",
        "event_too_large",
    }
    accepted = [case for case in corpus.CORPUS if case.expected.status == 202]
    assert len(accepted) >= 100  # odd but valid input must stay accepted


def test_crafted_events_carry_only_what_http_cannot() -> None:
    crafted = [case for case in corpus.CORPUS if case.event is not None]
    assert {case.family for case in crafted} == {Family.BASE64_FLAG, Family.SURROGATES}
    assert all(case.id.endswith("-via-event") for case in crafted)
    assert sum(case.family is Family.BASE64_FLAG for case in crafted) == sum(
        case.family is Family.BASE64_FLAG for case in corpus.CORPUS
    )
    lying = [case for case in crafted if case.event and case.event.is_base64_encoded is True]
    assert sum(case.expected.code == "bad_base64" for case in lying) >= 4


def test_the_quick_run_sends_two_cases_of_each_family() -> None:
    chosen = corpus.quick()
    assert Counter(case.family for case in chosen) == dict.fromkeys(Family, 2)
    assert 35 <= len(chosen) <= 50


# --- The checks can fail -----------------------------------------------------------------------

JSON = {"content-type": "application/json"}


def answer(status: int, body: bytes, headers: dict[str, str] | None = None) -> Answer:
    return Answer(status, {**JSON, **(headers or {})}, body, "4a7c5e7e-0000-4000-8000-000000000000")


def test_an_answer_is_matched_exactly() -> None:
    subscribed = queued("Subscribe", 3)
    exact = answer(202, b'{"notificationType": "Subscribe", "queued": 3}')
    assert mismatch_of(subscribed, exact) is None
    assert (
        mismatch_of(subscribed, answer(202, b'{"notificationType": "Subscribe", "queued": 2}'))
        == "expected 202 Subscribe queued 3, got 202 "
        '{"notificationType": "Subscribe", "queued": 2} (the body is not '
        '{"notificationType": "Subscribe", "queued": 3})'
    )
    assert mismatch_of(refused("malformed_xml"), answer(400, b'{"error": {"code": "x"}}')) == (
        "expected 400 malformed_xml, got 400 x (the error code is not malformed_xml)"
    )
    assert mismatch_of(refused("malformed_xml"), answer(503, b'{"error": {"code": "q"}}')) == (
        "expected 400 malformed_xml, got 503 q"
    )
    refusal = b'{"error": {"code": "unauthorized", "message": "no"}}'
    assert mismatch_of(UNAUTHORIZED, answer(401, refusal)) == (
        "expected 401 unauthorized, got 401 unauthorized (a 401 without WWW-Authenticate)"
    )
    assert mismatch_of(UNAUTHORIZED, answer(401, refusal, {"www-authenticate": "Bearer"})) is None


def test_a_problem_must_be_at_the_expected_path() -> None:
    body = (
        b'{"error": {"code": "invalid_fields", "message": "m", '
        b'"problems": [{"path": "Events[0].Date", "message": "m"}]}}'
    )
    at_date = Expected(400, "invalid_fields", problem_at="Events[0].Date", quarantined=True)
    at_email = Expected(400, "invalid_fields", problem_at="Events[0].Email", quarantined=True)
    assert mismatch_of(at_date, answer(400, body)) is None
    assert mismatch_of(at_email, answer(400, body)) == (
        "expected 400 invalid_fields at Events[0].Email, got 400 invalid_fields "
        "(no problem at 'Events[0].Email' (problems at ['Events[0].Date']))"
    )


def test_a_quarantine_key_names_its_request() -> None:
    key = "unknown-type/_other/2026/12/03/195014414000-4a7c5e7e-0000-4000-8000-000000000000.json"
    assert request_id_of(key) == "4a7c5e7e-0000-4000-8000-000000000000"


# --- Fuzz: mutated samples, random headers and credentials, over HTTP -------------------------

CONTENT_TYPES = st.sampled_from(
    [
        None,
        "application/json",
        "application/xml",
        "text/plain; charset=utf-8",
        "application/octet-stream",
        "text/xml; charset=iso-8859-1",
        "application/json; charset=utf-16",
    ]
)
CREDENTIALS = st.sampled_from(
    [
        Credentials("bearer"),
        Credentials("query"),
        Credentials("basic"),
        Credentials("none"),
        Credentials("bearer", "not-the-token"),
        Credentials("x-api-key"),
    ]
)
ACCEPTED_PLACES = {"bearer", "query", "basic"}


@dataclass(frozen=True)
class Sent:
    body: bytes
    expected: Expected
    answer: Answer


def expected_for(body: bytes, content_type: str | None, credentials: Credentials) -> Expected:
    """The answer the ingest's own rules give for these bytes (``notification_messages``, the
    parser's tested decision), so that the HTTP path is checked against it."""
    if credentials.place not in ACCEPTED_PLACES or credentials.token is not None:
        return UNAUTHORIZED
    try:
        notification_type, messages = notification_messages(
            body, content_type, max_body_bytes=max_body_bytes()
        )
    except UnknownNotificationType as error:
        return kept_unknown(error.notification_type)
    except PayloadTooLarge:
        return TOO_LARGE
    except NotificationError as error:
        return refused(error.code)
    return queued(notification_type, len(messages))


def test_mutated_samples_over_http_get_the_ingest_s_answer_and_never_a_5xx(
    target: Target,
) -> None:
    quarantine = Quarantine(target.client("s3"), target.resources.bucket_name("QuarantineBucket"))
    before = quarantine.keys()
    sent: list[Sent] = []

    @given(body=mutated_samples(), content_type=CONTENT_TYPES, credentials=CREDENTIALS)
    def post_one(body: bytes, content_type: str | None, credentials: Credentials) -> None:
        headers, query = credentials.presented(target.token)
        if content_type is not None:
            headers["Content-Type"] = content_type
        got = post(target.url, body, headers.items(), query)
        expected = expected_for(body, content_type, credentials)
        assert got.status < 500, got.body
        assert mismatch_of(expected, got) is None, mismatch_of(expected, got)
        sent.append(Sent(body, expected, got))

    post_one()

    assert_kept_exactly(quarantine, before, sent)
    statuses = Counter(each.answer.status for each in sent)
    assert set(statuses) <= {202, 400, 401, 413}
    assert min(statuses[202], statuses[400], statuses[401]) > 0, statuses  # not a vacuous run


def test_crafted_events_with_any_base64_flag_get_the_ingest_s_answer(target: Target) -> None:
    quarantine = Quarantine(target.client("s3"), target.resources.bucket_name("QuarantineBucket"))
    before = quarantine.keys()
    sent: list[Sent] = []

    @given(sample=mutated_samples(), as_base64=st.booleans(), flag=st.sampled_from(FLAGS))
    def invoke_one(sample: bytes, as_base64: bool, flag: bool | None) -> None:
        text = b64encode(sample).decode() if as_base64 else sample.decode("utf-8", "replace")
        headers = {"Authorization": f"Bearer {target.token}"}
        got = invoke(target.functions["IngestFunction"], CraftedEvent(text, flag), headers)
        if flag:  # the body must be base64 (README: bad_base64 when it is not)
            try:
                body = b64decode(text, validate=True)
            except ValueError:  # not base64, or not even ASCII
                body, expected = text.encode(), refused("bad_base64")
            else:
                expected = expected_for(body, None, Credentials())
        else:
            body = text.encode()
            expected = expected_for(body, None, Credentials())
        assert mismatch_of(expected, got) is None, mismatch_of(expected, got)
        sent.append(Sent(body, expected, got))

    invoke_one()

    assert_kept_exactly(quarantine, before, sent)
    codes = Counter(each.expected.code for each in sent)
    assert codes["bad_base64"] > 0, codes


FLAGS = [True, False, None]
"""``isBase64Encoded`` true, false, or absent from the event."""


def assert_kept_exactly(quarantine: Quarantine, before: set[str], sent: list[Sent]) -> None:
    """Every refused payload (and every one of an unknown type) is kept with its reason and
    exact bytes, under its request id; nothing else is kept."""
    kept = {request_id_of(key): key for key in quarantine.keys() - before}
    for each in sent:
        key = kept.pop(each.answer.request_id, None)
        assert (key is not None) == each.expected.quarantined, (each.expected, each.body)
        if key is not None:
            document = quarantine.document(key)
            assert document["reason"]["code"] == each.expected.code
            assert document["requestId"] == each.answer.request_id
            assert kept_body(document) == each.body
    assert kept == {}
