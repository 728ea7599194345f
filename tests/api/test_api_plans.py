"""Issue 8 item 24: plans through the API (assessment + crews → stored plan with ETRs),
outage alerts composed with the plan's ETRs."""

from __future__ import annotations

import math
import re
from datetime import datetime

from lxml import etree

from warmgrid.impact import Damage, assess
from warmgrid.model import compile_city
from warmgrid.model.timezone import etr_time
from warmgrid.restore.from_city import plan_from_impact
from warmgrid.restore.problem import Crew

TRANSFORMERS = ["power.trafo.0", "power.trafo.1", "power.trafo.2", "power.trafo.3"]
CREWS = [
    {"id": "oblenergo-1", "lon": 30.500, "lat": 50.476, "skills": ["electrical"]},
    {"id": "teplo-1", "lon": 30.512, "lat": 50.444, "skills": ["heat"], "available_from_h": 0.5},
]
CAP_NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}


def _assessment(api, bodies) -> int:
    incident_body, _ = bodies
    ops = api.auth("operator")
    incident = api.client.post("/incidents", json=incident_body(), headers=ops).json()
    for asset_id in TRANSFORMERS:
        linked = api.client.post(
            f"/incidents/{incident['id']}/damage", json={"asset_id": asset_id}, headers=ops
        )
        assert linked.status_code == 201, linked.text
    return api.client.post("/assessments", json={}, headers=ops).json()["id"]


def test_item24_plan_of_an_assessment_matches_the_pipeline(api, bodies, city) -> None:
    assessment_id = _assessment(api, bodies)
    made = api.client.post(
        "/plans",
        json={"assessment_id": assessment_id, "crews": CREWS},
        headers=api.auth("operator"),
    )
    assert made.status_code == 201, made.text
    plan = made.json()
    impact = assess(compile_city(city), Damage(asset_ids=tuple(TRANSFORMERS), areas=()))
    crews = [
        Crew(c["id"], c["lon"], c["lat"], frozenset(c["skills"]), c.get("available_from_h", 0.0))
        for c in CREWS
    ]
    expected, etr = plan_from_impact(city, impact, crews, source="oracle")
    assert plan["objective"] == expected.schedule.objective
    assert set(plan["asset_etr"]) == set(TRANSFORMERS)
    start = datetime.fromisoformat(plan["starts_at"])
    assert start.utcoffset() == datetime.fromisoformat("2026-01-14T00:00:00+02:00").utcoffset()
    by_id = {b["id"]: b for b in plan["building_etr"]}
    assert len(by_id) == len(etr) > 0
    known = 0
    for row in etr.itertuples(index=False):
        stored = by_id[str(row.id)]
        for service in ("power", "heat"):
            hours = getattr(row, f"{service}_etr_h")
            if math.isnan(hours):
                assert stored[f"{service}_etr_h"] is None and stored[f"{service}_etr"] is None
                continue
            known += 1
            assert stored[f"{service}_etr_h"] == hours
            published = datetime.fromisoformat(stored[f"{service}_etr"])
            assert published == etr_time(start, hours)
            assert published.minute % 15 == 0 and published.second == 0
    assert known > 0
    again = api.client.get(f"/plans/{plan['id']}", headers=api.auth("viewer")).json()
    assert again["building_etr"] == plan["building_etr"]
    listed = api.client.get(
        "/plans", params={"assessment_id": assessment_id}, headers=api.auth("viewer")
    )
    assert [p["id"] for p in listed.json()] == [plan["id"]]


