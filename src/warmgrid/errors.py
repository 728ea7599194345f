"""Errors that warmgrid reports to its users.

Every module raises :class:`WarmgridError` (or a subclass) for bad input. The message
must name the file, the row or field, and what was expected, so that the CLI can print
it as it is and exit with code 2, and the API can answer with a 4xx.
"""


class WarmgridError(Exception):
    """Bad input or an impossible request, described for the user."""


class InputError(WarmgridError):
    """A file, a table row or a field does not hold what warmgrid expects."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"{where}: {problem}")


class UnknownIdError(WarmgridError):
    """An id that names no element of the city (or problem) at hand."""

    def __init__(self, kind: str, ident: str, where: str = "") -> None:
        self.kind = kind
        self.ident = ident
        prefix = f"{where}: " if where else ""
        super().__init__(f"{prefix}unknown {kind} id {ident!r}")


PYDANTIC_VALUE_ERROR = "Value error, "
"""The prefix pydantic puts before the message of a ``ValueError`` raised by a validator."""


def validation_message(message: str) -> str:
    """A pydantic validation message as warmgrid shows it: the problem alone, without
    pydantic's ``Value error, `` prefix (the CLI and the API both use this)."""
    return message.removeprefix(PYDANTIC_VALUE_ERROR)
