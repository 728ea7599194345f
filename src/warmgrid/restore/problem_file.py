"""Reading and writing restoration problem files (JSON) and crews files.

The format is documented in ``docs/restore.md``. Every field is checked; an error
names the file, the item (index and id) and the field, and says what was expected.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from warmgrid.errors import InputError
from warmgrid.restore.problem import Crew, Group, Problem, Task, Travel, build_problem

TOP_KEYS = {"tasks", "crews", "travel", "groups", "name", "description"}
TASK_KEYS = {"id", "duration_h", "lon", "lat", "skill", "after", "name", "kind"}
CREW_KEYS = {"id", "lon", "lat", "skills", "available_from_h", "shift_h", "name"}
GROUP_KEYS = {"id", "weight", "needs", "people", "customers", "service", "name"}
TRAVEL_KEYS = {"speed_kmh", "road_factor", "matrix_h"}

T = TypeVar("T")


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(str(path), f"cannot read file ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            str(path), f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None


def _object(value: Any, where: str, allowed: set[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(where, f"expected an object, got {type(value).__name__}")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise InputError(
            where, f"unknown field {unknown[0]!r} (expected one of {', '.join(sorted(allowed))})"
        )
    return value


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise InputError(where, f"expected a list, got {type(value).__name__}")
    return value


def _string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise InputError(where, f"expected a non-empty string, got {value!r}")
    return value


def _number(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(where, f"expected a number, got {value!r}")
    return float(value)


def _opt(obj: Mapping[str, Any], key: str, where: str, conv: Callable[[Any, str], T]) -> T | None:
    if key not in obj or obj[key] is None:
        return None
    return conv(obj[key], f"{where}.{key}")


def _req(obj: Mapping[str, Any], key: str, where: str, conv: Callable[[Any, str], T]) -> T:
    if key not in obj:
        raise InputError(f"{where}.{key}", "required field is missing")
    return conv(obj[key], f"{where}.{key}")


def _strings(value: Any, where: str) -> tuple[str, ...]:
    items = _list(value, where)
    return tuple(_string(v, f"{where}[{k}]") for k, v in enumerate(items))


def _label(where: str, k: int, obj: Any) -> str:
    ident = obj.get("id") if isinstance(obj, Mapping) else None
    return f"{where}[{k}]" + (f" (id {ident!r})" if isinstance(ident, str) else "")


def parse_crew(obj: Any, where: str) -> Crew:
    """One crew from its JSON object."""
    o = _object(obj, where, CREW_KEYS)
    skills = _opt(o, "skills", where, _strings)
    return Crew(
        id=_req(o, "id", where, _string),
        lon=_opt(o, "lon", where, _number),
        lat=_opt(o, "lat", where, _number),
        skills=None if skills is None else frozenset(skills),
        available_from_h=_opt(o, "available_from_h", where, _number) or 0.0,
        shift_h=_opt(o, "shift_h", where, _number),
    )


def parse_task(obj: Any, where: str) -> Task:
    """One task from its JSON object."""
    o = _object(obj, where, TASK_KEYS)
    return Task(
        id=_req(o, "id", where, _string),
        duration_h=_req(o, "duration_h", where, _number),
        lon=_opt(o, "lon", where, _number),
        lat=_opt(o, "lat", where, _number),
        skill=_opt(o, "skill", where, _string),
        after=_opt(o, "after", where, _strings) or (),
    )


def parse_group(obj: Any, where: str) -> Group:
    """One group of customers from its JSON object (``people`` defaults to ``weight``)."""
    o = _object(obj, where, GROUP_KEYS)
    weight = _req(o, "weight", where, _number)
    people = _opt(o, "people", where, _number)
    customers = _opt(o, "customers", where, _number)
    return Group(
        id=_req(o, "id", where, _string),
        weight=weight,
        needs=_req(o, "needs", where, _strings),
        people=weight if people is None else people,
        customers=1.0 if customers is None else customers,
        service=_opt(o, "service", where, _string) or "",
    )


def parse_travel(obj: Any, where: str) -> Travel:
    """Travel settings from their JSON object."""
    o = _object(obj, where, TRAVEL_KEYS)
    matrix = o.get("matrix_h")
    return Travel(
        speed_kmh=_opt(o, "speed_kmh", where, _number),
        road_factor=_opt(o, "road_factor", where, _number),
        matrix_h=matrix,
    )


def problem_from_dict(data: Any, source: str = "problem") -> Problem:
    """Build and check a :class:`Problem` from the parsed JSON of a problem file."""
    top = _object(data, source, TOP_KEYS)
    for key in ("tasks", "crews", "travel", "groups"):
        if key not in top:
            raise InputError(f"{source}: {key}", "required field is missing")
    tasks_raw = _list(top["tasks"], f"{source}: tasks")
    crews_raw = _list(top["crews"], f"{source}: crews")
    groups_raw = _list(top["groups"], f"{source}: groups")
    if not groups_raw:
        raise InputError(
            f"{source}: groups",
            "expected at least one group (the customers whose service the repairs restore)",
        )
    tasks = [parse_task(o, _label(f"{source}: tasks", k, o)) for k, o in enumerate(tasks_raw)]
    crews = [parse_crew(o, _label(f"{source}: crews", k, o)) for k, o in enumerate(crews_raw)]
    groups = [parse_group(o, _label(f"{source}: groups", k, o)) for k, o in enumerate(groups_raw)]
    travel = parse_travel(top["travel"], f"{source}: travel")
    return build_problem(tasks, crews, groups, travel, source=source)


def load_problem(path: str | Path) -> Problem:
    """Read and check a problem file (JSON)."""
    path = Path(path)
    return problem_from_dict(_read_json(path), source=str(path))


def load_crews(path: str | Path) -> list[Crew]:
    """Read a crews file: a JSON list of crews, or an object ``{"crews": [...]}``."""
    path = Path(path)
    data = _read_json(path)
    if isinstance(data, Mapping):
        data = _object(data, str(path), {"crews"}).get("crews")
    items = _list(data, f"{path}: crews")
    if not items:
        raise InputError(f"{path}: crews", "expected at least one crew")
    return [parse_crew(o, _label(f"{path}: crews", k, o)) for k, o in enumerate(items)]


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    """The problem as a JSON-ready dict in the problem-file format."""
    travel: dict[str, Any]
    if problem.travel.matrix_h is not None or problem.travel.speed_kmh is None:
        rows = [t.id for t in problem.tasks] + [c.id for c in problem.crews]
        travel = {
            "matrix_h": {
                r: {t.id: float(problem.travel_h[i, j]) for j, t in enumerate(problem.tasks)}
                for i, r in enumerate(rows)
            }
        }
    else:
        travel = {
            "speed_kmh": problem.travel.speed_kmh,
            "road_factor": problem.travel.road_factor or 1.0,
        }

    def task(t: Task) -> dict[str, Any]:
        out: dict[str, Any] = {"id": t.id, "duration_h": t.duration_h}
        if t.lon is not None:
            out |= {"lon": t.lon, "lat": t.lat}
        if t.skill is not None:
            out["skill"] = t.skill
        if t.after:
            out["after"] = list(t.after)
        return out

    def crew(c: Crew) -> dict[str, Any]:
        out: dict[str, Any] = {"id": c.id, "available_from_h": c.available_from_h}
        if c.lon is not None:
            out |= {"lon": c.lon, "lat": c.lat}
        if c.skills is not None:
            out["skills"] = sorted(c.skills)
        if c.shift_h is not None:
            out["shift_h"] = c.shift_h
        return out

    return {
        "tasks": [task(t) for t in problem.tasks],
        "crews": [crew(c) for c in problem.crews],
        "travel": travel,
        "groups": [
            {
                "id": g.id,
                "weight": g.weight,
                "needs": list(g.needs),
                "people": g.people,
                "customers": g.customers,
            }
            | ({"service": g.service} if g.service else {})
            for g in problem.groups
        ],
    }
