from datetime import datetime, timedelta, timezone
from decimal import Decimal

from fxrates import Money, RateSnapshot, RatesService, RetryPolicy, TTLCache, call_with_retries
from fxrates import UpstreamUnavailable

AS_OF = datetime(2024, 6, 10, 12, 0, tzinfo=timezone.utc)


class OneBase:
    def __init__(self):
        self.calls = 0

    def fetch(self, base, *, timeout=None):
        self.calls += 1
        return RateSnapshot(base=base, rates={"EUR": Decimal("0.92")}, as_of=AS_OF)


def test_money_is_held_at_minor_units():
    assert Money.of("19.999", "USD").amount == Decimal("20.00")
    assert Money.of("1500.4", "JPY").amount == Decimal("1500")


def test_convert_uses_the_upstream_rate():
    service = RatesService(OneBase(), now=lambda: AS_OF + timedelta(minutes=1), sleep=lambda s: None)
    assert service.convert(Money.of("10", "USD"), "EUR") == Money.of("9.20", "EUR")


def test_repeated_lookups_are_served_from_the_cache():
    provider = OneBase()
    service = RatesService(provider, now=lambda: AS_OF + timedelta(minutes=1), sleep=lambda s: None)
    for _ in range(5):
        service.rate("USD", "EUR")
    assert provider.calls == 1


def test_cache_and_retry_building_blocks():
    cache = TTLCache(10.0, clock=lambda: 0.0)
    assert cache.get_or_load("k", lambda: 1) == 1
    assert cache.get_or_load("k", lambda: 2) == 1

    attempts = []

    def flaky():
        attempts.append(1)
        if len(attempts) < 2:
            raise UpstreamUnavailable("503")
        return "ok"

    assert call_with_retries(flaky, RetryPolicy(attempts=2), sleep=lambda s: None) == "ok"
