"""A restoration problem from a city and an impact result.

- **Tasks**: one per damaged asset (``result.damaged_asset_ids``). The duration comes
  from :data:`DEFAULT_REPAIR_H` by the asset's kind (``sources.kind``, ``branches.kind`` or
  ``nodes.kind``), unless given per asset; the location is the asset's node (sources,
  nodes) or the midpoint of its end nodes (branches); the skill is :data:`SKILL_BY_NETWORK`
  of its network.
- **Groups**: ``result.restoration_groups(repair hours)``: buildings that regain one
  service together once every asset in ``needs`` is repaired (of parallel assets, the
  quickest to repair). weight = Σ people × :data:`CRITICAL_FACTOR`
  of the building's use (× an optional per-building factor, e.g. raised for homes whose
  cool-down forecast reaches 12 °C soonest); people = Σ population; customers = Σ
  ``buildings.customers`` (households or meters, :mod:`warmgrid.model.customers`).
- **Customers served** per service: Σ customers of the buildings on that network, for the
  event's SAIFI, SAIDI and CAIDI (:mod:`warmgrid.restore.indices`).

The repair hours and critical factors are planning defaults chosen for warmgrid (no
standard prescribes them); a utility should replace them with its own figures through the
``repair_h`` and ``critical_factor`` arguments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypedDict, Unpack

import numpy as np
import pandas as pd

from warmgrid.errors import InputError
from warmgrid.impact import ImpactResult
from warmgrid.model import City
from warmgrid.restore.plan import Plan, make_plan
from warmgrid.restore.problem import Crew, Group, Problem, Task, Travel, build_problem
from warmgrid.restore.schedule import Schedule

#: Default repair hours by asset kind (planning defaults, see the module docstring).
DEFAULT_REPAIR_H: dict[str, float] = {
    "ext_grid": 12.0,
    "gen": 12.0,
    "heat_plant": 24.0,
    "boiler": 8.0,
    "circ_pump": 6.0,
    "trafo": 8.0,
    "trafo3w": 10.0,
    "line": 4.0,
    "switch": 2.0,
    "pipe": 6.0,
    "valve": 3.0,
    "pump": 6.0,
    "bus": 4.0,
    "junction": 4.0,
}

#: Skill a crew needs for an asset of each network.
SKILL_BY_NETWORK: dict[str, str] = {"power": "electrical", "heat": "heat"}

#: Weight per person by building use (planning defaults, see the module docstring).
CRITICAL_FACTOR: dict[str, float] = {
    "hospital": 10.0,
    "care_home": 5.0,
    "school": 1.0,
    "residential": 1.0,
    "other": 1.0,
}

DEFAULT_SPEED_KMH = 30.0
DEFAULT_ROAD_FACTOR = 1.4


AssetTable = dict[str, tuple[str, str, float, float]]


def asset_table(city: City) -> AssetTable:
    """Asset id → (network, kind, lon, lat) for sources, branches and nodes (computed once
    per city by callers that build many problems, e.g. a sweep)."""
    nodes = city.nodes.set_index("id")
    out: AssetTable = {}
    for row in city.nodes.itertuples(index=False):
        out[row.id] = (row.network, row.kind, float(row.lon), float(row.lat))
    for row in city.sources.itertuples(index=False):
        lon, lat = nodes.at[row.node, "lon"], nodes.at[row.node, "lat"]
        out[row.id] = (row.network, row.kind, float(lon), float(lat))
    for row in city.branches.itertuples(index=False):
        ends = [n for n in (row.from_node, row.to_node) if n in nodes.index]
        lon = float(np.mean([nodes.at[n, "lon"] for n in ends]))
        lat = float(np.mean([nodes.at[n, "lat"] for n in ends]))
        out[row.id] = (row.network, row.kind, lon, lat)
    return out


def problem_from_impact(
    city: City,
    result: ImpactResult,
    crews: Sequence[Crew],
    *,
    repair_h: Mapping[str, float] | None = None,
    critical_factor: Mapping[str, float] | None = None,
    building_factor: np.ndarray | None = None,
    speed_kmh: float = DEFAULT_SPEED_KMH,
    road_factor: float = DEFAULT_ROAD_FACTOR,
    source: str = "city",
    assets: AssetTable | None = None,
) -> Problem:
    """Build the restoration problem for the damage behind ``result``.

    ``crews`` are the repair crews (a scenario's, or a crews file's). ``repair_h``
    maps an asset kind *or* an asset id to hours (ids win);
    ``critical_factor`` maps a building use to a weight factor (merged over
    :data:`CRITICAL_FACTOR`); ``building_factor`` multiplies the weight per building (row
    order of ``city.buildings``). Travel: great-circle × ``road_factor`` ÷ ``speed_kmh``.
    ``assets``: the city's :func:`asset_table`, when already at hand.
    """
    hours = DEFAULT_REPAIR_H | dict(repair_h or {})
    factor = CRITICAL_FACTOR | dict(critical_factor or {})
    assets = asset_table(city) if assets is None else assets
    tasks = []
    for ident in result.damaged_asset_ids:
        if ident not in assets:
            raise InputError(f"{source}: damage", f"unknown asset id {ident!r}")
        network, kind, lon, lat = assets[ident]
        if ident in hours:
            duration = hours[ident]
        elif kind in hours:
            duration = hours[kind]
        else:
            raise InputError(
                f"{source}: repair hours", f"no repair duration for asset kind {kind!r}"
            )
        tasks.append(
            Task(
                id=ident,
                duration_h=float(duration),
                lon=lon,
                lat=lat,
                skill=SKILL_BY_NETWORK.get(network),
            )
        )
    buildings = city.buildings
    use = buildings["use"].astype(str).to_numpy()
    people = buildings["population"].to_numpy(dtype=float)
    customers = buildings["customers"].to_numpy(dtype=float)
    per_person = np.array([factor.get(u, 1.0) for u in use])
    if building_factor is not None:
        building_factor = np.asarray(building_factor, dtype=float)
        if building_factor.shape != people.shape:
            raise InputError(
                f"{source}: building_factor",
                f"expected {len(people)} values (one per building), got {building_factor.size}",
            )
        per_person = per_person * building_factor
    damaged = {t.id for t in tasks}
    building_ids = buildings["id"].astype(str).to_numpy()
    groups = []
    for group in result.restoration_groups(_task_duration_h(tasks)):
        needs = tuple(n for n in group.needs if n in damaged)
        if not needs:
            continue
        idx = np.asarray(group.building_index, dtype=np.int64)
        groups.append(
            Group(
                id=group.id,
                weight=float(people[idx] @ per_person[idx]),
                needs=needs,
                people=float(people[idx].sum()),
                customers=float(customers[idx].sum()),
                service=group.service,
                members=tuple(zip(building_ids[idx].tolist(), people[idx].tolist(), strict=True)),
            )
        )
    travel = Travel(speed_kmh=speed_kmh, road_factor=road_factor)
    served = {
        service: float(customers[(buildings[f"{service}_node"] != "").to_numpy()].sum())
        for service in ("power", "heat")
    }
    return build_problem(
        tasks,
        list(crews),
        groups,
        travel,
        source=source,
        customers_served=served,
    )


def _task_duration_h(tasks: Sequence[Task]) -> dict[str, float]:
    """Repair hours per damaged asset: where parallel assets exist, groups wait for the
    quickest to repair (see ``ImpactResult.restoration_groups``)."""
    return {task.id: task.duration_h for task in tasks}


def building_etr_h(
    result: ImpactResult, problem: Problem, schedule: Schedule
) -> dict[str, np.ndarray]:
    """Per service (``power``, ``heat``), hours from the plan's start until each building
    (row order of the city) gets it back; NaN when it did not lose it or no repair
    brings it back."""
    n = result.building_without_power.size
    etr = {"power": np.full(n, np.nan), "heat": np.full(n, np.nan)}
    restored = dict(zip([g.id for g in problem.groups], schedule.group_restored_h, strict=True))
    for group in result.restoration_groups(_task_duration_h(problem.tasks)):
        if group.id in restored and group.service in etr:
            etr[group.service][np.asarray(group.building_index)] = restored[group.id]
    return etr


def building_etr(
    city: City, result: ImpactResult, problem: Problem, schedule: Schedule
) -> pd.DataFrame:
    """Estimated restoration time of every building that lost a service.

    Columns: ``id``, ``power_etr_h``, ``heat_etr_h`` (hours from the start of the plan;
    NaN when the building did not lose that service or no repair brings it back).
    """
    etr = building_etr_h(result, problem, schedule)
    frame = pd.DataFrame(
        {"id": city.buildings["id"].to_numpy(), "power_etr_h": etr["power"]}
        | {"heat_etr_h": etr["heat"]}
    )
    lost = result.building_without_power | result.building_without_heat
    return frame[lost].reset_index(drop=True)


class ProblemOptions(TypedDict, total=False):
    """The keyword options of :func:`problem_from_impact`."""

    repair_h: Mapping[str, float] | None
    critical_factor: Mapping[str, float] | None
    building_factor: np.ndarray | None
    speed_kmh: float
    road_factor: float
    source: str
    assets: AssetTable | None


def plan_from_impact(
    city: City,
    result: ImpactResult,
    crews: Sequence[Crew],
    *,
    solver: str = "heuristic",
    time_limit_s: float = 10.0,
    **problem_options: Unpack[ProblemOptions],
) -> tuple[Plan, pd.DataFrame]:
    """Problem, plan and building ETRs for a city in one call (for scenarios and the API).

    ``problem_options`` go to :func:`problem_from_impact`. Returns the plan and the
    :func:`building_etr` table.
    """
    problem = problem_from_impact(city, result, crews, **problem_options)
    plan = make_plan(problem, solver=solver, time_limit_s=time_limit_s)
    return plan, building_etr(city, result, problem, plan.schedule)
