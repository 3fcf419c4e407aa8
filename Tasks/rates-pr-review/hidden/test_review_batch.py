from decimal import Decimal

import pytest

from fxrates import Money

from _fxreview_support import TableProvider, make_service


@pytest.mark.rubric("judgment-with-ai", weight=2)
def test_convert_many_uses_the_target_of_each_call():
    service = make_service(TableProvider({"EUR": "0.92", "GBP": "0.79"}))

    assert service.convert_many([Money.of("10", "USD")], "EUR") == [Money.of("9.20", "EUR")]
    assert service.convert_many([Money.of("10", "USD")], "GBP") == [Money.of("7.90", "GBP")]


@pytest.mark.rubric("judgment-with-ai", weight=1)
def test_convert_many_does_not_leak_rates_between_services():
    first = make_service(TableProvider({"EUR": "0.92"}))
    second = make_service(TableProvider({"EUR": "0.50"}))

    assert first.convert_many([Money.of("10", "USD")], "EUR") == [Money.of("9.20", "EUR")]
    assert second.convert_many([Money.of("10", "USD")], "EUR") == [Money.of("5.00", "EUR")]


@pytest.mark.rubric("judgment-with-ai", weight=1)
def test_convert_many_leaves_the_callers_locked_rates_untouched():
    service = make_service(TableProvider({"EUR": "0.92", "GBP": "0.79"}))
    locked = {"USD": Decimal("0.90")}

    converted = service.convert_many([Money.of("10", "USD"), Money.of("10", "GBP")], "EUR", rates=locked)

    assert converted == [Money.of("9.00", "EUR"), Money.of("11.65", "EUR")]
    assert locked == {"USD": Decimal("0.90")}


@pytest.mark.rubric("verification", weight=1)
def test_convert_many_resolves_each_currency_once_per_batch():
    provider = TableProvider({"EUR": "0.92", "CHF": "0.89", "SEK": "10.50"})
    service = make_service(provider)
    lines = [Money.of("100", "CHF"), Money.of("250", "SEK"), Money.of("40", "CHF")]

    converted = service.convert_many(lines, "EUR")

    assert converted == [Money.of("103.37", "EUR"), Money.of("21.90", "EUR"), Money.of("41.35", "EUR")]
    assert sorted(provider.calls) == ["CHF", "SEK"]


@pytest.mark.rubric("verification", weight=1)
def test_convert_many_prefers_locked_rates():
    provider = TableProvider({"EUR": "0.92", "PLN": "4.00"})
    service = make_service(provider)

    converted = service.convert_many([Money.of("8", "PLN")], "EUR", rates={"PLN": Decimal("0.25")})

    assert converted == [Money.of("2.00", "EUR")]
    assert provider.calls == []


@pytest.mark.rubric("verification", weight=1)
def test_conversion_rounds_half_even_into_the_target_minor_units():
    service = make_service(TableProvider({"JPY": "157.25", "EUR": "0.92"}))

    assert service.convert(Money.of("2", "USD"), "JPY") == Money.of("314", "JPY")
    assert service.convert(Money.of("0.50", "USD"), "EUR") == Money.of("0.46", "EUR")
