"""What the window's picture shows besides the model, and the menu entries for it (issue 21):
orthophotos (Datei ▸ Luftbild hinzufügen), rasters (flood depth with "Wassertiefe [m]", any
single band with a colour ramp), vector layers given to it (:meth:`PictureControls.add_layers`:
draped, points as pins with labels; the window's own Datei ▸ 2D-Ebene keeps its layers apart), the
model's textures and the finish of the view (Ansicht ▸ Bildqualität).

One :class:`PictureControls` per main window keeps the parts, builds a
:class:`viewer.picture.PictureSpec` from them and hands it to the 3D view
(:meth:`app.viewport.Viewport.set_picture`); each part is a checkable row of the layer dock. The
parts are remembered in the project (``analysis.picture``: file paths relative to the project).
Files are read in a worker; errors are one-line dialogs naming the file.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

from . import i18n

log = logging.getLogger("stadtbild.app")

#: German texts of these menus and rows (used when the shared translation file has none yet)
GERMAN = {
    "Add aerial image (orthophoto)…": "Luftbild (Orthophoto) hinzufügen…",
    "Add flood depth raster…": "Wassertiefen-Raster hinzufügen…",
    "Add raster (colour ramp)…": "Raster (Farbverlauf) hinzufügen…",
    "Aerial image: {name}": "Luftbild: {name}", "Raster: {name}": "Raster: {name}",
    "Water depth: {name}": "Wassertiefe: {name}", "2D layer: {name}": "2D-Ebene: {name}",
    "Model textures": "Modelltexturen", "Picture quality": "Bildqualität",
    "Presentation (anti-aliasing, ambient occlusion)": "Präsentation (Kantenglättung, Umgebungsverdeckung)",
    "Interactive (sky and haze)": "Interaktiv (Himmel und Dunst)", "Plain": "Schlicht",
    "Sky": "Himmel", "Haze": "Dunst", "Ambient occlusion (SSAO)": "Umgebungsverdeckung (SSAO)",
    "Eye-dome lighting": "Eye-Dome-Lighting", "Aerial images": "Luftbilder", "Rasters": "Raster",
    "Reading {what} …": "{what} wird gelesen …", "aerial image": "Luftbild", "raster": "Raster",
    "Label by field…": "Beschriften nach Feld…", "Open a city model first": "Zuerst ein Stadtmodell öffnen",
}


def _t(text: str) -> str:
    out = i18n.tr(text)
    if out == text and i18n.current_language() == "de":
        return GERMAN.get(text, text)
    return out


class PictureControls:
    """The picture parts of a :class:`app.main_window.MainWindow` (see module docstring)."""

    def __init__(self, window):
        from stadtbild.viewer.finish import PRESETS, Finish

        self.window = window
        self.ortho = None  # importers.rasters.ImageMosaic
        self.ortho_paths: list[str] = []
        self.rasters: list = []  # viewer.picture.RasterSpec
        self.layers: list = []  # viewer.picture.LayerSpec
        self.finish = Finish(**PRESETS["plain"].to_dict())  # the window's look until a finish is chosen
        self.textures = True
        self.hidden: set[str] = set()

    # ------------------------------------------------------------------ the spec
    def spec(self, model=None):
        """The :class:`viewer.picture.PictureSpec` of the parts for ``model`` (default: the
        window's)."""
        from stadtbild.viewer.picture import PictureSpec

        from stadtbild.viewer.finish import PRESETS

        w = self.window
        model = model if model is not None else getattr(w, "model", None)
        tex = getattr(model, "textures", None) if model is not None else None
        textured = model if self.textures and tex is not None and any(im.path for im in tex.images) else None
        if (self.ortho is None and not self.rasters and not self.layers and textured is None
                and self.finish == PRESETS["plain"]):
            return None  # nothing to add: the plain view
        return PictureSpec(finish=self.finish, ortho=self.ortho, rasters=list(self.rasters), layers=list(self.layers),
                           terrain=getattr(model, "terrain_grid", None) if model is not None else None,
                           textured_model=textured, shadow_texels=1_500_000, shadow_cell_m=0.5)

    def apply(self) -> None:
        """Give the view the current picture and the layer dock its rows."""
        w = self.window
        if w.scene is None:
            return
        try:
            w.viewport.set_picture(self.spec())
        except Exception as exc:  # noqa: BLE001 — an unreadable raster: say so, keep the window
            from stadtbild.model.errors import InputError

            w.show_error(str(exc) if isinstance(exc, InputError) else f"{type(exc).__name__}: {exc}")
            return
        pic = w.viewport.picture
        for key in list(self.hidden):
            if pic is not None:
                pic.set_group_visible(key, False)
        self._rows()
        self._legend()
        w.viewport.render()

    def _legend(self) -> None:
        """The legend's colour bars: those of the rasters shown (a row switched off hides its bar)."""
        pic = self.window.viewport.picture
        bars = pic.colour_bars if pic is not None else []
        self.window.legend.set_rasters([b for i, b in enumerate(bars) if f"raster-{i}" not in self.hidden])

    def _rows(self) -> None:
        dock = self.window.layers
        for key in [k for k in dock.toggles if k.startswith("picture:")]:
            dock.remove_toggle(key)
        rows = []
        if self.ortho is not None:
            rows.append(("ortho", lambda: _t("Aerial image: {name}").format(name=self.ortho.name)))
        for i, r in enumerate(self.rasters):
            label = "Water depth: {name}" if r.kind == "flood" else "Raster: {name}"
            rows.append((f"raster-{i}", lambda r=r, label=label: _t(label).format(name=Path(r.path).stem)))
        for i, ls in enumerate(self.layers):
            rows.append((f"layer-{i}", lambda ls=ls: _t("2D layer: {name}").format(name=ls.layer.name)))
        spec = self.window.viewport.picture_spec
        if spec is not None and spec.textured_model is not None:
            rows.append(("textures", lambda: _t("Model textures")))
        for key, text in rows:
            dock.set_toggle(f"picture:{key}", text, lambda k=key: k not in self.hidden,
                            lambda on, k=key: self.set_visible(k, on))

    def set_visible(self, key: str, visible: bool) -> None:
        if visible:
            self.hidden.discard(key)
        else:
            self.hidden.add(key)
        pic = self.window.viewport.picture
        if pic is not None:
            pic.set_group_visible(key, visible)
            self._legend()
            self.window.viewport.render()

    # ------------------------------------------------------------------ adding parts
    def add_ortho_dialog(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        paths, _ = QFileDialog.getOpenFileNames(self.window, _t("Add aerial image (orthophoto)…"), "",
                                                "GeoTIFF, JPEG/PNG + World-File, VRT (*.tif *.tiff *.jpg *.jpeg *.png "
                                                "*.jp2 *.vrt);;*")
        if paths:
            self.add_ortho_files(paths)

    def add_ortho_files(self, paths, image_crs=None) -> None:
        """Open orthophoto files (tiles, a VRT) for the open model in a worker, then show them."""
        w = self.window
        if w.model is None:
            w.show_error(_t("Open a city model first"))
            return
        crs = w.model.crs if w.model.crs else None
        paths = [str(p) for p in paths]

        def run(progress, cancelled):
            from stadtbild.importers.rasters import open_mosaic

            return open_mosaic(self.ortho_paths + paths if self.ortho is not None else paths, crs, image_crs=image_crs)

        def done(mosaic):
            self.ortho = mosaic
            self.ortho_paths = mosaic.paths
            for warning in mosaic.warnings:
                log.info("orthophoto: %s", warning)
            self.apply()

        w.jobs.start(run, _t("Reading {what} …").format(what=_t("aerial image")), on_done=done,
                     on_error=w.show_error)

    def add_raster_dialog(self, kind: str = "flood") -> None:
        from PySide6.QtWidgets import QFileDialog

        title = _t("Add flood depth raster…") if kind == "flood" else _t("Add raster (colour ramp)…")
        path, _ = QFileDialog.getOpenFileName(self.window, title, "", "GeoTIFF (*.tif *.tiff *.asc *.vrt);;*")
        if path:
            self.add_raster(path, kind)

    def add_raster(self, path, kind: str = "flood", cmap: str | None = None) -> None:
        """A raster overlay (checked by reading it once in a worker, so errors name the file)."""
        from stadtbild.viewer.picture import RasterSpec

        w = self.window
        if w.model is None:
            w.show_error(_t("Open a city model first"))
            return
        spec = RasterSpec(path=str(path), kind=kind, cmap=cmap)
        crs = w.model.crs if w.model.crs else None
        bb = w.model.bbox()

        def run(progress, cancelled):
            from stadtbild.importers.rasters import read_overlay

            read_overlay(path, crs, bounds=(bb[0] - 3000, bb[1] - 3000, bb[3] + 3000, bb[4] + 3000))
            return spec

        def done(s):
            self.rasters.append(s)
            self.apply()

        w.jobs.start(run, _t("Reading {what} …").format(what=_t("raster")), on_done=done, on_error=w.show_error)

    def add_layers(self, layers, label_by: dict | None = None, colour_by: dict | None = None) -> None:
        """2D layers read for the model (``importers.layers.Layer``), labels from ``label_by``
        {layer name: field}; the first text field named like a name labels points otherwise."""
        from stadtbild.viewer.picture import LayerSpec

        for lyr in layers:
            label = (label_by or {}).get(lyr.name) or _default_label(lyr)
            self.layers.append(LayerSpec(lyr, (colour_by or {}).get(lyr.name), label))
        self.apply()

    def set_finish(self, finish) -> None:
        self.finish = finish
        self.apply()

    def clear(self) -> None:
        """A new model: no parts (the model's textures stay switched on)."""
        self.ortho, self.ortho_paths, self.rasters, self.layers, self.hidden = None, [], [], [], set()

    # ------------------------------------------------------------------ project
    def to_dict(self, base: Path | None) -> dict:
        def rel(p):
            try:
                return os.path.relpath(p, base) if base is not None else str(p)
            except ValueError:
                return str(p)

        return {"ortho": [{"path": rel(p), "absolute_path": str(Path(p).resolve())} for p in self.ortho_paths],
                "rasters": [{**r.to_dict(), "path": rel(r.path), "absolute_path": str(Path(r.path).resolve())}
                            for r in self.rasters],
                "layers": [{"path": rel(ls.layer.source), "absolute_path": str(Path(ls.layer.source).resolve()),
                            "name": ls.layer.name, "label_by": ls.label_by, "colour_by": ls.colour_by}
                           for ls in self.layers if ls.layer.source],
                "finish": self.finish.to_dict(), "textures": self.textures, "hidden": sorted(self.hidden)}

    def restore(self, data: dict, base: Path | None) -> None:
        """Parts of a project (missing files are reported once, the rest shown)."""
        from stadtbild.importers.layers import read_layer
        from stadtbild.viewer.finish import Finish
        from stadtbild.viewer.picture import LayerSpec, RasterSpec

        if not isinstance(data, dict):
            return
        w = self.window

        def found(entry):
            p = Path(entry.get("path", ""))
            p = (base / p) if base is not None and not p.is_absolute() else p
            if not p.exists() and entry.get("absolute_path"):
                p = Path(entry["absolute_path"])
            return p if p.exists() else None

        missing = []
        self.clear()
        try:
            self.finish = Finish.from_dict(data.get("finish"))
        except (TypeError, ValueError):
            pass
        self.textures = bool(data.get("textures", True))
        self.hidden = set(data.get("hidden") or [])
        crs = w.model.crs if w.model is not None and w.model.crs else None
        for entry in data.get("rasters") or []:
            p = found(entry)
            if p is None:
                missing.append(entry.get("path"))
                continue
            fields = {k: entry[k] for k in RasterSpec.__dataclass_fields__ if k in entry and k != "path"}
            self.rasters.append(RasterSpec(path=str(p), **fields))
        for entry in data.get("layers") or []:
            p = found(entry)
            if p is None:
                missing.append(entry.get("path"))
                continue
            try:
                lyr = read_layer(p, crs, layer=entry.get("name"))
            except Exception as exc:  # noqa: BLE001 — one unreadable layer does not stop the project
                missing.append(f"{p} ({exc})")
                continue
            self.layers.append(LayerSpec(lyr, entry.get("colour_by"), entry.get("label_by")))
        ortho = [found(e) for e in data.get("ortho") or []]
        missing += [e.get("path") for e, p in zip(data.get("ortho") or [], ortho) if p is None]
        if missing:
            w.show_error(_t("Aerial images") + " / " + _t("Rasters") + ": " + ", ".join(map(str, missing)))
        if any(p is not None for p in ortho):
            self.add_ortho_files([p for p in ortho if p is not None])  # shows everything when read
        else:
            self.apply()


def _default_label(layer) -> str | None:
    """A field to label points by when none was chosen: name/bezeichnung/title (any case)."""
    if not any(str(getattr(g, "geom_type", "")).endswith("Point") for g in layer.geometries if g is not None):
        return None
    for f in layer.fields:
        if f.lower() in ("name", "bezeichnung", "titel", "title", "label", "beschriftung"):
            return f
    return None
