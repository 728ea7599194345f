"""Builders of warmgrid's own messages: air-threat alerts, all-clear, updates, cancels.

Messages are never edited or deleted: an update or a cancel is a NEW message whose
``references`` name every message of the chain it replaces (CAP 1.2 §3.2.1
``references``: "the group listing identifying earlier message(s) referenced").
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import numpy as np
from shapely.geometry import Polygon as ShapelyPolygon

from warmgrid.alerts.message import Area, CapPolygon, Info, Message, Reference, Status
from warmgrid.alerts.rules import FORBIDDEN_ID_CHARS
from warmgrid.alerts.texts import AIR_THREAT, CANCEL, LANGUAGES
from warmgrid.errors import InputError

MIN_VALIDITY = timedelta(hours=1)
"""Shortest time between ``sent`` and ``expires`` warmgrid writes."""


@dataclass(frozen=True)
class Issuer:
    """Who sends the messages (CAP ``sender``, ``senderName``, ``web``, ``contact``)."""

    sender: str
    sender_name: str = ""
    web: str = ""
    contact: str = ""
    status: Status = "Actual"
    source: str = ""

    def __post_init__(self) -> None:
        check_identifier(self.sender, "issuer.sender")

    def public_alert(
        self,
        identifier: str,
        sent: datetime,
        infos: Iterable[Info],
        incidents: Iterable[str] = (),
    ) -> Message:
        """A new public ``Alert`` message from this issuer (its sender, status, source)."""
        return Message(
            identifier=identifier,
            sender=self.sender,
            sent=sent,
            status=self.status,
            msg_type="Alert",
            scope="Public",
            source=self.source,
            incidents=tuple(incidents),
            infos=tuple(infos),
        )


def check_identifier(value: str, where: str) -> str:
    """``value`` when it is a usable CAP identifier or sender, else InputError."""
    if not value or FORBIDDEN_ID_CHARS.search(value):
        raise InputError(where, f"{value!r} must be non-empty, without spaces, ',', '<' or '&'")
    return value


def new_identifier(kind: str) -> str:
    """A unique CAP identifier (no spaces, commas, '<' or '&')."""
    return f"warmgrid.{kind}.{uuid.uuid4().hex}"


def cap_moment(moment: datetime, where: str) -> datetime:
    """``moment`` in whole seconds; InputError naming ``where`` when it has no time zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InputError(where, "time needs a time zone (CAP times carry a UTC offset)")
    return moment.replace(microsecond=0)


def _chain(previous: Message) -> tuple[Reference, ...]:
    """``previous``'s own references plus ``previous`` itself, without repeats."""
    chain: list[Reference] = []
    for ref in (*previous.references, previous.reference()):
        if ref not in chain:
            chain.append(ref)
    return tuple(chain)


def polygon_from_lonlat(
    points_lon_lat: Sequence[tuple[float, float]] | np.ndarray | ShapelyPolygon,
) -> CapPolygon:
    """A CAP polygon from (lon, lat) points (GIS order, as in the city model) or a
    shapely polygon in lon/lat (its exterior ring).

    Coordinates are rounded to the six decimals CAP feeds carry (about 0.1 m), repeated
    consecutive points dropped and the ring closed.
    """
    if isinstance(points_lon_lat, ShapelyPolygon):
        points_lon_lat = list(points_lon_lat.exterior.coords)
    ring: list[tuple[float, float]] = []
    for lon, lat in np.asarray(points_lon_lat, dtype=float).reshape(-1, 2).tolist():
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            raise InputError("polygon", f"point lon={lon}, lat={lat} is outside WGS 84 range")
        point = (round(lat, 6), round(lon, 6))
        if not ring or ring[-1] != point:
            ring.append(point)
    if ring and ring[0] != ring[-1]:
        ring.append(ring[0])
    if len(set(ring)) < 3:
        raise InputError("polygon", f"needs at least 3 distinct points, got {len(set(ring))}")
    return CapPolygon(tuple(ring))


