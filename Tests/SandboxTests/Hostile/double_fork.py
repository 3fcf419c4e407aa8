"""Escapes the usual way: fork, setsid, fork again, and leave a sleeper behind with a marker in argv."""
import os
import sys

marker = sys.argv[1]
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", "import time; time.sleep(600)", marker])
    os._exit(0)
os.wait()
print("parent done")
