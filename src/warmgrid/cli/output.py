"""Shared output helpers for the CLI: JSON on stdout, Rich on a terminal."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

if TYPE_CHECKING:
    import pandas as pd

console = Console()
err_console = Console(stderr=True)


def esc(value: object) -> str:
    """Data or message text for a Rich markup string: brackets are shown, never read as
    markup (``[T1]`` stays), numpy scalars print as plain numbers (``-5``)."""
    if type(value).__module__ == "numpy":
        value = value.item()  # type: ignore[attr-defined]
    return escape(str(value))


def figure_label(name: str) -> str:
    """A result field's name as words: ``people_hours_below_12c`` → ``people hours below
    12 °C``, ``last_home_back_h`` → ``last home back (h)``."""
    words = re.sub(r"(?<=_)(-?\d+)c(?=_|$)", r"\1 °C", name)
    return re.sub(r"_h$", " (h)", words).replace("_", " ")


def print_warning(text: object) -> None:
    """``warning: text`` as one line on stderr (never mixed into the JSON on stdout)."""
    err_console.print(f"[yellow]warning:[/] {esc(text)}", highlight=False, soft_wrap=True)


def _unwrap(value: Any) -> Any:
    """What orjson does not serialise itself: sets, and numpy-likes (``tolist``)."""
    if isinstance(value, set | frozenset):
        return list(value)
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def emit_json(payload: Mapping[str, Any]) -> None:
    """Print one JSON object on stdout, indented (NaN and infinity become null).

    Serialised by orjson: numpy arrays and scalars natively, a table of 150,000 rows in
    a fraction of a second."""
    import orjson

    options = orjson.OPT_INDENT_2 | orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS
    data = orjson.dumps(payload, default=_unwrap, option=options | orjson.OPT_APPEND_NEWLINE)
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        sys.stdout.write(data.decode())
        return
    sys.stdout.flush()
    buffer.write(data)
    buffer.flush()


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A table's rows as dicts of plain Python values (faster than ``to_dict("records")``)."""
    names = [str(column) for column in frame.columns]
    columns = [frame[column].tolist() for column in frame.columns]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


class CountColumn(ProgressColumn):
    """``done/total`` of a task, nothing for a step of unknown length (``total=None``)."""

    def render(self, task: Task) -> Text:
        if task.total is None:
            return Text("")
        return Text(f"{task.completed:,.0f}/{task.total:,.0f}")


@contextmanager
def progress(enabled: bool) -> Iterator[Progress | None]:
    """A Rich progress display on stderr, or ``None`` when output is JSON or not a terminal."""
    if not enabled or not err_console.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        CountColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        yield bar


@contextmanager
def step(label: str, enabled: bool) -> Iterator[None]:
    """A Rich spinner with ``label`` on stderr while a step of unknown length runs (none
    when output is JSON or not a terminal)."""
    with progress(enabled) as bar:
        if bar is not None:
            bar.add_task(label, total=None)
        yield
