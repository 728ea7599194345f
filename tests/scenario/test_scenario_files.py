"""Scenario files: paths relative to the file, every key documented, the right command
printed (issue 8, item 20)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from warmgrid.cli import app
from warmgrid.cli.output import console
from warmgrid.model import save_city
from warmgrid.model.demo import demo_city
from warmgrid.model.open import open_city
from warmgrid.scenario import spec
from warmgrid.scenario.spec import demo_scenario, load_scenario

DOCS = Path(__file__).resolve().parents[2] / "docs" / "scenario.md"

SMALL = """
name = "feeder cable cut"
city = "{city}"
start = "2026-11-26T05:00:00Z"
[damage]
assets = ["power.line.70"]
[weather]
hours = 24
outdoor_temp_c = -5
"""


def test_scenario_city_is_resolved_relative_to_the_scenario_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    save_city(demo_city(), tmp_path / "cities" / "lisova")
    path = tmp_path / "cities" / "s.toml"
    path.write_text(SMALL.format(city="lisova"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    scenario = load_scenario(path)
    assert Path(scenario.city) == tmp_path / "cities" / "lisova"
    assert open_city(scenario.city).name == demo_city().name
    assert load_scenario(Path("..") / "cities" / "s.toml").city == "../cities/lisova"


def test_demo_with_a_custom_scenario_prints_its_own_compose_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(console, "width", 1000)  # long temporary paths stay on one line
    path = tmp_path / "my scenario.toml"
    path.write_text(SMALL.format(city="demo"))
    result = CliRunner().invoke(app, ["demo", "--scenario", str(path)])
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    assert f"warmgrid alert compose {shlex.quote(str(path))} --sent " in last
    assert last.endswith("--out DIR` (XML and an Atom feed).")
    assert "--demo" not in last


def _keys_read(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Every key the parser reads from the demo scenario, as documented names."""
    seen: set[str] = set()
    original = spec._Reader.get

    def get(self, key, kind, default=...):
        if self.where != "plan.repair_hours":
            where = re.sub(r"\[\d+\]", "[]", self.where)
            seen.add(f"{where}.{key}" if where else key)
        return original(self, key, kind, default)

    monkeypatch.setattr(spec._Reader, "get", get)
    demo_scenario()
    return seen


def test_every_scenario_key_is_documented_with_unit_and_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keys = _keys_read(monkeypatch)
    assert {"start", "damage.areas[].radius_m", "cooldown.step_min"} <= keys
    rows = {}
    for line in DOCS.read_text().splitlines():
        match = re.match(r"\| `([^`]+)` \|(.*)\|$", line)
        if match:
            rows[match[1]] = [cell.strip() for cell in match[2].split("|")]
    tables = {"damage", "damage.areas", "weather", "cooldown", "plan", "plan.repair_hours"}
    tables |= {"crews", "warming_centres", "deployment"}
    missing = sorted(k for k in keys - tables if k not in rows)
    assert not missing, f"docs/scenario.md lacks {missing}"
    for key in keys - tables:
        kind, _unit, default, meaning = rows[key]
        assert kind and default and meaning, key


def test_the_keys_scenario_files_accept_are_the_documented_ones() -> None:
    """A scenario table accepts exactly the keys docs/scenario.md lists for it."""
    documented = {
        key.replace("[]", "")
        for key in re.findall(r"^\| `([^`]+)` \|", DOCS.read_text(), flags=re.MULTILINE)
        if not key.startswith("plan.repair_hours.")
    }
    accepted = {
        f"{table}.{key}" if table else key
        for table, keys in spec.TABLE_KEYS.items()
        for key in keys
    }
    deprecated = {f"{table}.{key}" for table, keys in spec.DEPRECATED_KEYS.items() for key in keys}
    tables = set(spec.TABLE_KEYS) | {"plan.repair_hours"}
    assert accepted - tables - deprecated == documented
    section = DOCS.read_text().split("### Deprecated keys")[1]
    assert all(f"- `{key}`:" in section for key in deprecated)
