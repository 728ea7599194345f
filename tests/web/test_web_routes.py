"""The console's and the public page's HTTP routes, through the app (no browser)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from warmgrid.alerts.cap_xml import from_xml, to_xml
from warmgrid.api import create_app
from warmgrid.api.session_store import CSRF_HEADER, SESSION_COOKIE
from warmgrid.cli import app
from warmgrid.geo import great_circle_m
from warmgrid.impact import Circle, Damage, assess
from warmgrid.incidents import log
from warmgrid.incidents.seed import seed_if_empty
from warmgrid.model import compile_city
from warmgrid.model.demo import demo_city
from warmgrid.model.synth import synthetic_city
from warmgrid.scenario.run import run_scenario
from warmgrid.scenario.spec import demo_scenario
from warmgrid.store import Role, add_user, alert_log, create_token, open_store
from warmgrid.store.models import AuditEntry
from warmgrid.web import CONTENT_SECURITY_POLICY, routes
from warmgrid.web.public import CELL_M, PublicView


@pytest.fixture(scope="module")
def city():
    return demo_city()


@pytest.fixture
def web(tmp_path: Path, city) -> Iterator[tuple[TestClient, dict[str, str]]]:
    url = f"sqlite:///{tmp_path / 'web.db'}"
    store = open_store(url)
    seed_if_empty(store, city)
    tokens = {}
    with store.write() as session:
        for name in ("viewer", "operator", "approver"):
            tokens[name] = create_token(
                session, add_user(session, name, Role(name), "test"), None, "test"
            )[1]
    with TestClient(create_app(url, city, store=store, scenario=demo_scenario())) as client:
        yield client, tokens
    store.close()


def bearer(tokens: dict[str, str], who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens[who]}"}


def sign_in(client: TestClient, token: str) -> str:
    answer = client.post("/session", json={"token": token})
    assert answer.status_code == 201, answer.text
    return answer.json()["csrf_token"]


def test_sign_in_sets_a_strict_http_only_expiring_cookie(web) -> None:
    client, tokens = web
    answer = client.post("/session", json={"token": tokens["operator"]})
    cookie = answer.headers["set-cookie"]
    assert f"{SESSION_COOKIE}=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Max-Age=28800" in cookie
    assert tokens["operator"] not in cookie
    me = client.get("/session").json()
    assert (me["signed_in"], me["name"], me["role"]) == (True, "operator", "operator")
    assert client.get("/incidents").status_code == 200  # the cookie authenticates reads
    assert client.delete("/session").status_code == 204
    assert client.get("/session").json()["signed_in"] is False
    assert client.get("/incidents").status_code == 401


def test_cookie_writes_need_the_csrf_header(web) -> None:
    client, tokens = web
    csrf = sign_in(client, tokens["operator"])
    body = {"kind": "fire", "title": "Fire at boiler house South"}
    assert client.post("/incidents", json=body).status_code == 403
    assert client.post("/incidents", json=body, headers={CSRF_HEADER: "wrong"}).status_code == 403
    assert client.post("/incidents", json=body, headers={CSRF_HEADER: csrf}).status_code == 201


def test_bearer_tokens_keep_working_without_csrf(web) -> None:
    client, tokens = web
    body = {"kind": "fire", "title": "Fire at boiler house South"}
    assert (
        client.post("/incidents", json=body, headers=bearer(tokens, "operator")).status_code == 201
    )


def test_failed_sign_ins_are_rate_limited(web) -> None:
    client, tokens = web
    codes = [client.post("/session", json={"token": f"wg_wrong{k}"}).status_code for k in range(12)]
    assert codes[:10] == [401] * 10
    assert codes[10:] == [429, 429]
    assert client.post("/session", json={"token": tokens["viewer"]}).status_code == 429


def test_figures_equal_the_impact_of_the_confirmed_damage(web, city) -> None:
    client, tokens = web
    figures = client.get("/console/figures", headers=bearer(tokens, "viewer")).json()
    scenario = demo_scenario()
    expected = assess(compile_city(city), scenario.damage)
    assert figures["people_without_power"] == expected.people_without_power
    assert figures["people_without_heat"] == expected.people_without_heat
    assert sorted(figures["damaged_assets"]) == sorted(expected.damaged_asset_ids)
    run = run_scenario(scenario, city)
    first_12 = run.first_homes_below_h(12)
    cold = city.buildings[run.impact.building_without_heat]
    homes = (cold["use"] == "residential").to_numpy()
    assert first_12 == np.nanmin(run.cooldown.flats.hours_to[12.0][homes])  # a home's first flat
    assert figures["first_below_12c_h"] == pytest.approx(first_12, abs=0.01)
    chart = client.get("/console/cooldown", headers=bearer(tokens, "viewer")).json()
    series = chart["series"]
    for hour, below, planned in zip(
        chart["hours"], series["below_12c"], series["below_12c_plan"], strict=True
    ):
        assert below == pytest.approx(run.cooldown.people_below(12, hour), abs=1)  # the flats
        assert planned <= below
    assert series["below_12c"] == sorted(series["below_12c"])  # no heat back: never fewer


def test_damage_by_circle_is_logged_with_who_and_why(web, city) -> None:
    client, tokens = web
    nodes = city.nodes.set_index("id")
    trafo = city.branches.set_index("id").loc["power.trafo3w.0"]
    centre = nodes.loc[trafo["from_node"]]
    circle = {"lon": float(centre["lon"]), "lat": float(centre["lat"]), "radius_m": 5.0}
    answer = client.post(
        "/console/damage",
        json={"incident_id": 1, "circle": circle, "note": "photo from the site"},
        headers=bearer(tokens, "operator"),
    )
    assert answer.status_code == 201, answer.text
    hit = assess(
        compile_city(city), Damage(asset_ids=(), areas=(Circle(**circle),))
    ).damaged_asset_ids
    assert answer.json()["added"] == hit
    store = client.app.state.store
    with store.read() as session:
        links = {d.asset_id: d for d in log.damage_links(session, 1)}
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "damage.confirm")
        ).all()
    for asset in hit:
        assert links[asset].confirmed_by.startswith("operator#")
        assert links[asset].note == "photo from the site"
    assert {row.detail["asset_id"] for row in audit} >= set(hit)
    damage = tuple(sorted(set(demo_scenario().damage.asset_ids) | set(hit)))
    scenario = demo_scenario()
    expected = assess(compile_city(city), Damage(asset_ids=damage, areas=scenario.damage.areas))
    assert answer.json()["figures"]["people_without_power"] == expected.people_without_power


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"incident_id": 1, "asset_ids": ["power.nothing"]}, "asset_ids[0]"),
        ({"incident_id": 1}, "asset_ids"),
        ({"incident_id": 1, "circle": {"lon": 0.0, "lat": 0.0, "radius_m": 10}}, "asset_ids"),
    ],
)
def test_bad_damage_is_a_message_naming_the_field(web, body, field) -> None:
    client, tokens = web
    answer = client.post("/console/damage", json=body, headers=bearer(tokens, "operator"))
    assert answer.status_code == 422
    assert answer.json()["field"] == field


def test_bad_shapes_are_refused_with_422(web) -> None:
    client, tokens = web
    for body in (
        {"incident_id": 1, "polygon": [[30.5, 50.4], [30.6, 50.4]]},
        {"incident_id": 1, "circle": {"lon": 30.5, "lat": 50.4, "radius_m": -1}},
        {"incident_id": 1, "circle": {"lon": 300, "lat": 50.4, "radius_m": 1}},
    ):
        answer = client.post("/console/damage", json=body, headers=bearer(tokens, "operator"))
        assert answer.status_code == 422, body


def test_a_viewer_cannot_mark_damage_or_draft_alerts(web) -> None:
    client, tokens = web
    body = {"incident_id": 1, "asset_ids": ["power.line.6"]}
    assert (
        client.post("/console/damage", json=body, headers=bearer(tokens, "viewer")).status_code
        == 403
    )
    assert client.post("/console/alerts/draft", headers=bearer(tokens, "viewer")).status_code == 403
    assert client.get("/console/figures").status_code == 401


def test_building_details_explain_why(web) -> None:
    client, tokens = web
    details = client.get("/console/buildings/building.0", headers=bearer(tokens, "viewer")).json()
    assert details["state"] == "heat"
    assert details["why"]["heat"]
    assert any("is damaged" in line for line in details["why_text"]["heat"])
    assert details["hours_to_12c"] is not None
    missing = client.get("/console/buildings/building.x", headers=bearer(tokens, "viewer"))
    assert missing.status_code == 404


def test_layers_mark_buildings_and_branches(web, city, monkeypatch) -> None:
    client, tokens = web
    monkeypatch.setattr(routes, "GZIP_MIN_BYTES", 1000)  # the demo's geometry is small
    packed = client.get("/console/geometry", headers=bearer(tokens, "viewer"))
    assert packed.headers["content-encoding"] == "gzip"
    plain = client.get(
        "/console/geometry", headers={**bearer(tokens, "viewer"), "Accept-Encoding": "identity"}
    )
    assert "content-encoding" not in plain.headers
    geometry = plain.json()
    assert packed.json() == geometry
    layers = client.get("/console/layers", headers=bearer(tokens, "viewer")).json()
    expected = assess(compile_city(city), demo_scenario().damage)
    assert geometry["buildings"]["id"] == city.buildings["id"].tolist()
    assert geometry["buildings"]["lon"] == pytest.approx(city.buildings["lon"].tolist(), abs=1e-6)
    codes = ("served", "power", "heat", "both")
    states = dict(
        zip(
            geometry["buildings"]["id"],
            (codes[c] for c in layers["buildings"]["state"]),
            strict=True,
        )
    )
    heat = set(city.buildings["id"][expected.building_without_heat])
    power = set(city.buildings["id"][expected.building_without_power])
    assert len(states) == len(city.buildings)
    for ident, state in states.items():
        assert (state in ("heat", "both")) == (ident in heat)
        assert (state in ("power", "both")) == (ident in power)
    branch_ids = geometry["branches"]["id"]
    damaged = {branch_ids[row] for row in layers["branches"]["damaged"]}
    assert damaged == set(expected.damaged_asset_ids) & set(branch_ids)
    assert "power.trafo.0" in damaged
    unsupplied = set().union(*expected.unsupplied().values())
    ends = city.branches.set_index("id")
    dead = {
        ident
        for ident in branch_ids
        if ident not in damaged
        and {ends.at[ident, "from_node"], ends.at[ident, "to_node"]} <= unsupplied
    }
    assert {branch_ids[row] for row in layers["branches"]["dead"]} == dead
    asset_ids = geometry["assets"]["id"]
    assert {asset_ids[row] for row in layers["assets"]["damaged"]} == set(
        expected.damaged_asset_ids
    ) & set(asset_ids)
    assert len(layers["warming_centres"]["features"]) == 3
    assert layers["outage_areas"]["features"]


def _publish_all(client: TestClient, tokens: dict[str, str]) -> list[int]:
    drafts = client.post("/console/alerts/draft", headers=bearer(tokens, "operator"))
    assert drafts.status_code == 201, drafts.text
    ids = [d["id"] for d in drafts.json()]
    for ident in ids:
        published = client.post(
            f"/alert-messages/{ident}/publish", headers=bearer(tokens, "approver")
        )
        assert published.status_code == 200, published.text
    return ids


def test_public_data_shows_published_public_alerts_only(web) -> None:
    client, tokens = web
    assert client.get("/public/data").json()["alerts"] == []
    ids = _publish_all(client, tokens)
    store = client.app.state.store
    with store.read() as session:
        message = from_xml(alert_log.get_alert(session, ids[0]).xml)
    restricted = replace(
        message, identifier=message.identifier + "-r", scope="Restricted", restriction="staff only"
    )
    with store.write() as session:
        secret = alert_log.create_draft(session, to_xml(restricted), "operator#2")
        secret_id = secret.id
    published = client.post(
        f"/alert-messages/{secret_id}/publish", headers=bearer(tokens, "approver")
    )
    assert published.status_code == 200, published.text
    another_draft = client.post("/console/alerts/draft", headers=bearer(tokens, "operator"))
    data = client.get("/public/data").json()
    shown = {alert["id"] for alert in data["alerts"]}
    assert shown == set(ids)
    assert secret_id not in shown
    assert not shown & {d["id"] for d in another_draft.json()}
    text = client.get("/public/data").text
    for hidden in ("operator#", "approver#", "Resident", "incident"):
        assert hidden not in text
    _covers_every_building(data["buildings"], client.app.state.city.buildings)
    alert = data["alerts"][0]
    assert set(alert["texts"]) == {"en", "uk"}
    assert alert["areas"][0]["properties"]["etr"] == alert["etr"]


def _covers_every_building(points: list[list[float]], buildings) -> None:
    """Brute force: every building lies within the half-diagonal of a 100 m square of
    one of the public map's points, and no point stands where no building does."""
    lon, lat = buildings["lon"].to_numpy(), buildings["lat"].to_numpy()
    where = np.array(points)
    assert 0 < len(where) <= len(lon)
    metres = great_circle_m(lon[:, None], lat[:, None], where[None, :, 0], where[None, :, 1])
    assert metres.min(axis=1).max() <= CELL_M * np.sqrt(2) + 1.0
    assert metres.min(axis=0).max() <= CELL_M * np.sqrt(2) + 1.0


