"""Cool-down of the buildings of a city that lost heat, and of its heat network.

Glue between the city tables (``buildings``: ``id``, ``archetype``, ``floor_area_m2``,
``storeys``, ``population``; ``branches``: heat pipes with ``diameter_m``) and the engines of
this package. Columns of ``buildings`` named like an :class:`~warmgrid.thermal.archetypes.
Archetype` field (e.g. ``u_wall_w_per_m2k``) override the archetype for that building
where they hold a number; a building without an archetype takes the default of its ``use``
(:data:`~warmgrid.thermal.archetypes.USE_DEFAULT_ARCHETYPE`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from warmgrid.errors import InputError
from warmgrid.thermal import defaults
from warmgrid.thermal.archetypes import (
    NUMERIC_FIELDS,
    USE_DEFAULT_ARCHETYPE,
    archetype_parameters,
)
from warmgrid.thermal.cooldown import (
    DEFAULT_THRESHOLDS_C,
    CooldownResult,
    hours_to_threshold,
    people_hours_below,
    simulate_cooldown,
)
from warmgrid.thermal.flats import FlatCooldown, city_flats
from warmgrid.thermal.pipes import NetworkFreezeResult, network_freeze_times
from warmgrid.thermal.rc import BuildingParams
from warmgrid.thermal.weather import Weather, channel_irradiance, sky_depression

BUILDING_COLUMNS = ("id", "archetype", "floor_area_m2", "storeys", "population")


@dataclass(frozen=True)
class CityCooldown:
    """Cool-down of the selected buildings (rows of ``building_ids``) and the heat network."""

    building_ids: list[str]
    population: np.ndarray
    result: CooldownResult
    hours_to: dict[float, np.ndarray]
    people_hours: dict[float, float]
    network: NetworkFreezeResult | None
    flats: FlatCooldown | None = None

    def first_flat_hours_to(self, threshold_c: float) -> np.ndarray:
        """Per building, hours until its coldest flat falls below ``threshold_c`` (NaN: not
        within the horizon); the building's average where flats were not resolved."""
        if self.flats is None:
            return self.hours_to[float(threshold_c)]
        return self.flats.worst_hours_to(threshold_c)

    def first_flat_crossing_h(self, threshold_c: float, mask: np.ndarray | None = None) -> float:
        """Hours until the first flat (of the buildings of ``mask``) falls below
        ``threshold_c``; NaN if none does within the horizon."""
        hours = self.first_flat_hours_to(threshold_c)
        if mask is not None:
            hours = hours[np.asarray(mask, dtype=bool)]
        return float(np.nanmin(hours)) if np.isfinite(hours).any() else float("nan")

    def people_below(self, threshold_c: float, after_h: float) -> int:
        """People in buildings whose air is below ``threshold_c`` after ``after_h`` hours."""
        time = self.result.time_h
        if after_h > time[-1] + 1e-9:
            raise InputError("after_h", f"beyond the horizon of {time[-1]:g} h")
        column = int(np.argmin(np.abs(time - after_h)))
        below = self.result.air_temp_c[:, column] < threshold_c
        return int(self.population[below].sum())

    def first_crossing_h(self, threshold_c: float, mask: np.ndarray | None = None) -> float:
        """Hours until the first building (of ``mask``, e.g. the residential ones) falls
        below ``threshold_c``; NaN if none does within the horizon."""
        hours = self.hours_to[float(threshold_c)]
        if mask is not None:
            hours = hours[np.asarray(mask, dtype=bool)]
        return float(np.nanmin(hours)) if np.isfinite(hours).any() else float("nan")


def stagnant_heat_branches(branches: pd.DataFrame, cold_node_ids: Sequence[str]) -> pd.DataFrame:
    """The heat-network branches touching a node without heat supply: where water stands."""
    cold = set(cold_node_ids)
    return branches[
        (branches["network"] == "heat")
        & (branches["from_node"].isin(cold) | branches["to_node"].isin(cold))
    ]


