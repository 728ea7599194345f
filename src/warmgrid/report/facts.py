"""The figures of a situation report, read from one scenario :class:`Assessment`.

Nothing here runs an engine: every number is taken from the assessment the scenario
pipeline produced (impact, cool-down, plan, alerts), so the report, the CLI and the API
agree by construction. Durations are hours after the scenario start (``*_h``); moments are
aware datetimes in the city's zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from warmgrid.impact.trace import TraceStep
from warmgrid.scenario.run import Assessment

THRESHOLDS_C = (12.0, 5.0)
WHY_SHOWN = 6  # why-chains traced in a report: the largest groups (pages stay 1-3)


@dataclass(frozen=True)
class Critical:
    """A hospital, school or care home that lost a service."""

    id: str
    name: str
    use: str
    services: tuple[str, ...]


@dataclass(frozen=True)
class WhyGroup:
    """Buildings that lost ``service`` for the same reason, and the repairs that end it."""

    service: str
    buildings: int
    people: int
    steps: tuple[TraceStep, ...]
    needs: tuple[str, ...]


@dataclass(frozen=True)
class Repair:
    """One task of a crew's route, hours after the start."""

    crew: str
    asset: str
    start_h: float
    end_h: float


@dataclass(frozen=True)
class EtrRow:
    """When one group of customers gets a service back under the plan."""

    service: str
    people: int
    customers: int
    needs: tuple[str, ...]
    restored_h: float


@dataclass(frozen=True)
class CooldownSeries:
    """People below each threshold over time, without and with the restoration plan.

    With the plan a building counts as below a threshold only until its heat ETR (the
    hours its rooms need to warm up again are not counted).
    """

    time_h: np.ndarray
    without_plan: dict[float, np.ndarray]
    with_plan: dict[float, np.ndarray]


@dataclass(frozen=True)
class IssuedAlert:
    """A public alert named in the report: ``status`` is ``prepared`` or ``published``."""

    identifier: str
    headlines: dict[str, str]  # language ("en", "uk") → headline
    sent: str
    status: str

    def headline(self, language: str) -> str:
        """The headline in ``language``, else in the first language the alert has."""
        return self.headlines.get(language) or next(iter(self.headlines.values()), "")


@dataclass(frozen=True)
class OutageArea:
    """The area of one public outage alert: its ring in (lon, lat) WGS84 degrees and the
    alert's parameters (``ETR``, ``PeopleWithoutPower``, ``PeopleWithoutHeat``)."""

    identifier: str
    name: str
    description: str
    ring_lonlat: tuple[tuple[float, float], ...]
    parameters: dict[str, str]

    @property
    def etr(self) -> str | None:
        """The published ETR (a CAP time), or None when unknown."""
        value = self.parameters.get("ETR", "unknown")
        return None if value == "unknown" else value


def outage_areas(assessment: Assessment) -> list[OutageArea]:
    """The outage area of every public alert of the assessment (CAP polygons are lat, lon)."""
    areas = []
    for message in assessment.alerts:
        info = message.infos[0]
        area = info.areas[0]
        areas.append(
            OutageArea(
                identifier=message.identifier,
                name=area.description.split(":")[0],
                description=area.description,
                ring_lonlat=tuple((lon, lat) for lat, lon in area.polygons[0].points),
                parameters={p.value_name: p.value for p in info.parameters},
            )
        )
    return areas


@dataclass(frozen=True)
class LoggedIncident:
    """An incident of the log, with the sources of its reports (``source (kind)``)."""

    title: str
    kind: str
    status: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Facts:
    """Everything a situation report states, language-neutral."""

    city: str
    scenario: str
    description: str
    number: int
    start: datetime
    as_of: datetime
    next_update: datetime
    people_without_power: int
    people_without_heat: int
    buildings_without_power: int
    buildings_without_heat: int
    buildings_total: int
    damaged_assets: tuple[str, ...]
    damage_labels: tuple[str, ...]
    critical: tuple[Critical, ...]
    first_below_h: dict[float, float]
    people_below_12_at_24h: int | None
    drain_deadline_h: float
    cold_before_heat_back: int | None
    horizon_h: float
    outdoor_min_c: float
    outdoor_max_c: float
    why: tuple[WhyGroup, ...]
    why_more: tuple[int, int]  # groups and people whose chains the report leaves out
    repairs: tuple[Repair, ...]
    etr: tuple[EtrRow, ...]
    plan_note: str
    cooldown: CooldownSeries
    alerts: tuple[IssuedAlert, ...]
    incidents: tuple[LoggedIncident, ...]
    warming_centres: tuple[str, ...]
    sources: tuple[tuple[str, str], ...] = field(default=())

    def clock(self, hours: float) -> datetime:
        """The moment ``hours`` after the scenario start, in the report's zone."""
        return self.start + timedelta(hours=float(hours))


