"""The situation the console shows: the scenario run on the store's confirmed damage.

The scenario (city, weather, crews, warming centres, start time) is fixed when the
server starts; the damage is whatever the incident log holds as confirmed at the moment
(:func:`warmgrid.incidents.log.confirmed_asset_ids`). Each distinct damage set is run
once through :func:`warmgrid.scenario.run.run_scenario`, the pipeline the CLI uses,
and kept while it is among the :data:`KEEP_ASSESSMENTS` most recently used (a retracted
damage link brings back a situation without recomputing it).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from threading import Lock
from typing import Any

from warmgrid.impact import Damage
from warmgrid.incidents import log
from warmgrid.model import City
from warmgrid.scenario.run import Assessment, run_scenario
from warmgrid.scenario.spec import Scenario
from warmgrid.store import Store

KEEP_ASSESSMENTS = 4


class LiveState:
    """The current :class:`Assessment` of a city, recomputed when confirmed damage changes."""

    def __init__(self, store: Store, city: City, scenario: Scenario) -> None:
        self.store = store
        self.city = city
        self.scenario = scenario
        self._known = set(city.nodes["id"]) | set(city.branches["id"]) | set(city.sources["id"])
        self._lock = Lock()
        self._cached: OrderedDict[tuple[str, ...], tuple[Assessment, dict[str, bytes]]] = (
            OrderedDict()
        )

    def damage(self) -> tuple[str, ...]:
        """Ids of the city's assets confirmed damaged in the incident log, sorted."""
        with self.store.read() as session:
            ids = log.confirmed_asset_ids(session)
        return tuple(asset for asset in ids if asset in self._known)

    def _current(self) -> tuple[Assessment, dict[str, bytes]]:
        key = self.damage()
        with self._lock:
            if key not in self._cached:
                scenario = replace(
                    self.scenario,
                    damage=Damage(asset_ids=key, areas=()),
                    damage_labels=("confirmed damage in the incident log",),
                )
                self._cached[key] = (run_scenario(scenario, self.city), {})
                while len(self._cached) > KEEP_ASSESSMENTS:
                    self._cached.popitem(last=False)
            self._cached.move_to_end(key)
            return self._cached[key]

    def assessment(self) -> Assessment:
        """The assessment of the current damage (computed once per damage set)."""
        return self._current()[0]

    def json(self, name: str, build: Callable[[Assessment], Any]) -> bytes:
        """``build(assessment)`` as JSON bytes, built once per damage set under ``name``."""
        assessment, views = self._current()
        body = views.get(name)
        if body is None:
            body = json.dumps(build(assessment), separators=(",", ":"), allow_nan=False).encode()
            views[name] = body
        return body
