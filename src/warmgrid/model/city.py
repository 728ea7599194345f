"""The City: columnar tables of network elements, buildings and dependencies.

A :class:`City` is what a user inspects and edits (pandas tables, one row per element,
stable string ids); :func:`warmgrid.model.compile.compile_city` turns it into the integer
arrays the engines use. :meth:`City.from_tables` fills defaults, coerces column types and
validates every reference, so that a City that exists is a consistent one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from warmgrid.errors import InputError
from warmgrid.model.customers import default_customers
from warmgrid.model.schema import TABLES, Column
from warmgrid.model.timezone import DEFAULT_TIMEZONE, check_timezone

ASSET_TABLES = ("nodes", "branches", "sources")


@dataclass
class City:
    """A city's coupled power and heat networks, its buildings and their dependencies.

    ``timezone`` is the IANA time zone of the city (``Europe/Kyiv``): alerts, plans,
    incidents and every display show times on its clock (see :mod:`warmgrid.model.timezone`).
    """

    name: str
    nodes: pd.DataFrame
    branches: pd.DataFrame
    sources: pd.DataFrame
    buildings: pd.DataFrame
    dependencies: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)
    timezone: str = DEFAULT_TIMEZONE

    @classmethod
    def from_tables(
        cls,
        name: str,
        *,
        nodes: pd.DataFrame,
        branches: pd.DataFrame | None = None,
        sources: pd.DataFrame | None = None,
        buildings: pd.DataFrame | None = None,
        dependencies: pd.DataFrame | None = None,
        meta: dict[str, Any] | None = None,
        timezone: str = DEFAULT_TIMEZONE,
        origin: str = "city",
    ) -> City:
        """Normalise and validate the tables; ``origin`` names the input in error messages."""
        timezone = check_timezone(timezone, f"{origin}: timezone")
        given = {
            "nodes": nodes,
            "branches": branches,
            "sources": sources,
            "buildings": buildings,
            "dependencies": dependencies,
        }
        tables = {table: normalise_table(frame, table, origin) for table, frame in given.items()}
        city = cls(name=name, meta=dict(meta or {}), timezone=timezone, **tables)
        validate_references(city, origin)
        return city

    def table(self, name: str) -> pd.DataFrame:
        """The table called ``name`` (one of :data:`warmgrid.model.schema.TABLES`)."""
        return getattr(self, name)

    def node_lonlat(self, node_ids: pd.Series | np.ndarray) -> np.ndarray:
        """Longitude and latitude (WGS 84 degrees, shape (n, 2)) of the nodes ``node_ids``
        (e.g. the sources' or the branch ends' ``node`` columns); NaN for a node without
        a position. Sources and branch ends are placed at their nodes this way everywhere."""
        return self.nodes.set_index("id")[["lon", "lat"]].reindex(node_ids).to_numpy(float)

    def asset_ids(self) -> pd.Index:
        """Ids of every asset that can be damaged: nodes, branches and sources."""
        return pd.Index(np.concatenate([self.nodes["id"], self.branches["id"], self.sources["id"]]))

    def summary(self) -> dict[str, Any]:
        """Counts per table and kind, people and critical facilities."""
        kinds = {
            table: self.table(table).groupby(["network", "kind"]).size().to_dict()
            for table in ASSET_TABLES
        }
        return {
            "name": self.name,
            "timezone": self.timezone,
            "nodes": len(self.nodes),
            "branches": len(self.branches),
            "sources": len(self.sources),
            "buildings": len(self.buildings),
            "dependencies": len(self.dependencies),
            "people": int(self.buildings["population"].sum()),
            "buildings_by_use": self.buildings["use"].value_counts().to_dict(),
            "kinds": {
                table: {f"{net}.{kind}": int(n) for (net, kind), n in counts.items()}
                for table, counts in kinds.items()
            },
        }


def _first(mask: pd.Series | np.ndarray) -> int:
    """Position of the first True row of a boolean column (the row an error names)."""
    return int(np.argmax(np.asarray(mask)))


def _shown(value: object) -> object:
    """A value as plain Python for messages: ``-5``, never ``np.int64(-5)``."""
    return value.item() if isinstance(value, np.generic) else value


def _where(origin: str, table: str, frame: pd.DataFrame, row: int) -> str:
    ident = frame["id"].iat[row] if "id" in frame.columns else None
    suffix = f" (id {ident!r})" if isinstance(ident, str) and ident else ""
    return f"{origin}: table {table}, row {row}{suffix}"


def _all_strings(values: pd.Series) -> bool:
    """True for an object column holding only ``str`` values (checked at C speed)."""
    return values.dtype == object and pd.api.types.infer_dtype(values, skipna=False) == "string"


def _fill_is_noop(values: pd.Series, default: object) -> bool:
    """True when filling missing values with ``default`` would change nothing but the dtype."""
    if values.dtype.kind in "biu":
        return True
    if values.dtype.kind == "f" and isinstance(default, float) and np.isnan(default):
        return True
    return _all_strings(values)


def _coerce(
    values: pd.Series,
    frame: pd.DataFrame,
    column: Column,
    table: str,
    origin: str,
    strings: bool | None = None,
) -> pd.Series:
    """``values`` as the column's type (``strings``: whether they are known to be all
    ``str`` already, None when not checked)."""
    if column.kind == "str":
        if _all_strings(values) if strings is None else strings:
            return values
        missing = values.isna()
        return values.where(~missing, "").astype(str)
    if column.kind == "bool":
        if values.dtype == bool:
            return values
        mapping = {True: True, False: False, "true": True, "false": False}
        mapped = values.map(lambda v: mapping.get(v.lower() if isinstance(v, str) else v))
        bad = mapped.isna()
        if bad.any():
            row = _first(bad)
            raise InputError(
                _where(origin, table, frame, row),
                f"{column.name} must be true or false, got {_shown(values.iat[row])!r}",
            )
        return mapped.astype(bool)
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() & values.notna()
    if column.kind == "int":
        bad |= numbers.notna() & (numbers != np.floor(numbers))
        bad |= numbers.isna()
    if bad.any():
        row = _first(bad)
        expected = "a whole number" if column.kind == "int" else "a number"
        raise InputError(
            _where(origin, table, frame, row),
            f"{column.name} must be {expected}, got {_shown(values.iat[row])!r}",
        )
    if column.minimum is not None:
        below = numbers < column.minimum
        if below.any():
            row = _first(below)
            raise InputError(
                _where(origin, table, frame, row),
                f"{column.name} must be at least {column.minimum:g}, "
                f"got {_shown(numbers.iat[row])!r}",
            )
    return numbers.astype(np.int64 if column.kind == "int" else np.float64)


def normalise_table(frame: pd.DataFrame | None, table: str, origin: str) -> pd.DataFrame:
    """Fill defaults, coerce types and check allowed values of one table."""
    columns = TABLES[table]
    if frame is None:
        frame = pd.DataFrame({c.name: pd.Series(dtype=object) for c in columns})
    if not frame.index.equals(pd.RangeIndex(len(frame))):
        frame = frame.reset_index(drop=True)
    out: dict[str, pd.Series] = {}
    for column in columns:
        strings = None
        if column.name not in frame.columns:
            if column.required:
                raise InputError(f"{origin}: table {table}", f"missing column {column.name!r}")
            values = pd.Series([column.default] * len(frame), dtype=object)
        elif not column.required and column.default is not None:
            values = frame[column.name]
            if _fill_is_noop(values, column.default):
                strings = values.dtype == object
            else:
                values = values.astype(object).where(values.notna(), column.default)
        else:
            values = frame[column.name]
            if column.required:
                strings = _all_strings(values)
                if strings:
                    empty = values.to_numpy() == ""
                elif values.dtype.kind in "biuf":  # a number is never an empty string
                    empty = values.isna()
                else:
                    empty = values.isna() | (values.astype(str) == "")
                if empty.any():
                    row = _first(empty)
                    raise InputError(_where(origin, table, frame, row), f"{column.name} is empty")
        out[column.name] = _coerce(values, frame, column, table, origin, strings)
        if column.allowed:
            bad = ~out[column.name].isin(column.allowed)
            if bad.any():
                row = _first(bad)
                raise InputError(
                    _where(origin, table, frame, row),
                    f"{column.name} {_shown(out[column.name].iat[row])!r} is not one of "
                    f"{', '.join(v for v in column.allowed if v)}",
                )
    if table == "buildings":
        out["customers"] = _customers(out, frame, origin)
    extra = [c for c in frame.columns if c not in out]
    result = pd.DataFrame(out, copy=False)
    for name in extra:
        result[name] = frame[name].to_numpy()
    return result


def _customers(out: dict[str, pd.Series], frame: pd.DataFrame, origin: str) -> pd.Series:
    """The ``customers`` column: given whole numbers, or the default where empty."""
    given = out["customers"]
    fractional = given.notna() & (given != np.floor(given))
    if fractional.any():
        row = _first(fractional)
        raise InputError(
            _where(origin, "buildings", frame, row),
            f"customers must be a whole number, got {given.iat[row]!r}",
        )
    default = default_customers(out["population"].to_numpy(), out["use"].to_numpy())
    filled = np.where(given.isna(), default, given.fillna(0).to_numpy())
    return pd.Series(filled.astype(np.int64), index=given.index)


def _check_unique(city: City, origin: str) -> pd.Index:
    """The ids of every asset (nodes, branches, sources in that order), checked unique, as
    one hashed index that every reference is then looked up in."""
    ids = city.asset_ids()
    if not ids.is_unique:
        duplicated = ids.duplicated()
        raise InputError(origin, f"asset id {_shown(ids[duplicated][0])!r} is used more than once")
    building_dupes = city.buildings["id"].duplicated()
    if building_dupes.any():
        row = _first(building_dupes)
        raise InputError(
            _where(origin, "buildings", city.buildings, row), "building id is used more than once"
        )
    return ids


def _check_refs(
    frame: pd.DataFrame,
    table: str,
    column: str,
    ids: pd.Index,
    span: tuple[int, int],
    target_name: str,
    origin: str,
    *,
    optional: bool,
    network: np.ndarray | None = None,
    asset_network: np.ndarray | None = None,
) -> None:
    """Check that ``column`` names assets at positions ``span`` (start, stop) of ``ids``
    (all asset ids, unique: one hash lookup per value), in the same ``network`` when
    given (``asset_network``: the network of every asset)."""
    values = frame[column]
    names = values.to_numpy()
    present = names != ""
    if not optional:
        missing = ~present
        if missing.any():
            row = int(np.flatnonzero(missing)[0])
            raise InputError(_where(origin, table, frame, row), f"{column} is empty")
    positions = np.full(len(values), -1, dtype=np.intp)
    positions[present] = ids.get_indexer(names[present])
    dangling = present & ((positions < span[0]) | (positions >= span[1]))
    if dangling.any():
        row = int(np.flatnonzero(dangling)[0])
        raise InputError(
            _where(origin, table, frame, row),
            f"{column} {_shown(values.iat[row])!r} names no {target_name}",
        )
    if network is not None and asset_network is not None:
        rows = np.flatnonzero(present)
        target_nets = asset_network[positions[rows]]
        expected = network[rows]
        wrong = np.flatnonzero(target_nets != expected)
        if wrong.size:
            row = int(rows[wrong[0]])
            raise InputError(
                _where(origin, table, frame, row),
                f"{column} {_shown(values.iat[row])!r} is in the {target_nets[wrong[0]]} network, "
                f"expected the {expected[wrong[0]]} network",
            )


def validate_references(city: City, origin: str) -> None:
    """Check unique ids, references between tables, networks and coordinates."""
    ids = _check_unique(city, origin)
    nodes, branches, sources = city.nodes, city.branches, city.sources
    n_nodes, n_branches = len(nodes), len(branches)
    node_span = (0, n_nodes)
    networks = np.concatenate(
        [nodes["network"].to_numpy(), branches["network"].to_numpy(), sources["network"].to_numpy()]
    )
    for column, optional in (("from_node", False), ("to_node", True), ("third_node", True)):
        _check_refs(
            branches,
            "branches",
            column,
            ids,
            node_span,
            "node",
            origin,
            optional=optional,
            network=branches["network"].to_numpy(),
            asset_network=networks,
        )
    no_guard = branches["guards"].to_numpy() == ""
    two_terminal = (branches["to_node"].to_numpy() == "") & no_guard
    if two_terminal.any():
        row = _first(two_terminal)
        raise InputError(
            _where(origin, "branches", branches, row),
            "a branch needs to_node (or, for an element switch, guards)",
        )
    not_switch = ~no_guard & ~branches["kind"].isin(["switch", "valve"]).to_numpy()
    if not_switch.any():
        row = _first(not_switch)
        raise InputError(
            _where(origin, "branches", branches, row), "only switches and valves may guard"
        )
    branch_span = (n_nodes, n_nodes + n_branches)
    _check_refs(branches, "branches", "guards", ids, branch_span, "branch", origin, optional=True)
    _check_refs(
        sources,
        "sources",
        "node",
        ids,
        node_span,
        "node",
        origin,
        optional=False,
        network=sources["network"].to_numpy(),
        asset_network=networks,
    )
    buildings = city.buildings
    for column, net in (("power_node", "power"), ("heat_node", "heat")):
        _check_refs(
            buildings,
            "buildings",
            column,
            ids,
            node_span,
            "node",
            origin,
            optional=True,
            network=np.full(len(buildings), net, dtype=object),
            asset_network=networks,
        )
    deps = city.dependencies
    _check_refs(
        deps,
        "dependencies",
        "asset",
        ids,
        (n_nodes, len(ids)),
        "branch or source",
        origin,
        optional=False,
    )
    _check_refs(
        deps,
        "dependencies",
        "node",
        ids,
        node_span,
        "node",
        origin,
        optional=False,
        network=deps["service"].to_numpy(),
        asset_network=networks,
    )
    for table in ("nodes", "buildings"):
        frame = city.table(table)
        bad = (frame["lon"].abs() > 180) | (frame["lat"].abs() > 90)
        if bad.any():
            row = _first(bad)
            raise InputError(
                _where(origin, table, frame, row),
                f"lon/lat ({frame['lon'].iat[row]}, {frame['lat'].iat[row]}) is not a WGS84 "
                "position (lon within ±180, lat within ±90 degrees)",
            )
