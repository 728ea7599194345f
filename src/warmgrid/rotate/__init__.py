"""Capacity deficit after damage, rotating outage groups and cold-aware schedules."""

from warmgrid.rotate.plan import Figures, RotationPlan, plan_rotation

__all__ = ["Figures", "RotationPlan", "plan_rotation"]
