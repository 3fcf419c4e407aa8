"""Starts a child sleeper with a marker in argv, then sleeps itself; used to kill probe mid-run."""
import subprocess
import sys
import time

marker = sys.argv[1]
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", marker], start_new_session=True)
print("ready", flush=True)
time.sleep(600)
