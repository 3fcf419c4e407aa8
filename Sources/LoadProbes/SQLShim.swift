/// The SQL statement counter: the service's entry point in the sandbox during a load probe,
/// run as `python -I sql_shim.py -m PACKAGE [ARGS...]` or `python -I sql_shim.py SCRIPT
/// [ARGS...]`. With `PROBE_SQL_COUNTER` naming a file the grader created, every statement run
/// on a `sqlite3` connection the service opens (transaction control and PRAGMAs aside) bumps a
/// counter, and the file's first line is rewritten as that count, 20 digits and a newline, before
/// the statement runs. The count is per process. Usage errors exit 2; otherwise the target's
/// exit status is the shim's.
enum SQLShim {
    static let source = #"""
"""Counts the SQL statements a Python service runs, for Probe's load probes.

``python -I sql_shim.py -m PACKAGE [ARGS...]`` or ``python -I sql_shim.py SCRIPT [ARGS...]``

Runs the target as ``python -m PACKAGE`` or ``python SCRIPT`` would (``sys.path``, ``sys.argv``,
``__main__``, exit status). If ``$PROBE_SQL_COUNTER`` names a writable file, it is removed from
the environment first and ``sqlite3.connect`` is wrapped so that every connection gets a trace
callback: each statement other than BEGIN, COMMIT, ROLLBACK, END, SAVEPOINT, RELEASE and PRAGMA
adds one to a process-wide count, and the file's first 21 bytes become that count as 20 decimal
digits and a newline. The write happens under a lock as the statement starts, so once a response
is out the file already counts every statement run for it. Usage errors exit with status 2.
"""

import importlib.util
import os
import runpy
import sys
from typing import Any, NoReturn

COUNTER_ENV = "PROBE_SQL_COUNTER"
UNCOUNTED = frozenset({"BEGIN", "COMMIT", "ROLLBACK", "END", "SAVEPOINT", "RELEASE", "PRAGMA"})
USAGE = "usage: python -I sql_shim.py (-m PACKAGE | SCRIPT) [ARGS...]"


def fail(message: str) -> NoReturn:
    print(f"sql_shim: {message}", file=sys.stderr)
    raise SystemExit(2)


def usage_error(message: str) -> NoReturn:
    fail(f"{message}\n{USAGE}")


def count_statements(counter_path: str) -> None:
    """Wrap ``sqlite3.connect`` so every new connection reports its statements to the file."""
    import functools
    import sqlite3
    import sqlite3.dbapi2
    import threading

    try:
        fd = os.open(counter_path, os.O_WRONLY | os.O_CLOEXEC)
    except OSError as exc:
        fail(f"cannot open ${COUNTER_ENV} ({counter_path}): {exc.strerror}")
    lock = threading.Lock()
    count = 0

    def trace(statement: str) -> None:
        nonlocal count
        words = statement.split(None, 1)
        if not words or words[0].upper() in UNCOUNTED:
            return
        with lock:
            count += 1
            os.pwrite(fd, f"{count:020d}\n".encode(), 0)

    real_connect = sqlite3.connect

    @functools.wraps(real_connect)
    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection: sqlite3.Connection = real_connect(*args, **kwargs)
        connection.set_trace_callback(trace)
        return connection

    sqlite3.connect = connect  # type: ignore[assignment]
    sqlite3.dbapi2.connect = connect  # type: ignore[assignment]


def run_target(args: list[str]) -> None:
    if not args:
        usage_error("no target given")
    first, rest = args[0], args[1:]
    if first.startswith("-m"):
        name = first[2:]
        if not name:
            if not rest:
                usage_error("-m needs a module name")
            name, rest = rest[0], rest[1:]
        sys.path.insert(0, os.getcwd())
        sys.argv = ["-m", *rest]
        if importlib.util.find_spec(name) is None:
            usage_error(f"no module named {name!r}")
        runpy.run_module(name, run_name="__main__", alter_sys=True)
    elif first.startswith("-"):
        usage_error(f"unknown option {first}")
    else:
        if not os.path.exists(first):
            usage_error(f"no such script {first!r}")
        sys.path.insert(0, os.path.dirname(os.path.realpath(first)))
        sys.argv = [first, *rest]
        runpy.run_path(first, run_name="__main__")


def main() -> None:
    counter_path = os.environ.pop(COUNTER_ENV, "")
    if counter_path:
        count_statements(counter_path)
    run_target(sys.argv[1:])


if __name__ == "__main__":
    main()
"""#
}
