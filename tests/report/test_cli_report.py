"""``warmgrid report`` and ``warmgrid export`` as a user runs them."""

from __future__ import annotations

import csv
import json
import re
import subprocess
from datetime import datetime
from pathlib import Path

import hxl
import pytest
import shapely.geometry
from typer.testing import CliRunner

from warmgrid.cli import app

runner = CliRunner()
DAMAGE = "power.trafo.0,power.trafo.1,power.trafo.2,power.trafo.3,heat.pipe.76"


def run(*args: str):
    return runner.invoke(app, list(args))


def _pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    return int(
        next(line for line in info.stdout.splitlines() if line.startswith("Pages:")).split()[1]
    )


def _pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split())


@pytest.mark.parametrize(
    ("lang", "labels"),
    [
        ("en", ("Situation report", "Key figures", "Why it happened", "Restoration plan")),
        ("uk", ("Оперативне зведення", "Ключові показники", "Чому це сталося", "План відновлення")),
    ],
)
def test_pdf_report_has_one_to_three_pages(tmp_path, demo_assessment, lang, labels) -> None:
    out = tmp_path / f"sitrep-{lang}.pdf"
    result = run("report", "demo", "--out", str(out), "--lang", lang)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF-")
    assert 1 <= _pdf_pages(out) <= 3
    text = _pdf_text(out)
    for label in labels:
        assert label in text
    people = f"{demo_assessment.impact.people_without_heat:,}"
    assert people.replace(",", "," if lang == "en" else " ") in text


def test_hxl_csv_parses_and_sums_to_the_impact(tmp_path, demo_assessment) -> None:
    out = tmp_path / "affected.csv"
    result = run("report", "demo", "--out", str(out), "--format", "hxl")
    assert result.exit_code == 0, result.output
    source = hxl.data(str(out), hxl.InputOptions(allow_local=True))
    tags = [column.display_tag for column in source.columns]
    for tag in (
        "#adm3+name",
        "#loc+code",
        "#geo+lat",
        "#geo+lon",
        "#affected+ind",
        "#date+reported",
    ):
        assert tag in tags
    rows = list(source)
    buildings = [r for r in rows if r.get("#meta+type") == "building"]
    areas = [r for r in rows if r.get("#meta+type") == "area"]
    impact = demo_assessment.impact
    lost = impact.building_without_power | impact.building_without_heat
    population = demo_assessment.city.buildings["population"].to_numpy()
    assert len(buildings) == int(lost.sum())
    assert sum(int(r.get("#affected+ind")) for r in buildings) == int(population[lost].sum())
    assert sum(int(r.get("#affected+ind+heat")) for r in buildings) == impact.people_without_heat
    assert sum(int(r.get("#affected+ind+power")) for r in buildings) == impact.people_without_power
    assert len(areas) == len(demo_assessment.alerts)
    assert sum(int(r.get("#affected+ind")) for r in areas) == int(population[lost].sum())
    assert all(r.get("#loc+area+name") for r in buildings)
    for row in buildings:
        assert 50.0 < float(row.get("#geo+lat")) < 51.0 and 30.0 < float(row.get("#geo+lon")) < 31.0
        assert row.get("#date+reported") == "2026-11-26T04:40+02:00"
    # an area's published ETR (its alert's) is the latest ETR of its buildings
    latest: dict[str, datetime] = {}
    for row in buildings:
        when = datetime.fromisoformat(row.get("#date+etr"))
        name = row.get("#loc+area+name")
        latest[name] = max(latest.get(name, when), when)
    published = {r.get("#loc+area+name"): datetime.fromisoformat(r.get("#date+etr")) for r in areas}
    assert latest == published


MINUTE_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d[+-]\d\d:\d\d")


