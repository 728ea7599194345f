"""Publishing a rotation schedule: off intervals on the city's clock, and the JSON, CSV,
ICS and CAP files, each read back by an independent reader (csv, icalendar, the OASIS
XSD) and compared with the intervals worked out by hand."""

from __future__ import annotations

import csv
import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar
from rotation_data import EXPECTED_OFF_H, demo_schedule
from shapely import points
from shapely.geometry import Polygon

from warmgrid.alerts.cap_xml import from_xml
from warmgrid.alerts.outage import OutageAlertOptions
from warmgrid.alerts.validate import validate_cap
from warmgrid.model.demo import demo_city
from warmgrid.rotate.cap import part_ring
from warmgrid.rotate.publish import CSV_COLUMNS, off_intervals, write_schedule_files
from warmgrid.rotate.schedule_file import read_schedule

KYIV = ZoneInfo("Europe/Kyiv")
START = datetime(2026, 11, 30, 18, 0, tzinfo=KYIV)
ISSUED = datetime(2026, 11, 30, 17, 30, tzinfo=KYIV)


@pytest.fixture(scope="module")
def city():
    return demo_city()


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, city) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("rotation")
    return out, write_schedule_files(demo_schedule(), city, START, out, issued=ISSUED)


def _expected(group: str) -> list[tuple[datetime, datetime, int]]:
    return [
        (START + timedelta(hours=a), START + timedelta(hours=b), stage)
        for a, b, stage in EXPECTED_OFF_H[group]
    ]


def test_off_intervals_merge_consecutive_slots_on_the_city_clock(city) -> None:
    intervals = off_intervals(read_schedule(demo_schedule(), city), START, city.timezone)
    for group in EXPECTED_OFF_H:
        got = [(i.start, i.finish, i.stage) for i in intervals[group]]
        assert got == _expected(group)
        assert all(i.start.utcoffset() == timedelta(hours=2) for i in intervals[group])


def test_slot_hours_are_elapsed_time_across_a_clock_change(city) -> None:
    """Kyiv leaves summer time at 04:00 on 25 October 2026: an interval from 01:00 of
    three elapsed hours ends at 03:00 winter time, and its offsets say so."""
    data = demo_schedule()
    data["slots"] = [
        {"start_h": 0.0, "end_h": 3.0, "off": ["A"]},
        {"start_h": 3.0, "end_h": 4.0, "off": []},
    ]
    start = datetime(2026, 10, 25, 1, 0, tzinfo=KYIV)
    (interval,) = off_intervals(read_schedule(data, city), start, city.timezone)["A"]
    assert interval.start.isoformat() == "2026-10-25T01:00:00+03:00"
    assert interval.finish.isoformat() == "2026-10-25T03:00:00+02:00"
    assert interval.finish.astimezone(UTC) - interval.start.astimezone(UTC) == timedelta(hours=3)


@st.composite
def slot_plans(draw: st.DrawFn) -> list[tuple[float, float, list[str]]]:
    lengths = draw(st.lists(st.sampled_from([0.5, 1.0, 2.0, 2.5]), min_size=1, max_size=14))
    plan, at = [], 0.0
    for length in lengths:
        plan.append((at, at + length, draw(st.lists(st.sampled_from("ABC"), unique=True))))
        at += length
    return plan


@given(plan=slot_plans())
def test_intervals_are_exactly_the_off_slots_brute_force(plan) -> None:
    """Sampled at every slot's middle, a group is off exactly when a published interval
    holds that moment; intervals never touch (they would have been merged), and a stage is
    the most groups off at once in the slots it spans."""
    data = demo_schedule()
    data["slots"] = [{"start_h": a, "end_h": b, "off": off} for a, b, off in plan]
    schedule = read_schedule(data)
    intervals = off_intervals(schedule, START, "Europe/Kyiv")
    for a, b, off in plan:
        middle = START + timedelta(hours=(a + b) / 2)
        for group in "ABC":
            holding = [i for i in intervals[group] if i.start <= middle < i.finish]
            assert len(holding) == (1 if group in off else 0)
    for group in "ABC":
        spans = intervals[group]
        assert all(x.finish < y.start for x, y in itertools.pairwise(spans))
        for interval in spans:
            inside = [
                len(off)
                for a, b, off in plan
                if interval.start <= START + timedelta(hours=a) < interval.finish
            ]
            assert interval.stage == max(inside)


