"""warmgrid.geo: great-circle distances and the local metric frame."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st

from warmgrid.geo import EARTH_RADIUS_M, METRES_PER_DEGREE, LocalFrame, great_circle_m

lons = st.floats(-179.0, 179.0)
lats = st.floats(-70.0, 70.0)


def test_quarter_meridian_and_equator_degree() -> None:
    # Pole to equator along a meridian is a quarter of the circumference.
    assert float(great_circle_m(0.0, 0.0, 0.0, 90.0)) == pytest.approx(math.pi / 2 * EARTH_RADIUS_M)
    assert float(great_circle_m(10.0, 0.0, 11.0, 0.0)) == pytest.approx(METRES_PER_DEGREE)


def test_a_published_distance() -> None:
    # Kyiv (St Sophia) to Lviv (Rynok Square): 468 km in the great-circle tables.
    assert float(great_circle_m(30.5234, 50.4501, 24.0297, 49.8397)) == pytest.approx(
        468_000, abs=3_000
    )


def test_broadcasting_gives_a_matrix() -> None:
    lon = np.array([30.5, 30.6, 30.7])
    distances = great_circle_m(lon[:, None], 50.45, lon[None, :], 50.45)
    assert distances.shape == (3, 3)
    np.testing.assert_allclose(distances, distances.T)
    np.testing.assert_allclose(np.diag(distances), 0.0, atol=1e-6)


@given(lons, lats, st.floats(-5_000, 5_000), st.floats(-5_000, 5_000))
def test_local_frame_round_trip_and_distance(
    lon0: float, lat0: float, dx: float, dy: float
) -> None:
    frame = LocalFrame(lon0, lat0)
    lon, lat = frame.to_lonlat_deg([dx, dy])
    np.testing.assert_allclose(frame.to_xy_m(lon, lat), [[dx, dy]], atol=1e-6)
    # Within 5 km the projection's distance from the centre is the great-circle one
    # within 0.1 % (+ 1 mm).
    along_sphere = float(great_circle_m(lon0, lat0, lon[0], lat[0]))
    assert math.hypot(dx, dy) == pytest.approx(along_sphere, rel=1e-3, abs=1e-3)


def test_projected_shape_has_the_area_in_square_metres() -> None:
    frame = LocalFrame(30.5, 50.45)
    lon, lat = frame.to_lonlat_deg([[0, 0], [100, 0], [100, 50], [0, 50]])
    square = shapely.Polygon(np.column_stack([lon, lat]))
    assert frame.project(square).area == pytest.approx(5_000.0, rel=1e-9)


def test_frame_around_points_is_centred_on_their_mean() -> None:
    frame = LocalFrame.around([30.0, 31.0], [50.0, 51.0])
    assert (frame.lon0_deg, frame.lat0_deg) == (30.5, 50.5)
