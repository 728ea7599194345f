"""The store on a real SQLite file and a real PostgreSQL server: the same tests on both."""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, inspect, select, text

from warmgrid.incidents import log
from warmgrid.incidents.domain import (
    DamageIn,
    IncidentIn,
    IncidentPatch,
    IncidentStatus,
    ReportIn,
)
from warmgrid.store import (
    Role,
    Store,
    add_user,
    alert_log,
    authenticate,
    create_token,
    open_store,
)
from warmgrid.store.audit import entries
from warmgrid.store.errors import ConflictError, ForbiddenError, NotFoundError
from warmgrid.store.models import ApiToken, AuditEntry, IncidentRevision, Report
from warmgrid.store.tokens import Principal, revoke_token

TABLES = {
    "alembic_version",
    "api_tokens",
    "users",
    "plans",
    "rotations",
    "incidents",
    "incident_revisions",
    "reports",
    "damage_links",
    "assessments",
    "alerts",
    "audit_log",
}


def _incident(**extra: object) -> IncidentIn:
    return IncidentIn.model_validate(
        {
            "kind": "strike",
            "title": "Strike on CHP-5",
            "occurred_at": "2026-01-14T03:41:00+02:00",
            "time_precision": "minute",
            "location": {"type": "Point", "coordinates": [30.47, 50.45]},
            "location_precision_m": 100,
            **extra,
        }
    )


def _report(text_: str = "T1 to T3 out", **extra: object) -> ReportIn:
    return ReportIn.model_validate(
        {
            "source_name": "CHP-5 shift supervisor",
            "source_kind": "utility",
            "received_at": "2026-01-14T03:48:00+02:00",
            "quoted_text": text_,
            "figures": [{"what": "transformers", "min": 3, "max": 3, "unit": "count"}],
            "certainty": "Observed",
            **extra,
        }
    )


def test_open_migrates_to_every_table_and_reopens(store: Store) -> None:
    assert set(inspect(store.engine).get_table_names()) >= TABLES
    with store.read() as session:
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0005"
    again = open_store(store.url)
    with again.read() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 0
    again.close()


def test_sqlite_runs_in_wal_mode_with_busy_timeout(store: Store) -> None:
    if store.dialect != "sqlite":
        pytest.skip("SQLite pragmas")
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
        assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_times_come_back_aware_and_equal(store: Store) -> None:
    kyiv = timezone(timedelta(hours=2))
    with store.write() as session:
        incident = log.create_incident(session, _incident(), "alice#1")
        report, _ = log.add_report(
            session, incident.id, _report(received_at="2026-01-14T03:48:07.250+02:00"), "a#1"
        )
        ids = incident.id, report.id
    with store.read() as session:
        stored = session.get(Report, ids[1])
        assert stored.received_at == datetime(2026, 1, 14, 3, 48, 7, 250_000, tzinfo=kyiv)
        assert stored.received_at.utcoffset() == timedelta(0)
        assert log.get_incident(session, ids[0]).occurred_at == datetime(
            2026, 1, 14, 1, 41, tzinfo=UTC
        )


def test_revisions_are_append_only_with_who_and_what(store: Store) -> None:
    with store.write() as session:
        incident_id = log.create_incident(session, _incident(), "alice#1").id
    with store.write() as session:
        log.revise_incident(
            session,
            incident_id,
            IncidentPatch(title="Strike on CHP-5 switchyard", reason="precise"),
            "bob#2",
        )
    with store.write() as session:
        log.revise_incident(
            session, incident_id, IncidentPatch(status="confirmed", reason="utility"), "carol#3"
        )
    with store.read() as session:
        history = log.revisions(session, incident_id)
        current = log.get_incident(session, incident_id)
    assert [r.revision for r in history] == [1, 2, 3]
    assert [r.changed_by for r in history] == ["alice#1", "bob#2", "carol#3"]
    assert history[1].changes == {"title": ["Strike on CHP-5", "Strike on CHP-5 switchyard"]}
    assert history[2].changes == {"status": ["reported", "confirmed"]}
    assert history[2].note == "utility"
    assert history[0].state["title"] == "Strike on CHP-5"  # the old state is still there
    assert current.revision == 3 and current.status == "confirmed"


# The transitions of the issue, written out independently of the code under test.
SPEC_TRANSITIONS = {
    ("reported", "confirmed"),
    ("reported", "ruled_out"),
    ("confirmed", "resolved"),
}


