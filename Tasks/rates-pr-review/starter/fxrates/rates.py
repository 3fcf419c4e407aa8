"""Rate snapshots as published by the upstream provider."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Context, Decimal
from types import MappingProxyType

from .errors import UnknownCurrency
from .money import normalize_code

#: Precision used for derived (inverse and cross) rates.
RATE_CONTEXT = Context(prec=18, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True, slots=True)
class RateSnapshot:
    """Mid-market rates from ``base`` into other currencies, published at ``as_of``.

    ``rates["EUR"] == Decimal("0.92")`` on a USD snapshot means 1 USD buys 0.92 EUR.
    """

    base: str
    rates: Mapping[str, Decimal]
    as_of: datetime
    source: str = field(default="upstream", compare=False)

    def __post_init__(self) -> None:
        if self.as_of.tzinfo is None:
            raise ValueError("as_of must be timezone-aware")
        object.__setattr__(self, "base", normalize_code(self.base))
        cleaned = {}
        for code, value in self.rates.items():
            if value <= 0:
                raise ValueError(f"non-positive rate for {code}: {value}")
            cleaned[normalize_code(code)] = value
        object.__setattr__(self, "rates", MappingProxyType(cleaned))

    def rate(self, quote: str) -> Decimal:
        """Units of ``quote`` that one unit of ``base`` buys."""
        quote = normalize_code(quote)
        if quote == self.base:
            return Decimal(1)
        try:
            return self.rates[quote]
        except KeyError:
            raise UnknownCurrency(quote) from None

    def cross(self, source: str, target: str) -> Decimal:
        """Rate from ``source`` to ``target``, both quoted against this snapshot's base."""
        return RATE_CONTEXT.divide(self.rate(target), self.rate(source))

    def inverse(self, quote: str) -> Decimal:
        """Units of ``base`` that one unit of ``quote`` buys."""
        return RATE_CONTEXT.divide(Decimal(1), self.rate(quote))
