"""Fixtures for the Python examples of the README and docs/ (``make doctest``)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _examples_write_into_a_temporary_folder(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A docs example that saves a city or a file does so in a temporary folder, never in
    the checkout; the repository's ``examples/`` are visible there as they are at its top."""
    if request.node.path.suffix == ".md":
        (tmp_path / "examples").symlink_to(request.config.rootpath / "examples")
        monkeypatch.chdir(tmp_path)
