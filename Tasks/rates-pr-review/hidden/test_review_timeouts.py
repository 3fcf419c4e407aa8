import math
import urllib.error

import pytest

from fxrates import HttpRatesProvider, RetryPolicy, UnknownCurrency, UpstreamUnavailable

from _fxreview_support import RecordingOpener, TableProvider, make_service


@pytest.mark.rubric("judgment-with-ai", weight=2)
def test_every_attempt_is_bounded_by_the_policy_timeout():
    provider = TableProvider({"EUR": "0.92"})
    provider.fail_next = 2
    service = make_service(provider, retry=RetryPolicy(attempts=3, attempt_timeout=0.75))

    service.rate("USD", "EUR")

    assert provider.timeouts == [0.75, 0.75, 0.75]


@pytest.mark.rubric("judgment-with-ai", weight=1)
def test_http_provider_never_calls_urlopen_without_a_timeout():
    opener = RecordingOpener()
    provider = HttpRatesProvider("https://ratewell.test", "key", opener=opener)

    provider.fetch("USD")

    (timeout,) = opener.timeouts
    assert isinstance(timeout, (int, float)) and not isinstance(timeout, bool)
    assert 0 < timeout and math.isfinite(timeout)


@pytest.mark.rubric("verification", weight=1)
def test_http_provider_passes_an_explicit_timeout_through():
    opener = RecordingOpener()
    provider = HttpRatesProvider("https://ratewell.test", "key", opener=opener)

    snapshot = provider.fetch("usd", timeout=1.5)

    assert opener.timeouts == [1.5]
    assert snapshot.base == "USD"
    assert str(snapshot.rate("EUR")) == "0.92"


@pytest.mark.rubric("verification", weight=1)
@pytest.mark.parametrize(
    ("code", "expected"),
    [(503, UpstreamUnavailable), (429, UpstreamUnavailable), (404, UnknownCurrency)],
)
def test_http_errors_are_classified(code, expected):
    error = urllib.error.HTTPError("https://ratewell.test/v1/latest", code, "err", {}, None)
    provider = HttpRatesProvider("https://ratewell.test", "key", opener=RecordingOpener(error=error))

    with pytest.raises(expected):
        provider.fetch("USD", timeout=1.0)

