"""The rotation board of the console and "which group is my building in" of the public
page, in a real browser (Debian's Chromium via Playwright), on a schedule published
through the API with hour 0 three hours ago (so that "now" falls in the fourth slot)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from icalendar import Calendar
from web_helpers import Server, Watch, screenshot, serious_accessibility_violations, sign_in

pytestmark = pytest.mark.xdist_group("browser")

SCHEDULE = json.loads(
    (Path(__file__).parents[1] / "data" / "rotation" / "demo_schedule.json").read_text()
)
OFF_PAIRS = sum(len(slot["off"]) for slot in SCHEDULE["slots"])


@pytest.fixture(scope="module")
def start(server: Server) -> datetime:
    """Publish the demo schedule starting three hours ago (on the hour, UTC)."""
    hour_0 = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=3)
    answer = httpx.put(
        f"{server.base}/rotation",
        params={"start": hour_0.isoformat()},
        json=SCHEDULE,
        headers={"Authorization": f"Bearer {server.tokens['operator']}"},
    )
    assert answer.status_code == 200, answer.text
    return hour_0


def _rotation_board(browser: Any, server: Server, watch: Watch, role: str, **options: Any) -> Any:
    """The console signed in as ``role`` with the rotation board loaded (and, for an
    operator, the publishing form opened)."""
    page = sign_in(browser, server, watch, role, **options)
    page.click("#tab-rotation")
    page.wait_for_selector("body[data-rotation=true]")
    if role == "operator":
        page.click("#rotation-publish summary")
    return page


def test_console_board_shows_groups_slots_now_and_exempt(
    browser: Any, server: Server, watch: Watch, start: datetime
) -> None:
    page = _rotation_board(browser, server, watch, "viewer")
    board = page.locator("#rotation-board")
    assert board.locator("rect.off-cell").count() == OFF_PAIRS
    exempt = board.locator("rect.exempt-row")
    assert sorted(exempt.nth(k).get_attribute("data-group") for k in range(exempt.count())) == [
        "F4",
        "H",
    ]
    notes = board.locator("text.exempt-note")
    assert [notes.nth(k).text_content() for k in range(notes.count())] == [
        "exempt: feeds a critical facility"
    ] * 2
    # The now-marker lies within the fourth slot (hour 3 to 4), where B and C are off.
    marker = float(board.locator("line.now-marker").get_attribute("x1"))
    cell = board.locator('rect.off-cell[data-group="B"]').nth(1)  # B: off in slots 2, 3, 7, 8
    x = float(cell.get_attribute("x"))
    slot_width = float(board.locator('rect.off-cell[data-group="A"]').first.get_attribute("width"))
    assert x <= marker <= x + slot_width
    starts = {
        board.locator("rect.off-cell").nth(k).get_attribute("data-start") for k in range(OFF_PAIRS)
    }
    assert min(datetime.fromisoformat(s) for s in starts) == start
    screenshot(page, "console-rotation")
    page.context.close()


def _group_member(group_id: str, city_names: dict[str, str]) -> str:
    group = next(g for g in SCHEDULE["groups"] if g["id"] == group_id)
    return city_names[group["buildings"][0]]


def test_public_page_finds_the_group_next_off_and_calendar(
    browser: Any, server: Server, watch: Watch, start: datetime
) -> None:
    names = dict(server.app.state.city.buildings[["id", "name"]].itertuples(index=False))
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True)
    page = watch.attach(context.new_page())
    page.goto(server.base + "/public")
    page.wait_for_selector("body[data-ready=true]")

    member = _group_member("A", names)  # A: off hours 0-2 (over) and 6-8 (next)
    page.fill("#rotation-find", member)
    page.click("#rotation-form button[type=submit]")
    result = page.locator("#rotation-results article").first
    result.locator(".next-off").wait_for()
    assert "Pivnichnyi (group A)" in result.locator(".rotation-group").text_content()
    next_start = (start + timedelta(hours=6)).astimezone(_kyiv())
    assert f"{next_start:%H:%M}" in result.locator(".next-off").text_content()
    assert result.locator(".off-list li").count() == 2
    href = result.locator("a.ics-link").get_attribute("href")
    calendar = Calendar.from_ical(page.request.get(server.base + href).body())
    events = [(e.decoded("dtstart"), e.decoded("dtend")) for e in calendar.walk("VEVENT")]
    assert events == [
        (start + timedelta(hours=0), start + timedelta(hours=2)),
        (start + timedelta(hours=6), start + timedelta(hours=8)),
    ]
    screenshot(page, "public-rotation", full_page=True)

    page.fill("#rotation-find", "City Hospital No. 1")
    page.click("#rotation-form button[type=submit]")
    page.locator("#rotation-results .status.exempt").wait_for()
    assert page.locator("#rotation-results a.ics-link").count() == 0

    page.click("button[data-lang=uk]")
    assert "черзі" in page.locator("#rotation-title").text_content()
    assert "Не відключається" in page.locator("#rotation-results .status.exempt").text_content()

    page.fill("#rotation-find", "Nowhere street 9")
    page.click("#rotation-form button[type=submit]")
    error = page.locator("#rotation-error")
    error.filter(has_text="Nowhere street 9").wait_for()
    assert page.locator("#rotation-results article").count() == 0
    # The API answers an unknown building with 404, which Chromium logs; nothing else.
    assert watch.errors == [
        "Failed to load resource: the server responded with a status of 404 (Not Found)"
    ]
    watch.errors.clear()
    context.close()


def _kyiv() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Kyiv")


def test_operator_publishes_a_schedule_from_the_console(
    browser: Any, server: Server, watch: Watch, tmp_path: Path
) -> None:
    page = _rotation_board(browser, server, watch, "operator")
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({**SCHEDULE, "slots": [{"start_h": 0, "end_h": 1, "off": ["H"]}]}))
    page.set_input_files("#rot-file", str(wrong))
    page.fill("#rot-start", "2026-11-30T18:00:00+02:00")
    page.click("#rotation-form button[type=submit]")
    note = page.locator("#rot-file-error")
    note.wait_for()
    assert note.text_content() == "schedule.slots[0].off[0]: group 'H' is critical: never off"
    # The API refuses the schedule with 422, which Chromium logs; nothing else.
    assert len(watch.errors) == 1 and "status of 422" in watch.errors[0]
    watch.errors.clear()

    hour_0 = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    two_slots = tmp_path / "two.json"
    two_slots.write_text(
        json.dumps({**SCHEDULE, "start": hour_0.isoformat(), "slots": SCHEDULE["slots"][:2]})
    )
    page.set_input_files("#rot-file", str(two_slots))
    page.fill("#rot-start", "")
    page.click("#rotation-form button[type=submit]")
    page.wait_for_function(
        "() => document.querySelectorAll('#rotation-board rect.off-cell').length === 2"
    )
    cells = page.locator('#rotation-board rect.off-cell[data-group="A"]')
    assert cells.count() == 2
    assert datetime.fromisoformat(cells.first.get_attribute("data-start")) == hour_0
    assert page.locator("#rotation-board line.now-marker").count() == 1
    assert page.locator("#rot-file-error").count() == 0  # the old message is gone
    stored = httpx.get(
        f"{server.base}/rotation", headers={"Authorization": f"Bearer {server.tokens['viewer']}"}
    ).json()
    assert stored["created_by"].startswith("operator") and len(stored["schedule"]["slots"]) == 2
    page.click("#rotation-alerts")
    page.locator("#rotation-alerts-result").filter(has_text="alert drafts").wait_for()
    assert page.locator("#rotation-alerts-result").text_content().startswith("1 alert drafts")
    page.click("#tab-alerts")  # A is off in both slots; the draft reaches the alert queue
    page.locator("#alert-list li", has_text="Rotating power outage").first.wait_for()
    screenshot(page, "console-rotation-publish")
    page.context.close()


@pytest.mark.parametrize("where", ["console", "public"])
def test_rotation_views_have_no_serious_accessibility_violation(
    browser: Any, server: Server, watch: Watch, start: datetime, where: str
) -> None:
    """axe-core on the rotation board and on a public answer (injected, CSP bypassed)."""
    if where == "console":
        page = _rotation_board(browser, server, watch, "operator", bypass_csp=True)
    else:
        context = browser.new_context(viewport={"width": 375, "height": 800}, bypass_csp=True)
        page = watch.attach(context.new_page())
        page.goto(server.base + "/public")
        page.wait_for_selector("body[data-ready=true]")
        page.fill("#rotation-find", "Pivnichnyi")
        page.click("#rotation-form button[type=submit]")
        page.locator("#rotation-results article").first.wait_for()
    assert serious_accessibility_violations(page) == []
    page.context.close()
