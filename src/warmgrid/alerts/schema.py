"""The OASIS CAP 1.1 and 1.2 XML schemas, shipped as package data.

Sources: OASIS Common Alerting Protocol Version 1.2 (1 July 2010) and Version 1.1
(2 October 2005), schema files ``cap12.xsd`` / ``cap11.xsd`` as published by OASIS.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from lxml import etree

from warmgrid.alerts.safe_xml import safe_parser

CAP12_NS = "urn:oasis:names:tc:emergency:cap:1.2"
CAP11_NS = "urn:oasis:names:tc:emergency:cap:1.1"
CAP10_NS = "http://www.incident.com/cap/1.0"
VERSION_BY_NAMESPACE = {CAP12_NS: "1.2", CAP11_NS: "1.1"}
_FILES = {"1.2": "cap12.xsd", "1.1": "cap11.xsd"}


@cache
def cap_schema(version: str) -> etree.XMLSchema:
    """The compiled XSD of CAP ``version`` ("1.2" or "1.1"), loaded once per process."""
    text = resources.files("warmgrid.alerts").joinpath("data", _FILES[version]).read_bytes()
    return etree.XMLSchema(etree.fromstring(text, safe_parser()))
