"""Tries to open sockets of families a test suite has no business with."""
import json
import socket

results = {}
for name in ("AF_INET", "AF_INET6", "AF_NETLINK", "AF_PACKET"):
    family = getattr(socket, name)
    kind = socket.SOCK_RAW if name in ("AF_NETLINK", "AF_PACKET") else socket.SOCK_STREAM
    try:
        socket.socket(family, kind).close()
        results[name] = "opened"
    except OSError as error:
        results[name] = f"errno {error.errno}"
print(json.dumps(results))
