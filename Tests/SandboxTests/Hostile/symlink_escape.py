"""Follows a symlink the test planted in the work dir, then plants and follows its own."""
import json
import os
import sys

results = {}
try:
    with open("planted-link") as f:
        results["planted"] = "read " + f.read()
except OSError as error:
    results["planted"] = f"errno {error.errno}"
os.symlink(sys.argv[1], "own-link")
try:
    with open("own-link") as f:
        results["own"] = "read " + f.read()
except OSError as error:
    results["own"] = f"errno {error.errno}"
print(json.dumps(results))
