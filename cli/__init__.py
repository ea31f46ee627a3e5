"""The command line. ``main.py`` calls :func:`main`.

Each command lives in its own module ``cli/<name>.py`` that defines ``add_parser(subparsers)``
(which must only import light modules at import time) and sets ``func`` to a function
``run(args) -> int``. Errors about the user's input are raised as ``model.errors.InputError`` and
printed as one line ``error: FILE: what`` with exit code 2 — never a traceback.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

#: command modules, in the order they appear in ``--help``
COMMANDS = [
    "gui", "info", "render", "convert", "sun", "shadow", "sunhours", "sightline", "viewshed",
    "viewcone", "sunlight", "solar", "metrics", "setbacks", "bplan", "apply", "export", "publish", "batch",
]

log = logging.getLogger("stadtbild")


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (argparse's own convention too)
        self.print_usage(sys.stderr)
        sys.stderr.write(f"error: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="stadtbild", description="Stadtbild – 3D city-model viewer and planning tool")
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                continue  # command not built yet
            raise
        module.add_parser(sub)
    return parser


def main(argv=None) -> int:
    from stadtbild.model.errors import InputError

    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version", "-v", "--verbose")):
        argv = ["gui", *argv]
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s: %(message)s", stream=sys.stderr)
    from stadtbild.model import logs
    from stadtbild.model.crs import use_installed_grids

    from . import common as _common

    logs.setup_file_logging()  # rotating log file (see model.logs.log_path)
    _common.analysis_crs.clear()
    if args.version:
        print(logs.version())
        return 0
    if not getattr(args, "func", None):
        if args.command is None:
            args = parser.parse_args(["gui"])
        else:
            parser.print_help()
            return 2
    use_installed_grids()  # every transformation the command makes may use the datum grids (RDNAPTRANS, BeTA2007)
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        logs.log_input_error(exc)
        sys.stderr.write(f"error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        return 130
    except MemoryError:
        sys.stderr.write("error: out of memory (the input is too large for this machine)\n")
        return 2
    except BrokenPipeError:
        return 0
    except OSError as exc:  # disk full, no permission, read-only folder: the system's answer, not a bug
        what = exc.strerror or " ".join(str(exc).split())
        where = exc.filename or (getattr(args, "output", None) or "")
        logs.log_exception(exc, files=getattr(args, "files", None))
        sys.stderr.write(f"error: {where}: {what}\n" if where else f"error: {what}\n")
        return 2
    except Exception as exc:  # a bug of ours: one line for the user, the traceback in the log
        logfile = logs.log_exception(exc, files=getattr(args, "files", None))
        sys.stderr.write(f"error: internal error: {type(exc).__name__}: {' '.join(str(exc).split())}"
                         f" (details in {logfile})\n")
        return 1
