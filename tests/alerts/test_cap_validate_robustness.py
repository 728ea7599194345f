"""validate_cap never raises on bad content, and reading back the real samples works."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from warmgrid.alerts.compose import from_xml
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
def test_valid_samples_read_back(name: str) -> None:
    message = from_xml((SAMPLES / name).read_bytes())
    assert message.identifier
    assert message.sent.utcoffset() is not None


def test_reading_back_reports_bad_values() -> None:
    with pytest.raises(CapParseError, match="coordinate pair"):
        from_xml((SAMPLES / "noaa_errors.cap").read_bytes())
    with pytest.raises(CapParseError, match="not a CAP"):
        from_xml(b"<feed/>")
