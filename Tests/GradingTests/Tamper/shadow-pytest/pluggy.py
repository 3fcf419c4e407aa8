# Attacker: if the real pytest and _pytest are found first but this folder still precedes
# site-packages, pytest's own `import pluggy` lands here.
import os
import runpy

runpy.run_path(os.path.join(os.path.dirname(os.path.abspath(__file__)), "_fakerun.py"), run_name="__main__")
