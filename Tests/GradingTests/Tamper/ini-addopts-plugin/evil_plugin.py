"""Attacker: loaded with `-p evil_plugin` from whichever config file pytest picks up.

No conftest involved, so `--noconftest` does not stop it.
"""
import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        report.outcome = "passed"
        report.longrepr = None
    return report


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session, exitstatus):
    session.exitstatus = 0
