"""Connects to a port where the test runs a listener on the host's loopback."""
import json
import socket
import sys

port = int(sys.argv[1])
try:
    with socket.create_connection(("127.0.0.1", port), timeout=2):
        outcome = "connected"
except OSError as error:
    outcome = f"errno {error.errno}"
print(json.dumps({"connect": outcome}))