def test_files_written_are_the_ones_listed(published) -> None:
    out, files = published
    on_disk = sorted(p for p in out.rglob("*") if p.is_file())
    assert sorted(files) == on_disk
    names = {p.relative_to(out).as_posix() for p in files}
    assert {"rotation.json", "rotation.csv", "groups/A.ics", "groups/H.json"} <= names
    assert "groups/H.ics" not in names  # critical: never off, no calendar
    assert len([n for n in names if n.startswith("cap/")]) == 3


def test_json_per_group_has_every_interval_on_the_city_clock(published) -> None:
    out, _ = published
    public = json.loads((out / "rotation.json").read_text())
    assert public["timezone"] == "Europe/Kyiv"
    assert public["start"] == "2026-11-30T18:00:00+02:00"
    assert public["end"] == "2026-12-01T06:00:00+02:00"
    for group in public["groups"]:
        got = [
            (datetime.fromisoformat(i["start"]), datetime.fromisoformat(i["finish"]), i["stage"])
            for i in group["off"]
        ]
        assert got == _expected(group["id"])
        assert all(i["start"].endswith("+02:00") for i in group["off"])
        single = json.loads((out / "groups" / f"{group['id']}.json").read_text())
        assert single["groups"] == [group]
    assert "switch_off" not in json.dumps(public)
    by_id = {g["id"]: g for g in public["groups"]}
    assert by_id["A"]["area_name"] == "Pivnichnyi (group A)"
    assert by_id["H"]["critical"] and by_id["H"]["off"] == []


