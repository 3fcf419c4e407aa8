"""Money values and the ISO 4217 currencies the storefront sells in."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Union

from .errors import CurrencyMismatch, UnknownCurrency

#: Minor units (digits after the decimal point) per ISO 4217.
MINOR_UNITS: dict[str, int] = {
    "AUD": 2, "BRL": 2, "CAD": 2, "CHF": 2, "CNY": 2, "CZK": 2,
    "DKK": 2, "EUR": 2, "GBP": 2, "HKD": 2, "HUF": 2, "INR": 2,
    "JPY": 0, "KRW": 0, "KWD": 3, "MXN": 2, "NOK": 2, "NZD": 2,
    "PLN": 2, "SEK": 2, "SGD": 2, "USD": 2, "ZAR": 2,
}

Amount = Union[Decimal, int, str]


def normalize_code(code: str) -> str:
    """Return the canonical upper-case currency code, or raise UnknownCurrency."""
    canonical = code.strip().upper()
    if canonical not in MINOR_UNITS:
        raise UnknownCurrency(code)
    return canonical


def minor_units(code: str) -> int:
    """Number of decimal places amounts in ``code`` are kept at."""
    return MINOR_UNITS[normalize_code(code)]


def to_decimal(value: Amount) -> Decimal:
    """Convert an amount to Decimal, refusing floats (they cannot hold cents exactly)."""
    if isinstance(value, float):
        raise TypeError("money amounts must be Decimal, int or str, not float")
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ValueError(f"not a decimal amount: {value!r}") from None


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency, held at that currency's minor-unit precision.

    Amounts are rounded half-to-even on construction, so ``Money("0.125", "USD")``
    is 0.12 USD. Arithmetic is only defined between values in the same currency.
    """

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        code = normalize_code(self.currency)
        exponent = Decimal(1).scaleb(-MINOR_UNITS[code])
        amount = to_decimal(self.amount).quantize(exponent, rounding=ROUND_HALF_EVEN)
        object.__setattr__(self, "currency", code)
        object.__setattr__(self, "amount", amount)

    @classmethod
    def of(cls, amount: Amount, currency: str) -> Money:
        return cls(to_decimal(amount), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    @classmethod
    def from_minor(cls, units: int, currency: str) -> Money:
        """Build a value from an integer count of minor units (cents, pence, yen)."""
        return cls(Decimal(units).scaleb(-minor_units(currency)), currency)

    def to_minor(self) -> int:
        return int(self.amount.scaleb(MINOR_UNITS[self.currency]))

    def _same_currency(self, other: object) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"expected Money, got {type(other).__name__}")
        if other.currency != self.currency:
            raise CurrencyMismatch(f"{self.currency} and {other.currency} do not mix")
        return other

    def __add__(self, other: Money) -> Money:
        return Money(self.amount + self._same_currency(other).amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        return Money(self.amount - self._same_currency(other).amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __mul__(self, factor: Decimal | int) -> Money:
        if isinstance(factor, float) or not isinstance(factor, (Decimal, int)):
            raise TypeError("Money can only be multiplied by Decimal or int")
        return Money(self.amount * factor, self.currency)

    __rmul__ = __mul__

    def is_zero(self) -> bool:
        return self.amount == 0

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
