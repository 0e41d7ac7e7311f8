"""The local HTTP API: requests become API Gateway HTTP API events, answers become responses."""

from __future__ import annotations

import base64
import codecs
import http.client
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tilte_cli.lambda_runtime import LocalFunction
from tilte_cli.local_api import LocalHttpApi


class Recorder:
    """A function that records its events and answers 202, or raises when told to."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.fail = False

    def __call__(self, event: dict[str, Any], context: Any) -> dict[str, Any]:
        self.events.append(event)
        if self.fail:
            raise RuntimeError("boom")
        return {
            "statusCode": 202,
            "headers": {"Content-Type": "application/json", "Retry-After": "30"},
            "body": '{"queued": 1}',
            "isBase64Encoded": False,
        }


@pytest.fixture
def api() -> Iterator[tuple[LocalHttpApi, Recorder, list[tuple[str, str, int]]]]:
    recorder = Recorder()
    function = LocalFunction("IngestFunction", recorder, 1024, 20, threading.Lock())
    reported: list[tuple[str, str, int]] = []
    server = LocalHttpApi(
        {"POST /webhooks": function},
        0,
        lambda method, path, status, _: reported.append((method, path, status)),
    )
    server.start()
    yield server, recorder, reported
    server.stop()


def request(
    port: int, method: str, target: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request(method, target, body=body, headers=headers or {})
    response = connection.getresponse()
    answer = (response.status, dict(response.getheaders()), response.read())
    connection.close()
    return answer


def test_a_post_becomes_the_http_api_event_and_its_answer_the_response(api: Any) -> None:
    server, recorder, reported = api
    body = codecs.BOM_UTF16_LE + "<Subscribe/>".encode("utf-16-le")

    status, headers, content = request(
        server.port,
        "POST",
        "/webhooks?token=s3cret&tag=a&tag=b",
        body,
        {"Content-Type": "text/xml; charset=utf-16", "X-Tilte-Signature": "abc"},
    )

    assert (status, content) == (202, b'{"queued": 1}')
    assert (headers["Content-Type"], headers["Retry-After"]) == ("application/json", "30")
    (event,) = recorder.events
    assert event["version"] == "2.0"
    assert event["routeKey"] == "POST /webhooks"
    assert event["rawPath"] == "/webhooks"
    assert event["rawQueryString"] == "token=s3cret&tag=a&tag=b"
    assert event["queryStringParameters"] == {"token": "s3cret", "tag": "a,b"}
    assert event["headers"]["content-type"] == "text/xml; charset=utf-16"
    assert event["headers"]["x-tilte-signature"] == "abc"
    assert event["headers"]["content-length"] == str(len(body))
    assert event["isBase64Encoded"] is True  # UTF-16 is not UTF-8 text
    assert base64.b64decode(event["body"]) == body
    assert event["requestContext"]["http"]["method"] == "POST"
    assert event["requestContext"]["http"]["sourceIp"] == "127.0.0.1"
    assert event["requestContext"]["routeKey"] == "POST /webhooks"
    # and the answer names the request as API Gateway does, by the event's request id
    assert headers["apigw-requestid"] == event["requestContext"]["requestId"]
    # What is reported (and printed, once the answer is sent) never holds the query, where the
    # token travels
    deadline = time.monotonic() + 5
    while not reported and time.monotonic() < deadline:
        time.sleep(0.01)
    assert reported == [("POST", "/webhooks", 202)]


def test_utf8_text_is_passed_as_text(api: Any) -> None:
    server, recorder, _ = api
    body = '{"Email": "zoë@example.com"}'.encode()

    request(server.port, "POST", "/webhooks", body, {"Content-Type": "application/json"})

    (event,) = recorder.events
    assert (event["isBase64Encoded"], event["body"]) == (False, body.decode())
    assert "queryStringParameters" not in event


def test_every_answer_carries_its_own_request_id(api: Any) -> None:
    server, recorder, _ = api

    answers = [
        request(server.port, "POST", "/webhooks", b"{}"),
        request(server.port, "POST", "/webhooks", b"{}"),
        request(server.port, "GET", "/webhooks"),
    ]

    ids = [headers["apigw-requestid"] for _, headers, _ in answers]
    assert [event["requestContext"]["requestId"] for event in recorder.events] == ids[:2]
    assert len(set(ids)) == 3
    assert all(len(uuid.UUID(request_id).hex) == 32 for request_id in ids)


def test_an_unknown_route_is_a_404_without_calling_the_function(api: Any) -> None:
    server, recorder, _ = api

    assert request(server.port, "GET", "/webhooks")[::2] == (404, b'{"message":"Not Found"}')
    assert request(server.port, "POST", "/other")[0] == 404
    assert recorder.events == []


def test_a_failing_function_is_a_500_as_in_api_gateway(
    api: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    server, recorder, _ = api
    recorder.fail = True

    status, _, content = request(server.port, "POST", "/webhooks", b"{}")

    assert (status, content) == (500, b'{"message":"Internal Server Error"}')
    assert "RuntimeError: boom" in capsys.readouterr().err


def test_a_body_over_10_mb_is_a_413_without_reading_it(api: Any) -> None:
    server, recorder, _ = api
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(
            b"POST /webhooks HTTP/1.1\r\nHost: x\r\nContent-Length: 10485761\r\n\r\n"
        )
        answer = connection.makefile("rb").read()

    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"\r\napigw-requestid: " in answer
    assert answer.endswith(b'{"message":"Request Entity Too Large"}')
    assert recorder.events == []


@pytest.mark.parametrize(
    "framing",
    [
        b"Content-Length: ten\r\n\r\n",
        b"Content-Length: -1\r\n\r\n",
        b"Transfer-Encoding: chunked\r\n\r\nzz\r\nbody\r\n0\r\n\r\n",
        b"Transfer-Encoding: chunked\r\n\r\n-4\r\nbody\r\n0\r\n\r\n",
    ],
    ids=["length-not-a-number", "negative-length", "chunk-size-not-hex", "negative-chunk"],
)
def test_a_body_whose_framing_cannot_be_read_is_a_400(api: Any, framing: bytes) -> None:
    server, recorder, _ = api
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(b"POST /webhooks HTTP/1.1\r\nHost: x\r\n" + framing)
        answer = connection.makefile("rb").read()

    assert answer.startswith(b"HTTP/1.1 400 ")
    assert answer.endswith(b'{"message":"Bad Request"}')
    assert recorder.events == []


def test_a_chunked_body_over_10_mb_is_a_413_read_no_further(api: Any) -> None:
    server, recorder, _ = api
    mebibyte = b"x" * (1024 * 1024)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(
            b"POST /webhooks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        for _ in range(10):
            connection.sendall(b"100000\r\n" + mebibyte + b"\r\n")
        connection.sendall(b"1\r\nx")  # the byte over the limit, and nothing after it
        answer = connection.makefile("rb").read()

    assert answer.startswith(b"HTTP/1.1 413 ")
    assert answer.endswith(b'{"message":"Request Entity Too Large"}')
    assert recorder.events == []
