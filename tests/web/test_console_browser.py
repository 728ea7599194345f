"""The console and the public page in a real browser (Debian's Chromium via Playwright).

Every test also checks (fixture ``watch``) that no request left 127.0.0.1, that no
console error was logged and that no dialog opened.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect
from shapely.geometry import Point, shape
from typer.testing import CliRunner
from web_helpers import Server, Watch, screenshot, serious_accessibility_violations, sign_in

from warmgrid.cli import app as cli_app
from warmgrid.model.demo import demo_city

pytestmark = pytest.mark.xdist_group("browser")

XSS_TITLE = "<img src=x onerror=alert(1)>"


def _cli_impact(asset_ids: list[str]) -> dict[str, Any]:
    result = CliRunner().invoke(
        cli_app, ["impact", "demo", "--damage", ",".join(asset_ids), "--json"]
    )
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _line_midpoint(asset_id: str) -> tuple[float, float]:
    city = demo_city()
    branch = city.branches.set_index("id").loc[asset_id]
    nodes = city.nodes.set_index("id")
    a, b = nodes.loc[branch["from_node"]], nodes.loc[branch["to_node"]]
    return (a["lon"] + b["lon"]) / 2, (a["lat"] + b["lat"]) / 2


def _click_map_at(page: Any, lon: float, lat: float) -> None:
    """Centre the map on a point and click it there."""
    page.evaluate("([lon, lat]) => state.map.jumpTo({center: [lon, lat], zoom: 17})", [lon, lat])
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def preview_identifier(server: Server, alert_id: int) -> str:
    """The CAP identifier of a message."""
    answer = httpx.get(
        f"{server.base}/alert-messages/{alert_id}",
        headers={"Authorization": f"Bearer {server.tokens['viewer']}"},
    )
    return answer.json()["identifier"]


def _figures(page: Any) -> tuple[int, int]:
    box = page.locator("#figures")
    return (
        int(box.get_attribute("data-people-without-power")),
        int(box.get_attribute("data-people-without-heat")),
    )


def test_the_whole_story(browser: Any, server: Server, watch: Watch) -> None:
    """Sign in → incident with a source → damage drawn on the map → figures equal
    ``warmgrid impact --json`` → alert drafted → approved by a second user → public in
    English and Ukrainian, and the first operator's page updated live."""
    operator = sign_in(browser, server, watch, "operator")
    before = _figures(operator)

    operator.click("#tab-incidents")
    operator.click("#incident-new summary")
    operator.fill("#inc-title", "Cable fire on feeder F1")
    operator.select_option("#inc-kind", "fire")
    operator.fill("#inc-source", "State Emergency Service")
    operator.select_option("#inc-source-kind", "emergency_service")
    operator.fill("#inc-text", "Cable trench burning, 2 crews on site")
    operator.select_option("#inc-certainty", "Observed")
    operator.click("#incident-form button[type=submit]")
    operator.locator("#incident-list").get_by_text("Cable fire on feeder F1").wait_for()
    incident_id = operator.evaluate("state.incidents[0].id")

    operator.click("#tab-damage")
    expect(operator.locator("#dmg-incident")).to_have_value(str(incident_id))
    operator.fill("#dmg-note", "SES confirms the cable burnt through")
    operator.fill("#dmg-radius", "10")
    operator.click("#dmg-circle")
    _click_map_at(operator, *_line_midpoint("power.line.6"))
    operator.click("#dmg-submit")
    operator.locator("#damage-result").get_by_text("Recorded as damaged").wait_for()
    assert "power.line.6" in operator.text_content("#damage-result")

    confirmed = httpx.get(
        f"{server.base}/console/figures",
        headers={"Authorization": f"Bearer {server.tokens['viewer']}"},
    ).json()["damaged_assets"]
    expected = _cli_impact(confirmed)
    shown = _figures(operator)
    assert shown == (expected["people_without_power"], expected["people_without_heat"])
    assert shown[0] > before[0]
    screenshot(operator, "console-after-damage")

    operator.click("#tab-alerts")
    operator.click("#alert-draft")
    operator.locator("#alert-preview h2").get_by_text("(draft)").wait_for()
    alert_id = operator.evaluate("state.selectedAlert")
    preview = httpx.get(
        f"{server.base}/console/alerts/{alert_id}/preview",
        headers={"Authorization": f"Bearer {server.tokens['viewer']}"},
    ).json()
    assert operator.locator("#alert-publish").count() == 0  # an operator cannot approve

    approver = sign_in(browser, server, watch, "approver")
    approver.click("#tab-alerts")
    approver.click(f'#alert-list button[data-alert="{alert_id}"]')
    approver.click("#alert-publish")
    approver.locator("#alert-preview h2").get_by_text("(published)").wait_for()
    screenshot(approver, "console-alert-published")

    operator.locator(f'#alert-list button[data-alert="{alert_id}"] .badge.published').wait_for(
        timeout=5_000
    )
    operator.click(f'#alert-list button[data-alert="{alert_id}"]')
    operator.get_by_role("button", name="Draft an update (valid 6 h more)").click()
    operator.locator("#alert-list").get_by_text("Update:").wait_for()
    update = httpx.get(
        f"{server.base}/alert-messages?status=draft",
        headers={"Authorization": f"Bearer {server.tokens['viewer']}"},
    ).json()[0]
    assert update["msg_type"] == "Update"
    assert preview_identifier(server, alert_id) in update["cap_references"]
    operator.evaluate(
        """() => state.map.fitBounds(
            wg.bounds(state.layers.buildings, state.layers.warming_centres),
            {padding: {top: 20, bottom: 20, right: 20, left: 290}, animate: false})"""
    )
    operator.click("#tab-plan")
    # The restoration curve counts each person once, until all their services are back:
    # the people without power or heat, and those on a backup generator (its fuel runs out).
    waiting = {
        *expected["buildings_without_power"],
        *expected["buildings_without_heat"],
        *expected["buildings_on_backup"],
    }
    people = demo_city().buildings.set_index("id")["population"]
    top = f"{int(people.loc[sorted(waiting)].sum()):,}"
    operator.wait_for_function(
        "(top) => [...document.querySelectorAll('#curve text.tick')].some("
        "(tick) => tick.textContent === top)",
        arg=top,
    )
    legend = operator.text_content("#curve .chart-legend")
    assert legend == "people with power and heat back (each person counted once)"
    operator.wait_for_timeout(500)
    screenshot(operator, "console-overview")

    public = watch.attach(
        browser.new_context(viewport={"width": 375, "height": 800}, locale="en-GB").new_page()
    )
    public.goto(server.base + "/public")
    public.wait_for_selector("body[data-ready=true]")
    card = public.locator(f'article[data-alert="{alert_id}"]')
    assert card.locator("h3").text_content() == preview["texts"]["en"]["headline"]
    shares = public.eval_on_selector_all(
        "#areas tr[data-share]", "rows => rows.map((row) => Number(row.dataset.share))"
    )
    published = httpx.get(f"{server.base}/public/data").json()["alerts"]
    assert shares == [f["properties"]["share_out"] for a in published for f in a["areas"]]
    assert all(0 < share <= 1 for share in shares)
    screenshot(public, "public-en")
    public.click("button[data-lang=uk]")
    assert card.locator("h3").text_content() == preview["texts"]["uk"]["headline"]
    assert public.evaluate("document.documentElement.lang") == "uk"
    # counts as the Ukrainian alert text writes them: digits grouped by a no-break space
    people = [f["properties"]["people_out"] for a in published for f in a["areas"]]
    cells = public.eval_on_selector_all("#areas td.num", "cells => cells.map((c) => c.textContent)")
    assert max(people) >= 1000
    grouped = [f"({n:,} /".replace(",", "\u00a0") for n in people]
    assert all(g in cell for g, cell in zip(grouped, cells, strict=True)), cells
    screenshot(public, "public-uk")

    ring = preview["areas"][0]["geometry"]
    city = demo_city()
    inside = [
        ident
        for ident, lon, lat in zip(
            city.buildings["id"], city.buildings["lon"], city.buildings["lat"], strict=True
        )
        if shape(ring).covers(Point(lon, lat))
    ]
    public.click("button[data-lang=en]")
    public.fill("#find", inside[0])
    public.click("#find-form button[type=submit]")
    public.locator("#results .status.out").wait_for()
    assert public.locator("#results li").count() >= 1  # nearest warming centres
    screenshot(public, "public-building", full_page=True)