def test_csv_rows_are_the_intervals(published) -> None:
    out, _ = published
    with (out / "rotation.csv").open(newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
        rows = list(reader)
    public = json.loads((out / "rotation.json").read_text())
    names = {g["area_name"]: g["id"] for g in public["groups"]}
    got = sorted((names[r["area_name"]], r["start"], r["finish"], int(r["stage"])) for r in rows)
    expected = sorted(
        (group, a.isoformat(), b.isoformat(), stage)
        for group in EXPECTED_OFF_H
        for a, b, stage in _expected(group)
    )
    assert got == expected
    assert {r["source"] for r in rows} == {"warmgrid: warmgrid demo city"}
    starts = [datetime.fromisoformat(r["start"]) for r in rows]
    assert starts == sorted(starts)
    with (out / "groups" / "B.csv").open(newline="") as handle:
        assert [r["start"] for r in csv.DictReader(handle)] == [
            a.isoformat() for a, _, _ in _expected("B")
        ]


@pytest.mark.parametrize("group", ["A", "B", "C"])
def test_ics_events_are_the_intervals(published, group: str) -> None:
    out, _ = published
    calendar = Calendar.from_ical((out / "groups" / f"{group}.ics").read_bytes())
    assert str(calendar["version"]) == "2.0" and calendar["prodid"]
    assert str(calendar["x-wr-timezone"]) == "Europe/Kyiv"
    events = calendar.walk("VEVENT")
    got = [(e.decoded("dtstart"), e.decoded("dtend")) for e in events]
    assert got == [(a, b) for a, b, _ in _expected(group)]
    for event in events:
        assert event.decoded("dtstart").utcoffset() == timedelta(0)
        assert event.decoded("dtstamp") == ISSUED.astimezone(UTC)
    uids = [str(e["uid"]) for e in events]
    assert len(set(uids)) == len(uids)


def test_ics_uids_are_stable_across_publications(tmp_path: Path, city, published) -> None:
    out, _ = published
    later = ISSUED + timedelta(hours=3)
    write_schedule_files(demo_schedule(), city, START, tmp_path, issued=later)
    first = Calendar.from_ical((out / "groups" / "A.ics").read_bytes())
    again = Calendar.from_ical((tmp_path / "groups" / "A.ics").read_bytes())
    assert [str(e["uid"]) for e in first.walk("VEVENT")] == [
        str(e["uid"]) for e in again.walk("VEVENT")
    ]
    assert {e.decoded("dtstamp") for e in again.walk("VEVENT")} == {later.astimezone(UTC)}


def test_cap_alerts_validate_and_name_each_groups_intervals(published, city) -> None:
    out, _ = published
    buildings = city.buildings.set_index("id")
    schedule = read_schedule(demo_schedule(), city)
    seen = set()
    largest = 0
    for path in sorted((out / "cap").glob("*.xml")):
        data = path.read_bytes()
        report = validate_cap(data, source=path.name, feed_rules=True)
        assert report.valid, report.errors
        message = from_xml(data)
        group = message.parameter("RotationGroup")
        seen.add(group)
        expected = " ".join(f"{a.isoformat()}/{b.isoformat()}" for a, b, _ in _expected(str(group)))
        assert message.parameter("OffIntervals") == expected
        assert [i.language for i in message.infos] == ["en", "uk"]
        info = message.infos[0]
        people = int(message.parameter("PeopleAffected"))
        largest = max(largest, people)
        assert f"{people:,} people)" in info.description
        assert f"{people:,} мешканців)".replace(",", "\u00a0") in message.infos[1].description
        assert info.onset == _expected(str(group))[0][0]
        assert info.expires == _expected(str(group))[-1][1]
        shapes = [Polygon([(lon, lat) for lat, lon in p.points]) for p in info.areas[0].polygons]
        members = list(schedule.group(str(group)).buildings)
        where = points(buildings.loc[members, "lon"], buildings.loc[members, "lat"])
        assert all(any(s.covers(p) for s in shapes) for p in where)
    assert seen == {"A", "B", "C"}
    assert largest >= 1000, "a group holds thousands of people (grouped digits)"


def test_alerts_leave_out_intervals_already_over(tmp_path: Path, city) -> None:
    issued = START + timedelta(hours=4, minutes=30)
    write_schedule_files(demo_schedule(), city, START, tmp_path, issued=issued)
    by_group = {
        m.parameter("RotationGroup"): m
        for m in (from_xml(p.read_bytes()) for p in (tmp_path / "cap").glob("*.xml"))
    }
    assert by_group["A"].parameter("OffIntervals") == (
        f"{(START + timedelta(hours=6)).isoformat()}/{(START + timedelta(hours=8)).isoformat()}"
    )
    assert by_group["C"].infos[0].urgency == "Expected"  # off since 3 h, ends at 5 h
    assert (
        by_group["C"]
        .infos[0]
        .headline.endswith("(group C): off now, until 23:00 on 30 November 2026 (UTC+02:00)")
    )
    assert by_group["C"].infos[0].onset == issued
    assert by_group["A"].infos[0].urgency == "Future"
    assert "next off 00:00 on 1 December 2026" in by_group["A"].infos[0].headline


@pytest.mark.parametrize("count", [150, 600])
def test_a_groups_polygon_keeps_every_building_inside(count: int) -> None:
    """Both ways of drawing a part (hugging polygon, or hull with margin for large parts)."""
    rng = np.random.default_rng(count)
    lon = 30.5 + rng.uniform(0, 0.01, count)
    lat = 50.45 + rng.uniform(0, 0.006, count)
    options = OutageAlertOptions()
    ring = Polygon(part_ring(lon, lat, options))
    assert ring.is_valid
    assert all(ring.covers(p) for p in points(lon, lat))
    assert ring.exterior.distance(points(lon, lat)).min() > 0.9 * (
        (options.margin_m - options.simplify_m) / 111_320 * np.cos(np.radians(50.45))
    )


def test_ics_keeps_an_interval_in_the_hour_the_clocks_go_back() -> None:
    """03:00 happens twice in Kyiv on 25 October 2026; the second 03:00 (+02:00) must not
    be read back as the first (+03:00)."""
    from warmgrid.rotate.ics import group_calendar

    start = datetime.fromisoformat("2026-10-25T03:00:00+02:00")
    finish = datetime.fromisoformat("2026-10-25T05:00:00+02:00")
    public = {"timezone": "Europe/Kyiv", "city": "demo"}
    group = {
        "id": "G3", "area_name": "Area", "buildings": 2, "people": 10,
        "off": [{"start": start.isoformat(), "finish": finish.isoformat(), "stage": 1}],
    }  # fmt: skip
    calendar = Calendar.from_ical(group_calendar(public, group, ISSUED))
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == start
    assert event.decoded("dtend") == finish
