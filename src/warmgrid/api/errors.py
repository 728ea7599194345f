"""Exception handlers: bad input is a 4xx with a message, never a 5xx."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from warmgrid.api.guard import excerpt
from warmgrid.errors import InputError, UnknownIdError, WarmgridError, validation_message
from warmgrid.store.errors import ConflictError, ForbiddenError

DETAIL_CHARS = 500
MAX_PROBLEMS = 10


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
        body: dict[str, object] = {"detail": excerpt(str(error), DETAIL_CHARS)}
        if isinstance(error, InputError):
            body["field"] = error.where
        return JSONResponse(status_code=_status_of(error), content=body)

    @app.exception_handler(IntegrityError)
    async def _integrity_error(_request: Request, error: IntegrityError) -> JSONResponse:
        detail = excerpt(f"conflicts with stored data: {error.orig}", DETAIL_CHARS)
        return JSONResponse(status_code=409, content={"detail": detail})

    @app.exception_handler(RequestValidationError)
    async def _validation_error(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [_problem(entry) for entry in error.errors()[:MAX_PROBLEMS]]
        field = ".".join(str(part) for part in problems[0]["loc"]) if problems else "body"
        return JSONResponse(status_code=422, content={"detail": problems, "field": field})


def _problem(entry: dict[str, Any]) -> dict[str, Any]:
    """One validation problem with only a short excerpt of the input (JSON-safe)."""
    problem: dict[str, Any] = {
        "type": str(entry.get("type", "")),
        "loc": [part if isinstance(part, int) else str(part) for part in entry.get("loc", ())],
        "msg": excerpt(validation_message(str(entry.get("msg", ""))), DETAIL_CHARS),
    }
    if "input" in entry:
        problem["input"] = excerpt(entry["input"])
    return problem
