"""Group commit on a real SQLite file and a real PostgreSQL server.

Many concurrent report writes share transactions; the oracle is the same writes done one
transaction each: the same rows, one audit entry per new report, each failure reaching
only its own caller, and an Idempotency-Key stored once even within one batch.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warmgrid.incidents import log
from warmgrid.incidents.domain import IncidentIn, ReportIn
from warmgrid.store import Role, Store, add_user
from warmgrid.store.errors import ConflictError, NotFoundError
from warmgrid.store.group_commit import GroupCommit
from warmgrid.store.models import AuditEntry, Report

WRITES = 120
OPERATOR_ID = 1  # the first user of a fresh store


def _report(text_: str) -> ReportIn:
    return ReportIn.model_validate(
        {
            "source_name": "district office",
            "source_kind": "official",
            "received_at": "2026-01-14T03:48:00+02:00",
            "quoted_text": text_,
        }
    )


def _writer(incident_id: int, text_: str, key: str | None):
    def write(session: Session) -> tuple[dict[str, Any], bool]:
        return log.store_report(session, incident_id, _report(text_), "op#1", key, OPERATOR_ID)

    return write


async def _submit_all(group: GroupCommit, works: list) -> list[Any]:
    return await asyncio.gather(*(group.submit(work) for work in works), return_exceptions=True)


def test_concurrent_writes_share_transactions_and_each_is_stored_once(store: Store) -> None:
    with store.write() as session:
        incident_id = log.create_incident(session, IncidentIn(kind="other", title="t"), "a#1").id
        assert add_user(session, "op", Role.OPERATOR, "cli:root").id == OPERATOR_ID
    works = [_writer(incident_id, f"report {i}", f"key-{i}") for i in range(WRITES)]
    works.insert(5, _writer(incident_id, "report 0", "key-0"))  # a retry in the same batch
    works.append(_writer(incident_id, "report 0", "key-0"))  # and one in a later batch
    group = GroupCommit(store, max_batch=32)
    results = asyncio.run(_submit_all(group, works))
    assert not any(isinstance(result, BaseException) for result in results)
    rows = [row for row, _ in results]
    assert [created for _, created in results] == [True] * 5 + [False] + [True] * (WRITES - 5) + [
        False
    ]
    assert rows[5]["id"] == rows[-1]["id"] == rows[0]["id"]
    with store.read() as session:
        stored = {
            report.idempotency_key: (report.id, report.quoted_text)
            for report in session.scalars(select(Report))
        }
        audited = list(
            session.scalars(
                select(AuditEntry.target_id)
                .where(AuditEntry.action == "report.create")
                .order_by(AuditEntry.id)
            )
        )
    assert stored == {row["idempotency_key"]: (row["id"], row["quoted_text"]) for row in rows}
    assert len(stored) == WRITES
    assert audited == [str(report_id) for report_id in sorted(i for i, _ in stored.values())]


def test_a_failing_write_fails_alone(store: Store) -> None:
    with store.write() as session:
        incident_id = log.create_incident(session, IncidentIn(kind="other", title="t"), "a#1").id
        assert add_user(session, "op", Role.OPERATOR, "cli:root").id == OPERATOR_ID
        log.store_report(session, incident_id, _report("first"), "op#1", "used", OPERATOR_ID)
    works = [_writer(incident_id, f"good {i}", None) for i in range(10)]
    works.insert(3, _writer(incident_id + 99, "no such incident", None))
    works.insert(7, _writer(incident_id, "another body", "used"))
    results = asyncio.run(_submit_all(GroupCommit(store), works))
    assert isinstance(results[3], NotFoundError)
    assert isinstance(results[7], ConflictError)
    good = [result for i, result in enumerate(results) if i not in (3, 7)]
    assert all(created for _, created in good)
    with store.read() as session:
        texts = sorted(report.quoted_text for report in log.list_reports(session, incident_id))
        audited = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "report.create")
        )
    assert texts == sorted(["first", *(f"good {i}" for i in range(10))])
    assert audited == 11
