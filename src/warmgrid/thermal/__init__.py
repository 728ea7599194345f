"""Cool-down forecasting: how fast homes and heat networks get cold when the heat stops.

* :mod:`~warmgrid.thermal.rc` — the 5R1C building model of EN ISO 13790:2008 Annex C as
  arrays over buildings (:class:`BuildingParams`).
* :mod:`~warmgrid.thermal.cooldown` — :func:`simulate_cooldown`, :func:`hours_to_threshold`
  (the fast building-average engine: rotation schedules, ASHRAE 140 free-float).
* :mod:`~warmgrid.thermal.network`, :mod:`~warmgrid.thermal.flats` — the network engine with
  the air's capacity and deep mass; a city's buildings resolved into flats by position.
* :mod:`~warmgrid.thermal.people` — building and city figures from the flats.
* :mod:`~warmgrid.thermal.archetypes` — building types of cold-climate cities with sources,
  :func:`archetype_parameters`.
* :mod:`~warmgrid.thermal.building_file` — building description TOML files.
* :mod:`~warmgrid.thermal.weather` — EPW, hourly CSV or constant weather; irradiance on
  surfaces with pvlib.
* :mod:`~warmgrid.thermal.pipes` — cooling and freezing of stagnant water in pipes.
* :mod:`~warmgrid.thermal.freefloat` — a year without heating (ASHRAE Standard 140 cases).
* :mod:`~warmgrid.thermal.city` — the buildings (by their flats) and heat pipes of a city
  that lost heat.
"""

from warmgrid.thermal.archetypes import ARCHETYPES, archetype_parameters
from warmgrid.thermal.cooldown import (
    DEFAULT_THRESHOLDS_C,
    CooldownResult,
    hours_below,
    hours_to_threshold,
    simulate_cooldown,
)
from warmgrid.thermal.pipes import PipeFreezeTimes, network_freeze_times, pipe_freeze_times
from warmgrid.thermal.rc import BuildingParams, SolarChannel

__all__ = [
    "ARCHETYPES",
    "DEFAULT_THRESHOLDS_C",
    "BuildingParams",
    "CooldownResult",
    "PipeFreezeTimes",
    "SolarChannel",
    "archetype_parameters",
    "hours_below",
    "hours_to_threshold",
    "network_freeze_times",
    "pipe_freeze_times",
    "simulate_cooldown",
]
