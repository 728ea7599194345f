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
- **Switching first** (``switching``, :func:`warmgrid.impact.switching.propose_switching`):
  each step (close a normally-open tie, open the switches around the damage) is a task of
  :data:`DEFAULT_SWITCHING_H` hours done by the utility's switching team
  (:data:`SWITCHING_CREW`, at the first tie at the start, skill ``switching``), not by the
  repair crews; the buildings a step brings back form groups that need that step only,
  and the other groups are those of the impact once the switching is done. A step does
  not wait for repairs, so the ETRs of the buildings it restores are its end.
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
from warmgrid.impact.switching import SwitchingPlan, propose_switching
from warmgrid.model import City
from warmgrid.restore.plan import Plan, make_plan
from warmgrid.restore.problem import (
    Crew,
    Group,
    Problem,
    Task,
    Travel,
    build_problem,
    check_repair_h,
)
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

DEFAULT_SWITCHING_H = 0.5
"""Hours to carry out one switching step (travel to the switches and operate them): the
30 minutes that NRS 048-9:2019 (South African load-reduction code of practice) allows
for the switching between two load-shedding slots. Remote-controlled switches take
minutes; pass ``switching_h`` for them."""

SWITCHING_CREW = "switching team"
"""Id of the crew that does the switching steps (the utility's operational staff)."""

DEFAULT_SPEED_KMH = 30.0
DEFAULT_ROAD_FACTOR = 1.4


AssetTable = dict[str, tuple[str, str, float, float]]


def check_repair_hours(repair_h: Mapping[str, float], assets: AssetTable, where: str) -> None:
    """Refuse repair hours that :func:`~warmgrid.restore.problem.check_repair_h` refuses,
    and a key that is neither an asset kind (of :data:`DEFAULT_REPAIR_H` or of the city)
    nor an asset id of the city: most likely a typo, which would otherwise leave the
    planning default in force unnoticed."""
    for key, hours in repair_h.items():
        check_repair_h(hours, f"{where}: {key}")
    unknown = sorted(key for key in repair_h if key not in DEFAULT_REPAIR_H and key not in assets)
    if not unknown:
        return
    kinds = set(DEFAULT_REPAIR_H) | {kind for _, kind, _, _ in assets.values()}
    unknown = [key for key in unknown if key not in kinds]
    if unknown:
        raise InputError(
            where,
            f"{unknown[0]!r} is neither an asset kind ({', '.join(sorted(kinds))}) "
            "nor an asset id of the city",
        )


