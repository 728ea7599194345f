"""Safe parsing of untrusted XML (CAP messages from foreign feeds).

The parser never resolves entities, never loads a DTD, never touches the network or the
file system, refuses documents larger than a bound and any document that declares a
DOCTYPE or an ENTITY at all (OWASP XML External Entity Prevention Cheat Sheet: "disable
DTDs completely"). CAP documents never need a DTD: their grammar is the OASIS XSD, which
warmgrid ships and loads itself.
"""

from __future__ import annotations

import re

from lxml import etree

from warmgrid.errors import WarmgridError

DEFAULT_MAX_BYTES = 1_000_000
"""Largest document accepted, bytes. Real CAP messages are a few kB; 1 MB is generous."""

_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class CapParseError(WarmgridError):
    """A document that is not well-formed XML, too large, or uses forbidden constructs."""


def _declarations_present(data: bytes) -> bool:
    """Whether ``data`` holds a DOCTYPE or ENTITY declaration.

    ASCII-compatible encodings are searched as bytes; UTF-16/32 documents (recognised by
    their byte-order mark or by NUL bytes around the first "<", XML 1.0 Appendix F) are
    decoded first. The check after parsing catches anything else.
    """
    if _DECLARATION.search(data):
        return True
    if b"\x00" not in data[:4] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    for encoding in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
        width = 2 if "16" in encoding else 4
        usable = len(data) - len(data) % width
        if _DECLARATION.search(data[:usable].decode(encoding, errors="ignore").encode("utf-8")):
            return True
    return False


def safe_parser() -> etree.XMLParser:
    """A fresh lxml parser that resolves nothing and fetches nothing."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        collect_ids=False,
    )


def parse_xml(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse untrusted XML ``data`` into its root element, safely.

    Raises :class:`CapParseError` when ``data`` is not bytes, is larger than ``max_bytes``
    bytes, declares a DOCTYPE or ENTITY, or is not well-formed XML.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise CapParseError(f"expected XML as bytes, got {type(data).__name__}")
    data = bytes(data)
    if len(data) > max_bytes:
        raise CapParseError(f"document is {len(data)} bytes, more than the limit of {max_bytes}")
    if not data.strip():
        raise CapParseError("document is empty")
    if _declarations_present(data):
        raise CapParseError("DOCTYPE and ENTITY declarations are not allowed")
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as error:
        raise CapParseError(f"not well-formed XML: {error}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise CapParseError("DOCTYPE and ENTITY declarations are not allowed")
    if any(isinstance(node, etree._Entity) for node in root.iter()):
        raise CapParseError("entity references are not allowed")
    return root
