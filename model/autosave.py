"""Autosave and crash recovery of unsaved planning work (no Qt: the window calls it on a timer
and after each edit; tests drive it directly).

One journal per model or project and opening: ``model-<key>-<pid>-<start>-<n>.autosave.json`` in the
autosave folder (``$STADTBILD_AUTOSAVE_DIR``, else ``$XDG_STATE_HOME/stadtbild/autosave``, else
``~/.local/state/stadtbild/autosave``). ``key`` is a hash of the project file (when the work
belongs to a saved project) or of the model's source files (:func:`subject_key`), so opening
another model writes *another* journal and never overwrites or removes the journal of the
model that was open before. :meth:`Autosaver.save` rewrites the journal atomically (temp file +
fsync + rename, :func:`model.fileio.atomic_write_bytes`), so a crash or ``kill -9`` at any moment
leaves either the previous or the new state, never half a file. A state without changes (no
edits, no 2D layers) is never journalled: saving it removes this session's journal of that
model, so a journal always holds something worth recovering.

Saving the project, or the user declining a recovery, removes the journal
(:meth:`Autosaver.discard`). Leaving with unsaved work that the user chose not to save keeps the
journal, marked ``"closed_unsaved": true`` (:meth:`Autosaver.close_unsaved`): it is not offered
as a crash at the next start, only when that model is opened again. :func:`pending_recoveries`
lists the journals of sessions whose process is gone (pid and start time no longer match a
running process), with changes, newest first.

Journal content (JSON, UTF-8)::

    {"format": "stadtbild-autosave", "version": 1, "pid": 123, "process_start": 1764200000.0,
     "saved_at": "2026-11-26T23:40:00Z", "key": "…", "sources": ["/abs/city.json"],
     "scenarios": [{"name": "Variante A", "edits": [...]}], "active_scenario": "Variante A",
     "project_path": null, "closed_unsaved": false,
     "extra": {"layers": [...], "history": {...}}}

Scenarios hold the edit dicts of the scenario file format (docs/ARCHITECTURE.md), unvalidated on purpose: a
journal is recovered even if one edit no longer applies (the window reports that edit). Journals
of older versions (``session-<pid>-<start>.autosave.json``) are still read.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from .fileio import atomic_write_bytes

AUTOSAVE_FORMAT = "stadtbild-autosave"
AUTOSAVE_VERSION = 1
SUFFIX = ".autosave.json"
#: journals larger than this are not read back (they are edits, not geometry)
MAX_JOURNAL_BYTES = 64 * 1024 * 1024


def autosave_dir() -> Path:
    env = os.environ.get("STADTBILD_AUTOSAVE_DIR")
    if env:
        return Path(env)
    state = os.environ.get("XDG_STATE_HOME")
    base = Path(state) if state else Path.home() / ".local" / "state"
    return base / "stadtbild" / "autosave"


def subject_key(sources, project_path=None) -> str:
    """The 16-hex-digit key of the work: the project file when there is one, else the sorted
    absolute paths of the model's source files (the same model opened twice has the same key)."""
    if project_path:
        text = "project:" + str(Path(project_path).resolve())
    else:
        text = "sources:" + "\n".join(sorted(str(Path(s).resolve()) for s in sources))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _process_start(pid: int) -> float | None:
    """Start time (s since the epoch) of a running process, None when there is none."""
    try:
        import psutil

        return float(psutil.Process(pid).create_time())
    except Exception:  # noqa: BLE001 — no such process, access denied, no psutil
        return None


def _journal_owner(path: Path) -> tuple[int, int] | None:
    """(pid, process start) from a journal name: ``model-<key>-<pid>-<start>`` or the older
    ``session-<pid>-<start>``; None for other names."""
    parts = path.name[: -len(SUFFIX)].split("-")
    try:
        if parts[0] == "model" and len(parts) in (4, 5):
            return int(parts[2]), int(parts[3])
        if parts[0] == "session" and len(parts) == 3:
            return int(parts[1]), int(parts[2])
    except ValueError:
        return None
    return None