@pytest.mark.parametrize("target", [s.value for s in IncidentStatus])
@pytest.mark.parametrize("start", ["reported", "confirmed"])
def test_status_transitions_follow_the_spec(store: Store, start: str, target: str) -> None:
    with store.write() as session:
        incident_id = log.create_incident(session, _incident(), "a#1").id
        if start == "confirmed":
            log.revise_incident(
                session, incident_id, IncidentPatch(status="confirmed", reason="r"), "a#1"
            )
    allowed = (start, target) in SPEC_TRANSITIONS or start == target
    if allowed:
        with store.write() as session:
            log.revise_incident(
                session, incident_id, IncidentPatch(status=target, reason="r"), "a#1"
            )
    else:
        with pytest.raises(ConflictError), store.write() as session:
            log.revise_incident(
                session, incident_id, IncidentPatch(status=target, reason="r"), "a#1"
            )
    with store.read() as session:
        assert log.get_incident(session, incident_id).status == (target if allowed else start)


def test_idempotency_key_stores_once(store: Store) -> None:
    with store.write() as session:
        incident_id = log.create_incident(session, _incident(), "a#1").id
        user_id = add_user(session, "a", Role.OPERATOR, "cli:root").id
    results = []
    for _ in range(3):
        with store.write() as session:
            report, created = log.add_report(
                session, incident_id, _report(), "a#1", "key-1", user_id
            )
            results.append((report.id, created))
    assert results[0][1] is True and [created for _, created in results[1:]] == [False, False]
    assert len({report_id for report_id, _ in results}) == 1
    with pytest.raises(ConflictError), store.write() as session:
        log.add_report(session, incident_id, _report("something else"), "a#1", "key-1", user_id)
    with store.read() as session:
        assert len(log.list_reports(session, incident_id)) == 1


def test_item6_idempotency_keys_are_scoped_per_user(store: Store) -> None:
    with store.write() as session:
        incident_id = log.create_incident(session, _incident(), "a#1").id
        first = add_user(session, "first", Role.OPERATOR, "cli:root").id
        second = add_user(session, "second", Role.OPERATOR, "cli:root").id
    with store.write() as session:
        mine, created = log.add_report(session, incident_id, _report("mine"), "f#1", "k", first)
        assert created
    with store.write() as session:
        theirs, created = log.add_report(
            session, incident_id, _report("theirs"), "s#2", "k", second
        )
        assert created and theirs.id != mine.id and theirs.quoted_text == "theirs"
    with store.read() as session:
        assert len(log.list_reports(session, incident_id)) == 2


def test_same_key_from_many_threads_at_once_stores_once(store: Store) -> None:
    with store.write() as session:
        incident_id = log.create_incident(session, _incident(), "a#1").id
        user_id = add_user(session, "a", Role.OPERATOR, "cli:root").id
    barrier = threading.Barrier(12)
    outcomes: list[tuple[int, bool]] = []
    failures: list[BaseException] = []

    def submit() -> None:
        barrier.wait()
        try:
            with store.write() as session:
                report, created = log.add_report(
                    session, incident_id, _report(), "a#1", "k", user_id
                )
                outcomes.append((report.id, created))
        except BaseException as error:  # collected and asserted below
            failures.append(error)

    threads = [threading.Thread(target=submit) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sum(created for _, created in outcomes) == 1
    assert len({report_id for report_id, _ in outcomes}) == 1
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Report)) == 1


def test_concurrent_writers_all_land(store: Store) -> None:
    with store.write() as session:
        incident_id = log.create_incident(session, _incident(), "a#1").id
    errors: list[BaseException] = []

    def writer(worker: int) -> None:
        try:
            for i in range(15):
                with store.write() as session:
                    log.add_report(session, incident_id, _report(f"{worker}-{i}"), "a#1", None)
        except BaseException as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with store.read() as session:
        texts = sorted(r.quoted_text for r in log.list_reports(session, incident_id))
    assert texts == sorted(f"{w}-{i}" for w in range(8) for i in range(15))


def test_tokens_are_stored_hashed_and_can_be_revoked(store: Store) -> None:
    with store.write() as session:
        alice = add_user(session, "alice", Role.APPROVER, "cli:root")
        token, secret = create_token(session, alice, Role.OPERATOR, "cli:root")
    with store.read() as session:
        row = session.get(ApiToken, token.id)
        stored = [str(getattr(row, column.key)) for column in ApiToken.__table__.columns]
        principal = authenticate(session, secret)
        assert authenticate(session, secret + "x") is None
    assert all(secret not in value for value in stored)
    assert row.token_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert principal == Principal(token.id, "alice", Role.OPERATOR, alice.id)
    with store.write() as session:
        revoke_token(session, token.id, "admin#9")
    with store.read() as session:
        assert authenticate(session, secret) is None


def test_every_write_is_audited(store: Store) -> None:
    with store.write() as session:
        incident_id = log.create_incident(session, _incident(report=_report()), "alice#1").id
        log.revise_incident(
            session, incident_id, IncidentPatch(status="confirmed", reason="r"), "bob#2"
        )
        log.confirm_damage(session, incident_id, DamageIn(asset_id="power.trafo.0"), "bob#2")
    with store.read() as session:
        actions = [(e.actor, e.action) for e in entries(session)]
        assert session.scalar(select(func.count()).select_from(IncidentRevision)) == 2
    assert actions == [
        ("alice#1", "incident.create"),
        ("alice#1", "report.create"),
        ("bob#2", "incident.revise"),
        ("bob#2", "damage.confirm"),
    ]


