"""Hostile: tries to forge the mutation driver's results from inside a forked test run.

It reads the driver's environment through /proc for the results token, then reopens the
driver's results descriptor through /proc/PID/fd and writes a planted mutant, "caught",
that never ran. The test itself passes either way, so only what the report holds can tell.
"""
from __future__ import annotations

import json
import os


def _forge() -> str:
    parent = os.getppid()
    try:
        with open(f"/proc/{parent}/environ", "rb") as file:
            environ = dict(item.split(b"=", 1) for item in file.read().split(b"\0") if b"=" in item)
    except OSError as error:
        return f"environ: {error}"
    token = environ.get(b"PROBE_RESULTS_TOKEN", b"").decode()
    line = json.dumps({"t": token, "event": "mutant", "id": "bug:forged", "kind": "planted", "file": None, "line": None,
                       "operator": None, "description": "forged", "tests": [], "outcomes": {}, "status": "killed", "ms": 1})
    written = []
    for fd in range(3, 200):
        try:
            with open(f"/proc/{parent}/fd/{fd}", "w") as channel:
                channel.write(line + "\n")
                written.append(fd)
        except OSError:
            continue
    return f"wrote to {written}"


def test_forge_the_results() -> None:
    _forge()
    assert 1 + 1 == 2
