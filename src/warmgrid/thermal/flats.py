"""Flats by position: the first homes to get cold, for every building of a city at once.

A residential block resolves into flats by floor (ground, middle, top) and by place on
the floor (corner: two façades; inner: one). Each position of each archetype is a flat
description (:func:`flat_table`) with the archetype's U-values, layered constructions
(:mod:`warmgrid.thermal.constructions`) and boundaries: façades, roof and the floor over the
basement are outdoor (the basement by the temperature adjustment factor ``b`` of
EN 12831-1, as the archetypes), slabs and walls shared with other flats and the stairwell
adiabatic (this flat's half of them, up to the plane of symmetry; in a coupled block the
slab is the floor of the flat above, :func:`~warmgrid.thermal.constructions.slab_sides`).
It runs in the network
engine of :mod:`warmgrid.thermal.network` (the air's capacity, deep mass of walls and slabs).

Flats of one position of one archetype differ only in their occupants (internal gains) —
the network is linear, so every such flat's air temperature is
``α(t) + q·β(t)``: ``α`` the class's response to the weather from the heated steady state
at the set-point, ``β`` its response to one watt of gains (both from the exact modal
recursion, computed once per class), ``q`` the flat's gains in W. The first step at which
``α + qβ < θ`` is the first step at which ``q`` is below the running maximum of
``(θ − α)/β`` (β ≥ 0: a positive system), found by binary search for every flat at once.
Where the gains alone keep a flat warmer than the set-point the unheated steady state is
the start, with its own ``α``, ``β``; both exactly as :func:`~warmgrid.thermal.network.
simulate_network` would step each flat.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from warmgrid.thermal.archetypes import (
    ARCHETYPE_CHANNELS,
    FRAME_FRACTION,
    OCCUPANT_SENSIBLE_GAIN_W,
    SLAB_THICKNESS_M,
    archetype_values,
)
from warmgrid.thermal.building_file import parse_building
from warmgrid.thermal.constructions import CONSTRUCTIONS, Build, half, layer_tables, slab_sides
from warmgrid.thermal.cooldown import DEFAULT_THRESHOLDS_C, _features, steps_of
from warmgrid.thermal.history import held_run, history_features
from warmgrid.thermal.network import NetworkParams, _matrices, modal, network_from_description
from warmgrid.thermal.weather import Weather, channel_irradiance, sky_depression

if TYPE_CHECKING:
    from warmgrid.thermal.coupling import Block

FLOORS = ("top", "ground", "middle")
POSITIONS = (
    "top_corner",
    "ground_corner",
    "top_inner",
    "ground_inner",
    "middle_corner",
    "middle_inner",
)
"""Flat positions, the ones that usually cool first first."""

CORNERS_PER_FLOOR = 4
"""A block's floor has four corner flats (two at each gable end) when it has four or more
flats; with fewer, every flat is a corner flat."""

FACADES_DEG = (0.0, 90.0, 180.0, 270.0)

FIELDS = (
    "storey_height_m",
    "depth_m",
    "window_to_wall_ratio",
    "u_wall_w_per_m2k",
    "u_window_w_per_m2k",
    "u_roof_w_per_m2k",
    "u_floor_w_per_m2k",
    "floor_adjustment",
    "thermal_bridge_w_per_m2k",
    "g_value",
    "air_changes_per_h",
)
"""Archetype fields that shape a flat (a class of flats shares them)."""


def flat_table(
    values: dict[str, float],
    archetype: str,
    floor: str,
    corner: bool,
    gains_w: float = 0.0,
    coupled_slabs: tuple[bool, bool] = (False, False),
) -> dict[str, Any]:
    """A building-file table (see :mod:`warmgrid.thermal.building_file`) of one flat.

    ``floor``: ``top``, ``ground``, ``middle`` or ``single`` (a one-storey building: ground
    and top at once). The flat spans half the block's depth (flats on both sides of the
    stair core); its façade width is its floor area over that depth; a corner flat also has
    the gable wall. Windows take the archetype's window-to-wall ratio; façades and windows
    are spread evenly over four orientations (as the archetypes). External elements get the
    archetype's U-value plus its thermal-bridge surcharge (DIN V 4108-6), the floor over the
    basement ``b·U_floor`` + surcharge (EN 12831-1 Table B.1 adjustment factor). Its
    slabs to the flats above and below: :func:`~warmgrid.thermal.constructions.slab_sides`,
    ``coupled_slabs`` (above, below): whether each is shared in a coupled block
    (:mod:`warmgrid.thermal.coupling`), else this flat holds half of it.
    """
    cons = CONSTRUCTIONS[archetype]
    area = cons.flat_area_m2
    storey = values["storey_height_m"]
    clear = max(storey - SLAB_THICKNESS_M, 1.0)
    depth = 0.5 * values["depth_m"]
    width = area / depth
    gross = (width + (depth if corner else 0.0)) * storey
    window = float(np.clip(values["window_to_wall_ratio"], 0.0, 0.95)) * gross
    bridge = values["thermal_bridge_w_per_m2k"]
    where = f"archetype {archetype}"
    wall = layer_tables(
        cons.wall, cons.fitted_wall, values["u_wall_w_per_m2k"] + bridge, "wall", where
    )
    surfaces: list[dict[str, Any]] = []
    for azimuth in FACADES_DEG:
        surfaces.append(
            {
                "kind": "wall",
                "area_m2": (gross - window) / 4,
                "azimuth_deg": azimuth,
                "layers": wall,
            }
        )
        if window > 0:
            surfaces.append(
                {
                    "kind": "window",
                    "area_m2": window / 4,
                    "azimuth_deg": azimuth,
                    "u_w_per_m2k": values["u_window_w_per_m2k"],
                    "g_value": values["g_value"],
                    "frame_fraction": FRAME_FRACTION,
                }
            )
    ceiling = slab_sides(cons.slab, coupled_slabs[0])[0]
    slab_floor = slab_sides(cons.slab, coupled_slabs[1])[1]
    if floor in ("top", "single"):
        u_roof = values["u_roof_w_per_m2k"] + bridge
        roof = layer_tables(cons.roof, cons.fitted_roof, u_roof, "roof", where)
        surfaces.append({"kind": "roof", "area_m2": area, "layers": roof})
    else:
        surfaces.append(_adiabatic("roof", area, ceiling))
    if floor in ("ground", "single"):
        u_floor = values["u_floor_w_per_m2k"] * values["floor_adjustment"] + bridge
        ground = layer_tables(cons.floor, cons.fitted_floor, u_floor, "floor", where)
        surfaces.append({"kind": "floor", "area_m2": area, "layers": ground})
    else:
        surfaces.append(_adiabatic("floor", area, slab_floor))
    party = (width + (1.0 if corner else 2.0) * depth) * clear
    surfaces.append(_adiabatic("wall", party, half(cons.party_wall)))
    return {
        "name": f"{archetype}, {floor} floor, {'corner' if corner else 'inner'} flat",
        "floor_area_m2": area,
        "volume_m3": area * clear,
        "air_changes_per_h": values["air_changes_per_h"],
        "internal_gains_w": gains_w,
        "surfaces": surfaces,
    }


def _adiabatic(kind: str, area_m2: float, build: Build) -> dict[str, Any]:
    """A surface shared with a neighbouring flat (this flat's half of it)."""
    layers = layer_tables(build)
    return {"kind": kind, "boundary": "adiabatic", "area_m2": area_m2, "layers": layers}


def position_floor(position: str, single: bool) -> tuple[str, bool]:
    """``(floor, corner)`` of :func:`flat_table` for a position of :data:`POSITIONS`; the
    ground floor of a one-storey building (``single``) is ``single``."""
    floor, _, place = position.partition("_")
    return ("single" if single and floor == "ground" else floor), place == "corner"


def flat_network(table: dict[str, Any]) -> NetworkParams:
    """The network of one flat table, its solar channels merged into the archetypes'
    (:data:`~warmgrid.thermal.archetypes.ARCHETYPE_CHANNELS`: the four façades have equal
    areas, so their sum over the averaged irradiance is exact)."""
    net = network_from_description(parse_building(table, str(table["name"])))
    base = net.base
    merge = np.zeros((len(base.solar_channels), len(ARCHETYPE_CHANNELS)))
    for j, channel in enumerate(base.solar_channels):
        merge[j, 0 if channel.kind == "window" else (1 if channel.tilt_deg > 45 else 2)] = 1.0
    drive = net.zone_drive_w
    if drive is not None:
        drive = np.concatenate([drive[..., :2], drive[..., 2:-1] @ merge, drive[..., -1:]], axis=-1)
    return replace(
        net,
        base=replace(
            base,
            solar_aperture_m2=base.solar_aperture_m2 @ merge,
            solar_channels=ARCHETYPE_CHANNELS,
        ),
        sun_links_m2=net.sun_links_m2 @ merge,
        zone_drive_w=drive,
    )


@functools.lru_cache(maxsize=4096)
def _class_network(
    archetype: str,
    floor: str,
    corner: bool,
    fields: tuple[tuple[str, float], ...],
    coupled: bool,
) -> NetworkParams:
    """The network of a class of flats (cached: cities share few classes)."""
    slabs = (coupled, coupled)
    return flat_network(flat_table(dict(fields), archetype, floor, corner, coupled_slabs=slabs))


def stack(nets: Sequence[NetworkParams]) -> NetworkParams:
    """One NetworkParams of many (same solar channels, no stack-and-wind infiltration)."""
    first = nets[0]
    base_fields: dict[str, Any] = {
        name: np.concatenate([getattr(n.base, name) for n in nets])
        for name in first.base.__dataclass_fields__
        if name != "solar_channels"
    }
    base = replace(first.base, **base_fields)
    fields = {
        name: np.concatenate([getattr(n, name) for n in nets])
        for name in NetworkParams.__dataclass_fields__
        if name != "base" and getattr(first, name) is not None
    }
    return NetworkParams(base=base, **fields)


@dataclass(frozen=True)
class ClassResponse:
    """Air temperature of the flats of each class as ``alpha + q·beta`` (shape
    ``(classes, steps + 1)``, °C and K/W) at ``time_h``: ``heated_*`` from the heated
    steady state, ``free_*`` from the unheated one, which applies where the gains ``q``
    exceed ``q_max_w`` (W)."""

    time_h: np.ndarray
    outdoor_c: np.ndarray
    heated_alpha: np.ndarray
    heated_beta: np.ndarray
    free_alpha: np.ndarray
    free_beta: np.ndarray
    q_max_w: np.ndarray


def class_response(
    net: NetworkParams,
    features: np.ndarray,
    step_h: float,
    set_point_c: float,
    history: np.ndarray | None = None,
) -> ClassResponse:
    """Responses of classes of flats (rows of ``net``, their gains ignored) to the shared
    inputs ``features`` (rows per step, see :func:`warmgrid.thermal.cooldown._features`).
    ``history``: the inputs of the weather before the outage, through which the heated
    start is stepped with the air held at the set point (:mod:`warmgrid.thermal.history`;
    the gains' response too, the system being linear); None: the heated steady state."""
    zero = replace(net, base=replace(net.base, internal_gains_w=np.zeros(len(net))))
    one = replace(net, base=replace(net.base, internal_gains_w=np.ones(len(net))))
    C, K, b_zero = _matrices(zero, heated=True)
    _, _, b_one = _matrices(one, heated=True)
    gains_drive = (b_one - b_zero)[:, :, 1]
    decay, to_states, to_modes, gamma_zero = modal(zero, step_h * 3600.0)
    gamma_gains = modal(one, step_h * 3600.0)[3][:, :, 1] - gamma_zero[:, :, 1]
    system = K.copy()
    system[:, :, 0] = 0.0
    system[:, 0, 0] = -1.0
    weather_drive = b_zero @ features[0]
    rhs = np.stack([weather_drive - K[:, :, 0] * set_point_c, gains_drive], axis=2)
    solved = np.linalg.solve(system, rhs)
    heated = solved.copy()
    heated[:, 0, :] = [set_point_c, 0.0]
    if history is not None:
        heated[:, :, 0] = held_run(C, K, b_zero, history, set_point_c, step_h)
        ones = np.ones((history.shape[0], 1))
        heated[:, :, 1] = held_run(C, K, gains_drive[:, :, None], ones, 0.0, step_h)
    free = np.linalg.solve(K, np.stack([weather_drive, gains_drive], axis=2))
    starts = np.concatenate([heated, free], axis=2)  # weather, gains, weather, gains
    z = np.einsum("bij,bjk->bik", to_modes, starts)
    n_steps = features.shape[0]
    forced_weather = forcing(gamma_zero, features)
    air = modal_steps(z, decay, forced_weather, gamma_gains, to_states[:, :1, :])[:, :, 0, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        q_max = np.where(solved[:, 0, 1] < 0, solved[:, 0, 0] / -solved[:, 0, 1], np.inf)
    return ClassResponse(
        np.arange(n_steps + 1) * step_h, features[:, 0], *alpha_beta(air), q_max_w=q_max
    )


def alpha_beta(air: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(heated α, heated β, free α, free β)``, each ``(rows, steps + 1)``, of the air
    responses ``air`` ``(steps + 1, rows, 4)`` in that order (°C and K/W); β, the response
    to one watt of gains, is not negative (a positive system: rounding only)."""
    return (
        air[:, :, 0].T.copy(),
        np.maximum(air[:, :, 1].T, 0.0),
        air[:, :, 2].T.copy(),
        np.maximum(air[:, :, 3].T, 0.0),
    )


def forcing(gamma: np.ndarray, features: np.ndarray) -> np.ndarray:
    """``(steps, b, modes)``: the modal input ``Γ_z u`` of every step (``gamma``
    ``(b, modes, inputs)``, ``features`` ``(steps, inputs)``)."""
    return np.einsum("bmk,tk->tbm", gamma, features)


def modal_steps(
    z: np.ndarray,
    decay: np.ndarray,
    forced: np.ndarray,
    per_watt: np.ndarray,
    read: np.ndarray,
) -> np.ndarray:
    """The exact modal recursion of classes (``b``) from four starts at once (columns of
    ``z``, ``(b, modes, 4)``: heated start under the weather, its response to 1 W of gains,
    unheated start, its gains response): ``z ← decay·z + forcing`` with ``forced``
    ``(steps, b, modes)`` on the weather columns and ``per_watt`` ``(b, modes)`` on the
    gains columns. Returns the states ``read`` ``(b, a, modes)`` picks out at every instant,
    ``(steps + 1, b, a, 4)``; ``z`` is updated in place."""
    n_steps = forced.shape[0]
    out = np.empty((n_steps + 1, *read.shape[:2], 4))
    out[0] = read @ z
    for t in range(n_steps):
        z *= decay[:, :, None]
        z[:, :, 0] += forced[t]
        z[:, :, 2] += forced[t]
        z[:, :, 1] += per_watt
        z[:, :, 3] += per_watt
        out[t + 1] = read @ z
    return out


def first_below(
    alpha: np.ndarray, beta: np.ndarray, q: np.ndarray, threshold_c: float, time_h: np.ndarray
) -> np.ndarray:
    """Hours until ``alpha + q·beta`` first falls below ``threshold_c`` for each ``q``
    (linear between instants as :func:`~warmgrid.thermal.cooldown.hours_to_threshold`;
    NaN: not within the horizon). ``beta ≥ 0``."""
    return first_below_many(
        alpha[None, :], beta[None, :], np.zeros(q.shape, np.int64), q, threshold_c, time_h
    )


def first_below_many(
    alpha: np.ndarray,
    beta: np.ndarray,
    cls: np.ndarray,
    q: np.ndarray,
    threshold_c: float,
    time_h: np.ndarray,
) -> np.ndarray:
    """:func:`first_below` of flats of many classes at once: flat ``i`` follows row
    ``cls[i]`` of ``alpha`` and ``beta`` (``(classes, instants)``) with gains ``q[i]``.

    The running maxima of all classes are searched in one sorted array: row ``c`` maps to
    ``c + 1/4 + arctan(·)/(2π) + 1/4`` (strictly increasing, within ``(c, c + 1)``), so one
    ``searchsorted`` finds every flat's step (resolution about 1e-7 W at 100 W of gains).
    """
    positive = beta > 1e-12
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        limit = np.where(
            positive,
            (threshold_c - alpha) / beta,
            np.where(alpha < threshold_c, np.inf, -np.inf),
        )
    running = np.maximum.accumulate(limit, axis=1)
    classes, instants = running.shape
    keys = np.arange(classes)[:, None] + 0.5 + np.arctan(running) / (2.0 * np.pi)
    probe = cls + 0.5 + np.arctan(q) / (2.0 * np.pi)
    index = np.searchsorted(keys.ravel(), probe, side="right") - cls * instants
    hours = np.full(q.shape, np.nan)
    inside = index < instants
    hours[inside & (index == 0)] = 0.0
    later = inside & (index > 0)
    j, c, g = index[later], cls[later], q[later]
    before = alpha[c, j - 1] + g * beta[c, j - 1]
    after = alpha[c, j] + g * beta[c, j]
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = np.clip((before - threshold_c) / (before - after), 0.0, 1.0)
    fraction[np.isnan(fraction)] = 0.0
    hours[later] = time_h[j - 1] + fraction * (time_h[j] - time_h[j - 1])
    return hours


@dataclass(frozen=True)
class FlatCooldown:
    """Flats of ``n`` buildings by position (columns of :data:`POSITIONS`).

    ``flats`` and ``people``: ``(n, positions)``; ``hours_to[θ]``: ``(n, positions)`` hours
    until the air of the flats of that position first falls below θ (NaN: not within the
    horizon, or no such flat); ``pipes``: hours until risers start to freeze (see
    :mod:`warmgrid.thermal.risers`), or None; ``end_temp_c``: ``(n, positions)`` air
    temperature of the flats at the horizon, °C (NaN: no such flat), or None."""

    positions: tuple[str, ...]
    flats: np.ndarray
    people: np.ndarray
    hours_to: dict[float, np.ndarray]
    horizon_h: float
    pipes: Any = None
    end_temp_c: np.ndarray | None = None

    def worst_hours_to(self, threshold_c: float) -> np.ndarray:
        """Per building, hours until its first flat falls below ``threshold_c`` (NaN: none
        within the horizon)."""
        hours = self.hours_to[float(threshold_c)]
        known = np.isfinite(hours)
        out = np.full(hours.shape[0], np.nan)
        rows = known.any(axis=1)
        out[rows] = np.nanmin(np.where(known[rows], hours[rows], np.inf), axis=1)
        return out

    def by_position(self, mask: np.ndarray | None = None) -> list[dict[str, Any]]:
        """Per position (worst first by hours to 12 °C): flats, people and the hours until
        the first flat of that position falls below each threshold (None: not within the
        horizon). ``mask``: the buildings counted (default all)."""
        rows = slice(None) if mask is None else np.asarray(mask, dtype=bool)
        out: list[dict[str, Any]] = []
        for p, name in enumerate(self.positions):
            hours: dict[str, float | None] = {}
            for threshold, values in self.hours_to.items():
                column = values[rows, p]
                first = float(np.nanmin(column)) if np.isfinite(column).any() else None
                hours[f"{threshold:g}"] = None if first is None else round(first, 2)
            out.append(
                {
                    "position": name,
                    "flats": int(self.flats[rows, p].sum()),
                    "people": round(float(self.people[rows, p].sum())),
                    "hours_to_c": hours,
                }
            )
        key = f"{12.0 if 12.0 in self.hours_to else next(iter(self.hours_to)):g}"

        def order(row: dict[str, Any]) -> tuple[bool, bool, float]:
            first = row["hours_to_c"][key]
            return row["flats"] == 0, first is None, first or 0.0

        out.sort(key=order)
        return out


def flat_counts(
    storeys: np.ndarray, floor_area_m2: np.ndarray, flat_area_m2: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``(flats (n, positions), single)``: flats per position of each building and whether
    it has one storey (its flats are ground and top at once; counted as ground)."""
    levels, per_floor = floors_of(storeys, floor_area_m2, flat_area_m2)
    return position_counts(levels, per_floor).astype(np.int64), levels == 1


def floors_of(
    storeys: np.ndarray, floor_area_m2: np.ndarray, flat_area_m2: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``(storeys, flats per floor)`` of buildings, whole numbers ≥ 1."""
    levels = np.maximum(np.round(storeys), 1.0)
    return levels, np.maximum(np.round(floor_area_m2 / levels / flat_area_m2), 1.0)


def position_counts(levels: np.ndarray, per_floor: np.ndarray) -> np.ndarray:
    """Flats per position (columns of :data:`POSITIONS`) of buildings with ``levels``
    storeys and ``per_floor`` flats a floor (both ≥ 1)."""
    corner = np.minimum(per_floor, CORNERS_PER_FLOOR)
    inner = per_floor - corner
    top = np.where(levels == 1, 0.0, 1.0)
    middle = np.maximum(levels - 2.0, 0.0)
    return np.column_stack(
        [top * corner, corner, top * inner, inner, middle * corner, middle * inner]
    )


def _classes(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """``(class of each row, one row of values per class)`` of the rows of ``columns``
    (hashing, linear time)."""
    key = np.zeros(columns[0].shape[0], dtype=np.int64)
    for values in columns:
        codes, uniques = pd.factorize(values)
        key, _ = pd.factorize(key * len(uniques) + codes)
    first = np.zeros(int(key.max()) + 1 if key.size else 0, dtype=np.int64)
    first[key[::-1]] = np.arange(key.size)[::-1]
    groups = np.column_stack([np.asarray(c, dtype=np.float64)[first] for c in columns])
    return key, groups


@dataclass(frozen=True)
class FlatClasses:
    """The flats of ``n`` buildings as classes: ``net`` holds one row per class and
    position (row ``class · len(POSITIONS) + position``), ``class_of`` ``(n,)`` each
    building's class, ``classes`` one row of values per class (archetype code, single
    storey, :data:`FIELDS`, then for coupled blocks the block's storeys and flats a floor,
    :func:`warmgrid.thermal.coupling.block_layout`), ``archetypes`` the archetype of each
    code; ``flats`` and ``people`` ``(n, positions)``, ``single`` ``(n,)``, ``gains_w``
    ``(n,)`` each flat's occupants' gains, W."""

    net: NetworkParams
    class_of: np.ndarray
    classes: np.ndarray
    archetypes: list[str]
    flats: np.ndarray
    single: np.ndarray
    people: np.ndarray
    gains_w: np.ndarray

    def blocks(self) -> list[Block]:
        """The coupled block of each class (classes built with ``coupled=True``)."""
        from warmgrid.thermal.coupling import Block

        size = 2 + len(FIELDS)
        return [
            Block(
                archetype=self.archetypes[int(row[0])],
                levels=int(row[size]),
                per_floor=int(row[size + 1]),
                values=dict(zip(FIELDS, (float(v) for v in row[2:size]), strict=True)),
                area_m2=CONSTRUCTIONS[self.archetypes[int(row[0])]].flat_area_m2,
            )
            for row in self.classes
        ]


def flat_classes(
    keys: np.ndarray,
    floor_area_m2: np.ndarray,
    storeys: np.ndarray,
    population: np.ndarray,
    overrides: dict[str, np.ndarray] | None = None,
    coupled: bool = False,
) -> FlatClasses:
    """Buildings (archetype ``keys``, floor area m², storeys, people) resolved into
    classes of flats by position, occupants spread evenly over a building's flats (70 W
    each). ``coupled``: buildings of one class also share a block layout (storeys and
    flats a floor, :func:`warmgrid.thermal.coupling.block_layout`)."""
    inverse, unique = pd.factorize(np.asarray(keys, dtype=object))
    archetypes = [str(k) for k in unique]
    values = archetype_values(inverse, archetypes, overrides)
    flat_area = np.array([CONSTRUCTIONS[k].flat_area_m2 for k in archetypes])[inverse]
    flats, single = flat_counts(storeys, floor_area_m2, flat_area)
    people = np.asarray(population, dtype=np.float64)
    per_flat = people / flats.sum(axis=1)
    layout: list[np.ndarray] = []
    if coupled:
        from warmgrid.thermal.coupling import block_layout

        layout = list(block_layout(*floors_of(storeys, floor_area_m2, flat_area)))
    class_of, classes = _classes([inverse, single] + [values[f] for f in FIELDS] + layout)
    tables = []
    for row in classes:
        fields = dict(zip(FIELDS, (float(v) for v in row[2 : 2 + len(FIELDS)]), strict=True))
        for position in POSITIONS:
            floor, corner = position_floor(position, bool(row[1]))
            tables.append((archetypes[int(row[0])], floor, corner, tuple(fields.items()), coupled))
    return FlatClasses(
        net=stack([_class_network(*t) for t in tables]),
        class_of=class_of,
        classes=classes,
        archetypes=archetypes,
        flats=flats,
        single=single,
        people=flats * per_flat[:, None],
        gains_w=OCCUPANT_SENSIBLE_GAIN_W * per_flat,
    )


def city_flats(
    keys: np.ndarray,
    floor_area_m2: np.ndarray,
    storeys: np.ndarray,
    population: np.ndarray,
    weather: Weather,
    hours: float,
    step_h: float,
    set_point_c: float,
    overrides: dict[str, np.ndarray] | None = None,
    thresholds_c: Sequence[float] = DEFAULT_THRESHOLDS_C,
    water_temp_c: float | None = None,
    coupled: bool = True,
) -> FlatCooldown:
    """Flats by position of buildings (archetype ``keys``, floor area m², storeys, people)
    with their heat off from the start of ``weather`` at ``set_point_c``, heated until
    then through ``weather.before`` where known (:mod:`warmgrid.thermal.history`);
    occupants spread evenly over a building's flats (70 W each). With ``water_temp_c`` the
    risers are checked too (:mod:`warmgrid.thermal.risers`). ``coupled``: the flats of a
    building exchange heat through their shared slabs and walls and with the stairwell
    (:mod:`warmgrid.thermal.coupling`); False: every position alone, its shared elements
    adiabatic (the stairwell from the ground inner flat by EN ISO 13789's ``b``)."""
    from warmgrid.thermal.risers import riser_freeze_hours

    n = len(keys)
    classes = flat_classes(keys, floor_area_m2, storeys, population, overrides, coupled)
    net, group_of = classes.net, classes.class_of
    flats, single, shares = classes.flats, classes.single, classes.people
    n_steps = steps_of(step_h, hours)
    needed = int(np.ceil(hours))
    window = weather.window(0, needed) if weather.hours > needed else weather
    features = _features(
        net.base,
        window.temp_air_c,
        step_h,
        n_steps,
        channel_irradiance(window, ARCHETYPE_CHANNELS),
        sky_depression(window) if window.has_sun else 0.0,
    )
    history = history_features(net.base, window, step_h)
    stair = None
    if coupled:
        from warmgrid.thermal.coupling import city_blocks

        stair = city_blocks(net, classes.blocks(), features, step_h, set_point_c, history)
        response = stair.flats
    else:
        response = class_response(net, features, step_h, set_point_c, history)
    gains = classes.gains_w
    wanted = [float(t) for t in thresholds_c]
    hours_to = {t: np.full((n, len(POSITIONS)), np.nan) for t in wanted}
    end_temp = np.full((n, len(POSITIONS)), np.nan)
    pipes = None if water_temp_c is None else riser_freeze_hours(single)
    size = len(POSITIONS)
    heated = gains <= response.q_max_w[group_of * size]
    by_class = np.lexsort((gains, group_of))  # sorted probes: a fast searchsorted
    starts = (
        (heated, response.heated_alpha, response.heated_beta),
        (~heated, response.free_alpha, response.free_beta),
    )
    for k, (start, alpha, beta) in enumerate(starts):
        if not start.any():
            continue
        rows = by_class[start[by_class]]
        # only the classes these buildings belong to (few start unheated)
        used, cls = np.unique(group_of[rows], return_inverse=True)
        q = gains[rows]
        for p in range(size):
            a, b = alpha[p::size][used], beta[p::size][used]
            end_temp[rows, p] = a[cls, -1] + q * b[cls, -1]
            for t in wanted:
                hours_to[t][rows, p] = first_below_many(a, b, cls, q, t, response.time_h)
            if pipes is not None and (stair is None or POSITIONS[p] != "ground_inner"):
                assert water_temp_c is not None
                pipes.add(POSITIONS[p], rows, cls, a, b, q, response, water_temp_c)
        if pipes is not None and stair is not None:
            assert water_temp_c is not None
            a = (stair.stair_free_alpha if k else stair.stair_heated_alpha)[used]
            b = (stair.stair_free_beta if k else stair.stair_heated_beta)[used]
            pipes.add("stairwell", rows, cls, a, b, q, response, water_temp_c)
    none = flats == 0
    for t in wanted:
        hours_to[t][none] = np.nan
    end_temp[none] = np.nan
    return FlatCooldown(
        positions=POSITIONS,
        flats=flats,
        people=shares,
        hours_to=hours_to,
        horizon_h=n_steps * step_h,
        pipes=None if pipes is None else pipes.finish(),
        end_temp_c=end_temp,
    )