def test_the_public_map_draws_a_large_city_in_squares() -> None:
    city = synthetic_city(20_000, seed=3)
    points = PublicView(city, None).building_points
    assert len(points) < len(city.buildings) / 4
    _covers_every_building(points, city.buildings.iloc[::7])


def test_when_is_my_building_back(web, city) -> None:
    client, tokens = web
    _publish_all(client, tokens)
    out = client.get("/public/buildings", params={"q": "building.0"}).json()
    assert len(out) == 1
    assert out[0]["alert_id"] is not None and out[0]["etr"]
    assert len(out[0]["centres"]) == 3
    assert [c["km"] for c in out[0]["centres"]] == sorted(c["km"] for c in out[0]["centres"])
    served = city.buildings["id"].iloc[-1]
    near = client.get("/public/buildings", params={"lon": 30.51, "lat": 50.45}).json()
    assert len(near) == 1
    assert client.get("/public/buildings", params={"q": served}).json()[0]["id"] == served
    assert client.get("/public/buildings", params={"lat": 91}).status_code == 422


@pytest.mark.parametrize(
    ("params", "field"),
    [({}, "lon"), ({"lon": 30.51}, "lat"), ({"lat": 50.45}, "lon"), ({"q": "   "}, "query.q")],
)
def test_a_building_search_without_a_name_or_a_whole_point_is_refused(
    web, params: dict[str, object], field: str
) -> None:
    """Not an empty list (nothing found) nor the first buildings of the city (every
    name holds ""): a 422 naming what is missing."""
    client, _ = web
    answer = client.get("/public/buildings", params=params)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == field


