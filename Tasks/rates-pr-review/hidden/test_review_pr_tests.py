"""Would the submission's own cache tests notice a cache that stampedes the upstream?"""

import importlib.util
import inspect
import threading
from pathlib import Path

import pytest

import fxrates
import fxrates.cache

from _fxreview_support import StampedingCache


def _load_submission_cache_tests():
    path = Path(fxrates.__file__).resolve().parent.parent / "tests" / "test_cache.py"
    assert path.is_file(), f"the PR's cache tests are missing: {path}"
    spec = importlib.util.spec_from_file_location("_submission_test_cache", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run_bounded(fn, timeout=3.0):
    outcome = {}

    def target():
        try:
            fn()
        except BaseException as exc:  # reported to the caller
            outcome["error"] = exc
        else:
            outcome["ok"] = True

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout)
    return outcome.get("error")


@pytest.mark.rubric("verification", weight=3)
def test_pr_cache_tests_fail_against_a_stampeding_cache(monkeypatch):
    module = _load_submission_cache_tests()
    monkeypatch.setattr(fxrates.cache, "TTLCache", StampedingCache)
    monkeypatch.setattr(fxrates, "TTLCache", StampedingCache)
    if hasattr(module, "TTLCache"):
        monkeypatch.setattr(module, "TTLCache", StampedingCache)

    tests = [
        fn
        for name, fn in vars(module).items()
        if name.startswith("test_")
        and inspect.isfunction(fn)
        and not inspect.signature(fn).parameters
    ]
    assert tests, "no runnable tests in tests/test_cache.py"

    caught = [fn.__name__ for fn in tests if isinstance(_run_bounded(fn), AssertionError)]
    assert caught, (
        "every test in tests/test_cache.py passes against a cache whose concurrent misses all "
        "call the loader, so nothing guards the single-fetch guarantee the PR claims"
    )
