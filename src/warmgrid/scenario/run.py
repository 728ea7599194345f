"""Run the engines for one scenario into an :class:`Assessment`.

Impact → cool-down of the buildings without heat → restoration plan (weighted by how
soon homes get cold) → ETR per building → public outage alerts. The Assessment is what
the CLI, the API, the reports and the alerts all read.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
import pandas as pd

from warmgrid.alerts.deployment import Deployment
from warmgrid.alerts.message import Message
from warmgrid.alerts.outage import OutageBuildings, outage_alerts
from warmgrid.errors import InputError, UnknownIdError
from warmgrid.impact import ImpactResult, assess
from warmgrid.impact.switching import SwitchingPlan, propose_switching
from warmgrid.model import City, CompiledCity, compile_city
from warmgrid.model.open import open_city
from warmgrid.model.timezone import local_time
from warmgrid.restore.backup import refuel_deadlines
from warmgrid.restore.from_city import (
    DEFAULT_ROAD_FACTOR,
    DEFAULT_SPEED_KMH,
    AssetTable,
    building_etr,
    problem_from_impact,
)
from warmgrid.restore.plan import Plan, make_plan
from warmgrid.scenario.spec import CooldownSettings, Scenario
from warmgrid.thermal.city import CityCooldown, city_cooldown, stagnant_heat_branches
from warmgrid.thermal.weather import Weather


@dataclass
class Assessment:
    """Everything warmgrid knows about one situation."""

    scenario: Scenario
    city: City
    compiled: CompiledCity
    impact: ImpactResult
    cooldown: CityCooldown
    plan: Plan | None
    building_etr: pd.DataFrame  # id, power_etr_h, heat_etr_h (hours after the start)
    alerts: list[Message]
    switching: SwitchingPlan | None = None  # switching before repair (the plan's first steps)

    def etr_h(self) -> np.ndarray:
        """Per building (row order of the city), hours until every lost service is back;
        NaN where nothing was lost or no plan brings it back."""
        return self.outage_at(0.0).etr_h

    def local_start(self) -> datetime:
        """The scenario's start on the city's clock."""
        return local_time(self.scenario.start, self.city.timezone)

    def outage_at(self, elapsed_h: float) -> OutageBuildings:
        """The buildings still without a service ``elapsed_h`` hours after the start under
        the plan (see :func:`outage_at`), with the hours until their coldest flats fall
        below 12 °C."""
        return outage_at(
            self.city, self.impact, self.building_etr, elapsed_h, self.coldest_flats_h(12.0)
        )

    def coldest_flats_h(self, threshold_c: float = 12.0) -> np.ndarray:
        """Per building (row order of the city), hours until its coldest flats fall below
        ``threshold_c``; NaN where it keeps its heat or no flat does within the forecast."""
        out = np.full(len(self.city.buildings), np.nan)
        if self.cooldown.building_ids:
            rows = np.flatnonzero(self.impact.building_without_heat)
            out[rows] = self.cooldown.first_flat_hours_to(threshold_c)
        return out

    def first_homes_below_h(self, threshold_c: float) -> float:
        """Hours until the first flat of a home (a residential building) without heat falls
        below ``threshold_c``; NaN if none does within the forecast."""
        rows = np.flatnonzero(self.impact.building_without_heat)
        homes = self.city.buildings["use"].to_numpy()[rows] == "residential"
        if not self.cooldown.building_ids:
            return float("nan")
        return self.cooldown.first_flat_crossing_h(threshold_c, homes)

    def refuel_deadlines(self) -> list[dict[str, object]]:
        """The buildings on backup generators, when their fuel runs out (on the city's
        clock) and whether the plan's grid ETR comes later (see
        :func:`warmgrid.restore.backup.refuel_deadlines`)."""
        return refuel_deadlines(
            self.impact, self.building_etr, self.scenario.start, self.city.timezone
        )

    def people_cold_before_heat_back(self) -> int | None:
        """People whose flat falls below 12 °C before the plan gives its heat back (never
        back counts as before); ``None`` without a plan."""
        cool = self.cooldown
        if self.building_etr.empty:
            return None
        if not cool.building_ids:
            return 0
        etr = self.building_etr.set_index("id").reindex(cool.building_ids)["heat_etr_h"]
        hours = np.nan_to_num(cool.flats.hours_to[12.0], nan=np.inf)
        etr_h = np.nan_to_num(etr.to_numpy(dtype=float), nan=np.inf)[:, None]
        return round(float(cool.flats.people[hours < etr_h].sum()))


def outage_at(
    city: City,
    impact: ImpactResult,
    building_etr: pd.DataFrame,
    elapsed_h: float,
    cold_h: np.ndarray | None = None,
) -> OutageBuildings:
    """The buildings still without a service ``elapsed_h`` hours after a plan's start,
    with their ETRs counted from then (NaN: unknown). A service the plan has already
    restored is no longer out. A building off the grid with a backup generator has power
    until its fuel runs out, ``buildings.backup_fuel_h`` hours after the start (out from
    that moment on); an electrically heated building has heat only while it has power.
    ``building_etr``: ``id``, ``power_etr_h``, ``heat_etr_h`` (hours from the plan's
    start, NaN unknown), e.g. :func:`restoration_plan`'s; ``cold_h``: per building, hours
    from the start until its coldest flats fall below 12 °C (counted from then in the
    result)."""
    frame = building_etr.set_index("id").reindex(city.buildings["id"])
    power_etr = frame["power_etr_h"].to_numpy(dtype=float)
    heat_etr = frame["heat_etr_h"].to_numpy(dtype=float)
    compiled = impact.compiled
    fuel_left = compiled.building_backup_fuel_h > elapsed_h
    power = impact.building_off_grid & ~(power_etr <= elapsed_h) & ~fuel_left
    heat = impact.building_heat_network_lost & ~(heat_etr <= elapsed_h)
    heat |= compiled.building_electric_heating & power
    lost = np.stack([np.where(power, power_etr, -np.inf), np.where(heat, heat_etr, -np.inf)])
    with np.errstate(invalid="ignore"):
        etr = lost.max(axis=0) - elapsed_h
    unknown = np.isnan(lost).any(axis=0) | ~(power | heat)
    on_backup = impact.building_off_grid & ~(power_etr <= elapsed_h) & fuel_left
    backup_h = np.where(on_backup, compiled.building_backup_fuel_h - elapsed_h, np.nan)
    return OutageBuildings.from_table(
        city.buildings,
        power,
        heat,
        np.where(unknown, np.nan, np.maximum(etr, 0.0)),
        cold_h=None if cold_h is None else np.maximum(cold_h - elapsed_h, 0.0),
        backup_h=backup_h,
    )


def forecast_weather(scenario: Scenario) -> Weather:
    """The scenario's outdoor temperature forecast as hourly weather (no sun: night-time
    and overcast winter days are the case that matters)."""
    return Weather(temp_air_c=scenario.weather.hourly_c(), source=f"{scenario.source}: weather")


def cool_down(scenario: Scenario, city: City, impact: ImpactResult) -> CityCooldown:
    """Cool-down of every building without heat, and of the stagnant heat network, under
    the scenario's forecast."""
    return cool_down_under(
        city, impact, forecast_weather(scenario), scenario.weather.hours, scenario.cooldown
    )


