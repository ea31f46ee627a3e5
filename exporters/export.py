"""One entry point for every export format (used by ``main.py export`` and the GUI's
File ▸ Export): :func:`export` picks the writer from the output name.

Formats: ``.dxf``, ``.obj`` (+ ``.mtl``), ``.glb``/``.gltf``, ``.stl``, ``.ifc``, ``.city.json``,
``.city.jsonl``, ``.gml``, ``.csv``, ``.geojson``, ``.gpkg``, ``.tif``, ``.pdf`` — see the modules
:mod:`exporters.dxf`, :mod:`exporters.meshes`, :mod:`exporters.ifc`, :mod:`exporters.cityjson`,
:mod:`exporters.citygml`, :mod:`exporters.tables`, :mod:`exporters.report`.
"""
from __future__ import annotations

from stadtbild.model.errors import InputError

#: output name ending -> format name
FORMATS = {
    ".city.jsonl": "CityJSONSeq", ".jsonl": "CityJSONSeq", ".city.json": "CityJSON", ".dxf": "DXF",
    ".obj": "OBJ", ".glb": "GLB", ".gltf": "glTF", ".stl": "STL", ".ifc": "IFC", ".gml": "CityGML",
    ".citygml": "CityGML", ".csv": "CSV", ".geojson": "GeoJSON", ".gpkg": "GeoPackage", ".tif": "GeoTIFF",
    ".tiff": "GeoTIFF", ".pdf": "PDF",
}


def format_of(path) -> str:
    """Format name from the output file name (InputError for an unknown ending)."""
    name = str(path).lower()
    for suffix, fmt in FORMATS.items():
        if name.endswith(suffix):
            return fmt
    raise InputError(path, "unknown export format; use one of " + ", ".join(
        s for s in FORMATS if s not in (".jsonl", ".citygml", ".tiff")))


def export(model, path, fmt: str | None = None, edits=None, results=None, lod=None, local_origin=False,
           table="objects", raster=None, per_object=False, dxf_entity="polyface", title=None,
           scenario_name=None) -> dict:
    """Write ``model`` to ``path`` in ``fmt`` (from the suffix when None); the GUI's File ▸ Export
    calls this too. Returns the exporter's summary (at least ``objects``)."""
    fmt = fmt or format_of(path)
    if lod is not None and not any(model.select_geometry(o, lod) for o in model.objects.values()):
        raise InputError(None, f"the model has no geometry at LoD {lod} (has: {', '.join(model.lods()) or 'none'})")
    if fmt not in ("PDF", "GeoTIFF", "CSV", "GeoJSON", "GeoPackage", "CityJSON", "CityJSONSeq", "CityGML") \
            and model.scene(lod=lod).n_triangles == 0:
        raise InputError(path, "nothing to export: the model has no surface geometry")
    if fmt == "DXF":
        from stadtbild.exporters.dxf import write_dxf

        return write_dxf(model, path, lod=lod, edits=edits, results=results, local_origin=local_origin,
                         entity=dxf_entity)
    if fmt in ("GLB", "glTF"):
        from stadtbild.exporters.meshes import write_gltf

        return write_gltf(model, path, lod=lod, edits=edits, analysis=_first(results), local_origin=local_origin)
    if fmt == "OBJ":
        from stadtbild.exporters.meshes import write_obj

        return write_obj(model, path, lod=lod, edits=edits, analysis=_first(results), local_origin=local_origin)
    if fmt == "STL":
        from stadtbild.exporters.meshes import write_stl

        return write_stl(model, path, lod=lod, edits=edits, per_object=per_object)
    if fmt == "IFC":
        from stadtbild.exporters.ifc import write_ifc

        return write_ifc(model, path, lod=lod, edits=edits, results=results)
    if fmt in ("CityJSON", "CityJSONSeq"):
        from stadtbild.exporters.cityjson import write_cityjson, write_cityjsonseq

        obj_attrs, surf_attrs = result_attributes(model, results)
        writer = write_cityjsonseq if fmt == "CityJSONSeq" else write_cityjson
        writer(model, path, object_attributes=obj_attrs, surface_attributes=surf_attrs)
        return {"objects": len(model.objects)}
    if fmt == "CityGML":
        from stadtbild.exporters.citygml import write_citygml

        obj_attrs, _ = result_attributes(model, results)
        return write_citygml(model, path, lod=lod, object_attributes=obj_attrs)
    if fmt == "CSV":
        from stadtbild.exporters.tables import write_csv

        return write_csv(model, path, lod=lod, results=results, edits=edits, table=table)
    if fmt == "GeoJSON":
        from stadtbild.exporters.tables import write_geojson

        return write_geojson(model, path, lod=lod, results=results, edits=edits, table=table)
    if fmt == "GeoPackage":
        from stadtbild.exporters.tables import write_gpkg

        return write_gpkg(model, path, lod=lod, results=results, edits=edits)
    if fmt == "GeoTIFF":
        from stadtbild.exporters.tables import pick_raster, write_geotiff

        _, _, r = pick_raster(results, raster)
        return write_geotiff(r, path, crs=model.crs.name)
    if fmt == "PDF":
        from stadtbild.exporters.report import write_report

        return write_report(model, path, results=results, edits=edits, lod=lod, title=title,
                            scenario_name=scenario_name)
    raise InputError(path, f"unknown export format {fmt}")


def _first(results):
    return next((a for a in results or [] if a.colour_key() is not None), None)


def result_attributes(model, results):
    """Results -> the CityJSON/CityGML writers' hooks: ({id: {name: value}},
    {model polygon row: {name: value}}). Names are ``<analysis>_<value>``."""
    import math

    import numpy as np

    obj_attrs: dict = {}
    surf_attrs: dict = {}
    for a in results or []:
        for oid, attrs in a.objects.items():
            if oid in model.objects:
                d = obj_attrs.setdefault(oid, {})
                for k, v in attrs.items():
                    d[f"{a.name}_{k}"] = v
        for name, vals in a.surfaces.items():
            vals = np.asarray(vals, dtype=float)
            for row in np.flatnonzero(np.isfinite(vals)):
                v = float(vals[row])
                if math.isfinite(v):
                    surf_attrs.setdefault(int(row), {})[f"{a.name}_{name}"] = v
    return obj_attrs or None, surf_attrs or None

