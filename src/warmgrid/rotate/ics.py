"""A group's off intervals as an iCalendar file (RFC 5545), for calendar apps.

One ``VEVENT`` per off interval, with ``DTSTART``/``DTEND`` in UTC (RFC 5545 §3.3.5, form
#2): a local time with a ``TZID`` is ambiguous in the hour the clocks go back, and RFC 5545
reads it as the first occurrence, so an interval in the repeated hour would move by an
hour. Calendar apps show UTC times on the user's clock; ``X-WR-TIMEZONE`` names the
city's zone. ``DTSTAMP`` is the time of publication in UTC (§3.8.7.2) and the ``UID``
(§3.8.4.7) is made of the city, the group and the interval's start in UTC: publishing the
same interval again keeps its UID, so a subscribed calendar updates the event instead of
adding a second one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from icalendar import Calendar, Event

from warmgrid.rotate.publish import file_stem

PRODID = "-//warmgrid//rotating outage schedule//EN"


def event_uid(city: str, group_id: str, start: datetime) -> str:
    """The stable UID of a group's off interval starting at ``start``."""
    at = start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{at}-{file_stem(city.lower())}-{file_stem(group_id)}@warmgrid"


def group_calendar(public: dict[str, Any], group: dict[str, Any], issued: datetime) -> bytes:
    """The calendar of one group of a :func:`~warmgrid.rotate.publish.public_schedule`:
    its off intervals as events, ``issued`` as every event's DTSTAMP."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Power off: {group['area_name']}")
    calendar.add("x-wr-timezone", public["timezone"])
    for interval in group["off"]:
        start = datetime.fromisoformat(interval["start"]).astimezone(UTC)
        event = Event()
        event.add("uid", event_uid(public["city"], group["id"], start))
        event.add("dtstamp", issued.astimezone(UTC))
        event.add("dtstart", start)
        event.add("dtend", datetime.fromisoformat(interval["finish"]).astimezone(UTC))
        event.add("summary", f"Power off (rotation): {group['area_name']}")
        event.add(
            "description",
            f"Planned rotating power outage of group {group['id']} ({group['buildings']} "
            f"buildings, {group['people']} people), {public['city']}. "
            f"Stage {interval['stage']}: groups off at the same time.",
        )
        event.add("transp", "OPAQUE")
        event.add("categories", ["Power outage"])
        calendar.add_component(event)
    return calendar.to_ical()
