"""Incident log vocabulary and the validated shapes of what users submit.

Certainty uses the CAP 1.2 vocabulary (OASIS CAP 1.2, section 3.2.2 ``certainty``).
Locations are GeoJSON geometries (RFC 7946: WGS84 longitude, latitude in degrees).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

from warmgrid.incidents.vocabulary import (
    Certainty,
    IncidentKind,
    IncidentStatus,
    SourceKind,
    TimePrecision,
)
from warmgrid.store.errors import ConflictError

ALLOWED_TRANSITIONS: dict[IncidentStatus, frozenset[IncidentStatus]] = {
    IncidentStatus.REPORTED: frozenset({IncidentStatus.CONFIRMED, IncidentStatus.RULED_OUT}),
    IncidentStatus.CONFIRMED: frozenset({IncidentStatus.RESOLVED}),
    IncidentStatus.RESOLVED: frozenset(),
    IncidentStatus.RULED_OUT: frozenset(),
}


def check_transition(old: IncidentStatus, new: IncidentStatus) -> None:
    """Raise :class:`ConflictError` unless ``old → new`` is an allowed status change."""
    if new == old:
        return
    if new not in ALLOWED_TRANSITIONS[old]:
        allowed = ", ".join(sorted(ALLOWED_TRANSITIONS[old])) or "none (final)"
        raise ConflictError(
            f"status: cannot go from {old.value!r} to {new.value!r}; allowed: {allowed}"
        )


#: Bidirectional embedding, override and isolate controls (Unicode UAX #9, §2.1–2.4):
#: they reorder how text is shown, so that a title can display differently from what
#: it holds ("Trojan Source", CVE-2021-42574).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
#: How far ahead of the server's clock a time may be (clock skew between devices).
CLOCK_SKEW = timedelta(minutes=5)
COUNT_UNITS = frozenset({"count", "people", "persons", "buildings", "households"})


def _no_control_characters(text: str) -> str:
    if any(ord(char) < 32 and char not in "\t\n\r" for char in text):
        raise ValueError("must not contain control characters")
    if any(char in BIDI_CONTROLS for char in text):
        raise ValueError(
            "must not contain bidirectional control characters (U+202A–U+202E, U+2066–U+2069)"
        )
    return text


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("must not be blank (only spaces)")
    return text


def _past(moment: datetime) -> datetime:
    """A time that has happened: from 1970 up to the server's clock (plus skew)."""
    if moment < EARLIEST:
        raise ValueError(f"must be after {EARLIEST:%Y-%m-%d}, got {moment:%Y-%m-%d}")
    if moment > datetime.now(UTC) + CLOCK_SKEW:
        raise ValueError(f"must not be in the future, got {moment.isoformat()}")
    return moment


Text = Annotated[str, AfterValidator(_no_control_characters)]
Name = Annotated[Text, AfterValidator(_not_blank)]
PastTime = Annotated[AwareDatetime, AfterValidator(_past)]
Longitude = Annotated[float, Field(ge=-180, le=180, allow_inf_nan=False)]
Latitude = Annotated[float, Field(ge=-90, le=90, allow_inf_nan=False)]
Position = tuple[Longitude, Latitude]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PointLocation(_Strict):
    """A GeoJSON point: ``coordinates`` = [longitude, latitude] in degrees."""

    type: Literal["Point"]
    coordinates: Position


class PolygonLocation(_Strict):
    """A GeoJSON polygon: closed rings of [longitude, latitude] (first ring = outline)."""

    type: Literal["Polygon"]
    coordinates: Annotated[
        list[Annotated[list[Position], Field(min_length=4, max_length=10_000)]],
        Field(min_length=1, max_length=100),
    ]

    @model_validator(mode="after")
    def _closed_and_valid(self) -> PolygonLocation:
        from shapely.geometry import Polygon

        for ring in self.coordinates:
            if ring[0] != ring[-1]:
                raise ValueError("each polygon ring must be closed (last point = first point)")
        shape = Polygon(self.coordinates[0], self.coordinates[1:])
        if not shape.is_valid or shape.area == 0:
            raise ValueError("polygon is not a valid, non-degenerate area")
        return self


