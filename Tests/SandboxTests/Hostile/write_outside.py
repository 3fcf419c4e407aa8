"""Writes everywhere except the work dir and /tmp. Extra paths come on the command line."""
import json
import os
import sys

results = {}
for path in ["/etc/probe-escape", "/usr/probe-escape", "/probe-escape", "/dev/probe-escape",
             "/proc/sys/kernel/hostname", *sys.argv[1:]]:
    try:
        with open(path, "w") as f:
            f.write("escaped")
        results[path] = "written"
    except OSError as error:
        results[path] = f"errno {error.errno}"
for path in ("work.txt", "/tmp/tmp.txt"):
    with open(path, "w") as f:
        f.write("fine")
    results[path] = "written"
print(json.dumps(results))
