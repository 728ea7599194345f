"""A CAP 1.2 alert message as plain, immutable dataclasses.

Field names follow the CAP 1.2 data dictionary (OASIS CAP 1.2 §3.2) in snake case.
Coordinates are WGS 84 degrees; a polygon holds (lat, lon) points in CAP order, closed.
Messages are never edited: updates and cancels are new messages (see
:mod:`warmgrid.alerts.builders`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from warmgrid.alerts.captime import format_cap_time

Status = Literal["Actual", "Exercise", "System", "Test", "Draft"]
MsgType = Literal["Alert", "Update", "Cancel", "Ack", "Error"]
Scope = Literal["Public", "Restricted", "Private"]


@dataclass(frozen=True)
class Reference:
    """An earlier message this one refers to (CAP ``references`` entry)."""

    sender: str
    identifier: str
    sent: datetime

    def to_text(self) -> str:
        """The CAP form ``sender,identifier,sent``."""
        return f"{self.sender},{self.identifier},{format_cap_time(self.sent)}"


@dataclass(frozen=True)
class NamedValue:
    """A CAP ``valueName``/``value`` pair (parameter, eventCode or geocode)."""

    value_name: str
    value: str


@dataclass(frozen=True)
class CapPolygon:
    """A closed ring of (lat, lon) points, WGS 84 degrees, first point == last point."""

    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class CapCircle:
    """A circle: centre (lat, lon) in WGS 84 degrees and radius in kilometres."""

    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True)
class Area:
    """A CAP ``area``: a description, its shapes, and altitude/ceiling in feet (CAP §3.2.4)."""

    description: str
    polygons: tuple[CapPolygon, ...] = ()
    circles: tuple[CapCircle, ...] = ()
    geocodes: tuple[NamedValue, ...] = ()
    altitude_ft: float | None = None
    ceiling_ft: float | None = None


@dataclass(frozen=True)
class Resource:
    """A CAP ``resource``: a file with supplemental information (size in bytes)."""

    description: str
    mime_type: str
    size_bytes: int | None = None
    uri: str = ""
    deref_uri: str = ""
    digest: str = ""


@dataclass(frozen=True)
class Info:
    """A CAP ``info`` block: one per language."""

    language: str
    categories: tuple[str, ...]
    event: str
    urgency: str
    severity: str
    certainty: str
    audience: str = ""
    headline: str = ""
    description: str = ""
    instruction: str = ""
    expires: datetime | None = None
    effective: datetime | None = None
    onset: datetime | None = None
    sender_name: str = ""
    response_types: tuple[str, ...] = ()
    web: str = ""
    contact: str = ""
    event_codes: tuple[NamedValue, ...] = ()
    parameters: tuple[NamedValue, ...] = ()
    resources: tuple[Resource, ...] = ()
    areas: tuple[Area, ...] = ()


@dataclass(frozen=True)
class Message:
    """A CAP ``alert``."""

    identifier: str
    sender: str
    sent: datetime
    status: Status = "Actual"
    msg_type: MsgType = "Alert"
    scope: Scope = "Public"
    source: str = ""
    restriction: str = ""
    addresses: str = ""
    codes: tuple[str, ...] = ()
    note: str = ""
    references: tuple[Reference, ...] = ()
    incidents: tuple[str, ...] = ()
    infos: tuple[Info, ...] = field(default_factory=tuple)

    def reference(self) -> Reference:
        """How a later message names this one in its ``references``."""
        return Reference(self.sender, self.identifier, self.sent)

    def parameter(self, value_name: str, language: str | None = None) -> str | None:
        """The value of the first parameter ``value_name`` (in ``language``, if given)."""
        for info in self.infos:
            if language is not None and info.language != language:
                continue
            for parameter in info.parameters:
                if parameter.value_name == value_name:
                    return parameter.value
        return None
