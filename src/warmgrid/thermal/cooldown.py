"""Indoor temperature of many buildings after their heating stops.

:func:`simulate_cooldown` steps the 5R1C model of :mod:`warmgrid.thermal.rc` for all
buildings at once. Within a step the outdoor temperature and the gains are held; the mass
node then relaxes exactly (``θ_m ← a θ_m + (1 − a)(θ_e + g)``, ``a = exp(−K Δt / C_m)``), so
the scheme is stable and exact for constant weather at any step length. The work is done in
blocks of buildings whose coefficients stay in the processor cache; per step and block, one
vector-matrix product turns the shared inputs (outdoor temperature, irradiance per channel,
sky) into each building's drive and air offset, and four vector operations update the mass
and write the air temperatures, in single precision (rounding stays below 1e-3 K).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from warmgrid.errors import InputError
from warmgrid.thermal.rc import BuildingParams, heated_mass_temp_c, relaxation_coefficients

DEFAULT_THRESHOLDS_C = (18.0, 12.0, 5.0, 0.0)
"""18 °C: lowest comfortable indoor temperature for healthy adults (WHO Housing and health
guidelines, 2018, recommendation 3.1); 12 °C: below it health risks rise sharply (WHO
Regional Office for Europe, Housing, energy and thermal comfort, 2007); 5 °C and 0 °C:
water in radiators and risers approaches freezing."""

GROUP_STEPS = 8
"""Instants per group of the running minimum that locates first crossings."""

SKY_TEMP_DEPRESSION_K = 11.0
"""Mean difference between outdoor air and apparent sky temperature, ISO 13790:2008 11.4.6."""

Report = Literal["end", "mean"]


@dataclass(frozen=True)
class CooldownResult:
    """Indoor air temperatures of ``n`` buildings over ``n_steps`` steps.

    ``air_temp_c[i, j]`` is building ``i`` at time ``time_h[j]`` (``j = 0`` is the moment the
    heating stops) when ``report == "end"``; with ``report == "mean"`` column ``j ≥ 1``
    holds the mean over step ``j`` (as the hourly values of ASHRAE Standard 140).
    ``final_mass_temp_c`` is the mass node at the end, to continue a simulation.
    ``hours_to`` holds, when the simulation was asked for them, the hours until each
    building first falls below each threshold (°C → hours, see :func:`hours_to_threshold`).
    """

    time_h: np.ndarray
    air_temp_c: np.ndarray
    step_h: float
    report: Report = "end"
    final_mass_temp_c: np.ndarray | None = None
    hours_to: dict[float, np.ndarray] | None = None

    @property
    def n_buildings(self) -> int:
        """Number of buildings (rows of ``air_temp_c``)."""
        return int(self.air_temp_c.shape[0])


def to_steps(
    series: np.ndarray | float,
    step_h: float,
    n_steps: int,
    name: str,
    hold: bool = False,
) -> np.ndarray:
    """Values per step from a scalar, a per-step series or an hourly series.

    A series of exactly ``n_steps`` values is taken as one per step. Otherwise it is hourly
    (value ``i`` is the mean of hour ``i``, from ``i`` to ``i + 1`` h) and must cover the
    horizon: it is interpolated linearly between the middles of the hours to the middle of
    each step, or with ``hold`` each step takes the value of the hour it starts in (for
    irradiance, whose hourly sums have no meaningful shape within the hour).
    """
    values = np.asarray(series, dtype=np.float64)
    if values.ndim == 0:
        return np.full(n_steps, float(values))
    if values.ndim != 1:
        raise InputError(name, f"expected a one-dimensional series, got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        bad = int(np.flatnonzero(~np.isfinite(values))[0])
        raise InputError(f"{name}[{bad}]", "expected a finite number")
    if values.shape[0] == n_steps:
        return values.copy()
    hours = n_steps * step_h
    if values.shape[0] < int(np.ceil(hours)):
        raise InputError(
            name,
            f"expected {n_steps} values (one per step) or hourly values covering {hours:g} h, "
            f"got {values.shape[0]}",
        )
    if hold:
        index = np.minimum(np.floor(np.arange(n_steps) * step_h).astype(int), len(values) - 1)
        return values[index]
    mid_h = (np.arange(n_steps) + 0.5) * step_h
    return np.interp(mid_h, np.arange(values.shape[0], dtype=np.float64) + 0.5, values)


def _features(
    params: BuildingParams,
    outdoor_temp_c: np.ndarray | float,
    step_h: float,
    n_steps: int,
    solar_irradiance_w_per_m2: np.ndarray | None,
    sky_temp_depression_k: np.ndarray | float,
) -> np.ndarray:
    """Inputs shared by all buildings, one row per step: ``[θ_e, 1, I_1..I_k, Δθ_sky]``."""
    k = len(params.solar_channels)
    features = np.empty((n_steps, k + 3))
    features[:, 0] = to_steps(outdoor_temp_c, step_h, n_steps, "outdoor_temp_c")
    features[:, 1] = 1.0
    if k:
        if solar_irradiance_w_per_m2 is None:
            features[:, 2 : 2 + k] = 0.0
        else:
            irradiance = np.asarray(solar_irradiance_w_per_m2, dtype=np.float64)
            if irradiance.ndim != 2 or irradiance.shape[0] != k:
                raise InputError(
                    "solar_irradiance_w_per_m2",
                    f"expected {k} rows (one per solar channel), got shape {irradiance.shape}",
                )
            for j in range(k):
                features[:, 2 + j] = to_steps(
                    irradiance[j], step_h, n_steps, "solar_irradiance_w_per_m2", hold=True
                )
    features[:, k + 2] = to_steps(
        sky_temp_depression_k, step_h, n_steps, "sky_temp_depression_k", hold=True
    )
    return features


def steps_of(step_h: float, hours: float) -> int:
    """Number of steps of length ``step_h`` in ``hours`` (both checked)."""
    if not (np.isfinite(step_h) and step_h > 0):
        raise InputError("step_h", f"expected a positive number of hours, got {step_h!r}")
    if not (np.isfinite(hours) and hours >= step_h):
        raise InputError("hours", f"expected at least one step ({step_h} h), got {hours!r}")
    return round(hours / step_h)


def simulate_cooldown(
    params: BuildingParams,
    outdoor_temp_c: np.ndarray | float,
    step_h: float = 0.25,
    hours: float = 72.0,
    start_temp_c: float | np.ndarray = 20.0,
    solar_irradiance_w_per_m2: np.ndarray | None = None,
    sky_temp_depression_k: np.ndarray | float = SKY_TEMP_DEPRESSION_K,
    heated_start: bool = True,
    initial_mass_temp_c: np.ndarray | None = None,
    heating_radiative_fraction: float = 0.0,
    report: Report = "end",
    block_size: int = 16384,
    thresholds_c: Sequence[float] | None = None,
) -> CooldownResult:
    """Simulate the indoor air temperature of all buildings with the heating off.

    Parameters
    ----------
    params:
        5R1C parameters of ``n`` buildings.
    outdoor_temp_c:
        Outdoor air temperature, °C: a constant, one value per step, or hourly means
        (value ``i`` for hour ``i``) covering ``hours`` (see :func:`to_steps`).
    step_h, hours:
        Step length and horizon, hours; ``hours / step_h`` steps are simulated.
    start_temp_c:
        Heating set-point before the outage, °C (scalar or per building).
    solar_irradiance_w_per_m2:
        Shape ``(k, steps or hours)``, one row per ``params.solar_channels`` entry, W/m²
        (see :mod:`warmgrid.thermal.weather`). ``None``: no sun.
    sky_temp_depression_k:
        Outdoor air minus apparent sky temperature, K (default ISO 13790 11.4.6).
    heated_start:
        Start from the heated steady state at ``start_temp_c`` under the first step's
        weather; otherwise every node starts at ``start_temp_c`` (or the mass at
        ``initial_mass_temp_c`` when given).
    heating_radiative_fraction:
        Share of the heating given by radiation in that start state (0: at the air node,
        ISO 13790 C.4; see :func:`~warmgrid.thermal.rc.heated_mass_temp_c`).
    report:
        ``"end"``: temperatures at the step boundaries; ``"mean"``: step means.
    block_size:
        Buildings simulated together; a block's trajectory stays in the processor cache
        while its threshold crossings are found.
    thresholds_c:
        Thresholds, °C, whose first crossings are found block by block during the
        simulation (``result.hours_to``, the values of :func:`hours_to_threshold`), without
        a second pass over all trajectories.

    Returns
    -------
    CooldownResult with ``air_temp_c`` of shape ``(n, steps + 1)`` as float32 (a transposed
    view of a time-major array: each step's values for all buildings are contiguous).
    """
    n_steps = steps_of(step_h, hours)
    if report not in ("end", "mean"):
        raise InputError("report", f"expected 'end' or 'mean', got {report!r}")
    n = len(params)
    features = _features(
        params, outdoor_temp_c, step_h, n_steps, solar_irradiance_w_per_m2, sky_temp_depression_k
    )
    k = len(params.solar_channels)
    coeffs = relaxation_coefficients(params)
    ratio = coeffs.k_w_per_k * step_h * 3600.0 / params.c_m_j_per_k
    decay32 = np.exp(-ratio).astype(np.float32)
    # the drive uses 1 − a of the single-precision a, so that the fixed point of
    # x ← a x + (1 − a) u is u exactly even when a is close to 1
    one_minus = np.where(decay32 < 1.0, 1.0 - decay32.astype(np.float64), -np.expm1(-ratio))
    mean_weight = -np.expm1(-ratio) / ratio
    mean_drive = (1.0 - mean_weight) / one_minus

    phi_int = params.internal_gains_w
    frac = params.radiative_fraction
    convective = (1.0 - frac) * phi_int
    # coefficient rows: θ_e, 1, I_1..I_k, Δθ_sky
    drive_rows = np.empty((k + 3, n))
    drive_rows[0] = one_minus
    drive_rows[1] = one_minus * (coeffs.w_ia * convective + coeffs.w_rs * frac * phi_int)
    drive_rows[2 : 2 + k] = (one_minus * coeffs.w_rs)[None, :] * params.solar_aperture_m2.T
    drive_rows[k + 2] = -one_minus * coeffs.w_rs * params.sky_loss_w_per_k
    offset_rows = np.empty((k + 3, n))
    offset_rows[0] = 1.0 - coeffs.p
    offset_rows[1] = coeffs.v_ia * convective + coeffs.v_rs * frac * phi_int
    offset_rows[2 : 2 + k] = coeffs.v_rs[None, :] * params.solar_aperture_m2.T
    offset_rows[k + 2] = -coeffs.v_rs * params.sky_loss_w_per_k

    radiant0 = (
        frac * phi_int
        + params.solar_aperture_m2 @ features[0, 2 : 2 + k]
        - params.sky_loss_w_per_k * features[0, k + 2]
    )
    start = np.broadcast_to(np.asarray(start_temp_c, dtype=np.float64), (n,))
    if heated_start:
        mass0, air0 = heated_mass_temp_c(
            params,
            start,
            features[0, 0],
            convective,
            radiant0,
            heating_radiative_fraction,
            coeffs=coeffs,
        )
    else:
        mass0 = (
            start
            if initial_mass_temp_c is None
            else np.broadcast_to(np.asarray(initial_mass_temp_c, dtype=np.float64), (n,))
        )
        air0 = (
            features[0, 0]
            + coeffs.p * (mass0 - features[0, 0])
            + coeffs.v_ia * convective
            + coeffs.v_rs * radiant0
        )

    features32 = features.astype(np.float32)
    drive32 = drive_rows.astype(np.float32)
    offset32 = offset_rows.astype(np.float32)
    p32 = coeffs.p.astype(np.float32)
    mean_weight32 = mean_weight.astype(np.float32)
    mean_drive32 = mean_drive.astype(np.float32)
    time_major = np.empty((n_steps + 1, n), dtype=np.float32)
    time_major[0] = air0
    final_mass = np.empty(n)
    wanted = None if thresholds_c is None else [float(t) for t in thresholds_c]
    hours_to = None if wanted is None else {t: np.empty(n) for t in wanted}
    time_h = np.arange(n_steps + 1, dtype=np.float64) * step_h
    for lo in range(0, n, block_size):
        hi = min(lo + block_size, n)
        width = hi - lo
        coef = np.concatenate((drive32[:, lo:hi], offset32[:, lo:hi]), axis=1)
        both = np.empty(2 * width, dtype=np.float32)
        drive = both[:width]
        offset = both[width:]
        x = mass0[lo:hi].astype(np.float32)
        a = decay32[lo:hi]
        p = p32[lo:hi]
        b = mean_weight32[lo:hi]
        w = mean_drive32[lo:hi]
        mean = np.empty_like(x)
        if hours_to is not None:
            # minimum of each group of GROUP_STEPS instants, taken while each row is hot
            group_min = np.empty(((n_steps + GROUP_STEPS) // GROUP_STEPS, width), np.float32)
            group_min[0] = time_major[0, lo:hi]
        for t in range(n_steps):
            np.matmul(features32[t], coef, out=both)
            row = time_major[t + 1, lo:hi]
            if report == "mean":
                np.multiply(b, x, out=mean)
                mean += w * drive
                np.multiply(p, mean, out=row)
            x *= a
            x += drive
            if report == "end":
                np.multiply(p, x, out=row)
            row += offset
            if hours_to is not None:
                group, within = divmod(t + 1, GROUP_STEPS)
                if within:
                    np.minimum(group_min[group], row, out=group_min[group])
                else:
                    group_min[group] = row
        final_mass[lo:hi] = x
        if hours_to is not None:
            found = _block_crossings(
                time_major, lo, hi, time_h, step_h, list(hours_to), GROUP_STEPS, group_min
            )
            for threshold, values in found.items():
                hours_to[threshold][lo:hi] = values
    return CooldownResult(
        time_h=time_h,
        air_temp_c=time_major.T,
        step_h=float(step_h),
        report=report,
        final_mass_temp_c=final_mass,
        hours_to=hours_to,
    )


def _float32_above(threshold: float) -> np.float32:
    """The smallest float32 not below ``threshold``: for float32 ``v``,
    ``v < threshold`` exactly when ``v < _float32_above(threshold)``."""
    value = np.float32(threshold)
    if float(value) < threshold:
        value = np.nextafter(value, np.float32(np.inf))
    return value


def _block_crossings(
    time_major: np.ndarray,
    lo: int,
    hi: int,
    time_h: np.ndarray,
    step_h: float,
    thresholds_c: Sequence[float],
    group_steps: int,
    group_min: np.ndarray | None = None,
) -> dict[float, np.ndarray]:
    """First crossings (see :func:`hours_to_threshold`) of buildings ``lo:hi`` of a
    C-contiguous ``time_major[j, i]`` (building ``i`` at ``time_h[j]``). ``group_min``:
    the minimum of each group of ``group_steps`` instants when the caller has it (it is
    overwritten)."""
    n_times, n = time_major.shape
    flat = time_major.reshape(-1)
    if group_min is None:
        block = time_major[:, lo:hi]
        running = block[::group_steps].copy()
        for step in range(1, group_steps):
            part = block[step::group_steps]
            np.minimum(running[: part.shape[0]], part, out=running[: part.shape[0]])
    else:
        running = group_min
    for group in range(1, running.shape[0]):
        np.minimum(running[group - 1], running[group], out=running[group])
    starts = np.arange(0, n_times, group_steps)
    offsets = np.arange(group_steps)
    out = {}
    for threshold in thresholds_c:
        hours = np.full(hi - lo, np.nan)
        out[float(threshold)] = hours
        limit = _float32_above(threshold)
        group = np.count_nonzero(running >= limit, axis=0)
        cols = np.flatnonzero(group < starts.size)
        if cols.size == 0:
            continue
        rows = np.minimum(starts[group[cols]][None, :] + offsets[:, None], n_times - 1)
        columns = lo + cols
        window = flat.take(rows * n + columns[None, :])
        index = rows[np.argmax(window < limit, axis=0), np.arange(cols.size)]
        found = time_h[index].copy()
        later = index > 0
        spot = index[later] * n + columns[later]
        before = flat.take(spot - n).astype(np.float64)
        after = flat.take(spot).astype(np.float64)
        found[later] = time_h[index[later] - 1] + (before - threshold) / (before - after) * step_h
        hours[cols] = found
    return out


def hours_to_threshold(
    result: CooldownResult,
    thresholds_c: Sequence[float] = DEFAULT_THRESHOLDS_C,
    block_size: int = 65536,
    group_steps: int = 8,
) -> dict[float, np.ndarray]:
    """Hours until each building's air first falls below each threshold.

    Linear between the reported instants; 0 when it starts below; NaN when it stays at or
    above the threshold within the horizon. The first crossing is located on the running
    minimum of groups of ``group_steps`` instants (monotone, so a count finds the group),
    then within the group. When the simulation already found the crossings of these
    thresholds (``simulate_cooldown(..., thresholds_c=...)``), they are returned (as copies).
    """
    wanted = [float(t) for t in thresholds_c]
    if result.hours_to is not None and all(t in result.hours_to for t in wanted):
        return {t: result.hours_to[t].copy() for t in wanted}
    time_major = np.ascontiguousarray(result.air_temp_c.T)
    n = result.n_buildings
    out = {t: np.full(n, np.nan) for t in wanted}
    for lo in range(0, n, block_size):
        hi = min(lo + block_size, n)
        found = _block_crossings(
            time_major, lo, hi, result.time_h, result.step_h, wanted, group_steps
        )
        for t in wanted:
            out[t][lo:hi] = found[t]
    return out


def trace_hours_to(
    time_h: np.ndarray, air_temp_c: np.ndarray, thresholds_c: Sequence[float]
) -> dict[float, float]:
    """Hours until one air trace first falls below each threshold (nan: not within it), by
    :func:`hours_to_threshold`: ``air_temp_c`` in °C at ``time_h`` (h, even steps from 0),
    as an EnergyPlus or finite-difference run gives it."""
    result = CooldownResult(
        time_h=time_h,
        air_temp_c=np.asarray(air_temp_c)[None, :].astype(np.float32),
        step_h=float(time_h[1]),
    )
    return {t: float(v[0]) for t, v in hours_to_threshold(result, thresholds_c).items()}


def hours_below(
    result: CooldownResult,
    thresholds_c: Sequence[float] = DEFAULT_THRESHOLDS_C,
    block_size: int = 16384,
) -> dict[float, np.ndarray]:
    """Hours each building spends below each threshold within the horizon.

    The temperature is taken as linear between the reported instants.
    """
    time_major = result.air_temp_c.T
    out = {float(t): np.zeros(result.n_buildings) for t in thresholds_c}
    for lo in range(0, result.n_buildings, block_size):
        temps = time_major[:, lo : lo + block_size].astype(np.float64)
        for threshold in out:
            fraction = _fraction_below(temps[:-1], temps[1:], threshold)
            out[threshold][lo : lo + block_size] = fraction.sum(axis=0) * result.step_h
    return out


def _fraction_below(first: np.ndarray, second: np.ndarray, threshold_c: float) -> np.ndarray:
    """Share of each step spent below ``threshold_c``, the air linear between its ends."""
    low = np.minimum(first, second)
    span = np.abs(second - first)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            span > 0,
            np.clip((threshold_c - low) / span, 0.0, 1.0),
            (low < threshold_c).astype(np.float64),
        )
