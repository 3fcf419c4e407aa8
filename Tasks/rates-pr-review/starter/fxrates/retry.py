"""Retries with capped exponential backoff for calls to the rates upstream."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from .errors import UpstreamUnavailable

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try the upstream before giving up.

    The worst-case latency of one lookup is roughly
    ``attempts * attempt_timeout + sum of the backoff delays``; with the
    defaults that is about 6.6 s, inside checkout's 10 s budget.
    """

    attempts: int = 3
    base_delay: float = 0.2
    max_delay: float = 2.0
    attempt_timeout: float = 2.0
    retry_on: tuple[type[Exception], ...] = (UpstreamUnavailable,)

    def __post_init__(self) -> None:
        if self.attempts < 1:
            raise ValueError("attempts must be at least 1")
        if self.base_delay < 0 or self.max_delay < self.base_delay:
            raise ValueError("need 0 <= base_delay <= max_delay")
        if self.attempt_timeout <= 0:
            raise ValueError("attempt_timeout must be positive")

    def backoff(self, retry: int, rng: random.Random | None = None) -> float:
        """Delay before retry number ``retry`` (1-based), with full jitter."""
        cap = min(self.max_delay, self.base_delay * 2 ** (retry - 1))
        return (rng or random).uniform(0, cap)


def call_with_retries(
    fn: Callable[[], T],
    policy: RetryPolicy,
    *,
    sleep: Callable[[float], None] = time.sleep,
    rng: random.Random | None = None,
) -> T:
    """Call ``fn`` until it succeeds or ``policy.attempts`` calls have failed.

    Only exceptions listed in ``policy.retry_on`` are retried; anything else,
    and the last retryable failure, propagates unchanged. An upstream
    ``Retry-After`` hint is honoured when it is longer than our own backoff.
    """
    for attempt in range(1, policy.attempts + 1):
        try:
            return fn()
        except policy.retry_on as exc:
            if attempt == policy.attempts:
                raise
            delay = policy.backoff(attempt, rng)
            hint = getattr(exc, "retry_after", None)
            if hint is not None:
                delay = max(delay, min(hint, policy.max_delay))
            logger.info("attempt %d/%d failed (%s); retrying in %.2fs", attempt, policy.attempts, exc, delay)
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
