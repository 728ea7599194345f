"""The situation the console shows: the scenario run on the store's confirmed damage.

The scenario (city, weather, crews, warming centres, start time) is fixed when the
server starts; the damage is whatever the incident log holds as confirmed — now, or as
of an earlier moment for the timeline (:func:`warmgrid.incidents.log.confirmed_asset_ids`)
— and *replaces* the scenario's own (:func:`warmgrid.scenario.situation.situation_scenario`,
which the situation report uses too). Each distinct damage set is run once through
:func:`warmgrid.scenario.run.run_scenario`, the pipeline the CLI uses, and kept while it
is among the :data:`KEEP_ASSESSMENTS` most recently used (a retracted damage link, or
the timeline moving back, brings back a situation without recomputing it).
"""

from __future__ import annotations

import gzip
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from threading import Lock
from typing import Any

import orjson

from warmgrid.incidents import log
from warmgrid.model import City, compile_city
from warmgrid.restore.from_city import asset_table
from warmgrid.scenario.run import Assessment, run_scenario
from warmgrid.scenario.situation import situation_scenario
from warmgrid.scenario.spec import Scenario
from warmgrid.store import Store

KEEP_ASSESSMENTS = 8
GEOMETRY_GZIP_LEVEL = 6  # packed once per server: the default level of zlib


def dumps(value: Any) -> bytes:
    """Compact JSON of a view (orjson: the geometry of 100,000 buildings is a few MB)."""
    return orjson.dumps(value)


class LiveState:
    """The current :class:`Assessment` of a city, recomputed when confirmed damage changes."""

    def __init__(self, store: Store, city: City, scenario: Scenario) -> None:
        self.store = store
        self.city = city
        self.scenario = scenario
        self._known = set(city.nodes["id"]) | set(city.branches["id"]) | set(city.sources["id"])
        self._compiled = compile_city(city)
        self._assets = asset_table(city)
        self._lock = Lock()
        self._geometry: tuple[bytes, bytes] | None = None
        self._cached: OrderedDict[tuple[str, ...], tuple[Assessment, dict[str, bytes]]] = (
            OrderedDict()
        )

    def damage(self, as_of: datetime | None = None) -> tuple[str, ...]:
        """Ids of the city's assets confirmed damaged in the incident log (now, or as of
        ``as_of``), sorted."""
        with self.store.read() as session:
            ids = log.confirmed_asset_ids(session, as_of=as_of)
        return tuple(asset for asset in ids if asset in self._known)

    def _current(self, as_of: datetime | None = None) -> tuple[Assessment, dict[str, bytes]]:
        key = self.damage(as_of)
        with self._lock:
            if key not in self._cached:
                scenario = situation_scenario(self.scenario, self.city, key, self.scenario.start)
                assessment = run_scenario(
                    scenario, self.city, compiled=self._compiled, assets=self._assets
                )
                self._cached[key] = (assessment, {})
                while len(self._cached) > KEEP_ASSESSMENTS:
                    self._cached.popitem(last=False)
            self._cached.move_to_end(key)
            return self._cached[key]

    def assessment(self, as_of: datetime | None = None) -> Assessment:
        """The assessment of the damage confirmed now (or as of ``as_of``), computed once
        per damage set."""
        return self._current(as_of)[0]

    def json(self, name: str, build: Callable[[Assessment], Any]) -> bytes:
        """``build(assessment)`` of the current damage as JSON bytes, built once per
        damage set under ``name``."""
        assessment, views = self._current()
        body = views.get(name)
        if body is None:
            body = dumps(build(assessment))
            views[name] = body
        return body

    def geometry(self, build: Callable[[Assessment], Any]) -> tuple[bytes, bytes]:
        """``build(assessment)`` as JSON bytes and gzip-packed, built once: what does not
        depend on the damage (the city's geometry: 100,000 buildings make 12 MB of JSON,
        1.2 MB packed)."""
        if self._geometry is None:
            body = dumps(build(self.assessment()))
            self._geometry = (body, gzip.compress(body, GEOMETRY_GZIP_LEVEL))
        return self._geometry
