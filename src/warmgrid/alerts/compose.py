"""Composing warmgrid's CAP 1.2 messages: the one import for callers.

Message dataclasses (:mod:`~warmgrid.alerts.message`), XML writing and reading
(:mod:`~warmgrid.alerts.cap_xml`), builders of air-threat alerts, all-clear, updates and
cancels (:mod:`~warmgrid.alerts.builders`) and of outage alerts
(:mod:`~warmgrid.alerts.outage`).
"""

from warmgrid.alerts.builders import (
    Issuer,
    air_threat_alert,
    all_clear,
    cancel,
    check_identifier,
    new_identifier,
    polygon_from_lonlat,
    update,
)
from warmgrid.alerts.cap_xml import from_xml, to_xml
from warmgrid.alerts.message import (
    Area,
    CapCircle,
    CapPolygon,
    Info,
    Message,
    NamedValue,
    Reference,
    Resource,
)
from warmgrid.alerts.outage import (
    OutageAlertOptions,
    OutageBuildings,
    WarmingCentre,
    outage_alerts,
    with_new_etr,
)

__all__ = [
    "Area",
    "CapCircle",
    "CapPolygon",
    "Info",
    "Issuer",
    "Message",
    "NamedValue",
    "OutageAlertOptions",
    "OutageBuildings",
    "Reference",
    "Resource",
    "WarmingCentre",
    "air_threat_alert",
    "all_clear",
    "cancel",
    "check_identifier",
    "from_xml",
    "new_identifier",
    "outage_alerts",
    "polygon_from_lonlat",
    "to_xml",
    "update",
    "with_new_etr",
]
