"""CLI: tokens, the incident log, alert publication, and the demo seed."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from warmgrid.cli import app
from warmgrid.errors import InputError
from warmgrid.impact import Damage, assess
from warmgrid.incidents import log
from warmgrid.incidents.seed import seed_if_empty
from warmgrid.model import compile_city
from warmgrid.model.demo import demo_city
from warmgrid.scenario.spec import demo_scenario
from warmgrid.store import alert_log, authenticate, open_store

runner = CliRunner()

CAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>cli-1</identifier><sender>e@city.example</sender>
  <sent>2026-01-14T04:00:00-00:00</sent><status>Actual</status><msgType>Alert</msgType>
  <scope>Public</scope>
  <info><category>Infra</category><event>Outage</event><urgency>Expected</urgency>
    <severity>Severe</severity><certainty>Observed</certainty>
    <expires>2099-01-01T00:00:00-00:00</expires><headline>Outage</headline>
    <description>No heat.</description>
    <area><areaDesc>North</areaDesc>
      <polygon>50.46,30.51 50.47,30.51 50.47,30.53 50.46,30.51</polygon></area>
  </info>
</alert>"""


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_token_create_prints_a_secret_once(db: str) -> None:
    assert run("user", "add", "olena", "--role", "approver", "--db", db)[0] == 0
    code, out, _ = run(
        "token", "create", "--user", "olena", "--role", "operator", "--db", db, "--json"
    )
    assert code == 0
    made = json.loads(out)
    assert made["role"] == "operator" and made["secret"].startswith("wg_")
    assert made["user"] == "olena"
    code, _, err = run("token", "create", "--user", "olena", "--role", "boss", "--db", db)
    assert code == 2 and "unknown role 'boss'" in err and "Traceback" not in err
    code, _, err = run("token", "create", "--user", "olena", "--role", "admin", "--db", db)
    assert code == 2 and "role" in err and "approver" in err
    code, _, err = run("token", "create", "--user", "nobody", "--db", db)
    assert code == 2 and "--user" in err and "user add" in err


def test_item25_token_list_and_revoke(db: str) -> None:
    run("user", "add", "petro", "--role", "operator", "--db", db)
    made = json.loads(run("token", "create", "--user", "petro", "--db", db, "--json")[1])
    code, out, _ = run("token", "list", "--db", db, "--json")
    listed = json.loads(out)["tokens"]
    assert code == 0 and [(t["id"], t["user"], t["revoked_at"]) for t in listed] == [
        (made["id"], "petro", None)
    ]
    assert made["secret"] not in out
    code, out, _ = run("token", "revoke", str(made["id"]), "--db", db)
    assert code == 0 and "revoked" in out
    store = open_store(db)
    with store.read() as session:
        assert authenticate(session, made["secret"]) is None
    store.close()
    assert json.loads(run("token", "list", "--db", db, "--json")[1])["tokens"][0]["revoked_at"]
    code, _, err = run("token", "revoke", str(made["id"]), "--db", db)
    assert code == 2 and "already revoked" in err
    code, _, err = run("token", "revoke", "99", "--db", db)
    assert code == 2 and "unknown token id '99'" in err


def test_item3_user_add_and_list(db: str) -> None:
    code, out, _ = run("user", "add", "olena", "--role", "admin", "--db", db, "--json")
    assert code == 0 and json.loads(out)["role"] == "admin"
    code, _, err = run("user", "add", "olena", "--role", "viewer", "--db", db)
    assert code == 2 and "exists" in err
    code, _, err = run("user", "add", "a#b", "--role", "viewer", "--db", db)
    assert code == 2 and "'#'" in err
    users = json.loads(run("user", "list", "--db", db, "--json")[1])["users"]
    assert [(u["name"], u["role"]) for u in users] == [("olena", "admin")]


