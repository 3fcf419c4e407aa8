"""Exception hierarchy for fxrates.

Callers map these onto their own responses: checkout and invoicing turn
``UnknownCurrency`` into a 400 and ``RateUnavailable`` into a 503 with a
retry hint, so the distinction between the two matters.
"""

from __future__ import annotations


class FxError(Exception):
    """Base class for every error raised by fxrates."""


class UnknownCurrency(FxError, LookupError):
    """A currency code is not supported, or the upstream does not quote it."""

    def __init__(self, code: str) -> None:
        super().__init__(f"unknown currency: {code!r}")
        self.code = code


class CurrencyMismatch(FxError, ValueError):
    """Arithmetic between Money values held in different currencies."""


class RateUnavailable(FxError):
    """No usable rate can be obtained right now. Transient from the caller's view."""


class ProviderError(FxError):
    """The upstream rates provider failed."""


class UpstreamUnavailable(ProviderError):
    """The upstream could not be reached, or answered with a retryable status."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class BadUpstreamResponse(ProviderError):
    """The upstream answered, but with a payload we cannot use."""
