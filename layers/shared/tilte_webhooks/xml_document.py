"""Tilte's XML, parsed safely and turned into the same shape as Tilte's JSON.

DTDs, entities and external references are all refused, so XML bombs and XXE fail before they
cost anything. Each of them needs a document type declaration (``<!DOCTYPE``): text without
one is parsed by the standard library's C parser, and text with one by defusedxml, which
refuses it and says why. (defusedxml parses with the Python version of the standard parser,
which costs twice as much per element; the two give the same tree and the same errors for
everything else, as a test checks.) The element tree then becomes the dictionary that the
JSON of the same notification would give, so both formats share one validation:

- each child element of the root becomes a key holding its text (``""`` when empty, ``None``
  when marked ``xsi:nil="true"``);
- ``<Events>`` becomes a list with one dictionary per event element;
- an unknown element with children becomes a nested dictionary, and a repeated element a
  list, so fields Tilte adds later are kept too;
- namespaces and attributes (other than ``xsi:nil``) carry no data in Tilte's XML and are
  left out.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

from tilte_webhooks.errors import FieldProblem, ForbiddenXml, InvalidFields, MalformedXml

_XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
_DOCTYPE = "<!DOCTYPE"
"""What starts the only place where XML can declare entities or refer outside itself."""
MAX_DEPTH = 32
"""Deepest nesting accepted inside a notification; Tilte's own documents are 3 levels deep."""


def parse_xml(text: str) -> ET.Element:
    """Parse XML text with every dangerous construct refused."""
    try:
        if _DOCTYPE not in text:
            return ET.fromstring(text)  # noqa: S314 (no DTD: nothing to defuse, see above)
        return _defused_parse(text)
    except DTDForbidden:
        raise ForbiddenXml("the XML declares a DTD, which is refused") from None
    except EntitiesForbidden as error:
        raise ForbiddenXml(
            f"the XML declares the entity {error.name!r}, which is refused"
        ) from None
    except ExternalReferenceForbidden:
        raise ForbiddenXml("the XML refers to an external resource, which is refused") from None
    except ET.ParseError as error:
        raise MalformedXml(f"the XML is not well-formed: {error}") from None


def _defused_parse(text: str) -> ET.Element:
    """defusedxml's parse, imported when first needed: Tilte sends no DTD, so most processes
    never need it (it imports a second, Python, copy of ElementTree)."""
    from defusedxml.ElementTree import fromstring

    return fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)


def local_name(element: ET.Element) -> str:
    """An element's tag without its namespace."""
    return element.tag.rpartition("}")[2]


def child_texts(root: ET.Element, name: str) -> list[str | None]:
    """The text of every child called ``name`` (None where it is ``xsi:nil``)."""
    return [_value(child, depth=2) for child in root if local_name(child) == name]


def document_from_xml(root: ET.Element, event_element: str | None) -> dict[str, Any]:
    """The JSON-shaped document of a notification's root element.

    ``event_element`` is the name every child of ``<Events>`` must have (``SubscribedEvent``
    for a Subscribe notification), or None for the types that carry no batch.
    """
    if event_element is None:
        return _fields(root, depth=1)
    batch = [child for child in root if local_name(child) == "Events"]
    if len(batch) > 1:
        raise InvalidFields([FieldProblem("Events", "appears more than once")])
    document = _fields(root, depth=1, skip="Events")
    if batch:
        document["Events"] = _events(batch[0], event_element)
    return document


def _events(container: ET.Element, event_element: str) -> list[dict[str, Any]] | None:
    if container.get(_XSI_NIL) == "true":
        return None
    events: list[dict[str, Any]] = []
    for index, element in enumerate(container):
        name = local_name(element)
        if name != event_element:
            raise InvalidFields(
                [FieldProblem(f"Events[{index}]", f"expected <{event_element}>, found <{name}>")]
            )
        events.append(_fields(element, depth=3))
    return events


def _fields(element: ET.Element, depth: int, skip: str | None = None) -> dict[str, Any]:
    if depth > MAX_DEPTH:
        raise MalformedXml(f"the XML is nested more than {MAX_DEPTH} levels deep")
    fields: dict[str, Any] = {}
    for child in element:
        name = child.tag.rpartition("}")[2]  # local_name, inline: it runs for every element
        if name == skip:
            continue
        value = _value(child, depth + 1)
        if name not in fields:
            fields[name] = value
        elif isinstance(previous := fields[name], list):  # only repeats make lists
            previous.append(value)
        else:
            fields[name] = [previous, value]
    return fields


def _value(element: ET.Element, depth: int) -> Any:
    if element.get(_XSI_NIL) == "true":
        return None
    if len(element):
        return _fields(element, depth)
    return element.text or ""
