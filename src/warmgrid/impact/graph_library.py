"""igraph, imported without its matplotlib drawing back-end.

igraph's drawing modules import ``matplotlib.pyplot`` at import time when matplotlib is
installed; that costs about a second, a quarter of a whole N-1 screening run, and
warmgrid never draws with igraph (its charts use matplotlib directly). While igraph is
first imported, ``matplotlib`` is marked as absent in :data:`sys.modules`, so igraph falls
back to its placeholder; matplotlib itself stays importable afterwards.
"""

from __future__ import annotations

import sys
from types import ModuleType


def load_igraph() -> ModuleType:
    """The ``igraph`` module (imported on first call, without matplotlib)."""
    if "igraph" in sys.modules or "matplotlib" in sys.modules:
        import igraph

        return igraph
    sys.modules["matplotlib"] = None  # type: ignore[assignment]
    try:
        import igraph
    finally:
        del sys.modules["matplotlib"]
    return igraph
