"""The window's view of scenarios (variants): named lists of edits as data, applied to the model.

Edits are the dicts of the scenario file format (DESIGN.md "Scenario file"), e.g.
``{"op": "demolish", "ids": [...]}``. When ``model.scenario`` is available its ``Scenario`` applies
them (the same code the CLI ``--scenario`` uses); until then a thin fallback applies ``demolish``
by leaving the objects (and their parts) out of the scene, so the window is not blocked.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path

from model.errors import InputError


def scenario_module():
    try:
        from model import scenario
    except ImportError:
        return None
    return scenario if hasattr(scenario, "Scenario") else None


@dataclass
class Variant:
    """One planning variant: a name and its edits (the base model is the variant without edits)."""

    name: str
    edits: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"name": self.name, "edits": copy.deepcopy(self.edits)}

    def copy(self, name: str) -> "Variant":
        return Variant(name, copy.deepcopy(self.edits))

    def demolished_ids(self) -> set[str]:
        out: set[str] = set()
        for e in self.edits:
            if e.get("op") == "demolish":
                out.update(e.get("ids", []))
        return out


def _real_scenario(variant: Variant, base_dir=None):
    mod = scenario_module()
    if mod is None:
        return None
    S = mod.Scenario
    data = variant.to_dict()
    for ctor in ("from_dict", "from_json_obj", "from_obj"):
        if hasattr(S, ctor):
            try:
                return getattr(S, ctor)(data, base_dir=base_dir)
            except TypeError:
                return getattr(S, ctor)(data)
    return S(name=variant.name, edits=data["edits"])


def expand_with_parts(model, ids) -> set[str]:
    """``ids`` plus all their children (BuildingPart, installations), recursively."""
    out: set[str] = set()
    stack = [i for i in ids if i in model.objects]
    while stack:
        oid = stack.pop()
        if oid in out:
            continue
        out.add(oid)
        stack.extend(c for c in model.objects[oid].children if c in model.objects)
    return out


def apply_variant(model, variant: Variant | None, base_dir=None):
    """The model after the variant's edits (the model itself when there are none)."""
    if variant is None or not variant.edits:
        return model
    real = _real_scenario(variant, base_dir)
    if real is not None:
        return real.apply(model)
    unsupported = {e.get("op") for e in variant.edits} - {"demolish"}
    if unsupported:
        raise InputError(None, f"edit(s) {', '.join(sorted(map(str, unsupported)))} need model.scenario, "
                               "which this build does not have")
    return _DemolishedView(model, expand_with_parts(model, variant.demolished_ids()))


class _DemolishedView:
    """Fallback: a model with some objects left out (only what the window needs: scene, objects)."""

    def __init__(self, model, removed: set[str]):
        self._model = model
        self.removed = removed
        self.objects = {k: v for k, v in model.objects.items() if k not in removed}

    def __getattr__(self, name):
        return getattr(self._model, name)

    def scene(self, lod=None, object_ids=None, types=None):
        ids = [i for i in (object_ids if object_ids is not None else self._model.objects) if i not in self.removed]
        return self._model.scene(lod=lod, object_ids=ids, types=types)


def load_variant(path) -> Variant:
    """Read a ``*.scenario.json`` file (validated by model.scenario when available)."""
    path = Path(path)
    mod = scenario_module()
    if mod is not None and hasattr(mod.Scenario, "load"):
        sc = mod.Scenario.load(path)
        data = sc.to_dict() if hasattr(sc, "to_dict") else {"name": getattr(sc, "name", path.stem),
                                                            "edits": [_edit_dict(e) for e in sc.edits]}
        return Variant(str(data.get("name") or path.stem), list(data.get("edits", [])))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(path, f"not a readable scenario file ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("edits"), list):
        raise InputError(path, "scenario file needs an object with an 'edits' list")
    return Variant(str(data.get("name") or path.stem), data["edits"])


def _edit_dict(edit) -> dict:
    if isinstance(edit, dict):
        return edit
    for m in ("to_dict", "as_dict"):
        if hasattr(edit, m):
            return getattr(edit, m)()
    return dict(vars(edit))


def save_variant(variant: Variant, path) -> None:
    from model.fileio import atomic_write_bytes

    atomic_write_bytes(path, (json.dumps(variant.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
