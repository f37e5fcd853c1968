"""Domain errors raised by services; views and the API map them to 400/404/409 or a form message."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain was broken; the message is Chinese and shown to the user as is."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    """The person may see the object but not do this to it."""

    status = 403


class InvalidTransition(DomainError):
    """The object is not in a state where this action applies."""

    status = 409
