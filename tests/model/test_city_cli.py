"""``warmgrid city import | info | export`` as a user runs them, and broken city files."""

from __future__ import annotations

import json
from pathlib import Path

import pandapipes
import pandapower
import pandas as pd
import pytest
from grid_oracles import schutterwald_net, simbench_net
from typer.testing import CliRunner

from warmgrid.cli import app
from warmgrid.model import load_city, save_city
from warmgrid.model.demo import demo_city
from warmgrid.model.schema import TABLES

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args))


def ok_json(*args: str) -> dict:
    result = run(*args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_info_of_the_demo_city() -> None:
    payload = ok_json("city", "info", "demo")
    assert payload["summary"] == json.loads(json.dumps(demo_city().summary()))
    human = run("city", "info", "demo")
    assert human.exit_code == 0 and "people" in human.stdout


def test_export_then_import_geojson_round_trips(tmp_path: Path) -> None:
    geojson = tmp_path / "demo.geojson"
    exported = ok_json("city", "export", "demo", "--geojson", str(geojson))
    assert exported["features"] == sum(len(demo_city().table(t)) for t in TABLES)
    imported = ok_json("city", "import", "--geojson", str(geojson), "--out", str(tmp_path / "c"))
    assert imported["summary"] == json.loads(json.dumps(demo_city().summary()))
    city = load_city(tmp_path / "c")
    for table in TABLES:
        pd.testing.assert_frame_equal(city.table(table), demo_city().table(table))


def test_import_pandapower_file(tmp_path: Path) -> None:
    net = simbench_net("1-LV-rural1--0-sw")
    path = tmp_path / "lv.json"
    pandapower.to_json(net, str(path))
    payload = ok_json("city", "import", "--pandapower", str(path), "--out", str(tmp_path / "lv"))
    assert payload["summary"]["nodes"] == len(net.bus)
    assert payload["summary"]["kinds"]["sources"] == {"power.ext_grid": 1}
    assert load_city(tmp_path / "lv").name == "lv"


def test_import_pandapipes_file(tmp_path: Path) -> None:
    path = tmp_path / "schutterwald.json"
    pandapipes.to_json(schutterwald_net(), str(path))
    payload = ok_json(
        "city", "import", "--pandapipes", str(path), "--latlon", "--out", str(tmp_path / "s")
    )
    assert payload["summary"]["nodes"] == len(schutterwald_net().junction)
    assert payload["summary"]["buildings"] == len(schutterwald_net().heat_consumer)
    info = ok_json("city", "info", str(tmp_path / "s"))
    assert info["summary"] == payload["summary"]


def _city_folder(tmp_path: Path) -> Path:
    return save_city(demo_city(), tmp_path / "city")


def _cut_parquet(folder: Path) -> None:
    data = (folder / "branches.parquet").read_bytes()
    (folder / "branches.parquet").write_bytes(data[: len(data) // 2])


def _corrupt_manifest(folder: Path) -> None:
    (folder / "city.json").write_text('{"format": "warmgrid-city", "vers')


def _wrong_row_count(folder: Path) -> None:
    manifest = json.loads((folder / "city.json").read_text())
    manifest["tables"]["nodes"] += 1
    (folder / "city.json").write_text(json.dumps(manifest))


def _dangling_branch(folder: Path) -> None:
    branches = pd.read_parquet(folder / "branches.parquet")
    branches.loc[3, "to_node"] = "power.bus.4242"
    branches.to_parquet(folder / "branches.parquet")


def _missing_table(folder: Path) -> None:
    (folder / "sources.parquet").unlink()


@pytest.mark.parametrize(
    ("damage", "needles"),
    [
        (_cut_parquet, ["branches.parquet", "is not a readable Parquet file"]),
        (_corrupt_manifest, ["city.json", "is not valid JSON"]),
        (_wrong_row_count, ["nodes.parquet", "rows, city.json says"]),
        (_dangling_branch, ["table branches, row 3", "power.bus.4242", "names no node"]),
        (_missing_table, ["sources.parquet", "is missing"]),
    ],
)
def test_broken_city_folders_exit_2_naming_the_item(tmp_path: Path, damage, needles) -> None:
    folder = _city_folder(tmp_path)
    damage(folder)
    for args in (
        ("city", "info", str(folder)),
        ("city", "export", str(folder), "--geojson", str(tmp_path / "x.geojson")),
    ):
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        for needle in needles:
            assert needle in result.output, (needle, result.output)


def test_bad_import_arguments_exit_2(tmp_path: Path) -> None:
    broken_geojson = tmp_path / "broken.geojson"
    document = json.loads(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [1]},
                        "properties": {"table": "nodes", "id": "a", "network": "power"},
                    }
                ],
            }
        )
    )
    broken_geojson.write_text(json.dumps(document))
    not_a_net = tmp_path / "net.json"
    not_a_net.write_text("[1, 2")
    out = str(tmp_path / "out")
    cases = [
        (("city", "import", "--out", out), "give exactly one of"),
        (
            ("city", "import", "--simbench", "x", "--geojson", str(broken_geojson), "--out", out),
            "got --simbench, --geojson",
        ),
        (
            ("city", "import", "--geojson", str(broken_geojson), "--out", out),
            "feature 0 (id 'a'): geometry",
        ),
        (
            ("city", "import", "--pandapower", str(tmp_path / "nope.json"), "--out", out),
            "nope.json: does not exist",
        ),
        (
            ("city", "import", "--pandapower", str(not_a_net), "--out", out),
            "is not a readable pandapower JSON net",
        ),
        (
            ("city", "import", "--pandapipes", str(not_a_net), "--out", out),
            "is not a readable pandapipes JSON net",
        ),
        (("city", "import", "--simbench", "no-such-grid", "--out", out), "names no SimBench grid"),
        (("city", "info", str(tmp_path / "nowhere")), "is not a city folder"),
        (
            ("city", "export", "demo", "--geojson", str(tmp_path / "no" / "dir" / "x.geojson")),
            "cannot be written",
        ),
    ]
    for args, needle in cases:
        result = run(*args)
        assert result.exit_code == 2, (args, result.output)
        assert needle in result.output, (args, result.output)
        assert "Traceback" not in result.output
    assert not Path(out).exists()  # nothing half-written


