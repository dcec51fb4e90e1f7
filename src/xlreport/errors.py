"""Exceptions for "cannot continue". A data problem is a `Problem`, not an exception."""


class XlreportError(Exception):
    """Carries a one-line Chinese reason for the user; the CLI exits with 2."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InputError(XlreportError):
    """A file cannot be read as a report (missing, unreadable, wrong kind, changed structure)."""


class OutputError(XlreportError):
    """An output cannot be written (exists without --force, folder missing or read-only)."""
