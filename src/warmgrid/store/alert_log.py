"""The log of CAP messages: drafts, publication by a second person, supersession.

A message is never edited or deleted. An operator stores a draft (a CAP document that
passes :func:`warmgrid.alerts.validate.validate_cap` with the feed rules); an approver
other than its author publishes it, after which it is immutable. Updates and cancels
are new messages whose ``references`` name the ones they replace (CAP 1.2 §3.2.1
``references``: "sender,identifier,sent" triples separated by spaces); publishing one
marks the replaced messages as superseded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from lxml import etree
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from warmgrid.alerts.captime import CapTimeError, parse_cap_time
from warmgrid.alerts.safe_xml import parse_xml
from warmgrid.alerts.validate import validate_cap
from warmgrid.errors import InputError
from warmgrid.store.audit import record
from warmgrid.store.errors import ConflictError, ForbiddenError, NotFoundError
from warmgrid.store.models import Alert, Incident, User, utcnow
from warmgrid.store.tokens import Principal
from warmgrid.store.users import provisioners

DRAFT = "draft"
PUBLISHED = "published"
PUBLIC_SCOPE = "Public"


@dataclass(frozen=True)
class Envelope:
    """The fields of a CAP message that the log indexes."""

    identifier: str
    sender: str
    sent: str
    msg_type: str
    scope: str
    references: str
    headline: str
    expires: datetime | None


def _text(root: etree._Element, path: str) -> str:
    found = root.find(path)
    return (found.text or "").strip() if found is not None else ""


def read_envelope(xml: bytes) -> Envelope:
    """Index fields of a (valid) CAP document; ``expires`` is the latest of its infos."""
    root = parse_xml(xml)
    namespace = etree.QName(root).namespace
    ns = f"{{{namespace}}}" if namespace else ""
    expiries = []
    for node in root.iterfind(f"{ns}info/{ns}expires"):
        try:
            expiries.append(parse_cap_time(node.text or ""))
        except CapTimeError as error:
            raise InputError("expires", str(error)) from None
    return Envelope(
        identifier=_text(root, f"{ns}identifier"),
        sender=_text(root, f"{ns}sender"),
        sent=_text(root, f"{ns}sent"),
        msg_type=_text(root, f"{ns}msgType"),
        scope=_text(root, f"{ns}scope"),
        references=" ".join(_text(root, f"{ns}references").split()),
        headline=_text(root, f"{ns}info/{ns}headline"),
        expires=max(expiries) if expiries else None,
    )


def referenced_identifiers(references: str) -> list[str]:
    """The identifiers named by a CAP ``references`` value."""
    identifiers = []
    for triple in references.split():
        parts = triple.split(",")
        if len(parts) == 3:
            identifiers.append(parts[1])
    return identifiers


def create_draft(
    session: Session,
    xml: bytes,
    actor: str,
    incident_id: int | None = None,
    user_id: int | None = None,
) -> Alert:
    """Store a CAP message as a draft after validating it (schema, spec and feed rules);
    ``user_id`` is its author's account."""
    report = validate_cap(xml, source="cap_xml", feed_rules=True)
    if not report.valid:
        shown = "; ".join(report.errors[:5])
        more = f" (and {len(report.errors) - 5} more)" if len(report.errors) > 5 else ""
        raise InputError("cap_xml", f"not a valid CAP message: {shown}{more}")
    if report.version != "1.2":
        raise InputError("cap_xml", "warmgrid publishes CAP 1.2 only")
    envelope = read_envelope(xml)
    if incident_id is not None and session.get(Incident, incident_id) is None:
        raise NotFoundError("incident", str(incident_id))
    if session.scalar(select(Alert.id).where(Alert.identifier == envelope.identifier)):
        raise ConflictError(f"a message with identifier {envelope.identifier!r} exists")
    alert = Alert(
        identifier=envelope.identifier,
        sender=envelope.sender,
        sent=envelope.sent,
        msg_type=envelope.msg_type,
        scope=envelope.scope,
        headline=envelope.headline,
        expires=envelope.expires,
        cap_references=envelope.references,
        incident_id=incident_id,
        xml=bytes(xml),
        status=DRAFT,
        created_by=actor,
        created_by_user_id=user_id,
    )
    session.add(alert)
    session.flush()
    record(
        session,
        actor,
        "alert.draft",
        "alert",
        alert.id,
        {
            "identifier": alert.identifier,
            "msg_type": alert.msg_type,
            "references": alert.cap_references,
        },
    )
    return alert


