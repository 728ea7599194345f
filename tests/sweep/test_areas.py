"""Area-strike ensembles: seeded, centred where asked, hitting what lies in the circle."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from warmgrid.errors import InputError
from warmgrid.geo import great_circle_m
from warmgrid.sweep.areas import area_strikes, read_weights
from warmgrid.sweep.ensembles import NO_ASSET


def test_seeded_and_centred_on_the_chosen_kind(compiled):
    first = area_strikes(compiled, 40, (50.0, 400.0), seed=3, kinds=("heat_plant",))
    again = area_strikes(compiled, 40, (50.0, 400.0), seed=3, kinds=("heat_plant",))
    other = area_strikes(compiled, 40, (50.0, 400.0), seed=4, kinds=("trafo",))
    assert np.array_equal(first.assets, again.assets)
    assert not np.array_equal(first.assets, other.assets)
    plant = compiled.asset_index(["heat.heat_plant.0"])[0]
    assert all(plant in row for row in first.assets)


def test_a_single_weighted_point_hits_the_nodes_within_the_radius(compiled, tmp_path: Path):
    nodes = compiled.city.nodes
    lon, lat = float(nodes["lon"].iloc[10]), float(nodes["lat"].iloc[10])
    layer = tmp_path / "targets.geojson"
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": {"weight": 3},
        },
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [0.0, 0.0]},
            "properties": {"weight": 0},
        },
    ]
    layer.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    radius = 700.0
    ensemble = area_strikes(compiled, 5, (radius, radius), seed=1, weights=read_weights(layer))
    assert (ensemble.assets == ensemble.assets[0]).all()
    row = ensemble.assets[0]
    hit_nodes = set(row[(row != NO_ASSET) & (row < compiled.n_nodes)].tolist())
    distance = great_circle_m(lon, lat, nodes["lon"].to_numpy(), nodes["lat"].to_numpy())
    clear = np.abs(distance - radius) > 0.01 * radius  # projection error far below 1 %
    inside = set(np.flatnonzero((distance <= radius) & clear).tolist())
    assert inside and inside <= hit_nodes
    assert not hit_nodes & set(np.flatnonzero((distance > radius) & clear).tolist())


def test_weight_layer_errors_name_the_row(tmp_path: Path):
    layer = tmp_path / "w.csv"
    layer.write_text("lon,lat,weight\n30.5,50.4,1\n30.5,north,1\n")
    with pytest.raises(InputError, match=r"row 3.*'lat'"):
        read_weights(layer)
    layer.write_text("lon,lat,weight\n30.5,50.4,0\n")
    with pytest.raises(InputError, match="not all 0"):
        read_weights(layer)


def test_bad_radius_is_refused(compiled):
    with pytest.raises(InputError, match="--radius-m"):
        area_strikes(compiled, 3, (500.0, 100.0))
