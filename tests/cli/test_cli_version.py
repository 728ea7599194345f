"""`warmgrid --version` names the installed version (the package metadata's)."""

from __future__ import annotations

from importlib.metadata import version

from typer.testing import CliRunner

from warmgrid.cli import app


def test_version_option_prints_the_installed_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output == f"warmgrid {version('warmgrid')}\n"
