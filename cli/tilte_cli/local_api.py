"""The HTTP API, locally: HTTP requests in, API Gateway HTTP API (payload 2.0) events out.

Routes come from the functions' ``HttpApi`` events in the template. Each request becomes the
event API Gateway would send (lower-cased headers, query parameters, a base64 body for binary
content, ``requestContext``), and the function's answer becomes the HTTP response. As in API
Gateway, an unknown route is a 404 and a body over 10 MB a 413, without calling a function, and
every answer carries the request's id in ``apigw-requestid`` (the event's
``requestContext.requestId``).
"""

from __future__ import annotations

import threading
import time
import traceback
import uuid
from base64 import b64decode, b64encode
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tilte_cli.cloudformation import resources_of_type
from tilte_cli.lambda_runtime import ACCOUNT, LocalFunction

PAYLOAD_LIMIT = 10 * 1024 * 1024
"""API Gateway HTTP APIs refuse larger request bodies."""
TEXT_TYPES = ("text/", "application/json", "application/xml", "+json", "+xml")
JSON = {"content-type": "application/json"}
TOO_LARGE = b'{"message":"Request Entity Too Large"}'
NOT_FOUND = b'{"message":"Not Found"}'
FUNCTION_FAILED = b'{"message":"Internal Server Error"}'
BAD_REQUEST = b'{"message":"Bad Request"}'
REQUEST_ID_HEADER = "apigw-requestid"


Reporter = Callable[[str, str, int, float], None]
"""Called with method, path (without the query: it may hold the token), status, seconds."""


def http_api_event(
    *,
    method: str,
    path: str,
    raw_query: str,
    headers: Mapping[str, str],
    body: bytes,
    binary: bool,
    request_id: str,
    source_ip: str,
    api_id: str,
    at: datetime,
) -> dict[str, Any]:
    """The event an HTTP API gives Lambda for a request matched by ``<method> <path>``."""
    route_key = f"{method} {path}"
    query: dict[str, str] = {}
    for name, value in parse_qsl(raw_query, keep_blank_values=True):
        query[name] = f"{query[name]},{value}" if name in query else value
    domain = headers.get("host", "")
    user_agent = headers.get("user-agent", "")
    return {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": raw_query,
        "headers": dict(headers),
        **({"queryStringParameters": query} if query else {}),
        "requestContext": {
            "accountId": ACCOUNT,
            "apiId": api_id,
            "domainName": domain,
            "domainPrefix": domain.split(".")[0],
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": user_agent,
            },
            "requestId": request_id,
            "routeKey": route_key,
            "stage": "$default",
            "time": at.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(at.timestamp() * 1000),
        },
        "body": b64encode(body).decode("ascii") if binary else body.decode("utf-8"),
        "isBase64Encoded": binary,
    }


def is_binary(content_type: str, body: bytes) -> bool:
    """Whether API Gateway would base64-encode the body: not text, or not UTF-8."""
    if not any(marker in content_type.lower() for marker in TEXT_TYPES):
        return bool(body)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def http_api_routes(
    template: Mapping[str, Any], functions: Mapping[str, LocalFunction]
) -> dict[str, LocalFunction]:
    """``"POST /webhooks"`` -> the function the template routes it to."""
    routes = {}
    for name, properties in resources_of_type(template, "AWS::Serverless::Function").items():
        for event in properties.get("Events", {}).values():
            if event["Type"] == "HttpApi":
                route = f"{event['Properties']['Method'].upper()} {event['Properties']['Path']}"
                routes[route] = functions[name]
    return routes


class LocalHttpApi:
    """Serves the routes on ``127.0.0.1:port`` from a thread, a thread per connection."""

    def __init__(self, routes: Mapping[str, LocalFunction], port: int, report: Reporter) -> None:
        handler = type("Handler", (_RequestHandler,), {"routes": routes, "report": report})
        self._server = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="http-api")

    @property
    def port(self) -> int:
        port: int = self._server.server_address[1]
        return port

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


class _Unreadable(Exception):
    """The request's framing cannot be read: a Content-Length or chunk size that is no number."""


def _content_length(header: str | None) -> int:
    if header is None:
        return 0
    if not (header.isascii() and header.strip().isdigit()):
        raise _Unreadable
    return int(header)


def _chunk_size(line: bytes) -> int:
    digits = line.split(b";")[0].strip()
    if not digits or any(c not in b"0123456789abcdefABCDEF" for c in digits):
        raise _Unreadable
    return int(digits, 16)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes: Mapping[str, LocalFunction]
    report: Reporter

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the base class would log the full path, token included."""

    def _handle(self) -> None:
        started = time.perf_counter()
        url = urlsplit(self.path)
        status = self._answer(url.path, url.query)
        type(self).report(self.command, url.path, status, time.perf_counter() - started)

    def _answer(self, path: str, raw_query: str) -> int:
        request_id = str(uuid.uuid4())
        try:
            declared = _content_length(self.headers.get("Content-Length"))
            body = b"" if declared > PAYLOAD_LIMIT else self._read_body(declared)
        except _Unreadable:
            self.close_connection = True  # where the next request starts is unknown
            return self._send(400, JSON, BAD_REQUEST, request_id)
        if declared > PAYLOAD_LIMIT or len(body) > PAYLOAD_LIMIT:
            self.close_connection = True  # the rest of the body is not read
            return self._send(413, JSON, TOO_LARGE, request_id)
        function = self.routes.get(f"{self.command} {path}")
        if function is None:
            return self._send(404, JSON, NOT_FOUND, request_id)
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]},{value}" if key in headers else value
        event = http_api_event(
            method=self.command,
            path=path,
            raw_query=raw_query,
            headers=headers,
            body=body,
            binary=is_binary(headers.get("content-type", ""), body),
            request_id=request_id,
            source_ip=self.client_address[0],
            api_id="local",
            at=datetime.now(UTC),
        )
        try:
            response = function.invoke(event)
        except Exception:  # API Gateway answers 500 when the function fails
            traceback.print_exc()
            return self._send(500, JSON, FUNCTION_FAILED, request_id)
        payload = response.get("body") or ""
        content = b64decode(payload) if response.get("isBase64Encoded") else payload.encode()
        return self._send(
            int(response["statusCode"]), response.get("headers") or {}, content, request_id
        )

    def _read_body(self, declared: int) -> bytes:
        """The body, or its first part once that is over :data:`PAYLOAD_LIMIT`."""
        if self.headers.get("Transfer-Encoding", "").lower() != "chunked":
            return self.rfile.read(declared)
        chunks: list[bytes] = []
        read = 0
        while size := _chunk_size(self.rfile.readline()):
            if read + size > PAYLOAD_LIMIT:
                return b"".join(chunks) + self.rfile.read(PAYLOAD_LIMIT + 1 - read)
            chunks.append(self.rfile.read(size))
            read += size
            self.rfile.readline()
        self.rfile.readline()
        return b"".join(chunks)

    def _send(self, status: int, headers: Mapping[str, str], body: bytes, request_id: str) -> int:
        self.send_response(status)
        for name, value in headers.items():
            if name.lower() not in {"content-length", REQUEST_ID_HEADER}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header(REQUEST_ID_HEADER, request_id)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return status
