from decimal import Decimal

import pytest

from fxrates import CurrencyMismatch, Money, UnknownCurrency


def test_amounts_are_held_at_minor_unit_precision():
    assert Money.of("10", "usd") == Money(Decimal("10.00"), "USD")
    assert Money.of("1234.5", "JPY").amount == Decimal("1234")
    assert Money.of("1.0005", "KWD").amount == Decimal("1.000")


def test_rounding_is_half_to_even():
    assert Money.of("0.125", "USD").amount == Decimal("0.12")
    assert Money.of("0.135", "USD").amount == Decimal("0.14")


def test_floats_are_rejected():
    with pytest.raises(TypeError):
        Money.of(0.1, "USD")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Money.of("1", "USD") * 1.5  # type: ignore[operator]


def test_unknown_currency():
    with pytest.raises(UnknownCurrency):
        Money.of("1", "XYZ")


def test_arithmetic_requires_the_same_currency():
    assert Money.of("1.10", "EUR") + Money.of("2.20", "EUR") == Money.of("3.30", "EUR")
    with pytest.raises(CurrencyMismatch):
        Money.of("1", "EUR") + Money.of("1", "USD")


def test_minor_units_round_trip():
    assert Money.from_minor(1999, "USD") == Money.of("19.99", "USD")
    assert Money.of("19.99", "USD").to_minor() == 1999
    assert Money.from_minor(500, "JPY").to_minor() == 500
