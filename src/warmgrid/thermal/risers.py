"""Freezing of the heating risers inside buildings: in the stairwell and in top-floor flats.

With the circulation stopped, the water standing in a riser cools towards the air around
it, with the time constant of the freeze-prevention method of the ASHRAE Handbook—
Fundamentals 2017, chapter 23 (as :mod:`warmgrid.thermal.pipes`):
``τ = ρ c_p (π d_i²/4) R'``, here for a bare steel riser with only its outer surface
resistance ``R' = 1 / (h π D_o)``. Within each step the air around it is held at the mean
of the step's end values, so ``T_w ← A + (T_w − A) e^{−Δt/τ}`` is exact for it.

* **Stairwell**: unheated once the heat is off; its air by the steady balance of an
  unconditioned space of EN ISO 13789:2017 (8.2, eq. for θ_u), written with the
  temperature adjustment factor ``b = H_ue / (H_iu + H_ue)``:
  ``θ_u = θ_e + (1 − b)(θ_i − θ_e)`` with ``b = 0.5``, the default of DIN V 4108-6:2003
  Table 3 for walls and ceilings to unheated spaces, and ``θ_i`` the air of the
  ground-floor inner flat beside the entrance (the stairwell's own heat capacity is left
  out: it errs towards earlier freezing).
* **Top floor**: a riser at the external corner of the top-floor corner flat (the ground
  corner flat of a one-storey building) in that flat's air.

A riser is DN 20 steel (inner 21.6 mm, outer 26.9 mm: EN 10255 medium series), bare, with
an outer surface coefficient of 10 W/(m²K), convection and radiation together for a small
pipe in still room air (ASHRAE Handbook—Fundamentals 2017, chapter 4, natural convection
about 4–5 plus radiation about 5 W/(m²K)).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from warmgrid.thermal.pipes import (
    FREEZING_POINT_C,
    WATER_DENSITY_KG_PER_M3,
    WATER_HEAT_CAPACITY_J_PER_KGK,
)

if TYPE_CHECKING:
    from warmgrid.thermal.flats import ClassResponse

RISER_INNER_DIAMETER_M = 0.0216
RISER_OUTER_DIAMETER_M = 0.0269
"""DN 20 medium-series steel tube, EN 10255:2004 Table 1."""

SURFACE_COEFFICIENT_W_PER_M2K = 10.0
"""Outer surface coefficient of a bare riser in room air (see module docstring)."""

STAIRWELL_ADJUSTMENT = 0.5
"""Temperature adjustment factor ``b`` of an unheated stairwell, DIN V 4108-6:2003 Table 3."""


def riser_time_constant_s() -> float:
    """``τ = ρ c_p π d_i²/4 · 1/(h π D_o)``, s (about 0.5 h)."""
    capacity = WATER_DENSITY_KG_PER_M3 * WATER_HEAT_CAPACITY_J_PER_KGK * np.pi
    capacity *= RISER_INNER_DIAMETER_M**2 / 4.0
    return capacity / (SURFACE_COEFFICIENT_W_PER_M2K * np.pi * RISER_OUTER_DIAMETER_M)


def water_temperature(
    ambient_c: np.ndarray, start_c: float, step_h: float, tau_s: float
) -> np.ndarray:
    """Water at the instants of ``ambient_c`` (last axis), starting at ``start_c``."""
    from scipy.signal import lfilter

    keep = np.exp(-step_h * 3600.0 / tau_s)
    held = 0.5 * (ambient_c[..., 1:] + ambient_c[..., :-1])
    out = np.empty_like(ambient_c)
    out[..., 0] = start_c
    initial = np.full((*held.shape[:-1], 1), keep * start_c)
    out[..., 1:], _ = lfilter([1.0 - keep], [1.0, -keep], held, axis=-1, zi=initial)
    return out


@dataclass
class RiserFreeze:
    """Hours until the water in a building's risers reaches 0 °C (NaN: not within the
    horizon): ``stairwell_h``, ``top_floor_h`` per building."""

    single: np.ndarray
    stairwell_h: np.ndarray
    top_floor_h: np.ndarray
    _single_top: np.ndarray = field(repr=False)

    @property
    def hours_to_0c(self) -> np.ndarray:
        """The earlier of the two per building."""
        both = np.stack([self.stairwell_h, self.top_floor_h])
        known = np.isfinite(both)
        out = np.full(both.shape[1], np.nan)
        any_known = known.any(axis=0)
        out[any_known] = np.where(known, both, np.inf)[:, any_known].min(axis=0)
        return out

    def add(
        self,
        position: str,
        rows: np.ndarray,
        cls: np.ndarray,
        alpha: np.ndarray,
        beta: np.ndarray,
        gains_w: np.ndarray,
        response: ClassResponse,
        water_temp_c: float,
    ) -> None:
        """Account the flats of ``position`` of buildings ``rows``: the air of building
        ``rows[i]``'s flat is ``alpha + q beta`` of row ``cls[i]`` (``(classes, instants)``),
        ``q`` its gains. ``position`` ``stairwell``: the air of the stairwell zone of
        :mod:`warmgrid.thermal.coupling` (``q``: each flat's gains)."""
        if position == "ground_inner":
            outdoor = np.append(response.outdoor_c, response.outdoor_c[-1])
            b = STAIRWELL_ADJUSTMENT
            ambient_alpha = outdoor + (1.0 - b) * (alpha - outdoor)
            ambient_beta = (1.0 - b) * beta
            target = self.stairwell_h
        elif position == "stairwell":  # the block's own stairwell zone (coupled flats)
            ambient_alpha, ambient_beta = alpha, beta
            target = self.stairwell_h
        elif position in ("top_corner", "ground_corner"):
            ambient_alpha, ambient_beta = alpha, beta
            target = self.top_floor_h if position == "top_corner" else self._single_top
        else:
            return
        target[rows] = _freeze_hours(
            ambient_alpha, ambient_beta, cls, gains_w, response.time_h, water_temp_c
        )

    def finish(self) -> RiserFreeze:
        """Top floor of one-storey buildings from their ground corner flats."""
        self.top_floor_h = np.where(self.single, self._single_top, self.top_floor_h)
        return self


def _freeze_hours(
    alpha: np.ndarray,
    beta: np.ndarray,
    cls: np.ndarray,
    gains_w: np.ndarray,
    time_h: np.ndarray,
    water_temp_c: float,
) -> np.ndarray:
    """Hours until a riser in air ``alpha + q beta`` (rows ``cls``, ``q``: ``gains_w``)
    reaches 0 °C."""
    from warmgrid.thermal.flats import first_below_many

    step_h = float(time_h[1] - time_h[0])
    tau = riser_time_constant_s()
    water_alpha = water_temperature(alpha, water_temp_c, step_h, tau)
    water_beta = np.maximum(water_temperature(beta, 0.0, step_h, tau), 0.0)
    return first_below_many(water_alpha, water_beta, cls, gains_w, FREEZING_POINT_C, time_h)


def riser_freeze_hours(single: np.ndarray) -> RiserFreeze:
    """An empty account for buildings with ``single`` (one storey) flags."""
    n = single.shape[0]
    return RiserFreeze(
        single=single,
        stairwell_h=np.full(n, np.nan),
        top_floor_h=np.full(n, np.nan),
        _single_top=np.full(n, np.nan),
    )
