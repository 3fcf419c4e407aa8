"""Reads files that live outside the sandbox's allowed paths. Each path is given on the command line."""
import json
import sys

results = {}
for path in ["/etc/shadow", "/root/.bash_history", "/proc/1/environ", *sys.argv[1:]]:
    try:
        with open(path, "rb") as f:
            results[path] = "read " + f.read(64).decode("latin-1")
    except OSError as error:
        results[path] = f"errno {error.errno}"
print(json.dumps(results))