def air_threat_alert(
    district: str,
    polygon: Sequence[tuple[float, float]] | np.ndarray | ShapelyPolygon,
    *,
    issuer: Issuer,
    sent: datetime,
    district_names: Mapping[str, str] | None = None,
    expires_after: timedelta = timedelta(hours=2),
    certainty: str = "Likely",
    incidents: Iterable[str] = (),
    identifier: str | None = None,
) -> Message:
    """A shelter alert for one district.

    ``polygon`` is the district boundary as (lon, lat) degrees; ``district_names`` maps
    language codes to the district's name in that language (default: ``district``).
    """
    sent = cap_moment(sent, "sent")
    shape = polygon_from_lonlat(polygon)
    names = {language: " ".join(district.split()) for language in LANGUAGES}
    names |= {k: " ".join(v.split()) for k, v in (district_names or {}).items()}
    if not all(names.values()):
        raise InputError("district", "the district needs a name in every language")
    infos = []
    for language in LANGUAGES:
        words = AIR_THREAT[language]
        name = names[language]
        infos.append(
            Info(
                language=language,
                categories=("Safety",),
                event=words["event"],
                response_types=("Shelter",),
                urgency="Immediate",
                severity="Extreme",
                certainty=certainty,
                expires=sent + max(expires_after, MIN_VALIDITY),
                sender_name=issuer.sender_name,
                headline=words["headline"].format(district=name),
                description=words["description"].format(district=name),
                instruction=words["instruction"].format(district=name),
                web=issuer.web,
                contact=issuer.contact,
                areas=(Area(description=name, polygons=(shape,)),),
            )
        )
    return issuer.public_alert(
        check_identifier(identifier or new_identifier("air"), "identifier"), sent, infos, incidents
    )


def update(
    previous: Message,
    *,
    sent: datetime,
    infos: Sequence[Info] | None = None,
    identifier: str | None = None,
    note: str = "",
    kind: str = "update",
) -> Message:
    """A new message that updates and supersedes ``previous`` (and its chain).

    ``kind`` names the message in its generated identifier. ``infos`` default to
    ``previous``'s; an ``expires`` that is not after ``sent`` is
    moved to ``sent`` plus one hour.
    """
    sent = cap_moment(sent, "sent")
    if sent < previous.sent:
        raise InputError("sent", f"{sent} is before the message it updates ({previous.sent})")
    blocks = tuple(infos) if infos is not None else previous.infos
    return replace(
        previous,
        identifier=check_identifier(identifier or new_identifier(kind), "identifier"),
        sent=sent,
        msg_type="Update",
        note=note,
        references=_chain(previous),
        infos=tuple(_valid_until_after(info, sent) for info in blocks),
    )


def _valid_until_after(info: Info, sent: datetime) -> Info:
    if info.expires is not None and info.expires > sent:
        return info
    return replace(info, expires=sent + MIN_VALIDITY, effective=None, onset=None)


def cancel(
    previous: Message,
    *,
    sent: datetime,
    reasons: Mapping[str, str] | None = None,
    identifier: str | None = None,
) -> Message:
    """A new message that cancels ``previous`` (and its chain).

    The info blocks of ``previous`` are kept (same areas, so receivers know where), with
    the headline and description saying it is cancelled, ``reasons[language]`` appended.
    """
    base = update(previous, sent=sent, identifier=identifier, kind="cancel")
    infos = []
    for info in base.infos:
        words = CANCEL.get(info.language, CANCEL["en"])
        reason = (reasons or {}).get(info.language, "")
        infos.append(
            replace(
                info,
                headline=words["headline"].format(headline=info.headline),
                description=words["description"].format(reason=reason).strip(),
                instruction="",
                response_types=("None",),
                urgency="Past",
                severity="Minor",
                certainty="Observed",
            )
        )
    return replace(base, msg_type="Cancel", infos=tuple(infos))


def all_clear(
    previous: Message,
    *,
    sent: datetime,
    district_names: Mapping[str, str] | None = None,
    expires_after: timedelta = timedelta(hours=1),
    identifier: str | None = None,
) -> Message:
    """The all-clear for an air-threat alert: an Update with responseType AllClear.

    The areas are those of ``previous``; ``district_names`` (language → name) default to
    the area descriptions of ``previous``.
    """
    sent = cap_moment(sent, "sent")
    base = update(previous, sent=sent, identifier=identifier, kind="allclear")
    infos = []
    for info in base.infos:
        words = AIR_THREAT.get(info.language, AIR_THREAT["en"])
        name = (district_names or {}).get(info.language) or ", ".join(
            area.description for area in info.areas
        )
        infos.append(
            replace(
                info,
                event=words["all_clear_event"],
                response_types=("AllClear",),
                urgency="Past",
                severity="Minor",
                certainty="Observed",
                effective=None,
                onset=None,
                expires=sent + max(expires_after, MIN_VALIDITY),
                headline=words["all_clear_headline"].format(district=name),
                description=words["all_clear_description"].format(district=name),
                instruction=words["all_clear_instruction"].format(district=name),
            )
        )
    return replace(base, infos=tuple(infos))
