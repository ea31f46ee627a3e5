"""Public export: a copy of a model without the attributes marked internal (owners, addresses,
parcel and contact details) — for data that leaves the building (portal, council, contractors).

Which attributes are internal is a list of case-insensitive shell patterns (``fnmatch``) matched
against attribute names, at every level: object attributes (``owner``, the flattened CityGML
address ``address.ThoroughfareName`` …), CityJSON extras (the ``address`` member), semantic
surface attributes, nested generic attribute sets, and the file metadata (``pointOfContact``).
The defaults are :data:`DEFAULT_INTERNAL`; a settings file adds to them (or replaces them)::

    {"internal_attributes": ["Flurstueckskennzeichen", "baujahr_intern*"], "replace_defaults": false}

The file is ``$STADTBILD_PUBLIC_EXPORT`` or ``~/.config/stadtbild/public_export.json`` (XDG config
folder), or one given explicitly (``--public-config``). Ids, types and geometry stay unchanged.
"""
from __future__ import annotations

import copy
import fnmatch
import json
import os
import re
from pathlib import Path

from .errors import InputError

#: attribute name patterns removed by a public export (case-insensitive, fnmatch)
DEFAULT_INTERNAL = (
    "owner", "owner*", "*_owner", "*owner_*", "eigentümer*", "eigentuemer*", "*eigentümer", "*eigentuemer",
    "besitzer*", "halter*", "nutzer_name*", "bewohner*", "mieter*",
    "address", "address.*", "address[*", "adresse*", "anschrift*", "*strasse", "*straße", "hausnummer*",
    "housenumber*", "postcode", "postalcode", "postal_code", "plz", "thoroughfare*", "xaladdress*",
    "flurstück*", "flurstueck*", "parcel*", "cadastral*", "grundbuch*", "katasterkennzeichen*",
    "pointofcontact", "contact*", "email", "e-mail", "phone", "telefon*", "person*",
)


def config_path() -> Path:
    env = os.environ.get("STADTBILD_PUBLIC_EXPORT")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CONFIG_HOME")
    return (Path(base) if base else Path.home() / ".config") / "stadtbild" / "public_export.json"


def internal_patterns(config=None) -> list[str]:
    """The patterns in force: the defaults plus (or replaced by) those of the settings file.
    A named ``config`` must exist; the default settings file is optional."""
    path = Path(config) if config else config_path()
    if not path.exists():
        if config:
            raise InputError(path, "no such file")
        return list(DEFAULT_INTERNAL)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(path, f"invalid public-export settings ({' '.join(str(exc).split())[:120]})") from None
    listed = data.get("internal_attributes") if isinstance(data, dict) else None
    if not isinstance(listed, list) or not all(isinstance(p, str) and p for p in listed):
        raise InputError(path, 'public-export settings need {"internal_attributes": ["name or pattern", …]}')
    if data.get("replace_defaults"):
        return list(listed)
    return list(DEFAULT_INTERNAL) + [p for p in listed if p not in DEFAULT_INTERNAL]


class _Matcher:
    def __init__(self, patterns):
        self.patterns = [p.lower() for p in patterns]
        self.removed: dict[str, int] = {}
        # one regular expression for all patterns, and the verdict per name remembered: a model
        # repeats the same few attribute names on every object (100k buildings, 15 names)
        self._regex = re.compile("|".join(fnmatch.translate(p) for p in self.patterns)) if self.patterns else None
        self._verdict: dict[str, bool] = {}

    def internal(self, key) -> bool:
        k = str(key)
        v = self._verdict.get(k)
        if v is None:
            v = self._verdict[k] = bool(self._regex and self._regex.match(k.lower()))
        return v

    def clean(self, value):
        """A copy of a dict/list tree without internal keys (counted in ``removed``)."""
        if isinstance(value, dict):
            out = {}
            for k, v in value.items():
                if self.internal(k):
                    self.removed[str(k)] = self.removed.get(str(k), 0) + 1
                    continue
                out[k] = self.clean(v)
            return out
        if isinstance(value, list):
            return [self.clean(v) for v in value]
        return value


def public_copy(model, patterns=None):
    """(copy of ``model`` without internal attributes, {attribute name: times removed}).
    The input model is not changed; geometry arrays are shared (read-only use)."""
    m = _Matcher(DEFAULT_INTERNAL if patterns is None else patterns)
    out = copy.copy(model)
    out._cache = {}  # a shallow copy must not share (and later clear) the source model's cache
    out.metadata = m.clean(model.metadata or {})
    geoms = {}
    for g in model.geometries:
        ng = copy.copy(g)
        if g.semantic_surfaces:
            ng.semantic_surfaces = m.clean(g.semantic_surfaces)
        geoms[id(g)] = ng
    out.geometries = [geoms[id(g)] for g in model.geometries]
    out.objects = {}
    for oid, obj in model.objects.items():
        no = copy.copy(obj)
        no.attributes = m.clean(obj.attributes or {})
        no.extra = m.clean(obj.extra) if obj.extra else obj.extra
        no.geometries = [geoms.get(id(g), g) for g in obj.geometries]
        no.parents, no.children = list(obj.parents), list(obj.children)
        out.objects[oid] = no
    out.warnings = list(model.warnings)
    return out, m.removed
