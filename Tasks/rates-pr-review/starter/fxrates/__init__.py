"""fxrates: currency conversion for the storefront, checkout and invoicing."""

from .cache import TTLCache
from .errors import (
    BadUpstreamResponse,
    CurrencyMismatch,
    FxError,
    ProviderError,
    RateUnavailable,
    UnknownCurrency,
    UpstreamUnavailable,
)
from .money import Money, normalize_code
from .provider import HttpRatesProvider, RatesProvider
from .rates import RateSnapshot
from .retry import RetryPolicy, call_with_retries
from .service import Quote, RatesService

__all__ = [
    "BadUpstreamResponse",
    "CurrencyMismatch",
    "FxError",
    "HttpRatesProvider",
    "Money",
    "ProviderError",
    "Quote",
    "RateSnapshot",
    "RateUnavailable",
    "RatesProvider",
    "RatesService",
    "RetryPolicy",
    "TTLCache",
    "UnknownCurrency",
    "UpstreamUnavailable",
    "call_with_retries",
    "normalize_code",
]

__version__ = "1.5.0"
