"""``warmgrid alert validate|compose`` through the real root app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from warmgrid.alerts.validate import validate_cap
from warmgrid.cli import app
from warmgrid.cli.output import console

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "cap-samples"
runner = CliRunner()


def test_validate_all_valid_exits_0() -> None:
    files = [str(SAMPLES / n) for n in ("canada.cap", "earthquake.cap", "weather.cap")]
    result = runner.invoke(app, ["alert", "validate", *files])
    assert result.exit_code == 0, result.output
    assert result.output.count("valid ") == 3
    assert "Traceback" not in result.output


def test_validate_with_invalid_exits_1_and_names_reasons() -> None:
    files = [str(SAMPLES / "canada.cap"), str(SAMPLES / "canada_errors.cap")]
    result = runner.invoke(app, ["alert", "validate", *files])
    assert result.exit_code == 1
    assert "invalid canada_errors.cap" in result.output.replace(str(SAMPLES) + "/", "")
    assert "line 12: <references>: is empty" in result.output


def test_validate_json_is_one_object() -> None:
    files = sorted(str(p) for p in SAMPLES.iterdir())
    result = runner.invoke(app, ["alert", "validate", "--json", *files])
    assert result.exit_code == 1
    payload = json.loads(result.stdout)
    verdicts = {Path(f["source"]).name: f["valid"] for f in payload["files"]}
    assert verdicts == {
        "australia.cap": True,
        "canada.cap": True,
        "canada_errors.cap": False,
        "earthquake.cap": True,
        "invalid.cap": False,
        "no_optional_fields.cap": True,
        "noaa_errors.cap": False,
        "wcatwc-warning.cap": True,
        "weather.cap": True,
    }
    assert payload["valid"] is False
    assert payload["unreadable"] == []


def test_validate_unreadable_file_is_named_with_exit_2(tmp_path: Path) -> None:
    missing = tmp_path / "missing.cap"
    result = runner.invoke(app, ["alert", "validate", str(SAMPLES / "canada.cap"), str(missing)])
    assert result.exit_code == 2
    assert "missing.cap" in result.output
    assert "cannot read" in result.output
    assert "Traceback" not in result.output


def test_compose_demo_writes_valid_alerts_and_feed(tmp_path: Path) -> None:
    out = tmp_path / "alerts"
    result = runner.invoke(
        app,
        [
            "alert",
            "compose",
            "--demo",
            "--json",
            "--out",
            str(out),
            "--sent",
            "2026-11-26T06:00:00+02:00",
            "--etr-hours",
            "30",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    messages = payload["messages"]
    assert len(messages) >= 1
    for summary in messages:
        data = Path(summary["file"]).read_bytes()
        assert validate_cap(data, feed_rules=True).valid
        assert summary["etr"] == "2026-11-27T12:00:00+02:00"
        assert summary["languages"] == ["en", "uk"]
    assert sum(m["people_without_heat"] for m in messages) > 0
    assert Path(payload["feed"]).read_bytes().count(b"<entry>") == len(messages)


def test_compose_needs_demo_and_checks_inputs() -> None:
    result = runner.invoke(app, ["alert", "compose"])
    assert result.exit_code == 2
    assert "--demo" in result.output
    result = runner.invoke(app, ["alert", "compose", "--demo", "--sent", "2026-11-26T06:00:00"])
    assert result.exit_code == 2
    assert "--sent" in result.output
    for option, value, needle in (
        ("--sent", "1900-01-01T00:00:00Z", "--sent: expected a time from 1970 to 2100"),
        ("--sent", "9999-12-31T00:00:00Z", "--sent: expected a time from 1970 to 2100"),
        ("--etr-hours", "1e9", "--etr-hours: expected 0 to 1440 hours, got 1000000000.0"),
    ):
        result = runner.invoke(app, ["alert", "compose", "--demo", option, value])
        assert result.exit_code == 2, result.output
        assert needle in " ".join(result.output.split()) and "Traceback" not in result.output


def test_compose_out_naming_a_file_is_refused_and_the_file_kept(tmp_path: Path) -> None:
    taken = tmp_path / "alerts.xml"
    taken.write_text("mine")
    result = runner.invoke(app, ["alert", "compose", "--demo", "--out", str(taken)])
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert message == f"error: {taken}: is a file; name a folder to write the alerts into"
    assert taken.read_text() == "mine"


def _compose(out: Path, *extra: str) -> dict:
    base = ["alert", "compose", "--demo", "--json", "--out", str(out), "--etr-hours", "30"]
    result = runner.invoke(app, [*base, "--sent", "2026-11-26T06:00:00+02:00", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_item22_sender_and_public_url_are_deployment_settings(tmp_path: Path) -> None:
    payload = _compose(
        tmp_path / "served",
        "--sender",
        "alerts@kyiv.example",
        "--sender-name",
        "Kyiv emergency centre",
        "--public-url",
        "https://alerts.kyiv.example/outages",
    )
    feed = Path(payload["feed"]).read_text()
    assert "file://" not in feed
    assert "<id>https://alerts.kyiv.example/outages/feed.atom</id>" in feed
    first = payload["messages"][0]
    message = Path(first["file"]).read_text()
    assert "<sender>alerts@kyiv.example</sender>" in message
    assert "<senderName>Kyiv emergency centre</senderName>" in message
    assert f"https://alerts.kyiv.example/outages/{Path(first['file']).name}" in feed
    bare = Path(_compose(tmp_path / "bare")["feed"]).read_text()
    assert "file://" not in bare and "<id>urn:warmgrid:feed:warmgrid@city.invalid</id>" in bare
    result = runner.invoke(app, ["alert", "compose", "--demo", "--sender", "a b,c"])
    assert result.exit_code == 2 and "--sender" in result.output


def test_item22_scenario_file_names_its_deployment(tmp_path: Path) -> None:
    from warmgrid.scenario.spec import load_scenario

    demo = (
        Path(__file__).resolve().parents[2] / "src/warmgrid/scenario/data/demo.toml"
    ).read_text()
    path = tmp_path / "kyiv.toml"
    path.write_text(
        demo + '\n[deployment]\nsender = "alerts@kyiv.example"\nsender_name = "Kyiv centre"\n'
        'public_url = "https://alerts.kyiv.example"\n'
    )
    deployment = load_scenario(path).deployment
    assert (deployment.sender, deployment.sender_name, deployment.public_url) == (
        "alerts@kyiv.example",
        "Kyiv centre",
        "https://alerts.kyiv.example/",
    )
    path.write_text(demo + '\n[deployment]\npublic_url = "file:///tmp/x"\n')
    result = runner.invoke(app, ["alert", "compose", str(path)])
    assert result.exit_code == 2 and "deployment.public-url" in result.output


def test_compose_table_counts_people_as_the_area_line_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = ["alert", "compose", "--demo", "--sent", "2026-11-26T06:00:00+02:00"]
    summaries = json.loads(runner.invoke(app, [*args, "--json"]).stdout)["messages"]
    monkeypatch.setattr(console, "width", 200)
    printed = runner.invoke(app, args)
    assert printed.exit_code == 0, printed.output
    rows = {line.split("│")[1].strip(): line for line in printed.stdout.splitlines() if "│" in line}
    assert max(s["people_without_heat"] for s in summaries) >= 1000
    for summary in summaries:
        cells = [cell.strip() for cell in rows[summary["area"]].split("│")]
        assert cells[3:5] == [
            f"{summary['people_without_power']:,}",
            f"{summary['people_without_heat']:,}",
        ]


def test_compose_with_nothing_out_prints_no_empty_table() -> None:
    later = ["alert", "compose", "--demo", "--sent", "2026-12-20T06:00:00+02:00"]
    printed = runner.invoke(app, later)
    assert printed.exit_code == 0, printed.output
    assert "outage alerts" not in printed.stdout and "┏" not in printed.stdout
    assert "note: nothing is out any more" in " ".join(printed.output.split())
