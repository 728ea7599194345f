"""Validation of CAP 1.2 and 1.1 messages: XSD, specification rules, feed rules."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from lxml import etree

from warmgrid.alerts.cap_xml import to_xml
from warmgrid.alerts.message import Message
from warmgrid.alerts.rules import feed_errors, spec_errors
from warmgrid.alerts.safe_xml import DEFAULT_MAX_BYTES, CapParseError, parse_xml
from warmgrid.alerts.schema import CAP10_NS, VERSION_BY_NAMESPACE, cap_schema

_NAMESPACE_IN_MESSAGE = re.compile(r"\{(?:urn|https?):[^}]*\}")


@dataclass
class CapReport:
    """The verdict on one CAP document.

    ``version`` is "1.2" or "1.1" when the root is a CAP alert of that version, else
    ``None``; each entry of ``errors`` names the line and element it concerns.
    """

    source: str
    valid: bool
    version: str | None
    errors: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return asdict(self)


def _schema_errors(root: etree._Element, version: str) -> list[str]:
    schema = cap_schema(version)
    if schema.validate(root.getroottree()):
        return []
    return [
        f"line {entry.line}: schema: {_NAMESPACE_IN_MESSAGE.sub('', entry.message)}"
        for entry in schema.error_log
    ]


def _version_of(root: etree._Element) -> tuple[str | None, str | None]:
    """(version, problem) for the root element."""
    qname = etree.QName(root)
    if qname.namespace == CAP10_NS:
        return None, "CAP 1.0 is not supported; expected CAP 1.2 or 1.1"
    version = VERSION_BY_NAMESPACE.get(qname.namespace or "")
    if version is None or qname.localname != "alert":
        return None, (
            f"root element is {qname.localname!r} in namespace {qname.namespace or 'none'!r}; "
            "expected <alert> in the CAP 1.2 or 1.1 namespace"
        )
    return version, None


def validate_cap(
    data: bytes,
    *,
    source: str = "<input>",
    feed_rules: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> CapReport:
    """Validate one CAP document given as bytes; never raises for bad content.

    Checks, in order: safe well-formed parsing (no DTD/entities, at most ``max_bytes``
    bytes), the root being a CAP 1.2 or 1.1 ``alert``, the OASIS XSD of that version, the
    specification rules an XSD cannot express (:func:`warmgrid.alerts.rules.spec_errors`)
    and, with ``feed_rules``, the rules of public aggregators for outgoing messages
    (:func:`warmgrid.alerts.rules.feed_errors`).
    """
    try:
        root = parse_xml(data, max_bytes=max_bytes)
    except CapParseError as error:
        return CapReport(source=source, valid=False, version=None, errors=[str(error)])
    version, problem = _version_of(root)
    if version is None:
        return CapReport(source=source, valid=False, version=None, errors=[str(problem)])
    errors = _schema_errors(root, version) + spec_errors(root)
    if feed_rules:
        errors += feed_errors(root)
    return CapReport(source=source, valid=not errors, version=version, errors=errors)


def validate_message(message: Message) -> CapReport:
    """Validate one of our own messages: its CAP 1.2 XML with the feed rules."""
    return validate_cap(to_xml(message), source=message.identifier, feed_rules=True)
