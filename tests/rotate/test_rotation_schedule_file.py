"""Reading a rotation schedule: the demo file is what its switches cut, and every broken
field is named."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from rotation_data import SCHEDULE_FILE, demo_schedule

from warmgrid.errors import InputError
from warmgrid.impact import Damage, assess
from warmgrid.model import compile_city
from warmgrid.model.demo import demo_city
from warmgrid.rotate.schedule_file import read_schedule, read_schedule_file


@pytest.fixture(scope="module")
def city():
    return demo_city()


def test_demo_groups_are_exactly_what_opening_their_switches_cuts(city) -> None:
    schedule = read_schedule_file(SCHEDULE_FILE, city)
    compiled = compile_city(city)
    population = city.buildings.set_index("id")["population"]
    for group in schedule.groups:
        cut = assess(compiled, Damage(asset_ids=list(group.switch_off))).building_off_grid
        assert set(group.buildings) == set(city.buildings["id"].to_numpy()[cut])
        assert group.people == int(population.loc[list(group.buildings)].sum())
    uses = city.buildings.set_index("id")["use"]
    for group in schedule.groups:
        feeds_critical = bool(
            np.isin(uses.loc[list(group.buildings)], ["hospital", "care_home"]).any()
        )
        assert group.critical == feeds_critical


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(obj: dict[str, Any]) -> None:
        for key in path[:-1]:
            obj = obj[key]
        obj[path[-1]] = value

    return change


def _drop(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], None]:
    def change(obj: dict[str, Any]) -> None:
        for key in path[:-1]:
            obj = obj[key]
        del obj[path[-1]]

    return change


BROKEN = [
    (_drop(("groups",)), "schedule.groups: missing"),
    (_drop(("deficit_mw",)), "schedule.deficit_mw: missing"),
    (_set(("deficit_mw",), "much"), "schedule.deficit_mw: expected a finite number"),
    (_set(("groups", 1, "id"), "A"), "schedule.groups[1].id: group id 'A' appears twice"),
    (
        _set(("groups", 0, "buildings", 2), "building.9999"),
        "schedule.groups[0].buildings[2]: unknown building id 'building.9999'",
    ),
    (
        _set(("groups", 0, "switch_off", 0), "power.line.999"),
        "schedule.groups[0].switch_off[0]: unknown branch id",
    ),
    (_set(("groups", 0, "critical"), "no"), "schedule.groups[0].critical: expected true or false"),
    (_set(("groups", 0, "people"), -3), "schedule.groups[0].people: expected a number ≥ 0"),
    (_set(("groups", 0, "people"), 2.5), "schedule.groups[0].people: expected a whole number"),
    (_set(("slots", 3, "off", 1), "Z"), "schedule.slots[3].off[1]: unknown group id 'Z'"),
    (_set(("slots", 4, "off"), ["H"]), "schedule.slots[4].off[0]: group 'H' is critical"),
    (_set(("slots", 5, "start_h"), 5.5), "schedule.slots[5].start_h: slots must follow each other"),
    (_set(("slots", 0, "end_h"), 0.0), "schedule.slots[0].end_h: expected an end after start_h"),
    (_set(("slots", 2, "off"), "B"), "schedule.slots[2].off: expected a JSON array"),
    (_set(("slots", 2, "off"), ["B", "B"]), "schedule.slots[2].off: lists a group id twice"),
    (_drop(("baselines",)), "schedule.baselines: missing"),
    (_drop(("baselines", "cyclic", "jain_index")), "schedule.baselines.cyclic.jain_index: missing"),
    (_set(("jain_index",), float("nan")), "schedule.jain_index: expected a finite number"),
]


@pytest.mark.parametrize(("change", "message"), BROKEN, ids=[m.split(":")[0] for _, m in BROKEN])
def test_every_broken_field_is_named(city, change, message: str) -> None:
    data = demo_schedule()
    change(data)
    with pytest.raises(InputError) as caught:
        read_schedule(data, city)
    assert str(caught.value).startswith(message)


def test_without_a_city_ids_are_not_checked_and_integers_are_ids() -> None:
    data = demo_schedule()
    data["groups"][0]["buildings"][0] = "elsewhere.1"
    data["groups"][0]["id"] = 7
    data["slots"][0]["off"] = [7]
    data["slots"][1]["off"] = [7]
    data["slots"][6]["off"] = [7]
    data["slots"][7]["off"] = [7, "B"]
    schedule = read_schedule(data)
    assert schedule.groups[0].id == "7"
    assert schedule.slots[7].off == ("7", "B")


def test_no_deficit_is_an_empty_schedule_not_an_error(city) -> None:
    data = demo_schedule()
    data.update(deficit_mw=0.0, slots=[])
    schedule = read_schedule(data, city)
    assert schedule.slots == () and schedule.deficit_mw == 0.0


def test_files_name_themselves_in_errors(tmp_path: Path, city) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"groups": [')
    with pytest.raises(InputError, match=r"broken\.json: not JSON: .* line 1"):
        read_schedule_file(broken, city)
    with pytest.raises(InputError) as missing:
        read_schedule_file(tmp_path / "missing.json", city)
    assert str(missing.value).endswith("missing.json: cannot read file (No such file or directory)")
    latin = tmp_path / "latin.json"
    latin.write_bytes('{"name": "Kyïv"}'.encode("latin-1"))
    with pytest.raises(InputError, match=r"latin\.json: not UTF-8 text$"):
        read_schedule_file(latin, city)
    wrong = tmp_path / "wrong.json"
    data = copy.deepcopy(demo_schedule())
    del data["slots"]
    wrong.write_text(json.dumps(data))
    with pytest.raises(InputError, match=r"wrong\.json\.slots: missing"):
        read_schedule_file(wrong, city)


def test_a_planners_own_object_with_tuples_and_numpy_numbers_reads_alike(city) -> None:
    """``write_schedule_files`` may get the planner's object before it is JSON."""
    data = demo_schedule()
    native = copy.deepcopy(data)
    for group in native["groups"]:
        group["switch_off"] = tuple(group["switch_off"])
        group["people"] = np.int64(group["people"])
        group["load_mw"] = np.float64(group["load_mw"])
    for slot in native["slots"]:
        slot["start_h"], slot["end_h"] = np.float64(slot["start_h"]), np.int32(slot["end_h"])
    assert read_schedule(native, city).groups == read_schedule(data, city).groups
    assert read_schedule(native, city).slots == read_schedule(data, city).slots
