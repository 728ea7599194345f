"""An Atom feed (RFC 4287) of current public alerts, as CAP aggregators consume it.

Each entry is one CAP message: ``id`` (the message's URL), ``title`` (headline),
``updated`` (``sent``), ``link rel="alternate" type="application/cap+xml"`` to the CAP
XML, ``summary`` (description), ``author`` (sender name), and a ``category`` with the
event. This is the "CAP index feed" form public aggregators poll.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urljoin

from lxml import etree

from warmgrid.alerts.cap_xml import CapNode
from warmgrid.alerts.captime import CapTimeError, parse_cap_time
from warmgrid.alerts.message import Info, Message
from warmgrid.alerts.safe_xml import CapParseError, parse_xml
from warmgrid.alerts.schema import VERSION_BY_NAMESPACE

ATOM_NS = "http://www.w3.org/2005/Atom"
CAP_MIME = "application/cap+xml"


@dataclass(frozen=True)
class FeedEntry:
    """One Atom entry: everything the feed says about one CAP message."""

    id: str
    title: str
    updated: datetime
    link: str
    summary: str = ""
    author: str = ""
    category: str = ""


def _pick_info(message: Message, language: str | None) -> Info | None:
    if not message.infos:
        return None
    if language is not None:
        for info in message.infos:
            if info.language.split("-")[0] == language.split("-")[0]:
                return info
    return message.infos[0]


def entry_for(message: Message, url: str, *, language: str | None = None) -> FeedEntry:
    """The feed entry of ``message`` whose CAP XML is served at ``url``."""
    info = _pick_info(message, language)
    title = (info.headline or info.event) if info else ""
    return FeedEntry(
        id=url,
        title=title or f"{message.msg_type} {message.identifier}",
        updated=message.sent,
        link=url,
        summary=info.description if info else (message.note or ""),
        author=(info.sender_name if info else "") or message.sender,
        category=info.event if info else "",
    )


def current_alerts(messages: Sequence[Message], now: datetime) -> list[Message]:
    """The messages a public feed shows at ``now``: Public scope, not superseded by a
    later message of the list (one that names them in ``references``), and with at least
    one info block not yet expired (a message without ``expires`` stays current)."""
    superseded = {
        (ref.sender, ref.identifier) for message in messages for ref in message.references
    }

    def live(message: Message) -> bool:
        return not message.infos or any(
            info.expires is None or info.expires > now for info in message.infos
        )

    return [
        message
        for message in messages
        if message.scope == "Public"
        and (message.sender, message.identifier) not in superseded
        and live(message)
    ]


def _add(
    parent: etree._Element, name: str, text: str | None = None, **attrs: str
) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM_NS}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


def _entry(
    item: Message | FeedEntry | tuple[bytes, Mapping[str, Any]],
    base_url: str,
    alert_url: str,
    language: str | None,
) -> FeedEntry:
    if isinstance(item, FeedEntry):
        return item
    if isinstance(item, Message):
        url = urljoin(base_url, alert_url.format(identifier=quote(item.identifier, safe="")))
        return entry_for(item, url, language=language)
    data, meta = item
    return entry_from_xml(data, urljoin(base_url, str(meta["url"])), language=language)


def entry_from_xml(data: bytes, url: str, *, language: str | None = None) -> FeedEntry:
    """The feed entry of stored CAP XML served at ``url``, reading only what the entry
    shows (faster than :func:`~warmgrid.alerts.cap_xml.from_xml`). Raises
    :class:`~warmgrid.alerts.safe_xml.CapParseError` when it is not a CAP alert."""
    root = parse_xml(data)
    namespace = etree.QName(root).namespace or ""
    if namespace not in VERSION_BY_NAMESPACE:
        raise CapParseError("not a CAP 1.2 or 1.1 <alert> document")
    alert = CapNode(root, namespace)
    try:
        sent = parse_cap_time(alert.text("sent"))
    except CapTimeError as error:
        raise CapParseError(f"cannot read CAP message: {error}") from None
    infos = alert.nodes("info")
    chosen = infos[0] if infos else None
    wanted = (language or "").split("-")[0]
    for info in infos:
        if wanted and info.text("language").split("-")[0] == wanted:
            chosen = info
            break
    read = chosen.text if chosen is not None else (lambda name: "")
    return FeedEntry(
        id=url,
        title=read("headline")
        or read("event")
        or f"{alert.text('msgType')} {alert.text('identifier')}",
        updated=sent,
        link=url,
        summary=read("description") or alert.text("note"),
        author=read("senderName") or alert.text("sender"),
        category=read("event"),
    )


def atom_feed(
    messages: Sequence[Message | FeedEntry | tuple[bytes, Mapping[str, Any]]],
    *,
    feed_id: str,
    title: str,
    self_url: str,
    updated: datetime,
    alert_url: str = "{identifier}.xml",
    author: str = "warmgrid",
    language: str | None = None,
) -> bytes:
    """The Atom feed (UTF-8 bytes) listing ``messages``, newest first.

    ``messages`` are :class:`Message` objects (their URL is ``alert_url`` formatted with
    the URL-quoted identifier, resolved against ``self_url``), ready :class:`FeedEntry`
    objects, or ``(cap_xml_bytes, meta)`` pairs where ``meta["url"]`` is the URL of that
    XML. Entries show the ``info`` block in ``language`` when present (else the first).
    The caller chooses which messages are current (see :func:`current_alerts`).
    """
    entries = sorted(
        (_entry(item, self_url, alert_url, language) for item in messages),
        key=lambda entry: entry.updated,
        reverse=True,
    )
    root = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    _add(root, "id", feed_id)
    _add(root, "title", title)
    _add(root, "updated", updated.isoformat())
    _add(root, "link", rel="self", href=self_url, type="application/atom+xml")
    _add(_add(root, "author"), "name", author)
    for entry in entries:
        element = _add(root, "entry")
        _add(element, "id", entry.id)
        _add(element, "title", entry.title)
        _add(element, "updated", entry.updated.isoformat())
        if entry.author:
            _add(_add(element, "author"), "name", entry.author)
        _add(element, "link", rel="alternate", href=entry.link, type=CAP_MIME)
        if entry.category:
            _add(element, "category", term=entry.category)
        if entry.summary:
            _add(element, "summary", entry.summary)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
