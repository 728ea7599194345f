"""Each specification and feed rule: a minimal valid message, then one defect at a time."""

from __future__ import annotations

import pytest

from warmgrid.alerts.validate import validate_cap

NS12 = "urn:oasis:names:tc:emergency:cap:1.2"
NS11 = "urn:oasis:names:tc:emergency:cap:1.1"


def cap(
    *,
    ns: str = NS12,
    identifier: str = "id-1",
    sender: str = "sender@example.org",
    sent: str = "2026-11-26T10:00:00+02:00",
    msg_type: str = "Alert",
    scope: str = "Public",
    header_extra: str = "",
    info: str | None = None,
) -> bytes:
    if info is None:
        info = info_block()
    return (
        f'<alert xmlns="{ns}"><identifier>{identifier}</identifier><sender>{sender}</sender>'
        f"<sent>{sent}</sent><status>Actual</status><msgType>{msg_type}</msgType>"
        f"<scope>{scope}</scope>{header_extra}{info}</alert>"
    ).encode()


def info_block(
    *,
    times: str = "<expires>2026-11-26T12:00:00+02:00</expires>",
    texts: str = "<headline>h</headline><description>d</description>",
    area: str = "<area><areaDesc>a</areaDesc>"
    "<polygon>50.0,30.0 50.1,30.0 50.1,30.1 50.0,30.0</polygon></area>",
    language: str = "<language>en</language>",
) -> str:
    return (
        f"<info>{language}<category>Infra</category><event>e</event><urgency>Immediate</urgency>"
        f"<severity>Severe</severity><certainty>Observed</certainty>{times}{texts}{area}</info>"
    )


def polygon_area(points: str) -> str:
    return f"<area><areaDesc>a</areaDesc><polygon>{points}</polygon></area>"


def test_baseline_is_valid_with_feed_rules() -> None:
    for ns in (NS12, NS11):
        report = validate_cap(cap(ns=ns), feed_rules=True)
        assert report.errors == []
        assert report.version == ("1.2" if ns == NS12 else "1.1")


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        (cap(identifier="id 1"), "<identifier>: 'id 1' contains a space"),
        (cap(sender="a,b"), "<sender>: 'a,b' contains a space, comma"),
        (cap(ns=NS11, sent="2026-11-26T10:00:00"), "has no time zone"),
        (cap(ns=NS11, sent="2026-11-26T10:00:00Z"), "uses the time zone 'Z'"),
        (
            cap(info=info_block(times="<expires>2026-11-26T09:00:00+02:00</expires>")),
            "<expires>: 2026-11-26T09:00:00+02:00 is not after sent",
        ),
        (
            cap(
                info=info_block(
                    times="<effective>2026-11-26T13:00:00+02:00</effective>"
                    "<expires>2026-11-26T12:00:00+02:00</expires>"
                )
            ),
            "is not after effective",
        ),
        (cap(msg_type="Update"), "msgType Update but no <references>"),
        (cap(msg_type="Cancel"), "msgType Cancel but no <references>"),
        (
            cap(msg_type="Update", header_extra="<references>a,b</references>"),
            "entry 'a,b' is not 'sender,identifier,sent'",
        ),
        (
            cap(msg_type="Update", header_extra="<references>a,b,yesterday</references>"),
            "entry 'a,b,yesterday': sent",
        ),
        (
            cap(msg_type="Update", header_extra="<references> </references>"),
            "<references>: is empty",
        ),
        (cap(scope="Restricted"), "scope Restricted requires a non-empty <restriction>"),
        (cap(scope="Private"), "scope Private requires a non-empty <addresses>"),
        (
            cap(info=info_block(area=polygon_area("50.0,30.0 50.1,30.0 50.0,30.0"))),
            "polygon has 3 points; CAP requires at least 4",
        ),
        (
            cap(info=info_block(area=polygon_area("50.0,30.0 50.1,30.0 50.1,30.1 50.0,30.1"))),
            "polygon is not closed",
        ),
        (
            cap(info=info_block(area=polygon_area("95.0,30.0 50.1,30.0 50.1,30.1 95.0,30.0"))),
            "latitude 95.0",
        ),
        (
            cap(info=info_block(area=polygon_area("50.0,190 50.1,30.0 50.1,30.1 50.0,190"))),
            "longitude 190.0",
        ),
        (
            cap(info=info_block(area=polygon_area("30.0 50.1,30.0 50.1,30.1 30.0"))),
            "coordinate pair '30.0' is not 'lat,lon'",
        ),
        (
            cap(info=info_block(area="<area><areaDesc>a</areaDesc><circle>50,30</circle></area>")),
            "circle '50,30' is not 'lat,lon radius'",
        ),
        (
            cap(
                info=info_block(area="<area><areaDesc>a</areaDesc><circle>50,30 -2</circle></area>")
            ),
            "is negative",
        ),
        (
            cap(
                info=info_block(
                    area="<area><areaDesc>a</areaDesc><circle>50,30 2</circle>"
                    "<ceiling>100</ceiling></area>"
                )
            ),
            "<ceiling> is only allowed together with <altitude>",
        ),
        (b"<alert/>", "expected <alert> in the CAP 1.2 or 1.1 namespace"),
        (b'<alert xmlns="http://www.incident.com/cap/1.0"/>', "CAP 1.0 is not supported"),
        (b"<alert", "not well-formed XML"),
        (b"", "document is empty"),
    ],
)
def test_spec_rule_violations(document: bytes, fragment: str) -> None:
    report = validate_cap(document)
    assert not report.valid
    assert any(fragment in error for error in report.errors), report.errors


def test_update_with_references_and_circle_is_valid() -> None:
    refs = "a@b,x-1,2026-11-26T09:00:00+02:00 a@b,x-2,2026-11-26T09:30:00-00:00"
    document = cap(
        msg_type="Update",
        header_extra=f"<references>{refs}</references>",
        info=info_block(area="<area><areaDesc>a</areaDesc><circle>50.1,30.2 1.5</circle></area>"),
    )
    assert validate_cap(document, feed_rules=True).errors == []


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        (cap(info=info_block(times="")), "feed: <expires> missing"),
        (cap(info=info_block(texts="<headline>h</headline>")), "feed: <description> missing"),
        (cap(info=info_block(area="")), "feed: no <area>"),
        (
            cap(info=info_block(area="<area><areaDesc>a</areaDesc></area>")),
            "feed: no <polygon>, <circle> or <geocode>",
        ),
        (
            cap(
                info=info_block(
                    area=polygon_area("50.0000001,30.0 50.1,30.0 50.1,30.1 50.0000001,30.0")
                )
            ),
            "feed: 50.0000001 has more than 6 decimals",
        ),
        (cap(info=""), "feed: no <info> block"),
        (
            cap(info=info_block(language="") + info_block()),
            "feed: <language> missing with several <info>",
        ),
    ],
)
def test_feed_rule_violations(document: bytes, fragment: str) -> None:
    assert validate_cap(document).valid
    report = validate_cap(document, feed_rules=True)
    assert not report.valid
    assert any(fragment in error for error in report.errors), report.errors
