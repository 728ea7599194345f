"""The report's map and cool-down chart, drawn server-side with matplotlib as SVG.

The map is the city's own geometry on a plain background (no tiles, nothing fetched):
networks, buildings coloured by service state, damaged assets, damage areas, the outage
areas of the public alerts and the warming centres. Longitude is scaled by cos(latitude)
so that the map keeps its shape (equirectangular, fine at city scale).
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

import matplotlib

matplotlib.use("Agg")

import numpy as np
from matplotlib import pyplot as plt
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Ellipse, Patch
from matplotlib.patches import Polygon as PolygonPatch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from warmgrid.alerts.texts import format_count
from warmgrid.geo import METRES_PER_DEGREE
from warmgrid.impact import Circle, Polygon
from warmgrid.plotting import matplotlib_graphics_context
from warmgrid.report.facts import THRESHOLDS_C, CooldownSeries, outage_areas
from warmgrid.scenario.run import Assessment

STATE_COLOURS = {
    "served": "#b8c4cc",
    "no_power": "#e6a700",
    "no_heat": "#2f6fd6",
    "both": "#c0182f",
}
NETWORK_COLOURS = {"power": "#8a8f94", "heat": "#d9a77a"}
DAMAGED = "#c0182f"
RASTER_ABOVE = 5000  # beyond this many buildings or segments, a bitmap inside the SVG
RASTER_DPI = 150


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    with matplotlib_graphics_context():
        figure.savefig(buffer, format="svg", dpi=RASTER_DPI, metadata={"Date": None})
    plt.close(figure)
    return buffer.getvalue()


def _segments(assessment: Assessment, network: str, ids: set[str] | None) -> np.ndarray:
    city = assessment.city
    branches = city.branches[city.branches["network"] == network]
    if ids is not None:
        branches = branches[branches["id"].isin(ids)]
    start = city.node_lonlat(branches["from_node"])
    end = city.node_lonlat(branches["to_node"])
    segments = np.stack([start, end], axis=1)
    return segments[np.isfinite(segments).all(axis=(1, 2))]


def _area_patch(area: Circle | Polygon) -> Patch:
    style: dict[str, Any] = {"facecolor": DAMAGED, "alpha": 0.35, "zorder": 4}
    if isinstance(area, Circle):
        radius_lat = area.radius_m / METRES_PER_DEGREE
        width = 2 * radius_lat / np.cos(np.radians(area.lat))
        return Ellipse((area.lon, area.lat), width, 2 * radius_lat, **style)
    return PolygonPatch(np.asarray(area.coordinates, dtype=float), closed=True, **style)


def building_states(assessment: Assessment) -> np.ndarray:
    """Per building: ``served``, ``no_power``, ``no_heat`` or ``both``."""
    power = assessment.impact.building_without_power
    heat = assessment.impact.building_without_heat
    return np.select([power & heat, power, heat], ["both", "no_power", "no_heat"], default="served")


def city_map(assessment: Assessment, words: Mapping[str, str]) -> str:
    """The map as an SVG document; ``words`` holds the legend labels of the language."""
    city, impact = assessment.city, assessment.impact
    figure, axes = plt.subplots(figsize=(7.2, 4.0), layout="constrained")
    lat0 = float(city.buildings["lat"].mean()) if len(city.buildings) else 0.0
    axes.set_aspect(1.0 / np.cos(np.radians(lat0)))
    damaged = set(impact.damaged_asset_ids)
    for network, colour in NETWORK_COLOURS.items():
        segments = _segments(assessment, network, None)
        lines = LineCollection(list(segments), colors=colour, linewidths=0.6)
        lines.set_rasterized(len(segments) > RASTER_ABOVE)
        axes.add_collection(lines)
    broken = np.concatenate([_segments(assessment, n, damaged) for n in NETWORK_COLOURS])
    axes.add_collection(LineCollection(list(broken), colors=DAMAGED, linewidths=2.4))
    middles = broken.mean(axis=1)
    axes.scatter(middles[:, 0], middles[:, 1], s=60, marker="X", c=DAMAGED, zorder=5)
    buildings = city.buildings
    states = building_states(assessment)
    for state, colour in STATE_COLOURS.items():
        rows = states == state
        axes.scatter(
            buildings["lon"][rows],
            buildings["lat"][rows],
            s=10 if state == "served" else 16,
            c=colour,
            marker="s",
            linewidths=0,
            rasterized=len(buildings) > RASTER_ABOVE,
            zorder=3,
        )
    points = city.nodes[city.nodes["id"].isin(damaged)]
    at_sources = city.sources[city.sources["id"].isin(damaged)]["node"]
    points = [points, city.nodes[city.nodes["id"].isin(at_sources)]]
    for frame in points:
        axes.scatter(frame["lon"], frame["lat"], s=60, marker="X", c=DAMAGED, zorder=5)
    for area in assessment.scenario.damage.areas:
        axes.add_patch(_area_patch(area))
    for outage in outage_areas(assessment):
        ring = np.array(outage.ring_lonlat, dtype=float)
        axes.plot(ring[:, 0], ring[:, 1], color="#5a2a82", linewidth=1.1, linestyle="--")
    centres = assessment.scenario.warming_centres
    if centres:
        axes.scatter(
            [c.lon for c in centres],
            [c.lat for c in centres],
            s=70,
            marker="^",
            c="#1a8a3a",
            edgecolors="white",
            zorder=6,
        )
    axes.autoscale_view()
    axes.set_xticks([])
    axes.set_yticks([])
    for spine in axes.spines.values():
        spine.set_color("#cccccc")
    handles = [
        Patch(color=STATE_COLOURS[s], label=words[f"legend_{s}"])
        for s in ("served", "no_power", "no_heat", "both")
    ] + [
        Line2D([], [], color=NETWORK_COLOURS["power"], label=words["legend_power_net"]),
        Line2D([], [], color=NETWORK_COLOURS["heat"], label=words["legend_heat_net"]),
        Line2D([], [], color=DAMAGED, marker="X", linewidth=2.4, label=words["legend_damaged"]),
        Patch(color=DAMAGED, alpha=0.35, label=words["legend_damage_area"]),
        Line2D([], [], color="#5a2a82", linestyle="--", label=words["legend_outage_area"]),
        Line2D([], [], color="#1a8a3a", marker="^", linestyle="", label=words["legend_centre"]),
    ]
    figure.legend(handles=handles, loc="outside right upper", fontsize=8)
    return _svg(figure)


def cooldown_chart(
    series: CooldownSeries, words: Mapping[str, str], start: str, language: str
) -> str:
    """People below 12 °C and 5 °C over time, without (solid) and with the plan (dashed);
    the people axis counts whole people, written as the report's text writes them
    (:func:`warmgrid.alerts.texts.format_count` in ``language``)."""
    figure, axes = plt.subplots(figsize=(7.2, 2.3), layout="constrained")
    colours = {12.0: "#2f6fd6", 5.0: "#c0182f"}
    for threshold in THRESHOLDS_C:
        below = words["chart_below"].format(threshold=f"{threshold:g}")
        axes.plot(
            series.time_h,
            series.without_plan[threshold],
            color=colours[threshold],
            label=f"{below}, {words['chart_without_plan']}",
        )
        axes.plot(
            series.time_h,
            series.with_plan[threshold],
            color=colours[threshold],
            linestyle="--",
            label=f"{below}, {words['chart_with_plan']}",
        )
    axes.set_xlabel(words["chart_hours"].format(time=start), fontsize=8)
    axes.set_ylabel(words["chart_people"], fontsize=8)
    axes.yaxis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10], integer=True))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda people, _: format_count(people, language)))
    axes.tick_params(labelsize=8)
    axes.set_ylim(bottom=0)
    axes.grid(alpha=0.3)
    figure.legend(fontsize=7, loc="outside right upper")
    return _svg(figure)
