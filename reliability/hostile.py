"""Hostile input: the corpus (:mod:`reliability.corpus`) against a running local stack.

Each case goes over HTTP to the local API (or, for a lying ``isBase64Encoded``, as a crafted
event to the ingest function in this process). Every answer must be exactly the one the
contract promises, none a 5xx; every rejected payload must be in the quarantine bucket with its
reason and its exact bytes, found by the request id the answer carries (``apigw-requestid``),
and nothing else may be; Tilte's twenty samples sent afterwards must all be accepted; and the
consumers must apply every event accepted, hostile-but-valid ones included (the queues drain,
and no dead-letter queue receives anything).
"""

from __future__ import annotations

import http.client
import json
import uuid
from base64 import b64decode
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from reliability import corpus
from reliability.corpus.case import Case, CraftedEvent, Expected, Transfer, queued
from reliability.corpus.contract import events_in
from reliability.findings import Finding
from reliability.stack import Target
from tests.support.payloads import SAMPLES, payload_bytes
from tilte_cli.lambda_runtime import LocalFunction
from tilte_cli.local_api import REQUEST_ID_HEADER, http_api_event

CHUNK_BYTES = 1024 * 1024
DRAIN_SECONDS = 60
"""How long the consumers get to apply every accepted event (they batch for up to 5 s)."""
CREDENTIAL_HEADERS = ("authorization", "x-api-key")
"""Headers that carry a token in the corpus and that the quarantine must not keep (with the
``token`` query parameter; docs/INGEST.md)."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    """Names in lower case."""
    body: bytes
    request_id: str


def scenario(target: Target, *, quick: bool) -> Finding:
    cases = corpus.quick() if quick else corpus.CORPUS
    finding = Finding(
        "Hostile input",
        "Every hostile request gets exactly its documented 4xx, or 202 where it is valid, and "
        "never a 5xx; every rejected payload is kept in quarantine with its reason and exact "
        "bytes, nothing unauthenticated is kept, and valid traffic is accepted and applied "
        "afterwards.",
    )
    quarantine = Quarantine(target.client("s3"), target.resources.bucket_name("QuarantineBucket"))
    before = quarantine.keys()
    answers: dict[str, Answer] = {}
    wrong = 0
    for case in cases:
        try:
            answers[case.id] = answer = send(target, case)
        except (OSError, http.client.HTTPException) as error:
            finding.failures.append(f"{case.id}: no answer ({type(error).__name__}: {error})")
            continue
        mismatch = mismatch_of(case.expected, answer)
        finding.check(mismatch is None, f"{case.id}: {mismatch}")
        wrong += mismatch is not None
    kept, found = _check_quarantine(finding, quarantine, cases, answers, before)
    seeds = _send_seeds(finding, target)
    left = target.wait_until_drained(DRAIN_SECONDS)
    dead = {name: count for name, count in target.pending("DeadLetterQueue").items() if count}
    finding.check(not left, f"events still queued {DRAIN_SECONDS} s after the last request: {left}")
    finding.check(not dead, f"events in dead-letter queues: {dead}")

    statuses = Counter(answer.status for answer in answers.values())
    server_errors = sum(count for status, count in statuses.items() if status >= 500)
    finding.check(server_errors == 0, f"{server_errors} answers were 5xx")
    via_event = sum(case.event is not None for case in cases)
    finding.figure("cases sent", f"{len(cases):,} ({via_event} of them as crafted events)")
    finding.figure("cases by family", _tally(Counter(case.family.value for case in cases)))
    finding.figure("answers by status", _tally(statuses))
    finding.figure("5xx answers", server_errors)
    finding.figure("requests without an answer", len(cases) - len(answers))
    finding.figure("answers not as documented", wrong)
    finding.figure("kept in quarantine, exactly (found / expected)", f"{found:,} / {kept:,}")
    finding.figure("seed samples accepted afterwards", f"{seeds} / {len(SAMPLES)}")
    finding.figure(
        "accepted events applied by the consumers",
        "all" if not left and not dead else f"not all: queued {left}, dead-lettered {dead}",
    )
    finding.notes.append(
        f"Quick run: the first {corpus.QUICK_PER_FAMILY} cases of each family."
        if quick
        else f"The whole corpus ({len(corpus.CORPUS):,} cases)."
    )
    return finding


# --- Sending -------------------------------------------------------------------------------


def send(target: Target, case: Case) -> Answer:
    """Send one case: over HTTP, or as its crafted event to the ingest function."""
    headers, query = case.credentials.presented(target.token)
    if case.content_type is not None:
        headers["Content-Type"] = case.content_type
    if case.event is not None:
        return invoke(target.functions["IngestFunction"], case.event, headers, query)
    return post(target.url, case.body, [*headers.items(), *case.headers], query, case.transfer)


def post(
    url: str,
    body: bytes,
    headers: Iterable[tuple[str, str]],
    query: str = "",
    transfer: Transfer = "content-length",
) -> Answer:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=120)
    try:
        connection.putrequest("POST", parts.path + (f"?{query}" if query else ""))
        for name, value in headers:
            connection.putheader(name, value)
        if transfer == "chunked":
            connection.putheader("Transfer-Encoding", "chunked")
            connection.endheaders()
            for start in range(0, len(body), CHUNK_BYTES):
                chunk = body[start : start + CHUNK_BYTES]
                connection.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            connection.send(b"0\r\n\r\n")
        else:
            connection.putheader("Content-Length", str(len(body)))
            connection.endheaders()
            if transfer == "content-length":  # else the API answers the length alone
                connection.send(body)
        response = connection.getresponse()
        answer_headers = {name.lower(): value for name, value in response.getheaders()}
        return Answer(
            response.status,
            answer_headers,
            response.read(),
            answer_headers.get(REQUEST_ID_HEADER, ""),
        )
    finally:
        connection.close()


def invoke(
    function: LocalFunction, crafted: CraftedEvent, headers: Mapping[str, str], query: str = ""
) -> Answer:
    """Invoke the ingest function with the event API Gateway would build, but with the crafted
    body and ``isBase64Encoded``."""
    request_id = str(uuid.uuid4())
    event = http_api_event(
        method="POST",
        path="/webhooks",
        raw_query=query,
        headers={name.lower(): value for name, value in headers.items()},
        body=b"",
        binary=False,
        request_id=request_id,
        source_ip="127.0.0.1",
        api_id="local",
        at=datetime.now(UTC),
    )
    del event["body"], event["isBase64Encoded"]
    if crafted.body is not None:
        event["body"] = crafted.body
    if crafted.is_base64_encoded is not None:
        event["isBase64Encoded"] = crafted.is_base64_encoded
    try:
        response = function.invoke(event)
    except Exception as error:  # API Gateway answers 500 when the function fails
        return Answer(500, {}, repr(error).encode(), request_id)
    payload = response.get("body") or ""
    content = b64decode(payload) if response.get("isBase64Encoded") else payload.encode()
    answer_headers = {
        name.lower(): value for name, value in (response.get("headers") or {}).items()
    }
    return Answer(int(response["statusCode"]), answer_headers, content, request_id)


# --- Checking answers ----------------------------------------------------------------------


def mismatch_of(expected: Expected, answer: Answer) -> str | None:
    """How the answer differs from the expected one, or None when it is exactly it."""
    try:
        body: Any = json.loads(answer.body)
    except ValueError:
        return f"expected {expected}, got {answer.status} {answer.body[:80]!r}"
    problem = _body_problem(expected, body, answer)
    if answer.status == expected.status and problem is None:
        return None
    return f"expected {expected}, got {answer.status} {_summary(body)}" + (
        f" ({problem})" if problem and answer.status == expected.status else ""
    )


def _summary(body: Any) -> str:
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return str(body["error"].get("code"))
    return json.dumps(body)[:120]


def _body_problem(expected: Expected, body: Any, answer: Answer) -> str | None:
    if not answer.headers.get("content-type", "").startswith("application/json"):
        return "the answer is not application/json"
    if not answer.request_id:
        return f"the answer has no {REQUEST_ID_HEADER}"
    if expected.status == 202:
        wanted: dict[str, Any] = {
            "notificationType": expected.notification_type,
            "queued": expected.queued,
        }
        if expected.quarantined:
            wanted["quarantined"] = True
        return None if body == wanted else f"the body is not {json.dumps(wanted)}"
    if expected.code is None:
        wanted = {"message": "Request Entity Too Large"}
        return None if body == wanted else f"the body is not {json.dumps(wanted)}"
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or error.get("code") != expected.code:
        return f"the error code is not {expected.code}"
    if not isinstance(error.get("message"), str) or not error["message"]:
        return "the error has no message"
    if expected.status == 401 and "www-authenticate" not in answer.headers:
        return "a 401 without WWW-Authenticate"
    if expected.problem_at is not None:
        paths = [problem.get("path") for problem in error.get("problems", [])]
        if expected.problem_at not in paths:
            return f"no problem at {expected.problem_at!r} (problems at {paths})"
    return None


# --- Checking the quarantine ---------------------------------------------------------------


@dataclass(frozen=True)
class Quarantine:
    """The stack's quarantine bucket."""

    s3: Any
    bucket: str

    def keys(self) -> set[str]:
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=self.bucket)
        return {item["Key"] for page in pages for item in page.get("Contents", [])}

    def document(self, key: str) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(
            self.s3.get_object(Bucket=self.bucket, Key=key)["Body"].read()
        )
        return document


