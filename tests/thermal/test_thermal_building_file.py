"""Building description files: parsing, derived parameters and bad input."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from warmgrid.errors import InputError
from warmgrid.thermal.building_file import (
    R_SE_M2K_PER_W,
    load_building,
    parse_building,
)

ROOT = Path(__file__).resolve().parents[2]


def box(**overrides: object) -> dict:
    table: dict = {
        "floor_area_m2": 100.0,
        "volume_m3": 270.0,
        "air_changes_per_h": 0.5,
        "internal_gains_w": 400.0,
        "thermal_class": "medium",
        "surfaces": [
            {"kind": "wall", "area_m2": 80.0, "u_w_per_m2k": 0.5, "azimuth_deg": 0, "tilt_deg": 90},
            {
                "kind": "window",
                "area_m2": 10.0,
                "u_w_per_m2k": 1.5,
                "azimuth_deg": 180,
                "tilt_deg": 90,
                "g_value": 0.6,
            },
            {"kind": "roof", "area_m2": 100.0, "u_w_per_m2k": 0.2},
            {"kind": "floor", "area_m2": 100.0, "u_w_per_m2k": 0.3},
        ],
    }
    table.update(overrides)
    return table


def test_box_parameters() -> None:
    p = parse_building(box(), "box.toml").params
    assert p.h_tr_w_w_per_k[0] == pytest.approx(15.0)
    assert p.h_tr_op_w_per_k[0] == pytest.approx(40.0 + 20.0 + 30.0)
    assert p.h_ve_w_per_k[0] == pytest.approx(1200 * 0.5 * 270 / 3600)
    assert p.c_m_j_per_k[0] == pytest.approx(165_000 * 100)
    assert p.a_m_m2[0] == pytest.approx(250.0)
    assert p.a_t_m2[0] == pytest.approx(450.0)
    kinds = {(c.kind, c.azimuths_deg, c.tilt_deg) for c in p.solar_channels}
    assert kinds == {
        ("opaque", (0.0,), 90.0),
        ("window", (180.0,), 90.0),
        ("opaque", (180.0,), 0.0),
    }
    windows = [i for i, c in enumerate(p.solar_channels) if c.kind == "window"]
    assert p.solar_aperture_m2[0, windows[0]] == pytest.approx(6.0)
    sky = R_SE_M2K_PER_W * 4.5 * (0.5 * 40.0 + 0.5 * 15.0 + 1.0 * 20.0)
    assert p.sky_loss_w_per_k[0] == pytest.approx(sky)


def test_bestest_600_mass_from_layers() -> None:
    p = load_building(ROOT / "examples" / "bestest" / "600FF.toml").params
    c_m = 63.6 * 9576 + 48 * 7980 + 48 * 19500
    assert p.c_m_j_per_k[0] == pytest.approx(c_m)
    a_m = c_m**2 / (63.6 * 9576**2 + 48 * 7980**2 + 48 * 19500**2)
    assert p.a_m_m2[0] == pytest.approx(a_m)
    assert p.h_tr_w_w_per_k[0] == pytest.approx(36.0)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda t: t["surfaces"][1].pop("area_m2"), r"surfaces\[1\]\.area_m2"),
        (lambda t: t["surfaces"][2].update(area_m2=-3.0), r"surfaces\[2\]\.area_m2"),
        (lambda t: t["surfaces"][0].update(kind="door"), r"surfaces\[0\]\.kind"),
        (lambda t: t["surfaces"][0].pop("azimuth_deg"), r"surfaces\[0\]\.azimuth_deg"),
        (lambda t: t["surfaces"][1].pop("g_value"), r"surfaces\[1\]\.g_value"),
        (lambda t: t.pop("floor_area_m2"), "floor_area_m2"),
        (lambda t: t.update(volume_m3="big"), "volume_m3"),
        (lambda t: t.update(thermal_class="feather"), "thermal_class"),
        (lambda t: t.pop("thermal_class"), "thermal_class"),
        (lambda t: t.update(surfaces=[]), "surfaces"),
        (lambda t: t.update(floor_area=3.0), "floor_area: unknown key"),
        (lambda t: t["surfaces"][0].update(u_value=3.0), r"surfaces\[0\]\.u_value: unknown"),
    ],
)
def test_bad_input_names_the_field(change, field: str) -> None:
    table = box()
    change(table)
    with pytest.raises(InputError, match=field) as info:
        parse_building(table, "house.toml")
    assert str(info.value).startswith("house.toml")


def test_bad_files(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("floor_area_m2 = = 3\n")
    with pytest.raises(InputError, match="not valid TOML"):
        load_building(broken)
    with pytest.raises(InputError, match="not found"):
        load_building(tmp_path / "nothing.toml")


def test_window_frame_reduces_aperture() -> None:
    table = box()
    table["surfaces"][1]["frame_fraction"] = 0.25
    p = parse_building(table).params
    windows = [i for i, c in enumerate(p.solar_channels) if c.kind == "window"]
    assert p.solar_aperture_m2[0, windows[0]] == pytest.approx(0.6 * 0.75 * 10.0)
    assert math.isclose(p.h_tr_w_w_per_k[0], 15.0)
