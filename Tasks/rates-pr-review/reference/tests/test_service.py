from datetime import timedelta
from decimal import Decimal

import pytest

from fxrates import Money, RateUnavailable, RatesService, RetryPolicy, UnknownCurrency, UpstreamUnavailable
from fxrates.testing import FIXED_AS_OF, FakeClock, StaticRatesProvider


def make_service(provider=None, **kwargs):
    provider = provider or StaticRatesProvider({"EUR": "0.92", "GBP": "0.79", "JPY": "157"})
    kwargs.setdefault("now", lambda: FIXED_AS_OF + timedelta(minutes=5))
    kwargs.setdefault("sleep", lambda seconds: None)
    return RatesService(provider, **kwargs)


def test_convert_rounds_to_the_target_minor_units():
    service = make_service()
    assert service.convert(Money.of("10.00", "USD"), "EUR") == Money.of("9.20", "EUR")
    assert service.convert(Money.of("10.00", "USD"), "JPY") == Money.of("1570", "JPY")


def test_convert_between_non_pivot_currencies():
    service = make_service()
    converted = service.convert(Money.of("100.00", "EUR"), "GBP")
    assert converted == Money.of("85.87", "GBP")


def test_same_currency_is_identity():
    service = make_service()
    assert service.convert(Money.of("3.50", "EUR"), "EUR") == Money.of("3.50", "EUR")


def test_quote_reports_rate_and_publication_time():
    quote = make_service().quote(Money.of("10", "USD"), "GBP")
    assert quote.rate == Decimal("0.79")
    assert quote.as_of == FIXED_AS_OF
    assert quote.converted == Money.of("7.90", "GBP")


def test_unquoted_currency():
    service = make_service()
    with pytest.raises(UnknownCurrency):
        service.convert(Money.of("1", "USD"), "KWD")


def test_stale_rates_are_refused():
    service = make_service(now=lambda: FIXED_AS_OF + timedelta(hours=7))
    with pytest.raises(RateUnavailable):
        service.rate("USD", "EUR")


def test_upstream_failure_is_rate_unavailable():
    class Down:
        def fetch(self, base, *, timeout=None):
            raise UpstreamUnavailable("ratewell answered 503")

    with pytest.raises(RateUnavailable) as excinfo:
        make_service(Down()).rate("USD", "EUR")
    assert isinstance(excinfo.value.__cause__, UpstreamUnavailable)


def test_failures_are_not_cached():
    class Outage(StaticRatesProvider):
        down = True

        def fetch(self, base, *, timeout=None):
            if self.down:
                raise UpstreamUnavailable("ratewell answered 503")
            return super().fetch(base, timeout=timeout)

    provider = Outage({"EUR": "0.92"})
    service = make_service(provider, clock=FakeClock())
    with pytest.raises(RateUnavailable):
        service.rate("USD", "EUR")
    provider.down = False
    assert service.rate("USD", "EUR") == Decimal("0.92")


def test_unquoted_base_is_not_turned_into_an_outage():
    service = make_service(StaticRatesProvider({"EUR": "0.92"}), clock=FakeClock())
    with pytest.raises(UnknownCurrency):
        service.rate("KWD", "EUR")


def test_each_attempt_is_bounded_by_the_policy_timeout():
    class Recording(StaticRatesProvider):
        def fetch(self, base, *, timeout=None):
            self.timeouts.append(timeout)
            return super().fetch(base, timeout=timeout)

    provider = Recording({"EUR": "0.92"})
    provider.timeouts = []
    make_service(provider, retry=RetryPolicy(attempt_timeout=0.5)).rate("USD", "EUR")
    assert provider.timeouts == [0.5]


def test_snapshots_are_cached_for_the_ttl():
    provider = StaticRatesProvider({"EUR": "0.92"})
    clock = FakeClock()
    service = make_service(provider, ttl=60.0, clock=clock)

    service.rate("USD", "EUR")
    service.rate("USD", "EUR")
    assert provider.calls == ["USD"]

    clock.advance(61)
    service.rate("USD", "EUR")
    assert provider.calls == ["USD", "USD"]


def test_refresh_bypasses_the_cache():
    provider = StaticRatesProvider({"EUR": "0.92"})
    service = make_service(provider, clock=FakeClock())
    service.rate("USD", "EUR")
    provider.set_rate("EUR", "0.95")
    assert service.refresh("USD").rate("EUR") == Decimal("0.95")
    assert service.rate("USD", "EUR") == Decimal("0.95")


def test_transient_upstream_errors_are_retried():
    class FlakyUpstream(StaticRatesProvider):
        failures = 2

        def fetch(self, base, *, timeout=None):
            if self.failures:
                self.failures -= 1
                raise UpstreamUnavailable("ratewell answered 503")
            return super().fetch(base, timeout=timeout)

    service = make_service(FlakyUpstream({"EUR": "0.92"}), retry=RetryPolicy(attempts=3))
    assert service.rate("USD", "EUR") == Decimal("0.92")


def test_convert_many_uses_one_rate_per_currency():
    provider = StaticRatesProvider({"EUR": "0.92", "GBP": "0.79"})
    service = make_service(provider, clock=FakeClock())
    lines = [Money.of("10", "USD"), Money.of("5", "GBP"), Money.of("2.50", "USD")]

    converted = service.convert_many(lines, "EUR")

    assert converted == [Money.of("9.20", "EUR"), Money.of("5.82", "EUR"), Money.of("2.30", "EUR")]
    assert provider.calls == ["USD", "GBP"]


def test_convert_many_calls_do_not_share_rates():
    provider = StaticRatesProvider({"EUR": "0.92", "GBP": "0.79"})
    service = make_service(provider, clock=FakeClock())
    assert service.convert_many([Money.of("10", "USD")], "EUR") == [Money.of("9.20", "EUR")]
    assert service.convert_many([Money.of("10", "USD")], "GBP") == [Money.of("7.90", "GBP")]


def test_convert_many_uses_but_does_not_modify_locked_rates():
    service = make_service(clock=FakeClock())
    locked = {"USD": Decimal("0.90")}
    converted = service.convert_many([Money.of("10", "USD"), Money.of("10", "GBP")], "EUR", rates=locked)
    assert converted == [Money.of("9.00", "EUR"), Money.of("11.65", "EUR")]
    assert locked == {"USD": Decimal("0.90")}