def get_alert(session: Session, alert_id: int) -> Alert:
    """The message with ``alert_id`` (any status), or :class:`NotFoundError`."""
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFoundError("alert", str(alert_id))
    return alert


def get_public(session: Session, alert_id: int) -> Alert:
    """A published message of ``Public`` scope; others are reported as not found."""
    alert = session.get(Alert, alert_id)
    if alert is None or alert.status != PUBLISHED or alert.scope != PUBLIC_SCOPE:
        raise NotFoundError("alert", str(alert_id))
    return alert


def _check_second_person(session: Session, alert: Alert, approver: Principal) -> None:
    """Refuse an approval by the author, through an account or token the author
    provisioned, or by an account that provisioned the author's."""
    refused = approver.is_author_of(alert.created_by, alert.created_by_user_id)
    author = session.get(User, alert.created_by_user_id) if alert.created_by_user_id else None
    if author is not None and approver.user_id in provisioners(session, author):
        refused = True
    if refused:
        raise ForbiddenError(
            "an alert must be approved by another person: not its author, nor an account "
            "or token its author provisioned, nor the account that provisioned its author"
        )


def _check_replaced_are_current(session: Session, alert: Alert, replaced: list[str]) -> None:
    """Refuse to publish a message whose referenced messages are no longer current."""
    for old in session.scalars(select(Alert).where(Alert.identifier.in_(replaced))):
        if old.status != PUBLISHED:
            raise ConflictError(f"alert {alert.id} references {old.identifier!r}, which is a draft")
        if old.superseded_by is not None:
            raise ConflictError(
                f"alert {alert.id} references {old.identifier!r}, which is no longer current "
                f"(superseded by {old.superseded_by!r}); draft from the current message"
            )


def publish(session: Session, alert_id: int, approver: Principal) -> Alert:
    """Publish a draft. The approver must be another person than its author (see
    :func:`_check_second_person`), every message it references must still be current,
    and published is final."""
    alert = get_alert(session, alert_id)
    if alert.status != DRAFT:
        raise ConflictError(f"alert {alert_id} is already {alert.status}; messages are immutable")
    _check_second_person(session, alert, approver)
    replaced = referenced_identifiers(alert.cap_references)
    _check_replaced_are_current(session, alert, replaced)
    now = utcnow()
    alert.status = PUBLISHED
    alert.published_at = now
    alert.published_by = approver.actor
    alert.published_by_user_id = approver.user_id
    if replaced:
        for old in session.scalars(
            select(Alert).where(Alert.identifier.in_(replaced), Alert.status == PUBLISHED)
        ):
            old.superseded_by = alert.identifier
    record(
        session,
        approver.actor,
        "alert.publish",
        "alert",
        alert.id,
        {"identifier": alert.identifier, "author": alert.created_by, "supersedes": replaced},
    )
    return alert


def list_alerts(
    session: Session,
    status: str | None = None,
    limit: int = 100,
    offset: int = 0,
    *,
    public_only: bool = False,
) -> list[Alert]:
    """Messages of any status (or one), newest first; ``public_only``: ``Public`` scope."""
    query = select(Alert).order_by(Alert.id.desc()).limit(limit).offset(offset)
    if status is not None:
        query = query.where(Alert.status == status)
    if public_only:
        query = query.where(Alert.scope == PUBLIC_SCOPE)
    return list(session.scalars(query))


def _current(now: datetime | None) -> list[Any]:
    moment = now or utcnow()
    return [
        Alert.status == PUBLISHED,
        Alert.scope == PUBLIC_SCOPE,
        Alert.superseded_by.is_(None),
        or_(Alert.expires.is_(None), Alert.expires > moment),
    ]


def current_public_ids(session: Session, now: datetime | None = None) -> list[int]:
    """Ids of the current public messages, newest first (cheap: no XML is read)."""
    query = select(Alert.id).where(*_current(now)).order_by(Alert.id.desc())
    return list(session.scalars(query))


def current_public(session: Session, now: datetime | None = None) -> list[Alert]:
    """Published ``Public``-scope messages not yet superseded nor expired, newest first."""
    query = select(Alert).where(*_current(now)).order_by(Alert.published_at.desc(), Alert.id.desc())
    return list(session.scalars(query))
