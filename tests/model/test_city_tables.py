"""City tables: defaults, type coercion and errors that name the table, row and field."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from warmgrid.errors import InputError
from warmgrid.model import City, compile_city, load_city, save_city
from warmgrid.model.demo import demo_city


def tables(**changes):
    base = {
        "nodes": pd.DataFrame(
            {
                "id": ["p0", "p1", "h0"],
                "network": ["power", "power", "heat"],
                "lon": [30.0, 30.1, 30.0],
                "lat": [50.0, 50.0, 50.1],
            }
        ),
        "branches": pd.DataFrame(
            {
                "id": ["l0"],
                "network": ["power"],
                "kind": ["line"],
                "from_node": ["p0"],
                "to_node": ["p1"],
            }
        ),
        "sources": pd.DataFrame(
            {
                "id": ["g0", "b0"],
                "network": ["power", "heat"],
                "kind": ["ext_grid", "boiler"],
                "node": ["p0", "h0"],
            }
        ),
        "buildings": pd.DataFrame(
            {
                "id": ["b1"],
                "lon": [30.0],
                "lat": [50.0],
                "population": [10],
                "power_node": ["p1"],
                "heat_node": ["h0"],
            }
        ),
        "dependencies": pd.DataFrame({"asset": ["b0"], "service": ["power"], "node": ["p1"]}),
    }
    base.update(changes)
    return base


def test_defaults_are_filled_and_types_coerced():
    city = City.from_tables("t", **tables())
    assert city.branches["closed"].dtype == bool and city.branches["closed"].all()
    assert city.buildings["use"].tolist() == ["residential"]
    assert city.buildings["population"].dtype == np.int64
    compiled = compile_city(city)
    assert compiled.edge_u.tolist() == [0] and compiled.edge_v.tolist() == [1]
    assert compiled.dep_asset.tolist() == [compiled.n_nodes + 1 + 1]


@pytest.mark.parametrize(
    ("table", "column", "value", "needle"),
    [
        (
            "branches",
            "to_node",
            "p9",
            "table branches, row 0 (id 'l0'): to_node 'p9' names no node",
        ),
        ("branches", "kind", "cable", "kind 'cable' is not one of"),
        ("buildings", "population", -3, "population must be at least 0"),
        ("buildings", "population", "many", "population must be a whole number"),
        ("buildings", "heat_node", "p0", "heat_node 'p0' is in the power network"),
        ("sources", "node", "h0", "node 'h0' is in the heat network, expected the power network"),
        ("dependencies", "asset", "nothing", "asset 'nothing' names no branch or source"),
        ("nodes", "lat", 95.0, "is not a WGS84 position"),
    ],
)
def test_errors_name_table_row_and_field(table, column, value, needle):
    data = tables()
    frame = data[table].copy()
    frame[column] = frame[column].astype(object)
    frame.loc[0, column] = value
    data[table] = frame
    with pytest.raises(InputError) as error:
        City.from_tables("t", origin="mycity", **data)
    assert needle in str(error.value)
    assert str(error.value).startswith("mycity")


def test_duplicate_ids_and_missing_columns():
    data = tables()
    data["sources"] = data["sources"].assign(id=["l0", "b0"])
    with pytest.raises(InputError, match="'l0' is used more than once"):
        City.from_tables("t", **data)
    data = tables()
    data["branches"] = data["branches"].drop(columns=["from_node"])
    with pytest.raises(InputError, match="missing column 'from_node'"):
        City.from_tables("t", **data)


def test_native_round_trip_keeps_every_table(tmp_path):
    city = demo_city()
    loaded = load_city(save_city(city, tmp_path / "demo"))
    for table in ("nodes", "branches", "sources", "buildings", "dependencies"):
        pd.testing.assert_frame_equal(loaded.table(table), city.table(table), check_dtype=False)
    assert loaded.name == city.name
