"""The progress display counts what it knows and shows no "0/None" for a step of unknown
length."""

from __future__ import annotations

from io import StringIO

from rich.console import Console
from rich.progress import Progress

from warmgrid.cli.output import CountColumn, figure_label


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


def test_result_fields_read_as_words_with_units() -> None:
    assert figure_label("people_hours_below_12c") == "people hours below 12 °C"
    assert figure_label("people_hours_below_12c_no_repair") == "people hours below 12 °C no repair"
    assert figure_label("last_home_back_h") == "last home back (h)"
    assert figure_label("people_without_heat") == "people without heat"
