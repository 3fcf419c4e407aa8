"""Calls syscalls a grader must never allow, straight through libc's syscall() with ctypes."""
import ctypes
import json

libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWUSER, CLONE_NEWNS = 0x10000000, 0x00020000
PTRACE_ATTACH = 16
calls = {  # x86_64 numbers
    "ptrace": (101, PTRACE_ATTACH, 1, 0, 0),
    "mount": (165, 0, 0, 0, 0),
    "unshare": (272, CLONE_NEWUSER | CLONE_NEWNS, 0, 0, 0),
    "setns": (308, 0, 0, 0, 0),
    "bpf": (321, 0, 0, 0, 0),
    "keyctl": (250, 0, 0, 0, 0),
    "io_uring_setup": (425, 8, 0, 0, 0),
}
results = {}
for name, (number, *args) in calls.items():
    rc = libc.syscall(ctypes.c_long(number), *(ctypes.c_long(a) for a in args))
    results[name] = "succeeded" if rc >= 0 else f"errno {ctypes.get_errno()}"
print(json.dumps(results))
