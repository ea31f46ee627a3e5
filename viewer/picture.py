"""What a council picture shows besides the model, in one place for the window, presentation mode,
``render`` stills and videos: the ground (plane to the horizon, or the terrain), the orthophoto in
level-of-detail tiles, raster overlays (flood depth, any single band with a colour ramp), vector
layers (draped polygons and lines, points with a marker and a label), the sun of a date and time
with the computed shadows on ground, roofs and facades, and the finish (anti-aliasing, ambient
occlusion, sky, fog).

A :class:`PictureSpec` says what to show (plain data, JSON-able parts go into projects); a
:class:`Picture` puts it into a PyVista plotter that already holds the model actor, and keeps the
parts that change with the camera (orthophoto tiles) or the time (sun, shadows) up to date.
Everything is drawn in the scene's local frame. An option that cannot be honoured raises (never
silently dropped): a raster or image that does not cover the model area, a sun time without a
known CRS, a label field a layer does not have.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .finish import Finish

#: ground colour (plate, horizon, flat terrain stand-in), RGB 0..1
GROUND_RGB = (0.92, 0.92, 0.88)
#: raster overlays and the orthophoto are kept within this margin around the model (m)
MAX_MARGIN_M = 3000.0
#: marker colour of point layers without a colour attribute
MARKER_RGB = (214, 39, 40)


@dataclass
class RasterSpec:
    """A single-band raster draped on the ground. ``kind`` "flood": a water depth in metres,
    cells below ``min_value`` (default 0.05 m) are dry and not drawn, colour bar "Wassertiefe [m]";
    "ramp": any band through the colour map ``cmap`` (default viridis) over ``clim`` (default its
    range), no-data cells not drawn. ``opacity`` 1: an opaque cut-out in the colour bar's exact
    colours (default); below 1 the cells are translucent over what lies under them."""

    path: str
    kind: str = "ramp"
    cmap: str | None = None
    clim: tuple | None = None
    title: str | None = None
    opacity: float = 1.0
    min_value: float | None = None
    raster_crs: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("flood", "ramp"):
            raise ValueError(f"unknown raster kind {self.kind!r} (flood or ramp)")

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class LayerSpec:
    """A vector layer (``importers.layers.Layer``) with its styling: categories of attribute
    ``colour_by`` (legend) or one ``colour``; labels from attribute ``label_by``."""

    layer: object
    colour_by: str | None = None
    label_by: str | None = None
    colour: tuple | None = None


@dataclass
class PictureSpec:
    """What a picture shows besides the model (see module docstring).

    ortho        an :class:`importers.rasters.ImageMosaic` or None
    rasters      [:class:`RasterSpec`]
    layers       [:class:`LayerSpec`]
    terrain      the DEM (``model.terrain_grid``) or None: the ground follows it
    when         local date and time of the sun (ISO string or datetime) or None (default light)
    tz           time zone of ``when`` (default: the model's)
    shadow_texels  light-map budget (texels) for the computed shadows on roofs and facades
    textured_model the CityModel the scene was built from, when its textures and material colours
                 are to be drawn (:mod:`viewer.textures`)
    """

    finish: Finish = field(default_factory=Finish)
    ortho: object = None
    rasters: list = field(default_factory=list)
    layers: list = field(default_factory=list)
    terrain: object = None
    when: object = None
    tz: str | None = None
    shadow_texels: int = 3_000_000
    shadow_cell_m: float = 0.25
    textured_model: object = None

    @property
    def empty(self) -> bool:
        return not (self.ortho or self.rasters or self.layers or self.terrain is not None or self.when)


class Picture:
    """A :class:`PictureSpec` in a plotter showing ``scene``, whose model actors the caller added:
    ``models`` [(actor, its PolyData, the scene triangles of its cells in order or None = all)].
    ``size``: the frame in pixels (marker sizes, SSAA). ``window``: labels drawn by VTK (else
    returned in :attr:`labels` for the still's decorations). ``shading``: the
    :class:`viewer.sun_shading.SunShading` of an earlier picture of the same scene (its light map
    and ray caster cost seconds to build)."""

    def __init__(self, plotter, scene, spec: PictureSpec, models=(), size=None, software_gl: bool = True,
                 window: bool = False, supersample: int = 0, shading=None):
        from stadtbild.model.ground import ground_for

        self.plotter = plotter
        self.scene = scene
        self.spec = spec
        self.size = tuple(size or plotter.window_size)
        self.window = window
        self.models = [tuple(m) for m in models]
        self.origin = np.asarray(scene.origin, dtype=float)
        self.ground = ground_for(scene, spec.terrain)
        lo, hi = np.asarray(scene.bounds, dtype=float)
        self.extent_m = float(max(hi[0] - lo[0], hi[1] - lo[1], 1.0))
        self.legend: list = []  # [(label, rgb 0..255)]
        self.colour_bars: list = []  # [{"title", "cmap", "clim"}]
        self.labels: list = []  # [(xyz local, text)]
        self.actors: dict = {}
        self.ortho = None
        self.shading = shading  # a SunShading of this scene to reuse (rays only per instant then)
        self.sun = None
        self.sun_info: dict | None = None
        self.applied: dict = {}
        self.groups: dict = {}  # "raster-0", "layer-1", … -> [actors] (visibility switches)
        self.hidden_groups: set = set()
        self.supersample = supersample
        self._build(software_gl)

    # ------------------------------------------------------------------ building
    def _area(self, margin_m: float) -> tuple:
        lo, hi = np.asarray(self.scene.bounds, dtype=float)
        return (lo[0] - margin_m, lo[1] - margin_m, hi[0] + margin_m, hi[1] + margin_m)

    def _build(self, software_gl: bool) -> None:
        from .finish import apply_finish

        spec = self.spec
        self.textured: list = []  # [(actor, scene triangles, image index)]
        if spec.textured_model is not None:
            self._apply_textures(spec.textured_model)
        self._add_ground()
        if spec.ortho is not None:
            self._add_ortho()
        for r in spec.rasters:
            self._add_raster(r)
        if spec.layers:
            self._add_layers()
        if spec.when is not None:
            self.set_time(spec.when, tz=spec.tz)
        self.applied = apply_finish(self.plotter, spec.finish, self.extent_m, self.size, software_gl=software_gl,
                                    offscreen_supersample=self.supersample)

    def _add_actor(self, name, mesh, **kwargs):
        kwargs.setdefault("pickable", False)
        actor = self.plotter.add_mesh(mesh, name=name, reset_camera=False, render=False, **kwargs)
        self.actors[name] = actor
        return actor

    def _add_ground(self) -> None:
        """The terrain (DEM or the model's relief) or a plain ground: a plate under the model, or
        with a sky a disc reaching the horizon. Replaces the plate the caller added."""
        from .finish import horizon_ground
        from .layers_view import terrain_polydata

        if self.window and not self.spec.finish.sky and self.spec.terrain is None:
            return  # the window keeps its own ground plane (results are drawn just above it)
        for name in ("model-ground", "ground"):
            if name in getattr(self.plotter, "actors", {}):
                self.plotter.remove_actor(name, render=False)
        if self.ground.grid is not None and self.spec.terrain is not None:
            mesh = terrain_polydata(self.ground.grid, self.origin)
            self._add_actor("terrain", mesh, color=GROUND_RGB if self.spec.ortho is None else (0.75, 0.75, 0.72),
                            ambient=0.4, diffuse=0.6, smooth_shading=True)
        if self.spec.finish.sky:
            radius = max(2000.0, 8.0 * self.extent_m)
            lo, hi = np.asarray(self.scene.bounds, dtype=float)
            disc, kw = horizon_ground((lo[:2] + hi[:2]) / 2, self.ground.plane_z - 0.02, radius, GROUND_RGB)
            self._add_actor("ground", disc, **kw)
        else:  # a plate that also holds the longest shadows the sun grid covers
            from stadtbild.analysis.ground_grid import longest_shadow_m

            from .scene_view import ground_plane
            from .sun_animation import MAX_GROW_M, MIN_ELEVATION_DEG

            grow = min(longest_shadow_m(self.scene, self.ground.plane_z, MIN_ELEVATION_DEG), MAX_GROW_M)
            margin = max(0.25, (grow + 2.0) / self.extent_m)
            self._add_actor("ground", ground_plane(self.scene, margin=margin, z=self.ground.plane_z - 0.02),
                            color=GROUND_RGB, ambient=0.4, diffuse=0.6)

    def _add_ortho(self) -> None:
        from .ortho import OrthoTiles

        try:
            self.ortho = OrthoTiles(self.spec.ortho, self.origin, self.ground,
                                    area_local=self._area(min(MAX_MARGIN_M, max(500.0, 3 * self.extent_m))),
                                    max_texels=(48 if not self.window else 24) * 512 * 512)
        except ValueError:
            raise _input_error(self.spec.ortho.paths[0], "the orthophoto does not cover the model area "
                                                         "(different CRS or wrong tile?)") from None
        self.legend.append((f"Luftbild ({self.spec.ortho.name})", None))

    def update_view(self, viewport_px=None) -> int:
        """Bring camera-dependent parts (orthophoto tiles) up to date; returns tiles read."""
        if self.ortho is None:
            return 0
        if "ortho" in self.hidden_groups:
            self.ortho.clear(self.plotter)
            return 0
        return self.ortho.update(self.plotter, viewport_px or self.size)

    def set_group_visible(self, key: str, visible: bool) -> None:
        """Show or hide one part: "ortho", "textures", "raster-<i>", "layer-<i>" (i: its index in
        the spec)."""
        if visible:
            self.hidden_groups.discard(key)
        else:
            self.hidden_groups.add(key)
        if key == "ortho":
            self.update_view()
        elif key == "textures":
            self.set_textures_visible(visible)
        for actor in self.groups.get(key, []):
            actor.SetVisibility(bool(visible))

    def _add_raster(self, r: RasterSpec) -> None:
        from stadtbild.importers.rasters import read_overlay

        from .drape import FLOOD_CMAP, RANK_RASTER, add_draped_image, colour_ramp

        crs = self.scene.crs if self.scene.crs else None
        lo = self.origin
        area = self._area(min(MAX_MARGIN_M, max(500.0, 3 * self.extent_m)))
        img = read_overlay(r.path, crs, raster_crs=r.raster_crs,
                           bounds=(area[0] + lo[0], area[1] + lo[1], area[2] + lo[0], area[3] + lo[1]))
        if r.kind == "flood":
            below = 0.05 if r.min_value is None else r.min_value
            v = img.values
            wet = np.isfinite(v) & (v >= below)
            clim = r.clim or (0.0, float(np.nanpercentile(v[wet], 99)) if wet.any() else 1.0)
            if clim[1] <= clim[0]:
                clim = (clim[0], clim[0] + 0.5)
            rgba, clim = colour_ramp(v, r.cmap or FLOOD_CMAP, clim, below=below, alpha=r.opacity)
            title = r.title or "Wassertiefe [m]"
        else:
            rgba, clim = colour_ramp(img.values, r.cmap or "viridis", r.clim, below=r.min_value, alpha=r.opacity)
            title = r.title or img.name
        b = img.bounds
        bl = (b[0] - lo[0], b[1] - lo[1], b[2] - lo[0], b[3] - lo[1])
        name = f"raster-{len(self.colour_bars)}-{img.name}"
        actor = add_draped_image(self.plotter, self.ground, rgba, bl, name, RANK_RASTER, interpolate=False,
                                 lighting=False, cutout=r.opacity >= 1.0)
        self.actors[name] = actor
        self.groups[f"raster-{len(self.colour_bars)}"] = [actor]
        self.colour_bars.append({"title": title, "cmap": r.cmap or (FLOOD_CMAP if r.kind == "flood" else "viridis"),
                                 "clim": clim, "opacity": r.opacity, "name": name})

    def _layer_grid(self):
        """The TerrainGrid layers are draped on: the DEM, or a flat 2×2 grid at the ground height
        over the layers' and the model's extent."""
        from stadtbild.model.terrain import TerrainGrid

        if self.ground.grid is not None:
            return self.ground.grid
        boxes = [ls.layer.extent() for ls in self.spec.layers if ls.layer.extent()]
        lo, hi = np.asarray(self.scene.bounds, dtype=float)
        o = self.origin
        boxes.append((lo[0] + o[0], lo[1] + o[1], hi[0] + o[0], hi[1] + o[1]))
        b = np.array(boxes, dtype=float)
        xmin, ymin, xmax, ymax = b[:, 0].min() - 1, b[:, 1].min() - 1, b[:, 2].max() + 1, b[:, 3].max() + 1
        z0 = self.ground.plane_z + o[2]
        return TerrainGrid(np.full((2, 2), z0), xmin, ymax, max(xmax - xmin, 1.0), max(ymax - ymin, 1.0),
                           crs=self.scene.crs)

    def _top_of(self, xy_local) -> np.ndarray:
        """Height (local) of the highest model surface above points ``xy_local`` (n, 2), −inf where
        there is none: a POI on a building gets its pin on the roof."""
        from stadtbild.analysis.raycast import RayCaster

        xy = np.asarray(xy_local, float).reshape(-1, 2)
        top = float(np.asarray(self.scene.bounds)[1, 2]) + 10.0
        hits = RayCaster(self.scene).first_hit(np.c_[xy, np.full(len(xy), top)], np.array([0.0, 0.0, -1.0]))
        return np.where(hits.hit, hits.point[:, 2], -np.inf)

    def _add_layers(self) -> None:
        from .layers_view import PALETTE, add_layer, add_points

        grid = self._layer_grid()
        terrain_scene = grid.scene(self.origin)
        scale = self.size[1] / 1080.0 * max(self.supersample, 1)
        for k, ls in enumerate(self.spec.layers):
            colour = ls.colour or tuple(int(v) for v in PALETTE[(k + 5) % len(PALETTE)])
            name = f"layer-{k}-{ls.layer.name}"
            if ls.label_by:
                ls.layer.column(ls.label_by)  # raises for a missing field (never silently dropped)
            out = add_points(self.plotter, ls.layer, grid, self.origin, colour_by=ls.colour_by, label_by=ls.label_by,
                             colour=ls.colour or MARKER_RGB, name=name,
                             marker_px=max(8.0, 14.0 * scale), vtk_labels=self.window, stand_on=self._top_of)
            self.labels.extend(out["labels"])
            self.actors.update(out["actors"])
            actors, entries = add_layer(self.plotter, ls.layer, grid, self.origin, terrain_scene,
                                        colour_by=ls.colour_by, label_by=ls.label_by if self.window else None,
                                        colour=colour, name=name, legend=False, line_width=max(2.0, 3.0 * scale),
                                        with_entries=True)
            for a in actors:
                self.actors[f"{name}-{id(a)}"] = a
            self.groups[f"layer-{k}"] = [a for a in list(out["actors"].values()) + list(actors) if a is not None]
            if not self.window and ls.label_by:
                self.labels.extend(out["area_labels"])
            if entries:
                self.legend.extend(entries)
            elif len(ls.layer):
                self.legend.append((ls.layer.name, colour if out["n_points"] == 0 else out["colour"]))

    # ------------------------------------------------------------------ sun
    def make_shading(self, site=None, tz: str | None = None):
        """The computed-shadow machinery (light map, ground grid, ray caster) of this picture —
        numpy and Embree only, so a worker thread may build it (:meth:`sun_state`)."""
        from stadtbild.model.terrain import with_terrain

        from .sun_shading import SunShading

        if self.shading is None:
            occluders = with_terrain(self.scene, self.spec.terrain) if self.spec.terrain is not None else None
            self.shading = SunShading(self.scene, occluders=occluders, cell_m=self.spec.shadow_cell_m, site=site,
                                      tz=tz or self.spec.tz, max_texels=self.spec.shadow_texels)
        return self.shading

    def prepare_sun(self, site=None, tz: str | None = None):
        """:meth:`make_shading` and the model actors' light-map coordinates (VTK: GUI thread);
        returns the :class:`viewer.sun_shading.SunShading` (its ``site`` and ``positions``)."""
        shading = self.make_shading(site, tz)
        if not getattr(self, "_lit", None):
            self._lightmap_model()
        return shading

    def sun_state(self, when, tz: str | None = None) -> dict:
        """The sun of local ``when`` and its computed shadows (rays only, no VTK: may run in a
        worker thread); :meth:`apply_sun` shows it."""
        shading = self.make_shading(tz=tz)
        sun = shading.positions([when])
        d = sun.direction_grid()[0]
        out = shading.compute(d)
        out.update(sun=sun, direction=d)
        return out

    def set_time(self, when, tz: str | None = None) -> dict:
        """Light the picture by the sun of local ``when`` and show the computed shadows; returns
        the sun record (``azimuth_deg``, ``elevation_deg``, ``time_local`` …)."""
        self.prepare_sun(tz=tz)
        return self.apply_sun(self.sun_state(when, tz))

    def apply_sun(self, out: dict) -> dict:
        """Show a :meth:`sun_state`: the sun light, the light map on roofs and facades, the shadow
        on the ground. Returns the sun record."""
        from .drape import RANK_SHADOW, add_draped_image
        from .sun_shading import set_sun

        self.prepare_sun()
        sun, d = out["sun"], out["direction"]
        set_sun(self.plotter, d)
        self._set_lightmap_image(out["lightmap"])
        name = "sun-ground-shadow"
        if name in self.actors:
            self.plotter.remove_actor(self.actors.pop(name), render=False)
        if out["ground"][..., 3].any():
            self.actors[name] = add_draped_image(self.plotter, self.ground, out["ground"],
                                                 self.shading.ground_bounds_local(), name, RANK_SHADOW,
                                                 interpolate=True, lighting=False)
        self.sun = sun
        self.last_ground_shadow = out["ground_shadow"]
        self.last_surface_shadow = out["surface_shadow"]
        rec = sun.record(0)
        rec.update(surface_shadow_fraction=float(out["surface_shadow"].mean()) if len(out["surface_shadow"]) else 0.0,
                   texel_m=round(self.shading.atlas.texel_m, 3), texels=int(self.shading.atlas.n_texels),
                   shadow_s=round(self.shading.last_s, 3))
        self.sun_info = rec
        if not any(lab == "Schatten (berechnet)" for lab, _ in self.legend):
            from .sun_shading import GROUND_MATERIAL, shade_factor

            s = float(shade_factor(np.array([[0.0, 0.0, 1.0]]), d, GROUND_MATERIAL)[0]) if d[2] > 0 else 0.6
            self.legend.append(("Schatten (berechnet)", tuple(int(round(c * 255 * s * 0.95)) for c in GROUND_RGB)))
        return rec

    # ------------------------------------------------------------------ the window's model actors
    def attach_models(self, models) -> None:
        """New model actors (the window rebuilt its per-type actors): light map and textures
        follow them."""
        self.models = [tuple(m) for m in models]
        self._lit = []
        if self.shading is not None:
            self._lightmap_model()
            tex = getattr(self, "_lightmap_tex", None)
            if tex is not None:
                for actor, _mesh, _tri in self.models:
                    actor.SetTexture(tex)

    def refresh_colours(self) -> None:
        """Copy the model meshes' current cell colours (selection, results, themes the window
        set) into the light-mapped copies that are drawn."""
        for lit, src in getattr(self, "_lit", []):
            if "rgb" in src.cell_data and "rgb" in lit.cell_data:
                lit.cell_data["rgb"][:] = np.asarray(src.cell_data["rgb"])
                lit.GetCellData().GetArray("rgb").Modified()
                lit.Modified()

    def set_textures_visible(self, visible: bool) -> None:
        """Show or hide the textured actors (the window hides them under result colours)."""
        for actor, _tri, _k in self.textured:
            actor.SetVisibility(bool(visible) and "textures" not in self.hidden_groups)

    def remove(self) -> None:
        """Take everything this picture added out of the plotter and give the model actors back
        their own meshes (the window switches the picture off or rebuilds it)."""
        for actor in list(self.actors.values()):
            self.plotter.remove_actor(actor, render=False)
        self.actors = {}
        if self.ortho is not None:
            self.ortho.clear(self.plotter)
        for actor, _tri, _k in self.textured:
            self.plotter.remove_actor(actor, render=False)
        self.textured = []
        if getattr(self, "_lit", None):  # the model actors draw their own meshes again
            for actor, mesh, _tri in self.models:
                if "rgb" in mesh.cell_data:
                    mesh.cell_data.active_scalars_name = "rgb"  # what the mapper colours by (rgb=True)
                actor.GetMapper().SetInputData(mesh)
                actor.SetTexture(None)
        self._lit = []
        fog = getattr(self.plotter, "_stadtbild_fog", None)
        if fog is not None:
            fog.remove()
            self.plotter._stadtbild_fog = None
        for off in ("disable_ssao", "disable_eye_dome_lighting"):
            try:
                getattr(self.plotter, off)()
            except Exception:  # noqa: BLE001 — the pass was not on
                pass

    def _apply_textures(self, model) -> None:
        """Draw the triangles with a present texture image by one actor per image
        (:mod:`viewer.textures`), take them out of the model actors, and give the model actors'
        triangles their material colours."""
        from .textures import material_colours, texture_assignment

        image, uv = texture_assignment(model, self.scene)
        self._tex_image, self._tex_uv = image, uv
        if self.window:  # the window's per-type actors stay whole (picking, selection); textures lie on them
            self._build_textured(model)
            if (image >= 0).any():
                self.legend.append((f"Texturen ({len(self.textured)} Bilder)", None))
            return
        models = []
        for actor, mesh, triangles in self.models:
            tri = np.arange(self.scene.n_triangles) if triangles is None else np.asarray(triangles)
            keep = image[tri] < 0
            sub = _cell_subset(mesh, self.scene, tri, keep)
            if "rgb" in sub.cell_data:
                sub.cell_data["rgb"] = material_colours(model, self.scene, self._rgb_of(mesh, tri))[tri[keep]]
                sub.cell_data.active_scalars_name = "rgb"
            actor.GetMapper().SetInputData(sub)
            models.append((actor, sub, tri[keep]))
        self.models = models
        self._build_textured(model)
        n = int((image >= 0).sum())
        if n:
            self.legend.append((f"Texturen ({len(self.textured)} Bilder)", None))

    def _rgb_of(self, mesh, tri) -> np.ndarray:
        """(m, 3) rgb of all scene triangles with ``mesh``'s colours at ``tri``."""
        out = np.zeros((self.scene.n_triangles, 3), np.uint8)
        if "rgb" in mesh.cell_data:
            out[tri] = np.asarray(mesh.cell_data["rgb"])
        return out

    def _build_textured(self, model, lightmap=None) -> None:
        from .textures import add_textured_actor, textured_polydata, vtk_texture

        for actor, _tri, _k in self.textured:
            self.plotter.remove_actor(actor, render=False)
        self.textured = []
        from .scene_view import triangle_colours

        image, uv = self._tex_image, self._tex_uv
        base = triangle_colours(self.scene)
        light_tc = None
        for k in np.unique(image[image >= 0]):
            tri = np.flatnonzero(image == k)
            tex = vtk_texture(model.textures.images[int(k)], np.median(base[tri], axis=0))
            if tex is None:
                continue
            if lightmap is not None:
                from .lightmap import light_tcoords

                light_tc = light_tcoords(self.shading.atlas, self.scene.n_triangles, tri)
            mesh = textured_polydata(self.scene, tri, uv[tri], light_tc)
            actor = add_textured_actor(self.plotter, mesh, tex, f"texture-{int(k)}", lightmap=lightmap,
                                       pickable=not self.window)
            if self.window:  # drawn over the whole per-type actors of the window: one stack level up
                from .drape import set_stack_rank

                set_stack_rank(actor, 1)
            self.textured.append((actor, tri, int(k)))

    def _lightmap_model(self) -> None:
        """Give the model actors unshared vertices with light-map texture coordinates (and the
        textured actors the light map as a second texture, :meth:`_set_lightmap_image`)."""
        from .lightmap import lightmapped

        self._lit = []
        for actor, mesh, triangles in self.models:
            lit = lightmapped(mesh, self.scene, self.shading.atlas, triangles)
            actor.GetMapper().SetInputData(lit)
            self._lit.append((lit, mesh))

    def _set_lightmap_image(self, image: np.ndarray) -> None:
        import pyvista as pv

        tex = pv.Texture(np.ascontiguousarray(image))
        tex.interpolate = True
        tex.repeat = False
        tex.SetEdgeClamp(True)
        for actor, _mesh, _tri in self.models:
            actor.SetTexture(tex)
        if self.textured:
            first = getattr(self, "_lightmap_tex", None) is None
            if first:  # multi-texture actors are built once the atlas exists
                self._build_textured(self.spec.textured_model, lightmap=tex)
            else:
                for actor, _tri, _k in self.textured:
                    import vtk

                    tex.SetBlendingMode(vtk.vtkTexture.VTK_TEXTURE_BLENDING_MODE_MODULATE)
                    actor.GetProperty().SetTexture("lightmap", tex)
        self._lightmap_tex = tex

    # ------------------------------------------------------------------ helpers for callers
    def caption(self) -> str | None:
        """Subtitle for the sun (date, time, position), None without a sun."""
        if self.sun is None:
            return None
        from .sun_animation import caption

        return caption(self.sun, 0)

    def summary(self) -> dict:
        """What the picture shows, for the CLI JSON."""
        out = {"finish": self.applied}
        if self.spec.ortho is not None:
            out["ortho"] = {"files": self.spec.ortho.paths, "tiles": len(self.ortho.shown) if self.ortho else 0,
                            "pixel_m": round(self.spec.ortho.pixel_m, 4)}
        if self.colour_bars:
            out["rasters"] = [{"title": c["title"], "clim": [round(v, 4) for v in c["clim"]]} for c in self.colour_bars]
        if self.spec.layers:
            out["layers"] = [{"name": ls.layer.name, "features": len(ls.layer), "label_by": ls.label_by,
                              "colour_by": ls.colour_by} for ls in self.spec.layers]
        if self.sun_info is not None:
            out["sun"] = self.sun_info
        tm = self.spec.textured_model
        if tm is not None and getattr(tm, "textures", None) is not None:
            out["textures"] = dict(tm.textures.summary(), images_drawn=len(self.textured),
                                   textured_triangles=int(sum(len(t) for _a, t, _k in self.textured)))
        return out


def _cell_subset(mesh, scene, tri: np.ndarray, keep: np.ndarray):
    """PolyData of the scene triangles ``tri[keep]`` with ``mesh``'s cell data (aligned with
    ``tri``) kept for them, in that order."""
    import pyvista as pv

    if keep.all():
        return mesh
    sel = tri[keep]
    sub = pv.PolyData(scene.vertices, np.c_[np.full(len(sel), 3), scene.triangles[sel]].ravel()) if len(sel) \
        else pv.PolyData()
    for name in mesh.cell_data.keys():
        if len(sel):
            sub.cell_data[name] = np.asarray(mesh.cell_data[name])[keep]
    return sub


def _input_error(path, message):
    from stadtbild.model.errors import InputError

    return InputError(path, message)
