"""A deprecated scenario key still loads, with one warning line naming the file and the key,
and changes nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from warmgrid.scenario.spec import load_scenario

SCENARIO = """\
name = "old file"
city = "demo"
start = "2026-11-26T05:00:00+02:00"
[damage]
assets = ["heat.heat_plant.0"]
[weather]
hours = 24
outdoor_temp_c = -10
[cooldown]
water_temp_c = 55.0
"""
DEPRECATED = "heating_radiative_fraction = 0.3\n"


def _files(tmp_path: Path) -> tuple[Path, Path]:
    new, old = tmp_path / "new.toml", tmp_path / "old.toml"
    new.write_text(SCENARIO)
    old.write_text(SCENARIO + DEPRECATED)
    return new, old


def test_the_key_loads_with_a_warning_and_changes_nothing(tmp_path: Path) -> None:
    new, old = _files(tmp_path)
    with pytest.warns(FutureWarning) as caught:
        scenario = load_scenario(old)
    (warning,) = caught
    message = str(warning.message)
    assert message.startswith(f"{old}: [cooldown] heating_radiative_fraction has no effect")
    assert "\n" not in message
    assert scenario == load_scenario(new)


def test_a_file_without_it_loads_without_a_warning(tmp_path: Path) -> None:
    new, _ = _files(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", FutureWarning)
        load_scenario(new)


def test_the_command_line_prints_it_as_one_line_on_stderr(tmp_path: Path) -> None:
    """A real process, with Python's default warning filters: stdout is still one JSON
    object, stderr exactly one line."""
    _, old = _files(tmp_path)
    script = "from warmgrid.cli import main; main()"
    done = subprocess.run(
        [sys.executable, "-c", script, "demo", "--scenario", str(old), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["scenario"] == "old file"
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"warning: {old}: [cooldown] heating_radiative_fraction has no effect")