def test_pages_forbid_inline_scripts_and_foreign_origins(web) -> None:
    client, _ = web
    for path in ("/", "/public", "/static/console.js"):
        answer = client.get(path)
        assert answer.status_code == 200
        assert answer.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert answer.headers["x-content-type-options"] == "nosniff"
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in CONTENT_SECURITY_POLICY
    for page in ("/", "/public"):
        html = client.get(page).text
        assert "<script>" not in html and "http://" not in html and "https://" not in html
    assert client.get("/static/vendor/maplibre-gl/LICENSE.txt").status_code == 200


def test_without_a_scenario_the_console_data_says_what_is_missing(tmp_path: Path, city) -> None:
    url = f"sqlite:///{tmp_path / 'bare.db'}"
    store = open_store(url)
    with store.write() as session:
        user = add_user(session, "viewer", Role.VIEWER, "test")
        secret = create_token(session, user, None, "test")[1]
    with TestClient(create_app(url, city, store=store)) as client:
        answer = client.get("/console/figures", headers={"Authorization": f"Bearer {secret}"})
        assert answer.status_code == 409
        assert "--scenario" in answer.json()["detail"]
        assert client.get("/").status_code == 200
        assert client.get("/public/data").json()["alerts"] == []
    store.close()


def _inside(x: float, y: float, ring: list[list[float]]) -> bool:
    """Even-odd ray casting (points on the outline do not occur in the demo city)."""
    crossings = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            crossings = not crossings
    return crossings


