"""Rules of the CAP specification that the XSD cannot express, and feed-aggregator rules.

Spec rules: OASIS CAP 1.2 §3.2 (data dictionary) and §3.3 (data types); the same rules
hold in CAP 1.1. Feed rules: what public alert aggregators require of the messages they
ingest (expires, description and area present; closed polygons; coordinates with at most
six decimals), applied to the messages warmgrid sends.

Every rule returns messages of the form ``"line N: <element>: problem"``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from lxml import etree

from warmgrid.alerts.captime import CapTimeError, parse_cap_time

NEEDS_REFERENCES = ("Update", "Cancel", "Ack", "Error")
MAX_FEED_DECIMALS = 6
FORBIDDEN_ID_CHARS = re.compile(r"[\s,<&]")
"""Characters CAP 1.2 §3.2.1 forbids in ``identifier`` and ``sender``."""
_DECIMALS = re.compile(r"\.(\d+)$")


def _where(element: etree._Element) -> str:
    return f"line {element.sourceline}: <{etree.QName(element).localname}>"


class _Doc:
    """Namespace-aware access to a CAP alert element."""

    def __init__(self, root: etree._Element) -> None:
        self.root = root
        self.ns = etree.QName(root).namespace or ""

    def tag(self, name: str) -> str:
        return f"{{{self.ns}}}{name}"

    def children(self, parent: etree._Element, name: str) -> list[etree._Element]:
        return parent.findall(self.tag(name))

    def child(self, parent: etree._Element, name: str) -> etree._Element | None:
        return parent.find(self.tag(name))

    def descendants(self, name: str) -> Iterator[etree._Element]:
        return self.root.iter(self.tag(name))


def _text(element: etree._Element | None) -> str:
    return "" if element is None or element.text is None else element.text.strip()


def _time(element: etree._Element | None, errors: list[str]) -> datetime | None:
    if element is None:
        return None
    try:
        return parse_cap_time(_text(element))
    except CapTimeError as error:
        errors.append(f"{_where(element)}: {error}")
        return None


def parse_point(pair: str) -> tuple[float, float]:
    """Parse a CAP ``lat,lon`` pair (WGS 84 degrees); ValueError naming what is wrong."""
    parts = pair.split(",")
    if len(parts) != 2:
        raise ValueError(f"coordinate pair {pair!r} is not 'lat,lon'")
    try:
        lat, lon = float(parts[0]), float(parts[1])
    except ValueError:
        raise ValueError(f"coordinate pair {pair!r} is not two numbers") from None
    if not -90.0 <= lat <= 90.0:
        raise ValueError(f"latitude {lat} in {pair!r} is outside -90..90")
    if not -180.0 <= lon <= 180.0:
        raise ValueError(f"longitude {lon} in {pair!r} is outside -180..180")
    return lat, lon


def parse_polygon(text: str) -> list[tuple[float, float]]:
    """Parse a CAP polygon into (lat, lon) points; ValueError when it breaks CAP §3.2.4."""
    pairs = text.split()
    if not pairs:
        raise ValueError("polygon is empty")
    points = [parse_point(pair) for pair in pairs]
    if len(points) < 4:
        raise ValueError(f"polygon has {len(points)} points; CAP requires at least 4")
    if points[0] != points[-1]:
        raise ValueError("polygon is not closed: first and last points differ")
    return points


def parse_circle(text: str) -> tuple[float, float, float]:
    """Parse a CAP circle ``lat,lon radius_km``; ValueError when malformed."""
    parts = text.split()
    if len(parts) != 2:
        raise ValueError(f"circle {text.strip()!r} is not 'lat,lon radius'")
    lat, lon = parse_point(parts[0])
    try:
        radius_km = float(parts[1])
    except ValueError:
        raise ValueError(f"circle radius {parts[1]!r} is not a number") from None
    if not radius_km >= 0.0:
        raise ValueError(f"circle radius {parts[1]!r} km is negative")
    return lat, lon, radius_km


def _check_identifiers(doc: _Doc, errors: list[str]) -> None:
    for name in ("identifier", "sender"):
        element = doc.child(doc.root, name)
        if element is None:
            continue
        value = _text(element)
        if not value:
            errors.append(f"{_where(element)}: is empty")
        elif FORBIDDEN_ID_CHARS.search(value):
            errors.append(
                f"{_where(element)}: {value!r} contains a space, comma, '<' or '&' (CAP §3.2.1)"
            )


def _check_references(doc: _Doc, errors: list[str]) -> None:
    msg_type = _text(doc.child(doc.root, "msgType"))
    element = doc.child(doc.root, "references")
    if element is None:
        if msg_type in NEEDS_REFERENCES:
            errors.append(
                f"line {doc.root.sourceline}: <alert>: msgType {msg_type} but no <references> "
                "naming the message(s) it refers to"
            )
        return
    entries = _text(element).split()
    if not entries:
        needed = f" (msgType {msg_type} must name what it refers to)" if msg_type else ""
        needed = needed if msg_type in NEEDS_REFERENCES else ""
        errors.append(
            f"{_where(element)}: is empty; it must list 'sender,identifier,sent' entries{needed}"
        )
        return
    for entry in entries:
        parts = entry.split(",")
        if len(parts) != 3 or not parts[0] or not parts[1]:
            errors.append(f"{_where(element)}: entry {entry!r} is not 'sender,identifier,sent'")
            continue
        try:
            parse_cap_time(parts[2])
        except CapTimeError as error:
            errors.append(f"{_where(element)}: entry {entry!r}: sent {error}")


def _check_scope(doc: _Doc, errors: list[str]) -> None:
    scope = _text(doc.child(doc.root, "scope"))
    needed = {"Restricted": "restriction", "Private": "addresses"}.get(scope)
    if needed and not _text(doc.child(doc.root, needed)):
        errors.append(
            f"line {doc.root.sourceline}: <alert>: scope {scope} requires a non-empty <{needed}>"
        )


def _check_times(doc: _Doc, errors: list[str]) -> None:
    sent = _time(doc.child(doc.root, "sent"), errors)
    for info in doc.children(doc.root, "info"):
        effective = _time(doc.child(info, "effective"), errors)
        _time(doc.child(info, "onset"), errors)
        expires_element = doc.child(info, "expires")
        expires = _time(expires_element, errors)
        if expires is None or expires_element is None:
            continue
        if sent is not None and expires <= sent:
            errors.append(f"{_where(expires_element)}: {_text(expires_element)} is not after sent")
        if effective is not None and expires <= effective:
            errors.append(
                f"{_where(expires_element)}: {_text(expires_element)} is not after effective"
            )


def _check_areas(doc: _Doc, errors: list[str]) -> None:
    for polygon in doc.descendants("polygon"):
        try:
            parse_polygon(_text(polygon))
        except ValueError as error:
            errors.append(f"{_where(polygon)}: {error}")
    for circle in doc.descendants("circle"):
        try:
            parse_circle(_text(circle))
        except ValueError as error:
            errors.append(f"{_where(circle)}: {error}")
    for area in doc.descendants("area"):
        if doc.child(area, "ceiling") is not None and doc.child(area, "altitude") is None:
            errors.append(f"{_where(area)}: <ceiling> is only allowed together with <altitude>")


def spec_errors(root: etree._Element) -> list[str]:
    """Violations of the CAP rules that the XSD does not check, in document order."""
    doc = _Doc(root)
    errors: list[str] = []
    _check_identifiers(doc, errors)
    _check_times(doc, errors)
    _check_scope(doc, errors)
    _check_references(doc, errors)
    _check_areas(doc, errors)
    return errors


def _coordinate_texts(doc: _Doc) -> Iterator[tuple[etree._Element, str]]:
    for name in ("polygon", "circle"):
        for element in doc.descendants(name):
            for token in _text(element).split():
                for number in token.split(","):
                    yield element, number


def feed_errors(root: etree._Element) -> list[str]:
    """Violations of the rules public alert aggregators apply to ingested messages."""
    doc = _Doc(root)
    errors: list[str] = []
    infos = doc.children(doc.root, "info")
    if not infos:
        errors.append(f"line {doc.root.sourceline}: <alert>: feed: no <info> block")
    for info in infos:
        for name in ("expires", "headline", "description"):
            if not _text(doc.child(info, name)):
                errors.append(f"{_where(info)}: feed: <{name}> missing or empty")
        if len(infos) > 1 and not _text(doc.child(info, "language")):
            errors.append(f"{_where(info)}: feed: <language> missing with several <info>")
        areas = doc.children(info, "area")
        if not areas:
            errors.append(f"{_where(info)}: feed: no <area>")
        for area in areas:
            shapes = [doc.child(area, name) for name in ("polygon", "circle", "geocode")]
            if all(shape is None for shape in shapes):
                errors.append(f"{_where(area)}: feed: no <polygon>, <circle> or <geocode>")
    for element, number in _coordinate_texts(doc):
        match = _DECIMALS.search(number)
        if match and len(match[1]) > MAX_FEED_DECIMALS:
            errors.append(
                f"{_where(element)}: feed: {number} has more than {MAX_FEED_DECIMALS} decimals"
            )
    return errors