@pytest.mark.parametrize(
    "command",
    [
        ("incident", "list"),
        ("incident", "show", "1"),
        ("token", "list"),
        ("token", "revoke", "1"),
        ("token", "create", "--user", "x"),
        ("user", "list"),
        ("alert", "publish", "1", "--token", "wg_x"),
    ],
)
def test_item9_read_commands_refuse_a_missing_store(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    missing = tmp_path / "missing.db"
    code, _, err = run(*command, "--db", f"sqlite:///{missing}")
    assert code == 2 and "no store at" in err and str(missing) in err.replace("\n", "")
    assert not missing.exists()


def test_incident_add_list_show(db: str) -> None:
    code, out, _ = run(
        "incident", "add", "--kind", "fire", "--title", "Fire at boiler house South",
        "--source", "State Emergency Service", "--source-kind", "emergency_service",
        "--text", "Fire, 2 crews on site", "--certainty", "Observed",
        "--time", "2026-01-14T05:10:00+02:00", "--time-precision", "minute",
        "--lon", "30.49", "--lat", "50.43", "--precision-m", "50", "--db", db, "--json",
    )  # fmt: skip
    assert code == 0, out
    incident_id = json.loads(out)["id"]
    code, out, _ = run("incident", "list", "--db", db, "--json")
    assert code == 0 and [i["id"] for i in json.loads(out)["incidents"]] == [incident_id]
    code, out, _ = run("incident", "show", str(incident_id), "--db", db, "--json")
    shown = json.loads(out)
    # times on the clock of the server's city (demo: Europe/Kyiv), with their offset
    assert shown["occurred_at"] == "2026-01-14T05:10:00+02:00"
    assert shown["timezone"] == "Europe/Kyiv"
    assert shown["reports"][0]["received_at"].endswith("+02:00")
    assert shown["reports"][0]["source_name"] == "State Emergency Service"
    assert shown["reports"][0]["certainty"] == "Observed"
    assert shown["revisions"][0]["changed_by"].startswith("cli:")
    code, out, _ = run("incident", "show", str(incident_id), "--db", db)
    assert code == 0 and "Fire at boiler house South" in out
    # item 23: the time and the location are shown
    assert "time: 2026-01-14 05:10:00+02:00 (Europe/Kyiv; precision: minute)" in out
    assert "location: lon 30.490000, lat 50.430000 (within 50 m)" in out
    code, out, _ = run("incident", "list", "--db", db)  # 80 columns: nothing cut
    assert code == 0
    assert f"#{incident_id} Fire at boiler house South — fire, reported (revision 1)" in out
    assert "occurred 2026-01-14 05:10+02:00, updated " in out


def _add_fire(db: str) -> int:
    code, out, _ = run(
        "incident", "add", "--kind", "fire", "--title", "Fire", "--source", "SES",
        "--source-kind", "emergency_service", "--text", "Fire",
        "--time", "2026-01-14T05:10:00+02:00", "--db", db, "--json",
    )  # fmt: skip
    assert code == 0, out
    return int(json.loads(out)["id"])


def test_incident_times_in_the_zone_of_the_city_or_the_one_asked_for(
    db: str, tmp_path: Path
) -> None:
    """item 16/23: list and show print the city's clock (the --city of serve, or
    $WARMGRID_CITY), or --timezone / $WARMGRID_TIMEZONE, always with the offset."""
    import dataclasses

    from warmgrid.model.io.native import save_city

    incident_id = _add_fire(db)
    lisbon = save_city(
        dataclasses.replace(demo_city(), timezone="Europe/Lisbon"), tmp_path / "lisbon"
    )

    def occurred(*options: str, env: dict[str, str] | None = None) -> str:
        result = runner.invoke(
            app, ["incident", "show", str(incident_id), "--db", db, "--json", *options], env=env
        )
        assert result.exit_code == 0, result.stderr
        return str(json.loads(result.stdout)["occurred_at"])

    assert occurred() == "2026-01-14T05:10:00+02:00"
    assert occurred("--city", str(lisbon)) == "2026-01-14T03:10:00+00:00"
    assert occurred(env={"WARMGRID_CITY": str(lisbon)}) == "2026-01-14T03:10:00+00:00"
    assert occurred("--timezone", "America/New_York") == "2026-01-13T22:10:00-05:00"
    assert occurred(env={"WARMGRID_TIMEZONE": "Asia/Tokyo"}) == "2026-01-14T12:10:00+09:00"
    assert occurred("--city", "none") == "2026-01-14T03:10:00+00:00"
    result = runner.invoke(app, ["incident", "list", "--db", db, "--timezone", "Asia/Tokyo"])
    assert "2026-01-14 12:10+09:00" in result.stdout
    listed = json.loads(run("incident", "list", "--db", db, "--json")[1])
    assert listed["timezone"] == "Europe/Kyiv"
    assert listed["incidents"][0]["occurred_at"] == "2026-01-14T05:10:00+02:00"
    code, _, err = run("incident", "list", "--db", db, "--timezone", "Mars/Olympus")
    assert code == 2 and "--timezone" in err and "Traceback" not in err


def test_incident_errors_exit_2_without_traceback(db: str) -> None:
    open_store(db).close()
    code, _, err = run("incident", "show", "999", "--db", db)
    assert code == 2 and "unknown incident id '999'" in err
    code, _, err = run(
        "incident", "add", "--kind", "fire", "--title", "x", "--source", "s",
        "--source-kind", "public", "--text", "t", "--time", "yesterday", "--db", db,
    )  # fmt: skip
    assert code == 2 and "--time:" in err and "Traceback" not in err
    code, _, err = run("incident", "list", "--db", "mysql://x/y")
    assert code == 2 and "unsupported database" in err


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (("--time", "2026-01-14T05:10:00"), "error: --time: Input should have timezone info"),
        (
            ("--lon", "30.5", "--lat", "95"),
            "error: --lat: Input should be less than or equal",
        ),
        (("--lon", "200", "--lat", "50"), "error: --lon: Input should be less than or equal"),
        (("--title", " "), "error: --title: must not be blank (only spaces)"),
    ],
    ids=["time_without_zone", "lat", "lon", "blank_title"],
)
def test_incident_add_names_the_option_at_fault(db: str, options, message: str) -> None:
    given = {"--title": "x", **dict(zip(options[::2], options[1::2], strict=True))}
    args = ["incident", "add", "--kind", "fire", "--source", "s", "--source-kind", "public"]
    args += ["--text", "t", "--db", db, *(part for pair in given.items() for part in pair)]
    code, _, err = run(*args)
    assert code == 2 and "Traceback" not in err
    assert " ".join(err.split()).startswith(message), err


