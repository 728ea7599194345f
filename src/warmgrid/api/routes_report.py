"""``GET /report``: the situation report of the server's current situation (any role).

The situation is the server's scenario (``app.state.scenario``, when it serves one) with
the damage confirmed in the incident log added, run through the one scenario pipeline;
without a scenario, the confirmed damage on the server's city under default settings.
The report's time is now; incidents and published alerts come from the store.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from warmgrid.api.deps import CityDep, StoreDep, Viewer
from warmgrid.incidents import log
from warmgrid.store.errors import ConflictError

router = APIRouter(tags=["report"])

REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'"


def current_scenario(state: Any, city: Any, asset_ids: list[str], now: datetime) -> Any:
    """The server's scenario with the confirmed ``asset_ids`` added to its damage."""
    from warmgrid.impact import Damage
    from warmgrid.scenario.spec import parse_scenario

    base = getattr(state, "scenario", None)
    if base is None:
        base = parse_scenario(
            {"name": f"{city.name}: confirmed damage", "city": city.name, "start": now}, "server"
        )
    assets = tuple(dict.fromkeys((*base.damage.asset_ids, *asset_ids)))
    return replace(base, damage=Damage(asset_ids=assets, areas=base.damage.areas))


@router.get(
    "/report",
    response_class=Response,
    responses={
        200: {
            "content": {"text/html": {}, "application/pdf": {}},
            "description": "The report: one self-contained HTML file, or a PDF.",
        }
    },
)
def get_report(
    _: Viewer,
    request: Request,
    store: StoreDep,
    city: CityDep,
    report_format: Annotated[Literal["html", "pdf"], Query(alias="format")] = "html",
    lang: Annotated[Literal["en", "uk"], Query()] = "en",
    number: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """The situation report (OCHA shape) as HTML or PDF, in English or Ukrainian."""
    if city is None:
        raise ConflictError("the server runs without a city; there is nothing to report")
    from warmgrid.report.facts import report_facts
    from warmgrid.report.from_store import logged_incidents, published_alerts
    from warmgrid.report.write import MEDIA_TYPES, render
    from warmgrid.scenario.run import run_scenario

    now = datetime.now(UTC).replace(microsecond=0)
    with store.read() as session:
        asset_ids = log.confirmed_asset_ids(session)
    assessment = run_scenario(current_scenario(request.app.state, city, asset_ids, now), city)
    facts = report_facts(
        assessment,
        number=number,
        as_of=now,
        published=published_alerts(store),
        incidents=logged_incidents(store),
    )
    body = render(assessment, facts, report_format, lang)
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}
    if report_format == "html":
        headers["Content-Security-Policy"] = REPORT_CSP
    else:
        stamp = facts.as_of.strftime("%Y%m%d-%H%M")
        headers["Content-Disposition"] = f'attachment; filename="sitrep-{number}-{stamp}.pdf"'
    return Response(body, media_type=MEDIA_TYPES[report_format], headers=headers)
