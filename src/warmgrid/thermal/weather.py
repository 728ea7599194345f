"""Weather input: EPW files, hourly CSV forecasts or a constant temperature, and the solar
irradiance on building surfaces.

Every series in :class:`Weather` is hourly and value ``i`` describes hour ``i`` after the
start of the data (the mean over ``[i, i + 1)`` h). Irradiance on tilted surfaces comes from
pvlib: solar position (NREL SPA), the Perez sky-diffuse model, and for windows the angular
transmittance of glass panes (Fresnel reflection with absorption, pvlib ``iam.physical``;
De Soto et al. 2006) with the Marion (2017) integration for diffuse light.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib

from warmgrid.errors import InputError
from warmgrid.thermal.rc import SolarChannel

STEFAN_BOLTZMANN = 5.670374419e-8
"""W/(m²·K⁴), CODATA 2018."""

GROUND_REFLECTANCE = 0.2
"""Ground albedo used when the weather gives none (ASHRAE Standard 140 case 600 value)."""

GLASS_REFRACTIVE_INDEX = 1.526
GLASS_EXTINCTION_PER_M = 4.0
GLASS_THICKNESS_M = 0.002
"""Pane properties of pvlib ``iam.physical`` defaults (De Soto et al. 2006)."""

CSV_TEMP_COLUMN = "temp_air_c"
CSV_SOLAR_COLUMNS = ("ghi_w_per_m2", "dni_w_per_m2", "dhi_w_per_m2")


@dataclass(frozen=True)
class Weather:
    """Hourly weather: outdoor air temperature and optionally sun and sky.

    ``times`` (tz-aware, start of each hour), ``latitude``/``longitude`` (degrees) and the
    three irradiance components (W/m²) are needed for solar gains; without them the sun is
    ignored. ``sky_temp_depression_k`` is outdoor air minus apparent sky temperature.
    ``before``: the weather of the hours before the first record (at most
    :data:`PRE_HISTORY_H`), under which the heating was still on; None: unknown.
    """

    temp_air_c: np.ndarray
    source: str
    times: pd.DatetimeIndex | None = None
    ghi_w_per_m2: np.ndarray | None = None
    dni_w_per_m2: np.ndarray | None = None
    dhi_w_per_m2: np.ndarray | None = None
    sky_temp_depression_k: np.ndarray | None = None
    latitude: float | None = None
    longitude: float | None = None
    altitude_m: float = 0.0
    wind_speed_m_per_s: np.ndarray | None = None
    before: Weather | None = None

    @property
    def hours(self) -> int:
        """Number of hourly records."""
        return int(self.temp_air_c.shape[0])

    @property
    def has_sun(self) -> bool:
        """True when solar gains can be computed."""
        return (
            self.times is not None
            and self.ghi_w_per_m2 is not None
            and self.latitude is not None
            and self.longitude is not None
        )

    def window(self, start_hour: int, hours: int) -> Weather:
        """The records ``start_hour .. start_hour + hours`` (wrapping round the end), with
        the records before them as ``before`` (:meth:`history`)."""
        if not 0 <= start_hour < self.hours:
            raise InputError("start_hour", f"expected 0 to {self.hours - 1}, got {start_hour}")
        return replace(self._take(start_hour, hours), before=self.history(start_hour))

    def history(self, start_hour: int) -> Weather | None:
        """The weather of the :data:`PRE_HISTORY_H` hours before record ``start_hour``: the
        records before it, wrapping round the end of a whole year (a typical year's last
        days lead into its first); in a shorter series, ``before`` at record 0, else the
        records before (fewer where it starts earlier than that); None where nothing is
        known."""
        if self.hours >= YEAR_H:
            return self._take((start_hour - PRE_HISTORY_H) % self.hours, PRE_HISTORY_H)
        if start_hour == 0:
            return self.before
        first = max(start_hour - PRE_HISTORY_H, 0)
        return self._take(first, start_hour - first)

    def _take(self, start_hour: int, hours: int) -> Weather:
        index = (start_hour + np.arange(hours)) % self.hours

        def take(values: np.ndarray | None) -> np.ndarray | None:
            return None if values is None else values[index]

        times = None
        if self.times is not None:
            times = self.times[start_hour] + pd.to_timedelta(np.arange(hours), unit="h")
        return replace(
            self,
            temp_air_c=self.temp_air_c[index],
            times=times,
            ghi_w_per_m2=take(self.ghi_w_per_m2),
            dni_w_per_m2=take(self.dni_w_per_m2),
            dhi_w_per_m2=take(self.dhi_w_per_m2),
            sky_temp_depression_k=take(self.sky_temp_depression_k),
            wind_speed_m_per_s=take(self.wind_speed_m_per_s),
            before=None,
        )


PRE_HISTORY_H = 72
"""Hours of weather before the outage under which the flats are stepped with their heating
on (:mod:`warmgrid.thermal.history`): three days, EnergyPlus' heated days before the heating
stops in the reference runs (:data:`warmgrid.thermal.energyplus_run.HEATED_DAYS`). The
deep mass of a 0.64 m brick wall answers over days; three days carry most of the charge
the weather before the outage leaves in it."""

YEAR_H = 8760
"""Hourly records of a typical (non-leap) year, as in EPW files."""


def constant_weather(temp_air_c: float, hours: int) -> Weather:
    """A constant outdoor temperature, no sun."""
    if not np.isfinite(temp_air_c) or not -90.0 < temp_air_c < 60.0:
        raise InputError(
            "outdoor_temp_c",
            f"expected a temperature between -90 and 60 °C, got {temp_air_c!r}",
        )
    return Weather(
        temp_air_c=np.full(hours, float(temp_air_c)),
        source="constant",
        wind_speed_m_per_s=np.zeros(hours),
    )


def read_epw(path: str | Path) -> Weather:
    """Read an EnergyPlus weather (EPW) file with :func:`pvlib.iotools.read_epw`.

    EPW dry-bulb temperatures are instantaneous at the end of each hour; the hour mean is
    taken as the average of the two ends. Wind speed (m/s) is kept when every record has
    one (999: missing). The apparent sky temperature follows from the
    horizontal infrared radiation, ``T_sky = (IR / σ)^(1/4)``.
    """
    try:
        data, meta = pvlib.iotools.read_epw(str(path))
    except FileNotFoundError:
        raise InputError(str(path), "weather file not found") from None
    except (KeyError, IndexError):
        raise InputError(
            f"{path}, line 1",
            "not an EPW weather file: expected the header LOCATION,city,state,country,"
            "source,WMO,latitude,longitude,time zone,elevation",
        ) from None
    except Exception as error:
        raise InputError(str(path), f"not a readable EPW weather file ({error})") from None
    if len(data) < 24:
        raise InputError(str(path), f"expected hourly records, found {len(data)}")
    ends = data["temp_air"].to_numpy(dtype=np.float64)
    if not np.all(np.isfinite(ends)) or np.any(np.abs(ends) > 90):
        bad = int(np.flatnonzero(~(np.abs(ends) <= 90))[0])
        raise InputError(f"{path}, data row {bad + 1}", "dry-bulb temperature missing")
    temp = 0.5 * (ends + np.roll(ends, 1))
    infrared = data["ghi_infrared"].to_numpy(dtype=np.float64)
    sky_temp_c = (np.clip(infrared, 1.0, None) / STEFAN_BOLTZMANN) ** 0.25 - 273.15
    depression = np.where(infrared > 0, temp - sky_temp_c, 11.0)
    wind = data["wind_speed"].to_numpy(dtype=np.float64)
    return Weather(
        wind_speed_m_per_s=wind if np.all((wind >= 0) & (wind < 999)) else None,
        temp_air_c=temp,
        source=str(path),
        times=pd.DatetimeIndex(data.index),
        ghi_w_per_m2=data["ghi"].to_numpy(dtype=np.float64),
        dni_w_per_m2=data["dni"].to_numpy(dtype=np.float64),
        dhi_w_per_m2=data["dhi"].to_numpy(dtype=np.float64),
        sky_temp_depression_k=depression,
        latitude=float(meta["latitude"]),
        longitude=float(meta["longitude"]),
        altitude_m=float(meta["altitude"]),
    )


WEEK_H = 168


def coldest_window(weather: Weather, hours: int = WEEK_H) -> Weather:
    """The ``hours`` consecutive records (default a week, 168 h) with the lowest mean
    outdoor air temperature, wrapping round the end of the file (a typical year's first
    and last weeks are both winter); the earliest start wins a tie."""
    if not 0 < hours <= weather.hours:
        raise InputError(weather.source, f"has {weather.hours} hourly records, fewer than {hours}")
    temps = weather.temp_air_c.astype(np.float64)
    wrapped = np.concatenate([temps, temps[: hours - 1]])
    sums = np.convolve(wrapped, np.ones(hours), mode="valid")[: weather.hours]
    start = int(np.argmin(np.round(sums, 9)))
    return weather.window(start, hours)


def _csv_number(path: str | Path, line: int, column: str, text: str | None) -> float:
    try:
        value = float(text) if text is not None else float("nan")
    except ValueError:
        value = float("nan")
    if not np.isfinite(value):
        raise InputError(
            f"{path}, line {line}, column {column}", f"expected a number, got {text!r}"
        )
    return value


MAX_IRRADIANCE_W_PER_M2 = 1400.0
"""Upper bound of a measured or forecast irradiance component, W/m²: above the solar
constant, 1,361 W/m² (Kopp and Lean 2011, Geophysical Research Letters 38, L01706), with
room for cloud-edge enhancement of the global horizontal irradiance."""


def _csv_irradiance(path: str | Path, line: int, column: str, text: str | None) -> float:
    value = _csv_number(path, line, column, text)
    if not 0.0 <= value <= MAX_IRRADIANCE_W_PER_M2:
        raise InputError(
            f"{path}, line {line}, column {column}",
            f"expected an irradiance from 0 to {MAX_IRRADIANCE_W_PER_M2:g} W/m², got {text!r}",
        )
    return value


def _csv_times(path: str | Path, rows: list[dict[str, str]]) -> pd.DatetimeIndex:
    """The ``time`` column: ISO 8601 with a UTC offset, one row per hour in order."""
    times: list[pd.Timestamp] = []
    for i, row in enumerate(rows):
        where = f"{path}, line {i + 2}, column time"
        try:
            stamp = pd.Timestamp(row["time"])
        except (ValueError, TypeError):
            stamp = None
        if stamp is None or pd.isna(stamp) or stamp.tzinfo is None:
            raise InputError(
                where, f"expected an ISO 8601 time with a UTC offset, got {row['time']!r}"
            )
        if times and stamp - times[-1] != pd.Timedelta(hours=1):
            raise InputError(
                where, f"expected the hour after {times[-1].isoformat()}, got {row['time']!r}"
            )
        times.append(stamp)
    return pd.DatetimeIndex(pd.to_datetime(times, utc=True))


def _no_blank_rows(path: str | Path, text: str) -> None:
    """An empty line between rows of ``text`` (the file at ``path``) would drop an hour and
    shift the ones after it."""
    lines = text.splitlines()
    last = max((i for i, line in enumerate(lines) if line.strip()), default=-1)
    for i, line in enumerate(lines[:last]):
        if not line.strip():
            raise InputError(f"{path}, line {i + 1}", "empty row; expected one row per hour")


def read_weather_csv(
    path: str | Path, latitude: float | None = None, longitude: float | None = None
) -> Weather:
    """Read an hourly forecast CSV: one row per hour, column ``temp_air_c`` (°C).

    Optional columns: ``time`` (ISO 8601 with UTC offset, start of the hour, each row the
    hour after the one before) and ``ghi_w_per_m2``, ``dni_w_per_m2``, ``dhi_w_per_m2``
    (0 to :data:`MAX_IRRADIANCE_W_PER_M2`); with them and a location the sun is taken into
    account. An empty row between rows, a time that is not the next hour or a value out of
    range is an :class:`~warmgrid.errors.InputError` naming the line and column.
    """
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            text = handle.read()
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        _no_blank_rows(path, text)
    except FileNotFoundError:
        raise InputError(str(path), "weather file not found") from None
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise InputError(str(path), f"not a readable CSV file ({error})") from None
    if not rows or CSV_TEMP_COLUMN not in rows[0]:
        raise InputError(str(path), f"expected a header with a column {CSV_TEMP_COLUMN!r}")
    temp = np.array(
        [_csv_number(path, i + 2, CSV_TEMP_COLUMN, r[CSV_TEMP_COLUMN]) for i, r in enumerate(rows)]
    )
    if np.any(np.abs(temp) > 90):
        bad = int(np.flatnonzero(np.abs(temp) > 90)[0])
        raise InputError(f"{path}, line {bad + 2}, column {CSV_TEMP_COLUMN}", "not a temperature")
    weather = Weather(temp_air_c=temp, source=str(path))
    times = _csv_times(path, rows) if "time" in rows[0] else None
    if times is not None and all(c in rows[0] for c in CSV_SOLAR_COLUMNS):
        solar = {
            c: np.array([_csv_irradiance(path, i + 2, c, r[c]) for i, r in enumerate(rows)])
            for c in CSV_SOLAR_COLUMNS
        }
        weather = replace(
            weather,
            times=times,
            ghi_w_per_m2=solar["ghi_w_per_m2"],
            dni_w_per_m2=solar["dni_w_per_m2"],
            dhi_w_per_m2=solar["dhi_w_per_m2"],
            latitude=latitude,
            longitude=longitude,
        )
    return weather


def read_weather(
    path: str | Path, latitude: float | None = None, longitude: float | None = None
) -> Weather:
    """Read a weather file by its extension: ``.epw`` or ``.csv``."""
    suffix = Path(path).suffix.lower()
    if suffix == ".epw":
        return read_epw(path)
    if suffix == ".csv":
        return read_weather_csv(path, latitude, longitude)
    raise InputError(str(path), "expected an .epw or .csv weather file")


def _diffuse_transmittance(tilt_deg: float, panes: int) -> tuple[float, float]:
    """Hemispherical mean of the relative pane transmittance for sky and ground light."""

    def relative(aoi: np.ndarray) -> np.ndarray:
        single = pvlib.iam.physical(
            aoi, n=GLASS_REFRACTIVE_INDEX, K=GLASS_EXTINCTION_PER_M, L=GLASS_THICKNESS_M
        )
        return np.asarray(single, dtype=np.float64) ** panes

    sky = pvlib.iam.marion_integrate(relative, tilt_deg, "sky")
    ground = pvlib.iam.marion_integrate(relative, tilt_deg, "ground")
    return float(sky), float(ground)


def channel_irradiance(weather: Weather, channels: tuple[SolarChannel, ...]) -> np.ndarray:
    """Irradiance per solar channel and hour, W/m², shape ``(len(channels), hours)``.

    Opaque channels: total irradiance on the plane (Perez 1990 sky model). Window channels:
    the same, each component weighted by the glazing's transmittance at its angle relative
    to normal incidence, so that multiplied by ``g · A`` it gives the solar heat gain.
    Zeros when the weather has no sun.
    """
    out = np.zeros((len(channels), weather.hours))
    if not channels or not weather.has_sun:
        return out
    assert weather.times is not None and weather.latitude is not None
    assert weather.longitude is not None
    middle = weather.times + pd.Timedelta(minutes=30)
    position = pvlib.solarposition.get_solarposition(
        middle, weather.latitude, weather.longitude, altitude=weather.altitude_m
    )
    zenith = position["apparent_zenith"].to_numpy()
    azimuth = position["azimuth"].to_numpy()
    dni_extra = pvlib.irradiance.get_extra_radiation(middle).to_numpy()
    airmass = pvlib.atmosphere.get_relative_airmass(zenith)
    ghi = weather.ghi_w_per_m2
    dni = weather.dni_w_per_m2
    dhi = weather.dhi_w_per_m2
    for row, channel in enumerate(channels):
        total = np.zeros(weather.hours)
        for surface_azimuth in channel.azimuths_deg:
            parts = pvlib.irradiance.get_total_irradiance(
                channel.tilt_deg,
                surface_azimuth,
                zenith,
                azimuth,
                dni,
                ghi,
                dhi,
                dni_extra=dni_extra,
                airmass=airmass,
                albedo=GROUND_REFLECTANCE,
                model="perez",
            )
            if channel.kind == "opaque":
                total += np.nan_to_num(np.asarray(parts["poa_global"], dtype=np.float64))
                continue
            aoi = pvlib.irradiance.aoi(channel.tilt_deg, surface_azimuth, zenith, azimuth)
            beam_factor = (
                np.asarray(
                    pvlib.iam.physical(
                        aoi,
                        n=GLASS_REFRACTIVE_INDEX,
                        K=GLASS_EXTINCTION_PER_M,
                        L=GLASS_THICKNESS_M,
                    ),
                    dtype=np.float64,
                )
                ** channel.panes
            )
            sky_factor, ground_factor = _diffuse_transmittance(channel.tilt_deg, channel.panes)
            total += (
                np.nan_to_num(np.asarray(parts["poa_direct"], dtype=np.float64)) * beam_factor
                + np.nan_to_num(np.asarray(parts["poa_sky_diffuse"], dtype=np.float64)) * sky_factor
                + np.nan_to_num(np.asarray(parts["poa_ground_diffuse"], dtype=np.float64))
                * ground_factor
            )
        out[row] = total / len(channel.azimuths_deg)
    return np.clip(out, 0.0, None)


def sky_depression(weather: Weather) -> np.ndarray | float:
    """Outdoor air minus sky temperature per hour, or the ISO 13790 11.4.6 default 11 K."""
    if weather.sky_temp_depression_k is None:
        return 11.0
    return weather.sky_temp_depression_k
