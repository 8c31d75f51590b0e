"""Specific errors. Modules raise these; only the command line turns them into messages."""


class SafetyopsError(Exception):
    """Base for every error a user can act on; the message names the file, line or value."""

    exit_code = 1


class InputError(SafetyopsError):
    """An input file or argument cannot be used as given."""

    exit_code = 2
