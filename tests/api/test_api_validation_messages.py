"""422 answers name the field and give the problem alone, without pydantic's
"Value error, " prefix (the same message the CLI prints)."""

from __future__ import annotations

import pytest

from warmgrid.errors import PYDANTIC_VALUE_ERROR

CREW = {"id": "oblenergo-1", "lon": 30.500, "lat": 50.476}


@pytest.mark.parametrize(
    ("hours", "problem"),
    [(-1, "must be greater than 0"), (0, "must be greater than 0"), (9000, "at most 8760")],
)
def test_bad_repair_hours_name_the_field_without_the_prefix(api, hours, problem) -> None:
    body = {"assessment_id": 1, "crews": [CREW], "repair_hours": {"trafo": hours}}
    answer = api.client.post("/plans", json=body, headers=api.auth("operator"))
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "body.repair_hours.trafo"
    (entry,) = answer.json()["detail"]
    assert problem in entry["msg"]
    assert PYDANTIC_VALUE_ERROR.strip(", ") not in answer.text


def test_bad_report_figure_names_the_field_without_the_prefix(api, bodies) -> None:
    incident_body, report_body = bodies
    ops = api.auth("operator")
    incident = api.client.post("/incidents", json=incident_body(), headers=ops).json()
    figure = {"what": "transformers", "min": 3, "max": 1, "unit": "count"}
    answer = api.client.post(
        f"/incidents/{incident['id']}/reports", json=report_body(figures=[figure]), headers=ops
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "body.figures.0"
    (entry,) = answer.json()["detail"]
    assert entry["msg"] == "min (3.0) is above max (1.0)"


def test_duplicate_crews_in_a_plan_without_the_prefix(api) -> None:
    body = {"assessment_id": 1, "crews": [CREW, CREW]}
    answer = api.client.post("/plans", json=body, headers=api.auth("operator"))
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "body"
    assert [entry["msg"] for entry in answer.json()["detail"]] == ["crew ids must be unique"]