def request_id_of(key: str) -> str:
    """``rejected/2026/12/03/195014414000-<requestId>.json`` -> the request id."""
    return key.rpartition("/")[2].partition("-")[2].removesuffix(".json")


def _check_quarantine(
    finding: Finding,
    quarantine: Quarantine,
    cases: list[Case],
    answers: Mapping[str, Answer],
    before: set[str],
) -> tuple[int, int]:
    """Every payload that must be kept is, exactly; nothing else is. Returns (expected, found)."""
    new = {request_id_of(key): key for key in quarantine.keys() - before}
    expected = found = 0
    for case in cases:
        answer = answers.get(case.id)
        if answer is None:
            continue
        key = new.pop(answer.request_id, None)
        if not case.expected.quarantined:
            finding.check(key is None, f"{case.id}: kept in quarantine as {key}, and must not be")
            continue
        expected += 1
        if key is None:
            finding.failures.append(f"{case.id}: not in quarantine")
            continue
        problems = _record_problems(case, answer, key, quarantine.document(key))
        finding.failures.extend(f"{case.id}: quarantined as {key}: {p}" for p in problems)
        found += not problems
    finding.failures.extend(f"unexpected quarantine object {key}" for key in new.values())
    return expected, found


def kept_body(document: Mapping[str, Any]) -> bytes:
    """The bytes a quarantine record keeps: its ``body`` text, or its ``bodyBase64``."""
    if "body" in document:
        text: str = document["body"]
        return text.encode("utf-8")
    return b64decode(document["bodyBase64"])


