"""Currency-aware money values.

Amounts are :class:`~decimal.Decimal` and always travel with their ISO 4217 currency
code. Floats are refused outright: a float that reaches an invoice has already lost
precision somewhere upstream.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import total_ordering

__all__ = ["MINOR_UNIT_DIGITS", "CurrencyMismatchError", "Money", "minor_unit", "total"]

#: Digits after the decimal point for each currency we bill in (ISO 4217 exponent).
MINOR_UNIT_DIGITS: dict[str, int] = {
    "AUD": 2,
    "CAD": 2,
    "CHF": 2,
    "EUR": 2,
    "GBP": 2,
    "USD": 2,
    "JPY": 0,
    "KRW": 0,
    "BHD": 3,
    "KWD": 3,
}


class CurrencyMismatchError(ValueError):
    """Money in two different currencies was combined."""


def minor_unit(currency: str) -> Decimal:
    """The smallest amount that can be invoiced: ``0.01`` for USD, ``1`` for JPY."""
    try:
        digits = MINOR_UNIT_DIGITS[currency]
    except KeyError:
        raise ValueError(f"unsupported currency {currency!r}") from None
    return Decimal(1).scaleb(-digits)


@total_ordering
@dataclass(frozen=True, slots=True)
class Money:
    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        if not isinstance(self.amount, Decimal):
            raise TypeError(f"Money amount must be a Decimal, not {type(self.amount).__name__}")
        if not self.amount.is_finite():
            raise ValueError(f"Money amount must be finite, got {self.amount}")
        minor_unit(self.currency)

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str) -> Money:
        """Build from a string such as ``"19.99"``, an int or a Decimal."""
        if isinstance(amount, float):
            raise TypeError("use a string or Decimal for money, not a float")
        try:
            value = Decimal(amount)
        except InvalidOperation:
            raise ValueError(f"not a decimal amount: {amount!r}") from None
        return cls(value, currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    @property
    def is_negative(self) -> bool:
        return self.amount < 0

    def rounded(self) -> Money:
        """Round half-up to the currency's minor unit."""
        return Money(self.amount.quantize(minor_unit(self.currency), rounding=ROUND_HALF_UP), self.currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatchError(f"cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: object) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __abs__(self) -> Money:
        return Money(abs(self.amount), self.currency)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other)
        return self.amount < other.amount

    def format(self, *, with_currency: bool = True) -> str:
        """``-1,234.50 USD``: grouped, at the currency's number of decimals."""
        digits = MINOR_UNIT_DIGITS[self.currency]
        text = f"{self.amount:,.{digits}f}"
        return f"{text} {self.currency}" if with_currency else text

    def __str__(self) -> str:
        return self.format()


def total(amounts: Iterable[Money], currency: str) -> Money:
    """Sum ``amounts``; an empty iterable gives zero in ``currency``."""
    result = Money.zero(currency)
    for amount in amounts:
        result += amount
    return result