def _critical(assessment: Assessment) -> tuple[Critical, ...]:
    impact = assessment.impact
    buildings = assessment.city.buildings.set_index("id")
    lost: dict[str, list[str]] = {}
    for service in ("power", "heat"):
        for ident in impact.critical_without(service):
            lost.setdefault(ident, []).append(service)
    return tuple(
        Critical(
            id=ident,
            name=str(buildings.at[ident, "name"]),
            use=str(buildings.at[ident, "use"]),
            services=tuple(services),
        )
        for ident, services in lost.items()
    )


def _why(
    assessment: Assessment, asset_cost: dict[str, float] | None
) -> tuple[tuple[WhyGroup, ...], int, int]:
    """The :data:`WHY_SHOWN` largest groups with their chains, and the number of groups
    and people left out (a chain is traced only for the groups shown)."""
    impact = assessment.impact
    ids = assessment.city.buildings["id"].to_numpy()
    population = impact.compiled.building_population
    groups = impact.restoration_groups(asset_cost)
    people = [int(population[g.building_index].sum()) for g in groups]
    order = sorted(range(len(groups)), key=lambda k: -people[k])
    shown = []
    for k in order[:WHY_SHOWN]:
        group = groups[k]
        first = str(ids[int(group.building_index[0])])
        shown.append(
            WhyGroup(
                service=group.service,
                buildings=len(group.building_index),
                people=people[k],
                steps=tuple(impact.explain(first).get(group.service, [])),
                needs=tuple(group.needs),
            )
        )
    hidden = order[WHY_SHOWN:]
    return tuple(shown), len(hidden), sum(people[k] for k in hidden)


def _plan_rows(assessment: Assessment) -> tuple[tuple[Repair, ...], tuple[EtrRow, ...]]:
    plan = assessment.plan
    if plan is None:
        return (), ()
    problem, schedule = plan.problem, plan.schedule
    repairs = tuple(
        Repair(
            crew=crew.id,
            asset=problem.tasks[t].id,
            start_h=float(schedule.start_h[t]),
            end_h=float(schedule.end_h[t]),
        )
        for crew, route in zip(problem.crews, schedule.routes, strict=True)
        for t in route
    )
    etr = tuple(
        sorted(
            (
                EtrRow(
                    service=group.service or "",
                    people=round(group.people),
                    customers=round(group.customers),
                    needs=tuple(group.needs),
                    restored_h=float(restored_h),
                )
                for group, restored_h in zip(problem.groups, schedule.group_restored_h, strict=True)
            ),
            key=lambda row: row.restored_h,
        )
    )
    return repairs, etr


def cooldown_series(assessment: Assessment) -> CooldownSeries:
    """People below 12 °C and 5 °C at every cool-down step, without and with the plan."""
    cool = assessment.cooldown
    if not cool.building_ids:
        empty = np.zeros(0)
        return CooldownSeries(
            time_h=empty,
            without_plan={t: empty for t in THRESHOLDS_C},
            with_plan={t: empty for t in THRESHOLDS_C},
        )
    etr = (
        assessment.building_etr.set_index("id")
        .reindex(cool.building_ids)["heat_etr_h"]
        .to_numpy(dtype=float)
    )
    without = {t: cool.people_below_series(t) for t in THRESHOLDS_C}
    with_plan = {t: cool.people_below_series(t, etr) for t in THRESHOLDS_C}
    return CooldownSeries(time_h=cool.time_h, without_plan=without, with_plan=with_plan)


