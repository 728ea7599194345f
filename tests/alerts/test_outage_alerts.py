"""Outage alerts: valid CAP for any input, polygons around the right buildings, ETR right.

Oracles: contiguous areas by brute-force union-find over all pairs; containment checked
on the polygon read back from the XML with shapely; distances against the haversine.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Point
from shapely.geometry import Polygon as ShapelyPolygon

from warmgrid.alerts.compose import (
    Issuer,
    Message,
    OutageAlertOptions,
    OutageBuildings,
    WarmingCentre,
    from_xml,
    outage_alerts,
    to_xml,
)
from warmgrid.alerts.validate import validate_cap
from warmgrid.errors import InputError
from warmgrid.geo import EARTH_RADIUS_M, LocalFrame

ISSUER = Issuer(sender="alerts@city.example", sender_name="City emergency centre")
SENT = datetime(2026, 11, 26, 10, 0, tzinfo=timezone(timedelta(hours=2)))


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def oracle_components(xy: np.ndarray, link_m: float) -> list[set[int]]:
    parent = list(range(len(xy)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(len(xy)):
        for j in range(i + 1, len(xy)):
            if math.dist(xy[i], xy[j]) <= link_m:
                parent[find(i)] = find(j)
    groups: dict[int, set[int]] = {}
    for i in range(len(xy)):
        groups.setdefault(find(i), set()).add(i)
    return list(groups.values())


def area_shape(message: Message) -> ShapelyPolygon:
    polygon = message.infos[0].areas[0].polygons[0]
    return ShapelyPolygon([(lon, lat) for lat, lon in polygon.points])


def buildings_at(xy_m: np.ndarray, origin=(30.5, 50.45), **kwargs) -> OutageBuildings:
    frame = LocalFrame(*origin)
    lon, lat = frame.to_lonlat_deg(np.asarray(xy_m, dtype=float))
    n = len(lon)
    defaults = {
        "people": np.full(n, 100),
        "without_power": np.ones(n, bool),
        "without_heat": np.zeros(n, bool),
        "etr_h": np.full(n, 5.0),
    }
    defaults.update(kwargs)
    return OutageBuildings(lon_deg=lon, lat_deg=lat, **defaults)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[OutageBuildings, list[WarmingCentre], datetime]:
    n = draw(st.integers(1, 30))
    lon0 = draw(st.floats(-170, 170))
    lat0 = draw(st.floats(-60, 70))
    coords = st.floats(-4000, 4000, allow_nan=False)
    xy = np.array(draw(st.lists(st.tuples(coords, coords), min_size=n, max_size=n)))
    lon, lat = LocalFrame(lon0, lat0).to_lonlat_deg(xy)
    power = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    heat = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    etr = draw(
        st.lists(
            st.one_of(st.just(math.nan), st.floats(0, 200, allow_nan=False)),
            min_size=n,
            max_size=n,
        )
    )
    people = draw(st.lists(st.integers(0, 2000), min_size=n, max_size=n))
    centres = [
        WarmingCentre(f"Centre {k}", lon0 + dx, lat0 + dy)
        for k, (dx, dy) in enumerate(
            draw(st.lists(st.tuples(st.floats(-0.05, 0.05), st.floats(-0.05, 0.05)), max_size=4))
        )
    ]
    offset_min = draw(st.integers(-12 * 60, 14 * 60))
    sent = datetime(2026, 1, 15, 6, 30, 15, tzinfo=UTC).astimezone(
        timezone(timedelta(minutes=offset_min))
    )
    buildings = OutageBuildings(lon, lat, np.array(people), power, heat, np.array(etr))
    return buildings, centres, sent


@given(scenarios())
def test_every_outage_alert_is_valid_and_covers_its_buildings(scenario) -> None:
    buildings, centres, sent = scenario
    options = OutageAlertOptions()
    messages = outage_alerts(buildings, centres, issuer=ISSUER, sent=sent, options=options)
    affected = np.flatnonzero(buildings.without_power | buildings.without_heat)
    if affected.size == 0:
        assert messages == []
        return
    frame = LocalFrame.around(buildings.lon_deg[affected], buildings.lat_deg[affected])
    xy = frame.to_xy_m(buildings.lon_deg[affected], buildings.lat_deg[affected])
    components = [{int(affected[i]) for i in c} for c in oracle_components(xy, 250.0)]
    assert len(messages) == len(components)
    identifiers = set()
    for message in messages:
        data = to_xml(message)
        report = validate_cap(data, feed_rules=True)
        assert report.errors == []
        assert from_xml(data) == message
        identifiers.add(message.identifier)
        assert [info.language for info in message.infos] == ["en", "uk"]
    assert len(identifiers) == len(messages)
    # The builder orders areas by people (most first), ties by their first building.
    components.sort(key=lambda c: (-sum(int(buildings.people[i]) for i in c), min(c)))
    for members, message in zip(components, messages, strict=True):
        rows = np.array(sorted(members))
        shape = area_shape(message)
        assert shape.is_valid
        for i in rows:
            assert shape.contains(Point(buildings.lon_deg[i], buildings.lat_deg[i]))
        power_people = int(buildings.people[rows][buildings.without_power[rows]].sum())
        heat_people = int(buildings.people[rows][buildings.without_heat[rows]].sum())
        assert message.parameter("PeopleWithoutPower") == str(power_people)
        assert message.parameter("PeopleWithoutHeat") == str(heat_people)
        assert f"{len(rows)} buildings" in message.infos[0].areas[0].description
        etr = buildings.etr_h[rows]
        known = etr[~np.isnan(etr)]
        if known.size:
            published = datetime.fromisoformat(message.parameter("ETR"))
            exact = sent + timedelta(hours=float(known.max()))
            assert exact <= published < exact + timedelta(minutes=15)
            assert message.infos[0].expires >= published
            assert f"{published:%H:%M}" in message.infos[0].description
        else:
            assert message.parameter("ETR") == "unknown"
        assert message.infos[0].expires > message.sent


def test_two_separate_districts_give_two_alerts_largest_first() -> None:
    west = [(x, y) for x in (0, 100, 200) for y in (0, 100)]
    east = [(2000 + x, y) for x in (0, 100) for y in (0, 100)]
    people = np.array([50] * 6 + [400] * 4)
    buildings = buildings_at(np.array(west + east), people=people)
    messages = outage_alerts(buildings, [], issuer=ISSUER, sent=SENT)
    assert len(messages) == 2
    assert messages[0].parameter("PeopleWithoutPower") == "1600"
    assert messages[1].parameter("PeopleWithoutPower") == "300"
    east_shape, west_shape = area_shape(messages[0]), area_shape(messages[1])
    assert not east_shape.intersects(west_shape)
    assert "Ask the city hotline" in messages[0].infos[0].instruction


def test_counts_are_written_for_people_in_each_language() -> None:
    """Thousands grouped as the console, the public page and the report write them; the
    CAP parameters stay plain numbers for machines."""
    xy = np.array([(x, y) for x in range(0, 1100, 100) for y in (0, 100)])  # 22 buildings
    people = np.full(len(xy), 1470)
    heat = np.ones(len(xy), bool)
    buildings = buildings_at(xy, people=people, without_power=~heat, without_heat=heat)
    (message,) = outage_alerts(buildings, [], issuer=ISSUER, sent=SENT)
    english, ukrainian = message.infos
    assert "22 buildings are affected; 32,340 people without heating" in english.description
    assert english.areas[0].description.endswith("22 buildings, 32,340 people")
    assert "без опалення людей: 32\u00a0340" in ukrainian.description
    assert ukrainian.areas[0].description.endswith("людей 32\u00a0340")
    assert message.parameter("PeopleWithoutHeat") == "32340"


def test_unaffected_buildings_are_left_out_and_no_outage_gives_no_alert() -> None:
    xy = np.array([(0, 0), (50, 0), (5000, 0)])
    served = buildings_at(xy, without_power=np.array([True, True, False]))
    messages = outage_alerts(served, [], issuer=ISSUER, sent=SENT)
    assert len(messages) == 1
    far = LocalFrame(30.5, 50.45).to_lonlat_deg(np.array([[5000.0, 0.0]]))
    assert not area_shape(messages[0]).contains(Point(far[0][0], far[1][0]))
    none = buildings_at(xy, without_power=np.zeros(3, bool))
    assert outage_alerts(none, [], issuer=ISSUER, sent=SENT) == []


def test_etr_wording_and_nearest_centres() -> None:
    buildings = buildings_at(
        np.array([(0, 0), (80, 0), (160, 0)]),
        without_heat=np.array([True, False, False]),
        etr_h=np.array([2.0, 7.5, math.nan]),
    )
    frame = LocalFrame(30.5, 50.45)
    near_lon, near_lat = frame.to_lonlat_deg(np.array([[80.0, 1000.0]]))
    far_lon, far_lat = frame.to_lonlat_deg(np.array([[80.0, -3000.0]]))
    centres = [("Far Hall", far_lon[0], far_lat[0]), ("School No. 3", near_lon[0], near_lat[0])]
    (message,) = outage_alerts(
        buildings,
        centres,
        issuer=ISSUER,
        sent=SENT,
        options=OutageAlertOptions(nearest_centres=1, city_name="Demo"),
    )
    en, uk = message.infos
    assert message.parameter("ETR") == "2026-11-26T17:30:00+02:00"
    assert "between 12:00 on 26 November 2026 (UTC+02:00) and 17:30" in en.description
    assert "for some buildings not yet known" in en.description
    assert "26.11.2026 о 17:30" in uk.description
    assert en.event == "Power and heating outage"
    assert en.severity == "Severe"
    assert "School No. 3 (1.0 km)" in en.instruction
    assert "Far Hall" not in en.instruction
    assert "School No. 3 (1.0 км)" in uk.instruction
    assert en.expires == datetime(2026, 11, 26, 19, 30, tzinfo=SENT.tzinfo)
    assert en.headline.startswith("Power and heating outage in Demo, outage area 1")


def test_local_frame_distances_match_haversine() -> None:
    frame = LocalFrame(30.5, 50.45)
    rng = np.random.default_rng(7)
    xy = rng.uniform(-5000, 5000, size=(50, 2))
    lon, lat = frame.to_lonlat_deg(xy)
    for i in range(0, 50, 2):
        planar = math.dist(xy[i], xy[i + 1])
        sphere = haversine_m(lon[i], lat[i], lon[i + 1], lat[i + 1])
        assert abs(planar - sphere) <= 0.002 * sphere + 0.01


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"people": np.array([1, 2])}, "buildings.people"),
        ({"etr_h": np.array([-1.0, 1.0, 1.0])}, "buildings.etr_h"),
        ({"people": np.array([1, -2, 3])}, "buildings.people"),
    ],
)
def test_bad_inputs_are_named(change: dict, where: str) -> None:
    with pytest.raises(InputError, match=where):
        buildings_at(np.array([(0, 0), (10, 0), (20, 0)]), **change)


def test_naive_sent_and_bad_options_are_refused() -> None:
    buildings = buildings_at(np.array([(0, 0)]))
    with pytest.raises(InputError, match="sent"):
        outage_alerts(buildings, [], issuer=ISSUER, sent=datetime(2026, 11, 26, 10))
    with pytest.raises(InputError, match="simplify_m"):
        OutageAlertOptions(margin_m=5.0, simplify_m=10.0)


def test_from_table_takes_the_city_model_columns() -> None:
    table = pd.DataFrame(
        {"lon": [30.5, 30.501], "lat": [50.45, 50.45], "population": [10, 20], "id": ["a", "b"]}
    )
    built = OutageBuildings.from_table(table, np.array([True, False]), np.array([False, True]), 4.0)
    assert built.etr_h.tolist() == [4.0, 4.0]
    assert built.people.tolist() == [10, 20]
    unknown = OutageBuildings.from_table(table, np.ones(2, bool), np.zeros(2, bool))
    assert np.isnan(unknown.etr_h).all()
    with pytest.raises(InputError, match="population"):
        OutageBuildings.from_table(table.drop(columns="population"), np.ones(2), np.ones(2))


def test_instruction_gives_the_hours_until_the_coldest_flats_fall_below_12c() -> None:
    xy = np.array([[0.0, 0.0], [100.0, 0.0], [5000.0, 0.0], [5100.0, 0.0]])
    sent = datetime(2026, 1, 15, 6, 30, tzinfo=UTC)
    buildings = buildings_at(
        xy,
        without_heat=np.array([True, True, True, False]),
        cold_h=np.array([9.4, 6.6, 0.2, 1.0]),  # the fourth keeps its heat
    )
    messages = outage_alerts(buildings, [], issuer=ISSUER, sent=sent)
    assert len(messages) == 2
    second, first = sorted(messages, key=lambda m: m.infos[0].instruction)
    texts = {info.language: info.instruction for info in first.infos}
    assert "fall below 12 °C within about 7 hours" in first.infos[0].instruction
    assert "приблизно за 7 год" in " ".join(texts.values())
    assert "may already be below 12 °C" in second.infos[0].instruction
    plain = outage_alerts(
        buildings_at(xy, without_heat=np.ones(4, bool)), [], issuer=ISSUER, sent=sent
    )
    assert all("12 °C" not in m.infos[0].instruction for m in plain)
