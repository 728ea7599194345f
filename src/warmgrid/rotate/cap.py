"""CAP 1.2 alerts of a rotation schedule: one message per group that will be off.

Each message has an English and a Ukrainian ``info`` block (as every warmgrid alert,
:mod:`warmgrid.alerts.texts`): event "Rotating power outage", ``onset`` at the group's
first off interval, ``expires`` at the end of its last, urgency ``Expected`` when the first
interval starts within the hour after ``sent`` and ``Future`` otherwise (CAP 1.2 §3.2.2
``urgency``), certainty ``Likely`` (a plan). The off intervals are in the text and in the
parameter ``OffIntervals`` (``start/finish`` pairs of CAP times, separated by spaces).
The area hugs the group's buildings with the polygons of the outage alerts
(:func:`warmgrid.alerts.outage_areas.area_polygon_lonlat`, one per contiguous part).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from warmgrid.alerts.builders import MIN_VALIDITY, Issuer, cap_moment, polygon_from_lonlat
from warmgrid.alerts.captime import format_cap_time
from warmgrid.alerts.message import Area, Info, Message, NamedValue
from warmgrid.alerts.outage import OutageAlertOptions
from warmgrid.alerts.outage_areas import area_polygon_lonlat, contiguous_groups
from warmgrid.alerts.texts import LANGUAGES, format_count, format_moment
from warmgrid.geo import LocalFrame
from warmgrid.model.timezone import zone
from warmgrid.rotate.publish import file_stem
from warmgrid.rotate.schedule_file import RotationSchedule

if TYPE_CHECKING:
    from warmgrid.model import City

HUGGING_MAX_BUILDINGS = 200
"""Parts of a group with more buildings get a convex-hull polygon (:func:`part_ring`)."""
SOON = timedelta(hours=1)
"""An off interval starting within this time after ``sent`` is urgency ``Expected``."""

ROTATION = {
    "en": {
        "event": "Rotating power outage",
        "headline": "Rotating power outage, {area}: next off {first}",
        "headline_now": "Rotating power outage, {area}: off now, until {finish}",
        "description": (
            "To share the power that is left after damage to the grid without overloading "
            "it, {area} ({buildings} buildings, {people} people) will be without power at "
            "these times: {intervals}."
        ),
        "interval": "{start} to {finish}",
        "instruction": (
            "Charge phones and power banks and fill thermos flasks before each off period; "
            "keep windows and fridge doors closed; check on elderly neighbours. Do not use "
            "gas stoves or open fires to heat rooms."
        ),
    },
    "uk": {
        "event": "Графік відключень електроенергії",
        "headline": "Графік відключень, {area}: наступне відключення {first}",
        "headline_now": "Графік відключень, {area}: світла немає зараз, до {finish}",
        "description": (
            "Щоб розподілити електроенергію, що залишилася після пошкоджень мережі, без її "
            "перевантаження, {area} ({buildings} будинків, {people} мешканців) буде без "
            "світла в такі періоди: {intervals}."
        ),
        "interval": "з {start} до {finish}",
        "instruction": (
            "Перед кожним відключенням заряджайте телефони й павербанки, наповнюйте термоси; "
            "тримайте вікна й дверцята холодильника зачиненими; провідайте літніх сусідів. "
            "Не обігрівайте приміщення газовою плитою чи відкритим вогнем."
        ),
    },
}


def part_ring(lon_deg: np.ndarray, lat_deg: np.ndarray, options: OutageAlertOptions) -> np.ndarray:
    """The (lon, lat) ring around one contiguous part of a group: the outage alerts'
    hugging polygon for up to :data:`HUGGING_MAX_BUILDINGS` buildings, else (that
    polygon's union of discs grows costly: seconds for a thousand) the convex hull of the
    buildings with ``margin_m`` around it. Either keeps every building inside."""
    if lon_deg.size <= HUGGING_MAX_BUILDINGS:
        return area_polygon_lonlat(
            lon_deg,
            lat_deg,
            link_distance_m=options.link_distance_m,
            margin_m=options.margin_m,
            simplify_m=options.simplify_m,
        )
    frame = LocalFrame.around(lon_deg, lat_deg)
    hull = shapely.MultiPoint(frame.to_xy_m(lon_deg, lat_deg)).convex_hull
    shape = hull.buffer(options.margin_m).simplify(options.simplify_m, preserve_topology=True)
    lon, lat = frame.to_lonlat_deg(np.asarray(shape.exterior.coords))
    return np.column_stack([lon, lat])


def _polygons(lon: np.ndarray, lat: np.ndarray, options: OutageAlertOptions) -> tuple[Any, ...]:
    labels = contiguous_groups(lon, lat, options.link_distance_m)
    return tuple(
        polygon_from_lonlat(part_ring(lon[labels == label], lat[labels == label], options))
        for label in np.unique(labels)
    )


def rotation_alerts(
    schedule: RotationSchedule,
    city: City,
    public: dict[str, Any],
    *,
    issued: datetime,
    issuer: Issuer | None = None,
    options: OutageAlertOptions | None = None,
) -> list[Message]:
    """One CAP alert per group with an off interval ending after ``issued``
    (``public`` is :func:`~warmgrid.rotate.publish.public_schedule` of ``schedule``).
    Identifiers are ``warmgrid.rotation.<city>.<group>.<issued, UTC>``."""
    sent = cap_moment(issued, "issued").astimezone(zone(public["timezone"]))
    issuer = issuer or Issuer(
        sender="warmgrid@city.invalid", sender_name=f"{city.name} emergency centre"
    )
    options = options or OutageAlertOptions()
    stamp = sent.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    row_of = pd.Index(city.buildings["id"])
    lon_all = city.buildings["lon"].to_numpy(float)
    lat_all = city.buildings["lat"].to_numpy(float)
    messages = []
    for group, shown in zip(schedule.groups, public["groups"], strict=True):
        intervals = [
            (datetime.fromisoformat(i["start"]), datetime.fromisoformat(i["finish"]))
            for i in shown["off"]
            if datetime.fromisoformat(i["finish"]) > sent
        ]
        if not intervals or not group.buildings:
            continue
        rows = row_of.get_indexer(list(group.buildings))
        area = Area(
            description=shown["area_name"],
            polygons=_polygons(lon_all[rows], lat_all[rows], options),
        )
        expires = max(intervals[-1][1], sent + MIN_VALIDITY)
        urgency = "Expected" if intervals[0][0] - sent <= SOON else "Future"
        parameters = (
            NamedValue("RotationGroup", group.id),
            NamedValue(
                "OffIntervals",
                " ".join(f"{format_cap_time(a)}/{format_cap_time(b)}" for a, b in intervals),
            ),
            NamedValue("PeopleAffected", str(group.people)),
        )
        infos = []
        for language in LANGUAGES:
            words = ROTATION[language]
            listed = "; ".join(
                words["interval"].format(
                    start=format_moment(a, language), finish=format_moment(b, language)
                )
                for a, b in intervals
            )
            infos.append(
                Info(
                    language=language,
                    categories=("Infra",),
                    event=words["event"],
                    response_types=("Prepare",),
                    urgency=urgency,
                    severity="Moderate",
                    certainty="Likely",
                    effective=sent,
                    onset=max(intervals[0][0], sent),
                    expires=expires,
                    sender_name=issuer.sender_name,
                    headline=(
                        words["headline_now"] if intervals[0][0] <= sent else words["headline"]
                    ).format(
                        area=shown["area_name"],
                        first=format_moment(intervals[0][0], language),
                        finish=format_moment(intervals[0][1], language),
                    ),
                    description=words["description"].format(
                        area=shown["area_name"],
                        buildings=format_count(len(group.buildings), language),
                        people=format_count(group.people, language),
                        intervals=listed,
                    ),
                    instruction=words["instruction"],
                    web=issuer.web,
                    contact=issuer.contact,
                    parameters=parameters,
                    areas=(area,),
                )
            )
        identifier = f"warmgrid.rotation.{file_stem(city.name.lower())}.{file_stem(group.id)}"
        messages.append(issuer.public_alert(f"{identifier}.{stamp}", sent, infos))
    return messages
