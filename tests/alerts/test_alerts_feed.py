"""The Atom feed: RFC 4287 structure, links to the CAP XML, only current public alerts."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from lxml import etree

from warmgrid.alerts.compose import Issuer, Message, air_threat_alert, all_clear, cancel, to_xml
from warmgrid.alerts.feed import (
    ATOM_NS,
    CAP_MIME,
    FeedEntry,
    atom_feed,
    current_alerts,
    entry_from_xml,
)
from warmgrid.alerts.safe_xml import CapParseError, parse_xml

ISSUER = Issuer(sender="alerts@city.example", sender_name="City emergency centre")
SENT = datetime(2026, 11, 26, 3, 0, tzinfo=timezone(timedelta(hours=2)))
SQUARE = [(30.5, 50.4), (30.6, 50.4), (30.6, 50.5), (30.5, 50.5)]
A = f"{{{ATOM_NS}}}"


def threat(name: str, minutes: int, identifier: str) -> Message:
    return air_threat_alert(
        name,
        SQUARE,
        issuer=ISSUER,
        sent=SENT + timedelta(minutes=minutes),
        identifier=identifier,
    )


def feed_of(items, **kwargs) -> etree._Element:
    data = atom_feed(
        items,
        feed_id="urn:uuid:2f9c7a52-7c1e-4f7b-9d0e-3d1c5c9b1a10",
        title="City alerts",
        self_url="https://city.example/alerts/feed.atom",
        updated=SENT + timedelta(hours=1),
        **kwargs,
    )
    return parse_xml(data)


def test_feed_has_rfc4287_required_elements_and_newest_first() -> None:
    root = feed_of([threat("North", 0, "a-1"), threat("South & East", 5, "a/2")])
    assert root.tag == f"{A}feed"
    for name in ("id", "title", "updated", "author"):
        assert root.find(f"{A}{name}") is not None
    assert root.find(f"{A}link[@rel='self']").get("href").endswith("/feed.atom")
    entries = root.findall(f"{A}entry")
    assert [e.findtext(f"{A}title") for e in entries] == [
        "Air threat: South & East — go to a shelter now",
        "Air threat: North — go to a shelter now",
    ]
    for entry in entries:
        for name in ("id", "title", "updated", "summary"):
            assert entry.findtext(f"{A}{name}")
        link = entry.find(f"{A}link[@rel='alternate']")
        assert link.get("type") == CAP_MIME
        assert entry.findtext(f"{A}id") == link.get("href")
        datetime.fromisoformat(entry.findtext(f"{A}updated"))
    hrefs = [e.find(f"{A}link").get("href") for e in entries]
    assert hrefs == [
        "https://city.example/alerts/a%2F2.xml",
        "https://city.example/alerts/a-1.xml",
    ]


def test_entries_from_stored_xml_and_language_choice() -> None:
    message = threat("Tsentr", 0, "a-1")
    root = feed_of([(to_xml(message), {"url": "/cap/a-1"})], language="uk")
    entry = root.find(f"{A}entry")
    assert entry.find(f"{A}link").get("href") == "https://city.example/cap/a-1"
    assert entry.findtext(f"{A}title").startswith("Повітряна тривога")
    assert entry.find(f"{A}category").get("term") == "Повітряна тривога"
    ready = FeedEntry(id="tag:x,2026:1", title="t", updated=SENT, link="https://x/1")
    assert feed_of([ready]).find(f"{A}entry/{A}id").text == "tag:x,2026:1"


def test_current_alerts_drop_superseded_expired_and_non_public() -> None:
    first = threat("North", 0, "a-1")
    clear = all_clear(first, sent=SENT + timedelta(minutes=30), identifier="a-1-clear")
    other = threat("South", 0, "b-1")
    private = replace(threat("West", 0, "c-1"), scope="Private", addresses="ops")
    stale = threat("East", -600, "d-1")
    withdrawn = threat("Harbour", 0, "e-1")
    stop = cancel(withdrawn, sent=SENT + timedelta(minutes=10), identifier="e-1-cancel")
    now = SENT + timedelta(minutes=40)
    current = current_alerts([first, clear, other, private, stale, withdrawn, stop], now)
    assert [m.identifier for m in current] == ["a-1-clear", "b-1", "e-1-cancel"]
    later = SENT + timedelta(hours=3)
    assert current_alerts([first, clear, other], later) == []


def test_entries_from_foreign_cap_11_and_refusal_of_non_cap() -> None:
    samples = Path(__file__).resolve().parents[1] / "data" / "cap-samples"
    entry = entry_from_xml((samples / "weather.cap").read_bytes(), "https://x/w.cap")
    assert entry.title.startswith("Flash Flood Watch issued August 30")
    assert entry.author == "NWS GreatFalls (Central Montana)"
    assert entry.updated == datetime(2010, 8, 30, 4, 7, tzinfo=timezone(timedelta(hours=-6)))
    bare = entry_from_xml((samples / "no_optional_fields.cap").read_bytes(), "https://x/n")
    assert bare.title == "Alert USGS-earthquakes-us2010apcd.6.20100831T000925.496Z"
    with pytest.raises(CapParseError):
        entry_from_xml(b"<feed/>", "https://x/y")
