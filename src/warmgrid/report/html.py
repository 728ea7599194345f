"""The situation report as one self-contained HTML file (CSS and images inline).

Rendered with Jinja2 with autoescaping on: every text that comes from a user or a city
file (incident titles, building and asset names, scenario text) is escaped, so it shows
as text and never runs. Images are SVG documents inlined as ``data:`` URIs, so the file
makes no request of any kind.
"""

from __future__ import annotations

import base64
import tomllib
from collections.abc import Callable
from datetime import datetime
from functools import cache
from importlib import resources

from jinja2 import Environment, PackageLoader, StrictUndefined

import warmgrid
from warmgrid.alerts.texts import format_count, zone_label
from warmgrid.errors import InputError
from warmgrid.impact.trace import TraceStep
from warmgrid.impact.words import Labeller, needed_services
from warmgrid.model.timezone import etr_time
from warmgrid.report.facts import Facts, WhyGroup, is_finite
from warmgrid.report.plots import city_map, cooldown_chart
from warmgrid.scenario.run import Assessment

LANGUAGES = ("en", "uk")
ROWS_SHOWN = 12  # rows per table and names per list in a report (pages stay 1-3)
STEPS_SHOWN = 8  # lines of one why-chain
CLOCK = {"en": "%d %b %H:%M", "uk": "%d.%m %H:%M"}
DAY = {"en": "%d %b %Y %H:%M", "uk": "%d.%m.%Y %H:%M"}


@cache
def labels() -> dict[str, dict[str, str]]:
    """The report's words per language (``report/data/labels.toml``)."""
    text = resources.files("warmgrid.report").joinpath("data/labels.toml").read_text("utf-8")
    return tomllib.loads(text)


