"""Reading a rotation schedule: the JSON object of ``warmgrid rotate --json``.

The contract (issue 11, item 5): ``deficit_mw``; ``groups``, each with ``id``,
``switch_off`` (branch ids opened to turn the group off), ``buildings`` (the building ids
that lose supply when that group alone is off), ``people``, ``load_mw`` and ``critical``;
``slots``, each with ``start_h``, ``end_h`` (hours after the schedule's start) and ``off``
(group ids); ``people_hours_below_12c``, ``jain_index``, ``energy_not_served_mwh`` and
``baselines`` with the same figures. Other keys are kept and ignored.

Every problem raises :class:`~warmgrid.errors.InputError` naming the field, e.g.
``schedule.slots[3].off[0]: unknown group id 'G9'``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Integral, Real
from pathlib import Path
from typing import TYPE_CHECKING, Any

from warmgrid.errors import InputError

if TYPE_CHECKING:
    from warmgrid.model import City

FIGURES = ("people_hours_below_12c", "jain_index", "energy_not_served_mwh")
"""The objective figures of a schedule and of each of its baselines."""


@dataclass(frozen=True)
class RotationGroup:
    """A rotatable group: opening every branch of ``switch_off`` cuts ``buildings``
    (``people`` residents, ``load_mw`` MW at the planned operating point). A ``critical``
    group feeds a critical facility and is never off."""

    id: str
    switch_off: tuple[str, ...]
    buildings: tuple[str, ...]
    people: int
    load_mw: float
    critical: bool


@dataclass(frozen=True)
class RotationSlot:
    """Hours ``start_h``–``end_h`` after the schedule's start, with the groups ``off``."""

    start_h: float
    end_h: float
    off: tuple[str, ...]


@dataclass(frozen=True)
class RotationSchedule:
    """A checked rotation schedule; ``data`` is the object as read (for storing)."""

    deficit_mw: float
    groups: tuple[RotationGroup, ...]
    slots: tuple[RotationSlot, ...]
    figures: Mapping[str, float]
    baselines: Mapping[str, Mapping[str, float]]
    data: Mapping[str, Any]

    def group(self, group_id: str) -> RotationGroup:
        """The group with id ``group_id`` (KeyError when absent)."""
        for group in self.groups:
            if group.id == group_id:
                return group
        raise KeyError(group_id)


