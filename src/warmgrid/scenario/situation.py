"""The scenario of a live situation: a scenario's settings under the damage of the log.

On a running server the incident log is the record of what is damaged: operators
confirm damage and retract it there. The situation the console shows, the situation
report and the timeline are therefore the server's scenario (city, start, weather,
crews, warming centres, plan settings) with its damage *replaced* by the damage
confirmed in the log. Adding the scenario's own damage instead would make it
impossible to retract through the log, and would count it twice when the log was
seeded from the scenario (``warmgrid serve --seed-demo``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from warmgrid.impact import Damage
from warmgrid.model import City
from warmgrid.scenario.spec import Scenario, parse_scenario

CONFIRMED_LABEL = "confirmed damage in the incident log"


def situation_scenario(
    base: Scenario | None, city: City, asset_ids: Sequence[str], start: datetime
) -> Scenario:
    """``base`` with exactly the confirmed ``asset_ids`` as its damage; without a base,
    warmgrid's default settings for ``city`` starting at ``start`` (timezone-aware)."""
    if base is None:
        base = parse_scenario(
            {"name": f"{city.name}: {CONFIRMED_LABEL}", "city": city.name, "start": start},
            "server",
        )
    return replace(
        base,
        damage=Damage(asset_ids=tuple(dict.fromkeys(asset_ids)), areas=()),
        damage_labels=(CONFIRMED_LABEL,),
    )
