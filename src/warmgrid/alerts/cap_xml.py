"""CAP 1.2 XML for :class:`~warmgrid.alerts.message.Message`: writing and reading back.

Element order follows the OASIS CAP 1.2 XSD sequence. Coordinates are written with at
most six decimals (about 0.1 m), the precision public aggregators accept.
"""

from __future__ import annotations

import shlex
from datetime import datetime

from lxml import etree

from warmgrid.alerts.captime import format_cap_time, parse_cap_time
from warmgrid.alerts.message import (
    Area,
    Circle,
    Info,
    Message,
    NamedValue,
    Polygon,
    Reference,
)
from warmgrid.alerts.rules import parse_circle, parse_polygon
from warmgrid.alerts.safe_xml import CapParseError, parse_xml
from warmgrid.alerts.schema import CAP12_NS, VERSION_BY_NAMESPACE

COORDINATE_DECIMALS = 6


def format_number(value: float, decimals: int = COORDINATE_DECIMALS) -> str:
    """``value`` rounded to ``decimals`` places, without trailing zeros (never ``-0``)."""
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def polygon_text(polygon: Polygon) -> str:
    """CAP polygon text: space-separated ``lat,lon`` pairs."""
    return " ".join(f"{format_number(lat)},{format_number(lon)}" for lat, lon in polygon.points)


def circle_text(circle: Circle) -> str:
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
            element.text = text
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
    for area in info.areas:
        _write_area(inner, area)


def to_xml(message: Message) -> bytes:
    """The CAP 1.2 XML of ``message`` (UTF-8, with XML declaration, indented)."""
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


class _Reader:
    def __init__(self, ns: str) -> None:
        self.ns = ns

    def all(self, parent: etree._Element, name: str) -> list[etree._Element]:
        return parent.findall(f"{{{self.ns}}}{name}")

    def text(self, parent: etree._Element, name: str) -> str:
        element = parent.find(f"{{{self.ns}}}{name}")
        return "" if element is None or element.text is None else element.text.strip()

    def texts(self, parent: etree._Element, name: str) -> tuple[str, ...]:
        return tuple((e.text or "").strip() for e in self.all(parent, name))

    def time(self, parent: etree._Element, name: str) -> datetime | None:
        text = self.text(parent, name)
        return parse_cap_time(text) if text else None

    def pairs(self, parent: etree._Element, name: str) -> tuple[NamedValue, ...]:
        return tuple(
            NamedValue(self.text(item, "valueName"), self.text(item, "value"))
            for item in self.all(parent, name)
        )


def _read_area(reader: _Reader, element: etree._Element) -> Area:
    return Area(
        description=reader.text(element, "areaDesc"),
        polygons=tuple(
            Polygon(tuple(parse_polygon(text))) for text in reader.texts(element, "polygon")
        ),
        circles=tuple(Circle(*parse_circle(text)) for text in reader.texts(element, "circle")),
        geocodes=reader.pairs(element, "geocode"),
    )


def _read_info(reader: _Reader, element: etree._Element) -> Info:
    return Info(
        language=reader.text(element, "language"),
        categories=reader.texts(element, "category"),
        event=reader.text(element, "event"),
        urgency=reader.text(element, "urgency"),
        severity=reader.text(element, "severity"),
        certainty=reader.text(element, "certainty"),
        headline=reader.text(element, "headline"),
        description=reader.text(element, "description"),
        instruction=reader.text(element, "instruction"),
        expires=reader.time(element, "expires"),
        effective=reader.time(element, "effective"),
        onset=reader.time(element, "onset"),
        sender_name=reader.text(element, "senderName"),
        response_types=reader.texts(element, "responseType"),
        web=reader.text(element, "web"),
        contact=reader.text(element, "contact"),
        event_codes=reader.pairs(element, "eventCode"),
        parameters=reader.pairs(element, "parameter"),
        areas=tuple(_read_area(reader, area) for area in reader.all(element, "area")),
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
    """
    root = parse_xml(data)
    qname = etree.QName(root)
    if qname.localname != "alert" or qname.namespace not in VERSION_BY_NAMESPACE:
        raise CapParseError("not a CAP 1.2 or 1.1 <alert> document")
    reader = _Reader(qname.namespace)
    try:
        return Message(
            identifier=reader.text(root, "identifier"),
            sender=reader.text(root, "sender"),
            sent=parse_cap_time(reader.text(root, "sent")),
            status=reader.text(root, "status"),
            msg_type=reader.text(root, "msgType"),
            scope=reader.text(root, "scope"),
            source=reader.text(root, "source"),
            restriction=reader.text(root, "restriction"),
            addresses=reader.text(root, "addresses"),
            codes=reader.texts(root, "code"),
            note=reader.text(root, "note"),
            references=_read_references(reader.text(root, "references")),
            incidents=tuple(shlex.split(reader.text(root, "incidents"))),
            infos=tuple(_read_info(reader, info) for info in reader.all(root, "info")),
        )
    except ValueError as error:
        raise CapParseError(f"cannot read CAP message: {error}") from None
