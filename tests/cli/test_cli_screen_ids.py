"""Screening tables never cut ids, even at 80 columns (issue 8, item 21)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from warmgrid.cli import app
from warmgrid.cli.output import console
from warmgrid.impact.screen import COUNT_COLUMNS

runner = CliRunner()


@pytest.mark.parametrize("width", [80, 100])
def test_screen_top_10_shows_every_id_whole(monkeypatch: pytest.MonkeyPatch, width: int) -> None:
    monkeypatch.setattr(console, "width", width)
    rows = json.loads(runner.invoke(app, ["screen", "demo", "--top", "10", "--json"]).stdout)
    result = runner.invoke(app, ["screen", "demo", "--top", "10"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "…" not in result.output
    assert max(len(line) for line in lines) <= width
    ids = [row["id"] for row in rows["rows"]]
    assert len(ids) == 10
    for ident, row in zip(ids, rows["rows"], strict=True):
        line = next(line for line in lines if line.split()[:1] == [ident])
        numbers = [int(v) for v in line.split()[1:]]
        assert numbers == [row[column] for column in COUNT_COLUMNS]


def test_sampled_screen_shows_every_asset_of_a_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(console, "width", 80)
    args = ["screen", "demo", "--k", "2", "--samples", "20", "--top", "5"]
    rows = json.loads(runner.invoke(app, [*args, "--json"]).stdout)["rows"]
    shown = runner.invoke(app, args).output.split()
    for row in rows:
        for ident in str(row["assets"]).split(","):
            assert ident in shown
