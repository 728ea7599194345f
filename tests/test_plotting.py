"""Charts survive pandapipes replacing matplotlib's graphics context process-wide."""

from __future__ import annotations

import pytest
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.patches import Ellipse

from warmgrid.report.plots import _svg


@pytest.mark.xdist_group("pandapipes_plotting")
def test_report_svg_survives_pandapipes_patching_matplotlib() -> None:
    import pandapipes.plotting  # noqa: F401  (replaces RendererBase.new_gc process-wide)

    figure = Figure()
    axes = figure.add_subplot()
    axes.plot([0, 1], [1, 0], solid_capstyle="round")
    axes.add_patch(Ellipse((0.5, 0.5), 0.2, 0.1))
    axes.add_collection(LineCollection([[(0, 0), (1, 1)], [(0, 1), (1, 0)]]))
    axes.scatter([0.2, 0.8], [0.2, 0.8])
    assert _svg(figure).lstrip().startswith("<?xml")
