"""Rotating outages when what is left after damage cannot carry the load.

Planning: :func:`plan_rotation` finds the capacity deficit, the rotatable groups and a
cold-aware schedule. Publication of a schedule (the JSON object of
``warmgrid rotate --json``): :mod:`~warmgrid.rotate.schedule_file` reads and checks it,
:mod:`~warmgrid.rotate.publish` turns it into per-group off intervals on the city's clock
and writes them as JSON, CSV, ICS (:mod:`~warmgrid.rotate.ics`) and CAP
(:mod:`~warmgrid.rotate.cap`).
"""

from warmgrid.rotate.plan import Figures, RotationPlan, plan_rotation

__all__ = ["Figures", "RotationPlan", "plan_rotation"]
