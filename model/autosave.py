"""Autosave and crash recovery of unsaved planning work (no Qt: the window calls it on a timer
and after each edit; tests drive it directly).

Every running session owns one journal file ``session-<pid>-<start>.autosave.json`` in the
autosave folder (``$STADTBILD_AUTOSAVE_DIR``, else ``$XDG_STATE_HOME/stadtbild/autosave``, else
``~/.local/state/stadtbild/autosave``). :meth:`Autosaver.save` rewrites it atomically (temp file +
fsync + rename, :func:`model.fileio.atomic_write_bytes`), so a crash or ``kill -9`` at any moment
leaves either the previous or the new state, never half a file. A clean exit (or saving the
project) calls :meth:`Autosaver.discard`. At start-up :func:`pending_recoveries` lists the
journals of sessions whose process is gone (pid and start time no longer match a running
process): those crashed, and their edits can be recovered.

Journal content (JSON, UTF-8)::

    {"format": "stadtbild-autosave", "version": 1, "pid": 123, "process_start": 1764200000.0,
     "saved_at": "2026-11-26T23:40:00Z", "sources": ["/abs/city.json"],
     "scenarios": [{"name": "Variante A", "edits": [...]}], "active_scenario": "Variante A",
     "project_path": null, "extra": {}}

Scenarios hold the edit dicts of the scenario file format (docs/ARCHITECTURE.md), unvalidated on purpose: a
journal is recovered even if one edit no longer applies (the window reports that edit).
"""
from __future__ import annotations

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


def _process_start(pid: int) -> float | None:
    """Start time (s since the epoch) of a running process, None when there is none."""
    try:
        import psutil

        return float(psutil.Process(pid).create_time())
    except Exception:  # noqa: BLE001 — no such process, access denied, no psutil
        return None


@dataclass
class Recovery:
    """The unsaved state of a crashed session."""

    path: Path
    sources: list
    scenarios: list
    active_scenario: str | None
    saved_at: str
    project_path: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def n_edits(self) -> int:
        return sum(len(s.get("edits", [])) for s in self.scenarios)

    def discard(self) -> None:
        """Remove the journal (after the user recovered or declined it)."""
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass


class Autosaver:
    """The journal of this session (see module docstring)."""

    def __init__(self, folder=None):
        self.folder = Path(folder) if folder is not None else autosave_dir()
        self.pid = os.getpid()
        self.process_start = _process_start(self.pid) or time.time()
        self.path = self.folder / f"session-{self.pid}-{int(self.process_start)}{SUFFIX}"
        self._last: bytes | None = None
        self.saves = 0

    def save(self, sources, scenarios, active_scenario=None, project_path=None, extra=None) -> Path | None:
        """Write the current state atomically (skipped when nothing changed since the last save).
        ``scenarios``: dicts ``{"name", "edits"}`` or objects with ``to_dict()``. Returns the
        journal path, or None when the folder is not writable (the session goes on; the caller
        may warn once)."""
        data = {
            "format": AUTOSAVE_FORMAT, "version": AUTOSAVE_VERSION, "pid": self.pid,
            "process_start": self.process_start,
            "sources": [str(Path(s).resolve()) for s in sources],
            "scenarios": [s.to_dict() if hasattr(s, "to_dict") else dict(s) for s in scenarios],
            "active_scenario": active_scenario,
            "project_path": str(project_path) if project_path else None,
            "extra": extra or {},
        }
        body = json.dumps(data, ensure_ascii=False, sort_keys=True, default=str).encode("utf-8")
        if body == self._last:
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

    def discard(self) -> None:
        """Remove this session's journal (clean exit, or the work was saved as a project)."""
        self._last = None
        try:
            self.path.unlink()
        except FileNotFoundError:
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
    return Recovery(path, srcs, scen, data.get("active_scenario"), str(data.get("saved_at", "")),
                    data.get("project_path"), data.get("extra") if isinstance(data.get("extra"), dict) else {})


def pending_recoveries(folder=None) -> list[Recovery]:
    """Journals of sessions that ended without a clean exit (their process is gone), newest
    first. Journals of running sessions (another open window) are left alone."""
    folder = Path(folder) if folder is not None else autosave_dir()
    try:
        files = sorted(folder.glob(f"session-*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return []
    out = []
    for f in files:
        parts = f.name[: -len(SUFFIX)].split("-")
        try:
            pid, start = int(parts[1]), int(parts[2])
        except (IndexError, ValueError):
            continue
        running = _process_start(pid)
        if running is not None and int(running) == start:
            continue  # that session is still open
        rec = read_journal(f)
        if rec is not None:
            out.append(rec)
    return out