def test_alert_publish_needs_a_second_person(db: str) -> None:
    tokens = {}
    for name, role in (("author", "approver"), ("boss", "approver"), ("op", "operator")):
        run("user", "add", name, "--role", role, "--db", db)
        _, out, _ = run("token", "create", "--user", name, "--db", db, "--json")
        tokens[name] = json.loads(out)
    store = open_store(db)
    with store.write() as session:
        author = tokens["author"]
        alert_id = alert_log.create_draft(
            session, CAP, f"author#{author['id']}", None, author["user_id"]
        ).id
    store.close()
    code, _, err = run(
        "alert", "publish", str(alert_id), "--token", tokens["author"]["secret"], "--db", db
    )
    assert code == 2 and "another person" in err
    code, _, err = run(
        "alert", "publish", str(alert_id), "--token", tokens["op"]["secret"], "--db", db
    )
    assert code == 2 and "approver" in err
    code, _, err = run("alert", "publish", str(alert_id), "--db", db)
    assert code == 2 and "--token" in err
    code, out, _ = run(
        "alert", "publish", str(alert_id), "--token", tokens["boss"]["secret"], "--db", db, "--json"
    )
    assert code == 0 and json.loads(out)["status"] == "published"


def test_item10_serve_seeds_only_the_demo_city_and_only_when_asked(tmp_path: Path) -> None:
    from warmgrid.model.io.native import save_city
    from warmgrid.model.synth import synthetic_city

    own = tmp_path / "own-city"
    save_city(synthetic_city(60, seed=3), own)
    db = f"sqlite:///{tmp_path / 'own.db'}"
    code, _, err = run("serve", "--city", str(own), "--seed-demo", "--db", db)
    assert code == 2 and "--seed-demo" in err and "demo city" in err and "Traceback" not in err
    store = open_store(db)
    with pytest.raises(InputError, match="demo city"):
        seed_if_empty(store, synthetic_city(60, seed=3))
    with store.read() as session:
        assert log.list_incidents(session) == []
    store.close()


def test_seed_reproduces_the_default_scenario(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'seed.db'}")
    city = demo_city()
    assert seed_if_empty(store, None) == 0  # no city: nothing to place incidents in
    assert seed_if_empty(store, city) == 4
    assert seed_if_empty(store, city) == 0
    with store.read() as session:
        incidents = log.list_incidents(session)
        assert all(log.list_reports(session, i.id) for i in incidents)  # each with its source
        damaged = log.confirmed_asset_ids(session)
        kinds = sorted(i.kind for i in incidents)
    store.close()
    assert kinds == ["air_threat", "interception_debris", "interception_debris", "strike"]
    compiled = compile_city(city)
    from_store = assess(compiled, Damage(asset_ids=tuple(damaged)))
    scenario = assess(compiled, demo_scenario().damage)  # the lead's scenario as oracle
    assert sorted(from_store.damaged_asset_ids) == sorted(scenario.damaged_asset_ids)
    assert from_store.people_without_heat == scenario.people_without_heat > 0
    assert from_store.people_without_power == scenario.people_without_power > 0


def test_token_list_shows_times_with_their_utc_offset(db: str) -> None:
    run("user", "add", "petro", "--role", "operator", "--db", db)
    run("token", "create", "--user", "petro", "--db", db)
    run("token", "revoke", "1", "--db", db)
    (listed,) = json.loads(run("token", "list", "--db", db, "--json")[1])["tokens"]
    code, out, _ = run("token", "list", "--db", db)
    assert code == 0
    for stored in (listed["created_at"], listed["revoked_at"]):
        shown = datetime.fromisoformat(stored).isoformat(sep=" ", timespec="minutes")
        assert shown.endswith("+00:00") and shown in out  # never a clock time without its zone
