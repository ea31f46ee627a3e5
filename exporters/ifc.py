"""IFC4 export (ifcopenshell) of the (edited) city model for BIM-based planning offices.

Structure (IFC4 ADD2 TC1, entity definitions in the IFC4 specification §5/§8):

- ``IfcProject`` (units m, m², m³, rad) with one 3D ``IfcGeometricRepresentationContext`` and its
  ``Body`` sub-context; georeferencing by ``IfcMapConversion`` (source = that context, target =
  ``IfcProjectedCRS`` named ``EPSG:<code>``, with the vertical datum when the model has one):
  ``CRS = local + (Eastings, Northings, OrthogonalHeight)``, no rotation, scale 1. Local
  coordinates are the model CRS minus the model's local origin (bbox minimum floored to whole
  metres), as BIM programs want small coordinates (an explicit ``local_origin`` point may be given).
- ``IfcSite`` aggregating one ``IfcBuilding`` per Building (``Name`` = id); the geometry of
  each object is an ``IfcBuildingElementProxy`` (``Name`` and ``Tag`` = id, ``ObjectType`` = the
  CityObject type) contained in its building (BuildingParts in their parent building; other
  object types directly in the site). GlobalIds are derived from the ids (UUID5), so re-exports
  of the same model keep them.
- Geometry: one ``IfcTriangulatedFaceSet`` per object and semantic surface, assigned to a
  presentation layer ``BUILDING_ROOF``/``BUILDING_WALL``/… (``INSERTED`` for inserted objects,
  the DXF layer names) and styled with a surface colour. With results, the face sets carry an
  ``IfcIndexedColourMap`` with the result class colour of every triangle.
- An attached terrain (``--terrain``) as ``IfcGeographicElement`` (PredefinedType TERRAIN) in the
  site, on layer ``TERRAIN``.
- Attributes and per-object results: property set ``Stadtbild_Attributes`` /
  ``Stadtbild_<analysis>`` (not ``Pset_``: that prefix is reserved for buildingSMART sets).
"""
from __future__ import annotations

import uuid

import numpy as np

from stadtbild.model.semantics import SURFACE_TYPES

from ._common import (DEFAULT_RGB, INSERTED_RGB, SURFACE_RGB, Edits, layer_name, object_meshes,
                      result_colouring, safe_name)

_NAMESPACE = uuid.UUID("6f1c1c2e-4d1a-5b8e-9a57-5374616474b1")  # fixed namespace for GlobalIds


def _guid(*parts: str) -> str:
    import ifcopenshell.guid

    return ifcopenshell.guid.compress(uuid.uuid5(_NAMESPACE, "\x1f".join(parts)).hex)


