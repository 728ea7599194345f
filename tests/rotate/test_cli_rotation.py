"""``warmgrid rotation publish`` as a user runs it: files written, bad input in one line
with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rotation_data import SCHEDULE_FILE, demo_schedule
from typer.testing import CliRunner

from warmgrid.cli import app

runner = CliRunner()
START = "2026-11-30T18:00:00+02:00"


def test_publish_writes_every_file(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "rotation",
            "publish",
            str(SCHEDULE_FILE),
            "--city",
            "demo",
            "--start",
            START,
            "--out",
            str(out),
            "--issued",
            "2026-11-30T17:00:00+02:00",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["groups"] == 5
    assert sorted(payload["files"]) == sorted(str(p) for p in out.rglob("*") if p.is_file())
    assert (out / "groups" / "A.ics").read_text().startswith("BEGIN:VCALENDAR")


def test_publishing_after_the_last_off_interval_says_why_there_is_no_alert(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    args = ["rotation", "publish", str(SCHEDULE_FILE), "--city", "demo", "--start", START]
    result = runner.invoke(app, [*args, "--out", str(out), "--issued", "2027-01-01T00:00:00Z"])
    assert result.exit_code == 0, result.output
    assert not list((out / "cap").iterdir())
    assert "No CAP alerts written" in result.output


@pytest.mark.parametrize(
    ("edit", "args", "message"),
    [
        (
            None,
            ("--start", "2026-11-30T18:00:00"),
            "--start: '2026-11-30T18:00:00' needs a time zone",
        ),
        (None, ("--start", "tomorrow"), "--start: expected an ISO 8601 time"),
        (
            {"slots": [{"start_h": 0, "end_h": 1, "off": ["F4"]}]},
            (),
            ".slots[0].off[0]: group 'F4' is critical",
        ),
        ({"groups": "none"}, (), ".groups: expected a JSON array"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, edit, args, message: str) -> None:
    path = tmp_path / "schedule.json"
    data = demo_schedule()
    data.update(edit or {})
    path.write_text(json.dumps(data))
    base = [
        "rotation",
        "publish",
        str(path),
        "--city",
        "demo",
        "--start",
        START,
        "--out",
        str(tmp_path / "o"),
    ]
    result = runner.invoke(app, [*base, *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr.replace("\n", "")
    assert "Traceback" not in result.output + result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2  # one line, maybe wrapped once


def test_start_comes_from_the_schedule_when_not_given(tmp_path: Path) -> None:
    path = tmp_path / "schedule.json"
    base = ["rotation", "publish", str(path), "--city", "demo", "--out", str(tmp_path / "o")]
    path.write_text(json.dumps(demo_schedule()))
    missing = runner.invoke(app, base)
    assert missing.exit_code == 2
    assert "--start: needed: the schedule has no 'start' field" in missing.stderr
    path.write_text(json.dumps({**demo_schedule(), "start": "2026-12-02T06:00:00+02:00"}))
    assert runner.invoke(app, base).exit_code == 0
    public = json.loads((tmp_path / "o" / "rotation.json").read_text())
    assert public["start"] == "2026-12-02T06:00:00+02:00"


def test_a_file_given_as_the_out_folder_is_named_and_kept(tmp_path: Path) -> None:
    taken = tmp_path / "notes.txt"
    taken.write_text("mine")
    args = ["rotation", "publish", str(SCHEDULE_FILE), "--city", "demo", "--start", START]
    result = runner.invoke(app, [*args, "--out", str(taken)])
    assert result.exit_code == 2, result.output
    message = " ".join(result.stderr.split())
    assert message == f"error: {taken}: is a file; name a folder to write the schedule into"
    assert taken.read_text() == "mine"