def test_public_areas_are_shaded_by_the_share_of_people_out(web, city) -> None:
    client, tokens = web
    _publish_all(client, tokens)
    data = client.get("/public/data").json()
    figures = client.get("/console/figures", headers=bearer(tokens, "viewer")).json()
    impact = client.app.state.live.assessment().impact
    out_mask = impact.building_without_power | impact.building_without_heat
    areas = [feature for alert in data["alerts"] for feature in alert["areas"]]
    assert len(areas) >= 2
    shares = []
    for feature in areas:
        ring = feature["geometry"]["coordinates"][0]
        people = out = 0
        for lon, lat, population, lost in zip(
            city.buildings["lon"],
            city.buildings["lat"],
            city.buildings["population"],
            out_mask,
            strict=True,
        ):
            if _inside(lon, lat, ring):
                people += int(population)
                out += int(population) if lost else 0
        properties = feature["properties"]
        assert properties["people"] == people
        assert properties["people_out"] == out
        assert properties["share_out"] == pytest.approx(out / people, abs=1e-4)
        assert properties["etr"] is not None and properties["updated"]
        shares.append(properties["share_out"])
    total_out = sum(f["properties"]["people_out"] for f in areas)
    assert total_out == impact.people_without_power_or_heat
    assert total_out >= max(figures["people_without_power"], figures["people_without_heat"])
    assert 0 < min(shares) <= max(shares) <= 1


