"""Attributes of CityGML features: the typed standard attributes, generic attributes (CityGML
1.0/2.0 ``gen:*Attribute``, 3.0 ``genericAttribute``), xAL addresses and the 3.0 ``con:height``.

Values keep the file's meaning: codes stay strings (leading zeros kept), ``measuredHeight`` and
other lengths become floats (the unit goes to ``extra["uom"]``), storey counts and years ints; the
address is flattened as ``address.LocalityName`` … and kept as a CityJSON ``address`` in ``extra``.
"""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from lxml import etree

from .gml_geometry import element_children, element_text, local_name

if TYPE_CHECKING:
    from .citygml import _ObjectRecord

_INT_ATTRS = {"storeysAboveGround", "storeysBelowGround", "yearOfConstruction", "yearOfDemolition"}
_FLOAT_ATTRS = {"measuredHeight", "averageHeight", "height", "trunkDiameter", "crownDiameter"}
_FLOAT_LIST_ATTRS = {"storeyHeightsAboveGround", "storeyHeightsBelowGround"}
#: generic attribute elements of CityGML 1.0/2.0 and 3.0 -> value type
GENERIC_1_2 = {"stringAttribute": "string", "intAttribute": "int", "doubleAttribute": "double",
               "dateAttribute": "date", "uriAttribute": "uri", "measureAttribute": "measure",
               "genericAttributeSet": "set"}
GENERIC_3 = {"StringAttribute": "string", "IntAttribute": "int", "DoubleAttribute": "double",
             "DateAttribute": "date", "UriAttribute": "uri", "MeasureAttribute": "measure",
             "CodeAttribute": "string", "GenericAttributeSet": "set"}
#: xAL 2 (CityGML 1.0/2.0) and xAL 3 (CityGML 3.0) address parts -> flat key
_ADDRESS_KEYS = {
    ("CountryName", None): "CountryName", ("Country", "NameElement"): "CountryName",
    ("LocalityName", None): "LocalityName", ("Locality", "NameElement"): "LocalityName",
    ("DependentLocalityName", None): "DependentLocalityName",
    ("ThoroughfareName", None): "ThoroughfareName", ("Thoroughfare", "NameElement"): "ThoroughfareName",
    ("ThoroughfareNumber", None): "ThoroughfareNumber", ("Thoroughfare", "Number"): "ThoroughfareNumber",
    ("PostalCodeNumber", None): "PostalCode", ("PostCode", "Identifier"): "PostalCode",
    ("AdministrativeAreaName", None): "AdministrativeAreaName",
}

def intern_text(text: str) -> str:
    """Short attribute values (codes, dates, names) repeat across thousands of buildings: one
    shared string each."""
    return sys.intern(text) if len(text) <= 40 else text


def add_attribute(attrs: dict, key: str, value) -> None:
    """Set an attribute; a repeated property becomes a list."""
    if key in attrs:
        old = attrs[key]
        if isinstance(old, list):
            old.append(value)
        else:
            attrs[key] = [old, value]
    else:
        attrs[key] = value


def to_number(text: str, kind):
    try:
        return kind(text)
    except (TypeError, ValueError):
        return text


def simple_attribute(prop, ln: str, rec: _ObjectRecord) -> None:
    text = element_text(prop)
    if not text:
        return
    if ln in _INT_ATTRS:
        value = to_number(text[:4] if ln.startswith("year") and len(text) > 4 and text[4] == "-" else text, int)
    elif ln in _FLOAT_ATTRS:
        value = to_number(text, float)
    elif ln in _FLOAT_LIST_ATTRS:
        try:
            value = [float(v) for v in text.split()]
            value = value[0] if len(value) == 1 else value
        except ValueError:
            value = text
    else:
        value = intern_text(text)
    uom = prop.get("uom")
    if uom:
        rec.extra.setdefault("uom", {})[ln] = uom
    add_attribute(rec.attributes, ln, value)


def generic_attribute(el, kind: str, attrs: dict, extra: dict | None) -> None:
    """CityGML generic attribute (1.0/2.0 ``gen:stringAttribute name=…`` or 3.0
    ``gen:StringAttribute`` with ``gen:name``) into ``attrs`` with its type."""
    name = el.get("name")
    value_el = None
    members = []
    for c in element_children(el):
        cl = local_name(c.tag)
        if cl == "name" and name is None:
            name = element_text(c)
        elif cl == "value":
            value_el = c
        elif kind == "set":
            members.append(c)
    if not name:
        return
    name = sys.intern(name)
    if kind == "set":
        sub: dict = {}
        for c in members:
            cl = local_name(c.tag)
            if cl == "genericAttribute":
                for a in element_children(c):
                    generic_attribute(a, GENERIC_3.get(local_name(a.tag), "string"), sub, extra)
            elif cl in GENERIC_1_2:
                generic_attribute(c, GENERIC_1_2[cl], sub, extra)
        attrs[name] = sub
        return
    if value_el is None:
        return
    text = element_text(value_el)
    if kind == "int":
        value = to_number(text, int)
    elif kind in ("double", "measure"):
        value = to_number(text, float)
        uom = value_el.get("uom") or el.get("uom")
        if kind == "measure" and uom and extra is not None:
            extra.setdefault("uom", {})[name] = uom
    else:
        value = intern_text(text)
    attrs[name] = value


def read_address(prop, rec: _ObjectRecord) -> None:
    """Flatten an address (xAL 2 or 3) into ``address.<Part>`` attributes and a CityJSON address."""
    flat: dict = {}
    for el in prop.iter(etree.Element):
        if len(el):
            continue
        text = element_text(el)
        if not text:
            continue
        ln = local_name(el.tag)
        if ln in ("pos", "posList"):
            continue
        parent = el.getparent()
        key = _ADDRESS_KEYS.get((ln, None)) or _ADDRESS_KEYS.get((local_name(parent.tag), ln))
        if key is None:
            key = ln
        flat.setdefault(key, intern_text(text))
    if not flat:
        return
    existing = rec.extra.setdefault("address", [])
    existing.append(dict(flat))
    suffix = "" if len(existing) == 1 else f"[{len(existing)}]"
    for k, v in flat.items():
        rec.attributes[f"address.{k}{suffix}"] = v


def read_height_3(prop, rec: _ObjectRecord) -> None:
    """CityGML 3.0 ``con:height/con:Height``: the measured roof-edge height above the lowest ground
    point is CityGML 2.0's ``measuredHeight``; other references keep their names."""
    for h in element_children(prop):
        parts = {local_name(c.tag): c for c in element_children(h)}
        val = parts.get("value")
        if val is None:
            continue
        value = to_number(element_text(val), float)
        high = element_text(parts["highReference"]) if "highReference" in parts else ""
        low = element_text(parts["lowReference"]) if "lowReference" in parts else ""
        if high == "highestRoofEdge" and low == "lowestGroundPoint":
            key = "measuredHeight"
        else:
            key = f"height_{high or 'unknown'}_{low or 'unknown'}"
        rec.attributes[key] = value
        if val.get("uom"):
            rec.extra.setdefault("uom", {})[key] = val.get("uom")
