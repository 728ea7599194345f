"""``warmgrid plan`` as a user runs it: problem files, city scenarios, charts, errors."""

from __future__ import annotations

import json
from pathlib import Path
from traceback import format_exception

import pytest
from restore_helpers import violations
from typer.testing import CliRunner

from warmgrid.cli import app
from warmgrid.restore.problem_file import load_problem
from warmgrid.restore.schedule import simulate

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "sample_problem.json"
CREWS = DATA / "demo_crews.json"
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.mark.parametrize("solver", ["heuristic", "exact"])
def test_plan_json_from_problem_file(solver: str) -> None:
    result = run("plan", "--problem", SAMPLE, "--solver", solver, "--time-limit", "5", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    for key in ("objective", "status", "group_restored_h", "routes", "metrics", "baselines"):
        assert key in out
    assert out["status"] == ("optimal" if solver == "exact" else "feasible")
    problem = load_problem(SAMPLE)
    index = problem.task_index
    routes = [[index[t] for t in out["routes"][c.id]] for c in problem.crews]
    schedule = simulate(problem, routes)
    assert violations(problem, schedule) == []
    assert out["objective"] == pytest.approx(schedule.objective)
    assert out["group_restored_h"]["hospital"] == pytest.approx(
        max(out["task_end_h"]["trafo-north"], out["task_end_h"]["line-north"])
    )
    for b in out["baselines"].values():
        assert b["objective"] >= out["objective"] - 1e-6
    curve = out["restoration_curve"]
    total = sum(g.people for g in problem.groups)
    assert curve[0]["people_without_power_or_heat"] == total  # no members: distinct people
    assert curve[-1]["people_without_power_or_heat"] == 0
    people_hours = sum(g.people * out["group_restored_h"][g.id] for g in problem.groups)
    assert out["metrics"]["people_hours_without_power_or_heat"] == pytest.approx(people_hours)
    cmi = sum(g.customers * out["group_restored_h"][g.id] * 60 for g in problem.groups)
    assert out["metrics"]["customer_minutes_interrupted"] == pytest.approx(cmi)


def test_exact_is_never_worse_than_heuristic() -> None:
    h = json.loads(run("plan", "--problem", SAMPLE, "--json", "--time-limit", "1").stdout)
    e = json.loads(
        run("plan", "--problem", SAMPLE, "--json", "--solver", "exact", "--time-limit", "5").stdout
    )
    assert e["objective"] <= h["objective"] + 1e-6


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_gantt_chart_is_written(tmp_path: Path, suffix: str) -> None:
    chart = tmp_path / f"plan{suffix}"
    result = run("plan", "--problem", SAMPLE, "--time-limit", "1", "--gantt", chart)
    assert result.exit_code == 0, (result.output, "".join(format_exception(*result.exc_info)))
    assert "Gantt chart written" in result.stdout
    head = chart.read_bytes()[:200]
    assert head.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in chart.read_bytes()


def test_human_output_lists_routes_and_baselines() -> None:
    result = run("plan", "--problem", SAMPLE, "--time-limit", "1")
    assert result.exit_code == 0, result.output
    for word in ("electric-1", "trafo-north", "Baseline nearest", "Customer minutes"):
        assert word in result.stdout


def test_plan_for_the_demo_city() -> None:
    damage = "power.trafo.3,heat.pipe.7,heat.pump.0"
    result = run(
        "plan", "demo", "--damage", damage, "--crews", CREWS, "--json", "--time-limit", "2"
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out["asset_etr_h"]) == set(damage.split(","))
    assert out["building_etr"]
    for row in out["building_etr"]:
        assert row["power_etr_h"] is not None or row["heat_etr_h"] is not None
    routed = [t for r in out["routes"].values() for t in r]
    assert sorted(routed) == sorted(damage.split(","))


def _tmp_problem(tmp_path: Path, change) -> Path:
    data = json.loads(SAMPLE.read_text())
    change(data)
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d["tasks"][2].update(skill="diving"), "no crew has skill 'diving'"),
        (lambda d: d["tasks"][0].update(after=["line-north"]), "precedence cycle"),
        (lambda d: d["groups"][0]["needs"].append("ghost"), "unknown task id 'ghost'"),
        (lambda d: d["tasks"][4].update(duration_h=-1), "trafo-south"),
    ],
)
def test_bad_problem_exits_2_without_traceback(tmp_path: Path, change, words: str) -> None:
    result = run("plan", "--problem", _tmp_problem(tmp_path, change), "--json")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert words in result.output
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ["plan"],
        ["plan", "--problem", "missing.json"],
        ["plan", "--problem", SAMPLE, "--solver", "magic"],
        ["plan", "--problem", SAMPLE, "--time-limit", "0"],
        ["plan", "--problem", SAMPLE, "--gantt", "chart.gif"],
        ["plan", "demo", "--problem", SAMPLE],
        ["plan", "demo", "--damage", "power.nothing.9", "--crews", CREWS],
    ],
)
def test_bad_arguments_exit_2(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output


def test_svg_chart_survives_pandapipes_patching_matplotlib(tmp_path: Path) -> None:
    import pandapipes  # noqa: F401  (its plotting module replaces RendererBase.new_gc)
    from matplotlib.backend_bases import RendererBase

    patched = RendererBase.new_gc
    chart = tmp_path / "plan.svg"
    result = run("plan", "--problem", SAMPLE, "--time-limit", "1", "--gantt", chart)
    assert result.exit_code == 0, (result.output, "".join(format_exception(*result.exc_info)))
    assert chart.read_text().lstrip().startswith("<?xml")
    assert RendererBase.new_gc == patched


@pytest.mark.parametrize(
    ("option", "value"), [("--speed-kmh", "0"), ("--speed-kmh", "nan"), ("--road-factor", "0.5")]
)
def test_travel_options_are_refused_by_their_own_name(option: str, value: str) -> None:
    """A bad crew speed or road factor names the option given, not the crews file."""
    result = run("plan", "demo", option, value)
    assert result.exit_code == 2, result.output
    assert option in result.output and "crews.json" not in result.output
