"""The HTTP API (FastAPI): incidents, reports, damage, assessments, alerts, feed."""

from warmgrid.api.app import create_app

__all__ = ["create_app"]
