"""CAP 1.2 XML for :class:`~warmgrid.alerts.message.Message`: writing and reading back.

Element order follows the OASIS CAP 1.2 XSD sequence. Coordinates are written with at
most six decimals (about 0.1 m), the precision public aggregators accept.
"""

from __future__ import annotations

import shlex
from datetime import datetime
from typing import Any, get_args

from lxml import etree

from warmgrid.alerts.captime import format_cap_time, parse_cap_time
from warmgrid.alerts.message import (
    Area,
    CapCircle,
    CapPolygon,
    Info,
    Message,
    MsgType,
    NamedValue,
    Reference,
    Resource,
    Scope,
    Status,
)
from warmgrid.alerts.rules import parse_circle, parse_polygon
from warmgrid.alerts.safe_xml import CapParseError, parse_xml
from warmgrid.alerts.schema import CAP12_NS, VERSION_BY_NAMESPACE
from warmgrid.errors import InputError

COORDINATE_DECIMALS = 6


def _one_of(value: str, vocabulary: Any, element: str) -> Any:
    """``value`` when it is one of the values of the ``Literal`` type ``vocabulary``."""
    allowed = get_args(vocabulary)
    if value not in allowed:
        raise ValueError(f"<{element}> must be one of {', '.join(allowed)}, got {value!r}")
    return value


def format_number(value: float, decimals: int = COORDINATE_DECIMALS) -> str:
    """``value`` rounded to ``decimals`` places, without trailing zeros (never ``-0``)."""
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def polygon_text(polygon: CapPolygon) -> str:
    """CAP polygon text: space-separated ``lat,lon`` pairs."""
    return " ".join(f"{format_number(lat)},{format_number(lon)}" for lat, lon in polygon.points)


def circle_text(circle: CapCircle) -> str:
    """CAP circle text: ``lat,lon radius_km``."""
    centre = f"{format_number(circle.lat)},{format_number(circle.lon)}"
    return f"{centre} {format_number(circle.radius_km)}"


def _incidents_text(incidents: tuple[str, ...]) -> str:
    return " ".join(f'"{item}"' if any(c.isspace() for c in item) else item for item in incidents)


class _Writer:
    def __init__(self, parent: etree._Element) -> None:
        self.parent = parent

    def add(self, name: str, text: str | None = None) -> etree._Element:
        element = etree.SubElement(self.parent, f"{{{CAP12_NS}}}{name}")
        if text is not None:
            try:
                element.text = text
            except ValueError:
                raise InputError(
                    f"<{name}>", f"{text[:40]!r} holds characters that XML cannot carry"
                ) from None
        return element

    def optional(self, name: str, text: str) -> None:
        if text:
            self.add(name, text)

    def time(self, name: str, moment: datetime | None) -> None:
        if moment is not None:
            self.add(name, format_cap_time(moment))

    def pairs(self, name: str, values: tuple[NamedValue, ...]) -> None:
        for item in values:
            inner = _Writer(self.add(name))
            inner.add("valueName", item.value_name)
            inner.add("value", item.value)


def _write_area(writer: _Writer, area: Area) -> None:
    inner = _Writer(writer.add("area"))
    inner.add("areaDesc", area.description)
    for polygon in area.polygons:
        inner.add("polygon", polygon_text(polygon))
    for circle in area.circles:
        inner.add("circle", circle_text(circle))
    inner.pairs("geocode", area.geocodes)
    if area.altitude_ft is not None:
        inner.add("altitude", format_number(area.altitude_ft))
    if area.ceiling_ft is not None:
        inner.add("ceiling", format_number(area.ceiling_ft))


def _write_resource(writer: _Writer, resource: Resource) -> None:
    inner = _Writer(writer.add("resource"))
    inner.add("resourceDesc", resource.description)
    inner.add("mimeType", resource.mime_type)
    if resource.size_bytes is not None:
        inner.add("size", str(resource.size_bytes))
    inner.optional("uri", resource.uri)
    inner.optional("derefUri", resource.deref_uri)
    inner.optional("digest", resource.digest)


def _write_info(writer: _Writer, info: Info) -> None:
    inner = _Writer(writer.add("info"))
    inner.optional("language", info.language)
    for category in info.categories:
        inner.add("category", category)
    inner.add("event", info.event)
    for response in info.response_types:
        inner.add("responseType", response)
    inner.add("urgency", info.urgency)
    inner.add("severity", info.severity)
    inner.add("certainty", info.certainty)
    inner.optional("audience", info.audience)
    inner.pairs("eventCode", info.event_codes)
    inner.time("effective", info.effective)
    inner.time("onset", info.onset)
    inner.time("expires", info.expires)
    inner.optional("senderName", info.sender_name)
    inner.optional("headline", info.headline)
    inner.optional("description", info.description)
    inner.optional("instruction", info.instruction)
    inner.optional("web", info.web)
    inner.optional("contact", info.contact)
    inner.pairs("parameter", info.parameters)
    for resource in info.resources:
        _write_resource(inner, resource)
    for area in info.areas:
        _write_area(inner, area)