def build_ifc(model, lod=None, edits: Edits | None = None, results=None, local_origin=True):
    """The ``ifcopenshell.file`` written by :func:`write_ifc` and a summary dict."""
    import ifcopenshell

    from ._common import resolve_offset

    offset = resolve_offset(model, True if local_origin is None or local_origin is False else local_origin)
    f = ifcopenshell.file(schema="IFC4")
    c = f.create_entity

    def point3(xyz):
        return c("IfcCartesianPoint", Coordinates=tuple(float(v) for v in xyz))

    origin = c("IfcAxis2Placement3D", Location=point3((0, 0, 0)))
    metre = c("IfcSIUnit", UnitType="LENGTHUNIT", Name="METRE")
    units = c("IfcUnitAssignment", Units=[
        metre, c("IfcSIUnit", UnitType="AREAUNIT", Name="SQUARE_METRE"),
        c("IfcSIUnit", UnitType="VOLUMEUNIT", Name="CUBIC_METRE"),
        c("IfcSIUnit", UnitType="PLANEANGLEUNIT", Name="RADIAN")])
    ctx = c("IfcGeometricRepresentationContext", ContextType="Model", CoordinateSpaceDimension=3,
            Precision=1e-5, WorldCoordinateSystem=origin,
            TrueNorth=c("IfcDirection", DirectionRatios=(0.0, 1.0)))
    body = c("IfcGeometricRepresentationSubContext", ContextIdentifier="Body", ContextType="Model",
             ParentContext=ctx, TargetView="MODEL_VIEW")
    source = "; ".join(map(str, model.sources)) or None
    project = c("IfcProject", GlobalId=_guid("project", source or ""), Name=(model.metadata.get("title") or "Stadtbild export"),
                Description=f"exported by Stadtbild from {source}" if source else "exported by Stadtbild",
                UnitsInContext=units, RepresentationContexts=[ctx])
    n_georef = 0
    if model.crs and model.crs.epsg:
        crs_name = f"EPSG:{model.crs.epsg}"
        try:
            pcrs = model.crs.pyproj()
            desc = pcrs.name if pcrs is not None else None
        except Exception:  # pyproj without the code: the name is enough
            desc = None
        target = c("IfcProjectedCRS", Name=crs_name, Description=desc,
                   VerticalDatum=f"EPSG:{model.crs.vertical_epsg}" if model.crs.vertical_epsg else None,
                   MapUnit=metre)
        c("IfcMapConversion", SourceCRS=ctx, TargetCRS=target, Eastings=float(offset[0]),
          Northings=float(offset[1]), OrthogonalHeight=float(offset[2]), XAxisAbscissa=1.0,
          XAxisOrdinate=0.0, Scale=1.0)
        n_georef = 1
    site_place = c("IfcLocalPlacement", RelativePlacement=origin)
    site = c("IfcSite", GlobalId=_guid("site", source or ""), Name="Site", ObjectPlacement=site_place,
             CompositionType="ELEMENT")
    c("IfcRelAggregates", GlobalId=_guid("agg-project"), RelatingObject=project, RelatedObjects=[site])

    meshes = object_meshes(model, lod, offset)
    inserted = set(edits.inserted) if edits else set()
    analysis = next((a for a in results or [] if a.colour_key() is not None), None)
    colouring = result_colouring(analysis, meshes) if analysis is not None else None
    colour_list = None
    if colouring is not None:
        rgb = np.vstack([colouring.class_rgb, [DEFAULT_RGB]]) / 255.0
        colour_list = c("IfcColourRgbList", ColourList=[tuple(map(float, r)) for r in rgb])

    styles: dict = {}

    def style_for(name: str, rgb):
        st = styles.get(name)
        if st is None:
            colour = c("IfcColourRgb", Name=name, Red=rgb[0] / 255, Green=rgb[1] / 255, Blue=rgb[2] / 255)
            shading = c("IfcSurfaceStyleShading", SurfaceColour=colour, Transparency=0.0)
            st = c("IfcSurfaceStyle", Name=name, Side="BOTH", Styles=[shading])
            styles[name] = st
        return st

    layer_items: dict[str, list] = {}
    buildings: dict[str, object] = {}
    contained: dict[int, list] = {}
    site_elements: list = []
    n_proxies = 0
    mesh_index = {oid: k for k, oid in enumerate(meshes.object_ids)}

    def building_of(oid: str):
        obj = model.objects[oid]
        if obj.type == "Building" and not any(p in model.objects for p in obj.parents):
            b = buildings.get(oid)
            if b is None:
                b = c("IfcBuilding", GlobalId=_guid("building", oid), Name=oid, ObjectType=obj.type,
                      ObjectPlacement=c("IfcLocalPlacement", PlacementRelTo=site_place, RelativePlacement=origin),
                      CompositionType="ELEMENT")
                buildings[oid] = b
            return b
        for p in obj.parents:
            if p in model.objects:
                return building_of(p)
        return None

    for oid, obj in model.objects.items():
        holder = building_of(oid)
        k = mesh_index.get(oid)
        if k is None:
            continue
        sl = meshes.object_slice(k)
        if sl.stop <= sl.start:
            continue
        items = []
        codes = meshes.surface_type[sl]
        for code in np.unique(codes):
            sel = np.arange(sl.start, sl.stop)[codes == code]
            verts, faces = meshes.sub_mesh(sel)
            fs = c("IfcTriangulatedFaceSet",
                   Coordinates=c("IfcCartesianPointList3D", CoordList=[tuple(map(float, v)) for v in verts]),
                   CoordIndex=[tuple(int(i) + 1 for i in t) for t in faces])
            if oid in inserted:
                lname, rgb = "INSERTED", INSERTED_RGB
            else:
                lname = layer_name(obj.type, int(code))
                rgb = SURFACE_RGB.get(SURFACE_TYPES[int(code)], DEFAULT_RGB)
            c("IfcStyledItem", Item=fs, Styles=[style_for(lname, rgb)])
            if colour_list is not None:
                klass = colouring.klass[sel]
                idx = np.where(klass >= 0, klass, len(colouring.class_rgb)) + 1
                c("IfcIndexedColourMap", MappedTo=fs, Colours=colour_list, ColourIndex=[int(i) for i in idx])
            layer_items.setdefault(lname, []).append(fs)
            items.append(fs)
        placement = c("IfcLocalPlacement", PlacementRelTo=holder.ObjectPlacement if holder else site_place,
                      RelativePlacement=origin)
        shape = c("IfcProductDefinitionShape", Representations=[
            c("IfcShapeRepresentation", ContextOfItems=body, RepresentationIdentifier="Body",
              RepresentationType="Tessellation", Items=items)])
        proxy = c("IfcBuildingElementProxy", GlobalId=_guid("element", oid), Name=oid, Tag=oid[:255],
                  ObjectType=obj.type, ObjectPlacement=placement, Representation=shape)
        n_proxies += 1
        if holder is not None:
            contained.setdefault(holder.id(), [holder, []])[1].append(proxy)
        else:
            site_elements.append(proxy)
        _psets(f, proxy, oid, obj.attributes, "Stadtbild_Attributes")
        for a in results or []:
            if oid in a.objects:
                _psets(f, proxy, oid, a.objects[oid], f"Stadtbild_{safe_name(a.name, upper=False)}")
    terrain = model.terrain  # importers.terrain.attach_terrain: a Scene (local frame)
    if terrain is not None and getattr(terrain, "n_triangles", 0):
        tverts = terrain.vertices + (np.asarray(terrain.origin, float) - offset)
        fs = c("IfcTriangulatedFaceSet",
               Coordinates=c("IfcCartesianPointList3D", CoordList=[tuple(map(float, v)) for v in tverts]),
               CoordIndex=[tuple(int(i) + 1 for i in t) for t in terrain.triangles])
        c("IfcStyledItem", Item=fs, Styles=[style_for("TERRAIN", SURFACE_RGB["Terrain"])])
        layer_items.setdefault("TERRAIN", []).append(fs)
        shape = c("IfcProductDefinitionShape", Representations=[
            c("IfcShapeRepresentation", ContextOfItems=body, RepresentationIdentifier="Body",
              RepresentationType="Tessellation", Items=[fs])])
        site_elements.append(c("IfcGeographicElement", GlobalId=_guid("terrain", source or ""), Name="terrain",
                               ObjectType="TINRelief", PredefinedType="TERRAIN", Representation=shape,
                               ObjectPlacement=c("IfcLocalPlacement", PlacementRelTo=site_place,
                                                 RelativePlacement=origin)))
    if buildings:
        c("IfcRelAggregates", GlobalId=_guid("agg-site"), RelatingObject=site,
          RelatedObjects=list(buildings.values()))
    for holder, elems in contained.values():
        c("IfcRelContainedInSpatialStructure", GlobalId=_guid("contains", holder.Name), RelatedElements=elems,
          RelatingStructure=holder)
    if site_elements:
        c("IfcRelContainedInSpatialStructure", GlobalId=_guid("contains-site"), RelatedElements=site_elements,
          RelatingStructure=site)
    for lname, its in layer_items.items():
        c("IfcPresentationLayerAssignment", Name=lname, AssignedItems=its)
    summary = {"objects": n_proxies, "buildings": len(buildings), "offset": [float(v) for v in offset],
               "georeferenced": bool(n_georef), "layers": sorted(layer_items)}
    return f, summary


