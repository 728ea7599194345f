"""Persistence behind one interface: an embedded SQLite file or PostgreSQL."""

from warmgrid.store.engine import Store, default_url, open_store
from warmgrid.store.roles import Role, parse_role
from warmgrid.store.tokens import Principal, authenticate, create_token
from warmgrid.store.users import add_user

__all__ = [
    "Principal",
    "Role",
    "Store",
    "add_user",
    "authenticate",
    "create_token",
    "default_url",
    "open_store",
    "parse_role",
]
