"""The log file and the program version, for every layer: the CLI and the window write
internal errors (with traceback, version, command line and file names) and input errors (one
line) to one rotating log file, ``$STADTBILD_LOG_DIR/stadtbild.log`` or
``~/.local/state/stadtbild/stadtbild.log`` (XDG state folder). Neither ``cli`` nor ``app``: both
use it, and ``app`` never imports ``cli`` (docs/ARCHITECTURE.md)."""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

LOG_DIR = Path(os.environ.get("STADTBILD_LOG_DIR", Path.home() / ".local" / "state" / "stadtbild"))
#: the log file rotates at this size, keeping LOG_BACKUPS older files (stadtbild.log.1 …)
LOG_MAX_BYTES = 1_000_000
LOG_BACKUPS = 3
_file_handler = None


def version() -> str:
    try:
        from importlib.metadata import version as _v

        return _v("stadtbild")
    except Exception:
        return "0.1.0"


def log_path() -> Path:
    """The log file: ``$STADTBILD_LOG_DIR/stadtbild.log`` or ``~/.local/state/stadtbild/stadtbild.log``
    (XDG state folder); read at call time so tests and packagers can redirect it."""
    folder = os.environ.get("STADTBILD_LOG_DIR")
    return (Path(folder) if folder else LOG_DIR) / "stadtbild.log"


def setup_file_logging(level: int = logging.INFO):
    """Attach a rotating log file (:class:`logging.handlers.RotatingFileHandler`, 1 MB × 4) to
    the ``stadtbild`` logger, once per process and log path. Every line carries the program
    version and the process id. Returns the path, or None when the folder is not writable (the
    program then runs without a log file)."""
    global _file_handler
    import logging.handlers

    path = log_path()
    if _file_handler is not None and Path(_file_handler.baseFilename) == path.resolve():
        return path
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)  # private: logs name files and errors
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS,
                                                       encoding="utf-8", delay=True)
    except OSError:
        return None
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter(
        f"%(asctime)s %(levelname)s stadtbild {version()} pid %(process)d %(name)s: %(message)s"))
    logger = logging.getLogger("stadtbild")
    if _file_handler is not None:
        logger.removeHandler(_file_handler)
        _file_handler.close()
    logger.addHandler(handler)  # the logger's level stays (WARNING, INFO with -v): stderr is unchanged
    _file_handler = handler
    return path


def log_exception(exc: BaseException, files=None) -> str:
    """Write an unexpected error with its traceback, the version, the command line and the
    file(s) being worked on to the log file; returns the log's path for the message."""
    path = setup_file_logging()
    if path is None:
        return "(log not writable)"
    names = [os.fspath(f) for f in (files or [])] or [getattr(exc, "path", None) or "-"]
    _to_file_only(logging.ERROR, "internal error %s: %s; file(s): %s; argv=%r",
                  (type(exc).__name__, " ".join(str(exc).split()), ", ".join(map(str, names)), sys.argv),
                  (type(exc), exc, exc.__traceback__))
    return str(path)


def _to_file_only(level: int, msg: str, args: tuple, exc_info=None) -> None:
    """A record straight to the log file (not to stderr: the CLI prints its own one line)."""
    record = logging.LogRecord("stadtbild", level, __file__, 0, msg, args, exc_info)
    _file_handler.handle(record)
    _file_handler.flush()


def log_input_error(exc) -> None:
    """One line for a file the user gave that cannot be used (the file name is in the message)."""
    if setup_file_logging() is not None:
        _to_file_only(logging.WARNING, "input error: %s", (exc,))


def read_log_tail(max_chars: int = 20_000) -> str:
    """The end of the log file (for the GUI's "copy log" button); '' when there is none."""
    path = log_path()
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - max_chars))
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return ""
