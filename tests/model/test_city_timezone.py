"""A city's IANA time zone (issue 8, item 16) and the one rounding of published ETRs."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from warmgrid.cli import app
from warmgrid.errors import InputError
from warmgrid.model import City, load_city, save_city
from warmgrid.model.demo import demo_city
from warmgrid.model.io.geojson_io import city_from_geojson, city_to_geojson
from warmgrid.model.timezone import etr_time, parse_time, round_up_etr

KYIV = ZoneInfo("Europe/Kyiv")


def _quarters_brute_force(moment: datetime) -> datetime:
    """Oracle: walk the quarter hours from the local midnight, as instants, and take the
    first one not before ``moment``."""
    instant = moment.astimezone(UTC)
    candidate = moment.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
    while candidate < instant:
        candidate += timedelta(minutes=15)
    return candidate


def test_etr_of_seven_twenty_four_is_published_as_half_past() -> None:
    moment = datetime(2026, 11, 26, 7, 24, 31, tzinfo=KYIV)
    assert round_up_etr(moment) == datetime(2026, 11, 26, 7, 30, tzinfo=KYIV)
    whole = datetime(2026, 11, 26, 7, 45, tzinfo=KYIV)
    assert round_up_etr(whole) == whole
    assert round_up_etr(whole + timedelta(microseconds=1)).hour == 8


@given(
    st.datetimes(
        min_value=datetime(2020, 1, 1),
        max_value=datetime(2030, 12, 31, 22),
        timezones=st.sampled_from([KYIV, ZoneInfo("Asia/Kathmandu"), UTC]),
    )
)
def test_round_up_etr_is_the_first_quarter_hour_not_before(moment: datetime) -> None:
    moment = moment.astimezone(UTC).astimezone(moment.tzinfo)  # a time that exists
    rounded = round_up_etr(moment)
    assert rounded.tzinfo is moment.tzinfo
    assert rounded.astimezone(UTC) == _quarters_brute_force(moment)
    assert rounded.minute % 15 == 0 and rounded.second == 0 and rounded.microsecond == 0
    elapsed = rounded.astimezone(UTC) - moment.astimezone(UTC)  # real time, across clock changes
    assert timedelta(0) <= elapsed < timedelta(minutes=15)


def test_etr_time_is_on_the_city_clock() -> None:
    start = parse_time("2026-11-26T02:40:00Z", "start")
    etr = etr_time(start, 2.0 + 14 / 60 + 31 / 3600, "Europe/Kyiv")
    assert etr.isoformat() == "2026-11-26T07:00:00+02:00"


@pytest.mark.parametrize(
    "text", ["2026-11-26T09:30:00Z", "2026-11-26T09:30:00-00:00", "2026-11-26T11:30:00+02:00"]
)
def test_any_iso_time_with_an_offset_is_accepted(text: str) -> None:
    assert parse_time(text, "--sent") == datetime(2026, 11, 26, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2026-11-26T09:30:00", "tomorrow"])
def test_times_without_offset_are_refused_naming_the_field(text: str) -> None:
    with pytest.raises(InputError, match="--sent"):
        parse_time(text, "--sent")


def test_demo_city_is_in_kyiv_and_importers_default_to_utc() -> None:
    city = demo_city()
    assert city.timezone == "Europe/Kyiv"
    document = city_to_geojson(city)
    document["warmgrid"].pop("timezone")
    assert city_from_geojson(document).timezone == "UTC"
    assert city_from_geojson(document, timezone="Europe/Warsaw").timezone == "Europe/Warsaw"


def test_timezone_round_trips_through_city_json(tmp_path: Path) -> None:
    folder = save_city(demo_city(), tmp_path / "demo")
    assert json.loads((folder / "city.json").read_text())["timezone"] == "Europe/Kyiv"
    assert load_city(folder).timezone == "Europe/Kyiv"


def test_an_unknown_timezone_is_refused_naming_the_field(tmp_path: Path) -> None:
    city = demo_city()
    with pytest.raises(InputError, match=r"timezone.*'Mars/Olympus'"):
        City.from_tables("x", nodes=city.nodes, timezone="Mars/Olympus")
    folder = save_city(city, tmp_path / "demo")
    manifest = json.loads((folder / "city.json").read_text())
    manifest["timezone"] = "Europe/Atlantis"
    (folder / "city.json").write_text(json.dumps(manifest))
    with pytest.raises(InputError, match="timezone"):
        load_city(folder)


def test_city_import_takes_a_timezone(tmp_path: Path) -> None:
    runner = CliRunner()
    source = tmp_path / "city.geojson"
    source.write_text(json.dumps(city_to_geojson(demo_city())))
    result = runner.invoke(
        app,
        ["city", "import", "--geojson", str(source), "--out", str(tmp_path / "c"), "--json"],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["timezone"] == "Europe/Kyiv"
    args = ["city", "import", "--geojson", str(source), "--out", str(tmp_path / "d")]
    result = runner.invoke(app, [*args, "--timezone", "America/Toronto"])
    assert result.exit_code == 0, result.output
    assert load_city(tmp_path / "d").timezone == "America/Toronto"
    result = runner.invoke(app, [*args, "--timezone", "UTC+2"])
    assert result.exit_code == 2 and "--timezone" in result.output


def test_etr_across_the_autumn_clock_change_counts_elapsed_hours() -> None:
    start = datetime(2026, 10, 25, 1, 0, tzinfo=KYIV)  # clocks go back 04:00 → 03:00
    etr = etr_time(start, 4.0)
    assert etr.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=4)
    assert (etr.hour, etr.utcoffset()) == (4, timedelta(hours=2))
