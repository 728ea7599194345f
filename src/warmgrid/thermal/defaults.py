"""Default settings of a cool-down forecast: one set, shared by the ``cooldown`` command,
scenario files (``[cooldown]``) and every caller of :func:`warmgrid.thermal.city.city_cooldown`.
"""

from __future__ import annotations

SET_POINT_C = 20.0
"""Indoor air temperature while heated (°C): the design minimum operative temperature of
residential living spaces in the heating season, EN 16798-1:2019 Table B.2 (category II)."""

HEATING_RADIATIVE_FRACTION = 0.5
"""Share of the heating given off by radiation before the outage (0–1). ISO 13790:2008 C.4
puts all heating at the air node (0); panel and column radiators give off a large part of
their output by radiation (ASHRAE Handbook—HVAC Systems and Equipment 2020, ch. 36), so
warmgrid splits heating like the internal gains of ISO 13790:2008 eq. C.1 (half to the air
node). With 0 the massless air node drops towards the surface temperature as soon as heat
stops and the first building falls below 18 °C within minutes."""

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
