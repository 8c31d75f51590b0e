"""What can go wrong when managing users or signing in; the CLI turns these into exit code 2."""
from __future__ import annotations

from core.errors import InputError


class AuthError(InputError):
    """A user name, role, vendor, password or token cannot be used as given."""


class UnknownUser(AuthError):
    def __init__(self, name: str):
        super().__init__(f"no user named {name!r}; see `safetyops users list`")


class UserExists(AuthError):
    def __init__(self, name: str):
        super().__init__(f"a user named {name!r} already exists; `safetyops users passwd {name}` "
                         "changes the password")


class Forbidden(AuthError):
    """The signed-in user's role or scope does not allow this read or write."""
