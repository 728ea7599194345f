"""Hostile XML is rejected without reading a file or opening a connection.

Proof by witnesses: a temporary file holds a secret marker that must never show up, and
an HTTP server on 127.0.0.1 records every request it gets — it must get none. Control
tests show that the witnesses work: an unsafe parser does read the file, and a plain
HTTP client is recorded by the server.
"""

from __future__ import annotations

import http.server
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from lxml import etree

from warmgrid.alerts.safe_xml import CapParseError, parse_xml
from warmgrid.alerts.validate import validate_cap

MARKER = "WARMGRID-SECRET-7f3a9c"
CAP_BODY = (
    '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>{ident}</identifier>'
    "<sender>a@b</sender><sent>2026-11-26T08:00:00-00:00</sent><status>Actual</status>"
    "<msgType>Alert</msgType><scope>Public</scope></alert>"
)


@dataclass
class Witness:
    secret_path: Path
    base_url: str
    hits: list[str] = field(default_factory=list)


@pytest.fixture
def witness(tmp_path: Path) -> Iterator[Witness]:
    secret = tmp_path / "secret.txt"
    secret.write_text(MARKER)
    hits: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            body = f'<!ENTITY leak "{MARKER}">'.encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    try:
        yield Witness(secret, f"http://127.0.0.1:{server.server_address[1]}", hits)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _payloads(w: Witness) -> dict[str, bytes]:
    file_url = w.secret_path.as_uri()
    laughs = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    return {
        "xxe_file": (
            f'<!DOCTYPE alert [<!ENTITY xxe SYSTEM "{file_url}">]>' + CAP_BODY.format(ident="&xxe;")
        ).encode(),
        "xxe_http": (
            f'<!DOCTYPE alert [<!ENTITY xxe SYSTEM "{w.base_url}/entity">]>'
            + CAP_BODY.format(ident="&xxe;")
        ).encode(),
        "parameter_entity": (
            f'<!DOCTYPE alert [<!ENTITY % remote SYSTEM "{w.base_url}/param"> %remote;]>'
            + CAP_BODY.format(ident="&leak;")
        ).encode(),
        "external_dtd": (
            f'<!DOCTYPE alert SYSTEM "{w.base_url}/cap.dtd">' + CAP_BODY.format(ident="x")
        ).encode(),
        "billion_laughs": (
            f"<!DOCTYPE alert [{laughs}]>" + CAP_BODY.format(ident="&lol9;")
        ).encode(),
        "xxe_utf16": (
            '<?xml version="1.0" encoding="UTF-16"?>'
            f'<!DOCTYPE alert [<!ENTITY xxe SYSTEM "{file_url}">]>' + CAP_BODY.format(ident="&xxe;")
        ).encode("utf-16"),
        "oversized": CAP_BODY.format(ident="x" * 1_100_000).encode(),
    }


PAYLOAD_NAMES = [
    "xxe_file",
    "xxe_http",
    "parameter_entity",
    "external_dtd",
    "billion_laughs",
    "xxe_utf16",
    "oversized",
]


@pytest.mark.parametrize("name", PAYLOAD_NAMES)
def test_parse_xml_rejects(witness: Witness, name: str) -> None:
    data = _payloads(witness)[name]
    with pytest.raises(CapParseError) as caught:
        parse_xml(data)
    assert MARKER not in str(caught.value)
    assert witness.hits == []


@pytest.mark.parametrize("name", PAYLOAD_NAMES)
def test_validate_cap_reports_invalid_without_leaking(witness: Witness, name: str) -> None:
    report = validate_cap(_payloads(witness)[name], source=name)
    assert not report.valid
    assert report.version is None
    assert report.errors
    assert MARKER not in repr(report)
    assert witness.hits == []


def test_reasons_name_the_problem(witness: Witness) -> None:
    payloads = _payloads(witness)
    assert "DOCTYPE" in validate_cap(payloads["xxe_file"]).errors[0]
    assert "limit" in validate_cap(payloads["oversized"]).errors[0]


def test_size_bound_is_a_parameter() -> None:
    data = CAP_BODY.format(ident="x").encode()
    assert parse_xml(data, max_bytes=len(data)) is not None
    with pytest.raises(CapParseError, match="limit"):
        parse_xml(data, max_bytes=len(data) - 1)


def test_schema_location_and_xinclude_are_not_followed(witness: Witness) -> None:
    """No DTD here, so the document parses; but nothing it points at is fetched."""
    data = (
        '<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xi="http://www.w3.org/2001/XInclude" '
        f'xsi:schemaLocation="urn:oasis:names:tc:emergency:cap:1.2 {witness.base_url}/cap.xsd">'
        f'<xi:include href="{witness.secret_path.as_uri()}" parse="text"/>'
        f'<xi:include href="{witness.base_url}/include" parse="text"/>'
        "</alert>"
    ).encode()
    report = validate_cap(data)
    assert not report.valid
    assert MARKER not in repr(report)
    assert witness.hits == []


def test_control_unsafe_parser_reads_the_secret(witness: Witness) -> None:
    """The file witness works: a parser that resolves entities does leak the marker."""
    unsafe = etree.XMLParser(resolve_entities=True, load_dtd=True, no_network=False)
    root = etree.fromstring(_payloads(witness)["xxe_file"], unsafe)
    assert MARKER in etree.tostring(root, encoding="unicode")


def test_control_server_records_requests(witness: Witness) -> None:
    """The network witness works: a real request to it is recorded."""
    with urllib.request.urlopen(f"{witness.base_url}/probe", timeout=5) as response:
        assert MARKER in response.read().decode()
    assert witness.hits == ["/probe"]


def test_plain_cap_still_parses() -> None:
    root = parse_xml(CAP_BODY.format(ident="ok").encode())
    assert etree.QName(root).localname == "alert"
