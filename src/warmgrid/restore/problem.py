"""The restoration problem: repair tasks, crews, travel and groups of customers.

A :class:`Problem` is built once through :func:`build_problem`, which checks every
cross-reference (unknown task ids, precedence cycles, skills no crew has, negative
durations…) and raises :class:`warmgrid.errors.InputError` naming the offending item.
The solvers then work on the integer-indexed arrays the problem exposes:

- tasks are indexed ``0 … n-1`` in input order, crews ``0 … m-1``;
- ``travel_h`` has shape ``(n + m, n)``: row ``i < n`` is "from task i", row ``n + c`` is
  "from the depot of crew c"; column ``j`` is "to task j"; hours.

Time is in hours from the moment of the plan (t = 0). A crew leaves its depot at its
``available_from_h``; a task starts when its crew has arrived and all the tasks it must
come after have ended, and ends ``duration_h`` later. A group of customers is served
again when the last task it needs has ended.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from warmgrid.errors import InputError
from warmgrid.restore.travel import travel_hours_from_coordinates

MAX_HOURS = 24.0 * 365
"""Longest duration, travel or start offset a problem may hold (h): a year. A repair that
takes longer is not a restoration to plan, and the exact solver's integer seconds must not
overflow."""

MAX_COUNT = 1e9
"""Largest weight, people or customers count of one group: more than the people of any
city times the largest critical factor, and small enough that weighted people-hours stay
exact in the solvers' arithmetic."""


@dataclass(frozen=True)
class Task:
    """One repair: ``duration_h`` hours of work at (``lon``, ``lat``), WGS84 degrees.

    ``skill`` is the skill a crew needs (``None``: any crew); ``after`` lists the ids of
    tasks that must end before this one starts.
    """

    id: str
    duration_h: float
    lon: float | None = None
    lat: float | None = None
    skill: str | None = None
    after: tuple[str, ...] = ()


@dataclass(frozen=True)
class Crew:
    """A repair crew based at a depot (``lon``, ``lat``).

    ``skills`` is ``None`` for a crew that can do every task. The crew leaves its depot at
    ``available_from_h``; with ``shift_h`` it must finish all its work by
    ``available_from_h + shift_h``.
    """

    id: str
    lon: float | None = None
    lat: float | None = None
    skills: frozenset[str] | None = None
    available_from_h: float = 0.0
    shift_h: float | None = None


@dataclass(frozen=True)
class Group:
    """Customers served again once every task in ``needs`` is done.

    ``weight`` is the priority weight in the objective (for a city: people × a factor for
    critical use). ``people`` and ``customers`` feed the metrics (people-hours, customer
    minutes interrupted); ``service`` is "power", "heat" or "" when unspecified.
    ``members`` — (building id, people) of the buildings in the group, when known — let
    the metrics count a person who waits in a power group and a heat group once.
    """

    id: str
    weight: float
    needs: tuple[str, ...]
    people: float = 0.0
    customers: float = 1.0
    service: str = ""
    members: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Travel:
    """How travel hours are obtained: from coordinates or from a matrix.

    ``matrix_h[from_id][to_id]`` gives hours, where a crew id stands for its depot.
    """

    speed_kmh: float | None = None
    road_factor: float | None = None
    matrix_h: Mapping[str, Mapping[str, float]] | None = None