def to_xml(message: Message) -> bytes:
    """The CAP 1.2 XML of ``message`` (UTF-8, with XML declaration, indented).

    Raises :class:`~warmgrid.errors.InputError` naming the element when a text holds
    characters XML cannot carry (control characters).
    """
    root = etree.Element(f"{{{CAP12_NS}}}alert", nsmap={None: CAP12_NS})
    writer = _Writer(root)
    writer.add("identifier", message.identifier)
    writer.add("sender", message.sender)
    writer.time("sent", message.sent)
    writer.add("status", message.status)
    writer.add("msgType", message.msg_type)
    writer.optional("source", message.source)
    writer.add("scope", message.scope)
    writer.optional("restriction", message.restriction)
    writer.optional("addresses", message.addresses)
    for code in message.codes:
        writer.add("code", code)
    writer.optional("note", message.note)
    if message.references:
        writer.add("references", " ".join(ref.to_text() for ref in message.references))
    if message.incidents:
        writer.add("incidents", _incidents_text(message.incidents))
    for info in message.infos:
        _write_info(writer, info)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class CapNode:
    """An element's CAP children, indexed by local name in one pass (for readers)."""

    def __init__(self, element: etree._Element, ns: str) -> None:
        self.ns = ns
        self.children: dict[str, list[etree._Element]] = {}
        prefix = f"{{{ns}}}"
        for child in element:
            tag = child.tag
            if isinstance(tag, str) and tag.startswith(prefix):
                self.children.setdefault(tag[len(prefix) :], []).append(child)

    def nodes(self, name: str) -> list[CapNode]:
        return [CapNode(e, self.ns) for e in self.children.get(name, ())]

    def text(self, name: str) -> str:
        found = self.children.get(name)
        return (found[0].text or "").strip() if found else ""

    def texts(self, name: str) -> tuple[str, ...]:
        return tuple((e.text or "").strip() for e in self.children.get(name, ()))

    def time(self, name: str) -> datetime | None:
        text = self.text(name)
        return parse_cap_time(text) if text else None

    def number(self, name: str) -> float | None:
        text = self.text(name)
        return float(text) if text else None

    def pairs(self, name: str) -> tuple[NamedValue, ...]:
        return tuple(NamedValue(n.text("valueName"), n.text("value")) for n in self.nodes(name))


def _read_area(node: CapNode) -> Area:
    return Area(
        description=node.text("areaDesc"),
        polygons=tuple(CapPolygon(tuple(parse_polygon(text))) for text in node.texts("polygon")),
        circles=tuple(CapCircle(*parse_circle(text)) for text in node.texts("circle")),
        geocodes=node.pairs("geocode"),
        altitude_ft=node.number("altitude"),
        ceiling_ft=node.number("ceiling"),
    )


def _read_resource(node: CapNode) -> Resource:
    size = node.text("size")
    return Resource(
        description=node.text("resourceDesc"),
        mime_type=node.text("mimeType"),
        size_bytes=int(size) if size else None,
        uri=node.text("uri"),
        deref_uri=node.text("derefUri"),
        digest=node.text("digest"),
    )


def _read_info(node: CapNode) -> Info:
    return Info(
        language=node.text("language"),
        categories=node.texts("category"),
        event=node.text("event"),
        urgency=node.text("urgency"),
        severity=node.text("severity"),
        certainty=node.text("certainty"),
        audience=node.text("audience"),
        headline=node.text("headline"),
        description=node.text("description"),
        instruction=node.text("instruction"),
        expires=node.time("expires"),
        effective=node.time("effective"),
        onset=node.time("onset"),
        sender_name=node.text("senderName"),
        response_types=node.texts("responseType"),
        web=node.text("web"),
        contact=node.text("contact"),
        event_codes=node.pairs("eventCode"),
        parameters=node.pairs("parameter"),
        resources=tuple(_read_resource(r) for r in node.nodes("resource")),
        areas=tuple(_read_area(area) for area in node.nodes("area")),
    )


def _read_references(text: str) -> tuple[Reference, ...]:
    references = []
    for entry in text.split():
        parts = entry.split(",")
        if len(parts) != 3:
            raise ValueError(f"references entry {entry!r} is not 'sender,identifier,sent'")
        references.append(Reference(parts[0], parts[1], parse_cap_time(parts[2])))
    return tuple(references)


def from_xml(data: bytes) -> Message:
    """Read a CAP 1.2 (or 1.1) message back into a :class:`Message`.

    Parses safely (:func:`~warmgrid.alerts.safe_xml.parse_xml`); raises
    :class:`~warmgrid.alerts.safe_xml.CapParseError` when the document is not a CAP alert
    or holds values that cannot be read (bad times, coordinates, references). It does not
    validate against the XSD; use :func:`warmgrid.alerts.validate.validate_cap` for that.
    Every CAP element is kept except XML signatures; a CAP 1.1 message read here is
    written back by :func:`to_xml` as CAP 1.2.
    """
    root = parse_xml(data)
    qname = etree.QName(root)
    if qname.localname != "alert" or qname.namespace not in VERSION_BY_NAMESPACE:
        raise CapParseError("not a CAP 1.2 or 1.1 <alert> document")
    node = CapNode(root, qname.namespace)
    try:
        return Message(
            identifier=node.text("identifier"),
            sender=node.text("sender"),
            sent=parse_cap_time(node.text("sent")),
            status=_one_of(node.text("status"), Status, "status"),
            msg_type=_one_of(node.text("msgType"), MsgType, "msgType"),
            scope=_one_of(node.text("scope"), Scope, "scope"),
            source=node.text("source"),
            restriction=node.text("restriction"),
            addresses=node.text("addresses"),
            codes=node.texts("code"),
            note=node.text("note"),
            references=_read_references(node.text("references")),
            incidents=tuple(shlex.split(node.text("incidents"))),
            infos=tuple(_read_info(info) for info in node.nodes("info")),
        )
    except ValueError as error:
        raise CapParseError(f"cannot read CAP message: {error}") from None
