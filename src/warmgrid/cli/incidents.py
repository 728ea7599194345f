"""CLI commands: incidents, tokens and the HTTP server."""

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the root app."""
