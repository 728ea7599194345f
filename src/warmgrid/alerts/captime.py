"""CAP date-time values: ``YYYY-MM-DDThh:mm:ss±hh:mm``, always with a numeric time zone.

CAP 1.2 §3.3.2 ("dateTime Data Type"): alphabetic time-zone designators such as "Z" MUST
NOT be used; UTC is written "-00:00".
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

_CAP_TIME = re.compile(
    r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(?:(?P<zone>[+-]\d\d:\d\d)|(?P<zulu>Z))?$"
)


class CapTimeError(ValueError):
    """A CAP date-time value that is malformed or lacks a numeric time zone."""


def parse_cap_time(text: str) -> datetime:
    """Parse a CAP date-time; raise :class:`CapTimeError` naming what is wrong."""
    value = text.strip()
    match = _CAP_TIME.match(value)
    if match is None:
        raise CapTimeError(f"{value!r} is not a date-time YYYY-MM-DDThh:mm:ss±hh:mm")
    if match["zulu"]:
        raise CapTimeError(f"{value!r} uses the time zone 'Z'; CAP requires -00:00 for UTC")
    if not match["zone"]:
        raise CapTimeError(f"{value!r} has no time zone; CAP requires ±hh:mm")
    try:
        return datetime.fromisoformat(match[1] + match["zone"])
    except ValueError as error:
        raise CapTimeError(f"{value!r} is not a valid date-time: {error}") from None


def format_cap_time(moment: datetime) -> str:
    """Format an aware datetime for CAP, whole seconds, UTC written as ``-00:00``."""
    offset = moment.utcoffset()
    if offset is None:
        raise ValueError("CAP times need a time zone; got a naive datetime")
    if offset % timedelta(minutes=1):
        raise ValueError("CAP time zones are whole minutes ±hh:mm")
    text = moment.replace(microsecond=0).isoformat()
    if moment.utcoffset() == timedelta(0):
        text = text[: -len("+00:00")] + "-00:00"
    return text


def utc_now() -> datetime:
    """The current time in UTC, whole seconds."""
    return datetime.now(UTC).replace(microsecond=0)
