"""Optional dependencies: which extra of the warmgrid package brings which module.

The engines (model, impact, thermal, restore) need only the core dependencies; the HTTP
server and store, the exact solvers, the importers and plotting come with the extras
``server``, ``solve``, ``import`` and ``plot`` (``all`` for everything).
"""

from __future__ import annotations

EXTRA_OF_MODULE = {
    "fastapi": "server",
    "starlette": "server",
    "uvicorn": "server",
    "sqlalchemy": "server",
    "alembic": "server",
    "psycopg": "server",
    "pydantic": "server",
    "httpx": "server",
    "ortools": "solve",
    "highspy": "solve",
    "pandapower": "import",
    "pandapipes": "import",
    "simbench": "import",
    "pyrosm": "import",
    "geopandas": "import",
    "pyproj": "import",
    "matplotlib": "plot",
}


def missing_extra(error: ModuleNotFoundError) -> str | None:
    """The one-line advice for a missing optional module, or ``None`` if it is not one."""
    module = (error.name or "").split(".")[0]
    extra = EXTRA_OF_MODULE.get(module)
    if extra is None:
        return None
    return (
        f"this needs the optional dependency {module!r}: "
        f"install it with pip install 'warmgrid[{extra}]'"
    )
