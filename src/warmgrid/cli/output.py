"""Shared output helpers for the CLI: JSON on stdout, Rich on a terminal."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

console = Console()
err_console = Console(stderr=True)


def esc(value: object) -> str:
    """Data or message text for a Rich markup string: brackets are shown, never read as
    markup (``[T1]`` stays), numpy scalars print as plain numbers (``-5``)."""
    if isinstance(value, np.generic):
        value = value.item()
    return escape(str(value))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        number = float(value)
        return None if math.isnan(number) or math.isinf(number) else number
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def emit_json(payload: dict[str, Any]) -> None:
    """Print one JSON object on stdout (NaN and infinity become null)."""
    sys.stdout.write(json.dumps(_jsonable(payload), ensure_ascii=False, indent=2))
    sys.stdout.write("\n")


@contextmanager
def progress(enabled: bool) -> Iterator[Progress | None]:
    """A Rich progress display on stderr, or ``None`` when output is JSON or not a terminal."""
    if not enabled or not err_console.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        yield bar
