"""People-hours below 12 °C of a rotation, from the flats engine, with each flat's state
carried from slot to slot.

The homes that lose heat when a group is off are those the impact engine says lose heat
when the group's branches open (electric heating, heat plants and pumps on its feeders),
beyond those the damage already left without heat. Their flats by position
(:mod:`warmgrid.thermal.flats`, the engine of every other cool-down answer) are stepped
through the schedule as the coupled blocks of the outage cool-down
(:func:`warmgrid.thermal.coupling.switched_blocks`): while a home's heat is off its flats
cool freely from the state the last slot left; while it is on every flat's air is held at
the set point (ideal heating, radiators at full output warm the air
within minutes) and the walls and slabs recover under the weather. The flats start heated,
through the weather before the first slot where it is known
(:mod:`warmgrid.thermal.history`).

People are counted as for a whole outage (:func:`warmgrid.thermal.people.
people_hours_below`): in each off-slot a flat is cold from the first time its air falls
below 12 °C until its heat is back at the slot's end; with the heat on nobody is below
12 °C.

The planner's cost of a group is a function of its hours off (:func:`hours_off_costs`):
the flats' cool-down from the heated start, as if its off-slots were strung together. It
leaves out the recovery between off-slots, so it overstates the cold of a split-up outage
(exact when the slots are consecutive); the figures reported for a schedule come from
stepping the flats through it (:func:`stepped_people_hours`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from warmgrid.errors import InputError
from warmgrid.scenario.spec import CooldownSettings
from warmgrid.thermal.archetypes import ARCHETYPE_CHANNELS
from warmgrid.thermal.city import building_keys, city_cooldown, column, naming_building
from warmgrid.thermal.cooldown import CooldownResult, _features, hours_to_threshold, steps_of
from warmgrid.thermal.coupling import switched_blocks
from warmgrid.thermal.flats import POSITIONS, FlatClasses, flat_classes
from warmgrid.thermal.history import history_features
from warmgrid.thermal.people import people_hours_below
from warmgrid.thermal.weather import Weather, channel_irradiance, sky_depression

COLD_C = 12.0
"""Below 12 °C indoors health risks rise sharply (WHO Regional Office for Europe, Housing,
energy and thermal comfort, 2007)."""


def _affected(
    buildings: pd.DataFrame, members: list[np.ndarray]
) -> tuple[pd.DataFrame, np.ndarray, list[np.ndarray]]:
    """The rows any group can leave without heat, their people, and each group's rows
    among them."""
    rows = np.unique(np.concatenate([*members, np.zeros(0, np.int64)])).astype(np.int64)
    chosen = buildings.iloc[rows].reset_index(drop=True)
    people = pd.to_numeric(chosen["population"], errors="coerce").fillna(0).to_numpy(np.float64)
    return chosen, people, [np.searchsorted(rows, m) for m in members]


def hours_off_costs(
    buildings: pd.DataFrame,
    members: list[np.ndarray],
    weather: Weather,
    hours: int,
    settings: CooldownSettings,
) -> np.ndarray:
    """``cost[g, h]``: people-hours below 12 °C of group ``g``'s flats when its heat has
    been off ``h`` hours in total (``h`` = 0 … ``hours``), its off-slots strung together
    as one cool-down of the flats under the forecast from its start (module docstring).
    ``members[g]`` holds the rows of ``buildings`` that lose heat when group ``g`` is off."""
    cost = np.zeros((len(members), hours + 1))
    chosen, people, local = _affected(buildings, members)
    if len(chosen) == 0 or hours == 0:
        return cost
    chosen = chosen.assign(population=people)
    cool = city_cooldown(
        chosen,
        weather,
        hours=float(hours),
        step_h=settings.step_min / 60.0,
        start_temp_c=settings.set_point_c,
        thresholds_c=(COLD_C,),
    )
    per_hour = np.column_stack(
        [cool.people_hours_until(COLD_C, float(h)) for h in range(hours + 1)]
    )
    for g, rows_g in enumerate(local):
        cost[g] = per_hour[rows_g].sum(axis=0)
    return cost


def _classes(buildings: pd.DataFrame, people: np.ndarray) -> FlatClasses:
    keys, overrides = building_keys(buildings)
    try:
        area = column(buildings, "floor_area_m2")
        storeys = column(buildings, "storeys")
        return flat_classes(keys, area, storeys, people, overrides, coupled=True)
    except InputError as error:
        raise naming_building(buildings, error) from None


def stepped_people_hours(
    buildings: pd.DataFrame,
    members: list[np.ndarray],
    off: np.ndarray,
    weather: Weather,
    edges_h: np.ndarray,
    settings: CooldownSettings,
) -> float:
    """People-hours below 12 °C of the schedule ``off[g, t]`` (slots between ``edges_h``,
    hours; whole steps of ``settings.step_min``): the flats stepped slot by slot, their
    state carried over (module docstring). A home whose heat hangs on several groups is
    without heat while any of them is off."""
    chosen, people, local = _affected(buildings, members)
    if len(chosen) == 0:
        return 0.0
    heat_off = np.zeros((len(chosen), edges_h.size - 1), dtype=bool)
    for g, rows_g in enumerate(local):
        heat_off[rows_g] |= off[g][None, :]
    if not heat_off.any():
        return 0.0
    classes = _classes(chosen, people)
    step_h = settings.step_min / 60.0
    bounds = np.round(np.asarray(edges_h, dtype=np.float64) / step_h).astype(np.int64)
    n_steps = steps_of(step_h, float(edges_h[-1]))
    window = weather.window(0, int(np.ceil(edges_h[-1])))
    features = _features(
        classes.net.base,
        window.temp_air_c,
        step_h,
        n_steps,
        channel_irradiance(window, ARCHETYPE_CHANNELS),
        sky_depression(window) if window.has_sun else 0.0,
    )
    schedules, schedule_of = np.unique(heat_off, axis=0, return_inverse=True)
    pairs, pair_of = np.unique(
        classes.class_of * len(schedules) + schedule_of.ravel(), return_inverse=True
    )
    positions = len(POSITIONS)
    slot_steps = np.diff(bounds)
    response = switched_blocks(
        classes.net,
        classes.blocks(),
        pairs // len(schedules),
        np.repeat(~schedules[pairs % len(schedules)], slot_steps, axis=1),
        features,
        step_h,
        settings.set_point_c,
        history_features(classes.net.base, window, step_h),
    )
    total = 0.0
    for t in np.flatnonzero(heat_off.any(axis=0)):
        homes = np.flatnonzero(heat_off[:, t])
        rows = pair_of.ravel()[homes, None] * positions + np.arange(positions)
        span = slice(bounds[t], bounds[t + 1] + 1)
        air = (
            response.alpha[rows, span]
            + classes.gains_w[homes, None, None] * (response.beta[rows, span])
        )
        slot = CooldownResult(
            time_h=response.time_h[span] - response.time_h[bounds[t]],
            air_temp_c=air.reshape(homes.size * positions, -1),
            step_h=step_h,
        )
        hours_to = hours_to_threshold(slot, (COLD_C,))[COLD_C].reshape(homes.size, positions)
        slot_h = float(edges_h[t + 1] - edges_h[t])
        total += float(people_hours_below(hours_to, classes.people[homes], slot_h, slot_h).sum())
    return total
