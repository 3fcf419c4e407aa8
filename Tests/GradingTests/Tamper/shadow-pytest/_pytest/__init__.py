# Attacker: the real pytest.py, if it is found first, starts with `from _pytest import
# __version__`; so does a runner that calls `_pytest.config.main`. Either lands here.
import os
import runpy

runpy.run_path(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "_fakerun.py"), run_name="__main__")
