"""What the public page may show: published, current, Public-scope alerts only.

Outage areas are the areas of those alerts (with their ETR parameter, the time the
alert was sent as "last update", and the share of the people living in the area that
are out, which shades the map); "when is my building back" looks a building up by
name or id (or the nearest to a point) and says which published area it lies in. The
warming centres are the scenario's (the alerts name them too). Incidents, sources,
crews, drafts and restricted alerts never reach this module's output.
"""

from __future__ import annotations

import math
from functools import cached_property
from threading import Lock
from typing import Any

import numpy as np
from shapely import contains_xy, points
from shapely.geometry import Polygon as ShapelyPolygon
from sqlalchemy.orm import Session

from warmgrid.alerts.cap_xml import from_xml
from warmgrid.alerts.message import Message
from warmgrid.geo import METRES_PER_DEGREE, great_circle_m
from warmgrid.model import City
from warmgrid.scenario.spec import Scenario
from warmgrid.store import alert_log

LANGUAGES = ("en", "uk")
MAX_MATCHES = 10
NEAREST_CENTRES = 3
CELL_M = 100.0
"""Side of the squares the public map draws the city's buildings in, metres."""


def _language(code: str) -> str:
    return code.split("-")[0].lower()


def _people_out(values: dict[str, str]) -> int | None:
    """People without power or heat in an area, from its alert's parameters: ``PeopleOut``,
    or for alerts without it the larger of ``PeopleWithoutPower`` and
    ``PeopleWithoutHeat`` (a lower bound); ``None`` when the alert gives no count."""
    given = values.get("PeopleOut", "")
    if given.isdigit():
        return int(given)
    names = ("PeopleWithoutPower", "PeopleWithoutHeat")
    counts = [int(values[name]) for name in names if values.get(name, "").isdigit()]
    return max(counts) if counts else None


def area_shares(cards: list[dict[str, Any]], city: City | None) -> None:
    """Add to every outage area of ``cards`` the people of the city's buildings inside it
    (``people``) and the share of them out (``share_out``, 0–1, from the alert's count;
    ``None`` when either is unknown or the area holds nobody): the shading of the public
    map, as utilities' public outage maps shade areas by the percentage of customers
    out rather than raw counts."""
    if city is None:
        return
    table = city.buildings
    lon, lat = table["lon"].to_numpy(float), table["lat"].to_numpy(float)
    population = table["population"].to_numpy(np.int64)
    for card in cards:
        for feature in card["areas"]:
            inside = contains_xy(ShapelyPolygon(feature["geometry"]["coordinates"][0]), lon, lat)
            people = int(population[inside].sum())
            out = feature["properties"]["people_out"]
            feature["properties"]["people"] = people
            feature["properties"]["share_out"] = (
                round(min(1.0, out / people), 4) if out is not None and people > 0 else None
            )


def alert_card(alert_id: int, message: Message) -> dict[str, Any]:
    """One published alert: its texts per language, ETR, and areas as GeoJSON features.
    ``outage`` says whether the alert is about an outage (it carries an ETR parameter,
    known or not); an air-threat alert or its all-clear has none."""
    texts: dict[str, dict[str, str]] = {}
    etr = None
    outage = False
    features: list[dict[str, Any]] = []
    for info in message.infos:
        language = _language(info.language)
        texts[language] = {
            "event": info.event,
            "headline": info.headline,
            "description": info.description,
            "instruction": info.instruction,
            "area": "; ".join(area.description for area in info.areas),
        }
        values = {parameter.value_name: parameter.value for parameter in info.parameters}
        outage = outage or "ETR" in values
        if values.get("ETR", "unknown") != "unknown":
            etr = values["ETR"]
        people_out = _people_out(values)
        if features:
            continue
        for area in info.areas:
            for polygon in area.polygons:
                ring = [[round(lon, 6), round(lat, 6)] for lat, lon in polygon.points]
                features.append(
                    {
                        "type": "Feature",
                        "geometry": {"type": "Polygon", "coordinates": [ring]},
                        "properties": {
                            "alert_id": alert_id,
                            "etr": etr,
                            "updated": message.sent.isoformat(),
                            "people_out": people_out,
                            "area": area.description,
                        },
                    }
                )
    for feature in features:
        feature["properties"]["etr"] = etr
    return {
        "id": alert_id,
        "msg_type": message.msg_type,
        "sent": message.sent.isoformat(),
        "etr": etr,
        "outage": outage,
        "texts": texts,
        "areas": features,
    }


