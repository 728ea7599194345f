"""Weather input and irradiance on building surfaces."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from warmgrid.cli.thermal import packaged_weather_path
from warmgrid.errors import InputError
from warmgrid.thermal.rc import SolarChannel
from warmgrid.thermal.weather import (
    channel_irradiance,
    constant_weather,
    read_epw,
    read_weather,
    read_weather_csv,
)


@pytest.fixture(scope="module")
def denver():
    return read_epw(packaged_weather_path())


def test_epw_year(denver) -> None:
    assert denver.hours == 8760
    assert denver.has_sun
    assert denver.latitude == pytest.approx(39.83)
    assert -25 < denver.temp_air_c.min() < -15  # about the Denver heating design temperature
    # clear dry sky: the sky is colder than the air on average
    assert 5 < float(np.mean(denver.sky_temp_depression_k)) < 30


def test_horizontal_opaque_channel_is_global_horizontal(denver) -> None:
    """On a horizontal plane the Perez model gives beam plus diffuse horizontal, which in a
    TMY file agrees with the measured global horizontal within a few per cent."""
    week = denver.window(24 * 180, 24 * 7)
    roof = channel_irradiance(week, (SolarChannel("opaque", (180.0,), 0.0),))[0]
    assert roof.sum() == pytest.approx(week.ghi_w_per_m2.sum(), rel=0.02)
    assert np.max(np.abs(roof - week.ghi_w_per_m2)) < 50.0


def test_window_transmits_less_than_falls_on_it(denver) -> None:
    week = denver.window(24 * 20, 24 * 7)
    channels = (
        SolarChannel("opaque", (180.0,), 90.0),
        SolarChannel("window", (180.0,), 90.0, 1),
        SolarChannel("window", (180.0,), 90.0, 2),
        SolarChannel("window", (0.0, 90.0, 180.0, 270.0), 90.0, 2),
    )
    on_plane, one, two, around = channel_irradiance(week, channels)
    assert np.all(one <= on_plane + 1e-9)
    assert np.all(two <= one + 1e-9)
    assert two.sum() > 0.5 * on_plane.sum()  # winter sun, low incidence on a south wall
    assert around.sum() < two.sum()  # in January the south façade gets most


def test_window_wraps_round_the_year(denver) -> None:
    last = denver.window(8750, 20)
    assert last.hours == 20
    assert last.temp_air_c[10] == denver.temp_air_c[0]


def test_constant_and_no_sun() -> None:
    weather = constant_weather(-10.0, 48)
    assert not weather.has_sun
    assert channel_irradiance(weather, (SolarChannel("opaque", (0.0,), 0.0),)).sum() == 0.0
    with pytest.raises(InputError, match="outdoor_temp_c"):
        constant_weather(float("nan"), 10)
    with pytest.raises(InputError, match=r"between -90 and 60 °C, got 99\.0"):
        constant_weather(99.0, 10)


def test_csv_forecast(tmp_path: Path) -> None:
    path = tmp_path / "forecast.csv"
    path.write_text("time,temp_air_c\n2026-01-10T00:00+02:00,-5\n2026-01-10T01:00+02:00,-6\n")
    weather = read_weather(path)
    assert list(weather.temp_air_c) == [-5.0, -6.0]
    assert not weather.has_sun


def test_csv_with_sun(tmp_path: Path) -> None:
    rows = ["time,temp_air_c,ghi_w_per_m2,dni_w_per_m2,dhi_w_per_m2"]
    for hour in range(24):
        sun = max(0.0, 400 * np.sin(np.pi * (hour - 7) / 10)) if 7 <= hour <= 17 else 0.0
        rows.append(f"2026-01-10T{hour:02d}:00+02:00,-5,{sun:.0f},{sun:.0f},{sun / 4:.0f}")
    path = tmp_path / "sunny.csv"
    path.write_text("\n".join(rows) + "\n")
    weather = read_weather_csv(path, latitude=50.45, longitude=30.52)
    assert weather.has_sun
    south = channel_irradiance(weather, (SolarChannel("opaque", (180.0,), 90.0),))[0]
    assert south[:6].sum() == 0.0 and south[10:14].sum() > 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("temp_air_c\n-5\nabc\n", "line 3, column temp_air_c"),
        ("temp\n-5\n", "temp_air_c"),
        ("temp_air_c\n-5\n500\n", "line 3"),
        ("temp_air_c\n-5\n\n-6\n", "line 3: empty row"),
        ("time,temp_air_c\n2026-01-10T00:00+02:00,-5\nsoon,-6\n", "line 3, column time"),
        ("time,temp_air_c\n2026-01-10T00:00,-5\n", "line 2, column time: .*UTC offset"),
        (
            "time,temp_air_c\n2026-01-10T00:00+02:00,-5\n2026-01-10T02:00+02:00,-6\n",
            "line 3, column time: expected the hour after",
        ),
        (
            "time,temp_air_c,ghi_w_per_m2,dni_w_per_m2,dhi_w_per_m2\n"
            "2026-01-10T12:00+02:00,-5,-20,0,0\n",
            "line 2, column ghi_w_per_m2: expected an irradiance",
        ),
    ],
)
def test_bad_csv_names_the_line(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(InputError, match=expected):
        read_weather(path)


def test_unreadable_epw(tmp_path: Path) -> None:
    path = tmp_path / "broken.epw"
    path.write_text("LOCATION,nowhere\nnot an epw\n")
    with pytest.raises(InputError, match=r"broken\.epw, line 1") as error:
        read_weather(path)
    assert "expected the header LOCATION," in str(error.value)
    assert "altitude" not in str(error.value)
    with pytest.raises(InputError, match="not found"):
        read_weather(tmp_path / "missing.epw")
    with pytest.raises(InputError, match=r"\.epw or \.csv"):
        read_weather(tmp_path / "weather.txt")
