"""``GET /report``: the situation report of the server's current situation (any role).

The situation is the console's (:func:`warmgrid.scenario.situation.situation_scenario`:
the server's scenario with the damage confirmed in the incident log as its damage, the
very assessment the console shows); without a scenario, the confirmed damage on the
server's city under default settings starting now. The report's time is now; incidents
and published alerts come from the store.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from warmgrid.api.deps import CityDep, StoreDep, Viewer
from warmgrid.incidents import log
from warmgrid.store.errors import ConflictError

router = APIRouter(tags=["report"])

REPORT_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'"


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
    from warmgrid.scenario.situation import situation_scenario

    now = datetime.now(UTC).replace(microsecond=0)
    live = request.app.state.live
    if live is not None:
        assessment = live.assessment()
    else:
        with store.read() as session:
            asset_ids = log.confirmed_asset_ids(session)
        assessment = run_scenario(situation_scenario(None, city, asset_ids, now), city)
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
