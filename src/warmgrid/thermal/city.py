"""Cool-down of the buildings of a city that lost heat, and of its heat network.

Glue between the city tables (``buildings``: ``id``, ``archetype``, ``floor_area_m2``,
``storeys``, ``population``; ``branches``: heat pipes with ``diameter_m``) and the engines of
this package. Columns of ``buildings`` named like an :class:`~warmgrid.thermal.archetypes.
Archetype` field (e.g. ``u_wall_w_per_m2k``) override the archetype for that building
where they hold a number; a building without an archetype takes the default of its ``use``
(:data:`~warmgrid.thermal.archetypes.USE_DEFAULT_ARCHETYPE`).
"""

from __future__ import annotations

import functools
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
from warmgrid.thermal.cooldown import DEFAULT_THRESHOLDS_C, steps_of
from warmgrid.thermal.flats import POSITIONS, FlatCooldown, city_flats
from warmgrid.thermal.people import (
    mean_temp_c,
    people_below_series,
    people_below_within,
    people_hours_below,
)
from warmgrid.thermal.pipes import NetworkFreezeResult, network_freeze_times
from warmgrid.thermal.rc import BuildingParams
from warmgrid.thermal.weather import Weather

BUILDING_COLUMNS = ("id", "archetype", "floor_area_m2", "storeys", "population")


@dataclass(frozen=True)
class CityCooldown:
    """Cool-down of the selected buildings (rows of ``building_ids``) and the heat network.

    Every building figure comes from the building's flats by position (``flats``, see
    :mod:`warmgrid.thermal.people`): a building's hours to a threshold are its first
    flat's, people below a threshold are counted flat by flat. ``time_h``: the instants of
    the forecast, hours (``step_h`` apart) from the moment the heat stops.
    """

    building_ids: list[str]
    population: np.ndarray
    flats: FlatCooldown
    time_h: np.ndarray
    step_h: float
    network: NetworkFreezeResult | None

    @property
    def horizon_h(self) -> float:
        """Hours forecast."""
        return float(self.time_h[-1])

    @functools.cached_property
    def hours_to(self) -> dict[float, np.ndarray]:
        """Threshold °C → per building, hours until its first (coldest) flat falls below it
        (NaN: none within the horizon)."""
        return {t: self.flats.worst_hours_to(t) for t in self.flats.hours_to}

    @functools.cached_property
    def people_hours(self) -> dict[float, float]:
        """Threshold °C → people-hours below it over the horizon without heat."""
        return {t: float(self.people_hours_until(t, self.horizon_h).sum()) for t in self.hours_to}

    def first_flat_hours_to(self, threshold_c: float) -> np.ndarray:
        """Per building, hours until its coldest flat falls below ``threshold_c`` (NaN: not
        within the horizon)."""
        return self.hours_to[float(threshold_c)]

    def first_flat_crossing_h(self, threshold_c: float, mask: np.ndarray | None = None) -> float:
        """Hours until the first flat (of the buildings of ``mask``, e.g. the residential
        ones) falls below ``threshold_c``; NaN if none does within the horizon."""
        hours = self.first_flat_hours_to(threshold_c)
        if mask is not None:
            hours = hours[np.asarray(mask, dtype=bool)]
        return float(np.nanmin(hours)) if np.isfinite(hours).any() else float("nan")

    def people_below(self, threshold_c: float, after_h: float) -> int:
        """People in flats that have fallen below ``threshold_c`` within ``after_h`` hours."""
        if after_h > self.horizon_h + 1e-9:
            raise InputError("after_h", f"beyond the horizon of {self.horizon_h:g} h")
        hours = self.flats.hours_to[float(threshold_c)]
        return round(float(people_below_within(hours, self.flats.people, after_h).sum()))

    def people_hours_until(self, threshold_c: float, until_h: np.ndarray | float) -> np.ndarray:
        """Per building, people-hours below ``threshold_c`` until its heat is back after
        ``until_h`` hours (per building or one for all; NaN: not within the horizon)."""
        hours = self.flats.hours_to[float(threshold_c)]
        return people_hours_below(hours, self.flats.people, until_h, self.horizon_h)

    def people_below_series(
        self, threshold_c: float, until_h: np.ndarray | None = None
    ) -> np.ndarray:
        """At every instant of ``time_h``, people in flats that have fallen below
        ``threshold_c`` and whose heat is not back (``until_h`` per building, hours, NaN:
        never; None: no heat comes back)."""
        hours = self.flats.hours_to[float(threshold_c)]
        return people_below_series(hours, self.flats.people, self.time_h, until_h)

    def mean_temp_end_c(self) -> np.ndarray:
        """Per building, the mean air temperature of its flats at the horizon, °C (weighted
        by their number, so by floor area and by people alike)."""
        assert self.flats.end_temp_c is not None
        return mean_temp_c(self.flats.end_temp_c, self.flats.flats)


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
) -> CityCooldown:
    """Simulate every row of ``buildings``, resolved into its flats by position
    (:func:`~warmgrid.thermal.flats.city_flats`), with its heat off from the start of
    ``weather`` (defaults: :mod:`warmgrid.thermal.defaults`). Hospitals, schools and care
    homes resolve the same way, into rooms of their archetype's flat size by floor and
    corner, so one engine answers for every building.

    The heat network's drain deadline uses the coldest outdoor temperature of the horizon
    as the pipes' ambient (pipes above ground or in ventilated chambers; conservative for
    buried ones).
    """
    n_steps = steps_of(step_h, hours)
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
        flats = _no_flats(thresholds_c, n_steps * step_h)
    else:
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
    return CityCooldown(
        building_ids=[str(i) for i in buildings["id"]],
        population=population,
        flats=flats,
        time_h=np.arange(n_steps + 1, dtype=np.float64) * step_h,
        step_h=float(step_h),
        network=network,
    )


def _no_flats(thresholds_c: Sequence[float], horizon_h: float) -> FlatCooldown:
    """The flats of no building."""
    empty = np.zeros((0, len(POSITIONS)))
    return FlatCooldown(
        positions=POSITIONS,
        flats=empty.astype(np.int64),
        people=empty,
        hours_to={float(t): empty for t in thresholds_c},
        horizon_h=horizon_h,
        end_temp_c=empty,
    )
