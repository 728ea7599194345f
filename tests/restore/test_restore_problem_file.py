"""Problem files and crews files: a valid sample, and every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from warmgrid.errors import InputError
from warmgrid.geo import great_circle_m
from warmgrid.restore.problem_file import (
    load_crews,
    load_problem,
    problem_from_dict,
    problem_to_dict,
)

SAMPLE = Path(__file__).parent / "data" / "sample_problem.json"


def sample() -> dict[str, Any]:
    return json.loads(SAMPLE.read_text())


def test_sample_loads_with_travel_from_coordinates() -> None:
    problem = load_problem(SAMPLE)
    assert problem.n_tasks == 6 and problem.n_crews == 2 and len(problem.groups) == 5
    a, b = problem.tasks[0], problem.tasks[1]
    km = great_circle_m(a.lon, a.lat, b.lon, b.lat) / 1000
    assert problem.travel_h[0, 1] == pytest.approx(km * 1.4 / 30)
    crew = problem.crews[1]
    assert problem.travel_h[problem.n_tasks + 1, 0] == pytest.approx(
        great_circle_m(crew.lon, crew.lat, a.lon, a.lat) / 1000 * 1.4 / 30
    )
    assert problem.predecessors[1] == (0,)
    # heat-1 cannot do electrical work, electric-1 cannot do heat work
    assert not problem.eligible[0, 1] and not problem.eligible[2, 0]
    assert problem.eligible[5].all()


def test_great_circle_matches_a_known_distance() -> None:
    # Kyiv (30.5234 E, 50.4501 N) to Lviv (24.0297 E, 49.8397 N): about 468 km.
    assert great_circle_m(30.5234, 50.4501, 24.0297, 49.8397) / 1000 == pytest.approx(468, abs=3)


def test_travel_matrix_and_round_trip() -> None:
    data = sample()
    ids = [t["id"] for t in data["tasks"]] + [c["id"] for c in data["crews"]]
    data["travel"] = {
        "matrix_h": {a: {t["id"]: 0.25 for t in data["tasks"] if t["id"] != a} for a in ids}
    }
    problem = problem_from_dict(data)
    assert np.allclose(problem.travel_h[np.arange(6), np.arange(6)], 0)
    assert problem.travel_h[7, 3] == 0.25
    again = problem_from_dict(problem_to_dict(problem))
    assert np.allclose(again.travel_h, problem.travel_h)
    assert again.groups == problem.groups


def _mutate(path: str, value: Any) -> dict[str, Any]:
    data = sample()
    keys = path.split(".")
    node: Any = data
    for k in keys[:-1]:
        node = node[int(k)] if k.isdigit() else node[k]
    last = keys[-1]
    if value is _DELETE:
        del node[last]
    elif last.isdigit():
        node[int(last)] = value
    else:
        node[last] = value
    return data


_DELETE = object()

BAD = [
    ("tasks.1.after", ["nowhere"], ["line-north", "after", "unknown task id 'nowhere'"]),
    ("groups.0.needs", ["trafo-north", "ghost"], ["hospital", "needs", "'ghost'"]),
    ("tasks.0.duration_h", -2, ["trafo-north", "duration_h", "at least 0"]),
    ("tasks.2.skill", "diving", ["pump-station", "skill", "no crew has skill 'diving'"]),
    ("tasks.0.after", ["line-north"], ["precedence cycle", "trafo-north", "line-north"]),
    ("tasks.0.after", ["trafo-north"], ["trafo-north", "cannot come after itself"]),
    ("tasks.3.id", "pump-station", ["tasks[3]", "duplicate id 'pump-station'"]),
    ("tasks.0.duration_h", "six", ["trafo-north", "duration_h", "expected a number"]),
    ("tasks.0.duration", 6, ["trafo-north", "unknown field 'duration'"]),
    ("tasks.0.duration_h", _DELETE, ["trafo-north", "duration_h", "missing"]),
    ("tasks.0.lat", 95.0, ["trafo-north", "lat", "[-90, 90]"]),
    ("tasks.0.lon", _DELETE, ["trafo-north", "lon and lat are required"]),
    ("crews.1.available_from_h", -1, ["heat-1", "available_from_h"]),
    ("crews.0.skills", "electrical", ["electric-1", "skills", "expected a list"]),
    ("crews.0.shift_h", 0.5, ["no crew", "within its shift"]),
    ("crews.1.id", "trafo-north", ["used by a task and a crew"]),
    ("groups.1.weight", -5, ["north-homes", "weight"]),
    ("groups.1.needs", [], ["north-homes", "needs", "at least one"]),
    ("travel.speed_kmh", 0, ["travel.speed_kmh", "greater than 0"]),
    ("travel.road_factor", 0.5, ["road_factor", "at least 1"]),
    ("travel", {}, ["travel", "speed_kmh"]),
    ("crews", [], ["crews", "at least one crew"]),
    ("groups", _DELETE, ["groups", "missing"]),
]


@pytest.mark.parametrize(
    ("path", "value", "words"), BAD, ids=[b[0] + str(i) for i, b in enumerate(BAD)]
)
def test_bad_input_names_the_item(path: str, value: Any, words: list[str]) -> None:
    with pytest.raises(InputError) as error:
        problem_from_dict(_mutate(path, value), source="p.json")
    message = str(error.value)
    assert message.startswith("p.json")
    for word in words:
        assert word in message


def test_longer_precedence_cycle_is_spelled_out() -> None:
    data = sample()
    data["tasks"][0]["after"] = ["pipe-river"]
    data["tasks"][3]["after"] = ["line-north"]
    with pytest.raises(InputError, match="trafo-north → line-north → pipe-river → trafo-north"):
        problem_from_dict(data)


def test_incomplete_travel_matrix_is_refused() -> None:
    data = sample()
    ids = [t["id"] for t in data["tasks"]] + [c["id"] for c in data["crews"]]
    matrix = {a: {t["id"]: 0.1 for t in data["tasks"] if t["id"] != a} for a in ids}
    del matrix["heat-1"]["pipe-river"]
    data["travel"] = {"matrix_h": matrix}
    with pytest.raises(InputError, match="missing hours from 'heat-1' to 'pipe-river'"):
        problem_from_dict(data)
    matrix["heat-1"]["pipe-river"] = 0.1
    matrix["depot-9"] = {}
    with pytest.raises(InputError, match="unknown task or crew id 'depot-9'"):
        problem_from_dict(data)


def test_unreadable_and_invalid_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        load_problem(tmp_path / "none.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"tasks": [')
    with pytest.raises(InputError, match="not valid JSON"):
        load_problem(bad)
    bad.write_text("[1, 2]")
    with pytest.raises(InputError, match="expected an object"):
        load_problem(bad)


def test_crews_file_forms(tmp_path: Path) -> None:
    crews = [{"id": "a", "lon": 30.5, "lat": 50.4, "skills": ["heat"], "shift_h": 12}]
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps(crews))
    wrapped = tmp_path / "wrapped.json"
    wrapped.write_text(json.dumps({"crews": crews}))
    assert load_crews(listed) == load_crews(wrapped)
    assert load_crews(listed)[0].skills == frozenset({"heat"})
    empty = tmp_path / "empty.json"
    empty.write_text("[]")
    with pytest.raises(InputError, match="at least one crew"):
        load_crews(empty)
    typo = tmp_path / "typo.json"
    typo.write_text(json.dumps([{"id": "a", "skill": ["heat"]}]))
    with pytest.raises(InputError, match=r"crews\[0\] \(id 'a'\).*unknown field 'skill'"):
        load_crews(typo)
