"""Scenarios: a named list of planning edits applied on top of an untouched source model, and the
GUI's undoable editing session.

A :class:`Scenario` is a name plus a list of edits (:mod:`model.edits`), each a plain JSON object
with an ``op`` (the ``*.scenario.json`` format of docs/ARCHITECTURE.md, "Scenario file")::

    {"name": "Variante A", "edits": [{"op": "demolish", "ids": ["id-1"]}, ...]}

``Scenario.apply(model)`` returns a NEW :class:`~model.citymodel.CityModel`; the source model (its
arrays, objects and attributes) and the user's files are never changed. Edits are cheap because
the edited model is *assembled* from pieces of the previous one (:mod:`model.surgery`).

Undo: every edit has ``edit.inverse(model_before) -> Edit`` with ``inverse.apply(model_after)``
equal to ``model_before``; :class:`EditSession` keeps the models before each edit (they share
their arrays, which edits never modify in place), so the GUI's QUndoStack can wrap
``session.do/undo/redo`` exactly.
"""
from __future__ import annotations

import json
from pathlib import Path

from .citymodel import CityModel
from .edits import ApplyContext, Edit, Loaders, edit_from_dict
from .errors import InputError
from .fileio import atomic_write_bytes
from .surgery import assemble


# ====================================================================== scenario
class Scenario:
    """A named list of edits (see module docstring). ``base_dir`` is where relative file names in
    edits start (the scenario file's folder; the project file's folder for embedded ones)."""

    def __init__(self, name: str = "Scenario", edits=None, base_dir=None, path=None):
        self.name = str(name)
        self.path = path
        self.base_dir = Path(base_dir) if base_dir is not None else None
        self.edits: list[Edit] = [e if isinstance(e, Edit) else edit_from_dict(e, path, k)
                                  for k, e in enumerate(edits or [])]
        self.last_report: ApplyContext | None = None

    # ---- data
    def to_dict(self) -> dict:
        out = {"name": self.name, "edits": [e.to_dict() for e in self.edits]}
        if getattr(self, "description", None) is not None:
            out["description"] = self.description
        return out

    @classmethod
    def from_dict(cls, data, base_dir=None, path=None) -> "Scenario":
        if not isinstance(data, dict):
            raise InputError(path, "a scenario must be a JSON object {\"name\": …, \"edits\": […]}")
        unknown = [k for k in data if k not in ("name", "edits", "description") and not str(k).startswith("_")]
        if unknown:
            raise InputError(path, f"unknown scenario key {unknown[0]!r} (expected name, edits)")
        edits = data.get("edits", [])
        if not isinstance(edits, list):
            raise InputError(path, "'edits' must be a list")
        sc = cls(data.get("name", Path(path).stem if path else "Scenario"), edits, base_dir, path)
        if "description" in data:
            sc.description = data["description"]
        return sc

    @classmethod
    def load(cls, path) -> "Scenario":
        path = Path(path)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            raise InputError(path, "no such file") from None
        except OSError as exc:
            raise InputError(path, f"cannot read scenario ({exc.strerror or exc})") from None
        try:
            data = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(path, f"invalid JSON ({str(exc).splitlines()[0]})") from None
        return cls.from_dict(data, base_dir=path.resolve().parent, path=path)

    def save(self, path) -> None:
        """Write the scenario file atomically (temp file + fsync + rename)."""
        path = Path(path)
        data = json.dumps(self.to_dict(), ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
        atomic_write_bytes(path, data)
        self.path = path

    def __eq__(self, other) -> bool:
        return isinstance(other, Scenario) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        return f"Scenario({self.name!r}, {len(self.edits)} edits)"

    # ---- applying
    def apply(self, model: CityModel, ctx: ApplyContext | None = None, loaders: Loaders | None = None) -> CityModel:
        """The edited model (new); ``model`` and all files stay untouched. What was demolished /
        inserted / changed and warnings (e.g. geometry repairs) are in ``self.last_report``; the
        warnings are also appended to the new model's ``warnings``."""
        ctx = ctx or ApplyContext(base_dir=self.base_dir, path=self.path, loaders=loaders)
        if ctx.base_dir is None:
            ctx.base_dir = self.base_dir
        out = model
        for e in self.edits:
            out = e.apply(out, ctx)
        if out is model:
            out = assemble(model, [(model, list(model.objects))])
        for w in ctx.warnings:
            out.warn(w)
        self.last_report = ctx
        return out


# ====================================================================== undo
class EditSession:
    """An editable working model for the GUI: ``do(edit)`` applies an edit, ``undo()``/``redo()``
    step back and forth exactly (the models before each edit are kept; they share their arrays).
    ``scenario`` is the list of edits done so far (what a project saves)."""

    def __init__(self, source: CityModel, scenario: Scenario | None = None, loaders: Loaders | None = None):
        self.source = source
        self.loaders = loaders
        self.model = source
        self.base_dir = scenario.base_dir if scenario else None
        self.name = scenario.name if scenario else "Scenario"
        self._done: list[tuple[Edit, CityModel]] = []
        self._undone: list[tuple[Edit, CityModel]] = []
        self.warnings: list[str] = []
        self.last_report: ApplyContext | None = None
        if scenario:
            for e in scenario.edits:
                self.do(e)

    def do(self, edit) -> CityModel:
        if not isinstance(edit, Edit):
            edit = edit_from_dict(edit)
        ctx = ApplyContext(base_dir=self.base_dir, loaders=self.loaders)
        after = edit.apply(self.model, ctx)
        self.warnings = ctx.warnings
        self.last_report = ctx  # demolished / inserted / changed ids, for the viewer to update
        self._done.append((edit, self.model))
        self._undone.clear()
        self.model = after
        return after

    def undo(self) -> CityModel:
        if not self._done:
            return self.model
        edit, before = self._done.pop()
        self._undone.append((edit, self.model))
        self.model = before
        return before

    def redo(self) -> CityModel:
        if not self._undone:
            return self.model
        edit, after = self._undone.pop()
        self._done.append((edit, self.model))
        self.model = after
        return after

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    @property
    def scenario(self) -> Scenario:
        return Scenario(self.name, [e for e, _ in self._done], self.base_dir)
