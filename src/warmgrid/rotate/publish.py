"""A rotation schedule as the public reads it: per group, its off intervals on the
city's clock, written as JSON, CSV, ICS calendars and CAP alerts.

Slot hours count from ``start`` in elapsed time (a daylight-saving change counts as it
happens); consecutive slots in which a group is off make one off interval. Times are
ISO 8601 on the city's clock (``City.timezone``) with their UTC offset.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warmgrid.errors import InputError
from warmgrid.model.timezone import zone
from warmgrid.rotate.schedule_file import RotationGroup, RotationSchedule, read_schedule

if TYPE_CHECKING:
    from warmgrid.alerts.compose import Issuer
    from warmgrid.model import City

CSV_COLUMNS = ("area_name", "start", "finish", "stage", "source")
"""The columns of the published CSV (the shape of the eskom-calendar project's
``machine_friendly.csv``, which calendar apps and bots read)."""
MAX_DISTRICTS = 3
"""How many district names an area name lists before "+N more"."""


@dataclass(frozen=True)
class OffInterval:
    """One stretch of time a group is off: ``start``–``finish`` on the city's clock;
    ``stage`` is the largest number of groups off at the same time within it."""

    start: datetime
    finish: datetime
    stage: int

    def to_dict(self) -> dict[str, Any]:
        """JSON form: ISO 8601 times with their UTC offset."""
        return {
            "start": self.start.isoformat(),
            "finish": self.finish.isoformat(),
            "stage": self.stage,
        }


def check_start(start: datetime, where: str = "start") -> datetime:
    """``start`` when it carries a time zone (slot hours count from it), else InputError."""
    if start.tzinfo is None or start.utcoffset() is None:
        raise InputError(where, "the schedule's start needs a time zone offset, e.g. +02:00")
    return start


def off_intervals(
    schedule: RotationSchedule, start: datetime, timezone: str
) -> dict[str, list[OffInterval]]:
    """Every group's off intervals (empty for groups never off), in schedule order."""
    origin = check_start(start).astimezone(UTC)
    tz = zone(timezone)

    def at(hours: float) -> datetime:
        return (origin + timedelta(hours=hours)).astimezone(tz)

    out: dict[str, list[OffInterval]] = {group.id: [] for group in schedule.groups}
    open_since: dict[str, tuple[float, int]] = {}
    previous_end = 0.0
    for slot in schedule.slots:
        for group_id in list(open_since):
            if group_id not in slot.off:
                since, stage = open_since.pop(group_id)
                out[group_id].append(OffInterval(at(since), at(previous_end), stage))
        for group_id in slot.off:
            since, stage = open_since.get(group_id, (slot.start_h, 0))
            open_since[group_id] = (since, max(stage, len(slot.off)))
        previous_end = slot.end_h
    for group_id, (since, stage) in open_since.items():
        out[group_id].append(OffInterval(at(since), at(previous_end), stage))
    for intervals in out.values():
        intervals.sort(key=lambda interval: interval.start)
    return out


def area_name(group: RotationGroup, building_names: Mapping[str, str]) -> str:
    """A readable name of a group's area: the districts of its buildings (the part of a
    building's name before its first comma, ``building_names`` maps id → name), most
    buildings first, and the group's id: ``Pivnichnyi (group A)``."""
    districts = Counter(
        str(building_names.get(building, "")).split(",")[0].strip() for building in group.buildings
    )
    districts.pop("", None)
    ranked = [name for name, _ in districts.most_common()]
    if not ranked:
        return f"group {group.id}"
    shown = ", ".join(ranked[:MAX_DISTRICTS])
    more = f" +{len(ranked) - MAX_DISTRICTS} more" if len(ranked) > MAX_DISTRICTS else ""
    return f"{shown}{more} (group {group.id})"


def public_schedule(schedule: RotationSchedule, city: City, start: datetime) -> dict[str, Any]:
    """The schedule as the public reads it (no branch ids, no staff): the city, its time
    zone, the horizon, and per group its area name, people, buildings, whether it is
    exempt (critical) and its off intervals. The one serialiser of the JSON file, the API
    and the public page."""
    intervals = off_intervals(schedule, start, city.timezone)
    names = dict(zip(city.buildings["id"], city.buildings["name"], strict=True))
    tz = zone(city.timezone)
    end_h = schedule.slots[-1].end_h if schedule.slots else 0.0
    origin = check_start(start).astimezone(UTC)
    return {
        "city": city.name,
        "timezone": city.timezone,
        "start": origin.astimezone(tz).isoformat(),
        "end": (origin + timedelta(hours=end_h)).astimezone(tz).isoformat(),
        "deficit_mw": schedule.deficit_mw,
        "groups": [
            {
                "id": group.id,
                "area_name": area_name(group, names),
                "critical": group.critical,
                "people": group.people,
                "buildings": len(group.buildings),
                "off": [interval.to_dict() for interval in intervals[group.id]],
            }
            for group in schedule.groups
        ],
        "slots": [
            {
                "start": (origin + timedelta(hours=slot.start_h)).astimezone(tz).isoformat(),
                "finish": (origin + timedelta(hours=slot.end_h)).astimezone(tz).isoformat(),
                "off": list(slot.off),
            }
            for slot in schedule.slots
        ],
    }