def _field(obj: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in obj:
        raise InputError(f"{where}.{key}", "missing")
    return obj[key]


def _number(value: Any, where: str, *, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        raise InputError(where, f"expected a finite number, got {value!r}")
    if minimum is not None and value < minimum:
        raise InputError(where, f"expected a number ≥ {minimum:g}, got {value!r}")
    return float(value)


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise InputError(where, f"expected a JSON object, got {type(value).__name__}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    """A JSON array (a list or tuple, as a planner's own object may hold)."""
    if not isinstance(value, list | tuple):
        raise InputError(where, f"expected a JSON array, got {type(value).__name__}")
    return list(value)


def _ident(value: Any, where: str) -> str:
    """A group, branch or building id: a non-empty string (an integer is read as text)."""
    if isinstance(value, Integral) and not isinstance(value, bool):
        return str(int(value))
    if not isinstance(value, str) or not value.strip() or value.strip() != value:
        raise InputError(
            where, f"expected a non-empty id without surrounding spaces, got {value!r}"
        )
    return value


def _ids(value: Any, where: str, known: set[str] | None, kind: str) -> tuple[str, ...]:
    out = []
    for k, item in enumerate(_list(value, where)):
        ident = _ident(item, f"{where}[{k}]")
        if known is not None and ident not in known:
            raise InputError(f"{where}[{k}]", f"unknown {kind} id {ident!r}")
        out.append(ident)
    if len(set(out)) != len(out):
        raise InputError(where, f"lists a {kind} id twice")
    return tuple(out)


def _figures(obj: Mapping[str, Any], where: str) -> dict[str, float]:
    return {key: _number(_field(obj, key, where), f"{where}.{key}", minimum=0.0) for key in FIGURES}


def _group(
    raw: Any, where: str, branches: set[str] | None, buildings: set[str] | None
) -> RotationGroup:
    obj = _object(raw, where)
    critical = _field(obj, "critical", where)
    if not isinstance(critical, bool):
        raise InputError(f"{where}.critical", f"expected true or false, got {critical!r}")
    people = _number(_field(obj, "people", where), f"{where}.people", minimum=0.0)
    if people != int(people):
        raise InputError(f"{where}.people", f"expected a whole number, got {people:g}")
    return RotationGroup(
        id=_ident(_field(obj, "id", where), f"{where}.id"),
        switch_off=_ids(
            _field(obj, "switch_off", where), f"{where}.switch_off", branches, "branch"
        ),
        buildings=_ids(
            _field(obj, "buildings", where), f"{where}.buildings", buildings, "building"
        ),
        people=int(people),
        load_mw=_number(_field(obj, "load_mw", where), f"{where}.load_mw", minimum=0.0),
        critical=critical,
    )


def _slots(raw: Any, groups: dict[str, RotationGroup], where: str) -> tuple[RotationSlot, ...]:
    slots: list[RotationSlot] = []
    for k, item in enumerate(_list(raw, where)):
        at = f"{where}[{k}]"
        obj = _object(item, at)
        start_h = _number(_field(obj, "start_h", at), f"{at}.start_h", minimum=0.0)
        end_h = _number(_field(obj, "end_h", at), f"{at}.end_h")
        if end_h <= start_h:
            raise InputError(
                f"{at}.end_h", f"expected an end after start_h {start_h:g}, got {end_h:g}"
            )
        if slots and start_h != slots[-1].end_h:
            raise InputError(
                f"{at}.start_h",
                f"slots must follow each other without gap or overlap: expected "
                f"{slots[-1].end_h:g}, got {start_h:g}",
            )
        off = _ids(_field(obj, "off", at), f"{at}.off", set(groups), "group")
        for j, group_id in enumerate(off):
            if groups[group_id].critical:
                raise InputError(f"{at}.off[{j}]", f"group {group_id!r} is critical: never off")
        slots.append(RotationSlot(start_h, end_h, off))
    return tuple(slots)


def read_schedule(data: Any, city: City | None = None, where: str = "schedule") -> RotationSchedule:
    """The checked schedule of a parsed JSON object; with ``city``, every branch and
    building id must be one of the city's. InputError naming the field otherwise."""
    obj = _object(data, where)
    branches = set(city.branches["id"]) if city is not None else None
    buildings = set(city.buildings["id"]) if city is not None else None
    groups: dict[str, RotationGroup] = {}
    for k, raw in enumerate(_list(_field(obj, "groups", where), f"{where}.groups")):
        group = _group(raw, f"{where}.groups[{k}]", branches, buildings)
        if group.id in groups:
            raise InputError(f"{where}.groups[{k}].id", f"group id {group.id!r} appears twice")
        groups[group.id] = group
    baselines = {
        str(name): _figures(
            _object(value, f"{where}.baselines.{name}"), f"{where}.baselines.{name}"
        )
        for name, value in _object(_field(obj, "baselines", where), f"{where}.baselines").items()
    }
    return RotationSchedule(
        deficit_mw=_number(_field(obj, "deficit_mw", where), f"{where}.deficit_mw", minimum=0.0),
        groups=tuple(groups.values()),
        slots=_slots(_field(obj, "slots", where), groups, f"{where}.slots"),
        figures=_figures(obj, where),
        baselines=baselines,
        data=obj,
    )


def read_schedule_file(path: Path, city: City | None = None) -> RotationSchedule:
    """The checked schedule in the JSON file ``path``; errors name the file and field."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(str(path), f"cannot read file ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8 text") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            str(path), f"not JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    return read_schedule(data, city, where=str(path))
