"""Gantt chart of a plan and its restoration curve (matplotlib, Agg backend)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from warmgrid.errors import InputError
from warmgrid.plotting import matplotlib_graphics_context
from warmgrid.restore.plan import Plan, curve_key, restoration_curve

FORMATS = (".png", ".svg")


def save_gantt(plan: Plan, path: str | Path) -> Path:
    """Write the Gantt chart (top) and restoration curve (bottom) as PNG or SVG."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise InputError(str(path), "the chart file must end in .png or .svg")
    p, s = plan.problem, plan.schedule
    m = p.n_crews
    fig, (ax, ax2) = plt.subplots(
        2, 1, figsize=(11, 2.0 + 0.35 * m + 3.0), height_ratios=[max(2.0, 0.35 * m), 3.0]
    )
    for c, route in enumerate(s.routes):
        travel = [(s.start_h[t] - s.travel_h[t], s.travel_h[t]) for t in route]
        work = [(s.start_h[t], s.end_h[t] - s.start_h[t]) for t in route]
        ax.broken_barh(travel, (c - 0.4, 0.8), color="#cccccc")
        ax.broken_barh(work, (c - 0.4, 0.8), color="#2b6cb0", edgecolor="white", linewidth=0.3)
        if len(route) <= 40:
            for t in route:
                ax.text(
                    (s.start_h[t] + s.end_h[t]) / 2,
                    c,
                    p.tasks[t].id,
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white",
                    clip_on=True,
                )
    ax.set_yticks(range(m), [crew.id for crew in p.crews], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("hours from start of plan (grey: travel, blue: repair)")
    ax.set_title(f"Repair plan — objective {s.objective:,.0f} weight·h ({plan.status})")
    for service, colour in (("power", "#d69e2e"), ("heat", "#c53030"), (None, "#2f855a")):
        if service is not None and not any(g.service == service for g in p.groups):
            continue
        curve = restoration_curve(p, s, service)
        ax2.step(
            [pt["t_h"] for pt in curve],
            [pt[curve_key(service)] for pt in curve],
            where="post",
            color=colour,
            label=f"without {service}" if service else "without power or heat (each person once)",
        )
    ax2.set_xlabel("hours from start of plan")
    ax2.set_ylabel("people")
    ax2.set_title("People still waiting for service")
    ax2.legend(fontsize=7)
    ax2.set_xlim(ax.get_xlim())
    fig.tight_layout()
    try:
        with matplotlib_graphics_context():
            fig.savefig(path)
    except OSError as error:
        raise InputError(str(path), f"cannot write chart ({error.strerror or error})") from None
    finally:
        plt.close(fig)
    return path
