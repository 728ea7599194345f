"""Cooling and freezing of stagnant water in heat-network pipes.

With the circulation stopped, the water in a pipe section cools through its insulation
towards the ambient temperature. The water is taken as well mixed and the heat capacity of
the steel and insulation is neglected, as in the freeze-protection method of the ASHRAE
Handbook—Fundamentals (2017, chapter 23 "Insulation for mechanical systems", section
"Freeze prevention"):

    t_start = ρ c_p (π d_i² / 4) · R' · ln((T_water − T_amb) / (T_freeze − T_amb)),

with ``R'`` the thermal resistance per metre of insulation (and outer surface film, when
given). Freezing through then needs the latent heat of all the water; the ice layer growing
inwards adds the resistance ``ln(r_i / r) / (2π k_ice)``, and the quasi-steady (Stefan)
integration of ``ρ L 2π r dr = (T_f − T_amb) / (R' + ln(r_i/r)/(2π k_ice)) dt`` from the
wall to the axis gives

    t_frozen − t_start = ρ L r_i² (π R' + 1 / (4 k_ice)) / (T_freeze − T_amb).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from warmgrid.errors import InputError

WATER_DENSITY_KG_PER_M3 = 999.8
"""Water at 0-5 °C, CRC Handbook of Chemistry and Physics."""

WATER_HEAT_CAPACITY_J_PER_KGK = 4200.0
"""Water between 0 and 80 °C (4.18-4.22 kJ/(kg·K)), CRC Handbook."""

LATENT_HEAT_FUSION_J_PER_KG = 333_600.0
"""Latent heat of fusion of ice at 0 °C, CRC Handbook."""

ICE_CONDUCTIVITY_W_PER_MK = 2.22
"""Ice at 0 °C, CRC Handbook."""

FREEZING_POINT_C = 0.0

PUR_CONDUCTIVITY_W_PER_MK = 0.029
"""Upper limit for the polyurethane foam of pre-insulated district-heating pipes at 50 °C,
EN 253:2019 clause 5.4.5."""

EN253_SERIES1_M: tuple[tuple[float, float, float, float], ...] = (
    # (steel outer diameter, steel wall thickness, casing outer diameter, casing wall), m
    (0.0337, 0.0026, 0.090, 0.0030),
    (0.0424, 0.0026, 0.110, 0.0030),
    (0.0483, 0.0026, 0.110, 0.0030),
    (0.0603, 0.0029, 0.125, 0.0030),
    (0.0761, 0.0029, 0.140, 0.0030),
    (0.0889, 0.0032, 0.160, 0.0030),
    (0.1143, 0.0036, 0.200, 0.0032),
    (0.1397, 0.0036, 0.225, 0.0034),
    (0.1683, 0.0040, 0.250, 0.0036),
    (0.2191, 0.0045, 0.315, 0.0041),
    (0.2730, 0.0050, 0.400, 0.0048),
    (0.3239, 0.0056, 0.450, 0.0052),
    (0.3556, 0.0056, 0.500, 0.0056),
    (0.4064, 0.0063, 0.560, 0.0060),
    (0.4572, 0.0063, 0.630, 0.0066),
    (0.5080, 0.0063, 0.710, 0.0072),
    (0.6100, 0.0071, 0.800, 0.0079),
)
"""Pre-insulated bonded district-heating pipes, insulation series 1 (EN 253:2019 with
EN 10217-2 steel pipes; dimensions as in manufacturers' catalogues): the default insulation
of a pipe section from its inner diameter."""


@dataclass(frozen=True)
class PipeFreezeTimes:
    """Per section: hours until freezing starts and until frozen through.

    ``inf`` when the ambient is at or above freezing (the water never freezes) and 0 when
    the water is already at or below the freezing point.
    """

    hours_to_freeze_start: np.ndarray
    hours_to_frozen: np.ndarray

    @property
    def drain_deadline_h(self) -> float:
        """Earliest start of freezing over all sections: the deadline to drain the network."""
        if self.hours_to_freeze_start.size == 0:
            return float("inf")
        return float(np.min(self.hours_to_freeze_start))


def _array(name: str, value: np.ndarray | float, n: int, minimum: float | None) -> np.ndarray:
    array = np.broadcast_to(np.asarray(value, dtype=np.float64), (n,))
    bad = ~np.isfinite(array)
    if minimum is not None:
        bad |= array < minimum
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        raise InputError(
            f"pipe section {index}, {name}",
            f"expected a finite number{'' if minimum is None else f' >= {minimum:g}'}, "
            f"got {array[index]!r}",
        )
    return array


def insulation_resistance_m_k_per_w(
    pipe_outer_diameter_m: np.ndarray,
    insulation_thickness_m: np.ndarray,
    insulation_conductivity_w_per_mk: np.ndarray,
    outer_film_w_per_m2k: np.ndarray | float = np.inf,
) -> np.ndarray:
    """Thermal resistance of one metre of insulated pipe, m·K/W (pipe wall neglected).

    ``R' = ln(D_ins / D_pipe) / (2π k) + 1 / (h_out π D_ins)`` (cylindrical conduction,
    ASHRAE Handbook—Fundamentals 2017 chapter 4).
    """
    outer = pipe_outer_diameter_m + 2.0 * insulation_thickness_m
    with np.errstate(divide="ignore"):
        film = np.where(
            np.isinf(outer_film_w_per_m2k), 0.0, 1.0 / (outer_film_w_per_m2k * np.pi * outer)
        )
    return (
        np.log(outer / pipe_outer_diameter_m) / (2.0 * np.pi * insulation_conductivity_w_per_mk)
        + film
    )


def pipe_freeze_times(
    inner_diameter_m: np.ndarray | float,
    insulation_thickness_m: np.ndarray | float,
    insulation_conductivity_w_per_mk: np.ndarray | float,
    water_temp_c: np.ndarray | float,
    ambient_temp_c: np.ndarray | float,
    pipe_outer_diameter_m: np.ndarray | float | None = None,
    outer_film_w_per_m2k: np.ndarray | float = np.inf,
) -> PipeFreezeTimes:
    """Hours until the stagnant water in each pipe section starts to freeze and is frozen.

    Parameters (arrays of one value per section, or scalars)
    ----------
    inner_diameter_m:
        Inner diameter of the pipe, m.
    insulation_thickness_m, insulation_conductivity_w_per_mk:
        Insulation around the pipe, m and W/(m·K).
    water_temp_c:
        Water temperature when the flow stops, °C.
    ambient_temp_c:
        Temperature around the insulation, °C (outdoor air for pipes above ground or in
        ventilated chambers; soil temperature for buried pipes).
    pipe_outer_diameter_m:
        Outer diameter of the pipe wall (the insulation's inner diameter); default the
        inner diameter.
    outer_film_w_per_m2k:
        Surface heat transfer coefficient outside the insulation; default none (infinite),
        as in the ASHRAE Handbook example.
    """
    inputs = [inner_diameter_m, insulation_thickness_m, insulation_conductivity_w_per_mk]
    inputs += [water_temp_c, ambient_temp_c]
    if pipe_outer_diameter_m is not None:
        inputs.append(pipe_outer_diameter_m)
    try:
        shape = np.broadcast_shapes(*(np.shape(v) for v in inputs), (1,))
    except ValueError:
        raise InputError("pipe sections", "inputs have different numbers of sections") from None
    if len(shape) != 1:
        raise InputError("pipe sections", "expected one value per section")
    n = shape[0]
    d_i = _array("inner_diameter_m", inner_diameter_m, n, None)
    if np.any(d_i <= 0):
        index = int(np.flatnonzero(d_i <= 0)[0])
        raise InputError(f"pipe section {index}, inner_diameter_m", "expected a positive number")
    thickness = _array("insulation_thickness_m", insulation_thickness_m, n, 0.0)
    conductivity = _array(
        "insulation_conductivity_w_per_mk", insulation_conductivity_w_per_mk, n, 0
    )
    if np.any(conductivity <= 0):
        index = int(np.flatnonzero(conductivity <= 0)[0])
        raise InputError(
            f"pipe section {index}, insulation_conductivity_w_per_mk", "expected a positive number"
        )
    water = _array("water_temp_c", water_temp_c, n, None)
    ambient = _array("ambient_temp_c", ambient_temp_c, n, None)
    d_o = (
        d_i
        if pipe_outer_diameter_m is None
        else _array("pipe_outer_diameter_m", pipe_outer_diameter_m, n, 0.0)
    )
    if np.any(d_o < d_i):
        index = int(np.flatnonzero(d_o < d_i)[0])
        raise InputError(
            f"pipe section {index}, pipe_outer_diameter_m", "expected at least the inner diameter"
        )
    resistance = insulation_resistance_m_k_per_w(d_o, thickness, conductivity, outer_film_w_per_m2k)
    radius = 0.5 * d_i
    capacity = WATER_DENSITY_KG_PER_M3 * WATER_HEAT_CAPACITY_J_PER_KGK * np.pi * radius**2
    below = ambient < FREEZING_POINT_C
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (water - ambient) / (FREEZING_POINT_C - ambient)
        sensible_s = np.where(water <= FREEZING_POINT_C, 0.0, capacity * resistance * np.log(ratio))
        latent_s = (
            WATER_DENSITY_KG_PER_M3
            * LATENT_HEAT_FUSION_J_PER_KG
            * radius**2
            * (np.pi * resistance + 1.0 / (4.0 * ICE_CONDUCTIVITY_W_PER_MK))
            / (FREEZING_POINT_C - ambient)
        )
    start_h = np.where(below, sensible_s / 3600.0, np.inf)
    frozen_h = np.where(below, (sensible_s + latent_s) / 3600.0, np.inf)
    return PipeFreezeTimes(hours_to_freeze_start=start_h, hours_to_frozen=frozen_h)


def default_insulation(inner_diameter_m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(pipe outer diameter, insulation thickness)`` in m of EN 253 series 1 pipes.

    Each section takes the catalogue size whose inner diameter (outer minus two walls) is
    nearest to ``inner_diameter_m``, with its wall thickness and its insulation (the space
    inside the casing).
    """
    table = np.array(EN253_SERIES1_M)
    inner = table[:, 0] - 2.0 * table[:, 1]
    index = np.abs(np.asarray(inner_diameter_m, dtype=np.float64)[:, None] - inner[None, :])
    nearest = np.argmin(index, axis=1)
    thickness = 0.5 * (table[nearest, 2] - 2.0 * table[nearest, 3] - table[nearest, 0])
    return np.asarray(inner_diameter_m) + 2.0 * table[nearest, 1], thickness


@dataclass(frozen=True)
class NetworkFreezeResult:
    """Freeze times of every pipe of a heat network and the drain deadline."""

    pipe_ids: list[str]
    times: PipeFreezeTimes

    @property
    def drain_deadline_h(self) -> float:
        """Hours until the first section starts to freeze (inf if none ever does)."""
        return self.times.drain_deadline_h

    @property
    def first_pipe_id(self) -> str | None:
        """The section that freezes first."""
        if not self.pipe_ids or not np.isfinite(self.drain_deadline_h):
            return None
        return self.pipe_ids[int(np.argmin(self.times.hours_to_freeze_start))]


def network_freeze_times(
    branches: pd.DataFrame,
    ambient_temp_c: float,
    water_temp_c: float = 50.0,
) -> NetworkFreezeResult:
    """Freeze times of the heat pipes of a city's branch table (``kind == "pipe"``).

    Uses ``diameter_m`` as the inner diameter and the EN 253 series 1 insulation with the
    PUR conductivity limit of EN 253 (the table gives no insulation). ``water_temp_c``
    default: a return-pipe temperature of 50 °C (typical design 70/50 °C networks;
    the lower of supply and return, so the earlier deadline).
    """
    missing = {"id", "kind", "diameter_m"} - set(branches.columns)
    if missing:
        raise InputError("branches", f"missing columns {sorted(missing)}")
    network = branches["network"] if "network" in branches.columns else "heat"
    pipes = branches[(branches["kind"] == "pipe") & (network == "heat")]
    diameter = pipes["diameter_m"].to_numpy(dtype=np.float64)
    bad = ~(np.isfinite(diameter) & (diameter > 0))
    if bad.any():
        ident = pipes["id"].iloc[int(np.flatnonzero(bad)[0])]
        raise InputError(f"branches, pipe {ident}, diameter_m", "expected a positive number")
    if diameter.size == 0:
        empty = np.zeros(0)
        return NetworkFreezeResult([], PipeFreezeTimes(empty, empty))
    outer, thickness = default_insulation(diameter)
    times = pipe_freeze_times(
        diameter,
        thickness,
        PUR_CONDUCTIVITY_W_PER_MK,
        water_temp_c,
        ambient_temp_c,
        pipe_outer_diameter_m=outer,
    )
    return NetworkFreezeResult([str(i) for i in pipes["id"]], times)
