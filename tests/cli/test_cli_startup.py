"""Start-up: importing the command line, ``--help`` and light commands pull in no heavy library.

Each case runs a fresh interpreter (the modules already imported by the test process
would hide a regression) and lists the modules loaded when the command has finished.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

DATA = Path(__file__).parents[1] / "data"

# Heavy libraries no command line start-up may pay for (issue 10: start-up).
FORBIDDEN = ("pandas", "igraph", "sqlalchemy", "fastapi", "ortools", "alembic", "pandapower")
# Besides those, the light commands must not need the numerical stack either (pydantic is
# not listed: typer itself validates parameters with it).
NUMERICAL = ("numpy", "scipy", "shapely", "matplotlib", "pvlib")

_PROBE = """
import atexit, json, sys
def _report():
    sys.__stderr__.write("\\nMODULES=" + json.dumps(sorted(sys.modules)) + "\\n")
atexit.register(_report)
sys.argv = ["warmgrid", *json.loads(sys.argv[1])]
from warmgrid.cli import main
main()
"""


def loaded_modules(*args: str) -> set[str]:
    """Top-level packages imported by ``warmgrid ARGS`` run to completion in a new process."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    line = done.stderr.rsplit("MODULES=", 1)[-1]
    return {name.split(".")[0] for name in json.loads(line)}


def test_importing_the_cli_loads_no_heavy_library() -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import sys, warmgrid.cli; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    top = {name.split(".")[0] for name in done.stdout.split()}
    assert top.isdisjoint(FORBIDDEN + NUMERICAL), sorted(top & set(FORBIDDEN + NUMERICAL))


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("alert", "--help"),
        ("alert", "validate", str(DATA / "cap-samples" / "weather.cap")),
        ("incident", "add", "--help"),
        ("plan", "--help"),
        ("rotation", "publish", "--help"),
    ],
    ids=lambda args: " ".join(a for a in args if "/" not in a),
)
def test_light_commands_stay_light(args: tuple[str, ...]) -> None:
    top = loaded_modules(*args)
    assert "typer" in top  # the probe really ran the command line
    heavy = top & set(FORBIDDEN + NUMERICAL)
    assert not heavy, f"warmgrid {' '.join(args)} imported {sorted(heavy)}"


def test_the_impact_engine_needs_no_database_web_or_solver() -> None:
    top = loaded_modules("impact", "demo", "--damage", "power.trafo.0", "--json")
    assert "numpy" in top
    banned = {"sqlalchemy", "fastapi", "ortools", "alembic", "matplotlib", "pandapower", "pvlib"}
    assert top.isdisjoint(banned), sorted(top & banned)


def test_screening_loads_igraph_without_matplotlib() -> None:
    top = loaded_modules("screen", "demo", "--json", "--top", "1")
    assert "igraph" in top
    assert "matplotlib" not in top


def test_matplotlib_still_imports_after_igraph() -> None:
    code = (
        "from warmgrid.impact.graph_library import load_igraph; load_igraph(); "
        "import matplotlib.pyplot as plt; print(plt.figure().number)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert done.stdout.strip() == "1"


def _modules_after(code: str) -> set[str]:
    """Every module (dotted names) loaded by running ``code`` in a new interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return set(done.stdout.split())


def test_importing_the_restore_package_loads_none_of_its_modules() -> None:
    loaded = _modules_after("import warmgrid.restore")
    assert not {m for m in loaded if m.startswith("warmgrid.restore.")}, sorted(loaded)
    assert "numpy" not in loaded


def test_a_restore_submodule_loads_only_what_it_imports() -> None:
    loaded = _modules_after("import warmgrid.restore.problem")
    restore = {m for m in loaded if m.startswith("warmgrid.restore.")}
    assert restore == {"warmgrid.restore.problem", "warmgrid.restore.travel"}
    assert loaded.isdisjoint({"ortools", "highspy", "matplotlib", "pandas"})


@pytest.mark.parametrize("package", ["warmgrid.restore", "warmgrid.model"])
def test_a_lazy_package_still_offers_every_public_name(package: str) -> None:
    import importlib

    lazy = importlib.import_module(package)
    for name in lazy.__all__:
        module = importlib.import_module(f"{package}.{lazy._SUBMODULE[name]}")
        assert getattr(lazy, name) is getattr(module, name)
    assert set(lazy.__all__) == set(lazy._SUBMODULE)
    with pytest.raises(AttributeError):
        _ = lazy.no_such_name


def test_listing_incidents_of_an_up_to_date_store_needs_no_pandas_or_alembic(
    tmp_path: Path,
) -> None:
    from warmgrid.store import open_store

    db = tmp_path / "store.db"
    open_store(f"sqlite:///{db}").close()
    top = loaded_modules("incident", "list", "--db", str(db), "--json")
    assert "sqlalchemy" in top  # the probe really opened the store
    heavy = top & {"pandas", "numpy", "alembic", "igraph", "fastapi", "ortools"}
    assert not heavy, sorted(heavy)


def test_a_city_s_time_zone_needs_no_pandas() -> None:
    loaded = _modules_after(
        "from warmgrid.model.open import city_timezone; assert city_timezone('demo')"
    )
    assert loaded.isdisjoint({"pandas", "numpy", "pyarrow"}), sorted(
        loaded & {"pandas", "numpy", "pyarrow"}
    )
