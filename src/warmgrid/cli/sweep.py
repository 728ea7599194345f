"""CLI command ``sweep``: a resilience sweep over many damage scenarios, on Dask."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from warmgrid.cli.common import CityArg, JsonOpt, load_city_arg
from warmgrid.cli.output import console, emit_json, err_console
from warmgrid.errors import InputError

DEFAULT_CHUNK_SIZE = 100


def _ensemble(
    compiled: Any,
    k: int | None,
    samples: int | None,
    pairs: bool,
    scenarios: Path | None,
    seed: int,
) -> Any:
    from warmgrid.sweep import ensembles

    chosen = [k is not None, pairs, scenarios is not None]
    if sum(chosen) != 1:
        raise InputError("sweep", "give exactly one of --k K --samples N, --pairs, --scenarios F")
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
    seed: Annotated[int, typer.Option(help="Seed of the sampling.")] = 0,
    weather: Annotated[
        Path | None,
        typer.Option(help="A scenario file whose weather and cool-down settings to use."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Local worker processes (default: one per core; 0: this process)."),
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="A Dask scheduler, tcp://HOST:PORT.")
    ] = None,
    chunk_size: Annotated[int, typer.Option(help="Scenarios per task.")] = DEFAULT_CHUNK_SIZE,
    json_out: JsonOpt = False,
) -> None:
    """Run many damage scenarios (on Dask) and rank the assets by what their loss costs."""
    import time
    from contextlib import nullcontext

    from warmgrid.model import compile_city
    from warmgrid.scenario.spec import demo_scenario, load_scenario
    from warmgrid.sweep import aggregate, store
    from warmgrid.sweep.city import SweepCity
    from warmgrid.sweep.engine import dask_client, run_sweep

    if workers is not None and scheduler is not None:
        raise InputError("sweep", "give --workers or --scheduler, not both")
    if workers is not None and workers < 0:
        raise InputError("--workers", f"must be 0 or more, got {workers}")
    compiled = compile_city(load_city_arg(city))
    ensemble = _ensemble(compiled, k, samples, pairs, scenarios, seed)
    conditions = demo_scenario() if weather is None else load_scenario(weather)
    sweep_city = SweepCity.under(compiled, conditions)
    show = not json_out and err_console.is_terminal
    bar = _progress_bar(ensemble.size) if show else None
    serial = workers == 0 and scheduler is None
    started = time.monotonic()
    with (
        nullcontext(None) if serial else dask_client(workers, scheduler) as client,
        bar or nullcontext(),
    ):
        task = bar.add_task("sweep", total=ensemble.size, rate="-") if bar else None
        done = 0

        def advance(rows: int) -> None:
            nonlocal done
            done += rows
            if bar is not None and task is not None:
                rate = done / max(time.monotonic() - started, 1e-9)
                bar.update(task, advance=rows, rate=f"{rate:,.0f}")

        run = run_sweep(sweep_city, ensemble, out, chunk_size, client=client, on_chunk=advance)
    rows = store.read_rows(out, run.chunks)
    ranking = aggregate.rank_assets(compiled, rows)
    payload = {
        "city": compiled.city.name,
        "ensemble": ensemble.kind,
        "horizon_h": sweep_city.horizon_h,
        "scenarios": len(rows),
        "chunks": {"total": run.chunks, "computed": run.computed, "skipped": run.skipped},
        "summary": aggregate.summarise(rows),
        "assets": ranking.to_dict(orient="records"),
    }
    if json_out:
        emit_json(payload)
        return
    _print_report(payload, out)


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
    for name, figures in payload["summary"].items():
        summary.add_row(
            name.replace("_", " "),
            f"{figures['mean']:.1f}",
            f"{figures['p95']:.0f}",
            f"{figures['max']:.0f}",
        )
    console.print(summary)
    ranking = Table(title="Assets, worst first (expected loss when the asset is hit)")
    for column in ("id", "name", "scenarios", "people w/o heat", "people w/o power"):
        ranking.add_column(column, justify="left" if column in ("id", "name") else "right")
    for asset in payload["assets"][:20]:
        ranking.add_row(
            asset["id"],
            asset["name"],
            str(asset["scenarios"]),
            f"{asset['expected_people_without_heat']:.0f}",
            f"{asset['expected_people_without_power']:.0f}",
        )
    console.print(ranking)


def register(app: typer.Typer) -> None:
    """Add ``sweep``."""
    app.command("sweep")(sweep_command)
