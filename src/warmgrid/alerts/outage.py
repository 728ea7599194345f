"""Outage alerts: one CAP message per contiguous outage area.

Input is plain arrays (:class:`OutageBuildings`), so the builder does not depend on the
impact engine: the caller passes the buildings' coordinates, people, which service each
lacks, and the estimated restoration time (ETR) of each from the restoration plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

import numpy as np
import pandas as pd

from warmgrid.alerts.builders import (
    MIN_VALIDITY,
    Issuer,
    cap_moment,
    check_identifier,
    new_identifier,
    polygon_from_lonlat,
)
from warmgrid.alerts.captime import format_cap_time
from warmgrid.alerts.message import Area, CapPolygon, Info, Message, NamedValue
from warmgrid.alerts.outage_areas import area_polygon_lonlat, contiguous_groups
from warmgrid.alerts.texts import LANGUAGES, OUTAGE, SERVICE_EVENT, format_count, format_moment
from warmgrid.errors import InputError
from warmgrid.geo import great_circle_m
from warmgrid.model.timezone import etr_time, fuel_out

#: The longest one ETR given for every building may be, hours after ``sent`` (60 days).
MAX_ETR_H = 24.0 * 60


@dataclass(frozen=True)
class OutageBuildings:
    """Buildings and their outage, one entry per building (arrays of equal length).

    ``lon_deg``/``lat_deg``: WGS 84 degrees. ``people``: residents (≥ 0).
    ``without_power``/``without_heat``: bool, the services the building lacks; buildings
    with neither are ignored. ``etr_h``: hours after the alert's ``sent`` time until
    the building has all its services back; NaN when not known. ``cold_h`` (optional):
    hours after ``sent`` until the coldest flats of a building without heat fall below
    12 °C (NaN: not within the forecast). ``backup_h`` (optional): hours after ``sent``
    until the fuel of the backup generator that powers a building off the grid runs out,
    NaN for the others; ``names`` name those buildings in the alert of the area they are
    in.
    """

    lon_deg: np.ndarray
    lat_deg: np.ndarray
    people: np.ndarray
    without_power: np.ndarray
    without_heat: np.ndarray
    etr_h: np.ndarray
    cold_h: np.ndarray | None = None
    backup_h: np.ndarray | None = None
    names: np.ndarray | None = None

    @property
    def on_backup(self) -> np.ndarray:
        """Bool per building: running on a backup generator's fuel."""
        if self.backup_h is None:
            return np.zeros(len(np.asarray(self.lon_deg)), dtype=bool)
        return np.isfinite(np.asarray(self.backup_h, dtype=float))

    def __post_init__(self) -> None:
        n = len(np.asarray(self.lon_deg))
        names = ["lat_deg", "people", "without_power", "without_heat", "etr_h"]
        for name in names + ([] if self.cold_h is None else ["cold_h"]):
            if np.asarray(getattr(self, name)).shape != (n,):
                raise InputError(f"buildings.{name}", f"expected {n} values like lon_deg")
        lon, lat = np.asarray(self.lon_deg, float), np.asarray(self.lat_deg, float)
        if not (np.all(np.abs(lat) <= 85.0) and np.all(np.abs(lon) <= 180.0)):
            raise InputError("buildings", "lon/lat outside -180..180 / -85..85 degrees")
        if np.any(np.asarray(self.people) < 0):
            raise InputError("buildings.people", "negative number of people")
        etr = np.asarray(self.etr_h, float)
        if np.any(etr[~np.isnan(etr)] < 0.0) or np.any(np.isinf(etr)):
            raise InputError("buildings.etr_h", "expected hours ≥ 0 or NaN (unknown)")

    @classmethod
    def from_table(
        cls,
        buildings: pd.DataFrame,
        without_power: np.ndarray,
        without_heat: np.ndarray,
        etr_h: np.ndarray | float | None = None,
        cold_h: np.ndarray | None = None,
        backup_h: np.ndarray | None = None,
    ) -> OutageBuildings:
        """From a buildings table with columns ``lon``, ``lat``, ``population`` (the
        city model's, and ``name``) and per-row outage masks; ``etr_h`` per row, one
        value for all, or ``None`` (unknown); ``cold_h`` per row or ``None``;
        ``backup_h`` per row (see the class)."""
        missing = {"lon", "lat", "population"} - set(buildings.columns)
        if missing:
            raise InputError("buildings", f"missing columns {sorted(missing)}")
        n = len(buildings)
        etr = np.full(n, np.nan) if etr_h is None else np.asarray(etr_h, dtype=float)
        if etr.ndim == 0:
            etr = np.full(n, float(etr))
        return cls(
            lon_deg=buildings["lon"].to_numpy(float),
            lat_deg=buildings["lat"].to_numpy(float),
            people=buildings["population"].to_numpy(np.int64),
            without_power=np.asarray(without_power, dtype=bool),
            without_heat=np.asarray(without_heat, dtype=bool),
            etr_h=etr,
            cold_h=None if cold_h is None else np.asarray(cold_h, dtype=float),
            backup_h=None if backup_h is None else np.asarray(backup_h, dtype=float),
            names=buildings["name"].to_numpy(str) if "name" in buildings else None,
        )