@dataclass
class Recovery:
    """The unsaved state of a session that ended without saving."""

    path: Path
    sources: list
    scenarios: list
    active_scenario: str | None
    saved_at: str
    project_path: str | None = None
    extra: dict = field(default_factory=dict)
    key: str | None = None
    closed_unsaved: bool = False

    @property
    def n_edits(self) -> int:
        return sum(len(s.get("edits", [])) for s in self.scenarios)

    @property
    def n_layers(self) -> int:
        layers = self.extra.get("layers") if isinstance(self.extra, dict) else None
        return len(layers) if isinstance(layers, list) else 0

    @property
    def has_changes(self) -> bool:
        """Anything worth recovering: an edit in some variant, a 2D layer or a Bebauungsplan."""
        return self.n_edits > 0 or self.n_layers > 0 or bool((self.extra or {}).get("plans"))

    def matches(self, sources, project_path=None) -> bool:
        """True when this journal belongs to the model of ``sources`` (or that project)."""
        mine = {subject_key(sources, project_path), subject_key(sources)}
        return bool(mine & {self.key or subject_key(self.sources, self.project_path), subject_key(self.sources)})

    def discard(self) -> None:
        """Remove the journal (after the user recovered or declined it)."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass


def has_changes(scenarios, extra=None) -> bool:
    """True when ``scenarios`` (dicts or objects with ``edits``) hold an edit or ``extra`` a
    2D layer or a Bebauungsplan: the state differs from the untouched model."""
    for s in scenarios:
        edits = s.get("edits") if isinstance(s, dict) else getattr(s, "edits", None)
        if edits:
            return True
    return bool((extra or {}).get("layers")) or bool((extra or {}).get("plans"))


class Autosaver:
    """This session's journals, one per model or project (see module docstring)."""

    def __init__(self, folder=None):
        self.folder = Path(folder) if folder is not None else autosave_dir()
        self.pid = os.getpid()
        self.process_start = _process_start(self.pid) or time.time()
        self.key: str | None = None
        self._last: bytes | None = None
        self.saves = 0
        self._opening = 0  # one journal per opening of a model in this session
        self._left: bytes | None = None  # the state the user left unsaved: its journal is final

    @property
    def path(self) -> Path | None:
        """The journal of the current model (None before a model was opened)."""
        if self.key is None:
            return None
        return self.folder / f"model-{self.key}-{self.pid}-{int(self.process_start)}-{self._opening}{SUFFIX}"

    def switch(self, sources, project_path=None) -> Path | None:
        """Journal the work of another model or project from now on, in a journal of its own. The
        journal of the previous one is left as it is (removed only by :meth:`discard`), also when
        the same model is opened again."""
        key = subject_key(sources, project_path) if sources or project_path else None
        current = self.path
        if key != self.key or (current is not None and current.exists() and read_journal(current) is not None
                               and read_journal(current).closed_unsaved):
            self.key = key
            self._opening += 1
            self._last = None
            self._left = None
        return self.path

    def save(self, sources, scenarios, active_scenario=None, project_path=None, extra=None) -> Path | None:
        """Write the current state atomically (skipped when nothing changed since the last save;
        a state without changes removes this model's journal instead). ``scenarios``: dicts
        ``{"name", "edits"}`` or objects with ``to_dict()``. Returns the journal path (None when
        there is nothing to journal, or the folder is not writable: the session goes on; the
        caller may warn once)."""
        if self.key is None:
            self.switch(sources, project_path)
        scen = [s.to_dict() if hasattr(s, "to_dict") else dict(s) for s in scenarios]
        if not has_changes(scen, extra):
            self.discard()
            return None
        data = {
            "format": AUTOSAVE_FORMAT, "version": AUTOSAVE_VERSION, "pid": self.pid,
            "process_start": self.process_start, "key": self.key,
            "sources": [str(Path(s).resolve()) for s in sources],
            "scenarios": scen,
            "active_scenario": active_scenario,
            "project_path": str(project_path) if project_path else None,
            "closed_unsaved": False,
            "extra": extra or {},
        }
        if self._left is not None:
            if _body(data) == self._left:
                # the state left unsaved, saved again before the next model is in place (the
                # periodic timer while it loads): the kept journal and its mark stay as they are
                return None
            # the model stays open after all (the next one was not opened) and is edited on
            self._opening += 1
            self._last = self._left = None
        return self._write(data)

    def _write(self, data: dict) -> Path | None:
        body = _body(data)
        if body == self._last and self.path.exists():
            return self.path
        stamped = json.dumps({**data, "saved_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())},
                             ensure_ascii=False, default=str).encode("utf-8")
        try:
            # private: journals hold file paths and planned (confidential) edits
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            atomic_write_bytes(self.path, stamped)
            os.chmod(self.path, 0o600)
        except OSError:
            return None
        self._last = body
        self.saves += 1
        return self.path

    def close_unsaved(self) -> Path | None:
        """The user leaves this model without saving its work: keep the journal (the last copy of
        that work), marked so that it is offered when the model is opened again, not as a crash
        at the next start."""
        path = self.path
        rec = read_journal(path) if path is not None and path.exists() else None
        if rec is None:
            return None
        data = json.loads(path.read_bytes().decode("utf-8"))
        data.pop("saved_at", None)
        self._left = _body(data)
        data["closed_unsaved"] = True
        self._last = None
        return self._write(data)

    def discard(self) -> None:
        """Remove the journal of the current model (its work was saved, or the user declined
        it)."""
        self._last = None
        if self.path is None:
            return
        try:
            self.path.unlink()
        except OSError:  # not there (or the folder is unusable): nothing to remove
            pass


def read_journal(path) -> Recovery | None:
    """A journal file as a :class:`Recovery`, or None when it is not a readable journal."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_JOURNAL_BYTES:
            return None
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != AUTOSAVE_FORMAT:
        return None
    scen = [s for s in data.get("scenarios") or [] if isinstance(s, dict) and isinstance(s.get("edits", []), list)]
    srcs = [s for s in data.get("sources") or [] if isinstance(s, str)]
    key = data.get("key") if isinstance(data.get("key"), str) else None
    return Recovery(path, srcs, scen, data.get("active_scenario"), str(data.get("saved_at", "")),
                    data.get("project_path"), data.get("extra") if isinstance(data.get("extra"), dict) else {},
                    key, bool(data.get("closed_unsaved", False)))


def pending_recoveries(folder=None, include_empty: bool = False) -> list[Recovery]:
    """Journals of sessions that ended without saving (their process is gone) or of work the
    user left unsaved (``closed_unsaved``), that hold changes (``include_empty`` lists the
    others too), newest first. Journals that a running session (another open window) is still
    writing are left alone."""
    folder = Path(folder) if folder is not None else autosave_dir()
    try:
        files = sorted(folder.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return []
    out = []
    for f in files:
        owner = _journal_owner(f)
        if owner is None:
            continue
        rec = read_journal(f)
        if rec is None or not (include_empty or rec.has_changes):
            continue
        running = _process_start(owner[0])
        if running is not None and int(running) == owner[1] and not rec.closed_unsaved:
            continue  # that session is still working on it
        out.append(rec)
    return out


def _body(data: dict) -> bytes:
    """A journal's content without its time stamp, as compared between saves."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