def building_keys(buildings: pd.DataFrame) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Archetype key of each row of a city's building table (the default of its ``use``
    where it names none) and the per-building override columns."""
    missing = [c for c in BUILDING_COLUMNS if c not in buildings.columns]
    if missing:
        raise InputError("buildings", f"missing columns {missing}")
    overrides = {
        name: pd.to_numeric(buildings[name], errors="coerce").to_numpy(dtype=np.float64)
        for name in NUMERIC_FIELDS
        if name in buildings.columns
    }
    keys = buildings["archetype"].fillna("").astype(str).to_numpy()
    if "use" in buildings.columns:
        uses = buildings["use"].fillna("other").astype(str).to_numpy()
        fallback = np.array([USE_DEFAULT_ARCHETYPE.get(u, "panel_9") for u in uses], dtype=object)
        keys = np.where(keys == "", fallback, keys)
    return keys, overrides


def column(buildings: pd.DataFrame, name: str, missing: float = np.nan) -> np.ndarray:
    """A numeric column of the building table (unreadable values: ``missing``)."""
    return pd.to_numeric(buildings[name], errors="coerce").fillna(missing).to_numpy(np.float64)


def naming_building(buildings: pd.DataFrame, error: InputError) -> InputError:
    """``error`` with "building i" replaced by the id of row ``i`` of ``buildings``."""
    where = error.where
    if where.startswith("building "):
        index, _, field = where[len("building ") :].partition(", ")
        ident = buildings["id"].iloc[int(index)]
        where = f"buildings, id {ident}, {field}"
    return InputError(where, error.problem)


def buildings_params(buildings: pd.DataFrame) -> BuildingParams:
    """5R1C parameters of the rows of a city's building table."""
    keys, overrides = building_keys(buildings)
    try:
        return archetype_parameters(
            keys,
            column(buildings, "floor_area_m2"),
            column(buildings, "storeys"),
            population=column(buildings, "population", -1.0),
            overrides=overrides,
        )
    except InputError as error:
        raise naming_building(buildings, error) from None


def city_cooldown(
    buildings: pd.DataFrame,
    weather: Weather,
    hours: float = defaults.HORIZON_H,
    step_h: float = defaults.STEP_MIN / 60.0,
    start_temp_c: float = defaults.SET_POINT_C,
    branches: pd.DataFrame | None = None,
    thresholds_c: Sequence[float] = DEFAULT_THRESHOLDS_C,
    water_temp_c: float = defaults.WATER_TEMP_C,
    heating_radiative_fraction: float = defaults.HEATING_RADIATIVE_FRACTION,
) -> CityCooldown:
    """Simulate every row of ``buildings`` with its heat off from the start of ``weather``
    (defaults: :mod:`warmgrid.thermal.defaults`).

    The heat network's drain deadline uses the coldest outdoor temperature of the horizon
    as the pipes' ambient (pipes above ground or in ventilated chambers; conservative for
    buried ones).
    """
    needed = int(np.ceil(hours))
    if weather.hours < needed:
        raise InputError(weather.source, f"covers {weather.hours} h, the horizon needs {needed} h")
    window = weather.window(0, needed)
    network = None
    if branches is not None:
        network = network_freeze_times(
            branches, float(window.temp_air_c.min()), water_temp_c=water_temp_c
        )
    population = pd.to_numeric(buildings["population"], errors="coerce").to_numpy(np.float64)
    if len(buildings) == 0:
        empty = np.zeros((0, round(hours / step_h) + 1), dtype=np.float32)
        result = CooldownResult(
            time_h=np.arange(empty.shape[1]) * step_h, air_temp_c=empty, step_h=step_h
        )
        return CityCooldown(
            [],
            population,
            result,
            {float(t): np.zeros(0) for t in thresholds_c},
            {float(t): 0.0 for t in thresholds_c},
            network,
        )
    params = buildings_params(buildings)
    keys, overrides = building_keys(buildings)
    try:
        flats = city_flats(
            keys,
            column(buildings, "floor_area_m2"),
            column(buildings, "storeys"),
            np.nan_to_num(population),
            window,
            hours,
            step_h,
            start_temp_c,
            overrides=overrides,
            thresholds_c=thresholds_c,
            water_temp_c=water_temp_c,
        )
    except InputError as error:
        raise naming_building(buildings, error) from None
    result = simulate_cooldown(
        params,
        window.temp_air_c,
        step_h=step_h,
        hours=hours,
        start_temp_c=start_temp_c,
        solar_irradiance_w_per_m2=channel_irradiance(window, params.solar_channels),
        sky_temp_depression_k=sky_depression(window),
        heating_radiative_fraction=heating_radiative_fraction,
        thresholds_c=thresholds_c,
    )
    return CityCooldown(
        building_ids=[str(i) for i in buildings["id"]],
        population=population,
        result=result,
        hours_to=hours_to_threshold(result, thresholds_c),
        people_hours=people_hours_below(result, population, thresholds_c),
        network=network,
        flats=flats,
    )
