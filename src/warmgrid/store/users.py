"""User accounts: a person with a role, to whom API tokens are issued."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from warmgrid.errors import InputError
from warmgrid.store.audit import record
from warmgrid.store.errors import ConflictError, NotFoundError
from warmgrid.store.models import User, utcnow
from warmgrid.store.roles import Role

NAME_MAX_CHARS = 100


def check_user_name(name: str, where: str = "name") -> str:
    """``name`` stripped, or an :class:`InputError`: non-blank, no ``#``, ≤ 100 characters."""
    stripped = name.strip()
    if not stripped or "#" in stripped or len(stripped) > NAME_MAX_CHARS:
        raise InputError(where, f"a user name is 1 to {NAME_MAX_CHARS} characters without '#'")
    return stripped


def add_user(
    session: Session, name: str, role: Role, actor: str, created_by_user_id: int | None = None
) -> User:
    """Store a new user; ``created_by_user_id`` is the account that provisions it."""
    name = check_user_name(name)
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise ConflictError(f"a user named {name!r} exists")
    user = User(name=name, role=role.value, created_by=actor, created_by_user_id=created_by_user_id)
    session.add(user)
    session.flush()
    record(session, actor, "user.create", "user", user.id, {"name": name, "role": role.value})
    return user


def get_user(session: Session, user_id: int) -> User:
    """The user with ``user_id``, or :class:`NotFoundError`."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFoundError("user", str(user_id))
    return user


def user_named(session: Session, name: str, where: str = "user") -> User:
    """The user called ``name``, or an :class:`InputError` naming ``where``."""
    user = session.scalar(select(User).where(User.name == name.strip()))
    if user is None:
        raise InputError(where, f"no user {name!r}; add one with `warmgrid user add`")
    return user


def list_users(session: Session) -> list[User]:
    """Every user, oldest first."""
    return list(session.scalars(select(User).order_by(User.id)))


def disable_user(session: Session, user_id: int, actor: str) -> User:
    """Disable a user: none of their tokens works any more (the record stays)."""
    user = get_user(session, user_id)
    if user.disabled_at is not None:
        raise ConflictError(f"user {user_id} is already disabled")
    user.disabled_at = utcnow()
    record(session, actor, "user.disable", "user", user_id, {"name": user.name})
    return user


def provisioners(session: Session, user: User) -> frozenset[int]:
    """Every account up the chain that provisioned ``user`` (its creator, theirs, …)."""
    found: set[int] = set()
    parent = user.created_by_user_id
    while parent is not None and parent not in found:
        found.add(parent)
        parent = session.scalar(select(User.created_by_user_id).where(User.id == parent))
    return frozenset(found)