def _cooldown_figures(
    assessment: Assessment,
) -> tuple[dict[float, float], int | None, float, int | None]:
    cool = assessment.cooldown
    horizon = assessment.scenario.weather.hours
    if not cool.building_ids:
        return {t: float("nan") for t in THRESHOLDS_C}, None, float("inf"), None
    first = {t: assessment.first_homes_below_h(t) for t in THRESHOLDS_C}
    at_24 = cool.people_below(12, 24.0) if horizon >= 24.0 else None
    drain = cool.network.drain_deadline_h if cool.network is not None else float("inf")
    return first, at_24, float(drain), assessment.people_cold_before_heat_back()


def _sources(assessment: Assessment) -> tuple[tuple[str, str], ...]:
    """(what, where from) pairs; ``what`` keys the report's words (``src_*``), ``where
    from`` is a file, a name or an empty string for warmgrid's own engines."""
    scenario, city = assessment.scenario, assessment.city
    sources = [
        ("scenario", f"{scenario.name} ({scenario.source})"),
        ("city", " — ".join(filter(None, (city.name, city.meta.get("description", ""))))),
        ("weather", f"{scenario.source}, {scenario.weather.hours:g} h"),
        ("impact", ""),
        ("cooldown", ""),
    ]
    if assessment.plan is not None:
        sources.append(("plan", f"{assessment.plan.solver}, {assessment.plan.status}"))
    return tuple(sources)


def report_facts(
    assessment: Assessment,
    *,
    number: int = 1,
    as_of: datetime | None = None,
    next_update_h: float = 6.0,
    published: Sequence[IssuedAlert] = (),
    incidents: Sequence[LoggedIncident] = (),
) -> Facts:
    """The report's figures; ``as_of`` defaults to the scenario start, shown in the city's zone.

    ``published`` are alerts already published from the store (any sequence); the
    assessment's own outage alerts are listed after them as ``prepared``.
    """
    scenario, impact = assessment.scenario, assessment.impact
    start = assessment.local_start()
    zone = start.tzinfo
    moment = as_of.astimezone(zone) if as_of is not None else start
    plan = assessment.plan
    tasks = plan.problem.tasks if plan else ()
    cost = {t.id: t.duration_h for t in tasks if t.skill != "switching"} if plan else None
    first, at_24, drain, cold_first = _cooldown_figures(assessment)
    repairs, etr = _plan_rows(assessment)
    why, more_groups, more_people = _why(assessment, cost)
    prepared = tuple(
        IssuedAlert(
            identifier=message.identifier,
            headlines={info.language: info.headline for info in message.infos},
            sent=message.sent.isoformat(),
            status="prepared",
        )
        for message in assessment.alerts
    )
    forecast = scenario.weather.outdoor_temp_c
    return Facts(
        city=assessment.city.name,
        scenario=scenario.name,
        description=scenario.description,
        number=number,
        start=start,
        as_of=moment,
        next_update=moment + timedelta(hours=next_update_h),
        people_without_power=int(impact.people_without_power),
        people_without_heat=int(impact.people_without_heat),
        buildings_without_power=int(impact.building_without_power.sum()),
        buildings_without_heat=int(impact.building_without_heat.sum()),
        buildings_total=len(assessment.city.buildings),
        damaged_assets=tuple(impact.damaged_asset_ids),
        damage_labels=tuple(label for label in scenario.damage_labels if label),
        critical=_critical(assessment),
        first_below_h=first,
        people_below_12_at_24h=at_24,
        drain_deadline_h=drain,
        cold_before_heat_back=cold_first,
        horizon_h=scenario.weather.hours,
        outdoor_min_c=float(min(forecast)),
        outdoor_max_c=float(max(forecast)),
        why=why,
        why_more=(more_groups, more_people),
        repairs=repairs,
        etr=etr,
        plan_note=plan.note if plan else "",
        cooldown=cooldown_series(assessment),
        alerts=(*published, *prepared),
        incidents=tuple(incidents),
        warming_centres=tuple(centre.name for centre in scenario.warming_centres),
        sources=_sources(assessment),
    )


def is_finite(hours: float | None) -> bool:
    """True when ``hours`` is a real time within reach (not None, NaN nor infinity)."""
    return hours is not None and bool(np.isfinite(hours))