def test_only_outage_cards_carry_an_expected_return() -> None:
    """An air-threat alert and its all-clear say nothing of a return of service; an
    outage alert does, even while its ETR is unknown."""
    from datetime import datetime, timedelta, timezone

    from warmgrid.alerts.builders import Issuer, air_threat_alert, all_clear
    from warmgrid.web.public import alert_card

    issuer = Issuer(sender="alerts@city.example", sender_name="City emergency centre")
    sent = datetime(2026, 11, 26, 3, 15, tzinfo=timezone(timedelta(hours=2)))
    district = [(30.50, 50.44), (30.56, 50.44), (30.56, 50.48), (30.50, 50.48)]
    threat = air_threat_alert("Pechersk", district, issuer=issuer, sent=sent)
    clear = all_clear(threat, sent=sent + timedelta(minutes=50))
    assert not alert_card(1, threat)["outage"] and not alert_card(2, clear)["outage"]
    assessment = run_scenario(demo_scenario())
    outage = alert_card(3, assessment.alerts[0])
    assert outage["outage"] and outage["etr"]


def test_console_etrs_are_the_published_ones_of_warmgrid_demo(web) -> None:
    """The console's restoration times are those the alerts and `warmgrid demo` publish
    (rounded up to the quarter hour), not the plan's raw minutes beside them."""
    client, tokens = web
    printed = CliRunner().invoke(app, ["demo", "--json"])
    assert printed.exit_code == 0, printed.output
    published = {
        group: datetime.fromisoformat(at)
        for group, at in json.loads(printed.stdout)["plan"]["group_etr"].items()
    }
    board = client.get("/console/plan", headers=bearer(tokens, "viewer")).json()
    shown = {group["id"]: datetime.fromisoformat(group["etr_at"]) for group in board["groups"]}
    assert shown == published
    figures = client.get("/console/figures", headers=bearer(tokens, "viewer")).json()
    assert {datetime.fromisoformat(row["etr_at"]) for row in figures["next_etrs"]} <= set(
        published.values()
    )
