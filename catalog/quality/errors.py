"""The one error the quality engine raises."""

from __future__ import annotations


class QualityError(Exception):
    """A dataset could not be loaded or checked; ``message`` is Chinese and shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
