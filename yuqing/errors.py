"""The exceptions yuqing raises, each carrying its meaning.

    YuqingError
    ├── ConfigError          settings missing, malformed or unsafe
    ├── BadInput             a record or request the caller must fix (HTTP 400)
    │   ├── QueryError       a search or rule query that does not parse
    │   └── TooLarge         an upload or request over its limit (HTTP 413)
    ├── NotFound             (HTTP 404)
    ├── Forbidden            the user may not do this (HTTP 403)
    │   └── TooManyAttempts  logins refused for a while after failures (HTTP 429)
    ├── NotAuthenticated     no valid login (HTTP 401)
    ├── Conflict             the record changed or is held by someone else (HTTP 409)
    ├── SourceUnreachable    a public source could not be fetched
    └── StorageError         the database refused or is at the wrong version

The CLI prints any of them as one line; the web maps them to the status given by
``http_status``.
"""

from __future__ import annotations


class YuqingError(Exception):
    """Base of every error yuqing raises on purpose."""

    http_status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(YuqingError):
    """The settings are missing, malformed or unsafe."""


class BadInput(YuqingError):
    """Input the caller must fix; the message names the record and the reason."""

    http_status = 400


class QueryError(BadInput):
    """A query that does not parse; ``position`` points at the offending character."""

    def __init__(self, message: str, position: int | None = None) -> None:
        super().__init__(message)
        self.position = position


class TooLarge(BadInput):
    """An upload, a request body or an unpacked workbook over its limit."""

    http_status = 413


class NotFound(YuqingError):
    http_status = 404


class Forbidden(YuqingError):
    http_status = 403


class TooManyAttempts(Forbidden):
    """Logins of an account or from an address held back after failed attempts."""

    http_status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class NotAuthenticated(YuqingError):
    http_status = 401


class Conflict(YuqingError):
    http_status = 409


class SourceUnreachable(YuqingError):
    http_status = 502


class StorageError(YuqingError):
    """The database refused an operation or is not at the expected schema version."""