def _record_problems(case: Case, answer: Answer, key: str, document: dict[str, Any]) -> list[str]:
    problems = []
    folder = "unknown-type/" if case.expected.status == 202 else "rejected/"
    if not key.startswith(folder):
        problems.append(f"not under {folder}")
    if document.get("reason", {}).get("code") != case.expected.code:
        problems.append(f"reason {document.get('reason')!r}, not {case.expected.code}")
    if document.get("requestId") != answer.request_id:
        problems.append(f"requestId {document.get('requestId')!r}")
    kept = kept_body(document)
    if kept != case.body:
        problems.append(
            f"the body kept is not the body sent ({len(kept)} of {len(case.body)} bytes)"
        )
    headers = {name.lower() for name in document.get("headers", {})}
    if headers & set(CREDENTIAL_HEADERS) or "token" in document.get("query", {}):
        problems.append("credentials were kept")
    return problems


# --- Valid traffic afterwards ----------------------------------------------------------------


def _send_seeds(finding: Finding, target: Target) -> int:
    """Tilte's twenty samples, as ``tilte-webhooks send`` posts them; returns how many were
    accepted exactly."""
    accepted = 0
    for name, fmt in SAMPLES:
        headers = {"Content-Type": f"application/{fmt}", "Authorization": f"Bearer {target.token}"}
        try:
            answer = post(target.url, payload_bytes(name, fmt), headers.items())
        except (OSError, http.client.HTTPException) as error:
            finding.failures.append(f"seed {name}.{fmt}: no answer ({type(error).__name__})")
            continue
        mismatch = mismatch_of(queued(name, events_in(name, fmt)), answer)
        finding.check(mismatch is None, f"seed {name}.{fmt} afterwards: {mismatch}")
        accepted += mismatch is None
    return accepted


def _tally(counts: Mapping[Any, int]) -> str:
    return ", ".join(f"{key}: {count:,}" for key, count in sorted(counts.items()))