@dataclass(frozen=True)
class WarmingCentre:
    """A warming centre (heated, powered public place): name and WGS 84 position."""

    name: str
    lon: float
    lat: float


@dataclass(frozen=True)
class OutageAlertOptions:
    """Tuning of the outage alerts.

    ``link_distance_m``: buildings closer than this (m) form one contiguous area.
    ``margin_m``: the polygon keeps at least ``margin_m - simplify_m`` metres around every
    building. ``nearest_centres``: how many warming centres the instruction names.
    ``expiry_margin``: how long after the latest ETR the alert expires;
    ``unknown_etr_validity``: expiry when an ETR is unknown (the alert must be updated).
    Published ETRs are rounded up to the quarter hour of ``sent``'s clock
    (:func:`warmgrid.model.timezone.etr_time`).
    """

    link_distance_m: float = 250.0
    margin_m: float = 60.0
    simplify_m: float = 10.0
    nearest_centres: int = 3
    expiry_margin: timedelta = timedelta(hours=2)
    unknown_etr_validity: timedelta = timedelta(hours=6)
    city_name: str = ""
    incidents: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not self.link_distance_m > 0.0:
            raise InputError("options.link_distance_m", "expected a distance > 0 m")
        if not 0.0 <= self.simplify_m < self.margin_m:
            raise InputError("options.simplify_m", "expected 0 ≤ simplify_m < margin_m")
        if self.nearest_centres < 0:
            raise InputError("options.nearest_centres", "expected a count ≥ 0")


def nearest_centres(
    lon: float, lat: float, centres: Sequence[WarmingCentre], count: int
) -> list[tuple[WarmingCentre, float]]:
    """The ``count`` warming centres nearest to (lon, lat), with distances in km."""
    ranked = sorted(
        ((c, float(great_circle_m(lon, lat, c.lon, c.lat)) / 1000.0) for c in centres),
        key=lambda x: x[1],
    )
    return ranked[:count]


def _as_centres(centres: Iterable[WarmingCentre | tuple[str, float, float]]) -> list[WarmingCentre]:
    return [c if isinstance(c, WarmingCentre) else WarmingCentre(*c) for c in centres]


@dataclass(frozen=True)
class _AreaFacts:
    number: int
    buildings: int
    people_affected: int
    people_power: int
    people_heat: int
    service: str
    etr_first: datetime | None
    etr_last: datetime | None
    etr_partly_unknown: bool
    expires: datetime
    centres: list[tuple[WarmingCentre, float]]
    backup: list[tuple[str, datetime]]  # buildings on backup generators: name, fuel out
    cold_first_h: float | None = None


