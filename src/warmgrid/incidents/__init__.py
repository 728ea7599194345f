"""The incident log: sourced reports, append-only revisions and confirmed damage."""

from warmgrid.incidents.candidates import Candidate, candidate_assets, city_asset_ids
from warmgrid.incidents.domain import (
    ALLOWED_TRANSITIONS,
    Certainty,
    DamageIn,
    Figure,
    IncidentIn,
    IncidentKind,
    IncidentPatch,
    IncidentStatus,
    ReportIn,
    SourceKind,
    TimePrecision,
    check_transition,
)

__all__ = [
    "ALLOWED_TRANSITIONS",
    "Candidate",
    "Certainty",
    "DamageIn",
    "Figure",
    "IncidentIn",
    "IncidentKind",
    "IncidentPatch",
    "IncidentStatus",
    "ReportIn",
    "SourceKind",
    "TimePrecision",
    "candidate_assets",
    "check_transition",
    "city_asset_ids",
]