def test_item24_outage_alerts_carry_the_plans_etrs(api, bodies) -> None:
    assessment_id = _assessment(api, bodies)
    ops = api.auth("operator")
    plan = api.client.post(
        "/plans", json={"assessment_id": assessment_id, "crews": CREWS}, headers=ops
    ).json()
    published = {
        datetime.fromisoformat(b[key])
        for b in plan["building_etr"]
        for key in ("power_etr", "heat_etr")
        if b[key]
    }
    drafts = api.client.post(
        "/alert-messages/compose/outage",
        json={"assessment_id": assessment_id, "plan_id": plan["id"]},
        headers=ops,
    )
    assert drafts.status_code == 201, drafts.text
    for draft in drafts.json():
        xml = api.client.get(f"/alert-messages/{draft['id']}/cap", headers=ops).content
        root = etree.fromstring(xml)
        etrs = root.xpath(
            "//cap:parameter[cap:valueName='ETR']/cap:value/text()", namespaces=CAP_NS
        )
        assert etrs and "unknown" not in etrs
        assert {datetime.fromisoformat(value) for value in etrs} <= published
        assert "not yet known" not in draft["headline"]
    unknown = api.client.post(
        "/alert-messages/compose/outage", json={"assessment_id": assessment_id}, headers=ops
    ).json()
    assert all("not yet known" in draft["headline"] for draft in unknown)
    other = api.client.post("/assessments", json={}, headers=ops).json()["id"]
    mismatch = api.client.post(
        "/alert-messages/compose/outage",
        json={"assessment_id": other, "plan_id": plan["id"]},
        headers=ops,
    )
    assert mismatch.status_code == 409


def test_item24_plan_input_is_checked(api, bodies) -> None:
    assessment_id = _assessment(api, bodies)
    ops = api.auth("operator")
    twice = api.client.post(
        "/plans", json={"assessment_id": assessment_id, "crews": [CREWS[0], CREWS[0]]}, headers=ops
    )
    assert twice.status_code == 422 and "unique" in twice.text
    typo = api.client.post(
        "/plans",
        json={"assessment_id": assessment_id, "crews": CREWS, "repair_hours": {"trafoo": 12}},
        headers=ops,
    )
    assert typo.status_code == 422 and "'trafoo' is neither an asset kind" in typo.text
    for hours in (0, -1, 9000):  # the rule of the CLI and scenario files (check_repair_h)
        refused = api.client.post(
            "/plans",
            json={"assessment_id": assessment_id, "crews": CREWS, "repair_hours": {"trafo": hours}},
            headers=ops,
        )
        assert refused.status_code == 422
        assert "must be greater than 0" in refused.text or "must be at most 8760" in refused.text
    assert (
        api.client.post(
            "/plans", json={"assessment_id": 999, "crews": CREWS}, headers=ops
        ).status_code
        == 404
    )
    assert (
        api.client.post(
            "/plans",
            json={"assessment_id": assessment_id, "crews": CREWS},
            headers=api.auth("viewer"),
        ).status_code
        == 403
    )


def test_item24_an_update_carries_a_new_etr(api, bodies) -> None:
    assessment_id = _assessment(api, bodies)
    ops = api.auth("operator")
    drafts = api.client.post(
        "/alert-messages/compose/outage", json={"assessment_id": assessment_id}, headers=ops
    ).json()
    original = drafts[0]
    published = api.client.post(
        f"/alert-messages/{original['id']}/publish", headers=api.auth("approver")
    )
    assert published.status_code == 200
    new_etr = "2099-03-01T17:05:00+00:00"  # 19:05 in Kyiv: published as 19:15
    update = api.client.post(
        f"/alert-messages/{original['id']}/update", json={"etr": new_etr}, headers=ops
    )
    assert update.status_code == 201, update.text
    xml = api.client.get(f"/alert-messages/{update.json()['id']}/cap", headers=ops).content
    root = etree.fromstring(xml)
    etrs = root.xpath("//cap:parameter[cap:valueName='ETR']/cap:value/text()", namespaces=CAP_NS)
    assert etrs == ["2099-03-01T19:15:00+02:00"] * 2  # English and Ukrainian blocks
    headlines = root.xpath("//cap:headline/text()", namespaces=CAP_NS)
    descriptions = root.xpath("//cap:description/text()", namespaces=CAP_NS)
    assert "restoration by 19:15 on 1 March 2099" in headlines[0]
    assert "Restoration: expected by 19:15 on 1 March 2099" in descriptions[0]
    assert "not yet known" not in descriptions[0] and "ще невідомий" not in descriptions[1]
    assert "до 01.03.2099 о 19:15" in headlines[1]
    past = api.client.post(
        f"/alert-messages/{original['id']}/update",
        json={"etr": "2020-01-01T00:00:00+00:00"},
        headers=ops,
    )
    assert past.status_code == 422 and past.json()["field"] == "etr"
    # "now" as every time warmgrid prints: whole seconds with the city's offset
    now = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[23]:00"
    assert re.fullmatch(rf"etr: must be after now \({now}\)", past.json()["detail"])
