"""Plain-words rendering of impact results for people in an emergency centre."""

from __future__ import annotations

from warmgrid.impact.trace import TraceStep
from warmgrid.model.city import City

NEEDS_PREFIX = "out of service: needs "


def needed_services(step: TraceStep) -> list[tuple[str, str]]:
    """``(service, node id)`` pairs a step waits for (empty unless it is out of service
    for want of a dependency)."""
    if not step.reason.startswith(NEEDS_PREFIX):
        return []
    pairs = (need.partition(" at ") for need in step.reason.removeprefix(NEEDS_PREFIX).split(", "))
    return [(service, node) for service, _, node in pairs]


class Labeller:
    """Turns ids into ``Name (id)`` labels and trace steps into sentences."""

    def __init__(self, city: City) -> None:
        self.names: dict[str, str] = {}
        for frame in (city.nodes, city.branches, city.sources, city.buildings):
            named = frame[frame["name"] != ""]
            self.names.update(zip(named["id"], named["name"], strict=True))

    def label(self, asset_id: str) -> str:
        """``Name (id)`` when the asset has a name, else its id."""
        name = self.names.get(asset_id)
        return f"{name} ({asset_id})" if name else asset_id

    def reason(self, step: TraceStep) -> str:
        """One sentence for one step."""
        if step.reason == "damaged":
            return f"{self.label(step.asset)} is damaged"
        needs = needed_services(step)
        if needs:
            wanted = [f"{service} at {self.label(node)}" for service, node in needs]
            return f"{self.label(step.asset)} is down: it needs " + " and ".join(wanted)
        return f"{self.label(step.asset)}: {step.reason}"

    def describe(self, steps: list[TraceStep], indent: int = 0) -> list[str]:
        """One line per step of a chain, children indented under their parent."""
        lines = []
        for step in steps:
            lines.append("  " * indent + "- " + self.reason(step))
            lines += self.describe(list(step.children), indent + 1)
        return lines


def steps_to_dict(steps: list[TraceStep]) -> list[dict[str, object]]:
    """The chain as plain JSON-ready dictionaries."""
    return [
        {"asset": s.asset, "reason": s.reason, "because": steps_to_dict(list(s.children))}
        for s in steps
    ]