def _psets(f, product, oid, attrs: dict, name: str) -> None:
    props = []
    for k, v in attrs.items():
        val = _ifc_value(f, v)
        if val is not None:
            props.append(f.create_entity("IfcPropertySingleValue", Name=str(k), NominalValue=val))
    if not props:
        return
    pset = f.create_entity("IfcPropertySet", GlobalId=_guid("pset", name, oid), Name=name, HasProperties=props)
    f.create_entity("IfcRelDefinesByProperties", GlobalId=_guid("defines", name, oid), RelatedObjects=[product],
                    RelatingPropertyDefinition=pset)


def _ifc_value(f, v):
    if v is None:
        return None
    if isinstance(v, (bool, np.bool_)):
        return f.create_entity("IfcBoolean", bool(v))
    if isinstance(v, (int, np.integer)):
        return f.create_entity("IfcInteger", int(v))
    if isinstance(v, (float, np.floating)):
        return f.create_entity("IfcReal", float(v)) if np.isfinite(v) else None
    import json

    text = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str)
    return f.create_entity("IfcText", text)


def write_ifc(model, path, lod=None, edits: Edits | None = None, results=None, local_origin=True) -> dict:
    """Write the model as an IFC4 STEP file (``.ifc``) atomically. Returns a summary dict."""
    from stadtbild.model.fileio import atomic_write_bytes

    f, summary = build_ifc(model, lod, edits, results, local_origin)
    atomic_write_bytes(path, f.to_string().encode("utf-8"))
    return summary
