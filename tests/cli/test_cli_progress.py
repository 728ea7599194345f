"""The progress display counts what it knows and shows no "0/None" for a step of unknown
length."""

from __future__ import annotations

from io import StringIO

from rich.console import Console
from rich.progress import Progress

from warmgrid.cli.output import CountColumn


def _line(total: float | None, completed: float) -> str:
    out = StringIO()
    console = Console(file=out, force_terminal=True, width=80, color_system=None)
    with Progress(CountColumn(), console=console, auto_refresh=False) as bar:
        bar.add_task("step", total=total, completed=completed)
        bar.refresh()
    return out.getvalue()


def test_a_counted_task_shows_done_and_total() -> None:
    assert "250/1,000" in _line(1000, 250)


def test_a_step_of_unknown_length_shows_no_count() -> None:
    line = _line(None, 0)
    assert "None" not in line and "/" not in line