def cool_down_under(
    city: City, impact: ImpactResult, weather: Weather, hours: float, settings: CooldownSettings
) -> CityCooldown:
    """Cool-down of every building without heat, and of the stagnant heat network, under
    ``weather`` over ``hours`` (hours)."""
    cold = city.buildings[impact.building_without_heat].reset_index(drop=True)
    return city_cooldown(
        cold,
        weather,
        hours=hours,
        step_h=settings.step_min / 60.0,
        start_temp_c=settings.set_point_c,
        branches=stagnant_heat_branches(city.branches, impact.unsupplied()["heat"]),
        water_temp_c=settings.water_temp_c,
    )


def cold_urgency_factor(
    city: City,
    impact: ImpactResult,
    cooldown: CityCooldown | None,
    urgency: float,
    horizon_h: float,
) -> np.ndarray:
    """Per building: 1 + urgency × (1 − t12 / horizon) for homes without heat, else 1;
    ``t12``: hours until the building's coldest flats fall below 12 °C. ``cooldown`` may
    be ``None`` only without urgency (``urgency`` ≤ 0)."""
    if urgency <= 0:
        return np.ones(len(city.buildings))
    if cooldown is None:
        raise ValueError("a cold urgency needs the cool-down of the buildings without heat")
    if not cooldown.building_ids:
        return np.ones(len(city.buildings))
    return urgency_factor(
        impact.building_without_heat, cooldown.first_flat_hours_to(12.0), urgency, horizon_h
    )


