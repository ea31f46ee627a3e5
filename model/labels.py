"""Human labels for city objects: what a planner calls a building, instead of its GUID.

:func:`object_label` gives, in this order,

1. the address: street and house number from the attributes — CityGML xAL addresses as the
   importer flattens them (``address.ThoroughfareName`` / ``address.ThoroughfareNumber``, xAL 2
   and 3), a CityJSON ``address`` member (``ThoroughfareName`` …), or plain attribute names
   (``street``/``Strasse``/``addr:street`` with ``housenumber``/``Hausnummer``/``addr:housenumber``,
   or one ``address``/``Adresse`` string); a building with several addresses shows the first and
   how many more ("Schüttwich 4 (+1)");
2. else a name (``name``, ``gml:name``, ``Bezeichnung`` …);
3. else a short id: the last part of a dotted/colon/slash id (``NL.IMBAG.Pand.0599…`` → its number)
   shortened to its last :data:`SHORT_ID_CHARS` characters behind an ellipsis.

A building part without a label of its own takes its parent's. The full id stays where a user can
copy it (tooltips, attribute dock). Pure Python, no Qt.
"""
from __future__ import annotations

import re

#: a short id keeps at most this many characters (the distinguishing end of the id)
SHORT_ID_CHARS = 12

_STREET_KEYS = ("address.ThoroughfareName", "street", "strasse", "straße", "addr:street", "streetname",
                "thoroughfarename", "strassenname", "straßenname")
_NUMBER_KEYS = ("address.ThoroughfareNumber", "housenumber", "house_number", "hausnummer", "addr:housenumber",
                "hnr", "thoroughfarenumber")
_ADDRESS_TEXT_KEYS = ("address", "adresse", "anschrift", "lagebezeichnung")
_NAME_KEYS = ("name", "gml:name", "gml_name", "bezeichnung", "objektname", "buildingname")
_SUFFIX = re.compile(r"^(?P<key>.+?)(?:\[(?P<k>\d+)\])?$")


def _lookup(attrs_lower: dict, keys) -> str | None:
    for k in keys:
        v = attrs_lower.get(k.lower())
        if v is not None and not isinstance(v, (dict, list)) and str(v).strip():
            return str(v).strip()
    return None


def _street_number(street: str | None, number: str | None) -> str | None:
    if not street:
        return None
    return f"{street} {number}".strip() if number else street


def addresses(obj) -> list[str]:
    """Every "street number" address of a city object, in file order."""
    attrs = obj.attributes or {}
    out: list[str] = []
    # CityGML (flattened by the importer): address.X, address.X[1], … one per address
    groups: dict[int, dict] = {}
    for key, value in attrs.items():
        if not isinstance(key, str) or not key.startswith("address."):
            continue
        m = _SUFFIX.match(key)
        groups.setdefault(int(m.group("k") or 0), {})[m.group("key")] = value
    for k in sorted(groups):
        g = groups[k]
        a = _street_number(_str(g.get("address.ThoroughfareName")), _str(g.get("address.ThoroughfareNumber")))
        if a:
            out.append(a)
    if not out:  # a CityJSON "address" member (a list of objects)
        for adr in (obj.extra or {}).get("address") or []:
            if isinstance(adr, dict):
                low = {str(k).lower(): v for k, v in adr.items()}
                a = _street_number(_lookup(low, ("ThoroughfareName", "street", "streetName")),
                                   _lookup(low, ("ThoroughfareNumber", "number", "houseNumber")))
                if a:
                    out.append(a)
    if not out:
        low = {str(k).lower(): v for k, v in attrs.items()}
        a = _street_number(_lookup(low, _STREET_KEYS), _lookup(low, _NUMBER_KEYS)) or _lookup(low, _ADDRESS_TEXT_KEYS)
        if a:
            out.append(a)
    return list(dict.fromkeys(out))


def _str(v) -> str | None:
    return str(v).strip() if v is not None and str(v).strip() else None


def short_id(object_id: str) -> str:
    """A short form of an id: its last dotted/colon/slash part, at most :data:`SHORT_ID_CHARS`
    characters (the end, behind "…")."""
    oid = str(object_id)
    if len(oid) <= SHORT_ID_CHARS:
        return oid
    tail = re.split(r"[.:/#|]", oid.rstrip(".:/#|"))[-1] or oid
    return tail if len(tail) <= SHORT_ID_CHARS else "…" + tail[-(SHORT_ID_CHARS - 1):]


def own_label(obj) -> str | None:
    """Address or name of the object itself (None when it has neither)."""
    adr = addresses(obj)
    if adr:
        return adr[0] + (f" (+{len(adr) - 1})" if len(adr) > 1 else "")
    low = {str(k).lower(): v for k, v in (obj.attributes or {}).items()}
    return _lookup(low, _NAME_KEYS)


def object_label(model, object_id: str) -> str:
    """The human label of an object of ``model`` (see module docstring); ids not in the model
    get their short id."""
    objects = getattr(model, "objects", None) or {}
    seen = set()
    oid = object_id
    while oid in objects and oid not in seen:
        seen.add(oid)
        obj = objects[oid]
        label = own_label(obj)
        if label:
            return label
        if not obj.parents:
            break
        oid = obj.parents[0]
    return short_id(object_id)


def labels_text(model, ids, limit: int = 3) -> str:
    """Labels of ``ids`` joined by ", ", at most ``limit`` of them, then "… (+n)"."""
    ids = list(ids)
    text = ", ".join(object_label(model, i) for i in ids[:limit])
    return text + (f" … (+{len(ids) - limit})" if len(ids) > limit else "")
