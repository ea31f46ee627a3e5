"""Errors raised for bad input. The CLI turns them into ``error: FILE: what`` and exit code 2; the
GUI into a dialog. Never let a traceback reach the user for a bad file."""
from __future__ import annotations

import os


class InputError(Exception):
    """A file (or argument) the user gave cannot be used. ``str()`` is one line:
    ``FILE: what is wrong``."""

    def __init__(self, path, message: str):
        self.path = os.fspath(path) if path is not None else None
        self.message = " ".join(str(message).split())  # one line, always
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class UnsupportedFormatError(InputError):
    """The file is not a format we read (or an unsupported version of it)."""


class Cancelled(Exception):
    """The user cancelled a long computation; raised at a cancel point (per chunk of rays, per
    batch of samples). Not an error: the GUI shows "cancelled", nothing is written."""
