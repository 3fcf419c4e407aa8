/// The Python that Probe adds to every pytest run, written into the grader folder (read-only
/// in the sandbox) for each run. Kept in Swift so the `probe` binary carries it.
enum PytestPlugin {
    /// Module name of the plugin, loaded with `-p`.
    static let moduleName = "probe_results"

    /// The entry script. `python -I` puts neither the script's folder nor the working folder
    /// on sys.path, so it adds its own folder (for the plugin) and then hands over to pytest.
    static let runner = #"""
    """Starts pytest with Probe's result plugin importable. Written by Probe for each run."""
    import os
    import sys

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

    import pytest

    raise SystemExit(pytest.main())

    """#

    /// Streams one JSON line per event to the descriptor in PROBE_RESULTS_FD, as it happens,
    /// so a crash or a kill keeps every finished result and names the test that was running.
    static let plugin = #"""
    """Probe's pytest plugin: one JSON line per event on the descriptor in PROBE_RESULTS_FD.

    Events: "collected" (every node id with its rubric markers), "collect-error", "start",
    "result" (passed, failed, error or skipped, with a short message, and the exception the
    test function raised, if any) and "finished". Every line carries the run's token from
    PROBE_RESULTS_TOKEN, and the channel moves to a random descriptor before any tested code
    is imported, so a line written by that code stands out. Written by Probe for each run.
    """
    from __future__ import annotations

    import fcntl
    import json
    import os
    import random
    import reprlib
    import time
    from collections.abc import Generator
    from typing import Any

    import pytest

    _MESSAGE_LIMIT = 4000
    _RESULTS: ProbeResults | None = None


    \#(CheckedAssertions.canonicalSource)

    def check(check_id: int, value: object) -> None:
        """A hidden test's assertion whose expected value Probe keeps outside the sandbox
        (the rewritten `assert value <op> expected`): Probe compares and answers."""
        if _RESULTS is None or not _RESULTS.check(check_id, value):
            try:
                shown = reprlib.repr(value)
            except Exception:
                shown = f"a {type(value).__qualname__}"
            raise AssertionError(f"{shown} does not pass this assertion (its expected value is checked by Probe)")



    class ProbeResults:
        def __init__(self, fd: int, token: str) -> None:
            self._fd = fd
            self._token = token
            self._outcomes: dict[str, dict[str, Any]] = {}
            self._started: dict[str, float] = {}
            self._raised: dict[str, str] = {}
            self._current: str | None = None

        def check(self, check_id: int, value: object) -> bool:
            try:
                canonical = _canonical(value)
            except Exception:
                canonical = {"o": type(value).__qualname__}
            self._emit("check", nodeid=self._current, check=check_id, value=canonical)
            answer = b""
            while len(answer) < 2:
                chunk = os.read(self._fd, 2 - len(answer))
                if not chunk:
                    return False
                answer += chunk
            return answer == b"1\n"

        def _emit(self, event: str, **fields: Any) -> None:
            record = {"t": self._token, "event": event, **fields}
            line = json.dumps(record, separators=(",", ":"), ensure_ascii=False) + "\n"
            data = line.encode("utf-8", "replace")  # lone surrogates become "?"
            while data:
                written = os.write(self._fd, data)
                data = data[written:]

        @staticmethod
        def _message(report: pytest.BaseReport) -> str:
            text = report.longreprtext or ""
            return text if len(text) <= _MESSAGE_LIMIT else text[-_MESSAGE_LIMIT:]

        def pytest_collectreport(self, report: pytest.CollectReport) -> None:
            if report.failed:
                self._emit("collect-error", nodeid=report.nodeid, message=self._message(report))

        def pytest_collection_finish(self, session: pytest.Session) -> None:
            tests = []
            for item in session.items:
                rubric = []
                for mark in item.iter_markers("rubric"):
                    dimension = mark.args[0] if mark.args else mark.kwargs.get("dimension")
                    weight = mark.kwargs.get("weight", mark.args[1] if len(mark.args) > 1 else 1)
                    valid = isinstance(weight, int) and not isinstance(weight, bool)
                    rubric.append({"dimension": str(dimension), "weight": weight if valid else 0})
                tests.append({"nodeid": item.nodeid, "rubric": rubric})
            self._emit("collected", tests=tests)

        def pytest_runtest_logstart(self, nodeid: str, location: Any) -> None:
            self._started[nodeid] = time.monotonic()
            self._current = nodeid
            self._emit("start", nodeid=nodeid)

        def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
            current = self._outcomes.setdefault(report.nodeid, {"outcome": "passed", "message": ""})
            if current["outcome"] != "passed":
                return
            if report.failed:
                current["outcome"] = "failed" if report.when == "call" else "error"
                current["message"] = f"{report.when}: " + self._message(report)
            elif report.passed and report.when == "call" and hasattr(report, "wasxfail"):
                current["outcome"] = "xpassed"
                current["message"] = str(report.wasxfail)
            elif report.skipped:
                reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr or "")
                if hasattr(report, "wasxfail"):
                    reason = f"xfail: {report.wasxfail}"
                current["outcome"] = "skipped"
                current["message"] = reason

        @pytest.hookimpl(wrapper=True, tryfirst=True)
        def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, None, None]:
            # What the test function itself raised, seen before any report is made: Probe
            # compares it with the outcome the reports claim.
            try:
                return (yield)
            except BaseException as error:
                self._raised[item.nodeid] = type(error).__name__
                raise

        def pytest_runtest_logfinish(self, nodeid: str, location: Any) -> None:
            result = self._outcomes.pop(nodeid, {"outcome": "error", "message": "no report was made"})
            started = self._started.pop(nodeid, time.monotonic())
            duration_ms = int((time.monotonic() - started) * 1000)
            raised = self._raised.pop(nodeid, None)
            self._current = None
            self._emit("result", nodeid=nodeid, duration_ms=duration_ms, raised=raised, **result)

        def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
            self._emit("finished", exitstatus=int(exitstatus))


    def pytest_configure(config: pytest.Config) -> None:
        inherited = int(os.environ.pop("PROBE_RESULTS_FD"))
        token = os.environ.pop("PROBE_RESULTS_TOKEN", "")
        # Away from the well-known descriptor, close-on-exec so subprocesses that tests start
        # do not inherit it.
        fd = fcntl.fcntl(inherited, fcntl.F_DUPFD_CLOEXEC, random.randrange(64, 200))
        os.close(inherited)
        global _RESULTS
        _RESULTS = ProbeResults(fd, token)
        config.pluginmanager.register(_RESULTS, "probe-results-stream")

    """#

    /// The grader's ini: the candidate's tree on sys.path, the rubric marker registered, and
    /// nothing a submission can override (it is passed with -c, and --rootdir is the grader's).
    static func ini(submission: String) -> String {
        """
        [pytest]
        pythonpath = \(shellQuoted(submission))
        markers =
            rubric(dimension, weight=1): the rubric dimension this test is evidence for
        """ + "\n"
    }

    /// pytest splits `paths` ini values like a shell does; quote so a space in $TMPDIR is safe.
    static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\"'\"'") + "'"
    }
}