Location = Annotated[PointLocation | PolygonLocation, Field(discriminator="type")]


class Figure(_Strict):
    """A figure as reported, e.g. "10 drones" → what=drones, min=max=10, unit=count."""

    what: Annotated[Name, Field(min_length=1, max_length=200)]
    min: Annotated[float | None, Field(allow_inf_nan=False)] = None
    max: Annotated[float | None, Field(allow_inf_nan=False)] = None
    unit: Annotated[Text, Field(max_length=50)] = "count"

    @model_validator(mode="after")
    def _ordered(self) -> Figure:
        if self.min is None and self.max is None:
            raise ValueError("a figure needs min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is above max ({self.max})")
        if (
            self.unit.strip().lower() in COUNT_UNITS
            and min(x for x in (self.min, self.max) if x is not None) < 0
        ):
            raise ValueError(f"a count of {self.what} ({self.unit}) cannot be negative")
        return self


class ReportIn(_Strict):
    """A report about an incident, stored exactly as received."""

    source_name: Annotated[Name, Field(min_length=1, max_length=300)]
    source_kind: SourceKind
    received_at: PastTime
    quoted_text: Annotated[Name, Field(min_length=1, max_length=20_000)]
    figures: Annotated[list[Figure], Field(max_length=50)] = []
    certainty: Certainty = Certainty.UNKNOWN


def _check_time(occurred_at: datetime | None, precision: TimePrecision | None) -> None:
    if occurred_at is None and precision not in (None, TimePrecision.UNKNOWN):
        raise ValueError("time_precision other than 'unknown' needs occurred_at")


class IncidentIn(_Strict):
    """A new incident. It starts as ``reported`` unless a status is given."""

    kind: IncidentKind
    title: Annotated[Name, Field(min_length=1, max_length=500)]
    description: Annotated[Text, Field(max_length=20_000)] = ""
    occurred_at: PastTime | None = None
    time_precision: TimePrecision = TimePrecision.UNKNOWN
    location: Location | None = None
    location_precision_m: Annotated[float | None, Field(ge=0, le=1e6, allow_inf_nan=False)] = None
    report: ReportIn | None = None

    @model_validator(mode="after")
    def _consistent(self) -> IncidentIn:
        _check_time(self.occurred_at, self.time_precision)
        if self.location_precision_m is not None and self.location is None:
            raise ValueError("location_precision_m needs a location")
        return self


class IncidentPatch(_Strict):
    """A correction: the fields given replace the current ones in a new revision, which
    records the ``reason`` (required)."""

    kind: IncidentKind | None = None
    status: IncidentStatus | None = None
    title: Annotated[Name | None, Field(min_length=1, max_length=500)] = None
    description: Annotated[Text | None, Field(max_length=20_000)] = None
    occurred_at: PastTime | None = None
    time_precision: TimePrecision | None = None
    location: Location | None = None
    location_precision_m: Annotated[float | None, Field(ge=0, le=1e6, allow_inf_nan=False)] = None
    reason: Annotated[
        Name, Field(min_length=1, max_length=2_000, description="Why: kept in the revision")
    ]

    @model_validator(mode="after")
    def _required_not_null(self) -> IncidentPatch:
        for name in ("kind", "status", "title", "description", "time_precision"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self

    def changed_fields(self) -> dict[str, Any]:
        """The fields set in the request (JSON-ready), without the reason."""
        return self.model_dump(mode="json", exclude_unset=True, exclude={"reason"})


class DamageIn(_Strict):
    """An operator's confirmation that an incident damaged an asset of the city."""

    asset_id: Annotated[Name, Field(min_length=1, max_length=200)]
    note: Annotated[Text, Field(max_length=2_000)] = ""
