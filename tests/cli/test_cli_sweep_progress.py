"""The sweep command on a real terminal (a pseudo-terminal): Rich progress for every step,
including the ones before and after the scenarios; with --json nothing on stderr."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

SETS = [["power.trafo.3", "power.trafo.4"], ["heat.pipe.0", "power.line.0"], ["heat.pipe.7"]]
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _sweep_on_a_terminal(tmp_path: Path, *extra: str) -> tuple[str, str]:
    """stdout, and what the command wrote to its terminal on stderr (escapes removed)."""
    sets = tmp_path / "sets.json"
    sets.write_text(json.dumps(SETS))
    args = ["sweep", "demo", "--scenarios", str(sets), "--workers", "0"]
    args += ["--out", str(tmp_path / "out"), *extra]
    leader, follower = os.openpty()
    seen = bytearray()

    def drain() -> None:
        while True:
            try:
                data = os.read(leader, 4096)
            except OSError:
                return
            if not data:
                return
            seen.extend(data)

    reader = threading.Thread(target=drain)
    reader.start()
    try:
        done = subprocess.run(
            [sys.executable, "-c", "from warmgrid.cli import main; main()", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=follower,
            text=True,
            timeout=300,
            check=False,
            env={**os.environ, "COLUMNS": "120"},
        )
    finally:
        os.close(follower)
        reader.join(timeout=10)
        os.close(leader)
    assert done.returncode == 0, seen.decode(errors="replace")
    return done.stdout, ANSI.sub("", seen.decode(errors="replace"))


def test_every_step_shows_progress_on_a_terminal(tmp_path: Path) -> None:
    stdout, terminal = _sweep_on_a_terminal(tmp_path)
    assert "cooling every building once" in terminal
    assert "3/3" in terminal and "scenarios/s" in terminal
    assert "interactions: each asset of a pair alone" in terminal
    assert "3 scenarios of warmgrid demo city" in stdout
    assert "people hours below 12 °C" in stdout and "12c" not in stdout


def test_json_is_quiet_on_a_terminal(tmp_path: Path) -> None:
    stdout, terminal = _sweep_on_a_terminal(tmp_path, "--json")
    assert json.loads(stdout)["scenarios"] == len(SETS)
    assert terminal.strip() == ""
