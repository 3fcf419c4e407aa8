# Attacker: pytest loads a rootdir conftest.py on its own. Turn every failing
# report into a pass before anyone sees it, and make the run's exit status 0.
import pytest


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.failed:
        report.outcome = "passed"
        report.longrepr = None  # no traceback in the terminal or JUnit
    return report


def pytest_sessionfinish(session, exitstatus):
    session.exitstatus = 0
