"""mllab: hands-on ML debugging labs.

The repository root is the ``mllab`` package (see ``pyproject.toml``), so the
top-level folders install as ``mllab.labs``, ``mllab.graders``, ``mllab.datasets``
and ``mllab.broken_models`` and never as generic top-level names.
"""

__version__ = "0.1.0"
