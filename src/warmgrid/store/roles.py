"""Roles of API tokens, ordered by what they may do."""

from __future__ import annotations

from enum import StrEnum

from warmgrid.errors import InputError


class Role(StrEnum):
    """viewer < operator < approver < admin: each role may do what the ones below may."""

    VIEWER = "viewer"
    OPERATOR = "operator"
    APPROVER = "approver"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        """0 for viewer up to 3 for admin."""
        return list(Role).index(self)

    def allows(self, needed: Role) -> bool:
        """Whether this role may do what ``needed`` may."""
        return self.rank >= needed.rank


def parse_role(text: str, where: str = "role") -> Role:
    """The role named ``text``, or an :class:`InputError` listing the valid ones."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        valid = ", ".join(role.value for role in Role)
        raise InputError(where, f"unknown role {text!r}; expected one of {valid}") from None
