"""Specific errors. Modules raise these; only the command line turns them into messages."""


class SafetyopsError(Exception):
    """Base for every error a user can act on; the message names the file, line or value."""

    exit_code = 1


class InputError(SafetyopsError):
    """An input file or argument cannot be used as given."""

    exit_code = 2


class NotWritable(SafetyopsError):
    """A folder or file safetyops must write cannot be written (permissions, a read-only mount).
    Nothing was changed; the message names the path."""


READ_ONLY_ERRNOS = (1, 13, 30)   # EPERM, EACCES, EROFS


def is_read_only_error(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.errno in READ_ONLY_ERRNOS
