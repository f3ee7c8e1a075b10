"""The refusal every service raises: a stable code, the offending field and vi/en messages."""

from __future__ import annotations


class ServiceError(ValueError):
    """A request a service cannot carry out; views show ``message_vi`` then ``message_en``."""

    def __init__(self, code: str, message_vi: str, message_en: str, field: str | None = None):
        super().__init__(message_en)
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en
        self.field = field
