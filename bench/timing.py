"""Timing helper shared by the benchmark scripts (run as a script it does nothing)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def best_of(repeat: int, action: Callable[[], Any]) -> tuple[float, float, Any]:
    """Best wall-clock and CPU seconds of ``repeat`` runs of ``action``, and its last result.

    On a shared machine the CPU time of the process is the steadier of the two figures.
    """
    wall, cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = action()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    return wall, cpu, result
