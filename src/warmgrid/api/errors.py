"""Exception handlers: bad input is a 4xx with a message, never a 5xx."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from warmgrid.errors import InputError, UnknownIdError, WarmgridError
from warmgrid.store.errors import ConflictError, ForbiddenError


def _status_of(error: WarmgridError) -> int:
    if isinstance(error, UnknownIdError):
        return 404
    if isinstance(error, ForbiddenError):
        return 403
    if isinstance(error, ConflictError):
        return 409
    return 422


def install_error_handlers(app: FastAPI) -> None:
    """Map warmgrid errors and constraint violations to JSON 4xx answers."""

    @app.exception_handler(WarmgridError)
    async def _warmgrid_error(_request: Request, error: WarmgridError) -> JSONResponse:
        body: dict[str, object] = {"detail": str(error)}
        if isinstance(error, InputError):
            body["field"] = error.where
        return JSONResponse(status_code=_status_of(error), content=body)

    @app.exception_handler(IntegrityError)
    async def _integrity_error(_request: Request, error: IntegrityError) -> JSONResponse:
        return JSONResponse(
            status_code=409,
            content={"detail": f"conflicts with stored data: {error.orig}"},
        )
