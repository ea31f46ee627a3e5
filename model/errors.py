"""Errors raised for bad input. The CLI turns them into ``error: FILE: what`` and exit code 2; the
GUI into a dialog. Never let a traceback reach the user for a bad file."""
from __future__ import annotations

import os


#: Stable codes of the input errors a user meets when opening files, with their English text.
#: Readers raise ``InputError(path, code=…, params={…})`` (:func:`input_error`); the CLI prints
#: the English text (``error: FILE: what``), the window translates the code and formats the
#: parameters in the UI's language (app.i18n.error_text). Codes are never renamed; the
#: placeholders of a text are its parameters.
MESSAGES: dict[str, str] = {
    "no_such_file": "no such file",
    "is_folder": "is a folder; give the files (or use load_many)",
    "permission_denied": "cannot read file (permission denied)",
    "cannot_read": "cannot read file ({reason})",
    "empty_file": "file is empty",
    "unknown_format": "not a CityJSON or CityGML file (unrecognised content)",
    "folder_without_models": "folder holds no CityJSON or CityGML files",
    "crs_differs": "CRS {crs} differs from {other} of {first}",
    "truncated": "the file ends early (cut off after {size_mb} MB): it is incomplete, e.g. an interrupted "
                 "download or copy",
    "truncated_xml": "the file ends early (cut off in line {line}): it is incomplete, e.g. an interrupted "
                     "download or copy",
    "truncated_partly_read": "the file ends early (cut off in line {line}): only the {n} object(s) before that "
                             "point were read",
    "invalid_json": "invalid JSON in line {line}, column {column} ({detail})",
    "invalid_json_line": "line {line}: invalid JSON ({detail})",
    "json_too_large": "file is {size_gb} GB, too large to load as one JSON document (limit {limit_gb} GB); "
                      "convert it to CityJSONSeq (.city.jsonl), which is streamed",
    "json_needs_memory": "file is {size_mb} MB; reading it as one JSON document needs about {need_gb} GB of "
                         "memory but only {free_gb} GB are free; convert it to CityJSONSeq (.city.jsonl), "
                         "which is streamed",
    "not_cityjson_object": "not a CityJSON file (top level is not a JSON object)",
    "not_cityjson_no_type": "not a CityJSON file (no \"type\": \"CityJSON\" at the top level)",
    "not_cityjson_type": "not a CityJSON file (type is {type})",
    "cityjson_no_version": "CityJSON file has no 'version'",
    "cityjson_version": "unsupported CityJSON version {version} (versions 1.0, 1.1 and 2.0 are read)",
    "cityjson_no_cityobjects": "CityJSON file has no 'CityObjects'",
    "cityjsonseq_pretty": "line 1 is not a complete JSON object: CityJSONSeq needs one object per line (the "
                          "file looks pretty-printed)",
    "cityjsonseq_header": "line 1: a CityJSONSeq must start with a CityJSON header object",
    "malformed_xml": "malformed XML in line {line} ({detail})",
    "not_xml": "not well-formed XML in line {line} ({detail})",
    "no_xml_root": "no XML root element found",
    "not_citygml": "not CityGML: the root element is <{root}> in namespace {namespace} (expected a CityGML 1.0, "
                   "2.0 or 3.0 CityModel)",
    "no_geometry": "nothing to show: the model has no surface geometry",
}


class InputError(Exception):
    """A file (or argument) the user gave cannot be used. ``str()`` is one line:
    ``FILE: what is wrong``. Errors of the readers carry a stable ``code`` of :data:`MESSAGES`
    and its ``params`` so that the window can say the same in the UI's language."""

    def __init__(self, path, message: str | None = None, code: str | None = None, params: dict | None = None):
        self.path = os.fspath(path) if path is not None else None
        self.code = code
        self.params = dict(params or {})
        if message is None:
            message = MESSAGES[code].format(**self.params)
        self.message = " ".join(str(message).split())  # one line, always
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class UnsupportedFormatError(InputError):
    """The file is not a format we read (or an unsupported version of it)."""


def input_error(path, code: str, cls=InputError, **params) -> InputError:
    """An :class:`InputError` (or subclass ``cls``) with the stable ``code`` and its parameters;
    its English message is the code's text of :data:`MESSAGES`."""
    return cls(path, None, code=code, params=params)


def os_error(path, exc: OSError) -> InputError:
    """The input error for an OSError while reading ``path`` (missing, not permitted, other)."""
    import errno

    if exc.errno == errno.ENOENT:
        return input_error(path, "no_such_file")
    if exc.errno == errno.EACCES:
        return input_error(path, "permission_denied")
    if exc.errno == errno.EISDIR:
        return input_error(path, "is_folder")
    return input_error(path, "cannot_read", reason=exc.strerror or str(exc))


class Cancelled(Exception):
    """The user cancelled a long computation; raised at a cancel point (per chunk of rays, per
    batch of samples). Not an error: the GUI shows "cancelled", nothing is written."""