def _etr_text(facts: _AreaFacts, language: str) -> tuple[str, str]:
    """(long, short) restoration wording."""
    words = OUTAGE[language]
    if facts.etr_last is None:
        return words["etr_unknown"], words["short_unknown"]
    last = format_moment(facts.etr_last, language)
    if facts.etr_first is not None and facts.etr_first < facts.etr_last:
        first = format_moment(facts.etr_first, language)
        text = words["etr_range"].format(first=first, last=last)
    else:
        text = words["etr_known"].format(etr=last)
    if facts.etr_partly_unknown:
        text = words["etr_partly"].format(known=text)
    return text, words["short_known"].format(etr=last)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _info(facts: _AreaFacts, shape: CapPolygon, language: str, issuer: Issuer, city: str) -> Info:
    words = OUTAGE[language]
    event = SERVICE_EVENT[language][facts.service]
    etr_text, etr_short = _etr_text(facts, language)
    counts = (("people_power", facts.people_power), ("people_heat", facts.people_heat))
    people_parts = [
        words[key].format(people=format_count(count, language)) for key, count in counts if count
    ]
    instructions = []
    if facts.people_heat:
        if facts.cold_first_h is not None:
            hours = round(facts.cold_first_h)
            instructions.append(
                words["cold_now"] if hours < 1 else words["cold_soon"].format(hours=hours)
            )
        instructions.append(words["instruction_heat"])
    if facts.people_power:
        instructions.append(words["instruction_power"])
    if facts.centres:
        listed = ", ".join(
            words["centre"].format(name=c.name, km=f"{km:.1f}") for c, km in facts.centres
        )
        instructions.append(words["centres"].format(centres=listed))
    else:
        instructions.append(words["no_centres"])
    description = words["description"].format(
        event=event,
        buildings=format_count(facts.buildings, language),
        people_parts="".join(f"; {part}" for part in people_parts),
        etr_text=etr_text,
    )
    if facts.backup:
        listed = ", ".join(
            words["backup_item"].format(name=name, time=format_moment(moment, language))
            for name, moment in facts.backup
        )
        description += " " + words["backup"].format(buildings=listed)
    backup_parameters = tuple(
        NamedValue("BackupFuelOut", f"{name} {format_cap_time(moment)}")
        for name, moment in facts.backup
    )
    city_prefix = f"{city}, " if city else ""
    return Info(
        language=language,
        categories=("Infra",),
        event=event,
        response_types=("Prepare",),
        urgency="Immediate",
        severity="Severe" if facts.people_heat else "Moderate",
        certainty="Observed",
        expires=facts.expires,
        sender_name=issuer.sender_name,
        headline=words["headline"].format(
            event=event, city=city_prefix, number=facts.number, etr_short=etr_short
        ),
        description=description,
        instruction=" ".join(instructions),
        web=issuer.web,
        contact=issuer.contact,
        parameters=(
            NamedValue("ETR", format_cap_time(facts.etr_last) if facts.etr_last else "unknown"),
            NamedValue("PeopleWithoutPower", str(facts.people_power)),
            NamedValue("PeopleWithoutHeat", str(facts.people_heat)),
            *backup_parameters,
            NamedValue("PeopleOut", str(facts.people_affected)),
        ),
        areas=(
            Area(
                description=_capitalised(
                    words["area"].format(
                        city=city_prefix,
                        number=facts.number,
                        buildings=format_count(facts.buildings, language),
                        people=format_count(facts.people_affected, language),
                    )
                ),
                polygons=(shape,),
            ),
        ),
    )


def _area_facts(
    number: int,
    members: np.ndarray,
    buildings: OutageBuildings,
    centres: Sequence[WarmingCentre],
    sent: datetime,
    options: OutageAlertOptions,
) -> _AreaFacts:
    backup = members[buildings.on_backup[members]]
    names = buildings.names if buildings.names is not None else np.full(backup.size, "")
    hours = np.asarray(buildings.backup_h, dtype=float) if backup.size else np.zeros(0)
    backup_facts = [
        (str(names[k]) or f"building {k}", fuel_out(sent, float(hours[k]))) for k in backup.tolist()
    ]
    members = members[~buildings.on_backup[members]]
    people = np.asarray(buildings.people, dtype=np.int64)[members]
    power = np.asarray(buildings.without_power, dtype=bool)[members]
    heat = np.asarray(buildings.without_heat, dtype=bool)[members]
    etr = np.asarray(buildings.etr_h, dtype=float)[members]
    known = etr[~np.isnan(etr)]
    etr_first = etr_time(sent, float(known.min())) if known.size else None
    etr_last = etr_time(sent, float(known.max())) if known.size else None
    expires = sent + MIN_VALIDITY
    if etr_last is not None:
        expires = max(expires, etr_last + options.expiry_margin)
    if known.size < etr.size:
        expires = max(expires, sent + options.unknown_etr_validity)
    lon = np.asarray(buildings.lon_deg, dtype=float)[members]
    lat = np.asarray(buildings.lat_deg, dtype=float)[members]
    service = "both" if power.any() and heat.any() else ("power" if power.any() else "heat")
    cold = None
    if buildings.cold_h is not None:
        hours = np.asarray(buildings.cold_h, dtype=float)[members][heat]
        cold = float(np.nanmin(hours)) if np.isfinite(hours).any() else None
    return _AreaFacts(
        number=number,
        buildings=int(members.size),
        people_affected=int(people.sum()),
        people_power=int(people[power].sum()),
        people_heat=int(people[heat].sum()),
        service=service,
        etr_first=etr_first,
        etr_last=etr_last,
        etr_partly_unknown=0 < known.size < etr.size,
        expires=expires,
        centres=nearest_centres(
            float(lon.mean()), float(lat.mean()), centres, options.nearest_centres
        ),
        cold_first_h=cold,
        backup=backup_facts,
    )


