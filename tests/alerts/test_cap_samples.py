"""The real CAP messages shipped in tests/data/cap-samples are classified correctly."""

from __future__ import annotations

from pathlib import Path

import pytest

from warmgrid.alerts.validate import validate_cap

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "cap-samples"

VALID = {
    "australia.cap": "1.2",
    "canada.cap": "1.2",
    "earthquake.cap": "1.1",
    "no_optional_fields.cap": "1.1",
    "wcatwc-warning.cap": "1.2",
    "weather.cap": "1.1",
}

# Each invalid sample with the fragments its reasons must contain: the real errors, as
# read from the files (the comments in them say what their authors broke on purpose).
INVALID = {
    "invalid.cap": ("1.2", 1, ["line 9: schema: Element 'info'", "scope"]),
    "canada_errors.cap": ("1.2", 1, ["line 12: <references>: is empty", "msgType Update"]),
    "noaa_errors.cap": (
        "1.1",
        6,
        [
            "line 13: <references>: is empty",
            "line 17: schema: Element 'urgency'",
            "line 18: schema: Element 'severity'",
            "line 19: schema: Element 'certainty'",
            "line 66: <polygon>: coordinate pair '+40.85,-118.09,'",
            "line 67: <polygon>: polygon is empty",
        ],
    ),
}


def test_every_sample_is_classified() -> None:
    assert {p.name for p in SAMPLES.iterdir()} == set(VALID) | set(INVALID)


@pytest.mark.parametrize(("name", "version"), sorted(VALID.items()))
def test_valid_samples(name: str, version: str) -> None:
    report = validate_cap((SAMPLES / name).read_bytes(), source=name)
    assert report.errors == []
    assert report.valid
    assert report.version == version
    assert report.source == name


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_samples_name_their_errors(name: str) -> None:
    version, count, fragments = INVALID[name]
    report = validate_cap((SAMPLES / name).read_bytes(), source=name)
    assert not report.valid
    assert report.version == version
    text = "\n".join(report.errors)
    for fragment in fragments:
        assert fragment in text
    assert len(report.errors) == count
