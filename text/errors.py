"""Errors raised by the document readers and the plan parser."""

from __future__ import annotations


class DocumentError(ValueError):
    """A problem with an uploaded document that the user can fix.

    ``message`` is Chinese and safe to show verbatim in the UI; ``code`` is a
    stable machine-readable reason so views/tests need not match on wording.
    """

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message