def outage_alerts(
    buildings: OutageBuildings,
    warming_centres: Iterable[WarmingCentre | tuple[str, float, float]],
    *,
    issuer: Issuer,
    sent: datetime,
    options: OutageAlertOptions | None = None,
    identifier_prefix: str | None = None,
) -> list[Message]:
    """One CAP 1.2 alert per contiguous outage area, largest (most people) first.

    Each message has an English and a Ukrainian ``info`` block with the outage, the ETR
    (parameter ``ETR``, a CAP time or "unknown", and in the text), the people without
    power and heat, the nearest warming centres in the instruction, and a closed polygon
    around the area's buildings. Buildings on backup generators in the area are named
    with the moment their fuel runs out, rounded down to the minute (in the text, and
    as ``BackupFuelOut`` parameters: name and CAP time); they do not count as out.
    ``warming_centres`` are :class:`WarmingCentre` or ``(name, lon, lat)`` tuples.
    Identifiers are ``{identifier_prefix}.{n}`` (default prefix: a fresh unique one).
    """
    sent = cap_moment(sent, "sent")
    options = options or OutageAlertOptions()
    centres = _as_centres(warming_centres)
    out = np.asarray(buildings.without_power, dtype=bool) | np.asarray(
        buildings.without_heat, dtype=bool
    )
    affected = np.flatnonzero(out | buildings.on_backup)
    if not out.any():
        return []
    lon = np.asarray(buildings.lon_deg, dtype=float)
    lat = np.asarray(buildings.lat_deg, dtype=float)
    labels = contiguous_groups(lon[affected], lat[affected], options.link_distance_m)
    groups = [affected[labels == label] for label in np.unique(labels)]
    groups = [members for members in groups if out[members].any()]
    people = np.asarray(buildings.people, dtype=np.int64)
    groups.sort(key=lambda members: (-int(people[members].sum()), int(members[0])))
    prefix = check_identifier(identifier_prefix or new_identifier("outage"), "identifier_prefix")
    messages = []
    for number, members in enumerate(groups, start=1):
        facts = _area_facts(number, members, buildings, centres, sent, options)
        ring = area_polygon_lonlat(
            lon[members],
            lat[members],
            link_distance_m=options.link_distance_m,
            margin_m=options.margin_m,
            simplify_m=options.simplify_m,
        )
        shape = polygon_from_lonlat(ring)
        infos = tuple(
            _info(facts, shape, language, issuer, options.city_name) for language in LANGUAGES
        )
        messages.append(issuer.public_alert(f"{prefix}.{number}", sent, infos, options.incidents))
    return messages


def _between(template: str, placeholder: str) -> tuple[str, str]:
    """The literal text just before and just after ``{placeholder}`` in ``template``
    (up to the neighbouring placeholders)."""
    before, after = template.split("{" + placeholder + "}", 1)
    return before.rsplit("}", 1)[-1], after.split("{", 1)[0]


def _replace_between(text: str, template: str, placeholder: str, new: str) -> str:
    before, after = _between(template, placeholder)
    start = text.rfind(before) if before else -1
    if start < 0:
        return text
    start += len(before)
    end = text.find(after, start) if after else len(text)
    return text[:start] + new + text[end if end >= 0 else len(text) :]


def with_new_etr(info: Info, etr: datetime, options: OutageAlertOptions | None = None) -> Info:
    """An outage alert's info block with a new ETR: its ``ETR`` parameter, the
    restoration words of its headline and description, and an expiry after the new ETR.
    ``etr`` is published on its own clock, rounded up to the quarter hour."""
    words = OUTAGE.get(info.language)
    if words is None or not any(p.value_name == "ETR" for p in info.parameters):
        raise InputError("etr", "only outage alerts carry an ETR")
    options = options or OutageAlertOptions()
    moment = etr_time(cap_moment(etr, "etr"), 0.0)
    shown = format_moment(moment, info.language)
    headline = _replace_between(
        info.headline, words["headline"], "etr_short", words["short_known"].format(etr=shown)
    )
    description = _replace_between(
        info.description, words["description"], "etr_text", words["etr_known"].format(etr=shown)
    )
    parameters = tuple(
        NamedValue("ETR", format_cap_time(moment)) if p.value_name == "ETR" else p
        for p in info.parameters
    )
    expires = moment + options.expiry_margin
    return replace(
        info,
        headline=headline,
        description=description,
        parameters=parameters,
        expires=max(info.expires, expires) if info.expires else expires,
    )
