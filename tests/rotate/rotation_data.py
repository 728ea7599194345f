"""The hand-built rotation schedule of the demo city used by the publishing tests.

``tests/data/rotation/demo_schedule.json`` follows the contract of ``warmgrid rotate
--json``: five groups made of real feeder branches of the demo's power network (three
rotated feeder ends, the feeder with the care home and the transformer of the hospital,
both critical) and twelve one-hour slots. ``test_rotation_schedule_file`` checks that
each group's buildings are exactly those that opening its switches cuts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SCHEDULE_FILE = Path(__file__).parents[1] / "data" / "rotation" / "demo_schedule.json"
EXPECTED_OFF_H = {
    "A": [(0, 2, 1), (6, 8, 2)],
    "B": [(2, 4, 2), (7, 9, 2)],
    "C": [(3, 5, 2), (9, 11, 1)],
    "F4": [],
    "H": [],
}
"""Per group, its off intervals worked out by hand from the slots: (start_h, end_h, stage)."""


def demo_schedule() -> dict[str, Any]:
    """A fresh copy of the demo schedule object."""
    return json.loads(SCHEDULE_FILE.read_text())
