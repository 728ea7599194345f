"""The ``warmgrid`` command line.

Each concern registers its commands from its own module (``register(app)``), so that
this file only assembles them. Bad input raises :class:`warmgrid.errors.WarmgridError`,
which is printed as one line on stderr with exit code 2 — never a traceback. A warning
(e.g. a deprecated key of a scenario file) is printed as one line on stderr.
"""

from __future__ import annotations

import warnings
from typing import Annotated, Any, TextIO

import typer
from rich.markup import escape
from typer.core import TyperGroup

from warmgrid.cli import (
    accounts,
    alerts,
    city,
    db,
    decide,
    demo,
    impact,
    incidents,
    plan,
    report,
    rotate,
    rotation,
    sweep,
    thermal,
)
from warmgrid.cli.output import err_console, esc, print_warning
from warmgrid.errors import WarmgridError, validation_message
from warmgrid.extras import missing_extra

EXIT_BAD_INPUT = 2


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    """:func:`warnings.showwarning` for the command line: the message alone, one line (its
    category and source location are for developers)."""
    print_warning(message)


class _Group(TyperGroup):
    """Root command group that turns :class:`WarmgridError`, and a missing optional
    dependency (naming the extra to install), into a clean exit 2, and prints warnings as
    one line each."""

    def invoke(self, ctx: Any) -> Any:
        with warnings.catch_warnings():
            warnings.showwarning = _show_warning
            return self._invoke(ctx)

    def _invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except typer.BadParameter as error:
            # Typer checks option values with pydantic: its "Value error, " prefix is
            # not for users, as in the API's 422 answers.
            error.message = validation_message(error.message)
            raise
        except WarmgridError as error:
            err_console.print(f"[bold red]error:[/] {esc(error)}", highlight=False, soft_wrap=True)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except ModuleNotFoundError as error:
            advice = missing_extra(error)
            if advice is None:
                raise
            err_console.print(
                f"[bold red]error:[/] {escape(advice)}", highlight=False, soft_wrap=True
            )
            raise typer.Exit(EXIT_BAD_INPUT) from None


app = typer.Typer(
    cls=_Group,
    name="warmgrid",
    help="Who is without heat and power, how fast homes cool, what to repair first, "
    "and what to tell the public.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode=None,  # help texts are plain: "[lat, lon]" is text, not markup
)


def _print_version(wanted: bool) -> None:
    if wanted:
        from warmgrid import __version__

        typer.echo(f"warmgrid {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    _version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Show warmgrid's version and exit.",
        ),
    ] = False,
) -> None:
    """Options of the ``warmgrid`` command itself."""


for module in (
    demo,
    city,
    impact,
    thermal,
    plan,
    rotate,
    alerts,
    incidents,
    accounts,
    db,
    report,
    sweep,
    rotation,
):
    module.register(app)
decide.register(app)


def main() -> None:
    """Entry point of the ``warmgrid`` script."""
    app()
