"""Air-threat alerts, all-clear, updates and cancels: valid, and never editing the past."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import Polygon as ShapelyPolygon

from warmgrid.alerts.compose import (
    Issuer,
    Message,
    Reference,
    air_threat_alert,
    all_clear,
    cancel,
    from_xml,
    polygon_from_lonlat,
    to_xml,
    update,
)
from warmgrid.alerts.validate import validate_cap
from warmgrid.errors import InputError

ISSUER = Issuer(
    sender="alerts@city.example",
    sender_name="City emergency centre",
    web="https://city.example/alerts",
    contact="112",
)
KYIV = timezone(timedelta(hours=2))
SENT = datetime(2026, 11, 26, 3, 15, tzinfo=KYIV)
DISTRICT = [(30.50, 50.44), (30.56, 50.44), (30.56, 50.48), (30.50, 50.48)]


def valid(message: Message) -> bool:
    data = to_xml(message)
    report = validate_cap(data, feed_rules=True)
    assert report.errors == []
    assert from_xml(data) == message
    return report.valid


def alert() -> Message:
    return air_threat_alert(
        "Tsentr district",
        DISTRICT,
        issuer=ISSUER,
        sent=SENT,
        district_names={"uk": "Центральний район"},
        incidents=("incident-7",),
        identifier="air-1",
    )


def test_air_threat_alert() -> None:
    message = alert()
    assert valid(message)
    en, uk = message.infos
    assert (en.language, uk.language) == ("en", "uk")
    assert en.response_types == ("Shelter",)
    assert en.urgency == "Immediate"
    assert en.areas[0].description == "Tsentr district"
    assert uk.areas[0].description == "Центральний район"
    assert "Центральний район" in uk.headline
    points = en.areas[0].polygons[0].points
    assert points[0] == (50.44, 30.50)  # CAP order is lat,lon
    assert points[0] == points[-1]
    assert len(points) == 5
    assert message.incidents == ("incident-7",)
    xml = to_xml(message).decode()
    assert "<polygon>50.44,30.5 50.44,30.56 50.48,30.56 50.48,30.5 50.44,30.5</polygon>" in xml
    assert "<incidents>incident-7</incidents>" in xml


def test_all_clear_references_the_alert() -> None:
    first = alert()
    before = to_xml(first)
    clear = all_clear(first, sent=SENT + timedelta(minutes=50), identifier="air-1-clear")
    assert valid(clear)
    assert clear.msg_type == "Update"
    assert clear.references == (Reference("alerts@city.example", "air-1", SENT),)
    assert all(info.response_types == ("AllClear",) for info in clear.infos)
    assert clear.infos[1].headline == "Відбій тривоги: Центральний район"
    assert clear.infos[0].areas == first.infos[0].areas
    assert clear.incidents == first.incidents
    assert to_xml(first) == before
    xml = to_xml(clear).decode()
    assert "<references>alerts@city.example,air-1,2026-11-26T03:15:00+02:00</references>" in xml


def test_update_and_cancel_chain_references_everything_replaced() -> None:
    first = alert()
    second = update(first, sent=SENT + timedelta(minutes=10), identifier="air-2")
    third = update(second, sent=SENT + timedelta(minutes=20), identifier="air-3")
    stop = cancel(
        third,
        sent=SENT + timedelta(minutes=30),
        reasons={"en": "Issued by mistake."},
        identifier="air-4",
    )
    for message in (second, third, stop):
        assert valid(message)
    assert [r.identifier for r in second.references] == ["air-1"]
    assert [r.identifier for r in third.references] == ["air-1", "air-2"]
    assert [r.identifier for r in stop.references] == ["air-1", "air-2", "air-3"]
    assert stop.msg_type == "Cancel"
    assert stop.infos[0].headline.startswith("Cancelled: ")
    assert stop.infos[0].description == "This alert is cancelled. Issued by mistake."
    assert stop.infos[1].description == "Це оповіщення скасовано."
    assert first.msg_type == "Alert" and first.identifier == "air-1"
    with pytest.raises(FrozenInstanceError):
        first.identifier = "changed"  # type: ignore[misc]


def test_update_after_expiry_gets_a_fresh_expiry_and_generated_ids_are_unique() -> None:
    first = alert()
    late = SENT + timedelta(hours=5)
    updates = [update(first, sent=late) for _ in range(3)]
    assert len({u.identifier for u in updates}) == 3
    assert all(valid(u) for u in updates)
    assert updates[0].infos[0].expires == late + timedelta(hours=1)


def test_bad_times_and_polygons_are_refused() -> None:
    first = alert()
    with pytest.raises(InputError, match="sent"):
        update(first, sent=SENT - timedelta(minutes=1))
    with pytest.raises(InputError, match="sent"):
        air_threat_alert("x", DISTRICT, issuer=ISSUER, sent=datetime(2026, 11, 26))
    with pytest.raises(InputError, match="polygon"):
        polygon_from_lonlat([(30.5, 50.4), (30.6, 50.4)])
    with pytest.raises(InputError, match="polygon"):
        polygon_from_lonlat([(30.5, 95.0), (30.6, 50.4), (30.6, 50.5)])
    with pytest.raises(InputError, match="3 distinct points"):
        polygon_from_lonlat([(30.5, 50.4), (30.6, 50.4), (30.60000001, 50.4)])
    with pytest.raises(InputError, match="district"):
        air_threat_alert("x", DISTRICT, issuer=ISSUER, sent=SENT, district_names={"uk": " "})


# Micro-degree grid: points distinct at the six decimals CAP carries.
lon = st.integers(-180_000_000, 180_000_000).map(lambda v: v / 1e6)
lat = st.integers(-90_000_000, 90_000_000).map(lambda v: v / 1e6)


@given(
    st.lists(st.tuples(lon, lat), min_size=3, max_size=12, unique=True),
    st.integers(-12 * 60, 14 * 60),
    st.text(min_size=1, max_size=40).filter(lambda s: s.strip() and s.isprintable()),
)
def test_any_air_threat_alert_and_its_all_clear_are_valid(points, offset_min, name) -> None:
    sent = datetime(2026, 3, 1, 12, 0, 7, 900, tzinfo=timezone(timedelta(minutes=offset_min)))
    first = air_threat_alert(name, points, issuer=ISSUER, sent=sent)
    assert valid(first)
    assert valid(all_clear(first, sent=sent + timedelta(minutes=1)))
    assert valid(cancel(first, sent=sent))


def test_bad_identifiers_and_texts_are_refused_with_a_named_field() -> None:
    with pytest.raises(InputError, match=r"issuer\.sender"):
        Issuer(sender="city alerts")
    with pytest.raises(InputError, match="identifier"):
        air_threat_alert("x", DISTRICT, issuer=ISSUER, sent=SENT, identifier="a,b")
    with pytest.raises(InputError, match="identifier"):
        update(alert(), sent=SENT, identifier="has space")
    message = air_threat_alert("Tsentr\x07", DISTRICT, issuer=ISSUER, sent=SENT)
    with pytest.raises(InputError, match="<headline>"):
        to_xml(message)


def test_shapely_polygon_is_accepted() -> None:
    shape = ShapelyPolygon(DISTRICT)
    message = air_threat_alert("x", shape, issuer=ISSUER, sent=SENT)
    assert message.infos[0].areas[0].polygons[0] == polygon_from_lonlat(DISTRICT)
