"""Shared output helpers for the CLI: JSON on stdout, Rich on a terminal."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

console = Console()
err_console = Console(stderr=True)


def _jsonable(value: Any) -> Any:
    """Plain JSON values; numpy arrays and scalars (anything with ``tolist``) unwrapped,
    without importing numpy, so that commands that never touch it stay light."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else float(value)
    if not isinstance(value, str | int | bool) and hasattr(value, "tolist"):
        return _jsonable(value.tolist())
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
