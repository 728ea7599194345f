"""CLI command ``sweep``: a resilience sweep over many damage scenarios, on Dask."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from warmgrid.cli.common import CityArg, JsonOpt, load_city_arg
from warmgrid.cli.output import console, emit_json, err_console, figure_label, step
from warmgrid.errors import InputError

DEFAULT_CHUNK_SIZE = 100
# about 0.7 s of work a task on a large grid: the best 1 → 2 worker speed-up measured
# (docs/sweep.md)
IMPACT_ONLY_CHUNK_SIZE = 100_000
DEFAULT_RADIUS_M = "200:1000"


def _radius(text: str) -> tuple[float, float]:
    low, _, high = text.partition(":")
    try:
        return float(low), float(high or low)
    except ValueError:
        raise InputError(
            "--radius-m", f"expected MIN:MAX metres (or one value), got {text!r}"
        ) from None


def _areas(compiled: Any, areas: int, radius_m: str, kinds: str, weights: Path | None, seed: int):
    from warmgrid.sweep.areas import area_strikes, read_weights

    kind_list = tuple(k.strip() for k in kinds.split(",") if k.strip())
    layer = read_weights(weights) if weights is not None else None
    return area_strikes(compiled, areas, _radius(radius_m), seed, kinds=kind_list, weights=layer)


def _ensemble(
    compiled: Any,
    k: int | None,
    samples: int | None,
    pairs: bool,
    scenarios: Path | None,
    seed: int,
    areas: tuple[int | None, str, str, Path | None],
) -> Any:
    from warmgrid.sweep import ensembles

    count, radius_m, kinds, weights = areas
    chosen = [k is not None, pairs, scenarios is not None, count is not None]
    if sum(chosen) != 1:
        raise InputError(
            "sweep", "give exactly one of --k K --samples N, --pairs, --areas N, --scenarios F"
        )
    if count is not None:
        return _areas(compiled, count, radius_m, kinds, weights, seed)
    if scenarios is not None:
        return ensembles.from_file(compiled, scenarios)
    if pairs:
        return ensembles.every_pair(compiled)
    if samples is None:
        raise InputError("--samples", "--k needs --samples N (the number of sampled sets)")
    return ensembles.sampled_nk(compiled, int(k or 0), samples, seed)


def _progress_bar(total: int) -> Any:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("sweep"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} scenarios/s"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=err_console,
        transient=True,
    )


def sweep_command(
    city: CityArg,
    out: Annotated[Path, typer.Option("--out", help="Folder of the results (Parquet).")],
    k: Annotated[int | None, typer.Option("--k", help="Assets lost per scenario (1-4).")] = None,
    samples: Annotated[int | None, typer.Option(help="Sampled sets for --k.")] = None,
    pairs: Annotated[bool, typer.Option("--pairs", help="Every pair of assets (N-2).")] = False,
    scenarios: Annotated[
        Path | None, typer.Option(help="Damage sets from a JSON or CSV file.")
    ] = None,
    areas: Annotated[
        int | None, typer.Option(help="Area strikes: this many random circles.")
    ] = None,
    radius_m: Annotated[
        str, typer.Option(help="Strike radius, uniform between MIN:MAX metres.")
    ] = DEFAULT_RADIUS_M,
    area_kinds: Annotated[
        str, typer.Option(help="Strike centres on assets of these kinds (comma list).")
    ] = "",
    area_weights: Annotated[
        Path | None,
        typer.Option(help="Strike centres from weighted points (CSV lon,lat,weight or GeoJSON)."),
    ] = None,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the sampling.")] = 0,
    weather: Annotated[
        Path | None,
        typer.Option(
            help="Weather: a scenario file (its forecast), an hourly CSV forecast, or an EPW "
            "file (its coldest week)."
        ),
    ] = None,
    conditions: Annotated[
        Path | None,
        typer.Option(help="A scenario file for crews, plan and cool-down settings."),
    ] = None,
    impact_only: Annotated[
        bool,
        typer.Option("--impact-only", help="Impact counts only: no cool-down, no plan."),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(help="Local worker processes (default: one per core; 0: this process)."),
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="A Dask scheduler, tcp://HOST:PORT.")
    ] = None,
    chunk_size: Annotated[
        int | None,
        typer.Option(
            help=f"Scenarios per task (default {DEFAULT_CHUNK_SIZE}; "
            f"{IMPACT_ONLY_CHUNK_SIZE} with --impact-only)."
        ),
    ] = None,
    json_out: JsonOpt = False,
) -> None:
    """Run many damage scenarios (on Dask) and rank the assets by what their loss costs."""
    import time
    from contextlib import nullcontext

    from warmgrid.model import compile_city
    from warmgrid.sweep import aggregate
    from warmgrid.sweep.engine import dask_client, run_sweep
    from warmgrid.sweep.table import read_table

    if workers is not None and scheduler is not None:
        raise InputError("sweep", "give --workers or --scheduler, not both")
    if workers is not None and workers < 0:
        raise InputError("--workers", f"must be 0 or more, got {workers}")
    compiled = compile_city(load_city_arg(city))
    ensemble = _ensemble(
        compiled, k, samples, pairs, scenarios, seed, (areas, radius_m, area_kinds, area_weights)
    )
    with step("cooling every building once", not json_out and not impact_only):
        sweep_city = _sweep_city(compiled, weather, conditions, impact_only)
    if chunk_size is None:
        chunk_size = IMPACT_ONLY_CHUNK_SIZE if impact_only else DEFAULT_CHUNK_SIZE
    show = not json_out and err_console.is_terminal
    bar = _progress_bar(ensemble.size) if show else None
    serial = workers == 0 and scheduler is None
    task = bar.add_task("sweep", total=ensemble.size, rate="-") if bar else None
    started = time.monotonic()
    with (
        bar or nullcontext(),
        nullcontext(None) if serial else dask_client(workers, scheduler) as client,
    ):
        done = 0

        def advance(rows: int) -> None:
            nonlocal done
            done += rows
            if bar is not None and task is not None:
                rate = done / max(time.monotonic() - started, 1e-9)
                bar.update(task, advance=rows, rate=f"{rate:,.0f}")

        run = run_sweep(sweep_city, ensemble, out, chunk_size, client=client, on_chunk=advance)
    rows = read_table(out, run.chunks, compiled)
    ranking = aggregate.rank_assets(compiled, rows)
    payload = {
        "city": compiled.city.name,
        "ensemble": ensemble.kind,
        "horizon_h": sweep_city.horizon_h,
        "plan": sweep_city.with_plan,
        "cooled": sweep_city.cooled,
        "scenarios": rows.scenarios,
        "chunks": {"total": run.chunks, "computed": run.computed, "skipped": run.skipped},
        "summary": aggregate.summarise(rows),
        "ranked_by": aggregate.cold_metric(rows.figures),
        "assets": ranking.to_dict(orient="records"),
    }
    with step("interactions: each asset of a pair alone", not json_out):
        payload["interactions"] = _interactions(sweep_city, rows)
    if json_out:
        emit_json(payload)
        return
    _print_report(payload, out)


def _sweep_city(
    compiled: Any, weather: Path | None, conditions: Path | None, impact_only: bool
) -> Any:
    """The city under the chosen weather, crews and settings."""
    import numpy as np

    from warmgrid.scenario.run import forecast_weather
    from warmgrid.scenario.spec import demo_scenario, load_scenario
    from warmgrid.sweep.city import SweepCity
    from warmgrid.thermal.weather import coldest_window, read_weather

    if impact_only:
        if weather is not None or conditions is not None:
            raise InputError("--impact-only", "takes no --weather or --conditions")
        return SweepCity.impact_only(compiled)
    suffix = weather.suffix.lower() if weather is not None else ""
    if conditions is not None:
        settings = load_scenario(conditions)
    elif suffix == ".toml" and weather is not None:
        settings = load_scenario(weather)
    else:
        settings = demo_scenario()
    chosen = None
    if suffix == ".toml" and conditions is not None and weather is not None:
        forecast = load_scenario(weather)
        chosen = forecast_weather(forecast).window(0, int(np.ceil(forecast.weather.hours)))
    elif suffix == ".epw" and weather is not None:
        chosen = coldest_window(read_weather(weather))
    elif suffix == ".csv" and weather is not None:
        chosen = read_weather(weather)
    elif weather is not None and suffix != ".toml":
        raise InputError(str(weather), "expected a scenario .toml, a .csv forecast or an .epw file")
    return SweepCity.under(compiled, settings, chosen)


def _interactions(city: Any, rows: Any) -> list[dict[str, Any]]:
    """The interacting pairs of the two-asset scenarios, each asset alone computed here."""
    import numpy as np

    from warmgrid.sweep.aggregate import cold_metric
    from warmgrid.sweep.evaluate import evaluate_block
    from warmgrid.sweep.interactions import interactions, pair_assets

    singles = pair_assets(rows)
    if not singles.size:
        return []
    metric = cold_metric(rows.figures)
    alone = np.full(city.compiled.n_assets, np.nan)
    alone[singles] = evaluate_block(city, 0, singles[:, None])[metric].to_numpy(np.float64)
    ids = city.compiled.asset_ids.to_numpy()
    return interactions(rows, alone, metric, ids).to_dict(orient="records")


def _print_report(payload: dict[str, Any], out: Path) -> None:
    from rich.table import Table

    chunks = payload["chunks"]
    console.print(
        f"[bold]{payload['scenarios']} scenarios[/] of {payload['city']} in {out} "
        f"({chunks['computed']} chunks computed, {chunks['skipped']} already done)"
    )
    summary = Table(title="Ensemble")
    for column in ("", "mean", "95th percentile", "worst"):
        summary.add_column(column, justify="right" if column else "left")

    def cell(value: float | None, digits: int) -> str:
        return "-" if value is None else f"{value:,.{digits}f}"

    for name, figures in payload["summary"].items():
        if "share" in figures:
            console.print(f"drain deadline missed in {100 * figures['share']:.1f} % of scenarios")
            continue
        summary.add_row(
            figure_label(name),
            cell(figures["mean"], 1),
            cell(figures["p95"], 0),
            cell(figures["max"], 0),
        )
    console.print(summary)
    cold = f"expected_{payload['ranked_by']}"
    ranking = Table(title="Assets, worst first (expected loss when the asset is hit)")
    label = figure_label(payload["ranked_by"])
    for column in ("id", "name", "scenarios", label, "people w/o heat"):
        ranking.add_column(column, justify="left" if column in ("id", "name") else "right")
    for asset in payload["assets"][:20]:
        ranking.add_row(
            asset["id"],
            asset["name"],
            str(asset["scenarios"]),
            cell(asset[cold], 0),
            cell(asset["expected_people_without_heat"], 0),
        )
    console.print(ranking)
    if payload["interactions"]:
        pairs = Table(title=f"Pairs much worse together than alone ({label})")
        for column in ("first", "second", "together", "alone", "excess"):
            pairs.add_column(column, justify="left" if column in ("first", "second") else "right")
        for pair in payload["interactions"][:10]:
            pairs.add_row(
                pair["first"],
                pair["second"],
                cell(pair["joint"], 0),
                cell(pair["alone_first"] + pair["alone_second"], 0),
                cell(pair["excess"], 0),
            )
        console.print(pairs)


def register(app: typer.Typer) -> None:
    """Add ``sweep``."""
    app.command("sweep")(sweep_command)
