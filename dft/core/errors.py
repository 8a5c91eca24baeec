"""The error types services raise; the caller (cli or ui) decides how to show them."""


class DftError(Exception):
    """Base of every error DFT Tracker raises on purpose, with a message fit for a user."""


class ValidationError(DftError, ValueError):
    """A value the user gave is not acceptable.

    ``field`` names the input (a model field such as ``contract_value_cents`` or a
    form/CLI name such as ``cause``) so a form can show the message next to it.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class NotFoundError(DftError, LookupError):
    """The record asked for does not exist (or is in the trash when a live one was asked for)."""


class ConflictError(DftError):
    """Somebody else changed the record since it was read; saving would overwrite their change."""
