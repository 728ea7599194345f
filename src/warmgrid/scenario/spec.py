"""Scenario files (TOML): a city, damage, weather, crews, warming centres and a start time.

Every key, with units and defaults, is documented in ``docs/scenario.md``;
``warmgrid/scenario/data/demo.toml`` is a complete example. Every field is checked
on load; an error names the file and the field (``crews[2].lon``) and what was expected.
"""

from __future__ import annotations

import difflib
import math
import tomllib
import warnings
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import datetime
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from warmgrid.alerts.deployment import DEFAULT_SENDER, Deployment
from warmgrid.alerts.outage import WarmingCentre
from warmgrid.errors import InputError
from warmgrid.impact import Circle, Damage
from warmgrid.model.open import DEMO
from warmgrid.model.timezone import parse_time
from warmgrid.restore.problem import Crew, check_repair_h
from warmgrid.thermal import defaults

DEFAULT_OUTDOOR_TEMP_C = -5.0
"""Outdoor temperature of a scenario without a forecast (°C, constant)."""


@dataclass(frozen=True)
class Forecast:
    """Outdoor temperature forecast: values at hours after start, linear in between."""

    hours: float
    points_h: tuple[float, ...]
    outdoor_temp_c: tuple[float, ...]

    def hourly_c(self) -> np.ndarray:
        """Outdoor temperature at every whole hour from 0 to ``hours`` (°C)."""
        grid = np.arange(0.0, self.hours + 1.0)
        return np.interp(grid, self.points_h, self.outdoor_temp_c)


@dataclass(frozen=True)
class CooldownSettings:
    """How homes cool once heat stops (see ``warmgrid.thermal``; defaults, with their
    sources, in :mod:`warmgrid.thermal.defaults`)."""

    set_point_c: float = defaults.SET_POINT_C
    water_temp_c: float = defaults.WATER_TEMP_C
    step_min: float = defaults.STEP_MIN


COOLDOWN_LIMITS: dict[str, tuple[float, float]] = {
    "set_point_c": (5.0, 30.0),
    "water_temp_c": (1.0, 150.0),
    "step_min": (1.0, 60.0),
}
"""The accepted range of every :class:`CooldownSettings` field (scenario files and the
``cooldown`` command alike)."""

DEPRECATED_KEYS: dict[str, dict[str, str]] = {
    "cooldown": {
        "heating_radiative_fraction": "has no effect (homes are heated at the air node before "
        "the outage) and will be refused in a later version; remove it",
    },
}
"""Keys still accepted (by table) so that existing files load, each with why it is
deprecated; a file that gives one loads with a :class:`FutureWarning` naming the file and
the key."""


@dataclass(frozen=True)
class PlanSettings:
    """How the restoration plan is made (see ``warmgrid.restore``).

    ``cold_urgency`` raises the weight of a building without heat by up to that factor the
    sooner its forecast reaches 12 °C: weight × (1 + cold_urgency × (1 − t12 / horizon)),
    with t12 the hours to 12 °C (the horizon when it is not reached).
    """

    solver: str = "heuristic"
    time_limit_s: float = 10.0
    cold_urgency: float = 0.0
    repair_h: tuple[tuple[str, float], ...] = ()  # asset kind or id → hours


@dataclass(frozen=True)
class Scenario:
    """One situation: what is damaged, in which city, under which weather, with which crews."""

    name: str
    city: str
    start: datetime
    damage: Damage
    damage_labels: tuple[str, ...]
    weather: Forecast
    cooldown: CooldownSettings = CooldownSettings()
    plan: PlanSettings = PlanSettings()
    crews: tuple[Crew, ...] = ()
    warming_centres: tuple[WarmingCentre, ...] = ()
    description: str = ""
    deployment: Deployment = field(default_factory=Deployment)
    source: str = field(default="<scenario>", compare=False)


TABLE_KEYS: dict[str, frozenset[str]] = {
    "": frozenset(
        {
            "name",
            "city",
            "start",
            "description",
            "damage",
            "weather",
            "cooldown",
            "plan",
            "crews",
            "warming_centres",
            "deployment",
        }
    ),
    "damage": frozenset(("assets", "label", "areas")),
    "damage.areas": frozenset(("lon", "lat", "radius_m", "label")),
    "weather": frozenset(("hours", "points_h", "outdoor_temp_c")),
    "cooldown": frozenset(COOLDOWN_LIMITS) | frozenset(DEPRECATED_KEYS["cooldown"]),
    "plan": frozenset(("solver", "time_limit_s", "cold_urgency", "repair_hours")),
    "crews": frozenset(("id", "lon", "lat", "skills", "available_from_h")),
    "warming_centres": frozenset(("name", "lon", "lat")),
    "deployment": frozenset(("sender", "sender_name", "public_url")),
}
"""The keys of every table of a scenario file (``docs/scenario.md``); any other key is
refused, most likely a typo. ``plan.repair_hours`` is keyed by asset kind or id."""


