"""``plan CITY --start``: ETRs on the city's clock, rounded up to the quarter hour like the
alerts (issue 8, item 16)."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from warmgrid.cli import app

CREWS = Path(__file__).resolve().parents[1] / "restore" / "data" / "demo_crews.json"


def test_plan_etrs_are_kyiv_times_rounded_up_to_quarter_hours() -> None:
    args = ["plan", "demo", "--damage", "power.trafo.3,heat.pipe.76,power.line.70"]
    args += ["--crews", str(CREWS), "--time-limit", "1", "--start", "2026-11-26T03:10:00Z"]
    result = CliRunner().invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["start"] == "2026-11-26T05:10:00+02:00"
    start = datetime(2026, 11, 26, 3, 10, tzinfo=UTC)
    for group, hours in payload["group_restored_h"].items():
        etr = datetime.fromisoformat(payload["group_etr"][group])
        assert etr.utcoffset() == timedelta(hours=2)
        minutes = math.ceil(hours * 60 - 1e-6)  # whole minutes after 03:10 UTC, then quarters
        expected = start + timedelta(minutes=15 * math.ceil((minutes + 10) / 15) - 10)
        assert etr == expected, (group, hours)
