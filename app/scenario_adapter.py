"""The window's view of scenarios (variants): named lists of edits as data, applied to the model
by :class:`model.scenario.Scenario` (the same code the CLI ``--scenario`` uses).

Edits are the dicts of the scenario file format (DESIGN.md "Scenario file"), e.g.
``{"op": "demolish", "ids": [...]}``.
"""
from __future__ import annotations

import copy
import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from stadtbild.model.scenario import Scenario


def _new_uid() -> str:
    return uuid.uuid4().hex[:12]


@dataclass
class Variant:
    """One planning variant: a name and its edits (the base model is the variant without edits).
    ``uid`` identifies it while the window is open (names can change; results are keyed by it)."""

    name: str
    edits: list = field(default_factory=list)
    uid: str = field(default_factory=_new_uid, compare=False)

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


def expand_with_parts(model, ids) -> set[str]:
    """``ids`` plus all their children (BuildingPart, installations), recursively."""
    from stadtbild.model.surgery import descendants

    return set(descendants(model, ids))


def to_scenario(variant: Variant, base_dir=None) -> Scenario:
    """The variant as a :class:`model.scenario.Scenario` (validated edits)."""
    return Scenario.from_dict(variant.to_dict(), base_dir=base_dir)


def apply_variant(model, variant: Variant | None, base_dir=None):
    """The model after the variant's edits (the model itself when there are none)."""
    if variant is None or not variant.edits:
        return model
    return to_scenario(variant, base_dir).apply(model)


def load_variant(path) -> Variant:
    """Read a ``*.scenario.json`` file (validated by :meth:`model.scenario.Scenario.load`)."""
    data = Scenario.load(Path(path)).to_dict()
    return Variant(str(data.get("name") or Path(path).stem), list(data.get("edits", [])))


def save_variant(variant: Variant, path) -> None:
    from stadtbild.model.fileio import atomic_write_bytes

    atomic_write_bytes(path, (json.dumps(variant.to_dict(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
