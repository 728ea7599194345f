"""What every matplotlib chart of warmgrid needs (the restoration Gantt, the report's map
and cool-down chart)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from matplotlib.backend_bases import GraphicsContextBase, RendererBase


def _plain_graphics_context(renderer: RendererBase) -> GraphicsContextBase:
    return GraphicsContextBase()


@contextmanager
def matplotlib_graphics_context() -> Iterator[None]:
    """Draw with matplotlib's own graphics context while saving.

    Importing ``pandapipes.plotting`` (pandapipes 0.16, which importing pandapipes does)
    replaces ``RendererBase.new_gc`` process-wide with one whose cap style is a plain
    string instead of a ``CapStyle``; the SVG backend then fails with "'str' object has no
    attribute 'name'". The replacement is put back afterwards.
    """
    replaced = RendererBase.__dict__["new_gc"]
    RendererBase.new_gc = _plain_graphics_context  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        RendererBase.new_gc = replaced  # type: ignore[method-assign]
