"""``--area-file F.geojson`` polygon damage areas and ``--repair-hours kind=h,…``
(issue 8, item 25)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from warmgrid.cli import app
from warmgrid.model.demo import demo_city

runner = CliRunner()
CREWS = Path(__file__).resolve().parents[1] / "restore" / "data" / "demo_crews.json"
BOX = (30.5075, 50.4352, 30.5100, 50.4365)  # west, south, east, north around debris site 1


def _square(west: float, south: float, east: float, north: float) -> list[list[float]]:
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


def _write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document))
    return path


def _json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_polygon_area_damages_exactly_the_nodes_inside(tmp_path: Path) -> None:
    feature = {
        "type": "Feature",
        "properties": {"label": "debris"},
        "geometry": {"type": "Polygon", "coordinates": [_square(*BOX)]},
    }
    path = _write(tmp_path / "area.geojson", {"type": "FeatureCollection", "features": [feature]})
    damaged = set(_json("impact", "demo", "--area-file", str(path))["damaged_assets"])
    nodes = demo_city().nodes
    west, south, east, north = BOX
    inside = nodes[nodes.lon.between(west, east) & nodes.lat.between(south, north)]
    assert len(inside) >= 1
    assert set(inside["id"]) == damaged & set(nodes["id"])
    cooled = _json(
        "cooldown", "demo", "--area-file", str(path), "--outdoor-temp", "-5", "--hours", "6"
    )
    assert set(cooled["damaged_asset_ids"]) == damaged
    exported = _json("export", "demo", "--area-file", str(path), "--geojson", str(tmp_path / "o"))
    assert set(exported["damaged_assets"]) == damaged


def test_multipolygon_is_the_union_of_its_parts(tmp_path: Path) -> None:
    west, south, east, north = BOX
    half = (west + east) / 2
    parts = [[_square(west, south, half, north)], [_square(half, south, east, north)]]
    multi = _write(tmp_path / "m.geojson", {"type": "MultiPolygon", "coordinates": parts})
    whole = _write(tmp_path / "w.geojson", {"type": "Polygon", "coordinates": [_square(*BOX)]})
    one = set(_json("impact", "demo", "--area-file", str(whole))["damaged_assets"])
    two = set(_json("impact", "demo", "--area-file", str(multi))["damaged_assets"])
    assert one == two


@pytest.mark.parametrize(
    ("document", "needle"),
    [
        ({"type": "Point", "coordinates": [30.5, 50.4]}, "expected a Polygon or MultiPolygon"),
        ({"type": "Polygon", "coordinates": [[[30.5, 50.4], [30.6, 50.4], [30.5, 50.4]]]}, "four"),
        (
            {"type": "Polygon", "coordinates": [[[30.5, 50.4], [30.6, 1e999], [30.6, 50.5]] * 2]},
            "WGS84",
        ),
        ({"type": "FeatureCollection", "features": []}, "features"),
    ],
)
def test_bad_area_files_are_refused_naming_the_file(
    tmp_path: Path, document: object, needle: str
) -> None:
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(document).replace("Infinity", "1e999"))
    result = runner.invoke(app, ["impact", "demo", "--area-file", str(path)])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "bad.geojson" in text
    assert needle in text


DAMAGE = "power.trafo.3,heat.pipe.76"


def test_repair_hours_set_the_task_durations() -> None:
    args = ["plan", "demo", "--damage", DAMAGE, "--crews", str(CREWS), "--time-limit", "1"]
    plan = _json(*args, "--repair-hours", "trafo=12.5,heat.pipe.76=30")
    durations = {
        step["task"]: step["end_h"] - step["start_h"]
        for steps in plan["timeline"].values()
        for step in steps
    }
    assert durations["power.trafo.3"] == pytest.approx(12.5)
    assert durations["heat.pipe.76"] == pytest.approx(30.0)


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ("trafo=inf", "trafo"),
        ("trafo", "KIND=HOURS"),
        ("trafoo=3", "'trafoo'"),
        ("pipe=-1", "pipe"),
    ],
)
def test_bad_repair_hours_are_refused(value: str, needle: str) -> None:
    args = ["plan", "demo", "--damage", DAMAGE, "--crews", str(CREWS), "--repair-hours", value]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "--repair-hours" in result.output and needle in result.output