def csv_source(city_name: str) -> str:
    """The CSV's ``source`` column: who publishes."""
    return f"warmgrid: {city_name}"


def csv_text(public: dict[str, Any], source: str, group_ids: set[str] | None = None) -> str:
    """The ``area_name,start,finish,stage,source`` CSV of a :func:`public_schedule`: one
    row per off interval (of the groups in ``group_ids``; default all), by start time."""
    rows = [
        (group["area_name"], interval["start"], interval["finish"], interval["stage"], source)
        for group in public["groups"]
        if group_ids is None or group["id"] in group_ids
        for interval in group["off"]
    ]
    rows.sort(key=lambda row: (datetime.fromisoformat(row[1]), row[0]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(rows)
    return buffer.getvalue()


def file_stem(group_id: str) -> str:
    """A file name for a group's files: its id with anything but letters, digits, '.',
    '_' and '-' replaced by '-'."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", group_id).strip(".-") or "group"


def write_schedule_files(
    schedule: dict[str, Any] | RotationSchedule,
    city: City,
    start: datetime,
    out_dir: Path,
    *,
    issued: datetime | None = None,
    issuer: Issuer | None = None,
    source: str = "",
) -> list[Path]:
    """Write a rotation schedule's publication into ``out_dir`` and list the files:

    - ``rotation.json`` (:func:`public_schedule`) and ``rotation.csv`` (every group);
    - ``groups/<id>.json``, ``groups/<id>.csv`` and, for groups with off intervals,
      ``groups/<id>.ics`` (RFC 5545 calendar, :mod:`warmgrid.rotate.ics`);
    - ``cap/<identifier>.xml``: one CAP 1.2 alert per group with off intervals
      (:mod:`warmgrid.rotate.cap`), each validated against the OASIS XSD.

    ``issued`` (default now) is the calendars' DTSTAMP and the alerts' ``sent``;
    ``source`` fills the CSV's ``source`` column (default :func:`csv_source`).
    """
    from warmgrid.alerts.cap_xml import to_xml
    from warmgrid.rotate.cap import rotation_alerts
    from warmgrid.rotate.ics import group_calendar

    checked = schedule if isinstance(schedule, RotationSchedule) else read_schedule(schedule, city)
    issued = check_start(issued, "issued") if issued else datetime.now(UTC).replace(microsecond=0)
    public = public_schedule(checked, city, start)
    source = source or csv_source(city.name)
    stems = [file_stem(group.id) for group in checked.groups]
    if len(set(stems)) != len(stems):
        raise InputError("schedule.groups", "two group ids give the same file name")
    groups_dir, cap_dir = out_dir / "groups", out_dir / "cap"
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(str(out_dir), "is a file; name a folder to write the schedule into")
    try:
        groups_dir.mkdir(parents=True, exist_ok=True)
        cap_dir.mkdir(exist_ok=True)
    except OSError as error:
        raise InputError(str(out_dir), f"cannot create the folder: {error}") from None
    files: dict[Path, bytes] = {
        out_dir / "rotation.json": _json(public),
        out_dir / "rotation.csv": csv_text(public, source).encode(),
    }
    for stem, group in zip(stems, public["groups"], strict=True):
        files[groups_dir / f"{stem}.json"] = _json({**public, "groups": [group]})
        files[groups_dir / f"{stem}.csv"] = csv_text(public, source, {group["id"]}).encode()
        if group["off"]:
            files[groups_dir / f"{stem}.ics"] = group_calendar(public, group, issued)
    for message in rotation_alerts(checked, city, public, issued=issued, issuer=issuer):
        files[cap_dir / f"{message.identifier}.xml"] = to_xml(message)
    for path, content in files.items():
        try:
            path.write_bytes(content)
        except OSError as error:
            raise InputError(str(path), f"cannot write: {error}") from None
    return list(files)


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode()
