from decimal import Decimal

import pytest

from fxrates import RateUnavailable, RetryPolicy, UnknownCurrency, UpstreamUnavailable

from _fxreview_support import TableProvider, make_service


@pytest.mark.rubric("judgment-with-ai", weight=2)
def test_service_recovers_as_soon_as_the_upstream_does():
    provider = TableProvider({"EUR": "0.92"})
    provider.fail_next = 3
    service = make_service(provider, retry=RetryPolicy(attempts=3))

    with pytest.raises(RateUnavailable):
        service.rate("USD", "EUR")
    # Ratewell is back; the clock has not moved, so nothing may be served from a cached failure.
    assert service.rate("USD", "EUR") == Decimal("0.92")
    assert len(provider.calls) == 4


@pytest.mark.rubric("judgment-with-ai", weight=1)
def test_rate_unavailable_keeps_the_upstream_error_as_its_cause():
    provider = TableProvider({"EUR": "0.92"}, error=UpstreamUnavailable("ratewell answered 429", retry_after=30))
    provider.fail_next = 2
    service = make_service(provider, retry=RetryPolicy(attempts=2))

    with pytest.raises(RateUnavailable) as excinfo:
        service.rate("USD", "EUR")
    assert isinstance(excinfo.value.__cause__, UpstreamUnavailable)


@pytest.mark.rubric("judgment-with-ai", weight=1)
def test_unquoted_base_still_raises_unknown_currency():
    provider = TableProvider({"EUR": "0.92", "KWD": "0.31"})
    provider.unquoted.add("KWD")
    service = make_service(provider)

    with pytest.raises(UnknownCurrency):
        service.rate("KWD", "EUR")
    assert provider.calls == ["KWD"]


@pytest.mark.rubric("verification", weight=1)
def test_a_persistent_outage_gives_up_after_the_policy_attempts():
    provider = TableProvider({"EUR": "0.92"})
    provider.fail_next = 100
    service = make_service(provider, retry=RetryPolicy(attempts=4))

    with pytest.raises(RateUnavailable):
        service.rate("USD", "EUR")
    assert len(provider.calls) == 4


@pytest.mark.rubric("verification", weight=1)
def test_transient_failures_are_retried_transparently():
    provider = TableProvider({"EUR": "0.92"})
    provider.fail_next = 2
    sleeps = []
    service = make_service(provider, retry=RetryPolicy(attempts=3, max_delay=1.0), sleep=sleeps.append)

    assert service.rate("USD", "EUR") == Decimal("0.92")
    assert len(provider.calls) == 3
    assert len(sleeps) == 2 and all(0 <= s <= 1.0 for s in sleeps)
