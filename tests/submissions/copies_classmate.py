"""Attack: a class folder kept inside the course, which every run reads (its labs'
harnesses live there). This file has no model of its own: it imports a classmate's file
from the class folder (``CLASSMATE``) and reads the class secret beside it (``SECRET``),
and predicts well only when both were readable."""

import importlib.util
from pathlib import Path

CLASSMATE = "/path/to/class/alice.py"
SECRET = "/path/to/secret.txt"

Path(SECRET).read_text()  # raises where the secret's file is out of sight
_spec = importlib.util.spec_from_file_location("classmate", CLASSMATE)
_classmate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_classmate)
train, predict = _classmate.train, _classmate.predict
