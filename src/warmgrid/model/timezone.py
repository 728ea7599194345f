"""A city's time zone, times given by users, and the rounding of published ETRs.

Every city has an IANA time zone (``City.timezone``, e.g. ``Europe/Kyiv``; ``UTC`` when an
importer is not told otherwise). Alerts, plans, incidents and every display show times on
that zone's clock, with their UTC offset. Time zone data come from the IANA tz database
(Python's :mod:`zoneinfo`, backed by the ``tzdata`` package).

Estimated restoration times (ETRs) are published rounded *up* to the next quarter hour of
the local clock (:func:`round_up_etr`): a crew's computed finish at 07:24:31 is announced as
07:30, never earlier than the plan, and every output (alerts, plan tables, API) uses this one
function so that they agree.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from warmgrid.errors import InputError

DEFAULT_TIMEZONE = "UTC"
ETR_STEP = timedelta(minutes=15)
"""Published ETRs are whole multiples of this on the local clock (a quarter hour)."""


def check_timezone(name: object, where: str) -> str:
    """``name`` when it is an IANA time zone name (``Europe/Kyiv``), else InputError."""
    if isinstance(name, str) and name.strip() == name and name:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
        else:
            return name
    raise InputError(where, f"expected an IANA time zone name such as 'Europe/Kyiv', got {name!r}")


def zone(name: str) -> ZoneInfo:
    """The :class:`~zoneinfo.ZoneInfo` of a time zone name checked by :func:`check_timezone`."""
    return ZoneInfo(check_timezone(name, "timezone"))


#: Years a time given by a user may fall in (``parse_time``).
FIRST_YEAR, LAST_YEAR = 1970, 2100


def parse_time(text: str, where: str) -> datetime:
    """An ISO 8601 time with a UTC offset (``+02:00``, ``-00:00`` or ``Z``); InputError
    naming ``where`` when malformed or without an offset."""
    value = text.strip()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InputError(
            where, f"expected an ISO 8601 time such as 2026-11-26T09:30:00+02:00, got {text!r}"
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InputError(where, f"{text!r} needs a time zone offset, e.g. +02:00 or Z")
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        # before 1970 zones had offsets in seconds (local mean time), which CAP cannot write
        raise InputError(where, f"expected a time from {FIRST_YEAR} to {LAST_YEAR}, got {text!r}")
    return moment


def local_time(moment: datetime, timezone: str) -> datetime:
    """``moment`` on the clock of the IANA zone ``timezone``."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("local_time needs an aware datetime")
    return moment.astimezone(zone(timezone))


def round_up_etr(moment: datetime) -> datetime:
    """``moment`` rounded up to the next quarter hour of its own clock (whole quarters are
    kept); the result keeps ``moment``'s time zone."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("round_up_etr needs an aware datetime")
    into_quarter = timedelta(
        minutes=moment.minute % 15, seconds=moment.second, microseconds=moment.microsecond
    )
    if not into_quarter:
        return moment
    return (moment.astimezone(UTC) + (ETR_STEP - into_quarter)).astimezone(moment.tzinfo)


def etr_time(start: datetime, hours: float, timezone: str | None = None) -> datetime:
    """The published ETR ``hours`` of elapsed time after ``start`` (DST changes count as
    they happen), on the clock of ``timezone`` (default: ``start``'s own), rounded up to
    the quarter hour by :func:`round_up_etr`."""
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("etr_time needs an aware datetime")
    moment = start.astimezone(UTC) + timedelta(hours=hours)
    return round_up_etr(moment.astimezone(start.tzinfo if timezone is None else zone(timezone)))


def etr_times(start: datetime, hours_by_id: Mapping[str, float]) -> dict[str, str]:
    """Per id, the published ETR (:func:`etr_time`) ``hours`` after ``start`` as ISO 8601
    on ``start``'s clock with its offset; ids whose hours are not finite (never restored)
    are left out."""
    return {
        ident: etr_time(start, hours).isoformat()
        for ident, hours in hours_by_id.items()
        if math.isfinite(hours)
    }


def fuel_out(start: datetime, fuel_h: float, timezone: str | None = None) -> datetime:
    """When a generator started at ``start`` with ``fuel_h`` hours of fuel stops, on the
    clock of ``timezone`` (default: ``start``'s own), rounded *down* to the minute: a
    refuel deadline must not be published late."""
    moment = start.astimezone(UTC) + timedelta(hours=fuel_h)
    moment = moment.replace(second=0, microsecond=0)
    return local_time(moment, timezone) if timezone else moment.astimezone(start.tzinfo)
