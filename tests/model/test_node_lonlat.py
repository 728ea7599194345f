"""Sources and branch ends are placed at their nodes by one lookup (``City.node_lonlat``),
which the restoration planner's asset table and the console's map both use."""

from __future__ import annotations

import math

import numpy as np

from warmgrid.model.demo import demo_city
from warmgrid.restore.from_city import asset_table
from warmgrid.scenario.run import run_scenario
from warmgrid.scenario.spec import demo_scenario
from warmgrid.web.layers import geometry


def test_node_lonlat_is_the_node_s_position_or_nan() -> None:
    city = demo_city()
    by_id = {row.id: (row.lon, row.lat) for row in city.nodes.itertuples()}
    asked = [*city.sources["node"], "no.such.node"]
    found = city.node_lonlat(np.array(asked, dtype=object))
    for node, (lon, lat) in zip(asked, found.tolist(), strict=True):
        if node in by_id:
            assert (lon, lat) == by_id[node]
        else:
            assert math.isnan(lon) and math.isnan(lat)


def test_planner_and_console_place_every_source_at_the_same_point() -> None:
    assessment = run_scenario(demo_scenario())
    city = assessment.city
    planner = asset_table(city)
    drawn = geometry(assessment)["assets"]
    on_map = dict(zip(drawn["id"], zip(drawn["lon"], drawn["lat"], strict=True), strict=True))
    expected = city.node_lonlat(city.sources["node"])
    for ident, (lon, lat) in zip(city.sources["id"], expected.tolist(), strict=True):
        assert planner[ident][2:] == (lon, lat)
        assert on_map[ident] == (float(np.round(lon, 6)), float(np.round(lat, 6)))
