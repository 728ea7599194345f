"""CLI commands: back up and restore the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from warmgrid.cli.incidents import DbOption, JsonOption, store_url
from warmgrid.cli.output import console, emit_json

db_app = typer.Typer(no_args_is_help=True, help="Back up and restore the store.")

BackupFile = Annotated[Path, typer.Argument(help="The backup file.")]


@db_app.command("backup")
def db_backup(
    file: BackupFile,
    db: DbOption = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite FILE if it already exists.")
    ] = False,
    json: JsonOption = False,
) -> None:
    """Write a consistent backup of the store to FILE while it stays in use."""
    from warmgrid.store.backup import backup

    written = backup(store_url(db), file, replace=replace)
    payload = {"backup": str(written), "bytes": written.stat().st_size}
    if json:
        emit_json(payload)
    else:
        console.print(f"store backed up to {written} ({payload['bytes']} bytes)")


@db_app.command("restore")
def db_restore(
    file: BackupFile,
    db: DbOption = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite a store that already holds data.")
    ] = False,
    json: JsonOption = False,
) -> None:
    """Replace the store's content with the backup in FILE."""
    from warmgrid.store.backup import restore

    restore(store_url(db), file, replace=replace)
    if json:
        emit_json({"restored": str(file)})
    else:
        console.print(f"store restored from {file}")


def register(app: typer.Typer) -> None:
    """Add ``db backup`` and ``db restore`` to the root app."""
    app.add_typer(db_app, name="db")
