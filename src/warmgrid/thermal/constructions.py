"""Layered constructions of the archetypes, for their flats (:mod:`warmgrid.thermal.flats`).

Each archetype names the build-up of its external wall, roof, floor over the basement, the
slab between storeys and the wall between flats, inside → outside. The materials' density
and specific heat are those of the USSR code SNiP II-3-79 Appendix 3 (and EN ISO 10456 for
mineral wool); one layer of each external element is *fitted*: its thermal conductivity is
chosen so that the element has the archetype's U-value (plus its thermal-bridge surcharge),
which stays the one source of the heat loss. The fitted value is an effective conductivity
(joints, ribs and ageing included) and lands within the ranges of SNiP II-3-79 Appendix 3
for the archetypes' own U-values (panel 0.47, brick 0.80, fill 0.22 W/(m·K)).

Thicknesses: precast panels 0.35 m single-layer expanded-clay concrete and 0.16 m solid
reinforced-concrete slabs (standard series 1-464A, 1-468 and 111-121 of the 1960s–80s;
Russian/Ukrainian series catalogues); pre-war solid brick 0.51 m outside and 0.38 m between
flats (two and a half and one and a half bricks); modern blocks 0.20 m concrete with mineral
wool (DBN V.2.6-31:2016 practice). These are typical values, assumptions per type.
"""

from __future__ import annotations

from dataclasses import dataclass

from warmgrid.errors import InputError
from warmgrid.thermal.layers import R_SE_M2K_PER_W, R_SI_M2K_PER_W


@dataclass(frozen=True)
class Material:
    """A material: ``(name, density kg/m³, specific heat J/(kg·K), conductivity W/(m·K))``."""

    name: str
    density_kg_per_m3: float
    specific_heat_j_per_kgk: float
    conductivity_w_per_mk: float


PLASTER = Material("lime-cement plaster", 1800.0, 840.0, 0.87)
BRICK = Material("solid clay brick", 1800.0, 880.0, 0.81)
PANEL = Material("expanded-clay concrete panel", 1200.0, 840.0, 0.52)
CONCRETE = Material("reinforced concrete", 2500.0, 840.0, 2.04)
SCREED = Material("cement screed", 1800.0, 840.0, 0.93)
FILL = Material("expanded-clay fill", 600.0, 840.0, 0.19)
WOOL = Material("mineral wool", 100.0, 1030.0, 0.040)
"""SNiP II-3-79 Appendix 3 (design values for humidity zone B); mineral wool EN ISO 10456."""

Build = tuple[tuple[Material, float], ...]
"""Layers inside → outside: ``(material, thickness_m)``."""


@dataclass(frozen=True)
class Constructions:
    """Build-ups of one archetype; ``fitted_*``: index of the layer whose conductivity is
    fitted to the archetype's U-value. ``slab`` is the whole slab between two storeys
    (floor side first), ``party_wall`` the whole wall between two flats; each flat holds
    half of them (up to the plane of symmetry)."""

    wall: Build
    fitted_wall: int
    roof: Build
    fitted_roof: int
    floor: Build
    fitted_floor: int
    slab: Build
    party_wall: Build
    flat_area_m2: float


_PANEL = Constructions(
    wall=((PANEL, 0.35),),
    fitted_wall=0,
    roof=((CONCRETE, 0.16), (FILL, 0.20)),
    fitted_roof=1,
    floor=((SCREED, 0.03), (CONCRETE, 0.16), (FILL, 0.20)),
    fitted_floor=2,
    slab=((SCREED, 0.03), (CONCRETE, 0.16)),
    party_wall=((CONCRETE, 0.16),),
    flat_area_m2=55.0,
)
_BRICK = Constructions(
    wall=((PLASTER, 0.02), (BRICK, 0.51)),
    fitted_wall=1,
    roof=((CONCRETE, 0.16), (FILL, 0.20)),
    fitted_roof=1,
    floor=((SCREED, 0.03), (CONCRETE, 0.16), (FILL, 0.20)),
    fitted_floor=2,
    slab=((SCREED, 0.03), (CONCRETE, 0.16)),
    party_wall=((PLASTER, 0.02), (BRICK, 0.38), (PLASTER, 0.02)),
    flat_area_m2=70.0,
)
_MODERN = Constructions(
    wall=((PLASTER, 0.02), (CONCRETE, 0.20), (WOOL, 0.12), (PLASTER, 0.01)),
    fitted_wall=2,
    roof=((CONCRETE, 0.20), (WOOL, 0.20)),
    fitted_roof=1,
    floor=((SCREED, 0.05), (CONCRETE, 0.20), (WOOL, 0.12)),
    fitted_floor=2,
    slab=((SCREED, 0.05), (CONCRETE, 0.20)),
    party_wall=((CONCRETE, 0.20),),
    flat_area_m2=65.0,
)