def test_import_into_a_file_path_exits_2(tmp_path: Path) -> None:
    geojson = tmp_path / "demo.geojson"
    assert run("city", "export", "demo", "--geojson", str(geojson)).exit_code == 0
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    result = run("city", "import", "--geojson", str(geojson), "--out", str(blocker / "sub"))
    assert result.exit_code == 2 and "cannot be written" in result.output


@pytest.mark.parametrize(
    ("out", "needle"),
    [
        ("missing/city", "cannot be written: folder {tmp}/missing does not exist"),
        ("city.geojson", "names a .geojson file; give the folder to write the city to"),
        ("a-file", "cannot be written: it is a file, not a folder"),
    ],
    ids=["missing_parent", "file_suffix", "existing_file"],
)
def test_import_checks_out_before_reading_the_grid(tmp_path: Path, out: str, needle: str) -> None:
    """A bad --out is refused before the (slow) grid is read: the unknown SimBench code
    is never looked at."""
    (tmp_path / "a-file").write_text("")
    target = tmp_path / out
    result = run("city", "import", "--simbench", "no-such-grid", "--out", str(target))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    text = "".join(result.output.split("\n"))
    assert needle.format(tmp=tmp_path) in text, text
    assert "SimBench" not in text
    assert out == "a-file" or not target.exists()


def test_simbench_import_emits_no_future_warning() -> None:
    """simbench's converter makes pandas warn on every grid it reads; the import hides
    exactly that warning and nothing else."""
    import warnings

    from warmgrid.model.io.pandapower_io import simbench_net

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        net = simbench_net.__wrapped__("1-LV-rural1--0-sw")
    assert len(net.bus) > 0
    assert not [w for w in caught if issubclass(w.category, FutureWarning)], caught
