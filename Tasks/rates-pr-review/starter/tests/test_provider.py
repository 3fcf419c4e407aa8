import io
import json
import urllib.error
from decimal import Decimal

import pytest

from fxrates import BadUpstreamResponse, HttpRatesProvider, UnknownCurrency, UpstreamUnavailable
from fxrates.provider import parse_latest


class FakeResponse(io.BytesIO):
    status = 200


class FakeOpener:
    def __init__(self, *outcomes):
        self.outcomes = list(outcomes)
        self.requests = []

    def __call__(self, request, *, timeout=None):
        self.requests.append((request, timeout))
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return FakeResponse(json.dumps(outcome).encode())


def http_error(code):
    return urllib.error.HTTPError("https://ratewell.test/v1/latest", code, "err", {}, None)


LATEST = {"base": "USD", "timestamp": 1718020800, "rates": {"EUR": "0.9213", "JPY": 157.1, "XAU": "0.0004"}}


def test_fetch_parses_the_latest_payload():
    opener = FakeOpener(LATEST)
    provider = HttpRatesProvider("https://ratewell.test/", "k", opener=opener)
    snapshot = provider.fetch("usd")
    assert snapshot.base == "USD"
    assert snapshot.rate("EUR") == Decimal("0.9213")
    assert snapshot.rate("JPY") == Decimal("157.1")
    assert "XAU" not in snapshot.rates
    request, _ = opener.requests[0]
    assert request.full_url == "https://ratewell.test/v1/latest?base=USD"
    assert request.get_header("Authorization") == "Bearer k"


@pytest.mark.parametrize("code", [429, 500, 503])
def test_retryable_statuses_are_upstream_unavailable(code):
    provider = HttpRatesProvider("https://ratewell.test", "k", opener=FakeOpener(http_error(code)))
    with pytest.raises(UpstreamUnavailable):
        provider.fetch("USD")


def test_404_means_the_base_is_not_quoted():
    provider = HttpRatesProvider("https://ratewell.test", "k", opener=FakeOpener(http_error(404)))
    with pytest.raises(UnknownCurrency):
        provider.fetch("KWD")


def test_network_errors_are_upstream_unavailable():
    opener = FakeOpener(urllib.error.URLError("connection refused"))
    provider = HttpRatesProvider("https://ratewell.test", "k", opener=opener)
    with pytest.raises(UpstreamUnavailable):
        provider.fetch("USD")


@pytest.mark.parametrize(
    "payload",
    [
        b"<html>",
        b"[]",
        json.dumps({"base": "EUR", "timestamp": 1, "rates": {}}).encode(),
        json.dumps({"base": "USD", "timestamp": "now", "rates": {}}).encode(),
        json.dumps({"base": "USD", "timestamp": 1, "rates": {"EUR": "-1"}}).encode(),
    ],
)
def test_malformed_payloads_are_rejected(payload):
    with pytest.raises(BadUpstreamResponse):
        parse_latest(payload, expected_base="USD")