@dataclass(frozen=True)
class Problem:
    """A checked restoration problem; build it with :func:`build_problem`."""

    tasks: tuple[Task, ...]
    crews: tuple[Crew, ...]
    groups: tuple[Group, ...]
    travel_h: np.ndarray
    travel: Travel = field(default_factory=Travel)
    source: str = "problem"
    customers_served: Mapping[str, float] = field(default_factory=dict)

    @property
    def n_tasks(self) -> int:
        """Number of tasks."""
        return len(self.tasks)

    @property
    def n_crews(self) -> int:
        """Number of crews."""
        return len(self.crews)

    @cached_property
    def task_index(self) -> dict[str, int]:
        """Task id → index."""
        return {t.id: i for i, t in enumerate(self.tasks)}

    @cached_property
    def duration_h(self) -> np.ndarray:
        """Task durations, hours."""
        return np.array([t.duration_h for t in self.tasks], dtype=float)

    @cached_property
    def available_h(self) -> np.ndarray:
        """Time each crew leaves its depot, hours."""
        return np.array([c.available_from_h for c in self.crews], dtype=float)

    @cached_property
    def shift_end_h(self) -> np.ndarray:
        """Time by which each crew must have finished its work (inf: no limit), hours."""
        return np.array(
            [math.inf if c.shift_h is None else c.available_from_h + c.shift_h for c in self.crews],
            dtype=float,
        )

    @cached_property
    def eligible(self) -> np.ndarray:
        """``eligible[t, c]``: crew c has the skill task t needs."""
        out = np.ones((self.n_tasks, self.n_crews), dtype=bool)
        for i, t in enumerate(self.tasks):
            if t.skill is None:
                continue
            for c, crew in enumerate(self.crews):
                out[i, c] = crew.skills is None or t.skill in crew.skills
        return out

    @cached_property
    def predecessors(self) -> tuple[tuple[int, ...], ...]:
        """For each task, the indices of the tasks that must end before it starts."""
        idx = self.task_index
        return tuple(tuple(sorted({idx[a] for a in t.after})) for t in self.tasks)

    @cached_property
    def successors(self) -> tuple[tuple[int, ...], ...]:
        """For each task, the indices of the tasks that must wait for it."""
        out: list[list[int]] = [[] for _ in self.tasks]
        for j, preds in enumerate(self.predecessors):
            for i in preds:
                out[i].append(j)
        return tuple(tuple(s) for s in out)

    @cached_property
    def has_precedences(self) -> bool:
        """Whether any task must wait for another."""
        return any(self.predecessors)

    @cached_property
    def group_weight(self) -> np.ndarray:
        """Objective weight of each group."""
        return np.array([g.weight for g in self.groups], dtype=float)

    @cached_property
    def group_people(self) -> np.ndarray:
        """People in each group."""
        return np.array([g.people for g in self.groups], dtype=float)

    @cached_property
    def group_customers(self) -> np.ndarray:
        """Customers in each group."""
        return np.array([g.customers for g in self.groups], dtype=float)

    @cached_property
    def group_needs(self) -> tuple[np.ndarray, np.ndarray]:
        """Group → needed task indices as CSR: ``(flat_task_indices, offsets)``."""
        idx = self.task_index
        flat: list[int] = []
        offsets = [0]
        for g in self.groups:
            flat.extend(sorted({idx[t] for t in g.needs}))
            offsets.append(len(flat))
        return np.array(flat, dtype=np.int64), np.array(offsets, dtype=np.int64)

    @cached_property
    def task_groups(self) -> tuple[tuple[int, ...], ...]:
        """For each task, the indices of the groups that need it."""
        flat, offsets = self.group_needs
        out: list[list[int]] = [[] for _ in self.tasks]
        for g in range(len(self.groups)):
            for t in flat[offsets[g] : offsets[g + 1]]:
                out[int(t)].append(g)
        return tuple(tuple(x) for x in out)

    @cached_property
    def task_weight(self) -> np.ndarray:
        """Sum of the weights of the groups that need each task."""
        out = np.zeros(self.n_tasks)
        for t, groups in enumerate(self.task_groups):
            out[t] = float(sum(self.groups[g].weight for g in groups))
        return out

    def group_completion_h(self, end_h: np.ndarray) -> np.ndarray:
        """Hours until each group is served again, given every task's end time."""
        flat, offsets = self.group_needs
        if len(self.groups) == 0:
            return np.zeros(0)
        return np.maximum.reduceat(end_h[flat], offsets[:-1])

    def objective(self, end_h: np.ndarray) -> float:
        """Σ weight × hours until served again, given every task's end time."""
        return float(self.group_weight @ self.group_completion_h(end_h))


