"""Damage propagation through coupled power and heat networks; N-1 and N-k screening."""

from warmgrid.impact.assess import ImpactResult, RestorationGroup, assess, assess_mask
from warmgrid.impact.damage import Circle, Damage, Polygon, damage_mask
from warmgrid.impact.trace import TraceStep

__all__ = [
    "Circle",
    "Damage",
    "ImpactResult",
    "Polygon",
    "RestorationGroup",
    "TraceStep",
    "assess",
    "assess_mask",
    "damage_mask",
]
