"""Bytes to text, for every encoding real senders put on the wire.

Tilte's XML declares ``encoding="utf-16"``, but what arrives may be UTF-16 LE or BE, with or
without a byte-order mark, or UTF-8 (with or without a BOM) that still declares utf-16. The
bytes decide, never the declaration and never the Content-Type, in this order:

1. a byte-order mark (UTF-8, UTF-16 LE or BE, and UTF-32 LE or BE, which costs nothing);
2. a NUL in one of the first two bytes, which only UTF-16 produces for ``<`` or ``{``;
3. UTF-8;
4. only if the bytes are not UTF-8: a single-byte charset named by the Content-Type or the
   XML declaration (ISO-8859-x or Windows-125x), for senders that label Latin-1 honestly.
"""

from __future__ import annotations

import codecs
import re

from tilte_webhooks.errors import UndecodableBody

_BOMS = (  # UTF-32's marks first: UTF-32 LE's starts with UTF-16 LE's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTENT_TYPE_CHARSET = re.compile(r";\s*charset\s*=\s*\"?([\w.:-]+)", re.IGNORECASE | re.ASCII)
_XML_DECLARED_ENCODING = re.compile(
    rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([\w.:-]+)[\"']", re.ASCII
)
_SINGLE_BYTE_CODEC = re.compile(r"iso8859-\d+|cp125\d")


def decode_body(body: bytes, content_type: str | None = None) -> str:
    """Decode a request body to text, or raise :class:`UndecodableBody` saying why not."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return _decode(body, encoding, start=len(bom))
    if len(body) >= 2:
        if body[0] == 0 and body[1] != 0:
            return _decode(body, "utf-16-be")
        if body[0] != 0 and body[1] == 0:
            return _decode(body, "utf-16-le")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        fallback = _declared_single_byte_codec(body, content_type)
        if fallback is None:
            raise UndecodableBody(
                f"the body is not UTF-8 or UTF-16 text (invalid byte 0x{body[error.start]:02x} "
                f"at offset {error.start})"
            ) from None
        return _decode(body, fallback)


def _decode(data: bytes, encoding: str, start: int = 0) -> str:
    """Decode ``data[start:]``; an error's offset counts from the start of the body."""
    try:
        return data[start:].decode(encoding)
    except UnicodeDecodeError as error:
        name = encoding.upper().replace("-LE", " LE").replace("-BE", " BE")
        raise UndecodableBody(
            f"the body is not valid {name}: {error.reason} at offset {start + error.start}"
        ) from None


def _declared_single_byte_codec(body: bytes, content_type: str | None) -> str | None:
    """The single-byte charset the sender named, if any; None for anything else."""
    names: list[str] = []
    if content_type and (match := _CONTENT_TYPE_CHARSET.search(content_type)):
        names.append(match.group(1))
    if declared := _XML_DECLARED_ENCODING.match(body[:200]):
        names.append(declared.group(1).decode("ascii"))
    for name in names:
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            continue
        if _SINGLE_BYTE_CODEC.fullmatch(codec):
            return codec
    return None
