"""``warmgrid rotate``: the JSON contract on the demo, and bad input → exit 2."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from warmgrid.cli import app
from warmgrid.cli.output import console
from warmgrid.model.demo import IMPORT_LIMIT_MW, demo_city
from warmgrid.rotate.screen import LOSS_ALLOWANCE
from warmgrid.rotate.slots import slot_edges, slot_loads_mw

runner = CliRunner()
EVENING = "2026-11-26T16:00:00+02:00"
DAMAGE = "power.trafo.0"


def test_rotate_json_contract_on_the_demo() -> None:
    args = ["rotate", "demo", "--damage", DAMAGE, "--start", EVENING, "--hours", "4"]
    result = runner.invoke(app, [*args, "--slot-h", "2", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["deficit_mw"] > 0
    assert {"id", "switch_off", "buildings", "people", "load_mw", "critical"} <= set(
        data["groups"][0]
    )
    assert [(s["start_h"], s["end_h"]) for s in data["slots"]] == [(0.0, 2.0), (2.0, 4.0)]
    for key in ("people_hours_below_12c", "jain_index", "energy_not_served_mwh", "baselines"):
        assert key in data


def test_rotate_no_deficit_is_reported_not_an_error() -> None:
    args = ["rotate", "demo", "--start", EVENING, "--hours", "2", "--load-scale", "0.3"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "No deficit" in result.stdout


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--damage", "no.such.asset"], "no.such.asset"),
        (["--load-scale", "5"], "larger than all rotatable load"),
        (["--limit-pct", "0"], "--limit-pct"),
        (["--slot-h", "0"], "--slot-h"),
        (["--hours", "-3"], "--hours"),
        (["--start", "yesterday"], "--start"),
        (["--area", "1,2"], "--area"),
    ],
)
def test_rotate_bad_input_exits_2_with_a_clear_message(extra: list[str], message: str) -> None:
    result = runner.invoke(app, ["rotate", "demo", "--hours", "2", "--start", EVENING, *extra])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_rotate_prints_counts_with_thousands_separators(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tables give people as `impact` and `demo` do (11,899, not 11899), each group's
    count equal to the one in the published schedule."""
    out = tmp_path / "published"
    args = ["rotate", "demo", "--damage", DAMAGE, "--start", EVENING, "--hours", "2"]
    monkeypatch.setattr(console, "width", 200)
    result = runner.invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    schedule = json.loads(next(out.glob("*.json")).read_text())
    groups = schedule.get("schedule", schedule)["groups"]
    large = [group for group in groups if group["people"] >= 1000]
    assert large, "the demo's groups hold thousands of people"
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines() if line.strip()}
    for group in groups:
        assert f"{group['people']:,}" in rows[group["id"]], rows[group["id"]]
    exempt = next(line for line in result.stdout.splitlines() if line.startswith("Homes exempt"))
    assert re.search(r"\d,\d{3} people", exempt) and not re.search(r"\d{4}", exempt), exempt


def test_rotate_without_damage_names_the_city_supply_limit_as_the_cause() -> None:
    """The demo's deficit without damage is its own import limit: the line gives the limit
    against the whole city's load (its buildings' loads plus the losses) in that slot."""
    args = ["rotate", "demo", "--start", EVENING, "--hours", "4", "--slot-h", "2"]
    data = json.loads(runner.invoke(app, [*args, "--json"]).stdout)
    cause = data["deficit_cause"]
    edges = slot_edges(4.0, 2.0)
    loads = slot_loads_mw(demo_city().buildings, edges, datetime.fromisoformat(EVENING), 1.0)
    slot = int(np.flatnonzero(edges == cause["start_h"])[0])
    city_load = float(loads[:, slot].sum()) * (1.0 + LOSS_ALLOWANCE)
    assert cause["kind"] == "sources" and cause["unit"] == "MW" and cause["city_limit"]
    assert cause["available"] == IMPORT_LIMIT_MW
    assert cause["load"] == pytest.approx(city_load, abs=1e-3)
    assert cause["load"] - cause["available"] == pytest.approx(data["deficit_mw"], abs=2e-3)
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.startswith("Cause:")]
    assert len(lines) == 1
    assert f"{IMPORT_LIMIT_MW:,.2f} MW against {city_load:,.2f} MW of load" in lines[0]
    assert "no damage: the limit is the city's own" in lines[0]