def test_hxl_times_of_areas_and_buildings_have_one_format(tmp_path) -> None:
    out = tmp_path / "affected.csv"
    result = run("report", "demo", "--out", str(out), "--format", "hxl")
    assert result.exit_code == 0, result.output
    header, tags, *rows = list(csv.reader(out.open(encoding="utf-8")))
    dates = [k for k, tag in enumerate(tags) if tag.startswith("#date")]
    assert len(dates) == 2
    kinds = {row[0] for row in rows for k in dates if row[k]}
    assert kinds == {"area", "building"}
    for row in rows:
        for k in dates:
            assert row[k] == "" or MINUTE_TIME.fullmatch(row[k]), (header[k], row)


def test_export_geojson_round_trips_and_counts_equal_impact_json(tmp_path) -> None:
    out = tmp_path / "outage.geojson"
    exported = run("export", "demo", "--damage", DAMAGE, "--geojson", str(out))
    assert exported.exit_code == 0, exported.output
    impact = json.loads(run("impact", "demo", "--damage", DAMAGE, "--json").stdout)
    collection = json.loads(out.read_text())
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    by_kind: dict[str, list[dict]] = {}
    for feature in features:
        assert shapely.geometry.shape(feature["geometry"]).is_valid
        by_kind.setdefault(feature["properties"]["kind"], []).append(feature["properties"])
    buildings = by_kind["building"]
    assert sorted(b["id"] for b in buildings if b["without_power"]) == sorted(
        impact["buildings_without_power"]
    )
    assert sorted(b["id"] for b in buildings if b["without_heat"]) == sorted(
        impact["buildings_without_heat"]
    )
    assert sum(b["people"] for b in buildings if b["without_heat"]) == impact["people_without_heat"]
    assert (
        sum(b["people"] for b in buildings if b["without_power"]) == impact["people_without_power"]
    )
    assert sorted(a["id"] for a in by_kind["damaged_asset"]) == sorted(impact["damaged_assets"])
    summary = collection["warmgrid"]
    assert summary["people_without_heat"] == impact["people_without_heat"]
    again = json.loads(json.dumps(collection))
    assert again == collection
    heat = sum(a["people_without_heat"] for a in by_kind["outage_area"])
    assert heat == impact["people_without_heat"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("report", "nowhere", "--scenario", "x.toml", "--out", "{tmp}/r.html"), "x.toml"),
        (("report", "demo", "--out", "{tmp}/r.html", "--lang", "fr"), "--lang"),
        (("report", "demo", "--out", "{tmp}/missing/r.html"), "does not exist"),
        (("report", "demo", "--out", "{tmp}/folder.html"), "is a folder"),
        (("report", "demo", "--out", "{tmp}/r.txt"), ".html, .pdf or .csv"),
        (("report", "demo", "--out", "{tmp}/r.html", "--format", "docx"), "--format"),
        (("report", "city-folder-that-is-not-there", "--out", "{tmp}/r.html"), "--scenario"),
        (
            ("export", "nowhere", "--damage", "power.trafo.0", "--geojson", "{tmp}/o.json"),
            "nowhere",
        ),
        (
            ("export", "demo", "--damage", "power.trafo.99", "--geojson", "{tmp}/o.json"),
            "power.trafo.99",
        ),
        (("export", "demo", "--geojson", "{tmp}/o.json"), "--damage"),
    ],
)
def test_bad_input_gives_one_line_and_exit_2(tmp_path, args, needle) -> None:
    (tmp_path / "folder.html").mkdir()
    result = run(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert result.exit_code == 2, result.output
    assert needle in result.output and "Traceback" not in result.output
    assert not list(tmp_path.glob("r.*")) and not list(tmp_path.glob("o.*"))


def test_report_with_a_store_that_does_not_exist_creates_nothing(tmp_path) -> None:
    missing = tmp_path / "typo" / "warmgrid.db"
    result = run("report", "demo", "--out", str(tmp_path / "r.html"), "--db", str(missing))
    assert result.exit_code == 2, result.output
    assert f"no store at {missing}" in " ".join(result.output.split())
    assert not missing.parent.exists() and not (tmp_path / "r.html").exists()
