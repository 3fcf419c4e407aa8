"""HttpDeliveryClient, driven through an injected opener (no network)."""

from __future__ import annotations

import email.message
import io
import urllib.error

import pytest

from relay.client import HttpDeliveryClient
from relay.clock import ManualClock
from relay.models import DeliveryRequest


def _request() -> DeliveryRequest:
    return DeliveryRequest(
        job_id=1,
        tenant_id="acme",
        url="https://hooks.example/acme",
        body=b'{"id":"x"}',
        headers={"Content-Type": "application/json", "Webhook-Id": "x"},
    )


class _Response:
    def __init__(self, status: int) -> None:
        self.status = status

    def read(self, amount: int = -1) -> bytes:
        return b"ok"

    def __enter__(self) -> "_Response":
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def _client(behaviour, seen=None) -> HttpDeliveryClient:
    def opener(request, *, timeout):
        if seen is not None:
            seen.append((request, timeout))
        if isinstance(behaviour, BaseException):
            raise behaviour
        return _Response(behaviour)

    return HttpDeliveryClient(timeout=10.0, opener=opener, clock=ManualClock())


@pytest.mark.rubric("verification", weight=1)
def test_read_timeout_is_reported_as_a_failed_attempt_not_raised():
    result = _client(TimeoutError("timed out")).deliver(_request())
    assert result.status is None
    assert not result.ok
    assert result.retryable
    assert result.error and ("timed out" in result.error or "TimeoutError" in result.error)


@pytest.mark.rubric("code-quality", weight=1)
def test_success_posts_body_and_headers_with_timeout():
    seen: list = []
    result = _client(202, seen).deliver(_request())
    assert result.ok and result.status == 202
    (request, timeout), = seen
    assert request.get_method() == "POST"
    assert request.data == b'{"id":"x"}'
    assert request.get_header("Webhook-id") == "x"
    assert timeout == 10.0


@pytest.mark.rubric("code-quality", weight=1)
def test_http_error_status_is_a_result():
    error = urllib.error.HTTPError(
        "https://hooks.example/acme", 503, "Service Unavailable", email.message.Message(), io.BytesIO(b"")
    )
    result = _client(error).deliver(_request())
    assert result.status == 503
    assert result.retryable


@pytest.mark.rubric("code-quality", weight=1)
def test_unreachable_endpoint_is_a_retryable_result():
    result = _client(urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))).deliver(_request())
    assert result.status is None
    assert result.retryable
