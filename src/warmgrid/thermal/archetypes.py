"""Building archetypes of cold-climate cities and their 5R1C parameters.

A building of a city names an archetype (``panel_9``, ``brick_prewar``, …) and gives its
floor area, storeys and population; :func:`archetype_parameters` turns whole columns of
buildings into :class:`~warmgrid.thermal.rc.BuildingParams` at once, with any field of the
archetype overridden per building.

Geometry: a rectangular block of the archetype's depth; the footprint is
``floor_area / storeys``, walls ``perimeter · storeys · storey_height`` of which the
window-to-wall ratio is glazed, spread evenly over the four façades; roof and ground floor
equal the footprint. The ground floor lies over an unheated basement, so its U-value is
multiplied by the temperature adjustment factor ``b``. Every value is representative of the
type, not of a particular building; its source is in :data:`SOURCES`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd

from warmgrid.errors import InputError, UnknownIdError
from warmgrid.thermal.building_file import (
    DEFAULT_EMISSIVITY,
    DEFAULT_SOLAR_ABSORPTANCE,
)
from warmgrid.thermal.layers import R_SE_M2K_PER_W
from warmgrid.thermal.rc import (
    LAMBDA_AT,
    MASS_CLASSES,
    BuildingParams,
    SolarChannel,
    ventilation_w_per_k,
)

OCCUPANT_SENSIBLE_GAIN_W = 70.0
"""Sensible heat of a person seated at rest or very light work, ASHRAE Handbook—Fundamentals
(2017) chapter 18, Table 1. Appliances and lighting are left out: in an outage of power and
heat they stop, and leaving them out errs on the side of faster cooling."""

SLAB_THICKNESS_M = 0.3
"""Floor-to-floor height minus clear room height (slab and finishes), for the air volume."""

FRAME_FRACTION = 0.3
"""Frame share of window area, ISO 13790:2008 11.4.5 default."""

FACADE_AZIMUTHS_DEG = (0.0, 90.0, 180.0, 270.0)

ARCHETYPE_CHANNELS = (
    SolarChannel("window", FACADE_AZIMUTHS_DEG, 90.0, 2),
    SolarChannel("opaque", FACADE_AZIMUTHS_DEG, 90.0, 1),
    SolarChannel("opaque", (180.0,), 0.0, 1),
)
"""Solar channels of every archetype building: windows and walls averaged over the four
façades (orientation of city blocks is not known), and the flat roof."""


@dataclass(frozen=True)
class Archetype:
    """A building type. U-values in W/(m²·K), lengths in m, rates per hour."""

    description: str
    storeys: int
    storey_height_m: float
    depth_m: float
    window_to_wall_ratio: float
    u_wall_w_per_m2k: float
    u_window_w_per_m2k: float
    u_roof_w_per_m2k: float
    u_floor_w_per_m2k: float
    floor_adjustment: float
    thermal_bridge_w_per_m2k: float
    g_value: float
    air_changes_per_h: float
    floor_area_per_person_m2: float
    thermal_class: str


NUMERIC_FIELDS = tuple(
    f.name for f in fields(Archetype) if f.name not in ("description", "thermal_class")
)

_SNIP = (
    "USSR building code SNiP II-3-79 'Construction heat engineering' before its 1995 "
    "amendment (required wall resistance about 0.9-1.1 m²K/W), as found in unrefurbished "
    "large-panel blocks of the TABULA/EPISCOPE typologies (Loga, Stein, Diefenbach 2016, "
    "Energy and Buildings 132:4-12)"
)
_DBN = (
    "Ukrainian building code DBN V.2.6-31:2016 'Thermal insulation of buildings', minimum "
    "thermal resistances of temperature zone I: walls 3.3, windows 0.75, roofs 6.0, floors "
    "over unheated basements 3.75 m²K/W"
)
_WINDOW_OLD = (
    "coupled double-sash timber windows, U about 2.7-2.8 W/m²K (TABULA/EPISCOPE typologies, "
    "Loga et al. 2016)"
)
_GEOMETRY = "typical plan of the type (assumption, documented in docs/thermal.md)"

SOURCES: dict[str, str] = {
    "u_wall_w_per_m2k": f"old types: {_SNIP}; modern: {_DBN}; brick: 51-64 cm solid brick "
    "(λ about 0.7-0.8 W/mK, EN ISO 10456) with surface resistances of EN ISO 6946",
    "u_window_w_per_m2k": f"old types: {_WINDOW_OLD}; modern: {_DBN}",
    "u_roof_w_per_m2k": f"old types: {_SNIP}; modern: {_DBN}",
    "u_floor_w_per_m2k": f"old types: {_SNIP}; modern: {_DBN}",
    "floor_adjustment": "temperature adjustment factor b for a floor over an unheated "
    "basement, EN 12831-1:2017 Table B.1 (about 0.5)",
    "thermal_bridge_w_per_m2k": "thermal bridge surcharge on the envelope area, DIN V "
    "4108-6:2003 (0.10 W/m²K without detailed proof, 0.05 with DIN 4108 Beiblatt 2 details)",
    "g_value": "EN 410 / ISO 13790:2008 Table 9 orders: 0.75 for clear double glazing, "
    "0.60 for low-e double glazing",
    "air_changes_per_h": "natural infiltration with ventilation systems off: 0.5 h⁻¹ for "
    "apartment blocks (EN 16798-1:2019 residential basis rate order), higher for leaky "
    "pre-war windows and for hospitals and schools with large doors and shafts (assumption)",
    "floor_area_per_person_m2": "used only when a building's population is unknown: about "
    "20-25 m² per resident for panel-block flats (statistical average of post-Soviet "
    "housing stock, assumption), 10 m² per pupil in schools and 25 m² per patient or staff "
    "member in hospitals (assumption)",
    "thermal_class": "ISO 13790:2008 Table 12: concrete floors and walls → heavy, "
    "solid masonry 51 cm and more → very heavy",
    "internal_gains": "occupants only, 70 W each, ASHRAE Handbook—Fundamentals 2017 ch. 18 Table 1",
    "storey_height_m": _GEOMETRY,
    "depth_m": _GEOMETRY,
    "window_to_wall_ratio": _GEOMETRY,
}
"""Where each archetype parameter comes from."""

ARCHETYPES: dict[str, Archetype] = {
    "panel_5": Archetype(
        description="precast-panel apartment block of the 1960s, 5 storeys",
        storeys=5,
        storey_height_m=2.8,
        depth_m=12.0,
        window_to_wall_ratio=0.18,
        u_wall_w_per_m2k=1.25,
        u_window_w_per_m2k=2.8,
        u_roof_w_per_m2k=1.0,
        u_floor_w_per_m2k=1.0,
        floor_adjustment=0.5,
        thermal_bridge_w_per_m2k=0.10,
        g_value=0.75,
        air_changes_per_h=0.5,
        floor_area_per_person_m2=20.0,
        thermal_class="heavy",
    ),
    "panel_9": Archetype(
        description="precast-panel apartment block of the 1970s-80s, 9 storeys",
        storeys=9,
        storey_height_m=2.8,
        depth_m=12.0,
        window_to_wall_ratio=0.20,
        u_wall_w_per_m2k=1.1,
        u_window_w_per_m2k=2.7,
        u_roof_w_per_m2k=0.9,
        u_floor_w_per_m2k=0.9,
        floor_adjustment=0.5,
        thermal_bridge_w_per_m2k=0.10,
        g_value=0.75,
        air_changes_per_h=0.5,
        floor_area_per_person_m2=22.0,
        thermal_class="heavy",
    ),
    "panel_16": Archetype(
        description="precast-panel apartment tower of the 1980s, 16 storeys",
        storeys=16,
        storey_height_m=2.8,
        depth_m=14.0,
        window_to_wall_ratio=0.20,
        u_wall_w_per_m2k=1.0,
        u_window_w_per_m2k=2.7,
        u_roof_w_per_m2k=0.8,
        u_floor_w_per_m2k=0.8,
        floor_adjustment=0.5,
        thermal_bridge_w_per_m2k=0.10,
        g_value=0.75,
        air_changes_per_h=0.5,
        floor_area_per_person_m2=22.0,
        thermal_class="heavy",
    ),
    "brick_prewar": Archetype(
        description="pre-war solid-brick apartment building (before 1940), 4 storeys",
        storeys=4,
        storey_height_m=3.4,
        depth_m=14.0,
        window_to_wall_ratio=0.20,
        u_wall_w_per_m2k=1.2,
        u_window_w_per_m2k=2.8,
        u_roof_w_per_m2k=1.0,
        u_floor_w_per_m2k=1.0,
        floor_adjustment=0.5,
        thermal_bridge_w_per_m2k=0.10,
        g_value=0.75,
        air_changes_per_h=0.7,
        floor_area_per_person_m2=25.0,
        thermal_class="very_heavy",
    ),
    "modern_insulated": Archetype(
        description="modern insulated apartment block (2016 and later), 10 storeys",
        storeys=10,
        storey_height_m=3.0,
        depth_m=16.0,
        window_to_wall_ratio=0.30,
        u_wall_w_per_m2k=0.30,
        u_window_w_per_m2k=1.33,
        u_roof_w_per_m2k=0.17,
        u_floor_w_per_m2k=0.27,
        floor_adjustment=0.5,
        thermal_bridge_w_per_m2k=0.05,
        g_value=0.60,
        air_changes_per_h=0.4,
        floor_area_per_person_m2=30.0,
        thermal_class="heavy",
    ),
    "hospital": Archetype(
        description="hospital block of the 1970s-80s, concrete frame, 5 storeys",
        storeys=5,
        storey_height_m=3.3,
        depth_m=18.0,
        window_to_wall_ratio=0.30,
        u_wall_w_per_m2k=1.1,
        u_window_w_per_m2k=2.7,
        u_roof_w_per_m2k=0.9,
        u_floor_w_per_m2k=0.9,
        floor_adjustment=0.5,
        thermal_bridge_w_per_m2k=0.10,
        g_value=0.75,
        air_changes_per_h=1.0,
        floor_area_per_person_m2=25.0,
        thermal_class="heavy",
    ),
    "care_home": Archetype(
        description="care home of the 1970s-80s, brick or concrete panels, 4 storeys",
        storeys=4,
        storey_height_m=3.0,
        depth_m=14.0,
        window_to_wall_ratio=0.25,
        u_wall_w_per_m2k=1.1,
        u_window_w_per_m2k=2.7,
        u_roof_w_per_m2k=0.9,
        u_floor_w_per_m2k=0.9,
        floor_adjustment=0.5,
        thermal_bridge_w_per_m2k=0.10,
        g_value=0.75,
        air_changes_per_h=0.7,
        floor_area_per_person_m2=25.0,
        thermal_class="heavy",
    ),
    "school": Archetype(
        description="school of the 1970s-80s, concrete panels, 3 storeys",
        storeys=3,
        storey_height_m=3.5,
        depth_m=15.0,
        window_to_wall_ratio=0.35,
        u_wall_w_per_m2k=1.1,
        u_window_w_per_m2k=2.7,
        u_roof_w_per_m2k=0.9,
        u_floor_w_per_m2k=0.9,
        floor_adjustment=0.5,
        thermal_bridge_w_per_m2k=0.10,
        g_value=0.75,
        air_changes_per_h=0.7,
        floor_area_per_person_m2=10.0,
        thermal_class="heavy",
    ),
}
"""The archetype library, by key."""

USE_DEFAULT_ARCHETYPE = {
    "residential": "panel_9",
    "hospital": "hospital",
    "school": "school",
    "care_home": "care_home",
    "other": "panel_9",
}
"""Archetype of a city building that names none, by its use."""


def _positive(name: str, values: np.ndarray) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    bad = ~(np.isfinite(array) & (array > 0))
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"building {index}, {name}", f"expected a positive number, got {array.flat[index]!r}"
        )
    return array


def archetype_values(
    inverse: np.ndarray, unique: Sequence[str], overrides: Mapping[str, np.ndarray] | None = None
) -> dict[str, np.ndarray]:
    """Every numeric field of :class:`Archetype` per building, overrides applied (NaN keeps
    the archetype value); buildings name archetype ``unique[inverse[i]]``."""
    n = inverse.shape[0]
    for key in unique:
        if key not in ARCHETYPES:
            raise UnknownIdError("archetype", str(key), f"known: {', '.join(ARCHETYPES)}")
    types = [ARCHETYPES[str(k)] for k in unique]
    values = {
        name: np.array([getattr(t, name) for t in types], dtype=np.float64)[inverse]
        for name in NUMERIC_FIELDS
    }
    for name, column in (overrides or {}).items():
        if name not in values:
            raise InputError(f"overrides.{name}", f"expected one of {list(NUMERIC_FIELDS)}")
        replacement = np.broadcast_to(np.asarray(column, dtype=np.float64), (n,))
        values[name] = np.where(np.isfinite(replacement), replacement, values[name])
    for name in NUMERIC_FIELDS:
        if name in ("window_to_wall_ratio", "floor_adjustment", "thermal_bridge_w_per_m2k"):
            continue
        _positive(name, values[name])
    return values


def archetype_parameters(
    keys: Sequence[str] | np.ndarray,
    floor_area_m2: np.ndarray,
    storeys: np.ndarray,
    population: np.ndarray | None = None,
    overrides: Mapping[str, np.ndarray] | None = None,
) -> BuildingParams:
    """5R1C parameters of many buildings from their archetype keys.

    Parameters
    ----------
    keys:
        Archetype key of each building (see :data:`ARCHETYPES`).
    floor_area_m2, storeys:
        Heated floor area (m²) and number of storeys of each building.
    population:
        People in each building (internal gains 70 W each); by default the archetype's
        floor area per person.
    overrides:
        Per-building values replacing archetype fields (any numeric field of
        :class:`Archetype`); NaN keeps the archetype value.
    """
    inverse, unique = pd.factorize(np.asarray(keys, dtype=object))
    n = inverse.shape[0]
    area = _positive("floor_area_m2", np.broadcast_to(floor_area_m2, (n,)))
    levels = _positive("storeys", np.broadcast_to(storeys, (n,)))
    values = archetype_values(inverse, unique, overrides)
    types = [ARCHETYPES[str(k)] for k in unique]
    class_a_m = np.array([MASS_CLASSES[t.thermal_class][0] for t in types])[inverse]
    class_c_m = np.array([MASS_CLASSES[t.thermal_class][1] for t in types])[inverse]

    footprint = area / levels
    depth = np.minimum(values["depth_m"], np.sqrt(footprint))
    perimeter = 2.0 * (footprint / depth + depth)
    wall_gross = perimeter * levels * values["storey_height_m"]
    window = np.clip(values["window_to_wall_ratio"], 0.0, 0.95) * wall_gross
    wall = wall_gross - window
    envelope = wall_gross + 2.0 * footprint
    u_floor = values["u_floor_w_per_m2k"] * values["floor_adjustment"]
    h_op = (
        values["u_wall_w_per_m2k"] * wall
        + values["u_roof_w_per_m2k"] * footprint
        + u_floor * footprint
        + values["thermal_bridge_w_per_m2k"] * envelope
    )
    h_w = values["u_window_w_per_m2k"] * window
    volume = area * np.maximum(values["storey_height_m"] - SLAB_THICKNESS_M, 1.0)
    people = (
        area / values["floor_area_per_person_m2"]
        if population is None
        else np.broadcast_to(np.asarray(population, dtype=np.float64), (n,))
    )
    if np.any(~np.isfinite(people) | (people < 0)):
        raise InputError("population", "expected non-negative numbers")
    sol_air = DEFAULT_SOLAR_ABSORPTANCE * R_SE_M2K_PER_W
    aperture = np.column_stack(
        (
            values["g_value"] * (1.0 - FRAME_FRACTION) * window,
            sol_air * values["u_wall_w_per_m2k"] * wall,
            sol_air * values["u_roof_w_per_m2k"] * footprint,
        )
    )
    h_r = 5.0 * DEFAULT_EMISSIVITY
    sky = (
        R_SE_M2K_PER_W
        * h_r
        * (0.5 * (values["u_wall_w_per_m2k"] * wall + h_w) + values["u_roof_w_per_m2k"] * footprint)
    )
    return BuildingParams(
        floor_area_m2=area,
        h_ve_w_per_k=ventilation_w_per_k(volume, values["air_changes_per_h"]),
        h_tr_w_w_per_k=h_w,
        h_tr_op_w_per_k=h_op,
        c_m_j_per_k=class_c_m * area,
        a_m_m2=class_a_m * area,
        a_t_m2=LAMBDA_AT * area,
        internal_gains_w=OCCUPANT_SENSIBLE_GAIN_W * people,
        radiative_fraction=np.full(n, 0.5),
        solar_aperture_m2=aperture,
        sky_loss_w_per_k=sky,
        solar_channels=ARCHETYPE_CHANNELS,
    )
