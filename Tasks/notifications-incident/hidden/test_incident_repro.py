"""Reproductions of the 2025-03-11 incident: a delivery that raises must still be
accounted for as an attempt (count it, back off, eventually dead-letter)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from relay.models import JobStatus

from _relay_harness import BASE_DELAY, MAX_ATTEMPTS, build


@pytest.mark.rubric("verification", weight=2)
def test_exception_from_client_counts_an_attempt_and_schedules_a_retry():
    h = build()
    h.client.script("acme", TimeoutError("timed out"))
    job_id = h.enqueue("acme")

    h.run_once()

    job = h.store.get(job_id)
    assert job.status is JobStatus.PENDING
    assert job.attempts == 1
    assert job.available_at > h.clock.now(), "the failed job must not be due again immediately"
    assert job.last_error and ("timed out" in job.last_error or "TimeoutError" in job.last_error)


@pytest.mark.rubric("verification", weight=2)
def test_exception_from_client_backs_off_before_redelivery():
    h = build()
    h.client.script("acme", TimeoutError("timed out"), 200)
    job_id = h.enqueue("acme")

    h.run_once()
    for _ in range(3):  # the hot loop from the incident: same instant, same job again
        h.run_once()
    assert len(h.client.calls_for(job_id)) == 1

    h.clock.advance(BASE_DELAY - 1)
    h.run_once()
    assert len(h.client.calls_for(job_id)) == 1

    h.clock.advance(1)
    h.run_once()
    calls = h.client.calls_for(job_id)
    assert len(calls) == 2
    assert calls[1].headers["Webhook-Attempt"] == "2"
    assert h.store.get(job_id).status is JobStatus.DELIVERED


@pytest.mark.rubric("verification", weight=2)
def test_job_whose_delivery_always_raises_is_dead_lettered():
    h = build()
    h.client.script("acme", ConnectionResetError(104, "Connection reset by peer"))
    job_id = h.enqueue("acme")

    for _ in range(4 * MAX_ATTEMPTS):
        h.run_once()
        h.clock.advance(timedelta(hours=1).total_seconds())

    job = h.store.get(job_id)
    assert job.status is JobStatus.DEAD
    assert job.attempts == MAX_ATTEMPTS
    assert len(h.client.calls_for(job_id)) == MAX_ATTEMPTS


@pytest.mark.rubric("verification", weight=2)
def test_tenant_whose_deliveries_raise_does_not_starve_other_tenants():
    h = build(batch_size=4)
    h.client.script("acme", TimeoutError("timed out"))
    acme_jobs = [h.enqueue("acme", idempotency_key=f"acme-{n}") for n in range(8)]
    h.clock.advance(1)
    globex_job = h.enqueue("globex")

    for _ in range(6):  # no time passes: only jobs that are really due may be sent
        h.run_once()

    assert h.store.get(globex_job).status is JobStatus.DELIVERED
    assert all(len(h.client.calls_for(job_id)) == 1 for job_id in acme_jobs)
