"""CLI commands: ``warmgrid city import | info | export``."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from warmgrid.cli.common import CityArg, JsonOpt, load_city_arg
from warmgrid.cli.output import console, emit_json, esc, print_warning, progress
from warmgrid.errors import InputError

if TYPE_CHECKING:
    from warmgrid.model import City


def _import_city(
    simbench: str | None,
    pandapower: Path | None,
    pandapipes: Path | None,
    geojson: Path | None,
    latlon: bool,
    name: str | None,
    osm: Path | None = None,
    osm_options: dict[str, Any] | None = None,
) -> City:
    given = {
        "--simbench": simbench,
        "--pandapower": pandapower,
        "--pandapipes": pandapipes,
        "--geojson": geojson,
        "--osm": osm,
    }
    chosen = [option for option, value in given.items() if value is not None]
    if len(chosen) != 1:
        raise InputError(
            "city import",
            "give exactly one of --simbench CODE, --pandapower FILE, --pandapipes FILE, "
            f"--geojson FILE, --osm FILE (got {', '.join(chosen) or 'none'})",
        )
    if osm is not None:
        return _import_osm(osm, name, **(osm_options or {}))
    if simbench is not None:
        from warmgrid.model.io.pandapower_io import city_from_simbench

        return city_from_simbench(simbench)
    if pandapower is not None:
        from warmgrid.model.io.pandapower_io import city_from_pandapower, read_pandapower_file

        return city_from_pandapower(read_pandapower_file(pandapower), name=name or pandapower.stem)
    if pandapipes is not None:
        from warmgrid.model.io.pandapipes_io import city_from_pandapipes, read_pandapipes_file

        net = read_pandapipes_file(pandapipes)
        return city_from_pandapipes(net, name=name or pandapipes.stem, latlon=latlon)
    assert geojson is not None
    from warmgrid.model.io.geojson_io import read_geojson

    return read_geojson(geojson)


def _import_osm(
    path: Path, name: str | None, bbox: str | None, country: str | None, heat_area: Path | None
) -> City:
    from warmgrid.model.io.osm_io import city_from_osm, parse_bbox, read_heat_area

    return city_from_osm(
        path,
        bbox=parse_bbox(bbox) if bbox else None,
        country=country,
        heat_area=read_heat_area(heat_area) if heat_area else None,
        name=name,
    )


def _print_summary(summary: dict[str, Any], title: str) -> None:
    table = Table(title=esc(title), show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("time zone", esc(summary["timezone"]))
    for key in ("nodes", "branches", "sources", "buildings", "dependencies", "people"):
        table.add_row(key, f"{summary[key]:,}")
    for use, count in sorted(summary["buildings_by_use"].items()):
        table.add_row(f"buildings: {esc(use)}", f"{count:,}")
    for group, kinds in summary["kinds"].items():
        for kind, count in sorted(kinds.items()):
            table.add_row(f"{esc(group)}: {esc(kind)}", f"{count:,}")
    console.print(table)


def loop_warnings(city: City) -> list[str]:
    """One sentence per dependency on a dependency loop of ``city`` (usually none)."""
    from warmgrid.impact.loops import dependency_loops
    from warmgrid.impact.words import Labeller
    from warmgrid.model import compile_city

    words = Labeller(city)
    return [
        f"dependency loop: {words.label(loop.asset)} needs {loop.service} at "
        f"{words.label(loop.node)}, whose supply depends on it in turn; these assets and "
        "the buildings behind them count as unsupplied (add the missing infeed or "
        "emergency supply)"
        for loop in dependency_loops(compile_city(city))
    ]


def _print_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        print_warning(warning)


def register(app: typer.Typer) -> None:
    """Add the ``city`` group to the root app."""
    sub = typer.Typer(no_args_is_help=True, help="Import, inspect and export cities.")
    app.add_typer(sub, name="city")

    @sub.command("import")
    def import_(
        out: Annotated[Path, typer.Option("--out", help="Folder to write the city to.")],
        simbench: Annotated[
            str | None, typer.Option("--simbench", help="SimBench code, e.g. 1-LV-rural1--0-sw.")
        ] = None,
        pandapower: Annotated[
            Path | None, typer.Option("--pandapower", help="pandapower net (JSON file).")
        ] = None,
        pandapipes: Annotated[
            Path | None, typer.Option("--pandapipes", help="pandapipes net (JSON file).")
        ] = None,
        geojson: Annotated[
            Path | None, typer.Option("--geojson", help="City as a GeoJSON FeatureCollection.")
        ] = None,
        latlon: Annotated[
            bool, typer.Option("--latlon", help="pandapipes geo points are [lat, lon].")
        ] = False,
        name: Annotated[str | None, typer.Option("--name", help="Name of the city.")] = None,
        osm: Annotated[
            Path | None, typer.Option("--osm", help="OpenStreetMap extract (.osm.pbf).")
        ] = None,
        bbox: Annotated[
            str | None,
            typer.Option("--bbox", help="With --osm: keep MINLON,MINLAT,MAXLON,MAXLAT only."),
        ] = None,
        country: Annotated[
            str | None,
            typer.Option(
                "--country", help="With --osm: ISO country code for floor area per person."
            ),
        ] = None,
        heat_area: Annotated[
            Path | None,
            typer.Option("--heat-area", help="With --osm: GeoJSON polygon(s) on district heat."),
        ] = None,
        timezone: Annotated[
            str | None,
            typer.Option(
                "--timezone",
                help="IANA time zone of the city, e.g. Europe/Kyiv (default: the GeoJSON's "
                "own, else UTC).",
            ),
        ] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Import a city from SimBench, pandapower, pandapipes, GeoJSON or OpenStreetMap
        into a city folder."""
        from warmgrid.model import save_city
        from warmgrid.model.io.native import check_city_folder
        from warmgrid.model.timezone import check_timezone

        check_city_folder(out)
        zone = None if timezone is None else check_timezone(timezone, "--timezone")
        osm_options = {"bbox": bbox, "country": country, "heat_area": heat_area}
        with progress(enabled=not json_out) as bar:
            if bar is not None:
                bar.add_task("importing", total=None)
            city = _import_city(
                simbench, pandapower, pandapipes, geojson, latlon, name, osm, osm_options
            )
            if zone is not None:
                city = replace(city, timezone=zone)
            try:
                folder = save_city(city, out)
            except OSError as error:
                raise InputError(str(out), f"cannot be written ({error.strerror})") from None
        summary = city.summary()
        warnings = loop_warnings(city)
        if json_out:
            emit_json(
                {"out": str(folder), "summary": summary, "meta": city.meta, "warnings": warnings}
            )
            return
        _print_summary(summary, f"{city.name} → {folder}")
        _print_warnings(warnings)
        if "inferred" in city.meta:
            console.print_json(data=city.meta["inferred"])
        for key in ("loads_without_position", "consumers_without_position"):
            if city.meta.get(key):
                console.print(
                    f"{city.meta[key]:,} {key.split('_')[0]} had no position and got no building"
                )

    @sub.command("info")
    def info(
        city: CityArg,
        json_out: JsonOpt = False,
    ) -> None:
        """Counts of a city's elements, buildings and people."""
        loaded = load_city_arg(city)
        summary = loaded.summary()
        warnings = loop_warnings(loaded)
        if json_out:
            emit_json({"summary": summary, "meta": loaded.meta, "warnings": warnings})
            return
        _print_summary(summary, loaded.name)
        _print_warnings(warnings)

    @sub.command("export")
    def export(
        city: CityArg,
        geojson: Annotated[Path, typer.Option("--geojson", help="GeoJSON file to write.")],
        json_out: JsonOpt = False,
    ) -> None:
        """Write a whole city to one GeoJSON FeatureCollection."""
        from warmgrid.model.io.geojson_io import write_geojson

        loaded = load_city_arg(city)
        try:
            path = write_geojson(loaded, geojson)
        except OSError as error:
            raise InputError(str(geojson), f"cannot be written ({error.strerror})") from None
        if json_out:
            emit_json({"geojson": str(path), "features": _feature_count(loaded)})
            return
        console.print(f"wrote {_feature_count(loaded):,} features to {path}", markup=False)


def _feature_count(city: City) -> int:
    return sum(
        len(city.table(t)) for t in ("nodes", "branches", "sources", "buildings", "dependencies")
    )
