"""What each group of shared elements does to the flats of a block, in warmgrid and in
EnergyPlus: the reduced block of each archetype (three storeys, eight flats a floor, the
stairwell; :mod:`warmgrid.thermal.energyplus_block`) at constant outdoor temperatures, whole
and with one group of interfaces cut at a time (the walls to the stairwell, the party
walls, the slab over the ground floor, the slab under the top floor: left adiabatic, as if
the neighbour were at the flat's own temperature), and the heating power of every flat in
the heated state the cool-down starts from.

For every flat position: hours until the air falls below 12 °C in the whole block, and by how
many hours cutting each group moves them (cut − whole) on each side; a group that moves
EnergyPlus' hours more than warmgrid's carries more heat in EnergyPlus. Results of the
EnergyPlus runs are cached by input hash; the first run takes a few minutes (start it with
``nice`` on a shared machine).

    python bench/bench_thermal_block_interfaces.py [--temps -10]   # JSON, then Markdown
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from bench_thermal_energyplus import BLOCK_ARCHETYPES, HOURS, _hours, _value

from warmgrid.cli.thermal import packaged_weather_path
from warmgrid.thermal.archetypes import archetype_values
from warmgrid.thermal.coupling import INTERFACE_GROUPS, block_heating_w, simulate_block
from warmgrid.thermal.energyplus_block import (
    block_cooldown,
    reference_block,
)
from warmgrid.thermal.energyplus_block import (
    block_heating_w as eplus_heating_w,
)
from warmgrid.thermal.flats import FIELDS, POSITIONS

GAINS_W = 140.0


def _hours_to_12(time_h: np.ndarray, air: np.ndarray) -> float | None:
    """Hours until ``air`` first falls below 12 °C, as the EnergyPlus tables count them."""
    return _value(_hours(time_h, air)[12.0])


def _shift(cut: float | None, whole: float | None) -> float | None:
    return None if cut is None or whole is None else round(cut - whole, 2)


def block_rows(archetype: str, outdoor_c: float) -> list[dict]:
    """One row per flat position: heating power and hours to 12 °C of the whole block, and
    the shift of the hours when each interface group is cut, warmgrid and EnergyPlus."""
    weather = packaged_weather_path()
    values = archetype_values(np.zeros(1, dtype=np.int64), [archetype])
    block = reference_block(archetype, {name: float(values[name][0]) for name in FIELDS})
    ours_w = block_heating_w(block, GAINS_W, outdoor_c)
    theirs_w = eplus_heating_w(block, GAINS_W, weather, outdoor_c)
    hours: dict[str, dict[str, list[float | None]]] = {}
    for group in ("", *INTERFACE_GROUPS):
        cut = frozenset({group}) if group else frozenset()
        time_h, eplus = block_cooldown(block, GAINS_W, weather, outdoor_c, hours=HOURS, cut=cut)
        ours = simulate_block(block, GAINS_W, outdoor_c, float(time_h[1]), HOURS, cut=cut)
        hours[group] = {
            "warmgrid": [_hours_to_12(time_h, ours[p]) for p in range(len(POSITIONS))],
            "eplus": [_hours_to_12(time_h, eplus[position]) for position in POSITIONS],
        }
    rows = []
    for p, position in enumerate(POSITIONS):
        row: dict = {
            "archetype": archetype,
            "outdoor_c": outdoor_c,
            "position": position,
            "warmgrid_heating_w": round(float(ours_w[p]), 1),
            "eplus_heating_w": round(theirs_w[position], 1),
            "warmgrid_12c_h": hours[""]["warmgrid"][p],
            "eplus_12c_h": hours[""]["eplus"][p],
        }
        for group in INTERFACE_GROUPS:
            for side in ("warmgrid", "eplus"):
                row[f"{side}_cut_{group}_shift_h"] = _shift(
                    hours[group][side][p], hours[""][side][p]
                )
        rows.append(row)
    return rows


def markdown(rows: list[dict]) -> str:
    def cell(x: float | None) -> str:
        return "—" if x is None else f"{x:+g}" if isinstance(x, float) else str(x)

    head = " | ".join(f"cut {group}: Δh" for group in INTERFACE_GROUPS)
    lines = [
        f"| archetype | outdoor | position | heating W | 12 °C h | {head} |",
        "|---|---|---|---|---|" + "---|" * len(INTERFACE_GROUPS),
        "| | | | warmgrid / E+ | warmgrid / E+ |" + " warmgrid / E+ |" * len(INTERFACE_GROUPS),
    ]
    for r in rows:
        shifts = " | ".join(
            f"{cell(r[f'warmgrid_cut_{g}_shift_h'])} / {cell(r[f'eplus_cut_{g}_shift_h'])}"
            for g in INTERFACE_GROUPS
        )
        lines.append(
            f"| {r['archetype']} | {r['outdoor_c']:g} °C | {r['position']} | "
            f"{r['warmgrid_heating_w']:.0f} / {r['eplus_heating_w']:.0f} | "
            f"{r['warmgrid_12c_h']} / {r['eplus_12c_h']} | {shifts} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--temps", type=float, nargs="+", default=[-20.0, -10.0, -5.0])
    parser.add_argument("--archetypes", nargs="+", default=list(BLOCK_ARCHETYPES))
    args = parser.parse_args()
    rows = [
        row
        for archetype in args.archetypes
        for outdoor_c in args.temps
        for row in block_rows(archetype, outdoor_c)
    ]
    print(json.dumps({"block_interfaces": rows}, indent=1))
    print(markdown(rows))


if __name__ == "__main__":
    main()