CONSTRUCTIONS: dict[str, Constructions] = {
    "panel_5": _PANEL,
    "panel_9": _PANEL,
    "panel_16": _PANEL,
    "brick_prewar": _BRICK,
    "modern_insulated": _MODERN,
    "hospital": _PANEL,
    "care_home": _PANEL,
    "school": _PANEL,
}
"""Constructions by archetype key (hospitals, care homes and schools: rooms of a flat's size
along the façade, in concrete-panel build-ups)."""


def layer_tables(
    build: Build,
    fitted: int | None = None,
    u_w_per_m2k: float = 0.0,
    kind: str = "wall",
    where: str = "",
) -> list[dict[str, float | str]]:
    """Layer tables of a building file for ``build``; with ``fitted``, that layer's
    conductivity makes the element's U-value (EN ISO 6946: ``R_si``, ``R_se`` 0.04)
    ``u_w_per_m2k``."""
    tables: list[dict[str, float | str]] = [
        {
            "material": m.name,
            "thickness_m": d,
            "conductivity_w_per_mk": m.conductivity_w_per_mk,
            "density_kg_per_m3": m.density_kg_per_m3,
            "specific_heat_j_per_kgk": m.specific_heat_j_per_kgk,
        }
        for m, d in build
    ]
    if fitted is None:
        return tables
    others = sum(d / m.conductivity_w_per_mk for i, (m, d) in enumerate(build) if i != fitted)
    needed = 1.0 / u_w_per_m2k - R_SI_M2K_PER_W[kind] - R_SE_M2K_PER_W - others
    thickness = build[fitted][1]
    if not needed > thickness / 50.0:
        raise InputError(where, f"U-value {u_w_per_m2k:g} W/(m²K) too high for the {kind}'s layers")
    tables[fitted]["conductivity_w_per_mk"] = thickness / needed
    return tables


def half(build: Build) -> Build:
    """The layers of ``build`` from its first face to its middle plane."""
    return _first(build, 0.5 * sum(d for _, d in build))


def _first(build: Build, depth_m: float) -> Build:
    """The layers of ``build`` from its first face to ``depth_m`` into it."""
    out = []
    position = 0.0
    for material, d in build:
        take = min(d, depth_m - position)
        if take > 1e-9:
            out.append((material, take))
        position += d
    return tuple(out)


CEILING_SKIN_M = 0.01
"""Depth of a slab that a coupled flat holds under its ceiling; the rest of the slab is the
floor of the flat above (see :func:`slab_sides`)."""


def slab_sides(slab: Build, coupled: bool) -> tuple[Build, Build]:
    """``(ceiling side, floor side)`` of a slab between two flats, each from its room's face
    (ceiling side: the slab reversed). Alone (``coupled`` False), each flat holds half of the
    slab up to its plane of symmetry, the mirrored neighbour of the adiabatic boundary. In a
    coupled block (:mod:`warmgrid.thermal.coupling`) the slab is the floor of the flat above
    and the flat below holds only its ceiling's skin, :data:`CEILING_SKIN_M`: once the
    heating stops a slab is warmer than the air on both sides; its floor face lies under
    unstable air and passes its heat by enhanced convection (4.04 W/(m²K)), its ceiling face
    over a stable layer by reduced convection (0.95 W/(m²K); Walton, NBSIR 83-2655, as
    EnergyPlus' ``Simple``), and a flat's node of shared elements would pass a ceiling's
    share to the room through all its shared faces at once. Measured group by group against
    EnergyPlus' multi-zone block (``bench/bench_thermal_block_interfaces.py``): the slab
    over the ground floor moves the ground flats' crossings by at most 1.3 h, the slab
    under the top floor the top flats' by up to 7 h; half of each slab in each flat gave the
    ground flats hours from the slab above them that EnergyPlus does not
    (docs/thermal-energyplus.md)."""
    below = tuple(reversed(slab))
    if not coupled:
        return half(below), half(slab)
    depth = sum(d for _, d in slab)
    return _first(below, CEILING_SKIN_M), _first(slab, depth - CEILING_SKIN_M)