def urgency_factor(
    without_heat: np.ndarray, hours_to_12: np.ndarray, urgency: float, horizon_h: float
) -> np.ndarray:
    """Per building: 1 + urgency × (1 − t12 / horizon) where ``without_heat`` (t12, hours
    to 12 °C, given for those buildings in row order; NaN: not within the horizon), else 1."""
    factor = np.ones(without_heat.size)
    if urgency <= 0:
        return factor
    hours = np.nan_to_num(hours_to_12, nan=horizon_h)
    factor[without_heat] = 1.0 + urgency * (1.0 - np.clip(hours / horizon_h, 0.0, 1.0))
    return factor


def restoration_plan(
    scenario: Scenario,
    city: City,
    impact: ImpactResult,
    cooldown: CityCooldown | None,
    switching: SwitchingPlan | None = None,
    assets: AssetTable | None = None,
    *,
    speed_kmh: float = DEFAULT_SPEED_KMH,
    road_factor: float = DEFAULT_ROAD_FACTOR,
    seed: int = 0,
) -> tuple[Plan | None, pd.DataFrame]:
    """The crews' plan, ``switching`` first, and the ETR of every building that lost a
    service (no crews or no damage: no plan, and ETRs unknown). ``assets``: the city's
    :func:`~warmgrid.restore.from_city.asset_table`, when the caller keeps it.
    ``cooldown`` may be ``None`` when the scenario has no cold urgency. Travel (km/h, road
    ÷ straight-line distance) and the heuristic's ``seed`` as in
    :func:`~warmgrid.restore.from_city.problem_from_impact` and
    :func:`~warmgrid.restore.plan.make_plan`."""
    empty = pd.DataFrame({"id": [], "power_etr_h": [], "heat_etr_h": []})
    if not scenario.crews or not impact.damaged.any():
        return None, empty
    settings = scenario.plan
    factor = cold_urgency_factor(
        city, impact, cooldown, settings.cold_urgency, scenario.weather.hours
    )
    problem = problem_from_impact(
        city,
        impact,
        scenario.crews,
        repair_h=dict(settings.repair_h),
        building_factor=factor,
        source=scenario.source,
        switching=switching,
        assets=assets,
        speed_kmh=speed_kmh,
        road_factor=road_factor,
    )
    plan = make_plan(problem, solver=settings.solver, time_limit_s=settings.time_limit_s, seed=seed)
    return plan, building_etr(city, impact, problem, plan.schedule)


def public_alerts(
    assessment: Assessment,
    sent: datetime | None = None,
    *,
    deployment: Deployment | None = None,
    etr_hours: float | None = None,
) -> list[Message]:
    """One CAP 1.2 outage alert per contiguous outage area still out at ``sent`` (default:
    the start), times on the city's clock, ETRs from the plan counted from ``sent``
    (``etr_hours`` instead gives one ETR for every building), sent by ``deployment``
    (default: the scenario's)."""
    moment = local_time(sent or assessment.scenario.start, assessment.city.timezone)
    elapsed_h = (moment - assessment.scenario.start).total_seconds() / 3600.0
    buildings = assessment.outage_at(elapsed_h)
    if etr_hours is not None:
        buildings = replace(buildings, etr_h=np.full(len(buildings.people), etr_hours))
    return outage_alerts(
        buildings,
        list(assessment.scenario.warming_centres),
        issuer=(deployment or assessment.scenario.deployment).issuer(assessment.city.name),
        sent=moment,
    )


def run_scenario(
    scenario: Scenario,
    city: City | None = None,
    *,
    compiled: CompiledCity | None = None,
    assets: AssetTable | None = None,
) -> Assessment:
    """Run every engine for the scenario (its city is loaded unless given).

    A caller that runs many scenarios on one city (the console) passes the city's
    ``compiled`` form and its ``assets`` table, so they are built once."""
    city = city if city is not None else open_city(scenario.city)
    compiled = compiled if compiled is not None else compile_city(city)
    try:
        impact = assess(compiled, scenario.damage)
    except UnknownIdError as error:
        raise InputError(
            f"{scenario.source}: damage", f"unknown {error.kind} id {error.ident!r}"
        ) from None
    cooldown = cool_down(scenario, city, impact)
    switching = propose_switching(impact)
    plan, etr = restoration_plan(scenario, city, impact, cooldown, switching, assets)
    assessment = Assessment(
        scenario=scenario,
        city=city,
        compiled=compiled,
        impact=impact,
        cooldown=cooldown,
        plan=plan,
        building_etr=etr,
        alerts=[],
        switching=switching,
    )
    assessment.alerts = public_alerts(assessment)
    return assessment