def check_language(lang: str) -> str:
    """``lang`` if the report speaks it, else :class:`InputError`."""
    if lang not in LANGUAGES:
        raise InputError("--lang", f"must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    return lang


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("warmgrid.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
    )


def data_uri(svg: str) -> str:
    """An SVG document as a ``data:`` URI."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


class _Words:
    """Number, time and sentence formatting in one language."""

    def __init__(self, facts: Facts, lang: str, names: Labeller) -> None:
        self.facts = facts
        self.lang = lang
        self.t = labels()[lang]
        self.names = names

    def num(self, value: float) -> str:
        return format_count(value, self.lang)

    def clock(self, hours: float) -> str:
        if not is_finite(hours):
            return self.t["not_within"].format(hours=f"{self.facts.horizon_h:g}")
        return self.facts.clock(hours).strftime(CLOCK[self.lang])

    def etr(self, hours: float) -> str:
        """A restoration time as published: rounded up to the quarter hour, as in the
        alerts (:func:`warmgrid.model.timezone.etr_time`)."""
        if not is_finite(hours):
            return self.clock(hours)
        return etr_time(self.facts.start, hours).strftime(CLOCK[self.lang])

    def moment(self, when: datetime) -> str:
        return f"{when.strftime(DAY[self.lang])} ({zone_label(when)})"

    def service(self, service: str) -> str:
        return self.t.get(f"service_{service}", service)

    def use(self, use: str) -> str:
        return self.t.get(f"use_{use}", use.replace("_", " "))

    def reason(self, step: TraceStep) -> str:
        asset = self.names.label(step.asset)
        if step.reason == "damaged":
            return self.t["why_damaged"].format(asset=asset)
        needs = needed_services(step)
        if needs:
            wanted = self.t["why_and"].join(
                self.t["why_need"].format(service=self.service(s), node=self.names.label(n))
                for s, n in needs
            )
            return self.t["why_needs"].format(asset=asset, needs=wanted)
        return self.t["why_other"].format(asset=asset, reason=step.reason)

    def chain_lines(self, group: WhyGroup) -> list[tuple[int, str]]:
        """(depth, sentence) of the first :data:`STEPS_SHOWN` steps of the chain, depth
        first, and a last line saying how many more there are."""
        lines: list[tuple[int, str]] = []
        pending = [(0, step) for step in reversed(group.steps)]
        total = 0
        while pending:
            depth, step = pending.pop()
            total += 1
            if len(lines) < STEPS_SHOWN:
                lines.append((depth, self.reason(step)))
            pending += [(depth + 1, child) for child in reversed(step.children)]
        if total > len(lines):
            lines.append((0, self.t["more_rows"].format(count=self.num(total - len(lines)))))
        return lines

    def group_title(self, group: WhyGroup) -> str:
        return self.t["why_group"].format(
            buildings=self.num(group.buildings),
            people=self.num(group.people),
            service=self.service(group.service),
        )

    def joined(self, asset_ids: tuple[str, ...]) -> str:
        """Labels of the first :data:`STEPS_SHOWN` ids, and how many more there are."""
        text = ", ".join(map(self.names.label, asset_ids[:STEPS_SHOWN]))
        if len(asset_ids) > STEPS_SHOWN:
            text += " " + self.t["more_rows"].format(count=len(asset_ids) - STEPS_SHOWN)
        return text

    def repair_text(self, group: WhyGroup) -> str:
        return self.t["why_repair"].format(assets=self.joined(group.needs))

    def highlights(self) -> list[str]:
        f, t = self.facts, self.t
        lines = []
        if f.people_without_power:
            lines.append(
                t["hl_power"].format(
                    people=self.num(f.people_without_power),
                    buildings=self.num(f.buildings_without_power),
                )
            )
        if f.people_without_heat:
            lines.append(
                t["hl_heat"].format(
                    people=self.num(f.people_without_heat),
                    buildings=self.num(f.buildings_without_heat),
                )
            )
        if not lines:
            lines.append(t["hl_none"])
        if f.critical:
            names = ", ".join(f"{c.name} ({self.use(c.use)})" for c in f.critical[:ROWS_SHOWN])
            if len(f.critical) > ROWS_SHOWN:
                names += " " + t["more_rows"].format(count=len(f.critical) - ROWS_SHOWN)
            lines.append(t["hl_critical"].format(names=names))
        if is_finite(f.first_below_h[12.0]) and f.people_below_12_at_24h is not None:
            lines.append(
                t["hl_cold"].format(
                    low=f"{f.outdoor_min_c:g}",
                    high=f"{f.outdoor_max_c:g}",
                    time=self.clock(f.first_below_h[12.0]),
                    people=self.num(f.people_below_12_at_24h),
                )
            )
        if is_finite(f.drain_deadline_h):
            lines.append(t["hl_drain"].format(time=self.clock(f.drain_deadline_h)))
        if f.etr and f.cold_before_heat_back is not None:
            lines.append(
                t["hl_plan"].format(
                    time=self.etr(max(row.restored_h for row in f.etr)),
                    people=self.num(f.cold_before_heat_back),
                )
            )
        if f.warming_centres:
            lines.append(
                t["hl_centres"].format(
                    count=len(f.warming_centres), names="; ".join(f.warming_centres)
                )
            )
        return lines

    def figures(self) -> list[tuple[str, str]]:
        f, t = self.facts, self.t
        rows = [
            (self.num(f.people_without_power), t["people_without_power"]),
            (self.num(f.people_without_heat), t["people_without_heat"]),
            (
                self.num(len(f.critical)),
                t["critical_facilities"],
            ),
            (self.num(len(f.damaged_assets)), t["damaged_assets"]),
            (self.clock(f.first_below_h[12.0]), t["first_below_12"]),
            (self.clock(f.first_below_h[5.0]), t["first_below_5"]),
        ]
        if is_finite(f.drain_deadline_h):
            rows.append((self.clock(f.drain_deadline_h), t["drain_deadline"]))
        if f.etr:
            first = f.etr[0]
            label = t["next_etr"].format(
                service=self.service(first.service), people=self.num(first.people)
            )
            rows.append((self.etr(first.restored_h), label))
        return rows


def render_html(assessment: Assessment, facts: Facts, lang: str = "en") -> str:
    """The report as one HTML document in ``lang`` (``en`` or ``uk``)."""
    words = _Words(facts, check_language(lang), Labeller(assessment.city))
    t = words.t
    chart_uri = ""
    if facts.cooldown.time_h.size:
        start = facts.start.strftime(CLOCK[lang])
        chart_uri = data_uri(cooldown_chart(facts.cooldown, t, start, lang))
    helpers: dict[str, Callable[..., object]] = {
        "num": words.num,
        "clock": words.clock,
        "etr": words.etr,
        "service": words.service,
        "chain_lines": words.chain_lines,
        "group_title": words.group_title,
        "repair_text": words.repair_text,
        "label": words.names.label,
        "joined": words.joined,
    }
    return (
        _environment()
        .get_template("sitrep.html.j2")
        .render(
            f=facts,
            t=t,
            lang=lang,
            version=warmgrid.__version__,
            report_no=t["report_no"].format(number=facts.number),
            as_of=t["as_of"].format(time=words.moment(facts.as_of)),
            next_update=t["next_update"].format(time=words.moment(facts.next_update)),
            highlights=words.highlights(),
            figures=words.figures(),
            damage_text=t["damage"].format(labels="; ".join(facts.damage_labels)),
            map_uri=data_uri(city_map(assessment, t)),
            chart_uri=chart_uri,
            rows=ROWS_SHOWN,
            **helpers,
        )
    )
