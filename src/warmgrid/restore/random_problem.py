"""Random restoration problems for tests, benchmarks and demonstrations (seeded).

The sites lie in a square city of ``city_km`` × ``city_km`` around (30.5° E, 50.45° N);
repairs last 1 to 8 h in half hours; 60 % of the tasks need an electrical crew, 30 % a
heat crew and 10 % a civil crew; crews work from one to three depots; each group of
customers needs one to three tasks near each other; a share of the tasks must wait for
one nearby earlier task. These are synthetic planning figures, not measurements.
"""

from __future__ import annotations

import numpy as np

from warmgrid.geo import LocalFrame
from warmgrid.restore.problem import Crew, Group, Problem, Task, Travel, build_problem

FRAME = LocalFrame(30.5, 50.45)
SKILLS = ("electrical", "heat", "civil")


def random_problem(
    n_tasks: int,
    n_crews: int,
    seed: int,
    *,
    city_km: float = 12.0,
    precedence_share: float = 0.05,
    with_skills: bool = True,
    speed_kmh: float = 30.0,
    road_factor: float = 1.4,
) -> Problem:
    """A random, always feasible problem with ``n_tasks`` tasks and ``n_crews`` crews."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0.0, city_km, size=(n_tasks, 2))
    lon, lat = FRAME.to_lonlat_deg(xy * 1000.0)
    skill = rng.choice(len(SKILLS), size=n_tasks, p=[0.6, 0.3, 0.1])
    duration = rng.integers(2, 17, size=n_tasks) * 0.5
    dist = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1])
    tasks = []
    for i in range(n_tasks):
        after: tuple[str, ...] = ()
        if i > 0 and rng.random() < precedence_share:
            j = int(np.argmin(dist[i, :i]))
            after = (f"T{j}",)
        tasks.append(
            Task(
                id=f"T{i}",
                duration_h=float(duration[i]),
                lon=float(lon[i]),
                lat=float(lat[i]),
                skill=SKILLS[skill[i]] if with_skills else None,
                after=after,
            )
        )
    depots = rng.uniform(0.0, city_km, size=(rng.integers(1, 4), 2))
    crews = []
    for k in range(n_crews):
        dx, dy = depots[k % len(depots)]
        if not with_skills:
            skills = None
        elif k % 3 == 2 or n_crews == 1:
            skills = frozenset(SKILLS)
        else:
            skills = frozenset({SKILLS[k % 3], "civil"} if k % 2 else {SKILLS[k % 3]})
        depot_lon, depot_lat = FRAME.to_lonlat_deg([dx * 1000.0, dy * 1000.0])
        crews.append(
            Crew(
                id=f"C{k}",
                lon=float(depot_lon[0]),
                lat=float(depot_lat[0]),
                skills=skills,
                available_from_h=float(rng.choice([0.0, 0.0, 0.5, 1.0])),
            )
        )
    n_groups = max(1, int(n_tasks * 1.2))
    groups = []
    for g in range(n_groups):
        anchor = int(rng.integers(n_tasks))
        size = int(rng.integers(1, 4))
        needs = {f"T{int(t)}" for t in np.argsort(dist[anchor])[:size]}
        people = float(round(rng.lognormal(5.0, 1.0)))
        factor = 10.0 if rng.random() < 0.05 else 1.0
        groups.append(
            Group(
                id=f"G{g}",
                weight=people * factor,
                needs=tuple(sorted(needs)),
                people=people,
                customers=float(max(1, int(people // 40))),
                service=str(rng.choice(["power", "heat"])),
            )
        )
    travel = Travel(speed_kmh=speed_kmh, road_factor=road_factor)
    return build_problem(tasks, crews, groups, travel, source=f"random problem (seed {seed})")