def check_number(
    value: object,
    where: str,
    *,
    minimum: float | None = None,
    strict: bool = False,
    maximum: float | None = None,
) -> float:
    """``value`` as a finite float within the bounds (``strict``: above ``minimum``);
    InputError naming ``where`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(where, f"expected a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise InputError(where, f"expected a finite number, got {value!r}")
    if maximum is not None and number > maximum:
        raise InputError(where, f"must be at most {maximum:g}, got {number:g}")
    if minimum is not None:
        if strict and number <= minimum:
            raise InputError(where, f"must be greater than {minimum:g}, got {number:g}")
        if not strict and number < minimum:
            raise InputError(where, f"must be at least {minimum:g}, got {number:g}")
    return number


def check_repair_h(value: object, where: str) -> float:
    """One asset's repair hours, wherever they are given (the ``--repair-hours`` option,
    a scenario's ``[plan.repair_hours]``, the API, sweeps): a finite number of hours above
    0 and at most :data:`MAX_HOURS`. 0 is refused: an asset back the moment a crew
    arrives is not damaged — leave it out of the damage (a short task takes e.g. 0.25 h)."""
    return check_number(value, where, minimum=0.0, strict=True, maximum=MAX_HOURS)


def _check_ids(items: Sequence[Task | Crew | Group], kind: str, source: str) -> None:
    seen: set[str] = set()
    for k, item in enumerate(items):
        if not isinstance(item.id, str) or not item.id:
            raise InputError(f"{source}: {kind}[{k}].id", "expected a non-empty string")
        if item.id in seen:
            raise InputError(f"{source}: {kind}[{k}].id", f"duplicate id {item.id!r}")
        seen.add(item.id)


def _find_cycle(tasks: Sequence[Task]) -> list[str] | None:
    """A precedence cycle as a list of task ids, or ``None`` (iterative DFS)."""
    after = {t.id: t.after for t in tasks}
    state: dict[str, int] = {}
    for root in after:
        if root in state:
            continue
        stack: list[tuple[str, int]] = [(root, 0)]
        path: list[str] = [root]
        state[root] = 1
        while stack:
            node, k = stack[-1]
            preds = after[node]
            if k < len(preds):
                stack[-1] = (node, k + 1)
                nxt = preds[k]
                if state.get(nxt) == 1:
                    cycle = path[path.index(nxt) :]
                    return [nxt, *reversed(cycle[1:]), nxt]
                if nxt not in state:
                    state[nxt] = 1
                    stack.append((nxt, 0))
                    path.append(nxt)
            else:
                state[node] = 2
                stack.pop()
                path.pop()
    return None


def _check_coordinates(lon: float | None, lat: float | None, where: str) -> None:
    if lon is None or lat is None:
        raise InputError(where, "lon and lat are required when travel is from coordinates")
    check_number(lon, f"{where}.lon")
    check_number(lat, f"{where}.lat")
    if not -180.0 <= lon <= 180.0:
        raise InputError(f"{where}.lon", f"must be within [-180, 180] degrees, got {lon:g}")
    if not -90.0 <= lat <= 90.0:
        raise InputError(f"{where}.lat", f"must be within [-90, 90] degrees, got {lat:g}")


def _travel_matrix(
    tasks: Sequence[Task], crews: Sequence[Crew], travel: Travel, source: str
) -> np.ndarray:
    n, m = len(tasks), len(crews)
    if travel.matrix_h is not None:
        if travel.speed_kmh is not None or travel.road_factor is not None:
            raise InputError(
                f"{source}: travel", "give either matrix_h or speed_kmh/road_factor, not both"
            )
        return _matrix_from_mapping(tasks, crews, travel.matrix_h, source)
    if travel.speed_kmh is None:
        raise InputError(f"{source}: travel", "expected speed_kmh (and road_factor) or matrix_h")
    speed = check_number(travel.speed_kmh, f"{source}: travel.speed_kmh", minimum=0, strict=True)
    road = 1.0 if travel.road_factor is None else travel.road_factor
    road = check_number(road, f"{source}: travel.road_factor", minimum=1.0)
    for k, t in enumerate(tasks):
        _check_coordinates(t.lon, t.lat, f"{source}: tasks[{k}] (id {t.id!r})")
    for k, c in enumerate(crews):
        _check_coordinates(c.lon, c.lat, f"{source}: crews[{k}] (id {c.id!r})")
    lon = np.array([t.lon for t in tasks] + [c.lon for c in crews], dtype=float)
    lat = np.array([t.lat for t in tasks] + [c.lat for c in crews], dtype=float)
    out = travel_hours_from_coordinates(lon, lat, lon[:n], lat[:n], speed, road)
    assert out.shape == (n + m, n)
    return out


def _matrix_from_mapping(
    tasks: Sequence[Task],
    crews: Sequence[Crew],
    matrix: Mapping[str, Mapping[str, float]],
    source: str,
) -> np.ndarray:
    n, m = len(tasks), len(crews)
    row_of = {t.id: i for i, t in enumerate(tasks)} | {c.id: n + k for k, c in enumerate(crews)}
    col_of = {t.id: i for i, t in enumerate(tasks)}
    out = np.full((n + m, n), np.nan)
    where = f"{source}: travel.matrix_h"
    if not isinstance(matrix, Mapping):
        raise InputError(where, "expected an object keyed by from-id, then to-id")
    for from_id, row in matrix.items():
        if from_id not in row_of:
            raise InputError(f"{where}.{from_id}", f"unknown task or crew id {from_id!r}")
        if not isinstance(row, Mapping):
            raise InputError(f"{where}.{from_id}", "expected an object keyed by to-id")
        for to_id, hours in row.items():
            if to_id not in col_of:
                raise InputError(f"{where}.{from_id}.{to_id}", f"unknown task id {to_id!r}")
            out[row_of[from_id], col_of[to_id]] = check_number(
                hours, f"{where}.{from_id}.{to_id}", minimum=0.0, maximum=MAX_HOURS
            )
    for i in range(n):
        out[i, i] = 0.0
    missing = np.argwhere(np.isnan(out))
    if len(missing):
        r, c = (int(x) for x in missing[0])
        from_id = tasks[r].id if r < n else crews[r - n].id
        raise InputError(
            where,
            f"missing hours from {from_id!r} to {tasks[c].id!r} "
            f"({len(missing)} pair(s) missing; every crew→task and task→task pair is needed)",
        )
    return out


def build_problem(
    tasks: Sequence[Task],
    crews: Sequence[Crew],
    groups: Sequence[Group],
    travel: Travel,
    *,
    source: str = "problem",
    customers_served: Mapping[str, float] | None = None,
) -> Problem:
    """Check a restoration problem and compile its travel matrix.

    ``customers_served`` (service → customers the system serves, e.g. every metered
    customer on the power network) turns on the event's reliability indices.

    Raises :class:`InputError` naming ``source`` and the item for: duplicate or empty ids,
    negative or non-finite durations, unknown task ids in ``after`` or ``needs``, a
    precedence cycle, a skill that no crew has, a task that no crew can finish within its
    shift, bad coordinates, bad travel settings or an incomplete travel matrix.
    """
    tasks, crews, groups = tuple(tasks), tuple(crews), tuple(groups)
    if not tasks:
        raise InputError(f"{source}: tasks", "expected at least one task")
    if not crews:
        raise InputError(f"{source}: crews", "expected at least one crew")
    _check_ids(tasks, "tasks", source)
    _check_ids(crews, "crews", source)
    _check_ids(groups, "groups", source)
    task_ids = {t.id for t in tasks}
    clash = sorted(task_ids & {c.id for c in crews})
    if clash:
        raise InputError(
            f"{source}: crews", f"id {clash[0]!r} is used by a task and a crew; ids must differ"
        )
    all_skills = set()
    generalist = False
    for k, c in enumerate(crews):
        w = f"{source}: crews[{k}] (id {c.id!r})"
        check_number(c.available_from_h, f"{w}.available_from_h", minimum=0.0, maximum=MAX_HOURS)
        if c.shift_h is not None:
            check_number(c.shift_h, f"{w}.shift_h", minimum=0.0, strict=True, maximum=MAX_HOURS)
        if c.skills is None:
            generalist = True
        else:
            all_skills |= set(c.skills)
    for k, t in enumerate(tasks):
        w = f"{source}: tasks[{k}] (id {t.id!r})"
        check_number(t.duration_h, f"{w}.duration_h", minimum=0.0, maximum=MAX_HOURS)
        for a in t.after:
            if a not in task_ids:
                raise InputError(f"{w}.after", f"unknown task id {a!r}")
            if a == t.id:
                raise InputError(f"{w}.after", "a task cannot come after itself")
        if t.skill is not None and not generalist and t.skill not in all_skills:
            raise InputError(f"{w}.skill", f"no crew has skill {t.skill!r}")
    cycle = _find_cycle(tasks)
    if cycle is not None:
        raise InputError(
            f"{source}: tasks",
            "precedence cycle (each must end before the next): " + " → ".join(cycle),
        )
    for k, g in enumerate(groups):
        w = f"{source}: groups[{k}] (id {g.id!r})"
        check_number(g.weight, f"{w}.weight", minimum=0.0, maximum=MAX_COUNT)
        check_number(g.people, f"{w}.people", minimum=0.0, maximum=MAX_COUNT)
        check_number(g.customers, f"{w}.customers", minimum=0.0, maximum=MAX_COUNT)
        if not g.needs:
            raise InputError(f"{w}.needs", "expected at least one task id")
        for need in g.needs:
            if need not in task_ids:
                raise InputError(f"{w}.needs", f"unknown task id {need!r}")
    travel_h = _travel_matrix(tasks, crews, travel, source)
    served = dict(customers_served or {})
    for service, count in served.items():
        check_number(count, f"{source}: customers_served[{service!r}]", minimum=0.0)
    problem = Problem(tasks, crews, groups, travel_h, travel, source, served)
    _check_shifts(problem)
    return problem


def _check_shifts(problem: Problem) -> None:
    """Every task must fit, alone, in the shift of some crew that has its skill."""
    if not np.isfinite(problem.shift_end_h).any():
        return
    n = problem.n_tasks
    first_end = (
        problem.available_h[None, :] + problem.travel_h[n:, :].T + problem.duration_h[:, None]
    )
    fits = (first_end <= problem.shift_end_h[None, :] + 1e-9) & problem.eligible
    for t in np.flatnonzero(~fits.any(axis=1)):
        raise InputError(
            f"{problem.source}: tasks[{t}] (id {problem.tasks[t].id!r})",
            "no crew with its skill can reach it and finish it within its shift",
        )
