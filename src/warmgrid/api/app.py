"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from threading import Lock
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError

import warmgrid
from warmgrid.alerts.deployment import Deployment
from warmgrid.api import (
    routes_admin,
    routes_alerts,
    routes_assessments,
    routes_compose,
    routes_incidents,
    routes_plans,
    routes_report,
    routes_rotation,
    sessions,
)
from warmgrid.api.deps import TokenCache
from warmgrid.api.docs import install_docs
from warmgrid.api.errors import install_error_handlers
from warmgrid.api.feed_cache import FeedCache, FeedFastPath
from warmgrid.api.guard import MAX_BODY_BYTES, RequestGuard
from warmgrid.api.schemas import set_response_zone
from warmgrid.api.session_store import SessionStore
from warmgrid.incidents.impact import compile_for_impact
from warmgrid.store import Store, open_store
from warmgrid.store.group_commit import GroupCommit
from warmgrid.store.migrate import current_revision, head_revision

DESCRIPTION = """\
The incident log, damage, assessments and public alerts of warmgrid.

Authenticate with `Authorization: Bearer <token>`: tokens are issued to user accounts
(`warmgrid user add NAME --role …`, then `warmgrid token create --user NAME`, or
`POST /users` and `POST /tokens`). Roles: viewer < operator < approver < admin.
`GET /alerts…` and `GET /feed.atom` are public and show published `Public`-scope alerts
only, without staff names. Times are answered on the city's clock with their offset.
"""


def create_app(
    store_url: str,
    city: Any = None,
    *,
    store: Store | None = None,
    deployment: Deployment | None = None,
    max_body_bytes: int = MAX_BODY_BYTES,
    scenario: Any = None,
    basemap: Path | None = None,
) -> FastAPI:
    """An app serving the store at ``store_url`` (opened and migrated now).

    ``city`` (a :class:`warmgrid.model.City`) enables candidate damage, asset checks,
    assessments and outage alerts; without it those answer 409. ``store`` reuses an
    open store; ``deployment`` holds the CAP sender, sender name and public base URL;
    larger request bodies than ``max_body_bytes`` are refused (413).
    ``scenario`` (a :class:`warmgrid.scenario.spec.Scenario`: weather, crews, warming
    centres) with the city feeds the console's situation (:mod:`warmgrid.web`);
    ``basemap`` (a PMTiles file) is served with byte ranges as the pages' base map.
    """
    from warmgrid.web import install_web

    opened = store or open_store(store_url)
    compile_lock = Lock()
    compiled: list[Any] = []

    def compiled_city() -> Any:
        with compile_lock:
            if not compiled:
                compiled.append(compile_for_impact(city))
            return compiled[0]

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if store is None:
            opened.close()

    app = FastAPI(
        title="warmgrid",
        version=warmgrid.__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(set_response_zone)],
    )
    app.state.store = opened
    app.state.city = city
    app.state.scenario = scenario
    app.state.compiled_city = compiled_city
    app.state.deployment = deployment or Deployment()
    app.state.tokens = TokenCache()
    app.state.sessions = SessionStore(opened)
    app.state.group_commit = GroupCommit(opened)
    app.state.feed = FeedCache()
    app.add_middleware(
        FeedFastPath,
        cache=app.state.feed,
        media_type=routes_alerts.ATOM_MEDIA_TYPE,
        public_url=app.state.deployment.public_url,
    )
    app.add_middleware(RequestGuard, max_body_bytes=max_body_bytes)
    install_error_handlers(app)
    install_docs(app)
    app.include_router(routes_alerts.public)
    app.include_router(routes_incidents.router)
    app.include_router(routes_assessments.router)
    app.include_router(routes_plans.router)
    app.include_router(routes_alerts.internal)
    app.include_router(routes_compose.router)
    app.include_router(routes_admin.router)
    app.include_router(routes_report.router)
    app.include_router(routes_rotation.internal)
    app.include_router(routes_rotation.public)
    app.include_router(sessions.router)
    install_web(app, city, scenario, basemap)

    @app.get("/health", tags=["public"])
    async def health() -> dict[str, str]:
        """Liveness: the server answers and its store is open."""
        return {"status": "ok", "store": opened.dialect}

    @app.get("/healthz", tags=["public"])
    async def healthz() -> dict[str, str]:
        """Liveness for an orchestrator: the process answers (no store access)."""
        return {"status": "ok"}

    schema_head = head_revision()

    @app.get("/readyz", tags=["public"], responses={503: {"description": "Not ready"}})
    def readyz() -> JSONResponse:
        """Readiness: the store answers and its schema is the one this server expects."""
        try:
            found = current_revision(opened.engine)
        except SQLAlchemyError as error:
            problem = str(getattr(error, "orig", None) or error).splitlines()[0]
            return JSONResponse({"status": "unavailable", "store": problem}, status_code=503)
        if found != schema_head:
            detail = f"schema {found}, expected {schema_head}"
            return JSONResponse({"status": "unavailable", "store": detail}, status_code=503)
        return JSONResponse({"status": "ok", "store": opened.dialect, "schema": found})

    return app
