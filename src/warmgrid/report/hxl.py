"""Affected areas and buildings as CSV with HXL hashtags, for humanitarian data tools.

Humanitarian Exchange Language 1.1 (https://hxlstandard.org/standard/1-1final/): a row
of hashtags under the header row names what each column holds. Core hashtags used:
``#meta`` (record type), ``#adm3`` (the city: a hromada / municipality), ``#loc``
(outage area and building), ``#geo+lat`` / ``#geo+lon`` (WGS84 degrees), ``#affected``
(+ind: people), ``#indicator`` (+num: buildings), ``#impact`` (which service is lost),
``#date`` (+reported: the report's "as of" time; +etr: the estimated restoration time).
One row per outage area (one per public alert, its centroid, ETR as published) and one
per building that lost a service (its own ETR from the plan, empty when unknown). Every
time is ISO 8601 to the minute with the city's UTC offset (``2026-11-26T18:00+02:00``),
as the console and the GeoJSON export write them.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import datetime

import numpy as np
import shapely
from shapely.geometry import Polygon as ShapelyPolygon

from warmgrid.alerts.captime import parse_cap_time
from warmgrid.model.timezone import etr_time
from warmgrid.report.facts import Facts, outage_areas
from warmgrid.scenario.run import Assessment

COLUMNS = (
    ("Record", "#meta+type"),
    ("City", "#adm3+name"),
    ("Outage area", "#loc+area+name"),
    ("Code", "#loc+code"),
    ("Name", "#loc+name"),
    ("Use", "#loc+type"),
    ("Latitude", "#geo+lat"),
    ("Longitude", "#geo+lon"),
    ("People affected", "#affected+ind"),
    ("People without power", "#affected+ind+power"),
    ("People without heat", "#affected+ind+heat"),
    ("Buildings", "#indicator+buildings+num"),
    ("Service lost", "#impact+service"),
    ("Estimated restoration", "#date+etr"),
    ("Reported", "#date+reported"),
)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(text: str) -> str:
    """User text for a CSV cell; a leading formula character is quoted with ``'`` so that
    spreadsheets show it as text (OWASP, "CSV Injection")."""
    text = str(text)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _service(power: bool, heat: bool) -> str:
    return "power and heat" if power and heat else ("power" if power else "heat")


def time_cell(moment: datetime | None) -> str:
    """A time for a ``#date`` cell: ISO 8601 to the minute with its offset; empty when
    unknown."""
    return "" if moment is None else moment.isoformat(timespec="minutes")


def hxl_csv(assessment: Assessment, facts: Facts) -> str:
    """The HXL-tagged CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([name for name, _ in COLUMNS])
    writer.writerow([tag for _, tag in COLUMNS])
    reported = time_cell(facts.as_of)
    buildings = assessment.city.buildings
    power = assessment.impact.building_without_power
    heat = assessment.impact.building_without_heat
    people = buildings["population"].to_numpy(dtype=np.int64)
    lon = buildings["lon"].to_numpy(dtype=float)
    lat = buildings["lat"].to_numpy(dtype=float)
    area_of = np.full(len(buildings), "", dtype=object)
    for area in outage_areas(assessment):
        polygon = ShapelyPolygon(area.ring_lonlat)
        inside = shapely.contains_xy(polygon, lon, lat) & (power | heat)
        area_of[inside & (area_of == "")] = area.name
        rows = np.flatnonzero(inside)
        centre = polygon.centroid
        writer.writerow(
            [
                "area",
                text_cell(facts.city),
                area.name,
                area.identifier,
                area.name,
                "",
                f"{centre.y:.6f}",
                f"{centre.x:.6f}",
                int(people[rows].sum()),
                area.parameters.get("PeopleWithoutPower", ""),
                area.parameters.get("PeopleWithoutHeat", ""),
                rows.size,
                _service(bool(power[rows].any()), bool(heat[rows].any())),
                time_cell(parse_cap_time(area.etr) if area.etr else None),
                reported,
            ]
        )
    etr = assessment.etr_h()
    for row in np.flatnonzero(power | heat):
        hours = float(etr[row])
        when = None if math.isnan(hours) else etr_time(facts.start, hours)
        writer.writerow(
            [
                "building",
                text_cell(facts.city),
                area_of[row],
                text_cell(buildings["id"].iat[row]),
                text_cell(buildings["name"].iat[row]),
                text_cell(buildings["use"].iat[row]),
                f"{lat[row]:.6f}",
                f"{lon[row]:.6f}",
                int(people[row]),
                int(people[row]) if power[row] else 0,
                int(people[row]) if heat[row] else 0,
                1,
                _service(bool(power[row]), bool(heat[row])),
                time_cell(when),
                reported,
            ]
        )
    return out.getvalue()
