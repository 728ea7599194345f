"""Incident vocabulary and validation of what users submit."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from warmgrid.incidents.domain import (
    ALLOWED_TRANSITIONS,
    Certainty,
    Figure,
    IncidentIn,
    IncidentKind,
    IncidentPatch,
    IncidentStatus,
    ReportIn,
    SourceKind,
    check_transition,
)
from warmgrid.store.errors import ConflictError

# Written from the issue, independently of the code: reported → confirmed → resolved,
# or reported → ruled out.
SPEC = {("reported", "confirmed"), ("confirmed", "resolved"), ("reported", "ruled_out")}


def test_vocabularies_are_those_of_the_issue_and_cap() -> None:
    assert {k.value for k in IncidentKind} == {
        "air_threat",
        "interception_debris",
        "strike",
        "fire",
        "explosion",
        "outage",
        "other",
    }
    assert {s.value for s in SourceKind} == {
        "official",
        "utility",
        "emergency_service",
        "media",
        "public",
    }
    # OASIS CAP 1.2 §3.2.2 certainty values
    assert [c.value for c in Certainty] == ["Observed", "Likely", "Possible", "Unlikely", "Unknown"]


@pytest.mark.parametrize("old,new", list(itertools.product(list(IncidentStatus), repeat=2)))
def test_transitions(old: IncidentStatus, new: IncidentStatus) -> None:
    if old == new or (old.value, new.value) in SPEC:
        check_transition(old, new)
    else:
        with pytest.raises(ConflictError, match="cannot go from"):
            check_transition(old, new)
    assert {(a.value, b.value) for a, bs in ALLOWED_TRANSITIONS.items() for b in bs} == SPEC


@given(low=st.floats(-1e9, 1e9, allow_nan=False), high=st.floats(-1e9, 1e9, allow_nan=False))
def test_figures_keep_min_max_as_reported(low: float, high: float) -> None:
    if low <= high:
        figure = Figure(what="temperature", min=low, max=high, unit="degC")
        assert (figure.min, figure.max) == (low, high)
    else:
        with pytest.raises(ValidationError, match="above max"):
            Figure(what="temperature", min=low, max=high, unit="degC")


@given(low=st.floats(-1e9, 1e9, allow_nan=False), high=st.floats(0, 1e9, allow_nan=False))
def test_item8_counts_of_people_are_never_negative(low: float, high: float) -> None:
    if 0 <= low <= high:
        assert Figure(what="people", min=low, max=high, unit="people").min == low
    elif low < 0:
        with pytest.raises(ValidationError, match="cannot be negative"):
            Figure(what="people", min=low, max=max(high, low), unit="count")


def test_figure_needs_a_bound_and_rejects_infinity() -> None:
    with pytest.raises(ValidationError, match="min, max or both"):
        Figure(what="drones")
    with pytest.raises(ValidationError):
        Figure(what="drones", min=float("inf"))
    assert Figure(what="drones", min=10).max is None


def test_report_needs_a_time_zone_and_cap_certainty() -> None:
    base = {
        "source_name": "Hotline",
        "source_kind": "public",
        "received_at": "2026-01-14T04:00:00+02:00",
        "quoted_text": "a bang",
    }
    assert ReportIn.model_validate(base).certainty == Certainty.UNKNOWN
    with pytest.raises(ValidationError, match="timezone"):
        ReportIn.model_validate({**base, "received_at": "2026-01-14T04:00:00"})
    with pytest.raises(ValidationError):
        ReportIn.model_validate({**base, "certainty": "Certain"})


def test_polygon_must_be_closed_and_valid() -> None:
    ring = [[30, 50], [31, 50], [31, 51], [30, 51]]
    with pytest.raises(ValidationError, match="closed"):
        IncidentIn.model_validate(
            {"kind": "fire", "title": "x", "location": {"type": "Polygon", "coordinates": [ring]}}
        )
    bowtie = [[30, 50], [31, 51], [31, 50], [30, 51], [30, 50]]
    with pytest.raises(ValidationError, match="valid"):
        IncidentIn.model_validate(
            {"kind": "fire", "title": "x", "location": {"type": "Polygon", "coordinates": [bowtie]}}
        )
    closed = [*ring, ring[0]]
    made = IncidentIn.model_validate(
        {"kind": "fire", "title": "x", "location": {"type": "Polygon", "coordinates": [closed]}}
    )
    assert made.location is not None and made.location.type == "Polygon"


def test_patch_cannot_null_a_required_field() -> None:
    with pytest.raises(ValidationError, match="cannot be null"):
        IncidentPatch.model_validate({"title": None, "reason": "r"})
    patch = IncidentPatch.model_validate({"location": None, "reason": "r"})
    assert patch.changed_fields() == {"location": None}


def test_item23_a_correction_records_its_reason() -> None:
    with pytest.raises(ValidationError, match="reason"):
        IncidentPatch.model_validate({"title": "Corrected"})
    with pytest.raises(ValidationError, match="blank"):
        IncidentPatch.model_validate({"title": "Corrected", "reason": "  "})
    with pytest.raises(ValidationError, match="note"):
        IncidentPatch.model_validate({"title": "Corrected", "note": "old name", "reason": "r"})
    assert IncidentPatch.model_validate({"title": "C", "reason": "typo"}).reason == "typo"
