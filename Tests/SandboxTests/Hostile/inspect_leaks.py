"""Reports what the sandbox lets in from outside: environment, descriptors, processes, identity."""
import json
import os

# The environment exactly as execve passed it (Python may add LC_CTYPE itself, PEP 538).
with open("/proc/self/environ", "rb") as f:
    environ = dict(entry.decode().split("=", 1) for entry in f.read().split(b"\0") if entry)
fds = sorted(int(fd) for fd in os.listdir("/proc/self/fd"))
print(json.dumps({
    "environ": environ,
    "fds": fds,
    "pids": sorted(int(p) for p in os.listdir("/proc") if p.isdigit()),
    "uid": os.getuid(),
    "gid": os.getgid(),
    "hostname": os.uname().nodename,
    "status": {line.split(":")[0]: line.split(":")[1].strip()
               for line in open("/proc/self/status") if line.startswith(("Cap", "NoNewPrivs", "Seccomp"))},
}))
