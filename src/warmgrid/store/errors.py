"""Errors of the store's operations, mapped to HTTP status codes by the API."""

from warmgrid.errors import UnknownIdError, WarmgridError


class NotFoundError(UnknownIdError):
    """No record with that id (HTTP 404)."""


class ConflictError(WarmgridError):
    """The request contradicts the stored state, e.g. a forbidden transition (HTTP 409)."""


class ForbiddenError(WarmgridError):
    """The caller may not do this, e.g. approve their own alert (HTTP 403)."""