def test_ukrainian_browser_gets_ukrainian(browser: Any, server: Server, watch: Watch) -> None:
    page = watch.attach(
        browser.new_context(viewport={"width": 375, "height": 800}, locale="uk-UA").new_page()
    )
    page.goto(server.base + "/public")
    page.wait_for_selector("body[data-ready=true]")
    assert page.text_content("#back-title") == "Коли в моєму будинку відновлять?"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375  # nothing overflows a 375 px wide phone


def test_viewer_sees_no_write_controls_and_cannot_write(
    browser: Any, server: Server, watch: Watch
) -> None:
    viewer = sign_in(browser, server, watch, "viewer")
    assert viewer.locator(".needs-operator").count() == 0
    assert viewer.locator("#alert-draft, #tab-damage, #incident-form").count() == 0
    statuses = viewer.evaluate(
        """async () => {
            const headers = {"Content-Type": "application/json", "X-CSRF-Token": wg.csrf};
            const damage = await fetch("/console/damage", {method: "POST", headers,
                body: JSON.stringify({incident_id: 1, asset_ids: ["power.line.6"]})});
            const incident = await fetch("/incidents", {method: "POST", headers,
                body: JSON.stringify({kind: "fire", title: "x"})});
            return [damage.status, incident.status];
        }"""
    )
    assert statuses == [403, 403]
    # the browser logs refused requests as errors; they are the point of this test
    watch.errors.clear()
    screenshot(viewer, "console-viewer")


