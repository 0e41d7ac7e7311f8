"""The Subscribe sample (and Unsubscribe's) as the hand-written cases edit it, with its answer."""

from __future__ import annotations

import codecs

from reliability.corpus.case import queued
from tests.support.hostile_bodies import edit

SUBSCRIBED = queued("Subscribe", 3)
"""The Subscribe sample's answer: its three events queued."""
UNSUBSCRIBED = queued("Unsubscribe", 1)
LIST_NAME_XML = b"<ListName>WebhookTestList4</ListName>"
LIST_NAME_JSON = b'"ListName": "WebhookTestList4"'
FIRST_SUBSCRIBER_XML = b"<SubscriberId>alwskd.myemail@mail.com</SubscriberId>"
FIRST_SUBSCRIBER_JSON = b'"SubscriberId": "alwskd.myemail@mail.com"'
ROOT = b"<SubscribedNotification "
"""The start of the Subscribe sample's root element, before its attributes."""


def subscribe_xml(old: bytes, new: bytes) -> bytes:
    return edit("Subscribe", "xml", old, new)


def subscribe_json(old: bytes, new: bytes) -> bytes:
    return edit("Subscribe", "json", old, new)


def utf16(body: bytes) -> bytes:
    """A UTF-8 body as UTF-16 LE with a byte-order mark, as Tilte declares its XML."""
    return codecs.BOM_UTF16_LE + body.decode("utf-8").encode("utf-16-le")
