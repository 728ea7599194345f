"""``warmgrid serve`` helpers: the console's scenario and the demo tokens."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from warmgrid.cli import app
from warmgrid.cli.incidents import _console_scenario, _demo_tokens
from warmgrid.scenario.spec import demo_scenario
from warmgrid.store import authenticate, open_store


def test_demo_tokens_belong_to_three_people_with_their_roles(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'serve.db'}")
    first = dict(_demo_tokens(store))
    again = dict(_demo_tokens(store))  # a restart on the same store reuses the users
    with store.read() as session:
        people = {}
        for tokens in (first, again):
            for role, secret in tokens.items():
                principal = authenticate(session, secret)
                assert principal is not None
                assert principal.role.value == role
                people.setdefault(role, set()).add(principal.user_id)
    store.close()
    assert set(first) == {"operator", "approver", "viewer"}
    assert all(len(ids) == 1 for ids in people.values())
    assert len({next(iter(ids)) for ids in people.values()}) == 3


def test_the_console_scenario(tmp_path: Path) -> None:
    assert _console_scenario("demo", None) == demo_scenario()
    assert _console_scenario(str(tmp_path), None) is None
    text = Path(__file__).resolve().parents[2] / "src/warmgrid/scenario/data/demo.toml"
    copy = tmp_path / "mine.toml"
    copy.write_text(text.read_text().replace("late November", "my test"))
    assert _console_scenario("demo", str(copy)).name == "Strike on CHP-5, my test"


def test_a_port_in_use_is_one_clear_error_before_anything_starts(tmp_path: Path) -> None:
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    port = busy.getsockname()[1]
    try:
        store = tmp_path / "serve.db"
        args = ["serve", "--port", str(port), "--city", "none", "--db", f"sqlite:///{store}"]
        result = CliRunner().invoke(app, args)
    finally:
        busy.close()
    assert result.exit_code == 2, result.output
    assert f"--host/--port: cannot listen on 127.0.0.1:{port}" in result.output
    assert "console on" not in result.output and not store.exists()


def test_the_banner_keeps_addresses_and_tokens_on_one_line(tmp_path: Path) -> None:
    """Copied from a narrow terminal or a log, an address or a token broken over two
    lines does not work: each stays whole on its line."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-c", "from warmgrid.cli import main; main()", "serve"]
    command += ["--port", str(port), "--city", "none", "--demo-tokens"]
    command += ["--db", f"sqlite:///{tmp_path / 'serve.db'}"]
    server = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "COLUMNS": "50"},
    )
    try:
        lines = []
        assert server.stdout is not None
        for line in server.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("Ctrl-C"):
                break
    finally:
        server.terminate()
        server.wait(timeout=30)
    address = f"http://127.0.0.1:{port}"
    assert f"public page on {address}/public, API docs on {address}/docs" in lines, lines
    tokens = [line for line in lines if "sign in as" in line]
    assert len(tokens) == 3
    assert all(re.fullmatch(r"  sign in as the demo \w+: wg_[\w-]{40,}", t) for t in tokens)
