"""A public web scene: a self-contained static folder with the 3D Tiles of Bestand and each
variant, the ground, the result layers, ``scene.json`` (what the viewer shows) and the viewer
page (``index.html`` and its assets, built from ``web/`` with npm).

Folder layout::

    site/index.html, app.js, style.css, cesium/…      the viewer (copied from web/dist)
    site/scene.json                                     states, layers, legends, views, credits
    site/tiles/<state>/tileset.json, content/*.glb      one 3D Tiles 1.1 tileset per state
    site/tiles/ground/tileset.json                      the ground (receives the shadows)
    site/layers/<layer>/tileset.json                    draped rasters, sightlines, corridors
    site/DATA-LICENCE.txt                               credits and the data licence

Privacy: every state's model is the public copy (:func:`model.privacy.public_copy`, the list of
``--public``) before anything is written, and per-building result values pass the same filter;
``scene.json`` names source files by their base name only. Nothing in the folder refers to
another origin: the viewer loads only relative URLs.

The folder is written beside the target and renamed into place at the end, so a failed publish
never leaves a half-written site, and a re-publish does not keep tiles of a removed variant.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from stadtbild.model.errors import InputError

from . import layers as _layers
from .geodesy import SiteFrame
from .tiles3d import (MAX_FEATURES_PER_TILE, MAX_TRIANGLES_PER_TILE, _write_file, build_schema, single_tile_tileset,
                      state_mesh, write_state_tileset)

SCENE_FORMAT = "stadtbild-web-scene"
#: where ``make web`` (npm run build in web/) puts the viewer page and its assets
VIEWER_DIST = Path(__file__).resolve().parents[2] / "web" / "dist"
VIEWER_MISSING = ("the web viewer is not built (web/dist/index.html missing: run `make web`, which needs "
                  "Node.js and npm): the site has the 3D Tiles but no viewer page")


@dataclass
class State:
    """One published state of the model: Bestand or a variant (already public, see module doc)."""

    label: str
    model: object
    inserted: list = field(default_factory=list)
    demolished: list = field(default_factory=list)
    analyses: list = field(default_factory=list)  # exporters.results.AnalysisResult
    key: str = ""


def slug(text: str, taken: set) -> str:
    """A folder name for a label ("Variante A" -> "variante-a"), unique in ``taken``."""
    t = text.lower().translate(str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}))
    base = re.sub(r"[^a-z0-9]+", "-", t).strip("-") or "state"
    if base in ("ground",):
        base = f"{base}-state"
    key, k = base, 2
    while key in taken:
        key, k = f"{base}-{k}", k + 1
    taken.add(key)
    return key


def viewer_dist() -> Path | None:
    """The built viewer folder (``$STADTBILD_WEB_DIST`` or web/dist), None when not built."""
    d = Path(os.environ.get("STADTBILD_WEB_DIST") or VIEWER_DIST)
    return d if (d / "index.html").is_file() else None


def _object_results(state: State, matcher) -> dict:
    """Per-building result values {root id: {"<analysis>.<value>": v}} (scalars, public names only)."""
    from stadtbild.model.surgery import roots

    root_of = roots(state.model)
    out: dict = {}
    for a in state.analyses:
        for oid, attrs in (a.objects or {}).items():
            fid = root_of.get(oid)
            if fid is None or not isinstance(attrs, dict):
                continue
            rec = out.setdefault(fid, {})
            for k, v in matcher.clean(attrs).items():  # names checked before they get the prefix
                if isinstance(v, (str, int, float, bool)) or v is None:
                    rec[f"{a.name}.{k}"] = v
    return out


def _legend_entries(legend) -> list:
    return [{"label": lab, "rgb": [int(c) for c in rgb]} for lab, rgb in legend]


def _raster_legend(a, raster):
    """(breaks, class colours (k, 3), legend entries, alpha per class) of a result raster; a 0/1
    raster (shadow) gets two classes: sun transparent, shadow dark."""
    from .._common import Colouring, class_colours

    vals = raster.valid_values()
    if len(vals) and np.isin(np.unique(vals), (0.0, 1.0)).all():
        breaks = np.array([0.0, 0.5, 1.0])
        rgb = np.array([[255, 236, 150], [45, 45, 80]], dtype=np.uint8)
        return breaks, rgb, [{"label": "Sonne / sun", "rgb": [255, 236, 150], "alpha": 0},
                             {"label": "Schatten / shadow", "rgb": [45, 45, 80]}], (0, 180)
    breaks = a.breaks(vals)
    rgb = class_colours(a.cmap, len(breaks) - 1)
    legend = Colouring(a.name, np.zeros(0), breaks, np.zeros(0, int), rgb, raster.units or "").legend()
    return breaks, rgb, _legend_entries(legend), None


def _camera_view(frame: SiteFrame, view: dict) -> dict | None:
    """A saved view (model-CRS position / focal point / up, :mod:`viewer.camera` bookmark) as an
    ECEF camera: position, unit direction and up."""
    try:
        pos = np.asarray(view["position"], float).reshape(3)
        foc = np.asarray(view["focal_point"], float).reshape(3)
        up = np.asarray(view.get("view_up", (0, 0, 1)), float).reshape(3)
    except (KeyError, TypeError, ValueError):
        return None
    e_pos, e_foc, e_up = frame.to_ecef(np.vstack([pos, foc, pos + 10.0 * up / (np.linalg.norm(up) or 1.0)]))
    d = e_foc - e_pos
    if not np.linalg.norm(d):
        return None
    d /= np.linalg.norm(d)
    u = e_up - e_pos
    u -= d * np.dot(u, d)
    u /= np.linalg.norm(u) or 1.0
    return {"name": str(view.get("name") or "Ansicht"), "position": [round(float(v), 3) for v in e_pos],
            "direction": [round(float(v), 7) for v in d], "up": [round(float(v), 7) for v in u],
            "fov_deg": float(view.get("view_angle", 30.0))}


def publish_site(states: list, out_dir, *, title: str = "Stadtbild", lod=None, views=(), time_zone: str = "UTC",
                 date_time: str | None = None, attribution: str = "", licence: str = "", public_patterns=None,
                 geoid_undulation_m: float | None = None, sources=(), with_viewer: bool = True,
                 max_features: int = MAX_FEATURES_PER_TILE, max_triangles: int = MAX_TRIANGLES_PER_TILE,
                 progress=None) -> dict:
    """Write the site folder (see the module docstring) for ``states`` (the first is Bestand).
    Every state's model must already be public (the caller runs :func:`public_states`); result
    values per building are filtered here with ``public_patterns``. Returns the summary that
    ``publish --json`` prints: path, tilesets, features, bytes, layers, plus viewer, tiles,
    warnings and the placement (``frame``)."""
    from stadtbild.model.privacy import DEFAULT_INTERNAL, _Matcher
    from stadtbild.model.ground import ground_plane_z

    out = Path(out_dir)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "scene.json").is_file())):
        raise InputError(out, "exists and is not an earlier published site (no scene.json): choose a new or "
                              "empty folder")
    if not states:
        raise InputError(None, "nothing to publish")
    warnings: list[str] = []
    dist = viewer_dist() if with_viewer else None
    if with_viewer and dist is None:
        warnings.append(VIEWER_MISSING)
    matcher = _Matcher(DEFAULT_INTERNAL if public_patterns is None else public_patterns)
    base = states[0].model
    bb = base.bbox()
    if bb is None:
        raise InputError(None, "the model has no geometry to publish")
    anchor = [(bb[0] + bb[3]) / 2.0, (bb[1] + bb[4]) / 2.0, ground_plane_z(base)]
    frame = SiteFrame(base.crs, anchor, geoid_undulation_m)
    if frame.vertical["method"] == "none":
        warnings.append(frame.vertical["note"])
    taken: set = {"ground"}
    for s in states:
        s.key = s.key or slug(s.label, taken)
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    try:
        summary = _write(states, work, frame, matcher, title=title, lod=lod, views=views, time_zone=time_zone,
                         date_time=date_time, attribution=attribution, licence=licence, sources=sources, dist=dist,
                         max_features=max_features, max_triangles=max_triangles, progress=progress)
        os.chmod(work, 0o777 & ~_umask())
        if out.exists():
            old = parent / f".{out.name}.old-{os.getpid()}"
            os.replace(out, old)
            os.replace(work, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(work, out)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    summary.update(path=str(out), viewer=dist is not None, warnings=warnings)
    return summary


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m


def _write(states, work: Path, frame: SiteFrame, matcher, *, title, lod, views, time_zone, date_time, attribution,
           licence, sources, dist, max_features, max_triangles, progress) -> dict:
    from stadtbild.model.ground import ground_plane_z

    base = states[0].model
    meshes, surface_layers = [], []
    for s in states:
        sm, lays = state_mesh(s.key, s.model, frame, lod, s.inserted, s.analyses, _object_results(s, matcher))
        sm.records = [matcher.clean(r) for r in sm.records]
        meshes.append(sm)
        surface_layers.append(lays)
    schema = build_schema([m.records for m in meshes], [lay for lays in surface_layers for lay in lays])
    total_bytes, features, tilesets, layer_docs, state_docs = 0, 0, [], [], []
    n_steps = len(states) + 1 + sum(len(s.analyses) for s in states)
    step = 0
    for s, sm, lays in zip(states, meshes, surface_layers):
        rel = f"tiles/{s.key}/tileset.json"
        info = write_state_tileset(sm, frame, schema, work / "tiles" / s.key,
                                   extras={"state": s.label, "stadtbild_state": s.key},
                                   max_features=max_features, max_triangles=max_triangles)
        total_bytes += info["bytes"]
        features += info["features"]
        tilesets.append(rel)
        state_docs.append({"key": s.key, "label": s.label, "tileset": rel, "features": info["features"],
                           "tiles": info["tiles"], "triangles": info["triangles"],
                           "inserted": list(s.inserted), "demolished": list(s.demolished)})
        for lay in lays:
            layer_docs.append({"key": f"{s.key}:{lay.key}", "kind": "surface", "state": s.key, "title": lay.title,
                               "attribute": f"c_{lay.key}", "property": lay.key, "units": lay.units,
                               "legend": _legend_entries(lay.legend)})
        step += 1
        if progress:
            progress(step, n_steps)
    glb, lo, hi = _layers.ground_glb(frame, base)
    total_bytes += single_tile_tileset(work / "tiles" / "ground", frame, glb, lo, hi, {"layer": "ground"})
    tilesets.append("tiles/ground/tileset.json")
    step += 1
    ground_z = ground_plane_z(base)
    taken: set = set()
    for s in states:
        for a in s.analyses:
            for rname, raster in (a.rasters or {}).items():
                breaks, rgb, legend, alpha = _raster_legend(a, raster)
                key = slug(f"{s.key}-{a.name}-{rname}", taken)
                glb, lo, hi = _layers.raster_glb(frame, raster, ground_z + _layers.PLATE_LIFT_M, breaks, rgb,
                                                 class_alpha=alpha)
                rel = f"layers/{key}/tileset.json"
                total_bytes += single_tile_tileset(work / "layers" / key, frame, glb, lo, hi, {"layer": key})
                tilesets.append(rel)
                layer_docs.append({"key": key, "kind": "raster", "state": s.key, "title": a.title or a.name,
                                   "name": rname, "tileset": rel, "units": raster.units or "", "legend": legend})
            for lname, feats in (a.layers or {}).items():
                vals = [p.get("value") for _, p in feats]
                nums = np.array([v for v in vals if isinstance(v, (int, float)) and not isinstance(v, bool)], float)
                breaks = a.breaks(nums) if len(nums) else None
                from .._common import Colouring, class_colours

                rgb = class_colours(a.cmap, 8 if breaks is None else len(breaks) - 1)
                made = _layers.geometry_glb(frame, [(g, matcher.clean(p)) for g, p in feats], ground_z, breaks, rgb)
                if made is None:
                    continue
                glb, lo, hi, counts = made
                key = slug(f"{s.key}-{a.name}-{lname}", taken)
                rel = f"layers/{key}/tileset.json"
                total_bytes += single_tile_tileset(work / "layers" / key, frame, glb, lo, hi, {"layer": key})
                tilesets.append(rel)
                if breaks is not None:
                    legend = _legend_entries(Colouring(lname, np.zeros(0), breaks, np.zeros(0, int), rgb,
                                                       a.units.get("value", "")).legend())
                else:
                    classes = sorted({str(p.get("class")) for _, p in feats if p.get("class") is not None})
                    legend = ([{"label": c, "rgb": [int(v) for v in rgb[i % len(rgb)]]} for i, c in enumerate(classes)]
                              or [{"label": lname, "rgb": [230, 60, 40]}])
                layer_docs.append({"key": key, "kind": "geometry", "state": s.key, "title": f"{a.title or a.name}: {lname}",
                                   "name": lname, "tileset": rel, "legend": legend, **counts})
            step += 1
            if progress:
                progress(step, n_steps)
    cams = [c for c in (_camera_view(frame, v) for v in views) if c]
    lon, lat, h = frame.anchor_lonlat_h
    created = _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")
    scene = {
        "format": SCENE_FORMAT, "version": 1, "title": title, "created": created,
        "crs": base.crs.name, "anchor": {"lon": lon, "lat": lat, "height": h}, "frame": frame.summary(),
        "time_zone": time_zone, "date_time": date_time or _default_date_time(),
        "states": state_docs, "ground": "tiles/ground/tileset.json", "layers": layer_docs, "views": cams,
        "credits": {"data": attribution or ", ".join(sorted({Path(str(p)).name for p in sources})) or "",
                    "licence": licence, "software": "Stadtbild (GPL-3.0-or-later), CesiumJS (Apache-2.0)"},
        "schema": {p.key: {"name": p.name, "type": p.type} for p in schema.properties},
    }
    _write_file(work / "scene.json", json.dumps(scene, ensure_ascii=False, indent=1).encode("utf-8"))
    licence_txt = (f"{title}\n\nDaten / data: {scene['credits']['data'] or '-'}\n"
                   f"Lizenz der Daten / data licence: {licence or '-'}\n\n"
                   f"Erzeugt mit / made with Stadtbild (GPL-3.0-or-later); Anzeige / viewer: CesiumJS "
                   f"(Apache-2.0, see cesium/LICENSE.md).\n")
    _write_file(work / "DATA-LICENCE.txt", licence_txt.encode("utf-8"))
    if dist is not None:
        shutil.copytree(dist, work, dirs_exist_ok=True)
    total = sum(f.stat().st_size for f in work.rglob("*") if f.is_file())
    return {"tilesets": tilesets, "features": features, "bytes": total, "tiles_bytes": total_bytes,
            "layers": [d["key"] for d in layer_docs], "states": [s.key for s in states],
            "frame": frame.summary()}


def _default_date_time() -> str:
    """Local date and time the page opens with: this year's 21 March, 15:00 (equinox afternoon)."""
    return f"{_dt.date.today().year}-03-21T15:00"


def public_states(base_model, scenarios=(), patterns=None) -> tuple[list, int]:
    """([State], number of attribute values removed): Bestand plus one state per scenario
    (``model.scenario.Scenario``), each model the public copy (``patterns``: the ``--public``
    list, default :data:`model.privacy.DEFAULT_INTERNAL`)."""
    from stadtbild.model.privacy import public_copy

    removed = 0
    pub, rep = public_copy(base_model, patterns)
    removed += sum(rep.values())
    states = [State("Bestand", pub)]
    for sc in scenarios:
        edited = sc.apply(base_model)
        report = sc.last_report
        pub, rep = public_copy(edited, patterns)
        removed += sum(rep.values())
        states.append(State(sc.name or "Variante", pub,
                            inserted=[i for i in dict.fromkeys(report.inserted) if i in edited.objects],
                            demolished=[i for i in dict.fromkeys(report.demolished) if i not in edited.objects]))
    return states, removed
