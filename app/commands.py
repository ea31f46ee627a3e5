"""Undoable edits: one QUndoCommand per scenario edit (the edit itself is plain data in the
variant's ``edits`` list, so undo/redo, saving and the CLI ``apply`` all see the same thing)."""
from __future__ import annotations

import copy

from PySide6.QtGui import QUndoCommand

from .i18n import plural, tr


class EditCommand(QUndoCommand):
    """Append ``edit`` to ``variant.edits`` on redo, remove it on undo; ``changed()`` re-applies."""

    def __init__(self, variant, edit: dict, changed, text: str):
        super().__init__(text)
        self.variant = variant
        self.edit = copy.deepcopy(edit)
        self.changed = changed

    def redo(self) -> None:
        self.variant.edits.append(self.edit)
        self.changed()

    def undo(self) -> None:
        for i in range(len(self.variant.edits) - 1, -1, -1):
            if self.variant.edits[i] is self.edit:
                del self.variant.edits[i]
                break
        self.changed()


def demolish_command(variant, ids, changed, model=None) -> EditCommand:
    """Demolish ``ids``; the undo text names the buildings by their labels (address, name or
    short id: model.labels), never by GUID."""
    from stadtbild.model.labels import labels_text, object_label

    ids = list(ids)
    text = (tr("Demolish {id}").format(id=object_label(model, ids[0])) if len(ids) == 1
            else tr("Demolish {n} buildings ({names})").format(n=len(ids), names=labels_text(model, ids)))
    return EditCommand(variant, {"op": "demolish", "ids": ids}, changed, text)


def set_height_command(variant, object_id, height_m, changed, model=None) -> EditCommand:
    from stadtbild.model.labels import object_label

    from .i18n import format_number

    return EditCommand(variant, {"op": "set_height", "id": object_id, "height_m": float(height_m)}, changed,
                       tr("Set height of {id} to {h} m").format(id=object_label(model, object_id),
                                                                h=format_number(height_m, 1)))


def move_command(variant, ids, offset, changed) -> EditCommand:
    return EditCommand(variant, {"op": "move", "ids": list(ids), "offset": [float(v) for v in offset]}, changed,
                       plural(len(ids), tr("Move {n} object"), tr("Move {n} objects")))
