import random

import pytest

from fxrates import BadUpstreamResponse, RetryPolicy, UpstreamUnavailable, call_with_retries


class Flaky:
    def __init__(self, failures, result="ok", error=UpstreamUnavailable("503")):
        self.failures = failures
        self.result = result
        self.error = error
        self.calls = 0

    def __call__(self):
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return self.result


def test_retries_until_success():
    sleeps = []
    fn = Flaky(failures=2)
    assert call_with_retries(fn, RetryPolicy(attempts=3), sleep=sleeps.append) == "ok"
    assert fn.calls == 3
    assert len(sleeps) == 2


def test_gives_up_after_the_last_attempt():
    sleeps = []
    fn = Flaky(failures=10)
    with pytest.raises(UpstreamUnavailable):
        call_with_retries(fn, RetryPolicy(attempts=3), sleep=sleeps.append)
    assert fn.calls == 3
    assert len(sleeps) == 2


def test_non_retryable_errors_propagate_immediately():
    fn = Flaky(failures=1, error=BadUpstreamResponse("not json"))
    with pytest.raises(BadUpstreamResponse):
        call_with_retries(fn, RetryPolicy(attempts=3), sleep=lambda _: None)
    assert fn.calls == 1


def test_backoff_is_capped_and_jittered():
    policy = RetryPolicy(base_delay=0.5, max_delay=1.0)
    rng = random.Random(7)
    delays = [policy.backoff(retry, rng) for retry in range(1, 6)]
    assert all(0 <= delay <= 1.0 for delay in delays)
    assert policy.backoff(1, rng) <= 0.5


def test_retry_after_hint_is_honoured_up_to_max_delay():
    sleeps = []
    fn = Flaky(failures=1, error=UpstreamUnavailable("429", retry_after=30))
    call_with_retries(fn, RetryPolicy(base_delay=0.1, max_delay=1.5), sleep=sleeps.append)
    assert sleeps == [1.5]


def test_policy_validation():
    with pytest.raises(ValueError):
        RetryPolicy(attempts=0)
    with pytest.raises(ValueError):
        RetryPolicy(attempt_timeout=0)
