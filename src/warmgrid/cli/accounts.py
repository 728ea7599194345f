"""CLI commands for user accounts and their API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import typer
from rich import box
from rich.markup import escape
from rich.table import Table

from warmgrid.cli.incidents import DbOption, JsonOption, cli_actor, store_url
from warmgrid.cli.output import console, emit_json

user_app = typer.Typer(no_args_is_help=True, help="User accounts (people holding tokens).")
token_app = typer.Typer(no_args_is_help=True, help="API tokens, issued to users.")


def _when(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""


def _shown(when: str | None) -> str:
    """A stored time from :func:`_when` for people: to the minute, with its UTC offset."""
    return datetime.fromisoformat(when).isoformat(sep=" ", timespec="minutes") if when else ""


def _table(*columns: str, whole: tuple[str, ...]) -> Table:
    """A light table whose ``whole`` columns (roles, times: a time without its offset is
    misread) are never cut or wrapped."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for column in columns:
        table.add_column(column, no_wrap=column in whole, overflow="fold")
    return table


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="The person's name (unique, without '#').")],
    role: Annotated[str, typer.Option(help="viewer, operator, approver or admin.")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Add a user account (creates the store if needed); then `warmgrid token create`."""
    from warmgrid.store import add_user, open_store, parse_role

    the_role = parse_role(role, "--role")
    store = open_store(store_url(db))
    try:
        with store.write() as session:
            user = add_user(session, name, the_role, cli_actor())
            payload: dict[str, Any] = {"id": user.id, "name": user.name, "role": user.role}
    finally:
        store.close()
    if json:
        emit_json(payload)
    else:
        console.print(f"user {payload['id']}: {escape(payload['name'])} ({payload['role']})")


@user_app.command("list")
def user_list(db: DbOption = None, json: JsonOption = False) -> None:
    """List user accounts."""
    from warmgrid.store import open_store
    from warmgrid.store.users import list_users

    store = open_store(store_url(db), create=False)
    try:
        with store.read() as session:
            rows: list[dict[str, Any]] = [
                {
                    "id": u.id,
                    "name": u.name,
                    "role": u.role,
                    "created_at": _when(u.created_at),
                    "created_by": u.created_by,
                    "disabled_at": _when(u.disabled_at) or None,
                }
                for u in list_users(session)
            ]
    finally:
        store.close()
    if json:
        emit_json({"users": rows})
        return
    table = _table("id", "name", "role", "created by", "disabled", whole=("role", "disabled"))
    for row in rows:
        table.add_row(
            str(row["id"]),
            escape(row["name"]),
            row["role"],
            escape(row["created_by"]),
            _shown(row["disabled_at"]),
        )
    console.print(table)


@token_app.command("create")
def token_create(
    user: Annotated[str, typer.Option("--user", help="The user the token is issued to.")],
    role: Annotated[
        str | None, typer.Option(help="viewer, operator, approver or admin (default: the user's).")
    ] = None,
    label: Annotated[str | None, typer.Option(help="A label (default: the user's name).")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Issue an API token to a user and print its secret (shown once; only its hash is
    stored)."""
    from warmgrid.store import create_token, open_store, parse_role
    from warmgrid.store.users import user_named

    the_role = parse_role(role, "--role") if role is not None else None
    store = open_store(store_url(db), create=False)
    try:
        with store.write() as session:
            holder = user_named(session, user, "--user")
            token, secret = create_token(session, holder, the_role, cli_actor(), label=label)
            payload = {
                "id": token.id,
                "user": holder.name,
                "user_id": holder.id,
                "name": token.name,
                "role": token.role,
                "secret": secret,
            }
    finally:
        store.close()
    if json:
        emit_json(payload)
    else:
        console.print(f"token {payload['id']} for {escape(holder.name)} ({payload['role']}):")
        console.print(secret, highlight=False, soft_wrap=True, markup=False)


@token_app.command("list")
def token_list(
    user: Annotated[str | None, typer.Option("--user", help="Only this user's tokens.")] = None,
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """List API tokens (never their secrets)."""
    from warmgrid.store import open_store
    from warmgrid.store.tokens import list_tokens
    from warmgrid.store.users import list_users, user_named

    store = open_store(store_url(db), create=False)
    try:
        with store.read() as session:
            user_id = user_named(session, user, "--user").id if user is not None else None
            names = {u.id: u.name for u in list_users(session)}
            rows: list[dict[str, Any]] = [
                {
                    "id": t.id,
                    "user": names.get(t.user_id, ""),
                    "name": t.name,
                    "role": t.role,
                    "created_at": _when(t.created_at),
                    "created_by": t.created_by,
                    "revoked_at": _when(t.revoked_at) or None,
                }
                for t in list_tokens(session, user_id)
            ]
    finally:
        store.close()
    if json:
        emit_json({"tokens": rows})
        return
    table = _table(
        "id", "user", "label", "role", "created", "revoked", whole=("role", "created", "revoked")
    )
    for row in rows:
        table.add_row(
            str(row["id"]),
            escape(row["user"]),
            escape(row["name"]),
            row["role"],
            _shown(row["created_at"]),
            _shown(row["revoked_at"]),
        )
    console.print(table)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[int, typer.Argument(min=1, help="Id of the token (see `token list`).")],
    db: DbOption = None,
    json: JsonOption = False,
) -> None:
    """Revoke a token: it stops working at once here, within 5 s on running servers."""
    from warmgrid.store import open_store
    from warmgrid.store.tokens import revoke_token

    store = open_store(store_url(db), create=False)
    try:
        with store.write() as session:
            token = revoke_token(session, token_id, cli_actor())
            payload: dict[str, Any] = {
                "id": token.id,
                "name": token.name,
                "revoked_at": _when(token.revoked_at),
            }
    finally:
        store.close()
    if json:
        emit_json(payload)
    else:
        console.print(f"token {payload['id']} ({escape(payload['name'])}) revoked")


def register(app: typer.Typer) -> None:
    """Add ``user`` and ``token`` to the root app."""
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