class PublicView:
    """Published alerts parsed once per set of current alerts, and building look-ups."""

    def __init__(self, city: City | None, scenario: Scenario | None) -> None:
        self.city = city
        self.centres = list(scenario.warming_centres) if scenario else []
        self._lock = Lock()
        self._cached: tuple[tuple[int, ...], list[dict[str, Any]]] | None = None

    def alerts(self, session: Session) -> list[dict[str, Any]]:
        """The current published alerts of Public scope, newest first."""
        ids = tuple(alert_log.current_public_ids(session))
        with self._lock:
            if self._cached is not None and self._cached[0] == ids:
                return self._cached[1]
        cards = []
        for alert in alert_log.current_public(session):
            message = from_xml(alert.xml)
            if message.scope == "Public" and message.status == "Actual":
                cards.append(alert_card(alert.id, message))
        area_shares(cards, self.city)
        with self._lock:
            self._cached = (ids, cards)
        return cards

    @cached_property
    def building_points(self) -> list[list[float]]:
        """Where the city's buildings stand, for the base map (the public page needs no
        single building): one point per occupied square of about :data:`CELL_M` metres,
        at the mean position of its buildings, [lon, lat] rounded to 5 decimals (1 m)."""
        if self.city is None or self.city.buildings.empty:
            return []
        lon = self.city.buildings["lon"].to_numpy(float)
        lat = self.city.buildings["lat"].to_numpy(float)
        cell_lat = CELL_M / METRES_PER_DEGREE
        cell_lon = cell_lat / math.cos(math.radians(float(lat.mean())))
        squares = np.stack([np.floor(lon / cell_lon), np.floor(lat / cell_lat)], axis=1)
        _, square = np.unique(squares, axis=0, return_inverse=True)
        count = np.bincount(square)
        mean = np.stack([np.bincount(square, lon), np.bincount(square, lat)], axis=1)
        return np.round(mean / count[:, None], 5).tolist()

    def nearest_centres(self, lon: float, lat: float) -> list[dict[str, Any]]:
        """The warming centres nearest to a point, with the distance in km."""
        if not self.centres:
            return []
        km = (
            great_circle_m(
                lon,
                lat,
                np.array([c.lon for c in self.centres]),
                np.array([c.lat for c in self.centres]),
            )
            / 1000.0
        )
        order = np.argsort(km)[:NEAREST_CENTRES]
        return [
            {
                "name": self.centres[k].name,
                "lon": self.centres[k].lon,
                "lat": self.centres[k].lat,
                "km": round(float(km[k]), 2),
            }
            for k in order
        ]

    def find_buildings(
        self, alerts: list[dict[str, Any]], query: str | None, lon: float | None, lat: float | None
    ) -> list[dict[str, Any]]:
        """Buildings whose name or id contains ``query``, or the one nearest to the point;
        each with the published alert whose area holds it (or none) and warming centres."""
        if self.city is None:
            return []
        table = self.city.buildings
        if query:
            needle = query.strip().lower()
            mask = table["name"].str.lower().str.contains(needle, regex=False) | (
                table["id"].str.lower() == needle
            )
            rows = np.flatnonzero(mask.to_numpy())[:MAX_MATCHES]
        elif lon is not None and lat is not None:
            km = great_circle_m(lon, lat, table["lon"].to_numpy(), table["lat"].to_numpy())
            rows = np.array([int(np.argmin(km))])
        else:
            return []
        shapes = [
            (card, ShapelyPolygon(feature["geometry"]["coordinates"][0]))
            for card in alerts
            for feature in card["areas"]
        ]
        where = points(table["lon"].to_numpy()[rows], table["lat"].to_numpy()[rows])
        out = []
        for row, point in zip(rows, where, strict=True):
            inside = next((card for card, shape in shapes if shape.covers(point)), None)
            b_lon, b_lat = float(table["lon"].iat[row]), float(table["lat"].iat[row])
            out.append(
                {
                    "id": str(table["id"].iat[row]),
                    "name": str(table["name"].iat[row]),
                    "lon": b_lon,
                    "lat": b_lat,
                    "alert_id": inside["id"] if inside else None,
                    "etr": inside["etr"] if inside else None,
                    "updated": inside["sent"] if inside else None,
                    "texts": inside["texts"] if inside else None,
                    "centres": self.nearest_centres(b_lon, b_lat),
                }
            )
        return out
