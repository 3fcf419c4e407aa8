"""Retry policy: how many attempts a job gets and how long to wait between them."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Capped exponential backoff with proportional jitter.

    ``attempts`` arguments count attempts already made, including the one that
    just failed, so the first retry is computed with ``attempts=1``.
    """

    max_attempts: int = 8
    base_delay: timedelta = timedelta(seconds=10)
    multiplier: float = 2.0
    max_delay: timedelta = timedelta(minutes=30)
    jitter: float = 0.1

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.multiplier < 1 or not 0 <= self.jitter < 1:
            raise ValueError(f"invalid retry policy: {self}")

    def should_retry(self, attempts: int) -> bool:
        return attempts < self.max_attempts

    def delay(self, attempts: int, rng: random.Random | None = None) -> timedelta:
        exponent = max(attempts - 1, 0)
        seconds = self.base_delay.total_seconds() * self.multiplier**exponent
        seconds = min(seconds, self.max_delay.total_seconds())
        if self.jitter and rng is not None:
            seconds *= 1 + rng.uniform(-self.jitter, self.jitter)
        return timedelta(seconds=seconds)
