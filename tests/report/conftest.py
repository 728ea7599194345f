"""Report fixtures: the demo scenario run once through the scenario pipeline."""

from __future__ import annotations

import pytest

from warmgrid.report.facts import Facts, report_facts
from warmgrid.scenario.run import Assessment, run_scenario
from warmgrid.scenario.spec import demo_scenario


@pytest.fixture(scope="session")
def demo_assessment() -> Assessment:
    """The demo city's default scenario, assessed."""
    return run_scenario(demo_scenario())


@pytest.fixture(scope="session")
def demo_facts(demo_assessment: Assessment) -> Facts:
    """The report figures of the demo scenario."""
    return report_facts(demo_assessment)