def check_keys(data: dict[str, Any], known: Collection[str], table: str, where: str) -> None:
    """:class:`InputError` naming the first key of ``data`` (the table ``table`` at
    ``where``) not in ``known``, with the closest known key as a suggestion."""
    for key in data:
        if key not in known:
            close = difflib.get_close_matches(key, sorted(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            table = f"[{table}]" if table else "the top level"
            raise InputError(
                f"{where}.{key}" if where else key,
                f"is not a key of {table} (known: {', '.join(sorted(known))}){hint}",
            )


class _Reader:
    """Typed access to a TOML table with error messages that name the field; a table with
    known keys (:data:`TABLE_KEYS`, by ``kind``) refuses any other key."""

    def __init__(self, data: dict[str, Any], where: str, kind: str | None = None) -> None:
        self.data = data
        self.where = where
        if kind is not None:
            check_keys(data, TABLE_KEYS[kind], kind, where)

    def _fail(self, key: str, problem: str) -> InputError:
        return InputError(f"{self.where}.{key}" if self.where else key, problem)

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if key not in self.data:
            if default is ...:
                raise self._fail(key, "is missing")
            return default
        value = self.data[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise self._fail(key, f"must be a {names}, got {value!r}")
        return value

    def number(
        self, key: str, default: Any = ..., low: float | None = None, high: float | None = None
    ) -> float:
        value = self.get(key, float, default)
        if not math.isfinite(value):
            raise self._fail(key, f"expected a finite number, got {value}")
        if (low is not None and value < low) or (high is not None and value > high):
            if high is None:
                expected = f"at least {low:g}"
            elif low is None:
                expected = f"at most {high:g}"
            else:
                expected = f"within [{low:g}, {high:g}]"
            raise self._fail(key, f"must be {expected}, got {value:g}")
        return value

    def tables(self, key: str) -> list[_Reader]:
        items = self.get(key, list, [])
        readers = []
        for k, item in enumerate(items):
            if not isinstance(item, dict):
                raise self._fail(f"{key}[{k}]", "must be a table")
            kind = f"{self.where}.{key}".lstrip(".")
            readers.append(_Reader(item, f"{kind}[{k}]", kind))
        return readers

    def table(self, key: str, default: dict[str, Any] | None = None) -> _Reader:
        """The sub-table ``key`` (``default``, else empty, when absent), its keys checked."""
        kind = f"{self.where}.{key}".lstrip(".")
        return _Reader(self.get(key, dict, default or {}), kind, kind)


def _forecast(reader: _Reader) -> Forecast:
    hours = reader.number("hours", 72.0, low=1.0, high=24.0 * 60)
    points = reader.get("points_h", list, [0.0, hours])
    temps = reader.get("outdoor_temp_c", (list, float, int))
    if not isinstance(temps, list):
        temps = [float(temps)] * len(points)
    if len(points) != len(temps) or not points:
        raise reader._fail("outdoor_temp_c", "needs one temperature per entry of points_h")
    try:
        points_h = tuple(float(p) for p in points)
        values = tuple(float(t) for t in temps)
    except (TypeError, ValueError):
        raise reader._fail("points_h", "points_h and outdoor_temp_c must be numbers") from None
    if any(b <= a for a, b in pairwise(points_h)):
        raise reader._fail("points_h", "must increase strictly")
    if any(not -60.0 <= t <= 50.0 for t in values):
        raise reader._fail("outdoor_temp_c", "must be plausible outdoor temperatures (−60…50 °C)")
    return Forecast(hours=hours, points_h=points_h, outdoor_temp_c=values)


def _repair_h(reader: _Reader) -> tuple[tuple[str, float], ...]:
    return tuple(
        (key, check_repair_h(value, f"{reader.where}.{key}")) for key, value in reader.data.items()
    )


def _warn_deprecated(data: dict[str, Any], source: str) -> None:
    """One :class:`FutureWarning` per deprecated key ``data`` gives (:data:`DEPRECATED_KEYS`)."""
    for table, keys in DEPRECATED_KEYS.items():
        given = data.get(table)
        for key, why in keys.items():
            if isinstance(given, dict) and key in given:
                warnings.warn(f"{source}: [{table}] {key} {why}", FutureWarning, stacklevel=3)


def parse_scenario(data: dict[str, Any], source: str) -> Scenario:
    """Build a :class:`Scenario` from parsed TOML; ``source`` names the file in errors and
    warnings."""
    root = _Reader(data, "", "")
    start_value = root.get("start", (datetime, str))
    if isinstance(start_value, datetime):  # a TOML date-time: the same checks as a string
        start_value = start_value.isoformat()
    start_value = parse_time(start_value, "start")
    damage = root.table("damage")
    areas, labels = [], [damage.get("label", str, "")]
    for area in damage.tables("areas"):
        areas.append(
            Circle(
                area.number("lon", low=-180, high=180),
                area.number("lat", low=-90, high=90),
                area.number("radius_m", low=0.1),
            )
        )
        labels.append(area.get("label", str, ""))
    assets = damage.get("assets", list, [])
    crews = tuple(
        Crew(
            id=c.get("id", str),
            lon=c.number("lon", low=-180, high=180),
            lat=c.number("lat", low=-90, high=90),
            skills=frozenset(c.get("skills", list, [])) or None,
            available_from_h=c.number("available_from_h", 0.0, low=0.0),
        )
        for c in root.tables("crews")
    )
    centres = tuple(
        WarmingCentre(
            w.get("name", str),
            w.number("lon", low=-180, high=180),
            w.number("lat", low=-90, high=90),
        )
        for w in root.tables("warming_centres")
    )
    cool = root.table("cooldown")
    fallback = CooldownSettings()
    cooldown = CooldownSettings(
        **{
            key: cool.number(key, getattr(fallback, key), low=low, high=high)
            for key, (low, high) in COOLDOWN_LIMITS.items()
        }
    )
    _warn_deprecated(data, source)
    plan = root.table("plan")
    solver = plan.get("solver", str, "heuristic")
    if solver not in ("heuristic", "exact"):
        raise plan._fail("solver", f'must be "heuristic" or "exact", got {solver!r}')
    plan_settings = PlanSettings(
        solver=solver,
        time_limit_s=plan.number("time_limit_s", 10.0, low=0.1, high=3600.0),
        cold_urgency=plan.number("cold_urgency", 0.0, low=0.0, high=100.0),
        repair_h=_repair_h(_Reader(plan.get("repair_hours", dict, {}), "plan.repair_hours")),
    )
    publish = root.table("deployment")
    deployment = Deployment.checked(
        publish.get("sender", str, DEFAULT_SENDER),
        publish.get("sender_name", str, None),
        publish.get("public_url", str, None),
        where="deployment.",
    )
    return Scenario(
        name=root.get("name", str, "scenario"),
        city=root.get("city", str),
        start=start_value,
        damage=Damage(asset_ids=tuple(str(a) for a in assets), areas=tuple(areas)),
        damage_labels=tuple(labels),
        weather=_forecast(root.table("weather", {"outdoor_temp_c": DEFAULT_OUTDOOR_TEMP_C})),
        cooldown=cooldown,
        plan=plan_settings,
        crews=crews,
        warming_centres=centres,
        description=root.get("description", str, ""),
        deployment=deployment,
        source=source,
    )


def load_scenario(path: str | Path) -> Scenario:
    """Read a scenario TOML file; a relative ``city`` path is relative to the file's folder."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text())
    except FileNotFoundError:
        raise InputError(str(path), "no such scenario file") from None
    except IsADirectoryError:
        raise InputError(str(path), "is a folder; expected a scenario TOML file") from None
    except OSError as error:
        raise InputError(str(path), f"cannot read file ({error.strerror or error})") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise InputError(str(path), f"is not valid TOML ({error})") from None
    try:
        scenario = parse_scenario(data, str(path))
    except InputError as error:
        raise InputError(f"{path}: {error.where}", error.problem) from None
    if scenario.city == DEMO or Path(scenario.city).is_absolute():
        return scenario
    return replace(scenario, city=str(path.parent / scenario.city))


def demo_scenario() -> Scenario:
    """The default scenario of the demo city."""
    text = resources.files("warmgrid.scenario").joinpath("data/demo.toml").read_text()
    return parse_scenario(tomllib.loads(text), "demo scenario")
