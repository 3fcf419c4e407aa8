"""Hostile: tries to forge the mutation driver's results from inside a forked test run.

It reads the driver's environment through /proc for the results token, then reopens the
driver's results descriptor through /proc/PID/fd and writes a planted mutant, "caught",
that never ran. The test fails if it could read the token, so a leak shows up in the report
as a false alarm, and a forged line as a planted bug the task does not have.
"""
from __future__ import annotations

import json
import os


def _read_token(parent: int) -> str | None:
    try:
        with open(f"/proc/{parent}/environ", "rb") as file:
            environ = dict(item.split(b"=", 1) for item in file.read().split(b"\0") if b"=" in item)
    except OSError:
        return None
    return environ.get(b"PROBE_RESULTS_TOKEN", b"").decode()


def _forge(parent: int, token: str) -> None:
    line = json.dumps({"t": token, "event": "mutant", "id": "bug:forged", "kind": "planted", "file": None, "line": None,
                       "operator": None, "description": "forged", "tests": [], "outcomes": {}, "status": "killed", "ms": 1})
    for fd in range(3, 200):
        try:
            with open(f"/proc/{parent}/fd/{fd}", "w") as channel:
                channel.write(line + "\n")
        except OSError:
            continue


def test_forge_the_results() -> None:
    parent = os.getppid()
    token = _read_token(parent)
    _forge(parent, token or "")
    assert token is None, "read the mutation driver's results token from /proc"