def test_hostile_incident_title_runs_nothing(browser: Any, server: Server, watch: Watch) -> None:
    created = httpx.post(
        f"{server.base}/incidents",
        headers={"Authorization": f"Bearer {server.tokens['operator']}"},
        json={
            "kind": "other",
            "title": XSS_TITLE,
            "location": {"type": "Point", "coordinates": [30.51, 50.445]},
            "report": {
                "source_name": "<script>alert(2)</script>",
                "source_kind": "public",
                "received_at": "2026-11-26T05:00:00+02:00",
                "quoted_text": '"><svg onload=alert(3)>',
            },
        },
    )
    assert created.status_code == 201
    page = sign_in(browser, server, watch, "viewer")
    page.click("#tab-incidents")
    item = page.locator(f'details[data-incident="{created.json()["id"]}"]')
    item.locator("summary").click()
    assert item.locator(".title").text_content() == XSS_TITLE
    assert (
        page.locator("#incident-list img, #incident-list svg, #incident-list script").count() == 0
    )
    page.wait_for_timeout(300)
    screenshot(page, "console-hostile-title")


def test_a_click_picks_the_building_or_the_line_under_it(
    browser: Any, server: Server, watch: Watch
) -> None:
    """Buildings and branches in service are WebGL layers: a click finds them by their
    positions (the nearest within its drawn size), and opens their details."""
    page = sign_in(browser, server, watch, "viewer")
    city = demo_city()
    building = city.buildings.iloc[len(city.buildings) // 2]
    _click_map_at(page, building["lon"], building["lat"])
    details = page.locator("#details h2")
    details.get_by_text(building["name"] or building["id"], exact=True).wait_for()
    assert building["id"] in page.text_content("#details dl")
    line = "power.line.20"
    lon, lat = _line_midpoint(line)
    page.evaluate("() => state.map.setLayoutProperty('buildings', 'visibility', 'none')")
    _click_map_at(page, lon, lat)
    page.locator("#details dd").get_by_text(line, exact=True).wait_for()


@pytest.mark.parametrize("where", ["console", "public"])
def test_no_serious_accessibility_violation(
    browser: Any, server: Server, watch: Watch, where: str
) -> None:
    """axe-core (injected into the page, so the page's CSP is bypassed for it alone)."""
    if where == "console":
        page = sign_in(browser, server, watch, "operator", bypass_csp=True)
    else:
        context = browser.new_context(viewport={"width": 375, "height": 800}, bypass_csp=True)
        page = watch.attach(context.new_page())
        page.goto(server.base + "/public")
        page.wait_for_selector("body[data-ready=true]")
    assert serious_accessibility_violations(page) == []


def test_bad_input_gets_a_message_next_to_its_field(
    browser: Any, server: Server, watch: Watch
) -> None:
    page = sign_in(browser, server, watch, "operator")
    page.click("#tab-damage")
    page.fill("#dmg-assets", "power.no_such_cable")
    page.click("#dmg-submit")
    note = page.locator("#dmg-assets + .field-error")
    note.wait_for()
    assert "power.no_such_cable" in note.text_content()
    assert page.get_attribute("#dmg-assets", "aria-describedby") == "dmg-assets-error"
    # the browser logs the refused request as an error; it is the point of this test
    watch.errors.clear()


def test_moving_the_timeline_back_shows_the_earlier_situation(
    browser: Any, server: Server, watch: Watch
) -> None:
    page = sign_in(browser, server, watch, "viewer")
    figures = page.locator("#figures")
    live_heat = figures.get_attribute("data-people-without-heat")
    assert int(live_heat or 0) > 0
    page.wait_for_selector("#tl-ticks option", state="attached")
    page.locator("#tl-range").fill("0")  # the first moment: before the strike
    page.wait_for_selector("body[data-as-of]")
    assert figures.get_attribute("data-people-without-heat") == "0"
    shown = page.get_attribute("body", "data-as-of")
    api = httpx.get(
        f"{server.base}/console/situation",
        params={"at": shown},
        headers={"Authorization": f"Bearer {server.tokens['viewer']}"},
    ).json()
    assert api["figures"]["people_without_heat"] == 0
    buildings = page.evaluate(
        "() => state.layers.buildings.features"
        ".filter((f) => f.properties.state !== 'served').length"
    )
    assert buildings == 0
    six_hours = page.evaluate(
        "() => String(Math.round((Date.parse('2026-11-26T08:40:00+02:00')"
        " - state.timeline.start) / 60000))"
    )
    page.locator("#tl-range").fill(six_hours)
    page.wait_for_function(
        "() => (document.body.dataset.asOf || '').startsWith('2026-11-26T08:40')"
    )
    expected = httpx.get(
        f"{server.base}/console/situation",
        params={"at": page.get_attribute("body", "data-as-of")},
        headers={"Authorization": f"Bearer {server.tokens['viewer']}"},
    ).json()["figures"]
    assert expected["people_without_heat"] > 0
    assert figures.get_attribute("data-people-without-heat") == str(expected["people_without_heat"])
    screenshot(page, "console-timeline-replay")
    page.click("#tl-live")
    page.wait_for_function("() => !document.body.dataset.asOf")
    assert figures.get_attribute("data-people-without-heat") == live_heat
