"""The rotation routes: operators publish a schedule, the public reads it, looks up
their building and downloads its calendar; bad schedules are refused naming the field."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from warmgrid.store import open_store
from warmgrid.store.audit import entries

SCHEDULE = json.loads(
    (Path(__file__).parents[1] / "data" / "rotation" / "demo_schedule.json").read_text()
)
START = "2026-11-30T18:00:00+02:00"
KYIV = ZoneInfo("Europe/Kyiv")


@pytest.fixture
def published(api):
    response = api.client.put(
        "/rotation", params={"start": START}, json=SCHEDULE, headers=api.auth("operator")
    )
    assert response.status_code == 200, response.text
    return api


def test_only_operators_publish(api) -> None:
    assert api.client.put("/rotation", json=SCHEDULE).status_code == 401
    viewer = api.client.put("/rotation", json=SCHEDULE, headers=api.auth("viewer"))
    assert viewer.status_code == 403


def test_public_schedule_has_groups_areas_and_intervals_and_no_staff(published) -> None:
    body = published.client.get("/public/rotation").json()
    assert body["timezone"] == "Europe/Kyiv" and body["start"] == START
    groups = {g["id"]: g for g in body["groups"]}
    assert groups["A"]["area_name"] == "Pivnichnyi (group A)"
    assert [(i["start"], i["finish"]) for i in groups["A"]["off"]] == [
        ("2026-11-30T18:00:00+02:00", "2026-11-30T20:00:00+02:00"),
        ("2026-12-01T00:00:00+02:00", "2026-12-01T02:00:00+02:00"),
    ]
    assert groups["H"]["critical"] and groups["H"]["off"] == []
    text = json.dumps(body)
    assert "operator" not in text and "switch_off" not in text and "power.line" not in text


def test_staff_read_the_stored_schedule_and_the_write_is_audited(published) -> None:
    body = published.client.get("/rotation", headers=published.auth("viewer")).json()
    assert body["schedule"]["groups"][0]["switch_off"] == ["power.line.21"]
    assert body["created_by"].startswith("operator")
    store = open_store(published.store_url)
    with store.read() as session:
        assert [e.action for e in entries(session, target_type="rotation")] == ["rotation.publish"]
    store.close()


def test_a_new_schedule_replaces_the_current_one(published) -> None:
    fewer = {**SCHEDULE, "slots": SCHEDULE["slots"][:2]}
    later = "2026-12-01T18:00:00+02:00"
    response = published.client.put(
        "/rotation", params={"start": later}, json=fewer, headers=published.auth("operator")
    )
    assert response.status_code == 200
    body = published.client.get("/public/rotation").json()
    assert body["start"] == later and body["end"] == "2026-12-01T20:00:00+02:00"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"slots": [{"start_h": 0, "end_h": 1, "off": ["H"]}]}, "schedule.slots[0].off[0]"),
        (
            {"groups": [{**SCHEDULE["groups"][0], "buildings": ["building.9999"]}]},
            "schedule.groups[0].buildings[0]",
        ),
        ({"deficit_mw": -1}, "schedule.deficit_mw"),
    ],
)
def test_bad_schedules_are_refused_naming_the_field(api, change, field: str) -> None:
    response = api.client.put(
        "/rotation",
        params={"start": START},
        json={**SCHEDULE, **change},
        headers=api.auth("operator"),
    )
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert api.client.get("/public/rotation").status_code == 404


def test_start_needs_a_time_zone(api) -> None:
    response = api.client.put(
        "/rotation",
        params={"start": "2026-11-30T18:00:00"},
        json=SCHEDULE,
        headers=api.auth("operator"),
    )
    assert response.status_code == 422 and response.json()["field"] == "start"


def test_nothing_published_is_a_clear_404_and_null_for_staff(api) -> None:
    response = api.client.get("/public/rotation")
    assert response.status_code == 404
    assert response.json()["detail"].startswith("no rotation schedule is published")
    lookup = api.client.get("/public/rotation/lookup", params={"q": "building.1"})
    assert lookup.status_code == 404
    staff = api.client.get("/rotation", headers=api.auth("viewer"))
    assert staff.status_code == 200 and staff.json() is None


def test_lookup_by_id_and_by_name_gives_group_and_next_off(published, city) -> None:
    member = SCHEDULE["groups"][2]["buildings"][5]  # group C: off 21:00-23:00, 03:00-05:00
    at = "2026-11-30T23:30:00+02:00"
    by_id = published.client.get("/public/rotation/lookup", params={"q": member, "at": at})
    assert by_id.status_code == 200, by_id.text
    (match,) = by_id.json()["matches"]
    assert match["group"]["id"] == "C"
    assert match["next_off"]["start"] == "2026-12-01T03:00:00+02:00"
    assert match["calendar"] == "/public/rotation/groups/C.ics"
    name = city.buildings.set_index("id").loc["building.128", "name"]  # the hospital
    by_name = published.client.get("/public/rotation/lookup", params={"q": name.upper()}).json()
    hospital = by_name["matches"][0]
    assert hospital["id"] == "building.128"
    assert hospital["group"]["critical"] and hospital["next_off"] is None
    assert hospital["calendar"] is None


def test_lookup_next_off_is_the_first_interval_not_over(published) -> None:
    member = SCHEDULE["groups"][0]["buildings"][0]  # group A
    for at, expected in [
        ("2026-11-30T17:00:00+02:00", "2026-11-30T18:00:00+02:00"),
        ("2026-11-30T19:00:00+02:00", "2026-11-30T18:00:00+02:00"),  # off right now
        ("2026-11-30T20:00:00+02:00", "2026-12-01T00:00:00+02:00"),
    ]:
        body = published.client.get("/public/rotation/lookup", params={"q": member, "at": at})
        assert body.json()["matches"][0]["next_off"]["start"] == expected
    over = published.client.get(
        "/public/rotation/lookup", params={"q": member, "at": "2026-12-01T02:00:00+02:00"}
    )
    assert over.json()["matches"][0]["next_off"] is None


def test_lookup_of_an_unknown_building_is_a_404_sentence(published) -> None:
    response = published.client.get("/public/rotation/lookup", params={"q": "Nowhere street 9"})
    assert response.status_code == 404
    assert response.json()["detail"] == (
        "no building has the id 'Nowhere street 9' or a name containing it"
    )


def test_lookup_of_spaces_only_is_refused_not_every_building(published) -> None:
    response = published.client.get("/public/rotation/lookup", params={"q": "   "})
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "query.q"
    assert response.json()["detail"][0]["msg"] == "must not be blank (only spaces)"


def test_a_building_outside_every_group_is_found_without_group(published) -> None:
    body = published.client.get("/public/rotation/lookup", params={"q": "building.0"}).json()
    assert body["matches"][0]["group"] is None and body["matches"][0]["off"] == []


def test_calendar_download_is_the_groups_intervals(published) -> None:
    member = SCHEDULE["groups"][1]["buildings"][0]  # group B
    link = published.client.get("/public/rotation/lookup", params={"q": member}).json()
    response = published.client.get(link["matches"][0]["calendar"])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    start = datetime(2026, 11, 30, 18, tzinfo=KYIV)
    assert [(e.decoded("dtstart"), e.decoded("dtend")) for e in events] == [
        (start + timedelta(hours=2), start + timedelta(hours=4)),
        (start + timedelta(hours=7), start + timedelta(hours=9)),
    ]
    assert published.client.get("/public/rotation/groups/H.ics").status_code == 409
    assert published.client.get("/public/rotation/groups/Z.ics").status_code == 404


def test_rotation_alerts_are_drafted_and_published_by_another_person(api) -> None:
    hour_0 = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    ops = api.auth("operator")
    api.client.put("/rotation", params={"start": hour_0.isoformat()}, json=SCHEDULE, headers=ops)
    assert api.client.post("/rotation/alerts", headers=api.auth("viewer")).status_code == 403
    drafted = api.client.post("/rotation/alerts", headers=ops)
    assert drafted.status_code == 201, drafted.text
    drafts = drafted.json()
    assert len(drafts) == 3 and {d["status"] for d in drafts} == {"draft"}
    assert all(d["headline"].startswith("Rotating power outage") for d in drafts)
    first = drafts[0]["id"]
    own = api.client.post(f"/alert-messages/{first}/publish", headers=ops)
    assert own.status_code == 403  # the author may not publish
    published = api.client.post(f"/alert-messages/{first}/publish", headers=api.auth("approver"))
    assert published.status_code == 200, published.text
    cap = api.client.get(f"/alerts/{first}/cap").text
    assert "<valueName>OffIntervals</valueName>" in cap


def test_no_alert_when_the_rotation_is_over(api) -> None:
    long_ago = (datetime.now(UTC) - timedelta(days=3)).replace(microsecond=0)
    ops = api.auth("operator")
    api.client.put("/rotation", params={"start": long_ago.isoformat()}, json=SCHEDULE, headers=ops)
    answer = api.client.post("/rotation/alerts", headers=ops)
    assert answer.status_code == 409
    assert answer.json()["detail"] == "no group of the published rotation is still to be off"


def test_csv_of_the_published_rotation(published) -> None:
    whole = published.client.get("/public/rotation/schedule.csv")
    assert whole.status_code == 200 and whole.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(whole.text)))
    intervals = published.client.get("/public/rotation").json()["groups"]
    assert len(rows) == sum(len(g["off"]) for g in intervals) == 6
    one = published.client.get("/public/rotation/schedule.csv", params={"group": "C"}).text
    assert [r["start"] for r in csv.DictReader(io.StringIO(one))] == [
        i["start"] for g in intervals if g["id"] == "C" for i in g["off"]
    ]
    missing = published.client.get("/public/rotation/schedule.csv", params={"group": "Z"})
    assert missing.status_code == 404
