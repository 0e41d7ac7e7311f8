"""The one Logger of every function, their metrics, and what keeps secrets out of both.

Logs are JSON lines (Powertools). Each carries a ``correlation_id``: in the ingest the API
request id (the access log's ``requestId``, and the quarantine's ``requestId``); in a consumer
the ``eventId`` of the event a line is about, or the invocation's request id for lines about
its batch. Metrics are CloudWatch EMF documents in the ``TilteWebhooks`` namespace, one per
invocation, with the same ``correlation_id`` as metadata; the ``service`` dimension is the
stack's name (``POWERTOOLS_SERVICE_NAME``), so two stacks in one account never mix.

The code never logs a payload, an email address or a token. As a second line of defence the
formatter masks whatever is shaped like an address or a credential in every line, exception
messages and stack traces included: see :func:`mask`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from aws_lambda_powertools.logging.types import LogRecord
from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit

from tilte_webhooks.metric_counts import Counts

SERVICE = os.environ.get("POWERTOOLS_SERVICE_NAME") or "tilte-webhooks"
"""The stack's name in a deployment (template.yaml sets it)."""
NAMESPACE = "TilteWebhooks"
CORRELATION_ID = "correlation_id"

EMAIL_MASK = "<email>"
TOKEN_MASK = "<token>"  # noqa: S105 (what replaces a token, not one)
_ADDRESS = re.compile(
    r"[\w.!#$%&'*+^`{|}~-]{1,64}(?:@|%40)"
    r"(?:[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}|\[[^\]\s]{1,64}\])",
    re.IGNORECASE,
)
"""Anything shaped like an address, also percent-encoded (``%40``) or with an IP literal.
Parts are bounded as in RFC 5321, which keeps the search linear in the length of a line; the
local part leaves out ``=``, ``/`` and ``?`` (legal, but rare) so that ``email=a@b.co`` keeps
its key."""
_CREDENTIAL = re.compile(
    r"((?i:\btoken=)|\b(?:Bearer|BEARER|Basic|BASIC)\s+)[^\s&\"',;()\[\]{}<>]+"
)
"""How a token travels: ``?token=...``, ``Authorization: Bearer ...`` or ``Basic ...`` (the
schemes as HTTP clients write them, so that prose such as "basic checks" stays readable)."""
_SECRET_KEYS = frozenset({"token", "tokens", "authorization", "password", "secret"})
"""Keys whose values are masked whole, whatever they hold."""


def mask(value: Any) -> Any:
    """``value`` with every address-shaped text replaced by :data:`EMAIL_MASK`, every
    credential by :data:`TOKEN_MASK`, and the values of credential-named keys masked whole;
    objects other than JSON's are masked as their ``str`` (as the JSON serializer shows them)."""
    if isinstance(value, str):
        if "@" in value or "%40" in value:
            value = _ADDRESS.sub(EMAIL_MASK, value)
        return _CREDENTIAL.sub(rf"\g<1>{TOKEN_MASK}", value)
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Mapping):
        return {
            key: TOKEN_MASK if str(key).lower() in _SECRET_KEYS else mask(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [mask(item) for item in value]
    return mask(str(value))


class MaskingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON formatter, masking each line just before it is written."""

    def serialize(self, log: LogRecord) -> str:
        return super().serialize(mask(log))


logger = Logger(service=SERVICE, logger_formatter=MaskingFormatter())


def function_metrics() -> EphemeralMetrics:
    """Metrics of its own for one function's handler: the local stack runs every function in
    one process, and Powertools' ``Metrics`` would share one document among them."""
    return EphemeralMetrics(namespace=NAMESPACE, service=SERVICE)


def set_correlation_id(value: str) -> None:
    """The correlation id of the lines this thread logs from now on, and of the metrics."""
    logger.thread_safe_append_keys(**{CORRELATION_ID: value})


def correlation_id() -> str | None:
    value = logger.thread_safe_get_current_keys().get(CORRELATION_ID)
    return value if isinstance(value, str) else None


@contextmanager
def correlated(value: str) -> Iterator[None]:
    """Lines logged in the block carry ``value``; afterwards, the correlation id before it."""
    previous = correlation_id()
    set_correlation_id(value)
    try:
        yield
    finally:
        if previous is None:
            logger.thread_safe_remove_keys([CORRELATION_ID])
        else:
            set_correlation_id(previous)


def publish(metrics: EphemeralMetrics, counts: Counts) -> None:
    """Add an invocation's counts to its metric document, with the correlation id."""
    if counts.breakdown is not None:
        name, value = counts.breakdown
        if counts.with_totals:
            # The primary dimension set is ``service`` alone: the values count as totals too.
            metrics.add_dimensions(service=SERVICE, **{name: value})
        else:
            metrics.add_dimension(name, value)
    for metric, number in counts.values.items():
        metrics.add_metric(metric, MetricUnit.Count, number)
    metrics.add_metadata(CORRELATION_ID, correlation_id() or "")
