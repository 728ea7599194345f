"""Building description files (TOML), the way a designer or a caretaker knows a building.

Top-level keys::

    name = "..."                       # optional
    floor_area_m2 = 48.0               # conditioned floor area A_f
    volume_m3 = 129.6                  # air volume
    air_changes_per_h = 0.5            # infiltration plus ventilation
    internal_gains_w = 200.0           # continuous internal heat gains
    radiative_fraction = 0.5           # optional, share of internal gains that is radiant
    altitude_m = 0.0                   # optional, site altitude (air density)
    interior_surface_area_m2 = ...     # optional, A_t, default 4.5 · A_f (ISO 13790 7.2.2.2)
    thermal_class = "medium"           # ISO 13790 Table 12 class, or
    thermal_capacity_j_per_k = ...     #   a value of C_m with mass_area_m2 (A_m), or
                                       #   heat_capacity_j_per_m2k on the surfaces (κ_j)

and a list ``[[surfaces]]``, each with ``kind`` (``wall``, ``roof``, ``floor``, ``window``),
``area_m2`` and ``u_w_per_m2k``; walls and windows need ``azimuth_deg`` (clockwise from north)
and ``tilt_deg`` (90 = vertical), windows ``g_value`` (total solar energy transmittance at
normal incidence) and optionally ``panes`` (2) and ``frame_fraction`` (0); opaque elements
optionally ``solar_absorptance`` (0.6), ``emissivity`` (0.9) and ``heat_capacity_j_per_m2k``.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path
from typing import Any

import numpy as np

from warmgrid.errors import InputError
from warmgrid.thermal.layers import R_SE_M2K_PER_W, Layer, element_mass, u_value
from warmgrid.thermal.rc import (
    LAMBDA_AT,
    BuildingParams,
    SolarChannel,
    mass_class,
    mass_from_elements,
    ventilation_w_per_k,
)

SURFACE_KINDS = ("wall", "roof", "floor", "window")

BUILDING_KEYS = frozenset(
    {
        "name",
        "floor_area_m2",
        "volume_m3",
        "air_changes_per_h",
        "internal_gains_w",
        "radiative_fraction",
        "altitude_m",
        "interior_surface_area_m2",
        "thermal_class",
        "thermal_capacity_j_per_k",
        "mass_area_m2",
        "scheduled_ventilation",
        "infiltration",
        "ground_temp_c",
        "furniture_heat_capacity_j_per_m2k",
        "surfaces",
        "flats",
    }
)
SURFACE_KEYS = frozenset(
    {
        "kind",
        "area_m2",
        "u_w_per_m2k",
        "azimuth_deg",
        "tilt_deg",
        "g_value",
        "panes",
        "frame_fraction",
        "solar_absorptance",
        "emissivity",
        "heat_capacity_j_per_m2k",
        "layers",
        "boundary",
        "name",
    }
)
LAYER_KEYS = frozenset(
    {
        "thickness_m",
        "conductivity_w_per_mk",
        "density_kg_per_m3",
        "specific_heat_j_per_kgk",
        "material",
    }
)
BOUNDARIES = ("outdoor", "ground", "adiabatic")
VENTILATION_KEYS = frozenset({"flow_m3_per_h", "hours_of_day"})
INFILTRATION_KEYS = frozenset({"leakage_area_cm2", "stack_coefficient", "wind_coefficient"})
FLATS_KEYS = frozenset({"archetype", "storeys", "people"})

STACK_COEFFICIENT = 0.000145
"""Stack coefficient of the basic infiltration model (Sherman and Grimsrud 1980), one storey,
(L/s)²/(cm⁴·K): ASHRAE Handbook—Fundamentals 2017, chapter 16, basic model (2 storeys
0.000290, 3 storeys 0.000435)."""

WIND_COEFFICIENT = 0.000174
"""Wind coefficient of the same model, one storey, shelter class 3 (a typical suburban
shielding), (L/s)²/(cm⁴·(m/s)²): ASHRAE Handbook—Fundamentals 2017, chapter 16."""


def _check_keys(table: dict[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise InputError(
            f"{where}{unknown[0]}", f"unknown key (expected one of {', '.join(sorted(allowed))})"
        )


DEFAULT_SOLAR_ABSORPTANCE = 0.6
"""Solar absorptance of an opaque outer surface when none is given (medium colour; the
ASHRAE Standard 140 value for cases 600 and 900)."""

DEFAULT_EMISSIVITY = 0.9
"""Long-wave emissivity of outer surfaces, ISO 13790:2008 11.4.6 (h_r = 5 ε W/(m²·K))."""

DEFAULT_GROUND_TEMP_C = 8.0
"""Temperature of the ground under and beside a building, °C: the annual mean outdoor air
temperature, as EN ISO 13370:2017 takes for the ground (Kyiv's is about 8 °C)."""

FURNITURE_J_PER_M2K = 10_000.0
"""Heat capacity of furniture per m² of floor, the default internal heat capacity of
EN ISO 52016-1:2017 Table B.17; added to the air's in the air node."""

DEFAULT_RADIATIVE_FRACTION = 0.5
"""ISO 13790:2008 Annex C eq. (C.1): half of the internal gains are convective."""


@dataclass(frozen=True)
class BuildingDescription:
    """A building read from a description file, with its 5R1C parameters (one building)."""

    name: str
    params: BuildingParams
    source: str
    surfaces: tuple[dict[str, Any], ...] = ()
    fields: dict[str, float] = dataclass_field(default_factory=dict)
    ventilation: ScheduledVentilation | None = None
    infiltration: Infiltration | None = None
    flats: FlatsSpec | None = None


def _number(
    table: dict[str, Any],
    key: str,
    where: str,
    *,
    default: float | None = None,
    minimum: float | None = None,
    strictly_positive: bool = False,
    maximum: float | None = None,
) -> float:
    if key not in table:
        if default is None:
            raise InputError(f"{where}.{key}" if where else key, "missing (expected a number)")
        return default
    value = table[key]
    field = f"{where}.{key}" if where else key
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(field, f"expected a number, got {value!r}")
    value = float(value)
    if strictly_positive and value <= 0:
        raise InputError(field, f"expected a positive number, got {value:g}")
    if minimum is not None and value < minimum:
        raise InputError(field, f"expected at least {minimum:g}, got {value:g}")
    if maximum is not None and value > maximum:
        raise InputError(field, f"expected at most {maximum:g}, got {value:g}")
    return value


@dataclass(frozen=True)
class Infiltration:
    """Infiltration by stack and wind, the basic model of ASHRAE Handbook—Fundamentals 2017,
    chapter 16 (Sherman and Grimsrud 1980): ``Q = A_L/1000 · √(C_s |Δθ| + C_w U²)`` m³/s, with
    the effective leakage area ``A_L`` (cm², at 4 Pa), the indoor–outdoor difference ``Δθ``
    (K) and the wind speed ``U`` (m/s, weather station). In addition to
    ``air_changes_per_h``."""

    leakage_area_cm2: float
    stack_coefficient: float = STACK_COEFFICIENT
    wind_coefficient: float = WIND_COEFFICIENT


@dataclass(frozen=True)
class FlatsSpec:
    """``[flats]``: the building's flats by position from an archetype
    (:mod:`warmgrid.thermal.flats`): ``archetype`` key, ``storeys``, ``people`` (default: the
    internal gains at 70 W a person)."""

    archetype: str
    storeys: int
    people: float


@dataclass(frozen=True)
class ScheduledVentilation:
    """Extra outdoor air during some hours of each day (e.g. the night ventilation of
    ASHRAE Standard 140 cases 650 and 950): ``flow_m3_per_h`` of standard air (sea-level
    density, so ``H = 1200 J/(m³K) · flow / 3600`` at any altitude, ISO 13790 9.3.1) while
    the hour of the day (0–23, local standard time of the weather) is in ``hours_of_day``."""

    flow_m3_per_h: float
    hours_of_day: tuple[int, ...]


def _layers(raw: Any, field: str) -> tuple[Layer, ...]:
    if not isinstance(raw, list) or not raw:
        raise InputError(field, "expected a non-empty list of layer tables, inside → outside")
    layers = []
    for j, entry in enumerate(raw):
        where = f"{field}[{j}]"
        if not isinstance(entry, dict):
            raise InputError(where, "expected a table")
        _check_keys(entry, LAYER_KEYS, f"{where}.")
        layers.append(
            Layer(
                thickness_m=_number(entry, "thickness_m", where, strictly_positive=True),
                conductivity_w_per_mk=_number(
                    entry, "conductivity_w_per_mk", where, strictly_positive=True
                ),
                density_kg_per_m3=_number(entry, "density_kg_per_m3", where, minimum=0.0),
                specific_heat_j_per_kgk=_number(
                    entry, "specific_heat_j_per_kgk", where, minimum=0.0
                ),
                material=str(entry.get("material", "")),
            )
        )
    return tuple(layers)


def _construction(
    entry: dict[str, Any], kind: str, field: str, boundary: str
) -> tuple[float, float, tuple[Layer, ...]]:
    """``(U, κ, layers)`` of a surface from ``u_w_per_m2k`` or from its ``layers``."""
    if "layers" not in entry:
        u_value_given = _number(entry, "u_w_per_m2k", field, minimum=0.0)
        kappa = _number(entry, "heat_capacity_j_per_m2k", field, default=0.0, minimum=0.0)
        return (0.0 if boundary == "adiabatic" else u_value_given), kappa, ()
    for key in ("u_w_per_m2k", "heat_capacity_j_per_m2k"):
        if key in entry:
            raise InputError(f"{field}.{key}", "give either layers or this value, not both")
    if kind == "window":
        raise InputError(f"{field}.layers", "windows take u_w_per_m2k and g_value, not layers")
    layers = _layers(entry["layers"], f"{field}.layers")
    return u_value(layers, kind, boundary), element_mass(layers, boundary).active_j_per_m2k, layers


def _surfaces(
    raw: Any, where: str
) -> tuple[list[dict[str, Any]], float, float, list[SolarChannel], list[float], float]:
    """Validate the surfaces; return them with H_tr_w, H_tr_op, channels, apertures, sky."""
    if not isinstance(raw, list) or not raw:
        raise InputError(f"{where}surfaces", "expected a non-empty list of [[surfaces]] tables")
    surfaces: list[dict[str, Any]] = []
    h_w = 0.0
    h_op = 0.0
    sky = 0.0
    groups: dict[tuple[str, float, float, int], float] = {}
    for i, entry in enumerate(raw):
        field = f"{where}surfaces[{i}]"
        if not isinstance(entry, dict):
            raise InputError(field, "expected a table")
        _check_keys(entry, SURFACE_KEYS, f"{field}.")
        kind = entry.get("kind")
        if kind not in SURFACE_KINDS:
            raise InputError(
                f"{field}.kind", f"expected one of {list(SURFACE_KINDS)}, got {kind!r}"
            )
        boundary = entry.get("boundary", "outdoor")
        if boundary not in BOUNDARIES or (kind == "window" and boundary != "outdoor"):
            allowed = ["outdoor"] if kind == "window" else list(BOUNDARIES)
            raise InputError(f"{field}.boundary", f"expected one of {allowed}, got {boundary!r}")
        area = _number(entry, "area_m2", field, strictly_positive=True)
        u_value_w, kappa, layers = _construction(entry, kind, field, boundary)
        exposed = boundary == "outdoor"
        needs_orientation = kind in ("wall", "window") and exposed
        default_tilt = {"wall": 90.0, "window": 90.0, "roof": 0.0, "floor": 180.0}[kind]
        azimuth = _number(entry, "azimuth_deg", field, default=None if needs_orientation else 180.0)
        tilt = _number(entry, "tilt_deg", field, default=default_tilt, minimum=0, maximum=180)
        if not 0.0 <= azimuth <= 360.0:
            raise InputError(f"{field}.azimuth_deg", f"expected 0 to 360, got {azimuth:g}")
        emissivity = _number(entry, "emissivity", field, default=DEFAULT_EMISSIVITY, minimum=0)
        surface = {
            "kind": kind,
            "name": str(entry.get("name", f"{kind} {i}")),
            "area_m2": area,
            "u_w_per_m2k": u_value_w,
            "heat_capacity_j_per_m2k": kappa,
            "layers": layers,
            "boundary": boundary,
            "azimuth_deg": azimuth,
            "tilt_deg": tilt,
            "emissivity": emissivity,
        }
        if kind == "window":
            g_value = _number(entry, "g_value", field, minimum=0.0, maximum=1.0)
            frame = _number(entry, "frame_fraction", field, default=0.0, minimum=0, maximum=1)
            panes = int(_number(entry, "panes", field, default=2.0, minimum=1.0, maximum=4.0))
            h_w += u_value_w * area
            key = ("window", azimuth, tilt, panes)
            groups[key] = groups.get(key, 0.0) + g_value * (1.0 - frame) * area
            surface.update(g_value=g_value, frame_fraction=frame, panes=panes)
        else:
            absorptance = _number(
                entry, "solar_absorptance", field, default=DEFAULT_SOLAR_ABSORPTANCE, minimum=0
            )
            h_op += u_value_w * area
            surface["solar_absorptance"] = absorptance
        if kind != "floor" and exposed:
            sun_m2, sky_w_per_k = sol_air(surface, u_value_w * area)
            if kind != "window":
                key = ("opaque", azimuth, tilt, 1)
                groups[key] = groups.get(key, 0.0) + sun_m2
            sky += sky_w_per_k
        surfaces.append(surface)
    channels = [SolarChannel(k, (az,), tilt, panes) for (k, az, tilt, panes) in groups]
    return surfaces, h_w, h_op, channels, list(groups.values()), sky


def sol_air(surface: dict[str, Any], h_out_w_per_k: float) -> tuple[float, float]:
    """``(sun m², sky W/K)`` of an outer face whose conductance out is ``h_out_w_per_k``:
    the outdoor air in front of it at its sol-air temperature ``θ_e + R_se (α I − F_r h_r
    Δθ_sky)`` (ASHRAE Handbook Fundamentals, "Sol-air temperature"; ISO 13790 11.3.4 and
    eq. 46) is a gain of ``H · R_se · α`` W per W/m² of irradiance on it (0 for a window,
    whose sun goes through it) and a loss of ``H · R_se · F_r h_r`` W per kelvin of sky
    depression."""
    sky_w_per_k = (
        h_out_w_per_k
        * R_SE_M2K_PER_W
        * sky_radiation_w_per_m2k(surface["tilt_deg"], surface["emissivity"])
    )
    sun_m2 = h_out_w_per_k * R_SE_M2K_PER_W * surface.get("solar_absorptance", 0.0)
    return sun_m2, sky_w_per_k


def opaque_channel(channels: Sequence[SolarChannel], surface: dict[str, Any]) -> int:
    """Index in ``channels`` of the solar channel of an opaque ``surface`` (its azimuth and
    tilt, :func:`parse_building`)."""
    key = ("opaque", (surface["azimuth_deg"],), surface["tilt_deg"])
    return next(j for j, c in enumerate(channels) if (c.kind, c.azimuths_deg, c.tilt_deg) == key)


def sky_radiation_w_per_m2k(tilt_deg: float, emissivity: float) -> float:
    """``F_r · h_r`` of an outer face, W/(m²K): its long-wave loss to the sky per kelvin of
    sky depression, ISO 13790:2008 11.3.5 eq. (46) with the form factor
    ``F_r = (1 + cos tilt)/2`` and ``h_r = 5ε`` (11.4.6)."""
    return 0.5 * (1.0 + math.cos(math.radians(tilt_deg))) * 5.0 * emissivity


def _table(raw: Any, field: str, keys: frozenset[str]) -> dict[str, Any]:
    """An optional sub-table of the file, its keys checked."""
    if not isinstance(raw, dict):
        raise InputError(field, "expected a table")
    _check_keys(raw, keys, f"{field}.")
    return raw


def _infiltration(raw: Any, where: str) -> Infiltration | None:
    if raw is None:
        return None
    field = f"{where}infiltration"
    raw = _table(raw, field, INFILTRATION_KEYS)
    return Infiltration(
        leakage_area_cm2=_number(raw, "leakage_area_cm2", field, strictly_positive=True),
        stack_coefficient=_number(
            raw, "stack_coefficient", field, default=STACK_COEFFICIENT, minimum=0.0
        ),
        wind_coefficient=_number(
            raw, "wind_coefficient", field, default=WIND_COEFFICIENT, minimum=0.0
        ),
    )


def _ventilation(raw: Any, where: str) -> ScheduledVentilation | None:
    if raw is None:
        return None
    field = f"{where}scheduled_ventilation"
    raw = _table(raw, field, VENTILATION_KEYS)
    flow = _number(raw, "flow_m3_per_h", field, minimum=0.0)
    hours = raw.get("hours_of_day")
    if (
        not isinstance(hours, list)
        or not hours
        or not all(isinstance(h, int) and not isinstance(h, bool) and 0 <= h <= 23 for h in hours)
    ):
        raise InputError(f"{field}.hours_of_day", f"expected hours 0 to 23, got {hours!r}")
    return ScheduledVentilation(flow, tuple(sorted(set(hours))))


def _flats(raw: Any, where: str, gains_w: float) -> FlatsSpec | None:
    from warmgrid.thermal.archetypes import ARCHETYPES, OCCUPANT_SENSIBLE_GAIN_W

    if raw is None:
        return None
    field = f"{where}flats"
    raw = _table(raw, field, FLATS_KEYS)
    archetype = raw.get("archetype")
    if archetype not in ARCHETYPES:
        known = list(ARCHETYPES)
        raise InputError(f"{field}.archetype", f"expected one of {known}, got {archetype!r}")
    storeys = _number(raw, "storeys", field, minimum=1.0)
    if storeys != int(storeys):
        raise InputError(f"{field}.storeys", f"expected a whole number, got {storeys:g}")
    people = _number(raw, "people", field, default=gains_w / OCCUPANT_SENSIBLE_GAIN_W, minimum=0)
    return FlatsSpec(str(archetype), int(storeys), people)


def parse_building(table: dict[str, Any], source: str = "building") -> BuildingDescription:
    """Turn a parsed description (TOML table) into 5R1C parameters.

    Sources of the coefficients: ISO 13790:2008 (H_ve eq. 21, A_t = 4.5 A_f, Table 12 mass
    classes, eqs. 65–66 for C_m and A_m from κ_j, solar apertures eqs. 44–45, sky radiation
    eq. 46 with F_r = (1 + cos tilt)/2 and h_r = 5ε).
    """
    where = f"{source}: " if source else ""
    _check_keys(table, BUILDING_KEYS, where)
    try:
        floor_area = _number(table, "floor_area_m2", "", strictly_positive=True)
        volume = _number(table, "volume_m3", "", strictly_positive=True)
        ach = _number(table, "air_changes_per_h", "", minimum=0.0)
        gains = _number(table, "internal_gains_w", "", default=0.0, minimum=0.0)
        radiative = _number(
            table,
            "radiative_fraction",
            "",
            default=DEFAULT_RADIATIVE_FRACTION,
            minimum=0,
            maximum=1,
        )
        altitude = _number(table, "altitude_m", "", default=0.0, minimum=-500, maximum=6000)
        ground = _number(
            table, "ground_temp_c", "", default=DEFAULT_GROUND_TEMP_C, minimum=-30, maximum=40
        )
        furniture = _number(
            table,
            "furniture_heat_capacity_j_per_m2k",
            "",
            default=FURNITURE_J_PER_M2K,
            minimum=0.0,
        )
        a_t = _number(
            table,
            "interior_surface_area_m2",
            "",
            default=LAMBDA_AT * floor_area,
            strictly_positive=True,
        )
    except InputError as error:
        raise InputError(f"{where}{error.where}", error.problem) from None
    surfaces, h_w, h_op, channels, apertures, sky = _surfaces(table.get("surfaces"), where)
    if "thermal_capacity_j_per_k" in table:
        c_m = _number(table, "thermal_capacity_j_per_k", where.rstrip(": "), strictly_positive=True)
        a_m = _number(table, "mass_area_m2", where.rstrip(": "), strictly_positive=True)
    elif "thermal_class" in table:
        try:
            a_m_arr, c_m_arr = mass_class(str(table["thermal_class"]), floor_area)
        except InputError as error:
            raise InputError(f"{where}{error.where}", error.problem) from None
        a_m, c_m = float(a_m_arr), float(c_m_arr)
    elif any(s["heat_capacity_j_per_m2k"] > 0 for s in surfaces):
        a_m, c_m = mass_from_elements(
            np.array([s["area_m2"] for s in surfaces]),
            np.array([s["heat_capacity_j_per_m2k"] for s in surfaces]),
        )
    else:
        raise InputError(
            f"{where}thermal_class",
            "missing: give thermal_class, thermal_capacity_j_per_k with mass_area_m2, "
            "or heat_capacity_j_per_m2k on the surfaces",
        )
    name = str(table.get("name", Path(source).stem))
    try:
        params = BuildingParams(
            floor_area_m2=np.array([floor_area]),
            h_ve_w_per_k=np.atleast_1d(ventilation_w_per_k(volume, ach, altitude)),
            h_tr_w_w_per_k=np.array([h_w]),
            h_tr_op_w_per_k=np.array([h_op]),
            c_m_j_per_k=np.array([c_m]),
            a_m_m2=np.array([a_m]),
            a_t_m2=np.array([a_t]),
            internal_gains_w=np.array([gains]),
            radiative_fraction=np.array([radiative]),
            solar_aperture_m2=np.array([apertures]).reshape(1, len(channels)),
            sky_loss_w_per_k=np.array([sky]),
            solar_channels=tuple(channels),
        )
    except InputError as error:
        raise InputError(
            f"{where}{error.where.replace('building 0, ', '')}", error.problem
        ) from None
    return BuildingDescription(
        name=name,
        params=params,
        source=source,
        surfaces=tuple(surfaces),
        fields={
            "floor_area_m2": floor_area,
            "volume_m3": volume,
            "air_changes_per_h": ach,
            "internal_gains_w": gains,
            "radiative_fraction": radiative,
            "altitude_m": altitude,
            "ground_temp_c": ground,
            "furniture_heat_capacity_j_per_m2k": furniture,
        },
        ventilation=_ventilation(table.get("scheduled_ventilation"), where),
        infiltration=_infiltration(table.get("infiltration"), where),
        flats=_flats(table.get("flats"), where, gains),
    )


def load_building(path: str | Path) -> BuildingDescription:
    """Read a building description TOML file."""
    try:
        with open(path, "rb") as handle:
            table = tomllib.load(handle)
    except FileNotFoundError:
        raise InputError(str(path), "building file not found") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(str(path), f"not valid TOML ({error})") from None
    except OSError as error:
        raise InputError(str(path), f"cannot read ({error.strerror})") from None
    return parse_building(table, str(path))