def test_failed_write_leaves_nothing(store: Store) -> None:
    with store.write() as session:
        incident_id = log.create_incident(session, _incident(), "a#1").id
    with pytest.raises(NotFoundError), store.write() as session:
        log.add_report(session, incident_id, _report(), "a#1")
        log.add_report(session, incident_id + 99, _report(), "a#1", None)
    with store.read() as session:
        assert log.list_reports(session, incident_id) == []
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 1


def test_damage_links_confirm_retract_and_feed_the_impact(store: Store) -> None:
    with store.write() as session:
        first = log.create_incident(session, _incident(), "a#1").id
        second = log.create_incident(session, _incident(title="Debris"), "a#1").id
        link = log.confirm_damage(session, first, DamageIn(asset_id="power.trafo.0"), "a#1")
        log.confirm_damage(session, first, DamageIn(asset_id="power.trafo.1"), "a#1")
        log.confirm_damage(session, second, DamageIn(asset_id="heat.pipe.3"), "a#1")
    with pytest.raises(ConflictError), store.write() as session:
        log.confirm_damage(session, first, DamageIn(asset_id="power.trafo.0"), "a#1")
    with store.write() as session:
        log.retract_damage(session, first, link.id, "b#2")
        log.revise_incident(session, second, IncidentPatch(status="ruled_out", reason="r"), "b#2")
    with store.read() as session:
        assert log.confirmed_asset_ids(session) == ["power.trafo.1"]
        assert len(log.damage_links(session, first)) == 2  # the retracted one stays
    with store.write() as session:
        log.confirm_damage(session, first, DamageIn(asset_id="power.trafo.0"), "c#3")
    with store.read() as session:
        assert log.confirmed_asset_ids(session, [first]) == ["power.trafo.0", "power.trafo.1"]


def test_alert_needs_a_second_person_and_is_final(store: Store, make_cap) -> None:
    author = Principal(1, "olena", Role.APPROVER, 1)
    same_name = Principal(7, "olena", Role.ADMIN, 1)
    approver = Principal(2, "petro", Role.APPROVER, 2)
    with store.write() as session:
        for name in ("olena", "petro"):
            add_user(session, name, Role.APPROVER, "cli:root")
        first = alert_log.create_draft(session, make_cap("wg-1"), author.actor, None, 1)
    with pytest.raises(ForbiddenError), store.write() as session:
        alert_log.publish(session, first.id, author)
    with pytest.raises(ForbiddenError), store.write() as session:
        alert_log.publish(session, first.id, same_name)
    with store.read() as session:
        assert alert_log.current_public(session) == []
    with store.write() as session:
        published = alert_log.publish(session, first.id, approver)
        assert published.published_by == approver.actor
    with pytest.raises(ConflictError), store.write() as session:
        alert_log.publish(session, first.id, approver)
    reference = "emergency@city.example,wg-1,2026-01-14T04:00:00-00:00"
    with store.write() as session:
        update = alert_log.create_draft(
            session, make_cap("wg-2", "Update", reference), author.actor, None, 1
        )
    with store.read() as session:
        assert [a.identifier for a in alert_log.current_public(session)] == ["wg-1"]
    with store.write() as session:
        alert_log.publish(session, update.id, approver)
    with store.read() as session:
        assert [a.identifier for a in alert_log.current_public(session)] == ["wg-2"]
        old = alert_log.get_alert(session, first.id)
        assert old.superseded_by == "wg-2" and old.xml == make_cap("wg-1")


def test_invalid_or_duplicate_cap_is_refused(store: Store, make_cap) -> None:
    with pytest.raises(Exception, match="cap_xml"), store.write() as session:
        alert_log.create_draft(session, b"<alert/>", "a#1")
    with store.write() as session:
        alert_log.create_draft(session, make_cap("dup"), "a#1")
    with pytest.raises(ConflictError), store.write() as session:
        alert_log.create_draft(session, make_cap("dup"), "a#1")


def test_expired_alerts_leave_the_current_list(store: Store, make_cap) -> None:
    with store.write() as session:
        add_user(session, "a", Role.OPERATOR, "cli:root")
        add_user(session, "b", Role.APPROVER, "cli:root")
        alert = alert_log.create_draft(
            session, make_cap("old", expires="2026-01-14T06:00:00-00:00"), "a#1"
        )
        alert_log.publish(session, alert.id, Principal(2, "b", Role.APPROVER, 2))
    with store.read() as session:
        before = alert_log.current_public(session, datetime(2026, 1, 14, 5, 59, tzinfo=UTC))
        after = alert_log.current_public(session, datetime(2026, 1, 14, 6, 0, tzinfo=UTC))
    assert [a.identifier for a in before] == ["old"] and after == []
