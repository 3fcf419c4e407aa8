"""Smoke tests for the relay dispatcher, driven by a manual clock and a fake client."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from relay.clock import ManualClock
from relay.dispatcher import Dispatcher, Outcome
from relay.models import DeliveryRequest, DeliveryResult, JobStatus, TenantConfig
from relay.ratelimit import TenantRateLimiter
from relay.retry import RetryPolicy
from relay.store import JobStore
from relay.templating import MessageTemplate, TemplateRegistry


class FakeClient:
    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses) or [200]
        self.requests: list[DeliveryRequest] = []

    def deliver(self, request: DeliveryRequest) -> DeliveryResult:
        self.requests.append(request)
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        return DeliveryResult(status, 5.0)


def make(client: FakeClient, **tenant_overrides):
    clock = ManualClock(datetime(2025, 3, 11, 9, 0, tzinfo=timezone.utc))
    store = JobStore(clock)
    tenants = {"acme": TenantConfig("acme", "https://hooks.example/acme", "whsec_acme", **tenant_overrides)}
    dispatcher = Dispatcher(
        store=store,
        client=client,
        tenants=tenants,
        templates=TemplateRegistry([MessageTemplate("order.shipped", "Order ${order.id} shipped")]),
        limiter=TenantRateLimiter(clock),
        retry_policy=RetryPolicy(base_delay=timedelta(seconds=10), jitter=0.0),
        clock=clock,
    )
    return clock, store, dispatcher


def test_delivers_a_job_and_marks_it_delivered():
    client = FakeClient(200)
    _, store, dispatcher = make(client)
    job_id = store.enqueue("acme", "order.shipped", {"order": {"id": 42}})

    report = dispatcher.run_once()

    assert report[Outcome.DELIVERED] == 1
    assert store.get(job_id).status is JobStatus.DELIVERED
    assert json.loads(client.requests[0].body)["message"] == "Order 42 shipped"


def test_server_error_schedules_a_retry_with_backoff():
    client = FakeClient(503, 200)
    clock, store, dispatcher = make(client)
    job_id = store.enqueue("acme", "order.shipped", {"order": {"id": 42}})

    dispatcher.run_once()
    job = store.get(job_id)
    assert job.status is JobStatus.PENDING and job.attempts == 1
    assert job.available_at == clock.now() + timedelta(seconds=10)

    clock.advance(10)
    dispatcher.run_once()
    assert store.get(job_id).status is JobStatus.DELIVERED


def test_rate_limit_defers_without_sending():
    client = FakeClient(200)
    _, store, dispatcher = make(client, rate_per_second=1.0, burst=1)
    store.enqueue("acme", "order.shipped", {"order": {"id": 1}})
    store.enqueue("acme", "order.shipped", {"order": {"id": 2}})

    report = dispatcher.run_once()

    assert report[Outcome.DELIVERED] == 1
    assert report[Outcome.DEFERRED] == 1
    assert len(client.requests) == 1
