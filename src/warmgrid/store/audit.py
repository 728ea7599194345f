"""The audit log: every write records who did what to which record."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from warmgrid.store.models import AuditEntry, utcnow

_INSERT = insert(cast(Table, AuditEntry.__table__))
_DEFERRED = "warmgrid.audit.deferred"


def record(
    session: Session,
    actor: str,
    action: str,
    target_type: str,
    target_id: object,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one audit entry to the current transaction (it commits with the write).

    The entry is inserted at once, or, after :func:`defer`, with the other deferred
    entries at :func:`flush`; either way entries are numbered in the order of the calls.
    """
    row = {
        "at": utcnow(),
        "actor": actor,
        "action": action,
        "target_type": target_type,
        "target_id": str(target_id),
        "detail": detail or {},
    }
    deferred = session.info.get(_DEFERRED)
    if deferred is None:
        session.connection().execute(_INSERT, row)
    else:
        deferred.append(row)


def defer(session: Session) -> None:
    """Collect the entries of ``session`` from now on, to insert them in one statement.

    :func:`flush` must follow in the same transaction (a batch of writes does this).
    """
    session.info[_DEFERRED] = []


def flush(session: Session) -> None:
    """Insert the entries collected since :func:`defer` (one multi-row ``INSERT``)."""
    deferred = session.info.pop(_DEFERRED, None)
    if deferred:
        session.connection().execute(_INSERT, deferred)


def entries(
    session: Session,
    target_type: str | None = None,
    target_id: object | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> list[AuditEntry]:
    """Audit entries, oldest first, optionally for one record."""
    query = select(AuditEntry).order_by(AuditEntry.id).limit(limit).offset(offset)
    if target_type is not None:
        query = query.where(AuditEntry.target_type == target_type)
    if target_id is not None:
        query = query.where(AuditEntry.target_id == str(target_id))
    return list(session.scalars(query))
