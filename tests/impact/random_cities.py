"""Small random cities for property tests: meshed power and heat graphs, switches that
guard branches, open switches, out-of-service elements, dependencies across networks."""

from __future__ import annotations

import numpy as np

from warmgrid.model import City
from warmgrid.model.builder import CityBuilder


def random_city(seed: int, n_power: int = 14, n_heat: int = 10) -> City:
    """A random coupled city; the same seed gives the same city."""
    rng = np.random.default_rng(seed)
    city = CityBuilder(f"random-{seed}")
    power = [city.node("power", *rng.uniform(0, 0.05, 2)) for _ in range(n_power)]
    heat = [city.node("heat", *rng.uniform(0, 0.05, 2)) for _ in range(n_heat)]
    branches: list[str] = []
    for network, nodes, kinds in (
        ("power", power, ("line", "trafo", "switch")),
        ("heat", heat, ("pipe", "valve", "pump")),
    ):
        for k in range(1, len(nodes)):
            parent = nodes[int(rng.integers(0, k))]
            kind = str(rng.choice(kinds))
            branches.append(
                city.branch(
                    network,
                    kind,
                    parent,
                    nodes[k],
                    closed=bool(rng.random() > 0.1),
                    in_service=bool(rng.random() > 0.05),
                )
            )
        for _ in range(len(nodes) // 3):
            a, b = rng.choice(len(nodes), size=2, replace=False)
            branches.append(city.branch(network, str(rng.choice(kinds[:1])), nodes[a], nodes[b]))
    if n_power > 4:
        third = city.branch("power", "trafo3w", power[0], power[1], third_node=power[2])
        branches.append(third)
    for target in rng.choice(branches, size=min(3, len(branches)), replace=False):
        network = "power" if str(target).startswith("power") else "heat"
        node = power[0] if network == "power" else heat[0]
        city.branch(
            network,
            "switch" if network == "power" else "valve",
            node,
            guards=str(target),
            closed=bool(rng.random() > 0.3),
        )
    city.source("power", "ext_grid", power[0], 100.0)
    if rng.random() < 0.5:
        city.source("power", "ext_grid", power[int(rng.integers(1, n_power))], 50.0)
    plant = city.source("heat", "heat_plant", heat[0], 80.0)
    city.depends(plant, "power", power[int(rng.integers(0, n_power))])
    boiler = city.source("heat", "boiler", heat[int(rng.integers(1, n_heat))], 10.0)
    city.depends(boiler, "power", power[int(rng.integers(0, n_power))])
    pumps = [b for b in branches if ".pump." in b]
    for pump in pumps[:2]:
        city.depends(pump, "power", power[int(rng.integers(0, n_power))])
    for k in range(3 * n_power):
        city.building(
            lon=float(rng.uniform(0, 0.05)),
            lat=float(rng.uniform(0, 0.05)),
            population=int(rng.integers(1, 300)),
            use=str(rng.choice(["residential", "residential", "hospital", "school", "care_home"])),
            power_node=power[k % n_power],
            heat_node=heat[k % n_heat] if rng.random() < 0.8 else "",
        )
    return city.build()


def random_damage(n_assets: int, seed: int, hits: int) -> np.ndarray:
    """A damage mask of ``hits`` distinct assets drawn with ``seed``."""
    rng = np.random.default_rng(seed)
    damaged = np.zeros(n_assets, dtype=bool)
    damaged[rng.choice(n_assets, size=hits, replace=False)] = True
    return damaged
