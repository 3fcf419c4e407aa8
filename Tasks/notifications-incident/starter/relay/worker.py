"""The worker pool: dispatchers on threads, plus per-minute metrics."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from .clock import Clock
from .dispatcher import Dispatcher
from .metrics import Metrics
from .store import JobStore

log = logging.getLogger("relay.worker")


class WorkerPool:
    """One thread per dispatcher, plus a reporter that logs metrics every minute."""

    def __init__(
        self,
        make_dispatcher: Callable[[str], Dispatcher],
        *,
        store: JobStore,
        metrics: Metrics,
        clock: Clock,
        workers: int,
        idle_sleep: float = 0.5,
    ) -> None:
        self._dispatchers = [make_dispatcher(f"worker-{n}") for n in range(workers)]
        self._store = store
        self._metrics = metrics
        self._clock = clock
        self._idle_sleep = idle_sleep
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        targets = [(self._loop, (d,)) for d in self._dispatchers] + [(self._report_loop, ())]
        for target, args in targets:
            thread = threading.Thread(target=target, args=args, daemon=True)
            thread.start()
            self._threads.append(thread)
        log.info("worker.started", extra={"workers": len(self._dispatchers)})

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        for dispatcher in self._dispatchers:
            dispatcher.stop()
        for thread in self._threads:
            thread.join(timeout)

    def _loop(self, dispatcher: Dispatcher) -> None:
        while not self._stop.is_set():
            try:
                busy = bool(dispatcher.run_once())
            except Exception:
                log.exception("worker.batch_failed")
                busy = False
            if not busy:
                self._clock.sleep(self._idle_sleep)

    def _report_loop(self) -> None:
        while not self._stop.wait(60.0):
            stats = self._store.stats()
            depth = stats["pending"] + stats["leased"]
            extra = {**self._metrics.snapshot(reset=True), "queue_depth": depth, "due": stats["due"]}
            log.info("metrics.minute", extra=extra)
