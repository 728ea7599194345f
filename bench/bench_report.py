"""Benchmark of the situation report on the demo scenario: seconds per step.

Runs the scenario pipeline once, then times (best of ``--repeat``) the report's own
work: reading the figures from the assessment, the HTML with its map and chart, the
HXL CSV, the GeoJSON, and the PDF printed by headless Chromium. Target: the report's
own work (figures and HTML) within a second or two on the demo; the PDF adds Chromium's
start-up. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from typing import Any

from warmgrid.report.facts import report_facts
from warmgrid.report.geojson import outage_geojson
from warmgrid.report.html import render_html
from warmgrid.report.hxl import hxl_csv
from warmgrid.report.pdf import html_to_pdf
from warmgrid.scenario.run import run_scenario
from warmgrid.scenario.spec import demo_scenario


def best_of(repeat: int, work: Callable[[], Any]) -> dict[str, float]:
    """The shortest wall and CPU time of this process of ``repeat`` runs of ``work`` (s);
    on a shared machine the CPU time is the steadier figure (it excludes Chromium's)."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return {"wall_s": round(min(wall), 3), "cpu_s": round(min(cpu), 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="runs per step (best is kept)")
    args = parser.parse_args()
    start = time.perf_counter()
    assessment = run_scenario(demo_scenario())
    scenario_s = time.perf_counter() - start
    facts = report_facts(assessment)
    html = render_html(assessment, facts, "en")  # warm: matplotlib and Jinja2 loaded
    result = {
        "scenario": "demo",
        "scenario_pipeline_s": round(scenario_s, 3),
        "facts": best_of(args.repeat, lambda: report_facts(assessment)),
        "html_en": best_of(args.repeat, lambda: render_html(assessment, facts, "en")),
        "html_uk": best_of(args.repeat, lambda: render_html(assessment, facts, "uk")),
        "hxl": best_of(args.repeat, lambda: hxl_csv(assessment, facts)),
        "geojson": best_of(args.repeat, lambda: outage_geojson(assessment, facts)),
        "pdf": best_of(args.repeat, lambda: html_to_pdf(html)),
        "html_bytes": len(html.encode("utf-8")),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
