"""``warmgrid freefloat`` and ``warmgrid cooldown`` through the Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from warmgrid.cli import app
from warmgrid.thermal.flats import POSITIONS

ROOT = Path(__file__).resolve().parents[2]
BESTEST = ROOT / "examples" / "bestest"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def test_freefloat_json() -> None:
    result = run("freefloat", "--building", str(BESTEST / "900FF.toml"), "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["hours"] == 8760
    assert payload["min_c"] < payload["mean_c"] < payload["max_c"]


def test_freefloat_human() -> None:
    result = run("freefloat", "--building", str(BESTEST / "600FF.toml"))
    assert result.exit_code == 0
    assert "min" in result.stdout and "max" in result.stdout


def test_freefloat_start_temp_hours_to_thresholds() -> None:
    """A cool-down from the heated state: each threshold no sooner than the one above it,
    and the same hours as the engine called directly."""
    flat = ROOT / "examples" / "flats" / "brick_top_corner.toml"
    result = run(
        "freefloat",
        "--building",
        str(flat),
        "--outdoor-temp",
        "-10",
        "--start-temp",
        "20",
        "--hours",
        "96",
        "--json",
    )
    assert result.exit_code == 0, result.output
    hours = json.loads(result.stdout)["hours_to_c"]
    assert list(hours) == ["18", "15", "12", "10", "5", "0"]
    assert hours["0"] is None
    found = [hours[k] for k in ("18", "15", "12", "10", "5")]
    assert found == sorted(found)
    from warmgrid.thermal.building_file import load_building
    from warmgrid.thermal.network import building_cooldown
    from warmgrid.thermal.weather import constant_weather

    direct = building_cooldown(load_building(flat), constant_weather(-10.0, 96), 20.0, 96.0)
    assert direct == hours


def test_freefloat_start_temp_gives_the_flats_by_position(tmp_path: Path) -> None:
    block = ROOT / "examples" / "flats" / "brick_top_corner.toml"
    text = block.read_text().replace("floor_area_m2 = 60.0", "floor_area_m2 = 5000.0")
    path = tmp_path / "block.toml"
    path.write_text(text + '\n[flats]\narchetype = "panel_9"\nstoreys = 9\npeople = 220\n')
    args = ("--outdoor-temp", "-10", "--start-temp", "20", "--hours", "72", "--json")
    result = run("freefloat", "--building", str(path), *args)
    assert result.exit_code == 0, result.output
    flats = json.loads(result.stdout)["flats"]
    assert {f["position"] for f in flats[:2]} == {"top_corner", "ground_corner"}
    assert {f["position"] for f in flats} == set(POSITIONS)
    assert sum(f["flats"] for f in flats) == 90  # 9 storeys of 10 flats of 55 m²
    for flat in flats:
        assert list(flat["hours_to_c"]) == ["18", "15", "12", "10", "5", "0"]
    twelve = {f["position"]: f["hours_to_c"]["12"] for f in flats}
    assert twelve["top_corner"] < twelve["middle_inner"]
    plain = run("freefloat", "--building", str(block), *args)
    assert json.loads(plain.stdout)["flats"] == []
    path.write_text(text + '\n[flats]\narchetype = "igloo"\nstoreys = 9\n')
    bad = run("freefloat", "--building", str(path), *args)
    assert bad.exit_code == 2 and "flats.archetype" in bad.output


def test_freefloat_epw_without_wind_for_infiltration(tmp_path: Path) -> None:
    from warmgrid.cli.thermal import packaged_weather_path

    lines = packaged_weather_path().read_text(encoding="latin-1").splitlines()
    fields = lines[20].split(",")
    fields[21] = "999"
    lines[20] = ",".join(fields)
    weather = tmp_path / "calm.epw"
    weather.write_text("\n".join(lines) + "\n", encoding="latin-1")
    flat = (ROOT / "examples" / "flats" / "brick_top_corner.toml").read_text()
    building = tmp_path / "leaky.toml"
    building.write_text(
        flat.replace("[[surfaces]]", "[infiltration]\nleakage_area_cm2 = 250.0\n\n[[surfaces]]", 1)
    )
    result = run(
        "freefloat",
        "--building",
        str(building),
        "--weather",
        str(weather),
        "--start-temp",
        "20",
        "--json",
    )
    assert result.exit_code == 2
    assert "calm.epw: wind_speed" in result.output and "leaky.toml: infiltration" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--start-temp", "20", "--hours", "-5"), "--hours: expected 0 < hours <= 8784"),
        (("--start-temp", "20", "--hours", "nan"), "--hours: expected 0 < hours <= 8784"),
        (("--start-temp", "20", "--hours", "1e9"), "--hours: expected 0 < hours <= 8784"),
        (("--start-temp", "nan"), "--start-temp: expected 5 to 30"),
        (("--start-temp", "1000"), "--start-temp: expected 5 to 30"),
        (("--hours", "24"), "--hours: applies with --start-temp"),
    ],
)
def test_freefloat_bad_options(args: tuple[str, ...], message: str) -> None:
    flat = ROOT / "examples" / "flats" / "brick_top_corner.toml"
    result = run("freefloat", "--building", str(flat), "--outdoor-temp", "-10", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_freefloat_start_below_the_outdoor_air() -> None:
    flat = ROOT / "examples" / "flats" / "brick_top_corner.toml"
    args = ("--outdoor-temp", "25", "--start-temp", "20")
    result = run("freefloat", "--building", str(flat), *args)
    assert result.exit_code == 2
    assert "--start-temp: expected above the outdoor temperature (25 °C)" in result.output


def test_freefloat_warns_about_a_table_its_run_leaves_out(tmp_path: Path) -> None:
    """The one-year run keeps the air change rate without ``[infiltration]``, the cool-down
    without ``[scheduled_ventilation]``: each says so on stderr, the JSON stays clean."""
    flat = (ROOT / "examples" / "flats" / "brick_top_corner.toml").read_text()
    leaky = tmp_path / "leaky.toml"
    leaky.write_text(
        flat.replace("[[surfaces]]", "[infiltration]\nleakage_area_cm2 = 250.0\n\n[[surfaces]]", 1)
    )
    year = run("freefloat", "--building", str(leaky), "--outdoor-temp", "-10", "--json")
    assert year.exit_code == 0
    assert "[infiltration] is used by the cool-down (--start-temp) only" in year.stderr
    assert json.loads(year.stdout)["hours"] == 8760
    night = BESTEST / "650FF.toml"
    cool = run("freefloat", "--building", str(night), "--start-temp", "20", "--json")
    assert cool.exit_code == 0
    assert "[scheduled_ventilation] is used by the one-year run" in cool.stderr
    assert "12" in json.loads(cool.stdout)["hours_to_c"]
    quiet = run("freefloat", "--building", str(night), "--json")
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_freefloat_weather_and_outdoor_temp_exclusive() -> None:
    result = run(
        "freefloat",
        "--building",
        str(BESTEST / "600FF.toml"),
        "--outdoor-temp",
        "-5",
        "--weather",
        "x.epw",
        "--start-temp",
        "20",
    )
    assert result.exit_code == 2
    assert "--outdoor-temp" in result.output


BASE = "floor_area_m2 = 10\nvolume_m3 = 27\nair_changes_per_h = 0.5\n"
BRICK = (
    "{ thickness_m = %s, conductivity_w_per_mk = %s, density_kg_per_m3 = 1800, "
    "specific_heat_j_per_kgk = 880 }"
)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            'floor_area_m2 = 10\nvolume_m3 = 27\nair_changes_per_h = 0.5\nthermal_class = "light"'
            '\n[[surfaces]]\nkind = "wall"\nu_w_per_m2k = 0.3\nazimuth_deg = 0\ntilt_deg = 90\n',
            "surfaces[0].area_m2",
        ),
        (
            'floor_area_m2 = 10\nvolume_m3 = 27\nair_changes_per_h = 0.5\nthermal_class = "light"'
            '\n[[surfaces]]\nkind = "door"\narea_m2 = 2\nu_w_per_m2k = 2\n',
            "surfaces[0].kind",
        ),
        (
            f'{BASE}[[surfaces]]\nkind = "wall"\narea_m2 = 9\nazimuth_deg = 0\n'
            f"layers = [{BRICK % ('0.3', '-0.7')}]\n",
            "surfaces[0].layers[0].conductivity_w_per_mk",
        ),
        (
            f'{BASE}[[surfaces]]\nkind = "wall"\narea_m2 = 9\nazimuth_deg = 0\n'
            f"layers = [{BRICK % ('0.3', '0.7')}, {BRICK % ('0', '0.7')}]\n",
            "surfaces[0].layers[1].thickness_m",
        ),
        (
            f'{BASE}[[surfaces]]\nkind = "wall"\narea_m2 = 9\nazimuth_deg = 0\n'
            f'boundary = "neighbour"\nlayers = [{BRICK % ("0.3", "0.7")}]\n',
            "surfaces[0].boundary",
        ),
        (
            f'{BASE}[[surfaces]]\nkind = "wall"\narea_m2 = 9\nazimuth_deg = 0\n'
            f"u_w_per_m2k = 1.0\nlayers = [{BRICK % ('0.3', '0.7')}]\n",
            "surfaces[0].u_w_per_m2k",
        ),
    ],
)
def test_freefloat_bad_building(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "house.toml"
    path.write_text(content)
    result = run("freefloat", "--building", str(path), "--json")
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_freefloat_unreadable_weather(tmp_path: Path) -> None:
    weather = tmp_path / "weather.epw"
    weather.write_text("garbage\n")
    result = run("freefloat", "--building", str(BESTEST / "600FF.toml"), "--weather", str(weather))
    assert result.exit_code == 2
    assert "weather.epw" in result.output
    assert "Traceback" not in result.output


def test_cooldown_demo_json() -> None:
    result = run(
        "cooldown",
        "demo",
        "--damage",
        "heat.heat_plant.0",
        "--outdoor-temp",
        "-10",
        "--hours",
        "48",
        "--json",
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["buildings_without_heat"] > 0
    twelve = payload["thresholds"]["12"]
    assert 0 < twelve["first_building_h"] < 48
    assert payload["people_below_12c_after"]["24h"] <= payload["people_below_12c_after"]["48h"]
    assert payload["people_below_12c_after"]["48h"] <= payload["people_without_heat"]
    network = payload["heat_network"]
    assert network["pipe_sections"] > 0 and network["drain_deadline_h"] > 0
    assert len(payload["buildings"]) == payload["buildings_without_heat"]
    flats = payload["flats"]
    assert {f["position"] for f in flats[:2]} == {"top_corner", "ground_corner"}
    assert sum(f["people"] for f in flats) == pytest.approx(payload["people_without_heat"], abs=6)
    first = [f["hours_to_c"]["12"] for f in flats if f["hours_to_c"]["12"] is not None]
    assert first == sorted(first)
    assert first[0] == twelve["first_building_h"]  # the first flat of any building
    for building in payload["buildings"]:
        assert building["first_flat_hours_to_18c"] is not None
        positions = building["flats"]
        assert sum(f["people"] for f in positions) == pytest.approx(building["population"], 0.01)
        by_flat = [f["hours_to_12c"] for f in positions if f["hours_to_12c"] is not None]
        assert building["first_flat_hours_to_12c"] == (min(by_flat) if by_flat else None)
        risers = building["risers_hours_to_0c"]
        assert risers is None or 0 < risers < 48
    every = [b["risers_hours_to_0c"] for b in payload["buildings"]]
    known = [h for h in every if h is not None]
    assert payload["risers_first_freeze_h"] == (min(known) if known else None)


def test_cooldown_with_weather_csv(tmp_path: Path) -> None:
    csv = tmp_path / "forecast.csv"
    csv.write_text("temp_air_c\n" + "\n".join(str(-5 - h * 0.2) for h in range(30)) + "\n")
    result = run(
        "cooldown", "demo", "--damage", "heat.heat_plant.0", "--weather", str(csv), "--hours", "24"
    )
    assert result.exit_code == 0, result.output
    assert "12 °C" in result.stdout
    assert "People in flats below 12 °C within 24 h:" in result.stdout
    assert "24h" not in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--outdoor-temp", "-10", "--weather", "x.csv"), "not both"),
        (("--outdoor-temp", "-10", "--hours", "-3"), "--hours"),
        (("--outdoor-temp", "-10", "--step-min", "0"), "--step-min"),
        (("--weather", "missing.epw"), "missing.epw"),
    ],
)
def test_cooldown_bad_input(args: tuple[str, ...], message: str) -> None:
    result = run("cooldown", "demo", "--damage", "heat.heat_plant.0", *args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_cooldown_text_names_the_first_risers_to_freeze() -> None:
    """The text gives the risers' first freezing hour and the buildings where they freeze
    within the horizon, as the JSON has them."""
    args = ("cooldown", "demo", "--damage", "heat.heat_plant.0", "--outdoor-temp", "-10")
    payload = json.loads(run(*args, "--json").stdout)
    freezing = [b for b in payload["buildings"] if b["risers_hours_to_0c"] is not None]
    assert freezing and payload["risers_first_freeze_h"] == min(
        b["risers_hours_to_0c"] for b in freezing
    )
    text = " ".join(run(*args).stdout.split())
    assert (
        f"may start freezing after {payload['risers_first_freeze_h']:g} h "
        f"({len(freezing):,} buildings within 72 h)"
    ) in text


def test_cooldown_short_csv(tmp_path: Path) -> None:
    csv = tmp_path / "short.csv"
    csv.write_text("temp_air_c\n-5\n-6\n")
    result = run("cooldown", "demo", "--damage", "heat.heat_plant.0", "--weather", str(csv))
    assert result.exit_code == 2
    assert "short.csv" in result.output


def test_cooldown_csv_sun_placed_at_the_city(tmp_path: Path) -> None:
    rows = ["time,temp_air_c,ghi_w_per_m2,dni_w_per_m2,dhi_w_per_m2"]
    for hour in range(24):
        sun = 500.0 if 9 <= hour <= 14 else 0.0
        rows.append(f"2026-01-10T{hour:02d}:00+02:00,-8,{sun / 2:.0f},{sun:.0f},{sun / 5:.0f}")
    sunny = tmp_path / "sunny.csv"
    sunny.write_text("\n".join(rows) + "\n")
    dark = tmp_path / "dark.csv"
    dark.write_text("temp_air_c\n" + "-8\n" * 24)
    ends = []
    for path in (sunny, dark):
        result = run(
            "cooldown",
            "demo",
            "--damage",
            "heat.heat_plant.0",
            "--weather",
            str(path),
            "--hours",
            "24",
            "--json",
        )
        assert result.exit_code == 0, result.output
        ends.append([b["air_temp_end_c"] for b in json.loads(result.stdout)["buildings"]])
    assert all(s >= d for s, d in zip(*ends, strict=True))
    assert sum(ends[0]) > sum(ends[1])


def test_cooldown_without_damage_is_the_base_state() -> None:
    """As ``warmgrid impact`` without damage: the buildings already without heat (none in
    the demo city) cool down, under the scenario files' default weather."""
    from warmgrid.scenario.spec import DEFAULT_OUTDOOR_TEMP_C

    impact = json.loads(run("impact", "demo", "--json").stdout)
    result = run("cooldown", "demo", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["damaged_asset_ids"] == []
    assert payload["buildings_without_heat"] == len(impact["buildings_without_heat"]) == 0
    assert payload["people_without_heat"] == impact["people_without_heat"] == 0
    assert payload["buildings"] == [] and payload["heat_network"]["pipe_sections"] == 0
    assert all(row["buildings_reached"] == 0 for row in payload["thresholds"].values())
    assert payload["outdoor_temp_c"] == DEFAULT_OUTDOOR_TEMP_C
    text = run("cooldown", "demo")
    assert text.exit_code == 0, text.output
    assert "base state" in text.stdout and "nothing cools down" in text.stdout


def test_cooldown_default_weather_is_the_scenario_default() -> None:
    from warmgrid.scenario.spec import DEFAULT_OUTDOOR_TEMP_C

    args = ("cooldown", "demo", "--damage", "heat.heat_plant.0", "--hours", "12", "--json")
    implicit = run(*args)
    explicit = run(*args, "--outdoor-temp", f"{DEFAULT_OUTDOOR_TEMP_C:g}")
    assert implicit.exit_code == explicit.exit_code == 0, implicit.output
    assert json.loads(implicit.stdout) == json.loads(explicit.stdout)
    assert json.loads(implicit.stdout)["buildings_without_heat"] > 0


def test_cooldown_shorter_than_a_day_says_why_no_people_count() -> None:
    """Under 24 h the JSON has no count of people within 24 or 48 h, and the text says the
    horizon is the reason instead of leaving the line out."""
    args = ("cooldown", "demo", "--damage", "heat.heat_plant.0", "--outdoor-temp", "-10")
    payload = json.loads(run(*args, "--hours", "12", "--json").stdout)
    assert payload["people_below_12c_after"] == {}
    text = " ".join(run(*args, "--hours", "12").stdout.split())
    assert "People in flats below 12 °C within 24 h: beyond the 12 h horizon" in text
    day = " ".join(run(*args, "--hours", "24").stdout.split())
    assert "beyond the" not in day and "People in flats below 12 °C within 24 h:" in day
