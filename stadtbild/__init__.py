"""Stadtbild: 3D city-model viewer and planning tool (GPL-3.0-or-later).

The code is installed as one namespace, ``stadtbild.model``, ``stadtbild.importers``,
``stadtbild.exporters``, ``stadtbild.analysis``, ``stadtbild.viewer``, ``stadtbild.app`` and
``stadtbild.cli`` (docs/ARCHITECTURE.md), so that none of these generic names lands at the top of a
shared site-packages. In the repository the layer folders stay at its root, beside this folder:
a wheel copies them into ``stadtbild/`` (pyproject's ``package-dir``); a source checkout on
``sys.path`` (``python main.py``, ``PYTHONPATH=.``, pytest) and the editable install find them
through this package's ``__path__``, extended to the repository root below.
"""
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_CHECKOUT = _HERE.parent
if not (_HERE / "model").is_dir() and (_CHECKOUT / "model" / "__init__.py").is_file():
    # a source checkout: the subpackages live at the repository root
    __path__.append(str(_CHECKOUT))  # noqa: F821 - a package's __path__
