"""The HTML report: self-contained, escaped, English and Ukrainian, the pipeline's numbers."""

from __future__ import annotations

import base64
import re
from dataclasses import replace
from datetime import timedelta

import lxml.etree
import lxml.html
import pytest

from warmgrid.errors import InputError
from warmgrid.model.demo import demo_city
from warmgrid.model.timezone import etr_time
from warmgrid.report.facts import LoggedIncident, report_facts
from warmgrid.report.html import render_html
from warmgrid.scenario.run import run_scenario
from warmgrid.scenario.spec import demo_scenario

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def english(demo_assessment, demo_facts) -> str:
    return render_html(demo_assessment, demo_facts, "en")


@pytest.fixture(scope="module")
def ukrainian(demo_assessment, demo_facts) -> str:
    return render_html(demo_assessment, demo_facts, "uk")


def _text(html: str) -> str:
    body = lxml.html.fromstring(html).find("body")
    return re.sub(r"[ \t\n]+", " ", " ".join(body.itertext())).strip()


def _references(html: str) -> list[str]:
    """Every URL the document or its inline images could load."""
    found = []
    root = lxml.html.fromstring(html)
    for element in root.iter():
        for name, value in element.attrib.items():
            if name in ("src", "href", "srcset", "action", "poster", "data"):
                found.append(value)
    for style in root.iter("style"):
        found += re.findall(r"url\(([^)]*)\)|@import\s+([^;]+)", style.text or "")
    return [str(f) for f in found]


def test_html_loads_nothing_from_anywhere(english) -> None:
    references = _references(english)
    assert references, "the report has inline images"
    assert all(ref.startswith("data:image/svg+xml;base64,") for ref in references)
    assert "url(" not in english and "<script" not in english.lower()
    for ref in references:
        svg = base64.b64decode(ref.split(",", 1)[1])
        root = lxml.etree.fromstring(
            svg, lxml.etree.XMLParser(resolve_entities=False, no_network=True)
        )
        for element in root.iter():
            for name, value in element.attrib.items():
                if name.endswith("href"):
                    assert value.startswith(("#", "data:")), value


def test_html_states_the_pipeline_numbers(demo_assessment, demo_facts, english) -> None:
    text = _text(english)
    impact = demo_assessment.impact
    buildings = int(impact.building_without_power.sum())
    assert f"{impact.people_without_power:,} people in {buildings} buildings are without" in text
    assert f"{impact.people_without_heat:,} people without heat" in text
    plan = demo_assessment.plan
    start = demo_assessment.scenario.start
    for group, hours in zip(plan.problem.groups, plan.schedule.group_restored_h, strict=True):
        # published as the alerts publish it: rounded up to the quarter hour
        back = etr_time(start, float(hours)).strftime("%d %b %H:%M")
        assert back.endswith(("00", "15", "30", "45"))
        assert f"{round(group.people):,} {round(group.customers):,}" in text
        assert back in text
    last = etr_time(start, float(max(plan.schedule.group_restored_h)))
    assert f"the last service is back by {last:%d %b %H:%M};" in text
    first_12 = start + timedelta(hours=demo_facts.first_below_h[12.0])
    assert f"{first_12:%d %b %H:%M} first homes below 12 °C" in text
    for message in demo_assessment.alerts:
        assert message.infos[0].headline in text
    assert "Report No. 1" in text and "as of 26 Nov 2026 04:40 (UTC+02:00)" in text
    assert "Next update: 26 Nov 2026 10:40 (UTC+02:00)" in text


def test_ukrainian_report_speaks_ukrainian(demo_assessment, ukrainian) -> None:
    root = lxml.html.fromstring(ukrainian)
    assert root.get("lang") == "uk"
    text = _text(ukrainian)
    for label in (
        "Оперативне зведення",
        "Головне",
        "Ключові показники",
        "Чому це сталося",
        "План відновлення",
        "Сповіщення населення",
        "Джерела даних",
    ):
        assert label in text
    assert "Key figures" not in text and "Highlights" not in text
    people = f"{demo_assessment.impact.people_without_heat:,}".replace(",", "\u00a0")
    assert f"{people} осіб без опалення" in text
    uk_headline = demo_assessment.alerts[0].infos[1]
    assert uk_headline.language == "uk" and uk_headline.headline in text


def test_user_text_is_escaped_and_runs_nothing(demo_assessment) -> None:
    shared = demo_city()  # cached for the whole process: change a copy
    buildings = shared.buildings.copy()
    buildings.loc[buildings["use"] == "hospital", "name"] = "<script>alert(2)</script>"
    city = replace(shared, buildings=buildings)
    assessment = run_scenario(replace(demo_scenario(), description=XSS), city)
    incident = LoggedIncident(title=XSS, kind="strike", status="open", sources=(XSS,))
    html = render_html(assessment, report_facts(assessment, incidents=(incident,)), "en")
    root = lxml.html.fromstring(html)
    assert not root.xpath("//script") and not root.xpath("//@onerror")
    assert [img.get("src")[:5] for img in root.iter("img")] == ["data:", "data:"]
    text = _text(html)
    assert XSS in text and "<script>alert(2)</script>" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_unknown_language_is_refused(demo_assessment, demo_facts) -> None:
    with pytest.raises(InputError, match="--lang"):
        render_html(demo_assessment, demo_facts, "fr")


def test_a_large_outage_keeps_its_lists_short() -> None:
    from warmgrid.impact import Circle, Damage
    from warmgrid.model.synth import synthetic_city
    from warmgrid.report.facts import WHY_SHOWN
    from warmgrid.report.html import ROWS_SHOWN, STEPS_SHOWN

    city = synthetic_city(3000, seed=2)
    lon, lat = float(city.buildings["lon"].mean()), float(city.buildings["lat"].mean())
    spec = replace(
        demo_scenario(), city="synthetic", damage=Damage(areas=(Circle(lon, lat, 200.0),))
    )
    assessment = run_scenario(replace(spec, crews=()), city)
    groups = assessment.impact.restoration_groups()
    assert len(groups) > WHY_SHOWN
    facts = report_facts(assessment)
    root = lxml.html.fromstring(render_html(assessment, facts, "en"))
    sections = root.xpath("//div[@class='why']/section")
    assert len(sections) == WHY_SHOWN
    assert all(len(s.xpath(".//li")) <= STEPS_SHOWN + 1 for s in sections)
    shown = sum(facts.why[k].people for k in range(WHY_SHOWN))
    population = assessment.impact.compiled.building_population
    everyone = sum(int(population[g.building_index].sum()) for g in groups)
    assert shown + facts.why_more[1] == everyone and facts.why_more[0] == len(groups) - WHY_SHOWN
    assert all(len(t.xpath(".//tbody/tr")) <= ROWS_SHOWN for t in root.iter("table"))
