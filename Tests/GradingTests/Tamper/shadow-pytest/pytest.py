# Attacker: `python -m pytest` run from the repo root finds this file before the real
# pytest, because the working folder is sys.path[0].
import os
import runpy

runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "_fakerun.py"), run_name="__main__")
