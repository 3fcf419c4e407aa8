"""Behaviour of the delivery pipeline that must survive the fix."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta

import pytest

from relay.dispatcher import Outcome
from relay.models import JobStatus

from _relay_harness import BASE_DELAY, MAX_ATTEMPTS, build, tenant


@pytest.mark.rubric("code-quality", weight=1)
def test_successful_delivery_is_signed_and_marked_delivered():
    h = build()
    job_id = h.enqueue("acme", idempotency_key="evt_123")

    report = h.run_once()

    assert report[Outcome.DELIVERED] == 1
    job = h.store.get(job_id)
    assert job.status is JobStatus.DELIVERED and job.attempts == 1
    (call,) = h.client.calls
    assert call.url == "https://hooks.example/acme"
    body = json.loads(call.body)
    assert body["id"] == "evt_123" and body["type"] == "order.shipped"
    assert body["message"] == "Order A-1001 shipped with DHL"
    assert call.headers["Webhook-Id"] == "evt_123"
    assert call.headers["Webhook-Attempt"] == "1"
    timestamp = call.headers["Webhook-Timestamp"]
    expected = hmac.new(b"whsec_acme", f"{timestamp}.".encode() + call.body, hashlib.sha256).hexdigest()
    assert call.headers["Webhook-Signature"] == f"t={timestamp},v1={expected}"


@pytest.mark.rubric("code-quality", weight=1)
def test_server_errors_back_off_exponentially():
    h = build()
    h.client.script("acme", 503, 503, 200)
    job_id = h.enqueue("acme")

    h.run_once()
    job = h.store.get(job_id)
    assert (job.status, job.attempts) == (JobStatus.PENDING, 1)
    assert job.available_at == h.clock.now() + timedelta(seconds=BASE_DELAY)

    h.clock.advance(BASE_DELAY)
    h.run_once()
    job = h.store.get(job_id)
    assert job.attempts == 2
    assert job.available_at == h.clock.now() + timedelta(seconds=2 * BASE_DELAY)

    h.clock.advance(2 * BASE_DELAY)
    h.run_once()
    assert h.store.get(job_id).status is JobStatus.DELIVERED
    assert [c.headers["Webhook-Attempt"] for c in h.client.calls] == ["1", "2", "3"]


@pytest.mark.rubric("code-quality", weight=1)
def test_client_error_is_dead_lettered_without_retry():
    h = build()
    h.client.script("acme", 410)
    job_id = h.enqueue("acme")

    h.run_once()
    h.clock.advance(3600)
    h.run_once()

    job = h.store.get(job_id)
    assert (job.status, job.attempts) == (JobStatus.DEAD, 1)
    assert len(h.client.calls) == 1


@pytest.mark.rubric("code-quality", weight=1)
def test_retry_budget_applies_to_http_failures():
    h = build()
    h.client.script("acme", 502)
    job_id = h.enqueue("acme")

    for _ in range(3 * MAX_ATTEMPTS):
        h.run_once()
        h.clock.advance(3600)

    job = h.store.get(job_id)
    assert (job.status, job.attempts) == (JobStatus.DEAD, MAX_ATTEMPTS)
    assert len(h.client.calls) == MAX_ATTEMPTS


@pytest.mark.rubric("code-quality", weight=1)
def test_shutdown_hands_unstarted_jobs_back_without_counting_an_attempt():
    h = build(batch_size=5)
    job_ids = [h.enqueue("acme", idempotency_key=f"k{n}") for n in range(4)]
    dispatcher = h.dispatcher()

    def stop_after_first(request):
        dispatcher.stop()
        return 200

    h.client.script("acme", stop_after_first)
    report = dispatcher.run_once()

    assert report[Outcome.DELIVERED] == 1
    assert report[Outcome.RELEASED] == 3
    first, *rest = (h.store.get(job_id) for job_id in job_ids)
    assert first.status is JobStatus.DELIVERED
    for job in rest:
        assert (job.status, job.attempts) == (JobStatus.PENDING, 0)
        assert job.available_at <= h.clock.now()


@pytest.mark.rubric("code-quality", weight=1)
def test_rate_limited_tenant_is_deferred_without_counting_attempts():
    h = build(tenants=[tenant("initech", rate_per_second=1.0, burst=2)])
    job_ids = [h.enqueue("initech", idempotency_key=f"i{n}") for n in range(3)]

    report = h.run_once()
    assert report[Outcome.DELIVERED] == 2 and report[Outcome.DEFERRED] == 1
    deferred = h.store.get(job_ids[2])
    assert (deferred.status, deferred.attempts) == (JobStatus.PENDING, 0)
    assert deferred.available_at > h.clock.now()

    h.clock.advance(1.0)
    h.run_once()
    assert h.store.get(job_ids[2]).status is JobStatus.DELIVERED


@pytest.mark.rubric("code-quality", weight=1)
def test_paused_tenant_is_held_back():
    h = build(tenants=[tenant("globex", paused=True)])
    job_id = h.enqueue("globex")

    h.run_once()

    job = h.store.get(job_id)
    assert (job.status, job.attempts) == (JobStatus.PENDING, 0)
    assert job.available_at > h.clock.now()
    assert h.client.calls == []


@pytest.mark.rubric("code-quality", weight=1)
def test_unrenderable_job_is_dead_lettered_without_sending():
    h = build()
    job_id = h.enqueue("acme", payload={"order": {"id": 7}})  # no carrier

    h.run_once()

    job = h.store.get(job_id)
    assert (job.status, job.attempts) == (JobStatus.DEAD, 0)
    assert "order.carrier" in (job.last_error or "")
    assert h.client.calls == []


@pytest.mark.rubric("code-quality", weight=1)
def test_expired_lease_is_reclaimed_but_a_live_one_is_not():
    h = build()
    job_id = h.enqueue("acme")
    leased = h.store.lease("worker-dead", 10, timedelta(seconds=60))
    assert [job.id for job in leased] == [job_id]

    h.clock.advance(59)
    assert h.run_once("worker-1") == {}
    h.clock.advance(1)
    assert h.run_once("worker-1")[Outcome.DELIVERED] == 1
    assert h.store.get(job_id).status is JobStatus.DELIVERED


@pytest.mark.rubric("code-quality", weight=1)
def test_enqueue_is_idempotent_per_tenant():
    h = build()
    first = h.enqueue("acme", idempotency_key="evt_9")
    again = h.enqueue("acme", idempotency_key="evt_9")
    other = h.enqueue("globex", idempotency_key="evt_9")
    assert first == again != other
    assert h.store.stats()["pending"] == 2


@pytest.mark.rubric("code-quality", weight=1)
def test_concurrent_workers_never_send_a_job_twice():
    h = build(batch_size=3)
    job_ids = [h.enqueue("acme", idempotency_key=f"c{n}") for n in range(30)]
    for worker in ("worker-0", "worker-1", "worker-2"):
        h.dispatcher(worker)
    barrier = threading.Barrier(3)

    def work(worker: str) -> None:
        barrier.wait(timeout=5)
        for _ in range(20):
            h.run_once(worker)

    threads = [threading.Thread(target=work, args=(w,)) for w in ("worker-0", "worker-1", "worker-2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert not any(thread.is_alive() for thread in threads)
    assert sorted(call.job_id for call in h.client.calls) == sorted(job_ids)
