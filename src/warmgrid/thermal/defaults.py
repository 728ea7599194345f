"""Default settings of a cool-down forecast: one set, shared by the ``cooldown`` command,
scenario files (``[cooldown]``) and every caller of :func:`warmgrid.thermal.city.city_cooldown`.
"""

from __future__ import annotations

SET_POINT_C = 20.0
"""Indoor air temperature while heated (°C): the design minimum operative temperature of
residential living spaces in the heating season, EN 16798-1:2019 Table B.2 (category II)."""

WATER_TEMP_C = 50.0
"""Water temperature in the heat network's pipes when the flow stops (°C): between the
winter supply (70–95 °C) and return (40–70 °C) temperatures of the 95/70 °C and 150/70 °C
design curves of district heating (SNiP 41-02-2003), taken low so that the freezing
deadline is never late."""

STEP_MIN = 15.0
"""Time step of the simulation (minutes); the integration is exact for inputs held within a
step (see ``docs/thermal.md``), the step sets how finely crossings are reported."""

HORIZON_H = 72.0
"""Forecast horizon (hours)."""