def asset_table(city: City) -> AssetTable:
    """Asset id → (network, kind, lon, lat) for sources, branches and nodes (a branch at
    the middle of its known end nodes; NaN when neither is known), computed once per
    city by callers that build many problems, e.g. a sweep."""
    out: AssetTable = {}
    frames = [
        (city.nodes, city.nodes[["lon", "lat"]].to_numpy(float)),
        (city.sources, city.node_lonlat(city.sources["node"])),
    ]
    ends = np.stack(
        [city.node_lonlat(city.branches["from_node"]), city.node_lonlat(city.branches["to_node"])]
    )
    known = np.isfinite(ends)
    with np.errstate(invalid="ignore"):
        middle = np.where(known, ends, 0.0).sum(axis=0) / known.sum(axis=0)
    frames.append((city.branches, middle))
    for frame, where in frames:
        for ident, network, kind, (lon, lat) in zip(
            frame["id"], frame["network"], frame["kind"], where.tolist(), strict=True
        ):
            out[ident] = (network, kind, lon, lat)
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
    switching: SwitchingPlan | None = None,
    switching_h: float = DEFAULT_SWITCHING_H,
    assets: AssetTable | None = None,
) -> Problem:
    """Build the restoration problem for the damage behind ``result``.

    ``switching`` (e.g. :func:`~warmgrid.impact.switching.propose_switching` of
    ``result``) comes first, ``switching_h`` hours per step (see the module docstring).

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
    check_repair_hours(repair_h or {}, assets, f"{source}: repair hours")
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

    def group_of(ident: str, service: str, idx: np.ndarray, needs: tuple[str, ...]) -> Group:
        return Group(
            id=ident,
            weight=float(people[idx] @ per_person[idx]),
            needs=needs,
            people=float(people[idx].sum()),
            customers=float(customers[idx].sum()),
            service=service,
            members=tuple(zip(building_ids[idx].tolist(), people[idx].tolist(), strict=True)),
        )

    repair_hours = _task_duration_h(tasks)
    crews = list(crews)
    groups = []
    after = result
    if switching is not None and switching.steps:
        after = switching.after
        steps = switching.steps
        for step in steps:
            _, _, lon, lat = assets[step.close[0]]
            tasks.append(Task(step.id, switching_h, lon=lon, lat=lat, skill="switching"))
        first = tasks[-len(steps)]
        crews.append(Crew(SWITCHING_CREW, first.lon, first.lat, frozenset({"switching"})))
        restored_heat = np.flatnonzero(
            result.building_heat_network_lost & ~after.building_heat_network_lost
        )
        parts: list[tuple[str, str, np.ndarray, tuple[str, ...]]] = [
            (s.id, "power", s.building_index, (s.id,)) for s in steps
        ]
        parts.append(("switching:heat", "heat", restored_heat, tuple(s.id for s in steps)))
        for ident, service, idx, needs in parts:
            if idx.size:
                groups.append(group_of(ident, service, idx, needs))
    for group in after.restoration_groups(repair_hours):
        needs = tuple(n for n in group.needs if n in damaged)
        if not needs:
            continue
        idx = np.asarray(group.building_index, dtype=np.int64)
        groups.append(group_of(group.id, group.service, idx, needs))
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
    brings it back. An electrically heated building's heat comes back with its power
    (and its heat network's, if it has one)."""
    n = result.building_without_power.size
    etr = {"power": np.full(n, np.nan), "heat": np.full(n, np.nan)}
    rows = result.compiled.building_rows
    for group, restored_h in zip(problem.groups, schedule.group_restored_h, strict=True):
        if group.service in etr:  # the plan's groups: switching steps, then repairs
            etr[group.service][rows.get_indexer([ident for ident, _ in group.members])] = restored_h
    network_heat_etr = etr["heat"].copy()
    electric = result.compiled.building_electric_heating & result.building_off_grid
    both = electric & result.building_heat_network_lost
    etr["heat"][electric] = etr["power"][electric]
    etr["heat"][both] = np.maximum(etr["power"][both], network_heat_etr[both])
    return etr


def building_etr(
    city: City, result: ImpactResult, problem: Problem, schedule: Schedule
) -> pd.DataFrame:
    """Estimated restoration time of every building that lost a service.

    Columns: ``id``, ``power_etr_h``, ``heat_etr_h`` (hours from the start of the plan;
    NaN when the building did not lose that service or no repair brings it back). Every
    building off the grid is listed, those on backup generators too; an electrically
    heated building's heat comes back with its power (and its heat network's, if it
    has one).
    """
    etr = building_etr_h(result, problem, schedule)
    frame = pd.DataFrame(
        {"id": city.buildings["id"].to_numpy(), "power_etr_h": etr["power"]}
        | {"heat_etr_h": etr["heat"]}
    )
    lost = result.building_off_grid | result.building_without_heat
    return frame[lost].reset_index(drop=True)


class ProblemOptions(TypedDict, total=False):
    """The keyword options of :func:`problem_from_impact`."""

    repair_h: Mapping[str, float] | None
    critical_factor: Mapping[str, float] | None
    building_factor: np.ndarray | None
    speed_kmh: float
    road_factor: float
    source: str
    switching: SwitchingPlan | None
    switching_h: float
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

    ``problem_options`` go to :func:`problem_from_impact`; the switching is proposed
    unless given (``switching=None``: no switching). Returns the plan and the
    :func:`building_etr` table.
    """
    if "switching" not in problem_options:
        problem_options["switching"] = propose_switching(result)
    problem = problem_from_impact(city, result, crews, **problem_options)
    plan = make_plan(problem, solver=solver, time_limit_s=time_limit_s)
    return plan, building_etr(city, result, problem, plan.schedule)
