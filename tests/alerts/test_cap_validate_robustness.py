"""validate_cap never raises on bad content, and reading back the real samples works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from warmgrid.alerts.compose import from_xml, to_xml
from warmgrid.alerts.safe_xml import CapParseError
from warmgrid.alerts.validate import CapReport, validate_cap

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "cap-samples"
CANADA = (SAMPLES / "canada.cap").read_bytes()


@given(st.binary(max_size=2000))
def test_random_bytes_give_a_report(data: bytes) -> None:
    report = validate_cap(data)
    assert isinstance(report, CapReport)
    assert not report.valid
    assert report.errors


@given(
    st.integers(0, len(CANADA) - 1),
    st.integers(0, 40),
    st.binary(max_size=12),
)
def test_mutated_real_message_gives_a_report(start: int, length: int, insert: bytes) -> None:
    data = CANADA[:start] + insert + CANADA[start + length :]
    report = validate_cap(data)
    assert isinstance(report, CapReport)
    assert report.valid == (report.errors == [])
    for error in report.errors:
        assert isinstance(error, str) and error


@pytest.mark.parametrize(
    "name",
    [
        "australia.cap",
        "canada.cap",
        "earthquake.cap",
        "no_optional_fields.cap",
        "wcatwc-warning.cap",
        "weather.cap",
    ],
)
def test_valid_samples_read_back_and_rewritten_as_cap12_stay_valid(name: str) -> None:
    original = (SAMPLES / name).read_bytes()
    message = from_xml(original)
    rewritten = to_xml(message)
    report = validate_cap(rewritten, source=name)
    assert report.errors == []
    assert report.version == "1.2"
    assert from_xml(rewritten) == message
    # Nothing of the original's content is lost: same element texts, in the same order.
    assert _texts(rewritten) == _texts(original)


def _texts(data: bytes) -> list[tuple[str, str]]:
    """(local name, normalised text) of every element with text, document order."""
    root = etree.fromstring(data)
    out = []
    for element in root.iter(etree.Element):
        text = " ".join((element.text or "").split())
        if text:
            out.append((etree.QName(element).localname, _number_form(text)))
    return out


def _number_form(text: str) -> str:
    """Numbers compared by value, also inside coordinates (0.0 == 0, +41.1 == 41.1)."""
    tokens = re.split(r"([\s,])", text)
    try:
        return "".join(t if t in (" ", ",") else repr(float(t)) for t in tokens if t)
    except ValueError:
        return text


def test_reading_back_reports_bad_values() -> None:
    with pytest.raises(CapParseError, match="coordinate pair"):
        from_xml((SAMPLES / "noaa_errors.cap").read_bytes())
    with pytest.raises(CapParseError, match="not a CAP"):
        from_xml(b"<feed/>")
