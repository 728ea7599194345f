"""The report's cool-down chart: its people axis is written as the report's text writes counts."""

from __future__ import annotations

import base64
import re

import lxml.etree
import lxml.html
import pytest

from warmgrid.report.html import labels, render_html

SVG = "{http://www.w3.org/2000/svg}"


def _chart_svg(html: str, lang: str) -> bytes:
    """The cool-down chart of a rendered report (the image with the chart's caption)."""
    caption = labels()[lang]["chart_caption"]
    image = lxml.html.fromstring(html).xpath("//img[@alt=$alt]", alt=caption)[0]
    return base64.b64decode(image.get("src").split(",", 1)[1])


def _y_tick_labels(svg: bytes) -> list[str]:
    """The text of every y-axis tick label (matplotlib writes each text as a comment beside
    its glyphs)."""
    root = lxml.etree.fromstring(svg, lxml.etree.XMLParser(resolve_entities=False))
    ticks = root.iterfind(f".//{SVG}g[@id='matplotlib.axis_2']/{SVG}g")
    return [
        str(node.text).strip()
        for tick in ticks
        if str(tick.get("id", "")).startswith("ytick_")
        for node in tick.iter(lxml.etree.Comment)
    ]


@pytest.mark.parametrize(("lang", "separator"), [("en", ","), ("uk", "\u00a0")])
def test_people_axis_groups_digits_as_the_report_text(
    demo_assessment, demo_facts, lang, separator
) -> None:
    highest = max(float(max(people)) for people in demo_facts.cooldown.without_plan.values())
    assert highest >= 1_000
    ticks = _y_tick_labels(_chart_svg(render_html(demo_assessment, demo_facts, lang), lang))
    grouped = re.compile(rf"\d{{1,3}}({re.escape(separator)}\d{{3}})*")
    assert ticks and all(grouped.fullmatch(tick) for tick in ticks), ticks
    values = [int(tick.replace(separator, "")) for tick in ticks]
    assert values == sorted(values) and values[0] == 0
    pairs = zip(values, ticks, strict=True)
    assert any(value >= 1_000 and separator in tick for value, tick in pairs)
