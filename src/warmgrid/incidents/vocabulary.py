"""The incident log's vocabulary: kinds, statuses, time precision, sources and certainty.

Plain enumerations without any dependency, so that the command line can offer them as
choices without importing the validation models. Certainty uses the CAP 1.2 vocabulary
(OASIS CAP 1.2, section 3.2.2 ``certainty``).
"""

from __future__ import annotations

from enum import StrEnum


class IncidentKind(StrEnum):
    """What happened."""

    AIR_THREAT = "air_threat"
    INTERCEPTION_DEBRIS = "interception_debris"
    STRIKE = "strike"
    FIRE = "fire"
    EXPLOSION = "explosion"
    OUTAGE = "outage"
    OTHER = "other"


class IncidentStatus(StrEnum):
    """reported → confirmed → resolved, or reported → ruled_out."""

    REPORTED = "reported"
    CONFIRMED = "confirmed"
    RESOLVED = "resolved"
    RULED_OUT = "ruled_out"


class TimePrecision(StrEnum):
    """How precisely the time of an incident is known."""

    SECOND = "second"
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"
    UNKNOWN = "unknown"


class SourceKind(StrEnum):
    """Who a report comes from."""

    OFFICIAL = "official"
    UTILITY = "utility"
    EMERGENCY_SERVICE = "emergency_service"
    MEDIA = "media"
    PUBLIC = "public"


class Certainty(StrEnum):
    """CAP 1.2 certainty (OASIS CAP 1.2 §3.2.2)."""

    OBSERVED = "Observed"
    LIKELY = "Likely"
    POSSIBLE = "Possible"
    UNLIKELY = "Unlikely"
    UNKNOWN = "Unknown"
